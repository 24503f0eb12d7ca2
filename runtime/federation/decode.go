package federation

import (
	"encoding/base64"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// DecodeRequest parses a request of any serde version 2..6 and tells which
// version it is in. Reading is tolerant: fields in any order, unknown fields
// ignored, the optional fields of the protocol defaulted. The version is
// detected from the request's shape:
//
//   - constraints with "queryPlan": 6
//   - "queryPassthroughArguments" in constraints or in GetTableRequest: 5
//   - constraints with "expression", "orderByClause" or "limit": 4
//   - otherwise, Arrow payloads in the modern framing: 3, legacy framing: 2
//   - otherwise (no hint at all): GetTableRequest 4, because a v5+ engine
//     always sends queryPassthroughArguments (the Java CompositeHandler ends
//     up at 4 as well); every other request 6 (Ping, ListSchemas, ListTables,
//     GetDataSourceCapabilities: their JSON is the same in every version).
//
// The caller releases the request. Arrow memory comes from WithAllocator.
func DecodeRequest(data []byte, opts ...Option) (Request, Version, error) {
	return decodeRequest(data, newOptions(opts))
}

// DecodeResponse parses a response of any serde version 2..6. When data is
// a function error payload (errorMessage, errorType, ...) it returns that
// *Error as its error. The caller releases the response.
func DecodeResponse(data []byte, opts ...Option) (resp Response, err error) {
	o := newOptions(opts)
	if catchPanics {
		defer func() {
			if p := recover(); p != nil {
				resp, err = nil, Errorf("federation: malformed response: %v", p)
			}
		}()
	}
	root, err := parseJSON(data)
	if err != nil {
		return nil, AsError(err)
	}
	if root.kind == 'o' && !root.has("@type") && (root.has("errorMessage") || root.has("errorType")) {
		return nil, decodeError(root)
	}
	r := &reader{o: o}
	resp = r.response(root)
	if r.err != nil {
		if resp != nil {
			resp.Release()
		}
		return nil, r.err
	}
	return resp, nil
}

func decodeRequest(data []byte, o *options) (req Request, v Version, err error) {
	if catchPanics {
		defer func() {
			if p := recover(); p != nil {
				req, v, err = nil, 0, Errorf("federation: malformed request: %v", p)
			}
		}()
	}
	root, err := parseJSON(data)
	if err != nil {
		return nil, 0, AsError(err)
	}
	r := &reader{o: o}
	req = r.request(root)
	if r.err != nil {
		if req != nil {
			req.Release()
		}
		return nil, 0, r.err
	}
	return req, r.version(req), nil
}

// catchPanics turns panics while decoding into errors. The fuzz tests switch
// it off to see them.
var catchPanics = true

func (r *reader) version(req Request) Version {
	switch {
	case r.hint >= V4:
		return r.hint
	case r.framing != 0:
		return r.framing
	}
	if _, ok := req.(*GetTableRequest); ok {
		return V4
	}
	return V6
}

func (r *reader) request(n *node) Request {
	t := r.typeName(n, "request")
	if r.err != nil {
		return nil
	}
	var (
		req Request
		h   *RequestHeader
	)
	switch t {
	case "PingRequest":
		x := &PingRequest{}
		req, h = x, &x.RequestHeader
	case "ListSchemasRequest":
		x := &ListSchemasRequest{}
		req, h = x, &x.RequestHeader
	case "ListTablesRequest":
		x := &ListTablesRequest{PageSize: UnlimitedPageSize}
		x.SchemaName = r.str(r.field(n, t, "schemaName"), join(t, "schemaName"))
		// nextToken and pageSize came together, older engines send neither
		if tok := n.get("nextToken"); tok != nil {
			x.NextToken = r.strPtr(tok, join(t, "nextToken"))
		}
		if ps := n.get("pageSize"); ps != nil && ps.kind != 'z' {
			x.PageSize = int(r.int(ps, join(t, "pageSize")))
		}
		req, h = x, &x.RequestHeader
	case "GetTableRequest":
		x := &GetTableRequest{}
		x.TableName = r.tableName(r.field(n, t, "tableName"), join(t, "tableName"))
		if q := n.get("queryPassthroughArguments"); q != nil {
			r.noteVersion(V5)
			x.QueryPassthrough = r.smap(q, join(t, "queryPassthroughArguments"))
		}
		req, h = x, &x.RequestHeader
	case "GetTableLayoutRequest":
		x := &GetTableLayoutRequest{}
		x.TableName = r.tableName(r.field(n, t, "tableName"), join(t, "tableName"))
		x.Schema = r.schema(r.field(n, t, "schema"), join(t, "schema"))
		x.Constraints = r.constraints(r.field(n, t, "constraints"), join(t, "constraints"))
		x.PartitionColumns = r.strings(r.field(n, t, "partitionColumns"), join(t, "partitionColumns"))
		req, h = x, &x.RequestHeader
	case "GetSplitsRequest":
		x := &GetSplitsRequest{}
		x.TableName = r.tableName(r.field(n, t, "tableName"), join(t, "tableName"))
		x.Partitions = r.block(r.field(n, t, "partitions"), join(t, "partitions"))
		x.PartitionColumns = r.strings(r.field(n, t, "partitionColumns"), join(t, "partitionColumns"))
		x.Constraints = r.constraints(r.field(n, t, "constraints"), join(t, "constraints"))
		if tok := n.get("continuationToken"); tok != nil {
			x.ContinuationToken = r.strPtr(tok, join(t, "continuationToken"))
		}
		req, h = x, &x.RequestHeader
	case "ReadRecordsRequest":
		x := &ReadRecordsRequest{}
		x.TableName = r.tableName(r.field(n, t, "tableName"), join(t, "tableName"))
		x.Schema = r.schema(r.field(n, t, "schema"), join(t, "schema"))
		x.Split = r.split(r.field(n, t, "split"), join(t, "split"))
		x.Constraints = r.constraints(r.field(n, t, "constraints"), join(t, "constraints"))
		x.MaxBlockSize = r.int(r.field(n, t, "maxBlockSize"), join(t, "maxBlockSize"))
		x.MaxInlineBlockSize = r.int(r.field(n, t, "maxInlineBlockSize"), join(t, "maxInlineBlockSize"))
		req, h = x, &x.RequestHeader
	case "GetDataSourceCapabilitiesRequest":
		x := &GetDataSourceCapabilitiesRequest{}
		req, h = x, &x.RequestHeader
	case "UserDefinedFunctionRequest":
		x := &UserDefinedFunctionRequest{}
		x.Identity = r.identity(r.field(n, t, "identity"), join(t, "identity"))
		x.InputRecords = r.block(r.field(n, t, "inputRecords"), join(t, "inputRecords"))
		x.OutputSchema = r.schema(r.field(n, t, "outputSchema"), join(t, "outputSchema"))
		x.MethodName = r.str(r.field(n, t, "methodName"), join(t, "methodName"))
		x.FunctionType = r.str(r.field(n, t, "functionType"), join(t, "functionType"))
		return x
	default:
		r.failf(join("request", "@type"), "unknown request type %q", t)
		return nil
	}
	h.Identity = r.identity(r.field(n, t, "identity"), join(t, "identity"))
	h.CatalogName = r.str(r.field(n, t, "catalogName"), join(t, "catalogName"))
	if q := n.get("queryId"); q != nil {
		h.QueryID = r.str(q, join(t, "queryId"))
	}
	return req
}

func (r *reader) response(n *node) Response {
	t := r.typeName(n, "response")
	if r.err != nil {
		return nil
	}
	str := func(key string) string { return r.str(r.field(n, t, key), join(t, key)) }
	switch t {
	case "PingResponse":
		x := &PingResponse{SerDeVersion: 1}
		x.CatalogName = str("catalogName")
		x.QueryID = str("queryId")
		x.SourceType = str("sourceType")
		x.Capabilities = int(r.int(r.field(n, t, "capabilities"), join(t, "capabilities")))
		if v := n.get("serDeVersion"); v != nil {
			x.SerDeVersion = int(r.int(v, join(t, "serDeVersion")))
		}
		return x
	case "ListSchemasResponse":
		return &ListSchemasResponse{CatalogName: str("catalogName"),
			Schemas: r.strings(r.field(n, t, "schemas"), join(t, "schemas"))}
	case "ListTablesResponse":
		x := &ListTablesResponse{CatalogName: str("catalogName")}
		for i, e := range r.array(r.field(n, t, "tables"), join(t, "tables")) {
			x.Tables = append(x.Tables, r.tableName(e, index(join(t, "tables"), i)))
		}
		if tok := n.get("nextToken"); tok != nil {
			x.NextToken = r.strPtr(tok, join(t, "nextToken"))
		}
		return x
	case "GetTableResponse":
		return &GetTableResponse{CatalogName: str("catalogName"),
			TableName:        r.tableName(r.field(n, t, "tableName"), join(t, "tableName")),
			Schema:           r.schema(r.field(n, t, "schema"), join(t, "schema")),
			PartitionColumns: r.strings(r.field(n, t, "partitionColumns"), join(t, "partitionColumns"))}
	case "GetTableLayoutResponse":
		return &GetTableLayoutResponse{CatalogName: str("catalogName"),
			TableName:  r.tableName(r.field(n, t, "tableName"), join(t, "tableName")),
			Partitions: r.block(r.field(n, t, "partitions"), join(t, "partitions"))}
	case "GetSplitsResponse":
		x := &GetSplitsResponse{CatalogName: str("catalogName")}
		for i, e := range r.array(r.field(n, t, "splits"), join(t, "splits")) {
			x.Splits = append(x.Splits, r.split(e, index(join(t, "splits"), i)))
		}
		x.ContinuationToken = r.strPtr(r.field(n, t, "continuationToken"), join(t, "continuationToken"))
		return x
	case "ReadRecordsResponse":
		return &ReadRecordsResponse{CatalogName: str("catalogName"),
			Records: r.block(r.field(n, t, "records"), join(t, "records"))}
	case "RemoteReadRecordsResponse":
		x := &RemoteReadRecordsResponse{CatalogName: str("catalogName"),
			Schema: r.schema(r.field(n, t, "schema"), join(t, "schema"))}
		for i, e := range r.array(r.field(n, t, "remoteBlocks"), join(t, "remoteBlocks")) {
			if l := r.spillLocation(e, index(join(t, "remoteBlocks"), i)); l != nil {
				x.RemoteBlocks = append(x.RemoteBlocks, *l)
			}
		}
		x.EncryptionKey = r.encryptionKey(r.field(n, t, "encryptionKey"), join(t, "encryptionKey"))
		return x
	case "GetDataSourceCapabilitiesResponse":
		x := &GetDataSourceCapabilitiesResponse{CatalogName: str("catalogName")}
		caps := r.object(r.field(n, t, "capabilities"), join(t, "capabilities"))
		for _, m := range caps.obj {
			p := join(join(t, "capabilities"), m.key)
			c := Capability{Name: m.key}
			for i, s := range r.array(m.val, p) {
				sp := index(p, i)
				s = r.object(s, sp)
				c.SubTypes = append(c.SubTypes, OptimizationSubType{
					SubType:    r.str(r.field(s, sp, "subType"), join(sp, "subType")),
					Properties: r.strings(r.field(s, sp, "properties"), join(sp, "properties"))})
			}
			x.Capabilities = append(x.Capabilities, c)
		}
		return x
	case "UserDefinedFunctionResponse":
		return &UserDefinedFunctionResponse{
			Records:    r.block(r.field(n, t, "records"), join(t, "records")),
			MethodName: str("methodName")}
	}
	r.failf(join("response", "@type"), "unknown response type %q", t)
	return nil
}

func (r *reader) identity(n *node, path string) Identity {
	n = r.object(n, path)
	opt := func(key string) *node {
		if v := n.get(key); v != nil {
			return v
		}
		return nullNode
	}
	return Identity{
		ID:            r.str(opt("id"), join(path, "id")),
		Principal:     r.str(opt("principal"), join(path, "principal")),
		Account:       r.str(opt("account"), join(path, "account")),
		Arn:           r.str(opt("arn"), join(path, "arn")),
		Tags:          r.smap(opt("tags"), join(path, "tags")),
		Groups:        r.strings(opt("groups"), join(path, "groups")),
		ConfigOptions: r.smap(opt("configOptions"), join(path, "configOptions")),
	}
}

func (r *reader) tableName(n *node, path string) TableName {
	n = r.object(n, path)
	return TableName{
		SchemaName: r.str(r.field(n, path, "schemaName"), join(path, "schemaName")),
		TableName:  r.str(r.field(n, path, "tableName"), join(path, "tableName")),
	}
}

func (r *reader) split(n *node, path string) Split {
	n = r.object(n, path)
	s := Split{Properties: r.smap(r.field(n, path, "properties"), join(path, "properties"))}
	if l := n.get("spillLocation"); l != nil && l.kind != 'z' {
		s.SpillLocation = r.spillLocation(l, join(path, "spillLocation"))
	}
	if k := n.get("encryptionKey"); k != nil {
		s.EncryptionKey = r.encryptionKey(k, join(path, "encryptionKey"))
	}
	return s
}

func (r *reader) spillLocation(n *node, path string) *SpillLocation {
	if t := r.typeName(n, path); r.err == nil && t != "S3SpillLocation" {
		r.failf(join(path, "@type"), "unknown spill location type %q", t)
	}
	if r.err != nil {
		return nil
	}
	return &SpillLocation{
		Bucket:    r.str(r.field(n, path, "bucket"), join(path, "bucket")),
		Key:       r.str(r.field(n, path, "key"), join(path, "key")),
		Directory: r.boolean(r.field(n, path, "directory"), join(path, "directory")),
	}
}

func (r *reader) encryptionKey(n *node, path string) *EncryptionKey {
	if n.kind == 'z' {
		return nil
	}
	n = r.object(n, path)
	return &EncryptionKey{
		Key:   r.base64(r.field(n, path, "key"), join(path, "key")),
		Nonce: r.base64(r.field(n, path, "nonce"), join(path, "nonce")),
	}
}

func (r *reader) base64(n *node, path string) []byte {
	s := r.str(n, path)
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if b, err = base64.RawStdEncoding.DecodeString(s); err != nil {
			r.failf(path, "invalid base64: %v", err)
			return nil
		}
	}
	return b
}

