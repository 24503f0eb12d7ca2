package federation

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecodeRequest feeds arbitrary bytes to the request parser and to
// Handle. Invariants: nothing panics (DecodeRequest runs with its panic
// guard off), a decoded request encodes again in its detected version and
// that encoding decodes to the same version, and Handle always answers with
// output or an *Error.
func FuzzDecodeRequest(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(vectorDir, "*.json"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{ "invalid": "data" }`))
	f.Add([]byte(`{"@type":"GetDataSourceCapabilitiesRequest","identity":{},"queryId":"q","catalogName":"c"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		catchPanics = false
		defer func() { catchPanics = true }()
		req, v, err := DecodeRequest(data)
		if err == nil {
			out, err := EncodeRequest(req, v)
			req.Release()
			if err == nil {
				again, v2, err := DecodeRequest(out)
				if err != nil {
					t.Fatalf("re-decoding %s: %v", out, err)
				}
				again.Release()
				if v2 != v && !(v2 == V6 && v == V5) {
					t.Fatalf("version %d re-read as %d: %s", v, v2, out)
				}
			}
		}
		out, err := Handle(context.Background(), echoHandler{}, data)
		if err != nil {
			asFederationError(t, err)
			if out != nil {
				t.Fatal("output and error")
			}
		} else if len(out) == 0 {
			t.Fatal("no output and no error")
		}
	})
}

// echoHandler answers every call with a small valid response built from the
// request, so that Handle's encoding path is fuzzed too.
type echoHandler struct{}

func (echoHandler) ListSchemas(_ context.Context, r *ListSchemasRequest) (*ListSchemasResponse, error) {
	return &ListSchemasResponse{CatalogName: r.CatalogName, Schemas: []string{r.QueryID}}, nil
}
func (echoHandler) ListTables(_ context.Context, r *ListTablesRequest) (*ListTablesResponse, error) {
	return &ListTablesResponse{CatalogName: r.CatalogName, Tables: []TableName{{r.SchemaName, "t"}}, NextToken: r.NextToken}, nil
}
func (echoHandler) GetTable(_ context.Context, r *GetTableRequest) (*GetTableResponse, error) {
	return &GetTableResponse{CatalogName: r.CatalogName, TableName: r.TableName, Schema: schemaS3}, nil
}
func (echoHandler) GetTableLayout(_ context.Context, r *GetTableLayoutRequest) (*GetTableLayoutResponse, error) {
	return &GetTableLayoutResponse{CatalogName: r.CatalogName, TableName: r.TableName, Partitions: Block{Schema: r.Schema}}, nil
}
func (echoHandler) GetSplits(_ context.Context, r *GetSplitsRequest) (*GetSplitsResponse, error) {
	return &GetSplitsResponse{CatalogName: r.CatalogName, Splits: []Split{{Properties: Map{{"k", "v"}}}}}, nil
}
func (echoHandler) ReadRecords(_ context.Context, r *ReadRecordsRequest) (Response, error) {
	return &ReadRecordsResponse{CatalogName: r.CatalogName, Records: Block{Schema: r.Schema}}, nil
}
func (echoHandler) GetDataSourceCapabilities(_ context.Context, r *GetDataSourceCapabilitiesRequest) (*GetDataSourceCapabilitiesResponse, error) {
	return &GetDataSourceCapabilitiesResponse{CatalogName: r.CatalogName}, nil
}
