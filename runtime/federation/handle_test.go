package federation

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

var errNotImplemented = errors.New("not implemented")

// nopHandler answers every call with errNotImplemented.
type nopHandler struct{}

func (nopHandler) ListSchemas(context.Context, *ListSchemasRequest) (*ListSchemasResponse, error) {
	return nil, errNotImplemented
}
func (nopHandler) ListTables(context.Context, *ListTablesRequest) (*ListTablesResponse, error) {
	return nil, errNotImplemented
}
func (nopHandler) GetTable(context.Context, *GetTableRequest) (*GetTableResponse, error) {
	return nil, errNotImplemented
}
func (nopHandler) GetTableLayout(context.Context, *GetTableLayoutRequest) (*GetTableLayoutResponse, error) {
	return nil, errNotImplemented
}
func (nopHandler) GetSplits(context.Context, *GetSplitsRequest) (*GetSplitsResponse, error) {
	return nil, errNotImplemented
}
func (nopHandler) ReadRecords(context.Context, *ReadRecordsRequest) (Response, error) {
	return nil, errNotImplemented
}
func (nopHandler) GetDataSourceCapabilities(context.Context, *GetDataSourceCapabilitiesRequest) (*GetDataSourceCapabilitiesResponse, error) {
	return nil, errNotImplemented
}

func handleErr(t *testing.T, h Handler, req string) *Error {
	t.Helper()
	out, err := Handle(context.Background(), h, []byte(req), WithAllocator(checkedMem(t)))
	if err == nil {
		t.Fatalf("no error, got %s", out)
	}
	if out != nil {
		t.Fatalf("output with an error: %s", out)
	}
	return asFederationError(t, err)
}

func TestHandleMalformed(t *testing.T) {
	for _, tc := range []struct{ req, want string }{
		{`{ "invalid": "data" }`, `missing field "@type"`},
		{`{"@type":"NoSuchRequest"}`, `unknown request type "NoSuchRequest"`},
		{`[1,2]`, `want an object with "@type", got an array`},
		{`{"@type":"PingRequest"`, "malformed JSON"},
		{``, "malformed JSON"},
		{`{"@type":"ListSchemasRequest","identity":{},"queryId":"q"}`, `ListSchemasRequest: missing field "catalogName"`},
		{`{"@type":"ReadRecordsRequest","identity":{},"catalogName":"c","tableName":{"schemaName":"s","tableName":"t"},"schema":"!!"}`,
			"ReadRecordsRequest.schema: invalid base64"},
		{`{"@type":"ReadRecordsRequest","identity":{},"catalogName":"c","tableName":{"schemaName":"s","tableName":"t"},"schema":"AAAA"}`,
			"ReadRecordsRequest.schema: federation: invalid Arrow schema message"},
		{`{"@type":"GetTableRequest","identity":{},"catalogName":"c","tableName":"t"}`, `GetTableRequest.tableName: want an object, got a string`},
		{`{"@type":"ListTablesRequest","identity":{},"catalogName":"c","schemaName":"s","pageSize":"x"}`, `ListTablesRequest.pageSize: want an integer, got "x"`},
	} {
		e := handleErr(t, nopHandler{}, tc.req)
		if !strings.Contains(e.Message, tc.want) || e.Type != ConnectorException {
			t.Errorf("%s: got %q (%s), want it to name %q", tc.req, e.Message, e.Type, tc.want)
		}
	}
}

func TestHandlePing(t *testing.T) {
	req := `{"@type":"PingRequest","identity":{"id":"UNKNOWN","principal":"UNKNOWN","account":"1","arn":"a","tags":{},"groups":[]},"catalogName":"cat","queryId":"q1"}`
	out, err := Handle(context.Background(), nopHandler{}, []byte(req))
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"@type":"PingResponse","catalogName":"cat","queryId":"q1","sourceType":"kafka","capabilities":24,"serDeVersion":6}`
	if string(out) != want {
		t.Fatalf("got  %s\nwant %s", out, want)
	}
}

func TestHandleUDFNotSupported(t *testing.T) {
	e := handleErr(t, nopHandler{}, string(mustRead(t, "v2_UserDefinedFunctionRequest.json")))
	if !strings.Contains(e.Message, "not supported") || !strings.Contains(e.Message, "test-method") {
		t.Fatalf("got %q", e.Message)
	}
}

func TestHandleHandlerErrors(t *testing.T) {
	req := `{"@type":"ListSchemasRequest","identity":{},"queryId":"q","catalogName":"c"}`
	e := handleErr(t, nopHandler{}, req)
	if e.Message != "not implemented" || !errors.Is(e, errNotImplemented) || e.Type != ConnectorException {
		t.Fatalf("got %+v", e)
	}
	throttle := &Error{Type: ThrottleException, Message: "slow down"}
	e = handleErr(t, funcHandler{listSchemas: func() (*ListSchemasResponse, error) { return nil, throttle }}, req)
	if e != throttle {
		t.Fatalf("got %+v, want the handler's own *Error", e)
	}
	e = handleErr(t, funcHandler{listSchemas: func() (*ListSchemasResponse, error) { return nil, nil }}, req)
	if !strings.Contains(e.Message, "no ListSchemasResponse") {
		t.Fatalf("got %q", e.Message)
	}
	e = handleErr(t, funcHandler{listSchemas: func() (*ListSchemasResponse, error) { panic("boom") }}, req)
	if !strings.Contains(e.Message, "boom") || len(e.StackTrace) == 0 {
		t.Fatalf("got %+v", e)
	}
}

type funcHandler struct {
	nopHandler
	listSchemas func() (*ListSchemasResponse, error)
	readRecords func(*ReadRecordsRequest) (Response, error)
}

func (h funcHandler) ListSchemas(context.Context, *ListSchemasRequest) (*ListSchemasResponse, error) {
	return h.listSchemas()
}

func (h funcHandler) ReadRecords(_ context.Context, r *ReadRecordsRequest) (Response, error) {
	return h.readRecords(r)
}

// TestHandleReadRecords answers the vectors' ReadRecords requests with a
// block and checks the framing follows the request's version and that all
// Arrow memory is released.
func TestHandleReadRecords(t *testing.T) {
	for _, tc := range []struct {
		file   string
		legacy bool
	}{
		{"v2_ReadRecordsRequest.json", true},
		{"v4_ReadRecordsRequest.json", false},
		{"v6_ReadRecordsRequest.json", false},
	} {
		mem := checkedMem(t)
		var sawSet ValueSet
		h := funcHandler{readRecords: func(r *ReadRecordsRequest) (Response, error) {
			sawSet = r.Constraints.Set("col3")
			return &ReadRecordsResponse{CatalogName: r.CatalogName, Records: partitionsP(t, mem, r.Schema)}, nil
		}}
		out, err := Handle(context.Background(), h, mustRead(t, tc.file), WithAllocator(mem))
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if sawSet == nil || !sawSet.Contains(1.0) || sawSet.Contains(-10000.0) {
			t.Fatalf("%s: col3 set %+v", tc.file, sawSet)
		}
		resp, err := DecodeResponse(out, WithAllocator(mem))
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		rr := resp.(*ReadRecordsResponse)
		rows, schema := rr.Records.Rows(), rr.Records.Schema
		resp.Release()
		if rows != 10 || !schema.Equal(schemaS7) {
			t.Fatalf("%s: got %d rows of %v", tc.file, rows, schema)
		}
		prefix := `{"@type":"ReadRecordsResponse","catalogName":"test-query-id","records":{"aId":"test-allocator-id","schema":"`
		if !strings.HasPrefix(string(out), prefix) {
			t.Fatalf("%s: got %.200s", tc.file, out)
		}
		if got := !strings.HasPrefix(string(out), prefix+"/////"); got != tc.legacy {
			t.Fatalf("%s: legacy framing %v, want %v: %.200s", tc.file, got, tc.legacy, out)
		}
	}
}

