// Package catalog serves table metadata at query time, from the AWS Glue
// Schema Registry (marked registries, case-insensitive names, pagination,
// caching) or from a local folder of schema documents.
package catalog
