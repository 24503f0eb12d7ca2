//go:build integration

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/athena-kafka/athena-kafka/test/awstest"
	"github.com/athena-kafka/athena-kafka/test/conformance"
	lambdatest "github.com/athena-kafka/athena-kafka/test/lambda"
)

// TestSDKConformance: the Athena Federation SDK writes its sample requests in serde versions 2..6
// (test/conformance `requests`, naming a table seeded here); each goes to the function as it is, and
// each answer is read by the SDK's deserializers of that version (`check-response`). The values are
// checked too: the ReadRecords request carries the SDK's constraints (IN, ranges, IS NULL, NOT NULL
// ranges on data and metadata columns, and from v4 an expression, ORDER BY and LIMIT), so its rows show
// that the filter means what Java means.
func TestSDKConformance(t *testing.T) {
	if err := conformance.Build(); err != nil {
		t.Fatal(err)
	}
	w := newWorld(t)
	table := awstest.Unique("orders_")
	topic := newTopic(t, "e2e-judge-", 1)
	w.seedDoc(t, table, `{"topicName": "", "message": {"dataFormat": "json", "fields": [
		{"name": "id", "mapping": "id", "type": "INTEGER"},
		{"name": "name", "mapping": "name", "type": "VARCHAR"},
		{"name": "price", "mapping": "price", "type": "DOUBLE"},
		{"name": "active", "mapping": "active", "type": "BOOLEAN"},
		{"name": "created", "mapping": "created", "type": "TIMESTAMP"}]}}`, topic)

	// The SDK's split reads offsets [10, 20) of partition 0 with these constraints: _partition_id IN
	// (0, 2), 10 <= _partition_offset < 20, price > 1.5, name IN ('a', 'b') OR NULL, id <= 5 OR id = 42
	// OR NULL, _key IS NULL.
	created := time.Date(2024, 1, 2, 3, 4, 5, 678e6, time.UTC)
	msgs := make([]message, 25)
	for i := range msgs {
		msgs[i] = message{Value: []byte(`{"id":1,"name":"a","price":2.0,"active":true,"created":"2024-01-02T03:04:05.678Z"}`), Time: baseTime}
	}
	for off, v := range map[int]string{
		10: `{"id":1,"name":"a","price":2.0,"active":true,"created":"2024-01-02T03:04:05.678Z"}`, // kept
		11: `{"id":42,"name":"b","price":9.5,"active":false}`,                                    // kept
		12: `{"id":6,"name":"a","price":2.0}`,                                                    // id
		13: `{"id":2,"name":"c","price":2.0}`,                                                    // name
		14: `{"id":3,"price":3.0}`,                                                               // kept: name NULL
		15: `{"id":4,"name":"a","price":1.5}`,                                                    // price not > 1.5
		16: `{"name":"b","price":2.5}`,                                                           // kept: id NULL
		17: `{"id":5,"name":"a","price":2.0}`,                                                    // has a key
		18: `{"id":1,"name":"a"}`,                                                                // price NULL
		19: `not json`,                                                                           // corrupt: price NULL
	} {
		msgs[off].Value = []byte(v)
	}
	msgs[17].Key = []byte("k")
	produce(t, topic, msgs)
	wantRows := [][]any{ // id, name, price, active, created, _partition_id, _partition_offset, _timestamp, _key
		{1.0, "a", 2.0, true, float64(created.UnixMilli()), 0.0, 10.0, float64(baseTime.UnixMilli()), nil},
		{42.0, "b", 9.5, false, nil, 0.0, 11.0, float64(baseTime.UnixMilli()), nil},
		{3.0, nil, 3.0, nil, nil, 0.0, 14.0, float64(baseTime.UnixMilli()), nil},
		{nil, "b", 2.5, nil, nil, 0.0, 16.0, float64(baseTime.UnixMilli()), nil},
	}

	t.Setenv("ATHENA_JUDGE_SCHEMA", w.registry)
	t.Setenv("ATHENA_JUDGE_TABLE", table)
	t.Setenv("ATHENA_JUDGE_TOPIC", topic)
	reqDir, respDir := t.TempDir(), t.TempDir()
	index, err := conformance.Requests(reqDir)
	if err != nil {
		t.Fatal(err)
	}
	fn := startFunction(t, w.env()...)

	byVersion := map[int][]string{}
	wantType := map[string]string{}
	for v := 2; v <= 6; v++ {
		types := index[fmt.Sprintf("v%d", v)]
		if len(types) < 7 {
			t.Fatalf("v%d: the SDK wrote only %v", v, types)
		}
		if err := os.MkdirAll(filepath.Join(respDir, fmt.Sprintf("v%d", v)), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, typ := range types {
			req, err := os.ReadFile(filepath.Join(reqDir, fmt.Sprintf("v%d", v), typ+".json"))
			if err != nil {
				t.Fatal(err)
			}
			body := fn.invoke(t, req)
			if fe, ok := lambdatest.ParseFunctionError(body); ok {
				t.Errorf("v%d %s: function error %s: %s", v, typ, fe.ErrorType, fe.ErrorMessage)
				continue
			}
			f := filepath.Join(respDir, fmt.Sprintf("v%d", v), strings.Replace(typ, "Request", "Response", 1)+".json")
			if err := os.WriteFile(f, body, 0o644); err != nil {
				t.Fatal(err)
			}
			byVersion[v] = append(byVersion[v], f)
			wantType[f] = strings.Replace(typ, "Request", "Response", 1)
		}
	}
	// A failing call: the SDK's GetTableRequest for a table that does not exist. The function error
	// payload must be what the SDK reads as a LambdaException.
	req, err := os.ReadFile(filepath.Join(reqDir, "v6", "GetTableRequest.json"))
	if err != nil {
		t.Fatal(err)
	}
	missing := strings.Replace(string(req), `"tableName":"`+table+`"`, `"tableName":"no_such_table"`, 1)
	if missing == string(req) {
		t.Fatalf("no tableName %s in %s", table, req)
	}
	body := fn.invoke(t, []byte(missing))
	if fe, ok := lambdatest.ParseFunctionError(body); !ok || !strings.Contains(fe.ErrorMessage, "no_such_table") {
		t.Errorf("GetTable of a missing table: %s", body)
	}
	errFile := filepath.Join(respDir, "v6", "GetTableError.json")
	if err := os.WriteFile(errFile, body, 0o644); err != nil {
		t.Fatal(err)
	}
	byVersion[6] = append(byVersion[6], errFile)
	wantType[errFile] = "LambdaException"

	results, err := conformance.CheckAll(false, byVersion)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 5*7+3+1 {
		t.Errorf("%d responses checked, want 39", len(results))
	}
	for _, r := range results {
		name := fmt.Sprintf("v%d %s", r.Version, filepath.Base(r.File))
		if !r.OK {
			t.Errorf("%s: the SDK rejects our response: %s", name, r.Error)
			continue
		}
		if r.Summary.Type != wantType[r.File] {
			t.Errorf("%s: the SDK read a %s", name, r.Summary.Type)
			continue
		}
		checkSummary(t, name, r.Summary, w.registry, table, topic, wantRows)
	}
}

// checkSummary checks the values of one response as the SDK read it.
func checkSummary(t *testing.T, name string, s *conformance.Summary, registry, table, topic string, wantRows [][]any) {
	t.Helper()
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	f := s.Fields
	if s.Type == "LambdaException" {
		if msg, _ := f["message"].(string); !strings.Contains(msg, "no_such_table") {
			t.Errorf("%s: the SDK read the error message %q", name, f["message"])
		}
		return
	}
	if f["catalogName"] != "kafka_catalog" {
		t.Errorf("%s: catalogName %v", name, f["catalogName"])
	}
	switch s.Type {
	case "PingResponse":
		if f["sourceType"] != "kafka" || f["capabilities"] != 24.0 || f["serDeVersion"] != 6.0 || f["queryId"] != "query-id-0001" {
			t.Errorf("%s: %s", name, js(f))
		}
	case "ListSchemasResponse":
		if !strings.Contains(js(f["schemas"]), `"`+registry+`"`) {
			t.Errorf("%s: schemas %s lack %s", name, js(f["schemas"]), registry)
		}
	case "ListTablesResponse":
		if !strings.Contains(js(f["tables"]), js(map[string]string{"schemaName": registry, "tableName": table})) {
			t.Errorf("%s: tables %s lack %s", name, js(f["tables"]), table)
		}
	case "GetTableResponse":
		var cols []string
		for _, fl := range s.Schema.Fields {
			cols = append(cols, fl.Name+":"+fl.Type)
		}
		want := "id:Int(32, true),name:Utf8,price:FloatingPoint(DOUBLE),active:Bool,created:Date(MILLISECOND),_partition_id:Int(32, true),_partition_offset:Int(64, true),_timestamp:Date(MILLISECOND),_key:Utf8,_headers:Utf8,_message:Utf8,_message_corrupt:Bool"
		if got := strings.Join(cols, ","); got != want || s.Schema.Metadata["topic"] != topic {
			t.Errorf("%s: columns %s, metadata %v", name, got, s.Schema.Metadata)
		}
	case "GetTableLayoutResponse":
		if s.Blocks["partitions"].RowCount < 1 {
			t.Errorf("%s: no partitions", name)
		}
	case "GetSplitsResponse":
		want := fmt.Sprintf(`[{"endOffset":"20","partition":"0","startOffset":"10","topic":%q}]`, topic)
		var props []any
		for _, sp := range f["splits"].([]any) {
			props = append(props, sp.(map[string]any)["properties"])
		}
		if js(props) != want || f["continuationToken"] != nil {
			t.Errorf("%s: split properties %s, want %s", name, js(props), want)
		}
	case "ReadRecordsResponse":
		blk := s.Blocks["records"]
		if f["recordCount"] != float64(len(wantRows)) || js(blk.Rows) != js(wantRows) {
			t.Errorf("%s: %v records\n got %s\nwant %s", name, f["recordCount"], js(blk.Rows), js(wantRows))
		}
	case "GetDataSourceCapabilitiesResponse":
		caps := js(f["capabilities"])
		if !strings.Contains(caps, "supports_filter_pushdown") || !strings.Contains(caps, "supports_limit_pushdown") {
			t.Errorf("%s: capabilities %s", name, caps)
		}
	}
}
