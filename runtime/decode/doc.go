// Package decode owns the Decoder contract, the registry that maps a schema
// fingerprint to a generated decoder (else the reflective fallback), the
// fallback itself, and the small lexing helpers generated code calls.
package decode
