package federation

import (
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// EncodeResponse writes resp as compact JSON in version v: fields in the
// order of the Java serdes, nulls written, Arrow payloads in the legacy
// framing for v2 and the modern one otherwise. It does not release resp.
func EncodeResponse(resp Response, v Version, opts ...Option) ([]byte, error) {
	return encodeResponse(resp, v, newOptions(opts))
}

// EncodeRequest writes req as compact JSON in version v, as Athena would.
// Parts of Constraints the version does not carry are left out. It does not
// release req.
func EncodeRequest(req Request, v Version, opts ...Option) ([]byte, error) {
	if isNil(req) {
		return nil, fmt.Errorf("federation: no request to encode")
	}
	e, err := newEncoder(v, newOptions(opts))
	if err != nil {
		return nil, err
	}
	e.request(req)
	return e.result()
}

type encoder struct {
	w   writer
	v   Version
	o   *options
	err error
}

func newEncoder(v Version, o *options) (*encoder, error) {
	if v < MinVersion || v > CurrentVersion {
		return nil, fmt.Errorf("federation: unsupported serde version %d (want %d..%d)", v, MinVersion, CurrentVersion)
	}
	return &encoder{v: v, o: o, w: writer{buf: make([]byte, 0, 1024)}}, nil
}

func (e *encoder) result() ([]byte, error) {
	if e.err != nil {
		return nil, e.err
	}
	return e.w.buf, nil
}

func (e *encoder) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

func encodeResponse(resp Response, v Version, o *options) ([]byte, error) {
	if isNil(resp) {
		return nil, fmt.Errorf("federation: no response to encode")
	}
	e, err := newEncoder(v, o)
	if err != nil {
		return nil, err
	}
	w := &e.w
	w.typed(resp.Type())
	switch r := resp.(type) {
	case *PingResponse:
		w.key("catalogName")
		w.str(r.CatalogName)
		w.key("queryId")
		w.str(r.QueryID)
		w.key("sourceType")
		if r.SourceType == "" {
			w.null()
		} else {
			w.str(r.SourceType)
		}
		w.key("capabilities")
		w.int(int64(r.Capabilities))
		w.key("serDeVersion")
		w.int(int64(r.SerDeVersion))
	case *ListSchemasResponse:
		w.key("catalogName")
		w.str(r.CatalogName)
		w.key("schemas")
		w.strings(r.Schemas)
	case *ListTablesResponse:
		w.key("tables")
		w.beginArray()
		for _, t := range r.Tables {
			e.tableName(t)
		}
		w.endArray()
		w.key("catalogName")
		w.str(r.CatalogName)
		w.key("nextToken")
		w.strPtr(r.NextToken)
	case *GetTableResponse:
		w.key("catalogName")
		w.str(r.CatalogName)
		w.key("tableName")
		e.tableName(r.TableName)
		w.key("schema")
		e.schema(r.Schema)
		w.key("partitionColumns")
		w.strings(r.PartitionColumns)
	case *GetTableLayoutResponse:
		w.key("catalogName")
		w.str(r.CatalogName)
		w.key("tableName")
		e.tableName(r.TableName)
		w.key("partitions")
		e.block(&r.Partitions)
	case *GetSplitsResponse:
		w.key("catalogName")
		w.str(r.CatalogName)
		w.key("splits")
		w.beginArray()
		for i := range r.Splits {
			e.split(&r.Splits[i])
		}
		w.endArray()
		w.key("continuationToken")
		w.strPtr(r.ContinuationToken)
	case *ReadRecordsResponse:
		w.key("catalogName")
		w.str(r.CatalogName)
		w.key("records")
		e.block(&r.Records)
	case *RemoteReadRecordsResponse:
		w.key("catalogName")
		w.str(r.CatalogName)
		w.key("schema")
		e.schema(r.Schema)
		w.key("remoteBlocks")
		w.beginArray()
		for i := range r.RemoteBlocks {
			e.spillLocation(&r.RemoteBlocks[i])
		}
		w.endArray()
		w.key("encryptionKey")
		e.encryptionKey(r.EncryptionKey)
	case *GetDataSourceCapabilitiesResponse:
		w.key("catalogName")
		w.str(r.CatalogName)
		w.key("capabilities")
		w.beginObject()
		for _, c := range r.Capabilities {
			w.key(c.Name)
			w.beginArray()
			for _, s := range c.SubTypes {
				w.beginObject()
				w.key("subType")
				w.str(s.SubType)
				w.key("properties")
				w.strings(s.Properties)
				w.endObject()
			}
			w.endArray()
		}
		w.endObject()
	case *UserDefinedFunctionResponse:
		w.key("records")
		e.block(&r.Records)
		w.key("methodName")
		w.str(r.MethodName)
	default:
		return nil, fmt.Errorf("federation: cannot encode response %T", resp)
	}
	w.endObject()
	return e.result()
}

func (e *encoder) request(req Request) {
	w := &e.w
	w.typed(req.Type())
	h := req.Header()
	w.key("identity")
	e.identity(&h.Identity)
	switch req.(type) {
	case *PingRequest:
		w.key("catalogName")
		w.str(h.CatalogName)
		w.key("queryId")
		w.str(h.QueryID)
	case *UserDefinedFunctionRequest:
	default:
		w.key("queryId")
		w.str(h.QueryID)
		w.key("catalogName")
		w.str(h.CatalogName)
	}
	switch r := req.(type) {
	case *PingRequest, *ListSchemasRequest, *GetDataSourceCapabilitiesRequest:
	case *ListTablesRequest:
		w.key("schemaName")
		w.str(r.SchemaName)
		w.key("nextToken")
		w.strPtr(r.NextToken)
		w.key("pageSize")
		w.int(int64(r.PageSize))
	case *GetTableRequest:
		w.key("tableName")
		e.tableName(r.TableName)
		if e.v >= V5 {
			w.key("queryPassthroughArguments")
			w.smap(r.QueryPassthrough)
		}
	case *GetTableLayoutRequest:
		w.key("tableName")
		e.tableName(r.TableName)
		w.key("constraints")
		e.constraints(&r.Constraints)
		w.key("schema")
		e.schema(r.Schema)
		w.key("partitionColumns")
		w.strings(r.PartitionColumns)
	case *GetSplitsRequest:
		w.key("tableName")
		e.tableName(r.TableName)
		w.key("partitions")
		e.block(&r.Partitions)
		w.key("partitionColumns")
		w.strings(r.PartitionColumns)
		w.key("constraints")
		e.constraints(&r.Constraints)
		w.key("continuationToken")
		w.strPtr(r.ContinuationToken)
	case *ReadRecordsRequest:
		w.key("tableName")
		e.tableName(r.TableName)
		w.key("schema")
		e.schema(r.Schema)
		w.key("split")
		e.split(&r.Split)
		w.key("constraints")
		e.constraints(&r.Constraints)
		w.key("maxBlockSize")
		w.str(strconv.FormatInt(r.MaxBlockSize, 10))
		w.key("maxInlineBlockSize")
		w.str(strconv.FormatInt(r.MaxInlineBlockSize, 10))
	case *UserDefinedFunctionRequest:
		w.key("inputRecords")
		e.block(&r.InputRecords)
		w.key("outputSchema")
		e.schema(r.OutputSchema)
		w.key("methodName")
		w.str(r.MethodName)
		w.key("functionType")
		w.str(r.FunctionType)
	default:
		e.fail(fmt.Errorf("federation: cannot encode request %T", req))
	}
	w.endObject()
}

func (e *encoder) identity(id *Identity) {
	w := &e.w
	w.beginObject()
	// The SDK always writes the constant "UNKNOWN" for both.
	w.key("id")
	w.str("UNKNOWN")
	w.key("principal")
	w.str("UNKNOWN")
	w.key("account")
	w.str(id.Account)
	w.key("arn")
	w.str(id.Arn)
	w.key("tags")
	w.smap(id.Tags)
	w.key("groups")
	w.strings(id.Groups)
	w.key("configOptions")
	w.smap(id.ConfigOptions)
	w.endObject()
}

func (e *encoder) tableName(t TableName) {
	w := &e.w
	w.beginObject()
	w.key("schemaName")
	w.str(t.SchemaName)
	w.key("tableName")
	w.str(t.TableName)
	w.endObject()
}

func (e *encoder) legacy() bool { return e.v == V2 }

func (e *encoder) schema(s *arrow.Schema) {
	if s == nil {
		e.fail(fmt.Errorf("federation: missing Arrow schema"))
		e.w.null()
		return
	}
	e.w.bytes(EncodeSchema(s, e.legacy()))
}

func (e *encoder) block(b *Block) {
	w := &e.w
	w.beginObject()
	w.key("aId")
	w.str(b.AllocatorID)
	w.key("schema")
	e.schema(b.schema())
	w.key("records")
	if b.Rows() == 0 {
		w.str("")
	} else {
		data, err := EncodeRecordBatch(b.Records, e.legacy())
		if err != nil {
			e.fail(err)
		}
		w.bytes(data)
	}
	w.endObject()
}

// valueBlock writes a block with the single column col1 of type t holding
// vals, as the SDK does for value sets, markers and constants.
func (e *encoder) valueBlock(t arrow.DataType, vals []any) {
	if t == nil {
		e.fail(fmt.Errorf("federation: value block without a type"))
		e.w.null()
		return
	}
	b := Block{AllocatorID: e.o.allocatorID,
		Schema: arrow.NewSchema([]arrow.Field{{Name: "col1", Type: t, Nullable: true}}, nil)}
	if len(vals) > 0 {
		rb := array.NewRecordBuilder(e.o.mem, b.Schema)
		defer rb.Release()
		for _, v := range vals {
			if err := appendValue(rb.Field(0), v); err != nil {
				e.fail(err)
				rb.Field(0).AppendNull()
			}
		}
		b.Records = rb.NewRecordBatch()
		defer b.Release()
	}
	e.block(&b)
}

func (e *encoder) split(s *Split) {
	w := &e.w
	w.beginObject()
	w.key("spillLocation")
	if s.SpillLocation == nil {
		w.null()
	} else {
		e.spillLocation(s.SpillLocation)
	}
	w.key("encryptionKey")
	e.encryptionKey(s.EncryptionKey)
	w.key("properties")
	w.smap(s.Properties)
	w.endObject()
}

func (e *encoder) spillLocation(l *SpillLocation) {
	w := &e.w
	w.typed("S3SpillLocation")
	w.key("bucket")
	w.str(l.Bucket)
	w.key("key")
	w.str(l.Key)
	w.key("directory")
	w.boolean(l.Directory)
	w.endObject()
}

func (e *encoder) encryptionKey(k *EncryptionKey) {
	w := &e.w
	if k == nil {
		w.null()
		return
	}
	w.beginObject()
	w.key("key")
	w.bytes(k.Key)
	w.key("nonce")
	w.bytes(k.Nonce)
	w.endObject()
}

func (e *encoder) constraints(c *Constraints) {
	w := &e.w
	w.beginObject()
	w.key("summary")
	w.beginObject()
	for _, cs := range c.Summary {
		w.key(cs.Column)
		e.valueSet(cs.Set)
	}
	w.endObject()
	if e.v >= V4 {
		w.key("expression")
		w.beginArray()
		for _, x := range c.Expression {
			e.expression(x)
		}
		w.endArray()
		w.key("orderByClause")
		w.beginArray()
		for _, o := range c.OrderBy {
			w.beginObject()
			w.key("columnName")
			w.str(o.Column)
			w.key("direction")
			w.str(o.Direction)
			w.endObject()
		}
		w.endArray()
		w.key("limit")
		w.int(c.Limit)
	}
	if e.v >= V5 {
		w.key("queryPassthroughArguments")
		w.smap(c.QueryPassthrough)
	}
	if e.v >= V6 {
		w.key("queryPlan")
		if c.QueryPlan == nil {
			w.null()
		} else {
			w.beginObject()
			w.key("substraitVersion")
			w.str(c.QueryPlan.SubstraitVersion)
			w.key("substraitPlan")
			w.str(c.QueryPlan.SubstraitPlan)
			w.endObject()
		}
	}
	w.endObject()
}

func (e *encoder) arrowType(t arrow.DataType) {
	if err := writeArrowType(&e.w, t); err != nil {
		e.fail(err)
		e.w.null()
	}
}

func (e *encoder) valueSet(vs ValueSet) {
	w := &e.w
	switch s := vs.(type) {
	case *EquatableValueSet:
		w.typed("EquatableValueSet")
		w.key("valueBlock")
		e.valueBlock(s.Type, s.Values)
		w.key("whiteList")
		w.boolean(s.WhiteList)
		w.key("nullAllowed")
		w.boolean(s.NullAllowed)
	case *SortedRangeSet:
		w.typed("SortedRangeSet")
		w.key("type")
		e.arrowType(s.Type)
		w.key("ranges")
		w.beginArray()
		for _, r := range s.Ranges {
			w.beginObject()
			w.key("low")
			e.marker(s.Type, r.Low)
			w.key("high")
			e.marker(s.Type, r.High)
			w.endObject()
		}
		w.endArray()
		w.key("nullAllowed")
		w.boolean(s.NullAllowed)
	case *AllOrNoneValueSet:
		w.typed("AllOrNoneValueSet")
		w.key("type")
		e.arrowType(s.Type)
		w.key("all")
		w.boolean(s.All)
		w.key("nullAllowed")
		w.boolean(s.NullAllowed)
	default:
		e.fail(fmt.Errorf("federation: cannot encode value set %T", vs))
		w.null()
		return
	}
	w.endObject()
}

func (e *encoder) marker(t arrow.DataType, m Marker) {
	w := &e.w
	w.beginObject()
	w.key("valueBlock")
	if m.NullValue {
		e.valueBlock(t, nil)
	} else {
		e.valueBlock(t, []any{m.Value})
	}
	w.key("bound")
	w.str(m.Bound.String())
	w.key("nullValue")
	w.boolean(m.NullValue)
	w.endObject()
}

func (e *encoder) expression(x Expression) {
	w := &e.w
	switch x := x.(type) {
	case *FunctionCallExpression:
		w.typed("FunctionCallExpression")
		w.key("type")
		e.arrowType(x.Type)
		w.key("functionName")
		w.beginObject()
		w.key("functionName")
		w.str(x.Function)
		w.endObject()
		w.key("arguments")
		w.beginArray()
		for _, a := range x.Arguments {
			e.expression(a)
		}
		w.endArray()
	case *VariableExpression:
		w.typed("VariableExpression")
		w.key("columnName")
		w.str(x.Column)
		w.key("type")
		e.arrowType(x.Type)
	case *ConstantExpression:
		w.typed("ConstantExpression")
		w.key("valueBlock")
		e.valueBlock(x.Type, x.Values)
		w.key("type")
		e.arrowType(x.Type)
	default:
		e.fail(fmt.Errorf("federation: cannot encode expression %T", x))
		w.null()
		return
	}
	w.endObject()
}
