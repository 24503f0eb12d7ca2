// Package topic is the schema document model shared by the generator and the
// runtime: parsing the Glue JSON document, type names to Arrow types,
// formatHint translation, metadata columns and the schema fingerprint.
package topic
