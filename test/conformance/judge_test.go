//go:build integration

package conformance

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestMain(m *testing.M) {
	if err := Build(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// TestRequests: the SDK writes its sample requests in every serde version; each is compact JSON with
// the expected @type first, the version-specific fields are there, and the SDK reads them back.
func TestRequests(t *testing.T) {
	dir := t.TempDir()
	index, err := Requests(dir)
	if err != nil {
		t.Fatal(err)
	}
	all := map[int][]string{}
	types := map[string]string{}
	base := []string{"PingRequest", "ListSchemasRequest", "ListTablesRequest", "GetTableRequest",
		"GetTableLayoutRequest", "GetSplitsRequest", "ReadRecordsRequest"}
	for v := 2; v <= 6; v++ {
		want := append([]string(nil), base...)
		if v >= 4 {
			want = append(want, "GetDataSourceCapabilitiesRequest")
		}
		vdir := filepath.Join(dir, fmt.Sprintf("v%d", v))
		if got := index[fmt.Sprintf("v%d", v)]; !reflect.DeepEqual(got, want) {
			t.Fatalf("v%d: index %v, want %v", v, got, want)
		}
		for _, typ := range want {
			f := filepath.Join(vdir, typ+".json")
			all[v] = append(all[v], f)
			types[f] = typ
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b, []byte(`{"@type":"`+typ+`",`)) {
				t.Errorf("v%d %s: does not start with its @type: %.60s", v, typ, b)
			}
			var doc map[string]any
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatalf("v%d %s: %v", v, typ, err)
			}
			if doc["catalogName"] != "kafka_catalog" || doc["queryId"] != "query-id-0001" {
				t.Errorf("v%d %s: catalogName %v queryId %v", v, typ, doc["catalogName"], doc["queryId"])
			}
			checkVersionFields(t, v, typ, doc)
		}
	}
	results, err := CheckAll(true, all)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if !r.OK || r.Summary.Type != types[r.File] || !strings.Contains(r.File, fmt.Sprintf("/v%d/", r.Version)) {
			t.Errorf("%s (v%d): the SDK does not read its own request back: %s", r.File, r.Version, r.Error)
		}
	}
	if len(results) != 5*7+3 {
		t.Errorf("%d requests checked", len(results))
	}
}

