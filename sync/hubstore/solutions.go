package hubstore

// SolutionTx is what 揭榜 keeps: the solutions providers submit for
// published needs. (Issue 15 fills it.)
type SolutionTx interface{}
