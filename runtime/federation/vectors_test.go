package federation

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

const vectorDir = "testdata/vectors"

// vector is one SDK test resource and the Java object behind it, rebuilt in
// Go (see testdata/vectors/README.md).
type vector struct {
	file      string
	version   Version // the mapper the SDK test used
	detected  Version // what DecodeRequest must detect (requests only)
	serialize bool    // the SDK test also serializes the object and compares text
	request   func(t *testing.T, mem memory.Allocator) Request
	response  func(t *testing.T, mem memory.Allocator) Response
}

func header() RequestHeader {
	return RequestHeader{Identity: testIdentity(), QueryID: "test-query-id", CatalogName: "test-catalog"}
}

// swappedHeader is the ReadRecordsRequest tests' header: their constructor
// takes (catalogName, queryId) in the other order.
func swappedHeader() RequestHeader {
	return RequestHeader{Identity: testIdentity(), QueryID: "test-catalog", CatalogName: "test-query-id"}
}

var testTable = TableName{SchemaName: "test-schema", TableName: "test-table"}

func readRecordsRequest(v Version) func(*testing.T, memory.Allocator) Request {
	return func(*testing.T, memory.Allocator) Request {
		c := constraintsC2()
		if v >= V4 {
			c.Expression = []Expression{expressionE()}
			c.OrderBy = orderByO
		}
		if v >= V5 {
			c.QueryPassthrough = Map{{"query", "SELECT * FROM DUMMY_TABLE;"}}
		}
		if v >= V6 {
			c.QueryPlan = &QueryPlan{SubstraitVersion: "1.0.0", SubstraitPlan: "TestPlan"}
		}
		return &ReadRecordsRequest{RequestHeader: swappedHeader(), TableName: testTable, Schema: schemaS7,
			Split: splitX("test-split-id", "test-key", "test-nonce", "1"), Constraints: c,
			MaxBlockSize: 100_000_000_000, MaxInlineBlockSize: 100_000_000_000}
	}
}

func strp(s string) *string { return &s }

