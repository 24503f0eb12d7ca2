//go:build integration

package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/athena-kafka/athena-kafka/runtime/federation"
)

// baseTime is the record timestamp of the first produced message; message i gets baseTime + i s.
var baseTime = time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)

// expectedRow is want plus the metadata columns the connector adds for m.
func expectedRow(m message, want row, corrupt bool) row {
	r := row{}
	for k, v := range want {
		r[k] = v
	}
	r["_partition_id"] = m.Partition
	r["_partition_offset"] = m.Offset
	r["_timestamp"] = arrow.Date64(m.Time.UnixMilli())
	if m.Key == nil {
		r["_key"] = nil
	} else {
		r["_key"] = string(m.Key)
	}
	h := map[string]string{}
	for _, x := range m.Headers {
		h[string(x.Key)] = string(x.Value)
	}
	hj, _ := json.Marshal(h)
	r["_headers"] = string(hj)
	r["_message"] = string(m.Value)
	r["_message_corrupt"] = corrupt
	return r
}

func date32(y int, m time.Month, d int) arrow.Date32 {
	return arrow.Date32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// jsonMessages are messages for schemas/datatypejson.json over partitions partitions: n good ones,
// two corrupt ones and a tombstone, with the rows they must give (tombstones give none).
func jsonMessages(n int, partitions int32) ([]message, func([]message) []row) {
	var msgs []message
	var wants []row
	var corrupt []bool
	for i := range n {
		v := fmt.Sprintf(`{"intcol":%d,"varcharcol":"v-%d \"q\"","booleancol":%t,"bigintcol":%d,"doublecol":%g,"smallintcol":%d,"tinyintcol":%d,"datecol":"2024-03-%02d","timestampcol":"2024-03-01 12:34:56.%03d"}`,
			i*1000-5, i, i%2 == 0, int64(1)<<40+int64(i), float64(i)+0.25, -i%300*100, i%128, i%28+1, i%1000)
		m := message{Partition: int32(i) % partitions, Value: []byte(v), Time: baseTime.Add(time.Duration(i) * time.Second)}
		if i%2 == 0 {
			m.Key = []byte(fmt.Sprintf("k-%d", i))
		}
		if i == 3 {
			m.Headers = []sarama.RecordHeader{{Key: []byte("h1"), Value: []byte("v1")}, {Key: []byte("h2"), Value: []byte("v\"2")}}
		}
		msgs = append(msgs, m)
		wants = append(wants, row{
			"intcol": int32(i*1000 - 5), "varcharcol": fmt.Sprintf(`v-%d "q"`, i), "booleancol": i%2 == 0,
			"bigintcol": int64(1)<<40 + int64(i), "doublecol": float64(i) + 0.25, "smallintcol": int16(-i % 300 * 100),
			"tinyintcol": int8(i % 128), "datecol": date32(2024, 3, i%28+1),
			"timestampcol": arrow.Date64(time.Date(2024, 3, 1, 12, 34, 56, i%1000*1e6, time.UTC).UnixMilli()),
		})
		corrupt = append(corrupt, false)
	}
	t0 := baseTime.Add(time.Duration(n) * time.Second)
	msgs = append(msgs,
		message{Partition: 0, Value: []byte("not json"), Time: t0},
		message{Partition: partitions - 1, Value: []byte(`{"intcol":"abc","varcharcol":"x","datecol":"2024-02-30"}`), Time: t0},
		message{Partition: 0, Value: nil, Time: t0}, // tombstone: skipped
	)
	nulls := row{"intcol": nil, "varcharcol": nil, "booleancol": nil, "bigintcol": nil, "doublecol": nil,
		"smallintcol": nil, "tinyintcol": nil, "datecol": nil, "timestampcol": nil}
	wants = append(wants, nulls, row{"intcol": nil, "varcharcol": "x", "booleancol": nil, "datecol": nil, "timestampcol": nil})
	corrupt = append(corrupt, true, true)
	return msgs, func(produced []message) []row {
		var rows []row
		for i := range wants {
			rows = append(rows, expectedRow(produced[i], wants[i], corrupt[i]))
		}
		sortRows(rows)
		return rows
	}
}

// splitDecoders returns the decoders the function's log names for reads of topic ("generated",
// "fallback").
func splitDecoders(log, topic string) map[string]int {
	out := map[string]int{}
	for _, line := range strings.Split(log, "\n") {
		var rec struct {
			Msg, Topic, Decoder string
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "split read" && rec.Topic == topic {
			out[rec.Decoder]++
		}
	}
	return out
}

// TestFlow runs Athena's whole call sequence against the function for a JSON and a CSV topic, the
// partition pushdown, and a schema the build did not generate a decoder for.
func TestFlow(t *testing.T) {
	w := newWorld(t)
	jsonTopic := newTopic(t, "e2e-json-", 2)
	csvTopic := newTopic(t, "e2e-csv-", 1)
	w.seedFile(t, "datatypejson", jsonTopic)
	w.seedFile(t, "datatypecsvbulk", csvTopic)
	fn := startFunction(t, w.env("max_records_per_split=5")...)

	t.Run("json", func(t *testing.T) {
		msgs, want := jsonMessages(12, 2)
		produce(t, jsonTopic, msgs)
		a := newAthena(fn, w)
		p := a.ping(t)
		if p.SourceType != "kafka" || p.Capabilities != 24 || p.SerDeVersion != 6 || p.CatalogName != "kafka_e2e" || p.QueryID != a.queryID {
			t.Errorf("Ping: %+v", p)
		}
		// Paging through ListTables one table at a time finds both tables.
		if tabs := a.listTables(t, w.registry, 1); len(tabs) != 2 || !contains(tabs, "datatypejson") || !contains(tabs, "datatypecsvbulk") {
			t.Errorf("ListTables by pages of 1: %v", tabs)
		}
		tn := federation.TableName{SchemaName: w.registry, TableName: "datatypejson"}
		schema := a.table(t, tn)
		var names []string
		for _, f := range schema.Fields() {
			names = append(names, f.Name)
		}
		if got := strings.Join(names, ","); got != "intcol,varcharcol,booleancol,bigintcol,doublecol,smallintcol,tinyintcol,datecol,timestampcol,_partition_id,_partition_offset,_timestamp,_key,_headers,_message,_message_corrupt" {
			t.Errorf("GetTable columns: %s", got)
		}
		if md := schema.Metadata(); md.FindKey("topic") < 0 || md.Values()[md.FindKey("topic")] != jsonTopic {
			t.Errorf("GetTable metadata: %v", md)
		}
		caps := a.capabilities(t)
		capNames := map[string]bool{}
		for _, c := range caps.Capabilities {
			capNames[c.Name] = true
		}
		if !capNames[federation.CapFilterPushdown] || !capNames[federation.CapLimitPushdown] {
			t.Errorf("GetDataSourceCapabilities: %+v", caps.Capabilities)
		}
		splits := a.splits(t, tn, schema, noConstraints())
		// Every record (tombstone included) of each partition, in splits of at most 5.
		perPart := map[int32]int64{}
		for _, m := range msgs {
			perPart[m.Partition]++
		}
		wantSplits := 0
		for _, n := range perPart {
			wantSplits += int((n + 4) / 5)
		}
		if len(splits) != wantSplits {
			t.Errorf("GetSplits: %d splits, want %d (max_records_per_split=5, %v records per partition)", len(splits), wantSplits, perPart)
		}
		rows := a.readAll(t, tn, schema, splits, noConstraints())
		checkRows(t, schema, rows, want(msgs))
		if d := splitDecoders(fn.emu.Log(), jsonTopic); d["generated"] != len(splits) || d["fallback"] != 0 {
			t.Errorf("decoders used: %v, want the generated one for all %d splits", d, len(splits))
		}
	})

	t.Run("csv", func(t *testing.T) {
		lines := []string{
			"1,hello,true,9223372036854775807,1.5,-3,4,2.25",
			` 2 , padded ,FALSE,-9223372036854775808,-0.5,32767,-128,1e3 `,
			`3,"quoted, with ""comma""",true,0,0,0,0,0`,
			"4,,,,,,,",
			"5,short",
			"x,bad,maybe,1,2,3,4,5", // corrupt: intcol and booleancol
		}
		wants := []row{
			{"intcol": int32(1), "varcharcol": "hello", "booleancol": true, "bigintcol": int64(9223372036854775807), "doublecol": 1.5, "smallintcol": int16(-3), "tinyintcol": int8(4), "floatcol": 2.25},
			{"intcol": int32(2), "varcharcol": "padded", "booleancol": false, "bigintcol": int64(-9223372036854775808), "doublecol": -0.5, "smallintcol": int16(32767), "tinyintcol": int8(-128), "floatcol": 1000.0},
			{"intcol": int32(3), "varcharcol": `quoted, with "comma"`, "booleancol": true, "bigintcol": int64(0), "doublecol": 0.0, "floatcol": 0.0},
			{"intcol": int32(4), "varcharcol": "", "booleancol": nil, "bigintcol": nil, "floatcol": nil}, // empty VARCHAR is "", empty others NULL
			{"intcol": int32(5), "varcharcol": "short", "booleancol": nil, "floatcol": nil},
			{"intcol": nil, "varcharcol": "bad", "booleancol": nil, "bigintcol": int64(1), "floatcol": 5.0},
		}
		var msgs []message
		for i, l := range lines {
			msgs = append(msgs, message{Value: []byte(l), Time: baseTime.Add(time.Duration(i) * time.Millisecond)})
		}
		produce(t, csvTopic, msgs)
		a := newAthena(fn, w)
		tn := federation.TableName{SchemaName: w.registry, TableName: "datatypecsvbulk"}
		schema := a.table(t, tn)
		splits := a.splits(t, tn, schema, noConstraints())
		if len(splits) != 2 {
			t.Errorf("GetSplits: %d splits for 6 records, want 2", len(splits))
		}
		var want []row
		for i := range msgs {
			want = append(want, expectedRow(msgs[i], wants[i], i == len(msgs)-1))
		}
		checkRows(t, schema, a.readAll(t, tn, schema, splits, noConstraints()), want)
		if d := splitDecoders(fn.emu.Log(), csvTopic); d["generated"] != len(splits) {
			t.Errorf("decoders used: %v, want the generated one", d)
		}
	})

	t.Run("fallback", func(t *testing.T) {
		// Fields no schema in schemas/ has: no generated decoder matches the fingerprint.
		doc := `{"topicName": "set-below", "message": {"dataFormat": "json", "fields": [
			{"name": "user", "mapping": "user/name", "type": "VARCHAR"},
			{"name": "age", "mapping": "user/age", "type": "SMALLINT"},
			{"name": "price", "mapping": "price", "type": "DECIMAL(10,2)"},
			{"name": "tags", "mapping": "tags", "type": "VARCHAR"},
			{"name": "seen", "mapping": "seen", "type": "TIMESTAMP", "formatHint": "iso8601"},
			{"name": "ok", "mapping": "ok", "type": "BOOL"}]}}`
		topic := newTopic(t, "e2e-fallback-", 1)
		w.seedDoc(t, "unseen_events", doc, topic)
		msgs := []message{
			{Value: []byte(`{"user":{"name":"ann","age":41},"price":"12.34","tags":["a",{"b":1}],"seen":"2024-05-06T07:08:09.123Z","ok":"TRUE"}`)},
			{Value: []byte(`{"user":{"name":"bob"},"price":0.5,"tags":null,"ok":false}`)},
			{Value: []byte(`{"user":{"age":99999},"price":"x"}`)}, // corrupt: age out of range, price not a number
		}
		for i := range msgs {
			msgs[i].Time = baseTime.Add(time.Duration(i) * time.Second)
		}
		produce(t, topic, msgs)
		wants := []row{
			{"user": "ann", "age": int16(41), "price": decimal128.FromI64(1234), "tags": `["a",{"b":1}]`,
				"seen": arrow.Date64(time.Date(2024, 5, 6, 7, 8, 9, 123e6, time.UTC).UnixMilli()), "ok": true},
			{"user": "bob", "age": nil, "price": decimal128.FromI64(50), "tags": nil, "seen": nil, "ok": false},
			{"user": nil, "age": nil, "price": nil, "tags": nil, "seen": nil, "ok": nil},
		}
		var want []row
		for i := range msgs {
			want = append(want, expectedRow(msgs[i], wants[i], i == 2))
		}
		a := newAthena(fn, w)
		tn := federation.TableName{SchemaName: w.registry, TableName: "unseen_events"}
		schema := a.table(t, tn)
		splits := a.splits(t, tn, schema, noConstraints())
		checkRows(t, schema, a.readAll(t, tn, schema, splits, noConstraints()), want)
		if d := splitDecoders(fn.emu.Log(), topic); d["fallback"] != len(splits) || d["generated"] != 0 {
			t.Errorf("decoders used: %v, want the fallback for all %d splits", d, len(splits))
		}
	})
}

// TestPushdown: constraints on _partition_id and _partition_offset prune splits in GetSplits and rows in
// ReadRecords; a constraint on a data column filters rows only.
func TestPushdown(t *testing.T) {
	w := newWorld(t)
	topic := newTopic(t, "e2e-pushdown-", 3)
	w.seedFile(t, "datatypejson", topic)
	fn := startFunction(t, w.env("max_records_per_split=5")...)
	var msgs []message
	for p := range int32(3) {
		for i := range 10 {
			msgs = append(msgs, message{Partition: p, Time: baseTime,
				Value: []byte(fmt.Sprintf(`{"intcol":%d,"varcharcol":"p%d-%d"}`, int(p)*100+i, p, i))})
		}
	}
	produce(t, topic, msgs)
	a := newAthena(fn, w)
	tn := federation.TableName{SchemaName: w.registry, TableName: "datatypejson"}
	schema := a.table(t, tn)

	int32s := func(vs ...int32) []any {
		var out []any
		for _, v := range vs {
			out = append(out, v)
		}
		return out
	}
	offsets := func(lo, hi int64) federation.ValueSet { // lo <= offset < hi
		return &federation.SortedRangeSet{Type: arrow.PrimitiveTypes.Int64, Ranges: []federation.Range{{
			Low: federation.Marker{Value: lo, Bound: federation.Exactly}, High: federation.Marker{Value: hi, Bound: federation.Below}}}}
	}
	partitions := func(ps ...int32) federation.ValueSet {
		return &federation.EquatableValueSet{Type: arrow.PrimitiveTypes.Int32, Values: int32s(ps...), WhiteList: true}
	}
	type split struct{ partition, start, end string }
	for _, tc := range []struct {
		name   string
		sets   []federation.ColumnSet
		splits []split
		rows   []string // varcharcol of the rows, in (partition, offset) order
	}{
		{"partition 1", []federation.ColumnSet{{Column: "_partition_id", Set: partitions(1)}},
			[]split{{"1", "0", "5"}, {"1", "5", "10"}},
			[]string{"p1-0", "p1-1", "p1-2", "p1-3", "p1-4", "p1-5", "p1-6", "p1-7", "p1-8", "p1-9"}},
		{"offsets 3..6", []federation.ColumnSet{{Column: "_partition_offset", Set: offsets(3, 7)}},
			[]split{{"0", "3", "7"}, {"1", "3", "7"}, {"2", "3", "7"}},
			[]string{"p0-3", "p0-4", "p0-5", "p0-6", "p1-3", "p1-4", "p1-5", "p1-6", "p2-3", "p2-4", "p2-5", "p2-6"}},
		{"partitions 0 and 2, offset 8", []federation.ColumnSet{
			{Column: "_partition_id", Set: partitions(0, 2)},
			{Column: "_partition_offset", Set: &federation.EquatableValueSet{Type: arrow.PrimitiveTypes.Int64, Values: []any{int64(8)}, WhiteList: true}}},
			[]split{{"0", "8", "9"}, {"2", "8", "9"}},
			[]string{"p0-8", "p2-8"}},
		{"offsets past the end", []federation.ColumnSet{{Column: "_partition_offset", Set: offsets(100, 200)}}, nil, nil},
		{"no partition", []federation.ColumnSet{{Column: "_partition_id", Set: partitions(7)}}, nil, nil},
		{"data column: every split, one row", []federation.ColumnSet{{Column: "intcol", Set: &federation.EquatableValueSet{Type: arrow.PrimitiveTypes.Int32, Values: int32s(204), WhiteList: true}}},
			[]split{{"0", "0", "5"}, {"0", "5", "10"}, {"1", "0", "5"}, {"1", "5", "10"}, {"2", "0", "5"}, {"2", "5", "10"}},
			[]string{"p2-4"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cons := noConstraints()
			cons.Summary = tc.sets
			splits := a.splits(t, tn, schema, cons)
			var got []split
			for _, s := range splits {
				p, _ := s.Properties.Get("partition")
				st, _ := s.Properties.Get("startOffset")
				en, _ := s.Properties.Get("endOffset")
				got = append(got, split{p, st, en})
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.splits) {
				t.Errorf("splits %v, want %v", got, tc.splits)
			}
			var vals []string
			for _, r := range a.readAll(t, tn, schema, splits, cons) {
				s, _ := r["varcharcol"].(string)
				vals = append(vals, s)
			}
			if fmt.Sprint(vals) != fmt.Sprint(tc.rows) {
				t.Errorf("rows %v, want %v", vals, tc.rows)
			}
		})
	}
}
