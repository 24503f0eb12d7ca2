package federation

import (
	"bytes"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

var (
	tsUTC   = &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}
	tsNY    = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "America/New_York"}
	dec     = &arrow.Decimal128Type{Precision: 38, Scale: 10}
	listUtf = arrow.ListOf(utf)
	structT = arrow.StructOf(field("a", i32), field("b", utf))
	mapT    = arrow.MapOf(utf, arrow.PrimitiveTypes.Int64)

	// richSchema has a column of every type Athena accepts, and more.
	richSchema = arrow.NewSchema([]arrow.Field{
		field("i8", arrow.PrimitiveTypes.Int8), field("i16", arrow.PrimitiveTypes.Int16),
		field("i32", i32), field("i64", arrow.PrimitiveTypes.Int64),
		field("f32", arrow.PrimitiveTypes.Float32), field("f64", f64),
		{Name: "s", Type: utf, Nullable: true, Metadata: arrow.NewMetadata([]string{"mapping"}, []string{"a/b"})},
		field("bin", arrow.BinaryTypes.Binary), field("b", arrow.FixedWidthTypes.Boolean),
		field("dec", dec), field("d32", arrow.FixedWidthTypes.Date32), field("d64", arrow.FixedWidthTypes.Date64),
		field("ts", tsUTC), field("tsus", tsNY),
		field("list", listUtf), field("struct", structT), field("map", mapT),
		field("fsb", &arrow.FixedSizeBinaryType{ByteWidth: 3}),
		{Name: "notnull", Type: i32, Nullable: false},
	}, func() *arrow.Metadata {
		m := arrow.NewMetadata([]string{"dataFormat", "topic"}, []string{"json", "orders"})
		return &m
	}())
)

func richRows() [][]any {
	return [][]any{
		{int8(-1), int16(300), int32(70000), int64(1) << 40, float32(1.5), 2.25, "héllo \"x\"", []byte{0, 1, 2}, true,
			decimal128.FromI64(123456789), arrow.Date32(19000), arrow.Date64(1641600000000), arrow.Timestamp(1700000000000),
			arrow.Timestamp(1700000000000123), []any{"a", nil, "c"}, []any{int32(7), "seven"},
			[]any{[]any{"k1", int64(1)}, []any{"k2", nil}}, []byte("abc"), int32(1)},
		{nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, int32(2)},
		{int8(127), int16(-32768), int32(-1), int64(0), float32(-0.5), -1e300, "", []byte{}, false,
			decimal128.FromI64(-1), arrow.Date32(-1), arrow.Date64(0), arrow.Timestamp(0), arrow.Timestamp(-1),
			[]any{}, []any{nil, nil}, []any{}, []byte{9, 9, 9}, int32(3)},
	}
}

func richBlock(t testing.TB, mem memory.Allocator) Block {
	return Block{AllocatorID: "aid-1", Schema: richSchema, Records: buildRecord(t, mem, richSchema, richRows())}
}

// richConstraints uses every value set kind, bound and marker shape on
// several types, and every v4+ part.
func richConstraints() Constraints {
	return Constraints{
		Summary: []ColumnSet{
			{"i8", &SortedRangeSet{Type: arrow.PrimitiveTypes.Int8, Ranges: []Range{
				{Low: Marker{Value: int8(1), Bound: Exactly}, High: Marker{Value: int8(5), Bound: Below}},
				{Low: Marker{Value: int8(9), Bound: Above}, High: HighUnbounded}}, NullAllowed: true}},
			{"d32", &EquatableValueSet{Type: arrow.FixedWidthTypes.Date32, Values: []any{arrow.Date32(19000), arrow.Date32(19001)}, WhiteList: true}},
			{"ts", &SortedRangeSet{Type: tsUTC, Ranges: []Range{{Low: Marker{Value: arrow.Timestamp(1700000000000), Bound: Above}, High: HighUnbounded}}}},
			{"dec", &EquatableValueSet{Type: dec, Values: []any{decimal128.FromI64(123456789)}, WhiteList: true}},
			{"s", &SortedRangeSet{Type: utf, Ranges: []Range{
				{Low: LowUnbounded, High: Marker{Value: "m", Bound: Below}},
				{Low: Marker{Value: "x", Bound: Exactly}, High: Marker{Value: "x", Bound: Exactly}}}}},
			{"b", &EquatableValueSet{Type: arrow.FixedWidthTypes.Boolean, Values: []any{true}, NullAllowed: true}},
			{"bin", &EquatableValueSet{Type: arrow.BinaryTypes.Binary, Values: []any{[]byte{1, 2}}, WhiteList: true}},
			{"f32", &AllOrNoneValueSet{Type: arrow.PrimitiveTypes.Float32, All: true}},
			{"d64", &SortedRangeSet{Type: arrow.FixedWidthTypes.Date64, Ranges: []Range{
				{Low: Marker{Value: arrow.Date64(0), Bound: Exactly}, High: Marker{Value: arrow.Date64(86400000), Bound: Above}}}}},
			{"list", &EquatableValueSet{Type: arrow.ListOf(i32), Values: []any{[]any{int32(1), nil}}, WhiteList: true}},
			{"isnull", &SortedRangeSet{Type: f64, NullAllowed: true}},
		},
		Expression: []Expression{expressionE(), &FunctionCallExpression{Type: arrow.FixedWidthTypes.Boolean, Function: "$in",
			Arguments: []Expression{
				&VariableExpression{Column: "ts", Type: tsUTC},
				&ConstantExpression{Type: tsUTC, Values: []any{arrow.Timestamp(1), nil, arrow.Timestamp(3)}},
			}}},
		OrderBy:          orderByO,
		Limit:            100,
		QueryPassthrough: Map{{"schemaFunctionName", "system.query"}, {"QUERY", "select 1"}},
		QueryPlan:        &QueryPlan{SubstraitVersion: "1.0.0", SubstraitPlan: "AAEC"},
	}
}