// arrowPayload decodes the base64 of an Arrow message and notes its framing.
func (r *reader) arrowPayload(n *node, path string) []byte {
	b := r.base64(n, path)
	if r.framing == 0 && len(b) > 0 {
		if isModern(b) {
			r.framing = V3
		} else {
			r.framing = V2
		}
	}
	return b
}

func (r *reader) schema(n *node, path string) *arrow.Schema {
	b := r.arrowPayload(n, path)
	if r.err != nil {
		return nil
	}
	s, err := DecodeSchema(b)
	if err != nil {
		r.failf(path, "%v", err)
		return nil
	}
	return s
}

func (r *reader) block(n *node, path string) Block {
	n = r.object(n, path)
	var b Block
	if id := n.get("aId"); id != nil {
		b.AllocatorID = r.str(id, join(path, "aId"))
	}
	sb := r.arrowPayload(r.field(n, path, "schema"), join(path, "schema"))
	rb := r.arrowPayload(r.field(n, path, "records"), join(path, "records"))
	if r.err != nil {
		return b
	}
	s, err := DecodeSchema(sb)
	if err != nil {
		r.failf(join(path, "schema"), "%v", err)
		return b
	}
	b.Schema = s
	if len(rb) == 0 {
		return b
	}
	rec, err := decodeRecords(sb, rb, r.o.mem)
	if err != nil {
		r.failf(join(path, "records"), "%v", err)
		return b
	}
	if rec.NumRows() == 0 {
		rec.Release()
		return b
	}
	b.Records = rec
	return b
}

