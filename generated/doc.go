// Package generated holds the per-topic decoders that `go generate` writes
// from the schema documents in ../schemas (or from Glue). Everything in this
// folder but this file is output of ../gen; never edit it by hand.
package generated

//go:generate go run ../gen -schemas ../schemas -out .