// inVersion strips what version v does not carry.
func inVersion(c Constraints, v Version) Constraints {
	if v < V4 {
		c.Expression, c.OrderBy, c.Limit = nil, nil, NoLimit
	}
	if v < V5 {
		c.QueryPassthrough = nil
	}
	if v < V6 {
		c.QueryPlan = nil
	}
	return c
}

func richIdentity() Identity {
	return Identity{ID: "UNKNOWN", Principal: "UNKNOWN", Account: "123", Arn: "arn:aws:iam::123:user/x",
		Tags: Map{{"team", "data"}, {"b", "a"}}, Groups: []string{"g1", "g2"},
		ConfigOptions: Map{{"spill_bucket", "bkt"}, {"spill_prefix", "p"}}}
}

func richHeader() RequestHeader {
	return RequestHeader{Identity: richIdentity(), QueryID: "q-1", CatalogName: "kafka"}
}

func TestRoundTripRequests(t *testing.T) {
	for v := MinVersion; v <= CurrentVersion; v++ {
		mem := checkedMem(t)
		framing := V2
		if v > V2 {
			framing = V3
		}
		dataV := framing // requests with constraints: the constraints' shape, else the framing
		if v >= V4 {
			dataV = v
		}
		getTableV := V4
		if v >= V5 {
			getTableV = V5
		}
		cases := []struct {
			req     func(v Version) Request
			version Version
		}{
			{func(Version) Request { return &PingRequest{richHeader()} }, V6},
			{func(Version) Request { return &ListSchemasRequest{richHeader()} }, V6},
			{func(Version) Request {
				return &ListTablesRequest{RequestHeader: richHeader(), SchemaName: "default", NextToken: strp("10"), PageSize: 10}
			}, V6},
			{func(Version) Request {
				return &ListTablesRequest{RequestHeader: richHeader(), SchemaName: "default", PageSize: UnlimitedPageSize}
			}, V6},
			{func(v Version) Request {
				r := &GetTableRequest{RequestHeader: richHeader(), TableName: TableName{"default", "orders"}}
				if v >= V5 {
					r.QueryPassthrough = Map{{"QUERY", "x"}}
				}
				return r
			}, getTableV},
			{func(v Version) Request {
				return &GetTableLayoutRequest{RequestHeader: richHeader(), TableName: TableName{"default", "orders"},
					Constraints: inVersion(richConstraints(), v), Schema: richSchema, PartitionColumns: []string{"_partition_id"}}
			}, dataV},
			{func(v Version) Request {
				return &GetSplitsRequest{RequestHeader: richHeader(), TableName: TableName{"default", "orders"},
					Partitions: richBlock(t, mem), PartitionColumns: []string{}, Constraints: inVersion(richConstraints(), v)}
			}, dataV},
			{func(v Version) Request {
				return &ReadRecordsRequest{RequestHeader: richHeader(), TableName: TableName{"default", "orders"},
					Schema: richSchema, Split: Split{Properties: Map{{"partition", "0"}, {"start", "0"}, {"end", "100"}}},
					Constraints: inVersion(richConstraints(), v), MaxBlockSize: 16000000, MaxInlineBlockSize: 5242880}
			}, dataV},
			{func(v Version) Request {
				// v2/v3 constraints without anything of v4+
				return &ReadRecordsRequest{RequestHeader: richHeader(), TableName: TableName{"default", "orders"},
					Schema: richSchema, Split: splitX("s", "k", "n", "1"),
					Constraints: Constraints{Limit: NoLimit}, MaxBlockSize: 1, MaxInlineBlockSize: 0}
			}, dataV},
			{func(Version) Request { return &GetDataSourceCapabilitiesRequest{richHeader()} }, V6},
			{func(Version) Request {
				s := arrowSchema(field("x", i32))
				return &UserDefinedFunctionRequest{RequestHeader: RequestHeader{Identity: richIdentity()},
					InputRecords: Block{AllocatorID: "a", Schema: s}, OutputSchema: s, MethodName: "m", FunctionType: "SCALAR"}
			}, framing},
		}
		for _, tc := range cases {
			want := tc.req(v)
			data, err := EncodeRequest(want, v, WithAllocator(mem))
			if err != nil {
				t.Fatalf("v%d %s: %v", v, want.Type(), err)
			}
			got, gotV, err := DecodeRequest(data, WithAllocator(mem))
			if err != nil {
				t.Fatalf("v%d %s: %v\n%s", v, want.Type(), err, data)
			}
			if d := diff(want, got); len(d) > 0 {
				t.Errorf("v%d %s: %v", v, want.Type(), d)
			}
			if gotV != tc.version {
				t.Errorf("v%d %s: detected version %d, want %d", v, want.Type(), gotV, tc.version)
			}
			// writing the decoded request again gives the same bytes
			again, err := EncodeRequest(got, v, WithAllocator(mem))
			if err != nil || string(again) != string(data) {
				t.Errorf("v%d %s: re-encoded differs (%v)\n%s\n%s", v, want.Type(), err, data, again)
			}
			want.Release()
			got.Release()
		}
	}
}