// valueBlock reads a single-column block of values (value sets, markers,
// constants) into Go values and releases its Arrow memory.
func (r *reader) valueBlock(n *node, path string) (arrow.DataType, []any) {
	b := r.block(n, path)
	defer b.Release()
	if r.err != nil {
		return nil, nil
	}
	if b.Schema.NumFields() < 1 {
		r.failf(join(path, "schema"), "value block has no column")
		return nil, nil
	}
	t := b.Schema.Field(0).Type
	if b.Records == nil {
		return t, nil
	}
	return t, values(b.Records.Column(0))
}

func (r *reader) constraints(n *node, path string) Constraints {
	n = r.object(n, path)
	c := Constraints{Limit: NoLimit}
	sp := join(path, "summary")
	for _, m := range r.object(r.field(n, path, "summary"), sp).obj {
		vs := r.valueSet(m.val, join(sp, m.key))
		if r.err != nil {
			return c
		}
		c.Summary = append(c.Summary, ColumnSet{Column: m.key, Set: vs})
	}
	if x := n.get("expression"); x != nil {
		r.noteVersion(V4)
		p := join(path, "expression")
		for i, e := range r.array(x, p) {
			c.Expression = append(c.Expression, r.expression(e, index(p, i)))
		}
	}
	if x := n.get("orderByClause"); x != nil {
		r.noteVersion(V4)
		p := join(path, "orderByClause")
		for i, e := range r.array(x, p) {
			ep := index(p, i)
			e = r.object(e, ep)
			c.OrderBy = append(c.OrderBy, OrderByField{
				Column:    r.str(r.field(e, ep, "columnName"), join(ep, "columnName")),
				Direction: r.str(r.field(e, ep, "direction"), join(ep, "direction")),
			})
		}
	}
	if x := n.get("limit"); x != nil {
		r.noteVersion(V4)
		if x.kind != 'z' {
			c.Limit = r.int(x, join(path, "limit"))
		}
	}
	if x := n.get("queryPassthroughArguments"); x != nil {
		r.noteVersion(V5)
		c.QueryPassthrough = r.smap(x, join(path, "queryPassthroughArguments"))
	}
	if x := n.get("queryPlan"); x != nil {
		r.noteVersion(V6)
		if x.kind != 'z' {
			p := join(path, "queryPlan")
			x = r.object(x, p)
			c.QueryPlan = &QueryPlan{
				SubstraitVersion: r.str(r.field(x, p, "substraitVersion"), join(p, "substraitVersion")),
				SubstraitPlan:    r.str(r.field(x, p, "substraitPlan"), join(p, "substraitPlan")),
			}
		}
	}
	return c
}

