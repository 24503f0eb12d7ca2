package federation

import (
	"github.com/apache/arrow-go/v18/arrow"
)

// Version is a serde version of the wire protocol (2..6).
type Version int

// Serde versions. Version 1 (the deprecated annotation-driven mapper) is not
// supported: a connector that announces 2 or more never receives it.
const (
	V2 Version = 2 // legacy Arrow IPC framing
	V3 Version = 3 // modern Arrow IPC framing (continuation marker, metadata V5)
	V4 Version = 4 // constraints gain expression, orderByClause, limit; capabilities request
	V5 Version = 5 // query passthrough arguments in GetTable and constraints
	V6 Version = 6 // constraints gain queryPlan

	MinVersion     = V2
	CurrentVersion = V6
)

// Values announced by Handle in its PingResponse.
const (
	SourceType   = "kafka"
	Capabilities = 24 // FederationCapabilities.CAPABILITIES: a protocol feature level, not a bitmask
)

// Request is any federation request. Release frees the Arrow memory it holds.
type Request interface {
	// Type is the request's "@type", e.g. "ReadRecordsRequest".
	Type() string
	// Header gives the identity, query id and catalog name every request has.
	Header() *RequestHeader
	Release()
}

// Response is any federation response. Release frees the Arrow memory it holds.
type Response interface {
	// Type is the response's "@type", e.g. "ReadRecordsResponse".
	Type() string
	Release()
}

// RequestHeader is the part every request shares. UserDefinedFunctionRequest
// uses only Identity.
type RequestHeader struct {
	Identity    Identity
	QueryID     string
	CatalogName string
}

// Header returns h itself.
func (h *RequestHeader) Header() *RequestHeader { return h }

// PingRequest is the first call; its JSON is the same in every version.
type PingRequest struct{ RequestHeader }

// ListSchemasRequest asks for the catalog's databases.
type ListSchemasRequest struct{ RequestHeader }

// UnlimitedPageSize is ListTablesRequest.PageSize without a limit.
const UnlimitedPageSize = -1

// ListTablesRequest asks for a page of the tables of SchemaName.
type ListTablesRequest struct {
	RequestHeader
	SchemaName string
	NextToken  *string // nil: from the start
	PageSize   int     // UnlimitedPageSize (-1): all
}

// GetTableRequest asks for a table's schema. A non-empty QueryPassthrough
// (v5+) makes it a query-passthrough call.
type GetTableRequest struct {
	RequestHeader
	TableName        TableName
	QueryPassthrough Map
}

// GetTableLayoutRequest asks for the partitions to read.
type GetTableLayoutRequest struct {
	RequestHeader
	TableName        TableName
	Constraints      Constraints
	Schema           *arrow.Schema
	PartitionColumns []string
}

// GetSplitsRequest asks for the splits of the partitions.
type GetSplitsRequest struct {
	RequestHeader
	TableName         TableName
	Partitions        Block
	PartitionColumns  []string
	Constraints       Constraints
	ContinuationToken *string
}

// ReadRecordsRequest asks for the rows of one split.
type ReadRecordsRequest struct {
	RequestHeader
	TableName          TableName
	Schema             *arrow.Schema
	Split              Split
	Constraints        Constraints
	MaxBlockSize       int64
	MaxInlineBlockSize int64
}

// GetDataSourceCapabilitiesRequest (v4+) asks which optimizations the
// connector supports.
type GetDataSourceCapabilitiesRequest struct{ RequestHeader }

// UserDefinedFunctionRequest is sent to UDF Lambdas only. It has no query id
// and no catalog name; Handle answers it with an error.
type UserDefinedFunctionRequest struct {
	RequestHeader
	InputRecords Block
	OutputSchema *arrow.Schema
	MethodName   string
	FunctionType string // "SCALAR"
}

// Type implements Request.
func (*PingRequest) Type() string { return "PingRequest" }

// Type implements Request.
func (*ListSchemasRequest) Type() string { return "ListSchemasRequest" }

// Type implements Request.
func (*ListTablesRequest) Type() string { return "ListTablesRequest" }

// Type implements Request.
func (*GetTableRequest) Type() string { return "GetTableRequest" }

// Type implements Request.
func (*GetTableLayoutRequest) Type() string { return "GetTableLayoutRequest" }

// Type implements Request.
func (*GetSplitsRequest) Type() string { return "GetSplitsRequest" }

// Type implements Request.
func (*ReadRecordsRequest) Type() string { return "ReadRecordsRequest" }

// Type implements Request.
func (*GetDataSourceCapabilitiesRequest) Type() string { return "GetDataSourceCapabilitiesRequest" }