func checkVersionFields(t *testing.T, v int, typ string, doc map[string]any) {
	t.Helper()
	switch typ {
	case "GetTableRequest":
		_, has := doc["queryPassthroughArguments"]
		if has != (v >= 5) {
			t.Errorf("v%d GetTableRequest: queryPassthroughArguments present=%v", v, has)
		}
	case "ReadRecordsRequest":
		if doc["maxBlockSize"] != "16000000" || doc["maxInlineBlockSize"] != "5242880" {
			t.Errorf("v%d ReadRecordsRequest: block sizes %v %v (want JSON strings)", v, doc["maxBlockSize"], doc["maxInlineBlockSize"])
		}
		c := doc["constraints"].(map[string]any)
		var keys []string
		for k := range c {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		want := map[int]string{
			2: "summary", 3: "summary",
			4: "expression,limit,orderByClause,summary",
			5: "expression,limit,orderByClause,queryPassthroughArguments,summary",
			6: "expression,limit,orderByClause,queryPassthroughArguments,queryPlan,summary",
		}[v]
		if strings.Join(keys, ",") != want {
			t.Errorf("v%d constraints keys %v, want %s", v, keys, want)
		}
		schema, _ := base64.StdEncoding.DecodeString(doc["schema"].(string))
		modern := bytes.HasPrefix(schema, []byte{0xff, 0xff, 0xff, 0xff})
		if modern != (v >= 3) {
			t.Errorf("v%d schema framing: continuation marker present=%v", v, modern)
		}
	}
}

func vectorsDir(t *testing.T) string {
	for _, d := range []string{
		filepath.Join(TestDir(), "..", "runtime", "federation", "testdata", "vectors"),
		filepath.Join(TestDir(), "conformance", "testdata", "vectors"),
	} {
		if m, _ := filepath.Glob(filepath.Join(d, "v2_PingResponse.json")); len(m) == 1 {
			return d
		}
	}
	t.Fatal("no test vectors found")
	return ""
}

// TestVectorsAccepted: every golden vector of the SDK's own serde tests is accepted by check-response
// (responses) or check-request (requests), and the summaries carry the values the vectors encode.
func TestVectorsAccepted(t *testing.T) {
	dir := vectorsDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "v*.json"))
	byKind := map[string]map[int][]string{"response": {}, "request": {}}
	for _, f := range files {
		name := filepath.Base(f)
		var v int
		fmt.Sscanf(name, "v%d_", &v)
		kind := "request"
		if strings.Contains(name, "Response") || strings.Contains(name, "Exception") {
			kind = "response"
		}
		byKind[kind][v] = append(byKind[kind][v], f)
	}
	summaries := map[string]*Summary{}
	for kind, versions := range byKind {
		results, err := CheckAll(kind == "request", versions)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range results {
			name := strings.TrimSuffix(filepath.Base(r.File), ".json")
			if !r.OK {
				t.Errorf("%s rejected: %s", name, r.Error)
				continue
			}
			summaries[name] = r.Summary
			wantType := strings.SplitN(name, "_", 3)[1]
			wantType = strings.TrimSuffix(wantType, "ForwardsCompatible")
			if wantType == "LambdaFunctionException" {
				wantType = "LambdaException"
			}
			if r.Summary.Type != wantType {
				t.Errorf("%s: type %s, want %s", name, r.Summary.Type, wantType)
			}
		}
	}
	if len(summaries) != len(files) {
		t.Fatalf("%d of %d vectors accepted", len(summaries), len(files))
	}

	// values
	rr := summaries["v2_ReadRecordsResponse"]
	rec := rr.Blocks["records"]
	if rec.RowCount != 10 || len(rec.Rows) != 10 || rr.Fields["recordCount"] != float64(10) {
		t.Fatalf("ReadRecordsResponse: %d rows", rec.RowCount)
	}
	for i, row := range rec.Rows {
		want := []any{float64(2016 + i), float64(i%12 + 1), float64(i%28 + 1)}
		if !reflect.DeepEqual(row, want) {
			t.Errorf("ReadRecordsResponse row %d: %v, want %v", i, row, want)
		}
	}
	gt := summaries["v2_GetTableResponse"]
	var names []string
	for _, f := range gt.Schema.Fields {
		names = append(names, f.Name+":"+f.Type)
	}
	if strings.Join(names, ",") != "year:Int(32, true),month:Int(32, true),day:Int(32, true),col3:Utf8" {
		t.Errorf("GetTableResponse schema %v", names)
	}
	ping := summaries["v2_PingResponse"]
	if ping.Fields["capabilities"] != float64(23) || ping.Fields["serDeVersion"] != float64(2) || ping.Fields["sourceType"] != "test-source-type" {
		t.Errorf("PingResponse fields %v", ping.Fields)
	}
	splits := summaries["v2_GetSplitsResponse"].Fields["splits"].([]any)
	if len(splits) != 2 || summaries["v2_GetSplitsResponse"].Fields["continuationToken"] != "test-continuation-token" {
		t.Errorf("GetSplitsResponse %v", summaries["v2_GetSplitsResponse"].Fields)
	}
	lp := summaries["v2_GetTableLayoutResponse"].Blocks["partitions"]
	if lp.RowCount != 10 || lp.Rows[3][0] != float64(2019) || lp.Rows[3][3] != nil {
		t.Errorf("GetTableLayoutResponse partitions %+v", lp)
	}
	if !strings.HasPrefix(summaries["v2_LambdaFunctionException"].Fields["message"].(string), "Requested resource not found") {
		t.Errorf("LambdaFunctionException %v", summaries["v2_LambdaFunctionException"].Fields)
	}
}

// TestRejects: the judge is strict like Athena: garbage, a wrong field order and a truncated Arrow
// payload are all rejected.
func TestRejects(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(filepath.Join(vectorsDir(t), "v2_ListTablesResponse.json"))
	if err != nil {
		t.Fatal(err)
	}
	// nextToken before tables: same content, wrong order
	var doc map[string]any
	if err := json.Unmarshal(good, &doc); err != nil {
		t.Fatal(err)
	}
	reordered := fmt.Sprintf(`{"@type":"ListTablesResponse","catalogName":%q,"tables":[],"nextToken":null}`, doc["catalogName"])
	gtr, _ := os.ReadFile(filepath.Join(vectorsDir(t), "v2_GetTableResponse.json"))
	var gt map[string]any
	_ = json.Unmarshal(gtr, &gt)
	schema := gt["schema"].(string)
	truncated := strings.Replace(string(gtr), schema, schema[:len(schema)/2], 1)
	cases := map[string]string{
		"garbage.json":   `{ "invalid": "data" }`,
		"reordered.json": reordered,
		"truncated.json": truncated,
		"notjson.json":   `{"@type":"PingResponse",`,
	}
	var files []string
	for name, body := range cases {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	results, err := CheckResponses(2, files...)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.OK {
			t.Errorf("%s accepted: %+v", filepath.Base(r.File), r.Summary)
		}
	}
}

