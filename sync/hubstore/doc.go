// Package hubstore is the storage of the hub (`xunbang serve`, package
// sync/platform): what the hub keeps, and the one interface every place it
// keeps it must satisfy. The hub's logic — who may see what, conflicts,
// encryption — is written once, in sync/platform, over a Tx; a Store only
// keeps and finds things. Two stores exist: Bolt (one bbolt file, the way a
// district starts) and, in package hubstore/postgres, PostgreSQL (a city's
// hub, several `serve` processes on one database). The conformance suite in
// hubstore/storetest runs against every store.
//
// The contract every Store keeps:
//
//   - Update runs fn in one read-write transaction: all of it is kept, or,
//     when fn or the commit fails, none of it. Update transactions are
//     serialised with every other Update on the same store — across
//     processes, for a store several processes share — so that events are
//     appended, and become visible, in sequence order: a reader that has
//     seen event N never later finds a new event below N.
//   - View runs fn on a consistent snapshot; it may run beside Updates.
//   - A Tx is valid only inside fn. Values a Tx returns are the caller's:
//     they do not change when the store does.
//   - Get methods return ErrNotFound (wrapped) for what does not exist.
//   - Bytes given to the store (revision bodies, sealed comments) are kept
//     exactly; the store never parses them. Sealing content is the hub's job
//     (sync/platform), so that every store holds only sealed content.
package hubstore
