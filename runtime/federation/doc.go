// Package federation is Athena's Lambda wire protocol: every request and
// response of serde versions 2..6, the Arrow block codec, the constraints
// model and its evaluation, capabilities and error responses.
package federation
