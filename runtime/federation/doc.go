// Package federation is Athena's Lambda wire protocol: every request and
// response of serde versions 2..6, the Arrow block codec, the constraints
// model and its evaluation, capabilities and error responses.
//
// Handle is the entry point: it parses a request of any version (see
// DecodeRequest for how the version is detected), answers Ping itself,
// dispatches the rest to a Handler and writes the response in the request's
// version, exactly as the Java SDK's serdes do (field order, nulls, compact
// JSON, standard base64). DecodeRequest, EncodeResponse, EncodeRequest and
// DecodeResponse are the lower-level halves, also used to play Athena's side.
//
// Arrow payloads are single IPC messages: modern framing for v3+, legacy
// framing for v2 and for spilled blocks (EncodeRecordBatch with legacy set).
// Constraint value blocks are decoded into plain Go values (see ValueAt), so
// value sets hold no Arrow memory; blocks do, and are released by the
// Release methods of requests and responses.
package federation