func (r *reader) valueSet(n *node, path string) ValueSet {
	t := r.typeName(n, path)
	if r.err != nil {
		return nil
	}
	nullAllowed := r.boolean(r.field(n, path, "nullAllowed"), join(path, "nullAllowed"))
	switch t {
	case "EquatableValueSet":
		typ, vals := r.valueBlock(r.field(n, path, "valueBlock"), join(path, "valueBlock"))
		return &EquatableValueSet{Type: typ, Values: vals, NullAllowed: nullAllowed,
			WhiteList: r.boolean(r.field(n, path, "whiteList"), join(path, "whiteList"))}
	case "SortedRangeSet":
		s := &SortedRangeSet{Type: r.arrowType(r.field(n, path, "type"), join(path, "type")), NullAllowed: nullAllowed}
		p := join(path, "ranges")
		for i, e := range r.array(r.field(n, path, "ranges"), p) {
			ep := index(p, i)
			e = r.object(e, ep)
			s.Ranges = append(s.Ranges, Range{
				Low:  r.marker(r.field(e, ep, "low"), join(ep, "low")),
				High: r.marker(r.field(e, ep, "high"), join(ep, "high")),
			})
		}
		return s
	case "AllOrNoneValueSet":
		return &AllOrNoneValueSet{Type: r.arrowType(r.field(n, path, "type"), join(path, "type")),
			All: r.boolean(r.field(n, path, "all"), join(path, "all")), NullAllowed: nullAllowed}
	}
	r.failf(join(path, "@type"), "unknown value set type %q", t)
	return nil
}