// Type implements Request.
func (*UserDefinedFunctionRequest) Type() string { return "UserDefinedFunctionRequest" }

// Release implements Request.
func (*PingRequest) Release() {}

// Release implements Request.
func (*ListSchemasRequest) Release() {}

// Release implements Request.
func (*ListTablesRequest) Release() {}

// Release implements Request.
func (*GetTableRequest) Release() {}

// Release implements Request.
func (*GetTableLayoutRequest) Release() {}

// Release implements Request.
func (r *GetSplitsRequest) Release() { r.Partitions.Release() }

// Release implements Request.
func (*ReadRecordsRequest) Release() {}

// Release implements Request.
func (*GetDataSourceCapabilitiesRequest) Release() {}

// Release implements Request.
func (r *UserDefinedFunctionRequest) Release() { r.InputRecords.Release() }

// PingResponse answers a PingRequest.
type PingResponse struct {
	CatalogName  string
	QueryID      string
	SourceType   string // "" is written as null
	Capabilities int
	SerDeVersion int // 1 when absent on read
}

// ListSchemasResponse lists the catalog's databases.
type ListSchemasResponse struct {
	CatalogName string
	Schemas     []string
}

// ListTablesResponse is one page of tables; NextToken nil means the last page.
type ListTablesResponse struct {
	Tables      []TableName
	CatalogName string
	NextToken   *string
}

// GetTableResponse gives a table's schema.
type GetTableResponse struct {
	CatalogName      string
	TableName        TableName
	Schema           *arrow.Schema
	PartitionColumns []string
}

// GetTableLayoutResponse gives the partitions; zero rows means nothing to read.
type GetTableLayoutResponse struct {
	CatalogName string
	TableName   TableName
	Partitions  Block
}

// GetSplitsResponse gives splits; a non-nil ContinuationToken asks Athena to
// call again with it.
type GetSplitsResponse struct {
	CatalogName       string
	Splits            []Split
	ContinuationToken *string
}

// ReadRecordsResponse carries the rows inline.
type ReadRecordsResponse struct {
	CatalogName string
	Records     Block
}

// RemoteReadRecordsResponse points at spilled blocks.
type RemoteReadRecordsResponse struct {
	CatalogName   string
	Schema        *arrow.Schema
	RemoteBlocks  []SpillLocation
	EncryptionKey *EncryptionKey
}

// GetDataSourceCapabilitiesResponse lists the supported optimizations.
type GetDataSourceCapabilitiesResponse struct {
	CatalogName  string
	Capabilities []Capability
}

// UserDefinedFunctionResponse is the result of a UDF call.
type UserDefinedFunctionResponse struct {
	Records    Block
	MethodName string
}

// Type implements Response.
func (*PingResponse) Type() string { return "PingResponse" }

// Type implements Response.
func (*ListSchemasResponse) Type() string { return "ListSchemasResponse" }

// Type implements Response.
func (*ListTablesResponse) Type() string { return "ListTablesResponse" }

// Type implements Response.
func (*GetTableResponse) Type() string { return "GetTableResponse" }

// Type implements Response.
func (*GetTableLayoutResponse) Type() string { return "GetTableLayoutResponse" }

// Type implements Response.
func (*GetSplitsResponse) Type() string { return "GetSplitsResponse" }

// Type implements Response.
func (*ReadRecordsResponse) Type() string { return "ReadRecordsResponse" }

// Type implements Response.
func (*RemoteReadRecordsResponse) Type() string { return "RemoteReadRecordsResponse" }

// Type implements Response.
func (*GetDataSourceCapabilitiesResponse) Type() string { return "GetDataSourceCapabilitiesResponse" }

// Type implements Response.
func (*UserDefinedFunctionResponse) Type() string { return "UserDefinedFunctionResponse" }

// Release implements Response.
func (*PingResponse) Release() {}

// Release implements Response.
func (*ListSchemasResponse) Release() {}

// Release implements Response.
func (*ListTablesResponse) Release() {}

// Release implements Response.
func (*GetTableResponse) Release() {}

// Release implements Response.
func (r *GetTableLayoutResponse) Release() { r.Partitions.Release() }

// Release implements Response.
func (*GetSplitsResponse) Release() {}

// Release implements Response.
func (r *ReadRecordsResponse) Release() { r.Records.Release() }

// Release implements Response.
func (*RemoteReadRecordsResponse) Release() {}

// Release implements Response.
func (*GetDataSourceCapabilitiesResponse) Release() {}

// Release implements Response.
func (r *UserDefinedFunctionResponse) Release() { r.Records.Release() }
