package catalog

import (
	"context"
	"errors"
	"strings"

	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// Catalog serves the databases and tables Athena sees.
type Catalog interface {
	// Schemas lists the databases.
	Schemas(ctx context.Context) ([]string, error)
	// Tables lists one page of the tables of database schema (any case),
	// starting at nextToken (nil: the first page). pageSize <= 0 means all
	// remaining tables. The returned token is nil after the last page.
	Tables(ctx context.Context, schema string, nextToken *string, pageSize int) ([]string, *string, error)
	// Table resolves a table by database and table name, both matched case
	// insensitively (an exact match wins), and returns its latest schema.
	Table(ctx context.Context, schema, table string) (*Table, error)
}

// Table is a resolved table.
type Table struct {
	// Registry and Name are the database and table as the catalog spells
	// them (original case), which may differ from the request's case.
	Registry, Name string
	// Schema is the parsed document.
	Schema *topic.Schema
	// Document is the schema document as stored.
	Document []byte
	// Version is the Glue schema version number; 0 for a folder.
	Version int64
}

// Sentinel errors callers may branch on (with errors.Is).
var (
	// ErrNotFound: the database or table does not exist (for Glue: no
	// marked registry, or no schema, of that name).
	ErrNotFound = errors.New("not found")
	// ErrUnsupportedFormat: the table's Glue data format is AVRO or
	// PROTOBUF; only JSON (topic schema documents) is served.
	ErrUnsupportedFormat = errors.New("data format not supported")
	// ErrTooManyTables: an unpaged table listing exceeded MaxTables.
	ErrTooManyTables = errors.New("too many tables")
)

// MaxTables bounds an unpaged table listing, as in the Java connector.
const MaxTables = 100000

// resolve returns the name in names equal to want, else the first equal
// ignoring case.
func resolve(names []string, want string) (string, bool) {
	fold := -1
	for i, n := range names {
		if n == want {
			return n, true
		}
		if fold < 0 && strings.EqualFold(n, want) {
			fold = i
		}
	}
	if fold >= 0 {
		return names[fold], true
	}
	return "", false
}
