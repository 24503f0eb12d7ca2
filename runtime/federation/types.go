package federation

import (
	"github.com/apache/arrow-go/v18/arrow"
)

// KV is one entry of a Map.
type KV struct {
	Key, Value string
}

// Map is a string map that keeps the order of its entries, because the wire
// format is order-sensitive JSON and the Java side writes HashMap order.
type Map []KV

// Get returns the value of the first entry named k.
func (m Map) Get(k string) (string, bool) {
	for _, kv := range m {
		if kv.Key == k {
			return kv.Value, true
		}
	}
	return "", false
}

// Identity is FederatedIdentity: who runs the query. ID and Principal are
// always written as "UNKNOWN" by the Java SDK; they are kept as read.
type Identity struct {
	ID, Principal string
	Account       string
	Arn           string
	Tags          Map
	Groups        []string
	// ConfigOptions holds per-query options from the engine (fas_token,
	// spill_bucket, spill_prefix, ...). Absent on older engines.
	ConfigOptions Map
}

// TableName names a table inside the catalog.
type TableName struct {
	SchemaName, TableName string
}

// SpillLocation is an S3SpillLocation, the only SpillLocation the SDK has.
type SpillLocation struct {
	Bucket    string
	Key       string
	Directory bool
}

// EncryptionKey is the AES-GCM key and nonce of a split's spilled blocks.
type EncryptionKey struct {
	Key, Nonce []byte
}

// Split is one unit of work handed from GetSplits to ReadRecords.
type Split struct {
	SpillLocation *SpillLocation
	EncryptionKey *EncryptionKey
	Properties    Map
}

// DefaultAllocatorID is the block "aId" written for blocks this package
// builds itself (constraint value blocks) unless WithAllocatorID says
// otherwise. Athena uses the id only to pick an allocator, so any string works.
const DefaultAllocatorID = "athena-kafka"

// Block is an Arrow schema plus zero or one record batch. Records nil or
// with zero rows is written as "records":"" (and read back as nil).
// A Block owns its Records: Release releases them.
type Block struct {
	AllocatorID string
	Schema      *arrow.Schema
	Records     arrow.RecordBatch
}

// Rows is the number of rows of the block.
func (b *Block) Rows() int64 {
	if b == nil || b.Records == nil {
		return 0
	}
	return b.Records.NumRows()
}

// Release releases the block's records. It is safe on an empty block and
// safe to call twice.
func (b *Block) Release() {
	if b != nil && b.Records != nil {
		b.Records.Release()
		b.Records = nil
	}
}

func (b *Block) schema() *arrow.Schema {
	if b.Schema != nil {
		return b.Schema
	}
	if b.Records != nil {
		return b.Records.Schema()
	}
	return nil
}

// OptimizationSubType is one entry of a capability.
type OptimizationSubType struct {
	SubType    string
	Properties []string
}

// Capability is one key of GetDataSourceCapabilitiesResponse.capabilities.
type Capability struct {
	Name     string
	SubTypes []OptimizationSubType
}

// Well-known capability names and subtypes (metadata/optimizations in the SDK).
const (
	CapFilterPushdown            = "supports_filter_pushdown"
	CapComplexExpressionPushdown = "supports_complex_expression_pushdown"
	CapLimitPushdown             = "supports_limit_pushdown"
	CapTopNPushdown              = "supports_top_n_pushdown"
	CapDataSourceHints           = "data_source_hints"

	SubTypeSortedRangeSet     = "sorted_range_set"
	SubTypeEquatableValueSet  = "equatable_range_set" // sic, as the SDK spells it
	SubTypeAllOrNoneValueSet  = "all_or_none_value_set"
	SubTypeNullableComparison = "nullable_comparison"
	SubTypeFunctionTypes      = "supported_function_expression_types"
	SubTypeIntegerConstant    = "integer_constant"
	SubTypeSupportsOrderBy    = "SUPPORTS_ORDER_BY"
	SubTypeNonDefaultCollate  = "non_default_collate"
)
