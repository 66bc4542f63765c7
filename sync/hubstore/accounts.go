package hubstore

// AccountTx is what the reviewers' console keeps: hub users, their
// sessions, and the audit of what administrators did. (Issue 16 fills it.)
type AccountTx interface{}