func TestRoundTripResponses(t *testing.T) {
	for v := MinVersion; v <= CurrentVersion; v++ {
		mem := checkedMem(t)
		cases := []func() Response{
			func() Response {
				return &PingResponse{CatalogName: "c", QueryID: "q", SourceType: "kafka", Capabilities: 24, SerDeVersion: 6}
			},
			func() Response {
				return &PingResponse{CatalogName: "c", QueryID: "q", Capabilities: 24, SerDeVersion: 6}
			},
			func() Response {
				return &ListSchemasResponse{CatalogName: "c", Schemas: []string{"default", "ünïcode"}}
			},
			func() Response { return &ListSchemasResponse{CatalogName: "c"} },
			func() Response {
				return &ListTablesResponse{CatalogName: "c", Tables: []TableName{{"default", "a"}, {"default", "b"}}, NextToken: strp("2")}
			},
			func() Response { return &ListTablesResponse{CatalogName: "c"} },
			func() Response {
				return &GetTableResponse{CatalogName: "c", TableName: TableName{"default", "orders"}, Schema: richSchema,
					PartitionColumns: []string{"_partition_id"}}
			},
			func() Response {
				return &GetTableLayoutResponse{CatalogName: "c", TableName: TableName{"default", "orders"},
					Partitions: Block{AllocatorID: "a", Schema: arrowSchema(field("partitionId", i32))}}
			},
			func() Response {
				return &GetTableLayoutResponse{CatalogName: "c", TableName: TableName{"default", "orders"}, Partitions: richBlock(t, mem)}
			},
			func() Response {
				return &GetSplitsResponse{CatalogName: "c", Splits: []Split{splitX("1", "0123456789abcdef0123456789abcdef", "0123456789ab", "1"),
					{Properties: Map{{"partition", "3"}}}}, ContinuationToken: strp("next")}
			},
			func() Response { return &GetSplitsResponse{CatalogName: "c"} },
			func() Response { return &ReadRecordsResponse{CatalogName: "c", Records: richBlock(t, mem)} },
			func() Response {
				return &ReadRecordsResponse{CatalogName: "c", Records: Block{AllocatorID: "a", Schema: richSchema}}
			},
			func() Response {
				return &RemoteReadRecordsResponse{CatalogName: "c", Schema: richSchema,
					RemoteBlocks:  []SpillLocation{{Bucket: "b", Key: "p/q/s.0"}, {Bucket: "b", Key: "p/q/s.1"}},
					EncryptionKey: &EncryptionKey{Key: make([]byte, 32), Nonce: []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}}
			},
			func() Response { return &RemoteReadRecordsResponse{CatalogName: "c", Schema: richSchema} },
			func() Response {
				return &GetDataSourceCapabilitiesResponse{CatalogName: "c", Capabilities: []Capability{
					{Name: CapFilterPushdown, SubTypes: []OptimizationSubType{{SubType: SubTypeSortedRangeSet}, {SubType: SubTypeNullableComparison}}},
					{Name: CapLimitPushdown, SubTypes: []OptimizationSubType{{SubType: SubTypeIntegerConstant}}},
				}}
			},
			func() Response { return &GetDataSourceCapabilitiesResponse{CatalogName: "c"} },
			func() Response { return &UserDefinedFunctionResponse{Records: richBlock(t, mem), MethodName: "m"} },
		}
		for _, mk := range cases {
			want := mk()
			data, err := EncodeResponse(want, v)
			if err != nil {
				t.Fatalf("v%d %s: %v", v, want.Type(), err)
			}
			got, err := DecodeResponse(data, WithAllocator(mem))
			if err != nil {
				t.Fatalf("v%d %s: %v\n%s", v, want.Type(), err, data)
			}
			if d := diff(want, got); len(d) > 0 {
				t.Errorf("v%d %s: %v", v, want.Type(), d)
			}
			want.Release()
			got.Release()
		}
	}
}