// spillBatch builds the record batch the spill tests write: 3 rows of 4 columns, with NULLs.
func spillBatch(mem memory.Allocator) (*arrow.Schema, arrow.RecordBatch) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "price", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "_timestamp", Type: arrow.FixedWidthTypes.Date64, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.Int32Builder).AppendValues([]int32{1, 2, 3}, nil)
	b.Field(1).(*array.StringBuilder).AppendValues([]string{"a", "", "ü"}, []bool{true, false, true})
	b.Field(2).(*array.Float64Builder).AppendValues([]float64{1.5, 2.25, 0}, []bool{true, true, false})
	b.Field(3).(*array.Date64Builder).AppendValues([]arrow.Date64{1700000000000, 0, 1700000000123}, nil)
	return schema, b.NewRecordBatch()
}

func payloadBytes(t *testing.T, p ipc.Payload) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := p.WritePayload(&buf); err != nil {
		t.Fatal(err)
	}
	p.Release()
	return buf.Bytes()
}

// TestReadSpill: a block written by arrow-go the way a spill object is specified (one RecordBatch
// message, legacy framing: no continuation marker; AES-GCM with the 12-byte nonce, tag appended, or
// no encryption) is read by the SDK's AesGcmBlockCrypto / NoOpBlockCrypto and RecordBatchSerDe.
func TestReadSpill(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema, rec := spillBatch(mem)
	defer rec.Release()

	schemaB64 := base64.StdEncoding.EncodeToString(payloadBytes(t, ipc.GetSchemaPayload(schema, mem)))
	p, err := ipc.GetRecordBatchPayload(rec, ipc.WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	modern := payloadBytes(t, p)
	if !bytes.HasPrefix(modern, []byte{0xff, 0xff, 0xff, 0xff}) {
		t.Fatalf("arrow-go payload without continuation marker: % x", modern[:8])
	}
	legacy := modern[4:] // legacy framing: <int32 metadata length><flatbuffer>...<body>

	key := bytes.Repeat([]byte{7}, 32)
	key16 := bytes.Repeat([]byte{9}, 16)
	nonce := []byte("0123456789ab")
	seal := func(k, plain []byte) []byte {
		block, err := aes.NewCipher(k)
		if err != nil {
			t.Fatal(err)
		}
		gcm, err := cipher.NewGCM(block)
		if err != nil {
			t.Fatal(err)
		}
		return gcm.Seal(nil, nonce, plain, nil)
	}
	want := [][]any{
		{float64(1), "a", 1.5, float64(1700000000000)},
		{float64(2), nil, 2.25, float64(0)},
		{float64(3), "ü", nil, float64(1700000000123)},
	}
	cases := []struct {
		name       string
		object     []byte
		key, nonce []byte
		crypto     string
	}{
		{"aes256-legacy", seal(key, legacy), key, nonce, "AesGcmBlockCrypto"},
		{"aes128-legacy", seal(key16, legacy), key16, nonce, "AesGcmBlockCrypto"},
		{"plain-legacy", legacy, nil, nil, "NoOpBlockCrypto"},
		{"plain-modern", modern, nil, nil, "NoOpBlockCrypto"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := ReadSpill(t.TempDir(), schemaB64, c.object, c.key, c.nonce)
			if err != nil {
				t.Fatal(err)
			}
			if s.Type != "SpilledBlock" || s.Crypto != c.crypto || s.RowCount != 3 {
				t.Fatalf("summary %+v", s)
			}
			var types []string
			for _, f := range s.Schema.Fields {
				types = append(types, f.Name+":"+f.Type)
			}
			if strings.Join(types, ",") != "id:Int(32, true),name:Utf8,price:FloatingPoint(DOUBLE),_timestamp:Date(MILLISECOND)" {
				t.Errorf("schema %v", types)
			}
			if got := s.Blocks["records"].Rows; !reflect.DeepEqual(got, want) {
				t.Errorf("rows %v, want %v", got, want)
			}
		})
	}

	// a wrong key is an error, not garbage
	if _, err := ReadSpill(t.TempDir(), schemaB64, seal(key, legacy), key16, nonce); err == nil {
		t.Error("read-spill accepted a block sealed with another key")
	}
}