func (r *reader) marker(n *node, path string) Marker {
	n = r.object(n, path)
	var m Marker
	switch b := r.str(r.field(n, path, "bound"), join(path, "bound")); b {
	case "BELOW":
		m.Bound = Below
	case "EXACTLY":
		m.Bound = Exactly
	case "ABOVE":
		m.Bound = Above
	default:
		r.failf(join(path, "bound"), "unknown bound %q", b)
	}
	m.NullValue = r.boolean(r.field(n, path, "nullValue"), join(path, "nullValue"))
	_, vals := r.valueBlock(r.field(n, path, "valueBlock"), join(path, "valueBlock"))
	if len(vals) > 1 {
		r.failf(join(path, "valueBlock"), "a marker holds at most one value, got %d", len(vals))
	}
	if !m.NullValue && len(vals) == 1 {
		m.Value = vals[0]
	}
	return m
}

func (r *reader) expression(n *node, path string) Expression {
	t := r.typeName(n, path)
	if r.err != nil {
		return nil
	}
	typ := r.arrowType(r.field(n, path, "type"), join(path, "type"))
	switch t {
	case "FunctionCallExpression":
		fp := join(path, "functionName")
		fn := r.object(r.field(n, path, "functionName"), fp)
		x := &FunctionCallExpression{Type: typ,
			Function: r.str(r.field(fn, fp, "functionName"), join(fp, "functionName"))}
		p := join(path, "arguments")
		for i, a := range r.array(r.field(n, path, "arguments"), p) {
			x.Arguments = append(x.Arguments, r.expression(a, index(p, i)))
			if r.err != nil {
				return nil
			}
		}
		return x
	case "VariableExpression":
		return &VariableExpression{Type: typ,
			Column: r.str(r.field(n, path, "columnName"), join(path, "columnName"))}
	case "ConstantExpression":
		_, vals := r.valueBlock(r.field(n, path, "valueBlock"), join(path, "valueBlock"))
		return &ConstantExpression{Type: typ, Values: vals}
	}
	r.failf(join(path, "@type"), "unknown expression type %q", t)
	return nil
}

