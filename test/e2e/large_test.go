//go:build integration

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/athena-kafka/athena-kafka/runtime/federation"
)

// lambdaPayloadLimit is Lambda's limit on a synchronous response (6 MB).
const lambdaPayloadLimit = 6_291_456

// TestLargeResponse: a topic of 60 kB messages read with Athena's maxInlineBlockSize 5,242,880. Every
// answer, inline or spilled, stays under Lambda's 6 MB response limit (the HTTP body is measured), and
// the rows are all there.
func TestLargeResponse(t *testing.T) {
	w := newWorld(t)
	topic := newTopic(t, "e2e-large-", 1)
	w.seedFile(t, "datatypejson", topic)
	const n, size = 80, 60_000
	var msgs []message
	for i := range n {
		big := strings.Repeat(string(rune('a'+i%26)), size)
		msgs = append(msgs, message{Value: []byte(fmt.Sprintf(`{"intcol":%d,"varcharcol":"%s"}`, i, big)), Time: baseTime.Add(time.Duration(i) * time.Millisecond)})
	}
	produce(t, topic, msgs)
	a := newAthena(startFunction(t, w.env()...), w)
	tn := federation.TableName{SchemaName: w.registry, TableName: "datatypejson"}
	full := a.table(t, tn)
	project := func(cols ...string) *arrow.Schema {
		var fs []arrow.Field
		for _, c := range cols {
			i := full.FieldIndices(c)
			if len(i) != 1 {
				t.Fatalf("no column %s", c)
			}
			fs = append(fs, full.Field(i[0]))
		}
		md := full.Metadata()
		return arrow.NewSchema(fs, &md)
	}
	offsetsBelow := func(end int64) federation.Constraints {
		c := noConstraints()
		c.Summary = []federation.ColumnSet{{Column: "_partition_offset", Set: &federation.SortedRangeSet{Type: arrow.PrimitiveTypes.Int64,
			Ranges: []federation.Range{{Low: federation.LowUnbounded, High: federation.Marker{Value: end, Bound: federation.Below}}}}}}
		return c
	}
	for _, tc := range []struct {
		name   string
		schema *arrow.Schema
		cons   federation.Constraints
		rows   int
		inline bool // must answer inline (else: either, as long as it fits)
	}{
		{"small projection inline", project("intcol", "_partition_offset"), noConstraints(), n, true},
		{"4.1 MB of data inline", project("intcol", "varcharcol", "_partition_offset"), offsetsBelow(69), 69, true},
		{"4.8 MB of data", project("intcol", "varcharcol", "_partition_offset"), noConstraints(), n, false},
		{"9.6 MB with _message", full, noConstraints(), n, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			splits := a.splits(t, tn, full, tc.cons)
			if len(splits) != 1 {
				t.Fatalf("%d splits, want 1", len(splits))
			}
			res := a.read(t, tn, tc.schema, splits[0], tc.cons, 16_000_000, 5_242_880)
			t.Logf("response body %d bytes, inline %v, %d rows", len(res.body), res.remote == nil, len(res.rows))
			if len(res.body) >= lambdaPayloadLimit {
				t.Errorf("response body %d bytes, Lambda's limit is %d", len(res.body), lambdaPayloadLimit)
			}
			if tc.inline && res.remote != nil {
				t.Errorf("answered with %d spilled blocks, want inline", len(res.remote.RemoteBlocks))
			}
			rows := sorted(res.rows)
			if len(rows) != tc.rows {
				t.Fatalf("%d rows, want %d", len(rows), tc.rows)
			}
			for i, r := range rows {
				if r["intcol"] != int32(i) || r["_partition_offset"] != msgs[i].Offset {
					t.Fatalf("row %d: intcol %v offset %v", i, r["intcol"], r["_partition_offset"])
				}
				if _, ok := r["varcharcol"]; ok && r["varcharcol"] != strings.Repeat(string(rune('a'+i%26)), size) {
					t.Fatalf("row %d: varcharcol is not the produced value", i)
				}
				if _, ok := r["_message"]; ok && r["_message"] != string(msgs[i].Value) {
					t.Fatalf("row %d: _message is not the produced value", i)
				}
			}
		})
	}
}
