// Package connector is the handler: a federation request in, a response out.
// It plans splits, reads Kafka, decodes, filters and spills. It is the only
// package that knows all the others.
package connector