// DecodeError parses a function error payload (errorMessage, errorType,
// stackTrace, cause; every field optional, any order). Stack trace elements
// that are arrays of strings are flattened; other shapes read as "".
func DecodeError(data []byte) (*Error, error) {
	root, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	if root.kind != 'o' {
		return nil, fmt.Errorf("federation: error payload: want an object, got %s", kindName(root))
	}
	return decodeError(root), nil
}

func decodeError(n *node) *Error {
	text := func(v *node) string {
		if v == nil || v.kind == 'o' || v.kind == 'a' || v.kind == 'z' {
			return ""
		}
		if v.kind == 'b' {
			return fmt.Sprint(v.b)
		}
		return v.text
	}
	e := &Error{Message: text(n.get("errorMessage")), Type: text(n.get("errorType"))}
	if st := n.get("stackTrace"); st != nil && st.kind == 'a' {
		for _, f := range st.arr {
			if f.kind == 'a' {
				for _, g := range f.arr {
					e.StackTrace = append(e.StackTrace, text(g))
				}
			} else {
				e.StackTrace = append(e.StackTrace, text(f))
			}
		}
	}
	if c := n.get("cause"); c != nil && c.kind == 'o' {
		e.Cause = decodeError(c)
	}
	return e
}

// EncodeError writes e as a function error payload: errorMessage,
// errorType, stackTrace, and cause when there is one.
func EncodeError(e *Error) []byte {
	w := &writer{}
	writeError(w, e)
	return w.buf
}

func writeError(w *writer, e *Error) {
	w.beginObject()
	w.key("errorMessage")
	w.str(e.Message)
	w.key("errorType")
	w.str(e.Type)
	w.key("stackTrace")
	w.strings(e.StackTrace)
	if e.Cause != nil {
		w.key("cause")
		writeError(w, e.Cause)
	}
	w.endObject()
}