var vectors = []vector{
	{file: "v2_PingRequest.json", version: V2, detected: V6, serialize: true,
		request: func(*testing.T, memory.Allocator) Request {
			return &PingRequest{RequestHeader{Identity: testIdentity(), CatalogName: "test-catalog", QueryID: "test-query-id"}}
		}},
	{file: "v2_PingRequestForwardsCompatible.json", version: V2, detected: V6,
		request: func(*testing.T, memory.Allocator) Request {
			return &PingRequest{RequestHeader{Identity: testIdentity(), CatalogName: "test-catalog", QueryID: "test-query-id"}}
		}},
	{file: "v2_PingResponse.json", version: V2, serialize: true,
		response: func(*testing.T, memory.Allocator) Response {
			return &PingResponse{CatalogName: "test-catalog", QueryID: "test-query-id", SourceType: "test-source-type", Capabilities: 23, SerDeVersion: 2}
		}},
	{file: "v2_PingResponseForwardsCompatible.json", version: V2,
		response: func(*testing.T, memory.Allocator) Response {
			return &PingResponse{CatalogName: "test-catalog", QueryID: "test-query-id", SourceType: "test-source-type", Capabilities: 23, SerDeVersion: 2}
		}},
	{file: "v2_ListSchemasRequest.json", version: V2, detected: V6, serialize: true,
		request: func(*testing.T, memory.Allocator) Request { return &ListSchemasRequest{header()} }},
	{file: "v2_ListSchemasResponse.json", version: V2, serialize: true,
		response: func(*testing.T, memory.Allocator) Response {
			return &ListSchemasResponse{CatalogName: "test-catalog", Schemas: []string{"schema1", "schema2"}}
		}},
	{file: "v2_ListTablesRequest.json", version: V2, detected: V6, serialize: true,
		request: func(*testing.T, memory.Allocator) Request {
			return &ListTablesRequest{RequestHeader: header(), SchemaName: "test-schema", NextToken: strp("table4"), PageSize: 25}
		}},
	{file: "v2_ListTablesResponse.json", version: V2, serialize: true,
		response: func(*testing.T, memory.Allocator) Response {
			return &ListTablesResponse{CatalogName: "test-catalog", NextToken: strp("table3"),
				Tables: []TableName{{"schema1", "table1"}, {"schema1", "table2"}}}
		}},
	{file: "v2_GetTableRequest.json", version: V2, detected: V4, serialize: true,
		request: func(*testing.T, memory.Allocator) Request {
			return &GetTableRequest{RequestHeader: header(), TableName: testTable}
		}},
	{file: "v2_GetTableResponse.json", version: V2, serialize: true,
		response: func(*testing.T, memory.Allocator) Response {
			return &GetTableResponse{CatalogName: "test-catalog", TableName: testTable, Schema: schemaS4,
				PartitionColumns: []string{"year", "month", "day"}}
		}},
	{file: "v2_GetTableLayoutRequest.json", version: V2, detected: V2, serialize: true,
		request: func(*testing.T, memory.Allocator) Request {
			return &GetTableLayoutRequest{RequestHeader: header(), TableName: testTable, Constraints: constraintsC2(),
				Schema: schemaS7, PartitionColumns: []string{"month", "year", "day"}}
		}},
	{file: "v2_GetTableLayoutResponse.json", version: V2, serialize: true,
		response: func(t *testing.T, mem memory.Allocator) Response {
			return &GetTableLayoutResponse{CatalogName: "test-catalog", TableName: testTable, Partitions: partitionsP(t, mem, schemaS4)}
		}},
	{file: "v2_GetSplitsRequest.json", version: V2, detected: V2, serialize: true,
		request: func(t *testing.T, mem memory.Allocator) Request {
			return &GetSplitsRequest{RequestHeader: header(), TableName: testTable, Partitions: partitionsP(t, mem, schemaS7),
				PartitionColumns: []string{"year", "month", "day"}, Constraints: constraintsC2(),
				ContinuationToken: strp("test-continuation-token")}
		}},
	{file: "v2_GetSplitsResponse.json", version: V2, serialize: true,
		response: func(*testing.T, memory.Allocator) Response {
			return &GetSplitsResponse{CatalogName: "test-catalog", ContinuationToken: strp("test-continuation-token"),
				Splits: []Split{splitX("test-split-id-1", "test-key-1", "test-nonce-1", "1"),
					splitX("test-split-id-2", "test-key-2", "test-nonce-2", "2")}}
		}},
	{file: "v2_ReadRecordsRequest.json", version: V2, detected: V2, serialize: true, request: readRecordsRequest(V2)},
	{file: "v2_ReadRecordsResponse.json", version: V2, serialize: true,
		response: func(t *testing.T, mem memory.Allocator) Response {
			return &ReadRecordsResponse{CatalogName: "test-catalog", Records: partitionsP(t, mem, schemaS3)}
		}},
	{file: "v2_RemoteReadRecordsResponse.json", version: V2, serialize: true,
		response: func(*testing.T, memory.Allocator) Response {
			loc := func(id string) SpillLocation {
				return SpillLocation{Bucket: "athena-virtuoso-test", Key: "lambda-spill/test-query-id/" + id, Directory: true}
			}
			return &RemoteReadRecordsResponse{CatalogName: "test-catalog", Schema: schemaS3,
				RemoteBlocks:  []SpillLocation{loc("test-split-id-1"), loc("test-split-id-2")},
				EncryptionKey: &EncryptionKey{Key: []byte("test-key"), Nonce: []byte("test-nonce")}}
		}},
	{file: "v2_UserDefinedFunctionRequest.json", version: V2, detected: V2, serialize: true,
		request: func(t *testing.T, mem memory.Allocator) Request {
			in := arrowSchema(field("factor1", i32), field("factor2", i32))
			return &UserDefinedFunctionRequest{RequestHeader: RequestHeader{Identity: testIdentity()},
				InputRecords: Block{AllocatorID: "test-allocator-id", Schema: in,
					Records: buildRecord(t, mem, in, [][]any{{int32(2), int32(3)}})},
				OutputSchema: arrowSchema(field("product", i32)), MethodName: "test-method", FunctionType: "SCALAR"}
		}},
	{file: "v2_UserDefinedFunctionResponse.json", version: V2, serialize: true,
		response: func(t *testing.T, mem memory.Allocator) Response {
			s := arrowSchema(field("product", i32))
			var rows [][]any
			for i := 0; i < 10; i++ {
				rows = append(rows, []any{int32(2 * i)})
			}
			return &UserDefinedFunctionResponse{MethodName: "test-method",
				Records: Block{AllocatorID: "test-allocator-id", Schema: s, Records: buildRecord(t, mem, s, rows)}}
		}},
	{file: "v4_GetDataSourceCapabilitiesResponse.json", version: V4, serialize: true,
		response: func(*testing.T, memory.Allocator) Response {
			return &GetDataSourceCapabilitiesResponse{CatalogName: "test-catalog", Capabilities: []Capability{{
				Name:     CapComplexExpressionPushdown,
				SubTypes: []OptimizationSubType{{SubType: SubTypeFunctionTypes, Properties: []string{"$add", "$subtract"}}},
			}}}
		}},
	{file: "v4_ReadRecordsRequest.json", version: V4, detected: V4, serialize: true, request: readRecordsRequest(V4)},
	{file: "v5_GetTableRequest.json", version: V5, detected: V5, serialize: true,
		request: func(*testing.T, memory.Allocator) Request {
			return &GetTableRequest{RequestHeader: header(), TableName: testTable,
				QueryPassthrough: Map{{"query", "SELECT * FROM DUMMY_TABLE;"}}}
		}},
	{file: "v5_ReadRecordsRequest.json", version: V5, detected: V5, serialize: true, request: readRecordsRequest(V5)},
	{file: "v6_ReadRecordsRequest.json", version: V6, detected: V6, serialize: true, request: readRecordsRequest(V6)},
	{file: "v6_ListTablesRequest_CompositeHandlerTest.json", version: V6, detected: V6,
		request: func(*testing.T, memory.Allocator) Request {
			return &ListTablesRequest{RequestHeader: RequestHeader{
				Identity: Identity{ID: "UNKNOWN", Principal: "UNKNOWN", Account: "12345678910",
					Arn: "arn:aws:iam::12345678910:user/test@test.com"},
				QueryID: "auto-generated-by-athena", CatalogName: "testCatalog"},
				SchemaName: "testSchema", NextToken: strp("testTable"), PageSize: 5}
		}},
}