func TestBlockCodec(t *testing.T) {
	mem := checkedMem(t)
	rec := buildRecord(t, mem, richSchema, richRows())
	defer rec.Release()
	for _, legacy := range []bool{false, true} {
		sb := EncodeSchema(richSchema, legacy)
		rb, err := EncodeRecordBatch(rec, legacy)
		if err != nil {
			t.Fatal(err)
		}
		checkFraming(t, sb, legacy)
		checkFraming(t, rb, legacy)
		s, err := DecodeSchema(sb)
		if err != nil || !s.Equal(richSchema) || !s.Metadata().Equal(richSchema.Metadata()) {
			t.Fatalf("legacy=%v: schema %v (%v)", legacy, s, err)
		}
		got, err := DecodeRecordBatch(richSchema, rb, mem)
		if err != nil {
			t.Fatalf("legacy=%v: %v", legacy, err)
		}
		equal := array.RecordEqual(rec, got)
		got.Release()
		if !equal {
			t.Fatalf("legacy=%v: records differ", legacy)
		}
		// bodies are identical: only the framing of the metadata differs
		if len(sb) != len(EncodeSchema(richSchema, !legacy)) {
			t.Errorf("legacy=%v: sizes differ", legacy)
		}
	}
	if _, err := DecodeRecordBatch(richSchema, []byte{1, 2, 3}, mem); err == nil {
		t.Error("garbage records: no error")
	}
	if _, err := DecodeSchema([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}); err == nil {
		t.Error("huge metadata length: no error")
	}
}

// TestDiffSeesValues makes sure the comparison helper looks into values.
func TestDiffSeesValues(t *testing.T) {
	mem := checkedMem(t)
	pairs := [][2]any{
		{&EquatableValueSet{Type: dec, Values: []any{decimal128.FromI64(1)}}, &EquatableValueSet{Type: dec, Values: []any{decimal128.FromI64(2)}}},
		{&SortedRangeSet{Type: tsUTC}, &SortedRangeSet{Type: &arrow.TimestampType{Unit: arrow.Millisecond}}},
		{Marker{Value: []byte{1}}, Marker{Value: []byte{2}}},
		{Constraints{Limit: 1}, Constraints{Limit: 2}},
		{&GetTableResponse{Schema: schemaS3}, &GetTableResponse{Schema: schemaS4}},
	}
	for _, p := range pairs {
		if len(diff(p[0], p[1])) == 0 {
			t.Errorf("no difference seen between %v and %v", p[0], p[1])
		}
	}
	a := &ReadRecordsResponse{Records: partitionsP(t, mem, schemaS3)}
	b := &ReadRecordsResponse{Records: Block{AllocatorID: "test-allocator-id", Schema: schemaS3,
		Records: buildRecord(t, mem, schemaS3, [][]any{{int32(1), int32(1), int32(1)}})}}
	if len(diff(a, b)) == 0 {
		t.Error("no difference seen between records")
	}
	a.Release()
	b.Release()
}

func TestDecodeRejectsCompressedAndCorrupt(t *testing.T) {
	mem := checkedMem(t)
	rec := buildRecord(t, mem, richSchema, richRows())
	defer rec.Release()
	p, err := ipc.GetRecordBatchPayload(rec, ipc.WithLZ4())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	_, err = p.WritePayload(&buf)
	p.Release()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeRecordBatch(richSchema, buf.Bytes(), mem); err == nil || !strings.Contains(err.Error(), "compressed") {
		t.Errorf("compressed batch: %v", err)
	}
	// every single-byte corruption of a schema either decodes or errors
	good := EncodeSchema(richSchema, false)
	for i := range good {
		bad := bytes.Clone(good)
		bad[i] ^= 0xff
		_, _ = DecodeSchema(bad)
	}
}