func TestEncodeUnsupportedVersion(t *testing.T) {
	for _, v := range []Version{0, 1, 7} {
		if _, err := EncodeResponse(&ListSchemasResponse{}, v); err == nil {
			t.Errorf("version %d: no error", v)
		}
		if _, err := EncodeRequest(&ListSchemasRequest{}, v); err == nil {
			t.Errorf("version %d: no error", v)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	if _, err := EncodeResponse(&GetTableResponse{}, V6); err == nil || !strings.Contains(err.Error(), "missing Arrow schema") {
		t.Errorf("missing schema: %v", err)
	}
	c := Constraints{Summary: []ColumnSet{{"c", &AllOrNoneValueSet{Type: arrow.BinaryTypes.LargeString}}}}
	_, err := EncodeRequest(&GetTableLayoutRequest{Schema: schemaS3, Constraints: c}, V6)
	if err == nil || !strings.Contains(err.Error(), "cannot be represented") {
		t.Errorf("large string: %v", err)
	}
	c = Constraints{Summary: []ColumnSet{{"c", &EquatableValueSet{Type: i32, Values: []any{"x"}}}}}
	mem := checkedMem(t)
	_, err = EncodeRequest(&GetTableLayoutRequest{Schema: schemaS3, Constraints: c}, V6, WithAllocator(mem))
	if err == nil || !strings.Contains(err.Error(), "is a string, want int32") {
		t.Errorf("wrong value type: %v", err)
	}
}

func TestErrorPayload(t *testing.T) {
	e := &Error{Type: ConnectorException, Message: "bad \"thing\" é\n", StackTrace: []string{"a", "b"},
		Cause: &Error{Type: "java.io.IOException", Message: "inner"}}
	out := EncodeError(e)
	const want = `{"errorMessage":"bad \"thing\" é\n","errorType":"com.amazonaws.athena.connector.lambda.exceptions.AthenaConnectorException","stackTrace":["a","b"],"cause":{"errorMessage":"inner","errorType":"java.io.IOException","stackTrace":[]}}`
	if string(out) != want {
		t.Fatalf("got  %s\nwant %s", out, want)
	}
	got, err := DecodeError(out)
	if err != nil {
		t.Fatal(err)
	}
	assertNoDiff(t, e, got)
	// any order, nested frames, aws-lambda-go style frames
	got, err = DecodeError([]byte(`{"stackTrace":[["x","y"],{"path":"p","line":1},"z"],"errorType":"T","errorMessage":"m","cause":null}`))
	if err != nil {
		t.Fatal(err)
	}
	assertNoDiff(t, &Error{Type: "T", Message: "m", StackTrace: []string{"x", "y", "", "z"}}, got)
}

func TestAsError(t *testing.T) {
	if AsError(nil) != nil {
		t.Fatal("AsError(nil) != nil")
	}
	inner := &Error{Type: ThrottleException, Message: "busy"}
	wrapped := AsError(errors.Join(errors.New("reading topic"), inner))
	if wrapped.Type != ThrottleException || !strings.Contains(wrapped.Message, "reading topic") || !errors.Is(wrapped, inner) {
		t.Fatalf("got %+v", wrapped)
	}
	e := Errorf("topic %q: %w", "t", errNotImplemented)
	if e.Type != ConnectorException || e.Message != `topic "t": not implemented` || !errors.Is(e, errNotImplemented) {
		t.Fatalf("got %+v", e)
	}
}

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	data, err := readVector(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

var _ = memory.DefaultAllocator
