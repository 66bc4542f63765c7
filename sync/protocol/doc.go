// Package protocol defines version 1 of xunbang's sync protocol: the wire
// types that the desktop client (package sync/client) and the reference
// platform server (package sync/platform) exchange, the limits both sides
// enforce, and the decoders that turn bytes from the network into values that
// have been checked to be a well-formed protocol answer.
//
// The protocol in one paragraph (docs/sync-protocol.md is the authoritative
// spec): records are identified by a client-made UUID, revisions by their own
// id. A push is a batch POST to /v1/push in which the revision id is the
// idempotency key: the same revision sent twice is stored once ("duplicate"),
// a revision whose base is not the server's current revision is a "conflict"
// that carries the server's current revision, a revision that fails
// validation is "invalid" with reasons per field, anything else is
// "accepted". A pull is a cursor-based change feed at /v1/changes: the
// platform's verdicts on a team's needs (审核中, 已发布 with the public URL,
// 退回 with comments, 对接中, 已签约…), revisions pushed by colleagues of the
// same team, other teams' published needs (redacted) and the shared
// enterprise registry (public fields only). Every response carries the
// protocol version in the X-Xunbang-Protocol header and in its JSON body;
// a response without them, such as a hotel Wi-Fi login page answering 200,
// is not an answer.
//
// protocol imports forms (for statuses and redaction types) and the standard
// library only.
package protocol