func TestVectors(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(vectorDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{"v2_LambdaFunctionException.json": true} // TestVectorLambdaFunctionException
	for _, v := range vectors {
		covered[v.file] = true
		t.Run(v.file, func(t *testing.T) { runVector(t, v) })
	}
	if len(files) != 26 {
		t.Errorf("%d vector files, want 26", len(files))
	}
	for _, f := range files {
		if !covered[filepath.Base(f)] {
			t.Errorf("vector %s has no test", f)
		}
	}
}

func runVector(t *testing.T, v vector) {
	data, err := os.ReadFile(filepath.Join(vectorDir, v.file))
	if err != nil {
		t.Fatal(err)
	}
	mem := checkedMem(t)
	opts := []Option{WithAllocator(mem), WithAllocatorID("test-allocator-id")}
	if v.request != nil {
		want := v.request(t, mem)
		defer want.Release()
		got, ver, err := DecodeRequest(data, opts...)
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		defer got.Release()
		assertNoDiff(t, want, got)
		if ver != v.detected {
			t.Errorf("detected version %d, want %d", ver, v.detected)
		}
		if v.serialize {
			out, err := EncodeRequest(want, v.version, opts...)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			compareJSON(t, data, out, v.version == V2)
		}
		return
	}
	want := v.response(t, mem)
	defer want.Release()
	got, err := DecodeResponse(data, opts...)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	defer got.Release()
	assertNoDiff(t, want, got)
	if v.serialize {
		out, err := EncodeResponse(want, v.version, opts...)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		compareJSON(t, data, out, v.version == V2)
	}
}

func TestVectorLambdaFunctionException(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(vectorDir, "v2_LambdaFunctionException.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Error{
		Message: "Requested resource not found (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ResourceNotFoundException; Request ID: RIB6NOH4BNMAK6KQG88R5VE583VV4KQNSO5AEMVJF66Q9ASUAAJG)",
		Type:    "com.amazonaws.services.dynamodbv2.model.ResourceNotFoundException",
		StackTrace: []string{
			"com.amazonaws.http.AmazonHttpClient$RequestExecutor.handleErrorResponse(AmazonHttpClient.java:1701)",
			"com.amazonaws.http.AmazonHttpClient$RequestExecutor.executeOneRequest(AmazonHttpClient.java:1356)",
		},
	}
	got, err := DecodeError(data)
	if err != nil {
		t.Fatal(err)
	}
	assertNoDiff(t, want, got)
	// DecodeResponse recognises a function error, too.
	if _, err := DecodeResponse(data); err == nil {
		t.Fatal("DecodeResponse of an error payload: no error")
	} else {
		assertNoDiff(t, want, asFederationError(t, err))
	}
	// written back in the same key order
	compareJSON(t, data, EncodeError(want), false)
}

// listTablesHandler answers ListTables as the CompositeHandlerTest's mock.
type listTablesHandler struct {
	nopHandler
	got *ListTablesRequest
}

func (h *listTablesHandler) ListTables(_ context.Context, req *ListTablesRequest) (*ListTablesResponse, error) {
	h.got = req
	return &ListTablesResponse{CatalogName: "testCatalog", Tables: []TableName{{"testSchema", "testTable"}}}, nil
}

func TestVectorCompositeHandler(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(vectorDir, "v6_ListTablesRequest_CompositeHandlerTest.json"))
	if err != nil {
		t.Fatal(err)
	}
	h := &listTablesHandler{}
	out, err := Handle(context.Background(), h, data, WithAllocator(checkedMem(t)))
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"@type":"ListTablesResponse","tables":[{"schemaName":"testSchema","tableName":"testTable"}],"catalogName":"testCatalog","nextToken":null}`
	if string(out) != want {
		t.Fatalf("got  %s\nwant %s", out, want)
	}
	if h.got == nil || h.got.SchemaName != "testSchema" || h.got.PageSize != 5 || *h.got.NextToken != "testTable" {
		t.Fatalf("handler got %+v", h.got)
	}
}

func readVector(name string) ([]byte, error) { return os.ReadFile(filepath.Join(vectorDir, name)) }
