package connector

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/athena-kafka/athena-kafka/runtime/catalog"
	"github.com/athena-kafka/athena-kafka/runtime/federation"
	"github.com/athena-kafka/athena-kafka/runtime/kafka"
	"github.com/athena-kafka/athena-kafka/runtime/kafka/testcluster"
	"github.com/athena-kafka/athena-kafka/runtime/spill"
	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// env is a connector on a test broker, with a folder catalog holding one
// table "events" for topic, and a local spill folder.
type env struct {
	t       *testing.T
	kc      *testcluster.Cluster
	c       *Connector
	mem     *memory.CheckedAllocator
	topic   string
	spill   *spill.Folder
	schema  *arrow.Schema // GetTable's schema
	queryID string
}

const eventsDoc = `{"topicName": %q, "message": {"dataFormat": "json", "fields": [
  {"name": "id", "mapping": "id", "type": "BIGINT"},
  {"name": "name", "mapping": "name", "type": "VARCHAR"},
  {"name": "flag", "mapping": "flag", "type": "BOOLEAN"}]}}`

func newEnv(t *testing.T, partitions int32, isolation sarama.IsolationLevel, tweak func(*Options)) *env {
	t.Helper()
	kc := testcluster.Start(t)
	e := &env{t: t, kc: kc, mem: memory.NewCheckedAllocator(memory.NewGoAllocator()), queryID: "q-" + t.Name()}
	e.topic = kc.Topic(t, partitions, nil)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "events.json"), []byte(fmt.Sprintf(eventsDoc, e.topic)), 0o644); err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.NewFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	e.spill = spill.NewFolder(t.TempDir())
	opt := Options{
		Catalog: cat,
		Kafka: func(ctx context.Context) (*kafka.Client, error) {
			return kafka.New(kc.Brokers, kc.Config(isolation))
		},
		Store:           e.spill,
		SpillBucket:     "bucket",
		Keys:            spill.LocalKeys(),
		MetadataColumns: true,
		Allocator:       e.mem,
		Logger:          slog.New(slog.DiscardHandler),
	}
	if tweak != nil {
		tweak(&opt)
	}
	e.c, err = New(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		e.c.Close()
		e.mem.AssertSize(t, 0)
	})
	gt, err := e.c.GetTable(context.Background(), &federation.GetTableRequest{RequestHeader: e.header(), TableName: federation.TableName{SchemaName: "DEFAULT", TableName: "Events"}})
	if err != nil {
		t.Fatal(err)
	}
	if gt.TableName != (federation.TableName{SchemaName: "default", TableName: "events"}) {
		t.Fatalf("GetTable resolved %+v, want default.events", gt.TableName)
	}
	e.schema = gt.Schema
	return e
}

func (e *env) header() federation.RequestHeader {
	return federation.RequestHeader{QueryID: e.queryID, CatalogName: "kafka"}
}

func (e *env) produce(recs ...*kgo.Record) { e.kc.Produce(e.t, recs...) }

// waitStable waits until every transaction is decided on every partition:
// a real broker writes the commit markers after EndTransaction returns, and
// until then read_committed plans splits that end before the transaction.
func (e *env) waitStable(partitions int32) {
	e.t.Helper()
	parts := make([]int32, partitions)
	for i := range parts {
		parts[i] = int32(i)
	}
	committed, err := kafka.New(e.kc.Brokers, e.kc.Config(sarama.ReadCommitted))
	if err != nil {
		e.t.Fatal(err)
	}
	defer committed.Close()
	all, err := kafka.New(e.kc.Brokers, e.kc.Config(sarama.ReadUncommitted))
	if err != nil {
		e.t.Fatal(err)
	}
	defer all.Close()
	ctx := context.Background()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		lso, err1 := committed.Offsets(ctx, e.topic, parts)
		hwm, err2 := all.Offsets(ctx, e.topic, parts)
		stable := err1 == nil && err2 == nil
		for _, p := range parts {
			stable = stable && lso[p].End == hwm[p].End
		}
		if stable {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("transactions on %s not decided after 10s: %v %v %v %v", e.topic, lso, hwm, err1, err2)
		}
	}
}

// msg is a valid message with id i.
func (e *env) msg(partition int32, i int) *kgo.Record {
	return testcluster.Record(e.topic, partition, fmt.Sprintf("k%d", i), fmt.Sprintf(`{"id": %d, "name": "n%d", "flag": %v}`, i, i, i%2 == 0))
}

func (e *env) splits(cons federation.Constraints) []federation.Split {
	e.t.Helper()
	var out []federation.Split
	var token *string
	for {
		resp, err := e.c.GetSplits(context.Background(), &federation.GetSplitsRequest{RequestHeader: e.header(), TableName: federation.TableName{SchemaName: "default", TableName: "events"}, Constraints: cons, ContinuationToken: token})
		if err != nil {
			e.t.Fatalf("GetSplits: %v", err)
		}
		out = append(out, resp.Splits...)
		if resp.ContinuationToken == nil {
			return out
		}
		token = resp.ContinuationToken
	}
}

// row is what the tests compare: where a message was and what it decoded to.
type row struct {
	Partition int32
	Offset    int64
	ID        any // int64 or nil
	Name      any
	Corrupt   bool
}

// read reads every split and returns the rows sorted by partition and
// offset, with the summed statistics.
func (e *env) read(schema *arrow.Schema, splits []federation.Split, cons federation.Constraints) ([]row, ReadStats) {
	e.t.Helper()
	var rows []row
	var total ReadStats
	for _, sp := range splits {
		resp, st, err := e.c.Read(context.Background(), &federation.ReadRecordsRequest{
			RequestHeader: e.header(), TableName: federation.TableName{SchemaName: "default", TableName: "events"},
			Schema: schema, Split: sp, Constraints: cons, MaxBlockSize: 16_000_000, MaxInlineBlockSize: 5_000_000,
		})
		if err != nil {
			e.t.Fatalf("ReadRecords %v: %v", sp.Properties, err)
		}
		total.Rows += st.Rows
		total.Records += st.Records
		total.Bytes += st.Bytes
		total.Corrupt += st.Corrupt
		total.Tombstones += st.Tombstones
		total.Spilled += st.Spilled
		total.Chunks += st.Chunks
		for _, rec := range e.records(resp) {
			rows = append(rows, rowsOf(rec)...)
			rec.Release()
		}
		resp.Release()
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Partition != rows[j].Partition {
			return rows[i].Partition < rows[j].Partition
		}
		return rows[i].Offset < rows[j].Offset
	})
	return rows, total
}

// records returns the response's records, reading spilled blocks back from
// the folder and decrypting them as Athena does.
func (e *env) records(resp federation.Response) []arrow.RecordBatch {
	e.t.Helper()
	switch r := resp.(type) {
	case *federation.ReadRecordsResponse:
		if r.Records.Records == nil {
			return nil
		}
		r.Records.Records.Retain()
		return []arrow.RecordBatch{r.Records.Records}
	case *federation.RemoteReadRecordsResponse:
		var out []arrow.RecordBatch
		for _, loc := range r.RemoteBlocks {
			p, err := e.spill.Path(loc.Bucket, loc.Key)
			if err != nil {
				e.t.Fatal(err)
			}
			data, err := os.ReadFile(p)
			if err != nil {
				e.t.Fatal(err)
			}
			if k := r.EncryptionKey; k != nil {
				if data, err = spill.Open(k.Key, k.Nonce, data); err != nil {
					e.t.Fatalf("decrypt %s: %v", loc.Key, err)
				}
			}
			rec, err := federation.DecodeRecordBatch(r.Schema, data, e.mem)
			if err != nil {
				e.t.Fatalf("decode %s: %v", loc.Key, err)
			}
			out = append(out, rec)
		}
		return out
	}
	e.t.Fatalf("unexpected response %T", resp)
	return nil
}

func rowsOf(rec arrow.RecordBatch) []row {
	col := func(name string) arrow.Array {
		if idx := rec.Schema().FieldIndices(name); len(idx) > 0 {
			return rec.Column(idx[0])
		}
		return nil
	}
	get := func(a arrow.Array, i int) any {
		if a == nil {
			return nil
		}
		return federation.ValueAt(a, i)
	}
	out := make([]row, rec.NumRows())
	for i := range out {
		r := row{ID: get(col("id"), i), Name: get(col("name"), i)}
		if v, ok := get(col(topic.ColPartitionID), i).(int32); ok {
			r.Partition = v
		}
		if v, ok := get(col(topic.ColPartitionOffset), i).(int64); ok {
			r.Offset = v
		}
		r.Corrupt, _ = get(col(topic.ColMessageCorrupt), i).(bool)
		out[i] = r
	}
	return out
}

func noConstraints() federation.Constraints { return federation.Constraints{Limit: federation.NoLimit} }

// TestReadsEveryMessageExactlyOnce: the rows across all splits are the
// produced messages, each once, with many small splits, an empty partition
// and several pages of splits.
func TestReadsEveryMessageExactlyOnce(t *testing.T) {
	e := newEnv(t, 6, sarama.ReadCommitted, func(o *Options) { o.MaxRecordsPerSplit = 7 })
	var want []row
	next := map[int32]int64{}
	var recs []*kgo.Record
	for i := 0; i < 1500; i++ {
		p := int32(i % 5) // partition 5 stays empty
		recs = append(recs, e.msg(p, i))
		want = append(want, row{Partition: p, Offset: next[p], ID: int64(i), Name: fmt.Sprintf("n%d", i)})
		next[p]++
	}
	e.produce(recs...)
	splits := e.splits(noConstraints())
	if len(splits) != 5*43 { // ceil(300/7) per non-empty partition
		t.Fatalf("got %d splits, want %d", len(splits), 5*43)
	}
	covered := map[string]bool{}
	for _, s := range splits {
		p, _ := s.Properties.Get("partition")
		start, _ := s.Properties.Get("startOffset")
		end, _ := s.Properties.Get("endOffset")
		if p == "5" {
			t.Fatalf("split for the empty partition: %v", s.Properties)
		}
		if s.SpillLocation == nil || !s.SpillLocation.Directory || s.EncryptionKey == nil || len(s.EncryptionKey.Key) != 32 || len(s.EncryptionKey.Nonce) != 12 {
			t.Fatalf("split without its own spill location or key: %+v", s)
		}
		if covered[s.SpillLocation.Key] {
			t.Fatalf("spill location %s shared by two splits", s.SpillLocation.Key)
		}
		covered[s.SpillLocation.Key] = true
		if !strings.HasPrefix(s.SpillLocation.Key, "athena-federation-spill/"+e.queryID+"/") {
			t.Fatalf("spill key %q, want prefix/queryId/uuid", s.SpillLocation.Key)
		}
		if a, b := atoi(t, start), atoi(t, end); a >= b {
			t.Fatalf("empty or inverted split %v", s.Properties)
		}
	}
	rows, st := e.read(e.schema, splits, noConstraints())
	if len(rows) != len(want) {
		t.Fatalf("read %d rows, want %d", len(rows), len(want))
	}
	sort.Slice(want, func(i, j int) bool {
		if want[i].Partition != want[j].Partition {
			return want[i].Partition < want[j].Partition
		}
		return want[i].Offset < want[j].Offset
	})
	for i := range want {
		if rows[i] != want[i] {
			t.Fatalf("row %d: got %+v, want %+v", i, rows[i], want[i])
		}
	}
	if st.Records != 1500 || st.Corrupt != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// TestTransactionsTombstonesAndCorruptRows: aborted transactions are not
// read (read_committed), tombstones are skipped, corrupt messages are rows
// with NULL data and _message_corrupt = true.
func TestTransactionsTombstonesAndCorruptRows(t *testing.T) {
	e := newEnv(t, 1, sarama.ReadCommitted, func(o *Options) { o.MaxRecordsPerSplit = 4 })
	e.produce(e.msg(0, 0), e.msg(0, 1))
	e.kc.Transaction(t, true, e.msg(0, 2), e.msg(0, 3))
	e.kc.Transaction(t, false, e.msg(0, 100), e.msg(0, 101), e.msg(0, 102))
	e.produce(&kgo.Record{Topic: e.topic, Partition: 0, Key: []byte("gone")}) // tombstone
	e.produce(testcluster.Record(e.topic, 0, "bad1", `not json`), testcluster.Record(e.topic, 0, "bad2", `{"id": "twelve", "name": "x"}`))
	e.kc.Transaction(t, true, e.msg(0, 4))
	e.waitStable(1)

	rows, st := e.read(e.schema, e.splits(noConstraints()), noConstraints())
	var ids []any
	var corrupt []row
	for _, r := range rows {
		if r.Corrupt {
			corrupt = append(corrupt, r)
			continue
		}
		ids = append(ids, r.ID)
	}
	if fmt.Sprint(ids) != "[0 1 2 3 4]" {
		t.Fatalf("ids %v, want [0 1 2 3 4] (aborted 100..102 must not appear)", ids)
	}
	if len(corrupt) != 2 || corrupt[0].ID != nil || corrupt[0].Name != nil || corrupt[1].ID != nil || corrupt[1].Name != "x" {
		t.Fatalf("corrupt rows %+v", corrupt)
	}
	if st.Tombstones != 1 || st.Corrupt != 2 || st.Rows != 7 {
		t.Fatalf("stats %+v, want 1 tombstone, 2 corrupt, 7 rows", st)
	}
}

func TestReadUncommittedSeesAbortedRecords(t *testing.T) {
	e := newEnv(t, 1, sarama.ReadUncommitted, nil)
	e.produce(e.msg(0, 0))
	e.kc.Transaction(t, false, e.msg(0, 1))
	e.waitStable(1)
	rows, _ := e.read(e.schema, e.splits(noConstraints()), noConstraints())
	if len(rows) != 2 || rows[1].ID != int64(1) {
		t.Fatalf("rows %+v, want the aborted record too", rows)
	}
}

func TestOnDecodeErrorFail(t *testing.T) {
	e := newEnv(t, 1, sarama.ReadCommitted, func(o *Options) { o.FailOnDecodeError = true })
	e.produce(e.msg(0, 0), testcluster.Record(e.topic, 0, "bad", `{"id": "twelve"}`))
	sp := e.splits(noConstraints())
	_, _, err := e.c.Read(context.Background(), &federation.ReadRecordsRequest{RequestHeader: e.header(), Schema: e.schema, Split: sp[0], Constraints: noConstraints(), MaxBlockSize: 1 << 20, MaxInlineBlockSize: 1 << 20})
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{e.topic, "partition 0", "offset 1", `"id"`, "on_decode_error"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

// TestPushdown: predicates on the metadata columns prune partitions and
// offsets before reading; the bytes read shrink and the rows stay right.
func TestPushdown(t *testing.T) {
	e := newEnv(t, 3, sarama.ReadCommitted, nil)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for p := int32(0); p < 3; p++ {
		// Batches of 100 records: a fetch returns whole batches, so the
		// saving shows at batch granularity.
		for b := 0; b < 30; b++ {
			var recs []*kgo.Record
			for i := b * 100; i < (b+1)*100; i++ {
				r := e.msg(p, int(p)*10000+i)
				r.Timestamp = t0.Add(time.Duration(i) * time.Second)
				recs = append(recs, r)
			}
			e.produce(recs...)
		}
	}
	all, full := e.read(e.schema, e.splits(noConstraints()), noConstraints())
	if len(all) != 9000 {
		t.Fatalf("full read: %d rows", len(all))
	}
	check := func(name string, cons federation.Constraints, keep func(r row) bool) {
		t.Helper()
		rows, st := e.read(e.schema, e.splits(cons), cons)
		var want []row
		for _, r := range all {
			if keep(r) {
				want = append(want, r)
			}
		}
		if fmt.Sprint(rows) != fmt.Sprint(want) {
			t.Fatalf("%s: got %d rows, want %d", name, len(rows), len(want))
		}
		// What is read is the wanted share plus at most two batches of 100
		// records per partition at the edges of the range.
		if limit := full.Bytes*len64(want)/9000 + full.Bytes*6/90; st.Bytes > limit {
			t.Fatalf("%s: read %d bytes for %d of 9000 rows (limit %d); the full read took %d", name, st.Bytes, len(want), limit, full.Bytes)
		}
		t.Logf("%s: %d rows, %d of %d bytes", name, len(rows), st.Bytes, full.Bytes)
	}
	ge := func(v any) federation.Range {
		return federation.Range{Low: federation.Marker{Value: v, Bound: federation.Exactly}, High: federation.HighUnbounded}
	}
	between := func(lo, hi any) federation.Range {
		return federation.Range{Low: federation.Marker{Value: lo, Bound: federation.Exactly}, High: federation.Marker{Value: hi, Bound: federation.Below}}
	}
	cons := func(col string, vs federation.ValueSet) federation.Constraints {
		return federation.Constraints{Limit: federation.NoLimit, Summary: []federation.ColumnSet{{Column: col, Set: vs}}}
	}
	check("_partition_id = 1", cons(topic.ColPartitionID, &federation.EquatableValueSet{Type: arrow.PrimitiveTypes.Int32, Values: []any{int32(1)}, WhiteList: true}),
		func(r row) bool { return r.Partition == 1 })
	check("_partition_offset in [100, 120)", cons(topic.ColPartitionOffset, &federation.SortedRangeSet{Type: arrow.PrimitiveTypes.Int64, Ranges: []federation.Range{between(int64(100), int64(120))}}),
		func(r row) bool { return r.Offset >= 100 && r.Offset < 120 })
	check("_timestamp >= t0+2500s", cons(topic.ColTimestamp, &federation.SortedRangeSet{Type: arrow.FixedWidthTypes.Date64, Ranges: []federation.Range{ge(arrow.Date64(t0.Add(2500 * time.Second).UnixMilli()))}}),
		func(r row) bool { return r.Offset >= 2500 })
	// A data column cannot prune offsets, but the rows are filtered.
	rows, _ := e.read(e.schema, e.splits(noConstraints()), cons("id", &federation.SortedRangeSet{Type: arrow.PrimitiveTypes.Int64, Ranges: []federation.Range{ge(int64(22990))}}))
	if len(rows) != 10 || rows[0].ID != int64(22990) {
		t.Fatalf("id >= 22990: %d rows %v", len(rows), rows)
	}
}

func len64[T any](s []T) int64 { return int64(len(s)) }

func TestLimitStopsEarly(t *testing.T) {
	e := newEnv(t, 1, sarama.ReadCommitted, nil)
	var recs []*kgo.Record
	for i := 0; i < 20000; i++ {
		recs = append(recs, e.msg(0, i))
	}
	e.produce(recs...)
	cons := federation.Constraints{Limit: 10}
	rows, st := e.read(e.schema, e.splits(cons), cons)
	if len(rows) != 10 || rows[9].ID != int64(9) {
		t.Fatalf("LIMIT 10: %d rows", len(rows))
	}
	if st.Records >= 20000 {
		t.Fatalf("LIMIT 10 read all %d records", st.Records)
	}
	// Under ORDER BY a LIMIT must not be applied by a connector without TopN.
	cons.OrderBy = []federation.OrderByField{{Column: "id", Direction: "DESC_NULLS_LAST"}}
	rows, _ = e.read(e.schema, e.splits(cons), cons)
	if len(rows) != 20000 {
		t.Fatalf("LIMIT with ORDER BY: %d rows, want all 20000", len(rows))
	}
}

// TestLargeMessagesMakeSmallChunks: a chunk ends once its messages pass
// maxChunkBytes, whatever its row count, and no row is lost or repeated
// across the chunks.
func TestLargeMessagesMakeSmallChunks(t *testing.T) {
	defer func(n int) { maxChunkBytes = n }(maxChunkBytes)
	maxChunkBytes = 16 << 10
	e := newEnv(t, 1, sarama.ReadCommitted, nil)
	var recs []*kgo.Record
	var size int
	for i := 0; i < 3000; i++ {
		r := e.msg(0, i)
		size += len(r.Value) + len(r.Key)
		recs = append(recs, r)
	}
	e.produce(recs...)
	rows, st := e.read(e.schema, e.splits(noConstraints()), noConstraints())
	if len(rows) != 3000 {
		t.Fatalf("%d rows, want 3000", len(rows))
	}
	for i, r := range rows {
		if r.ID != int64(i) {
			t.Fatalf("row %d has id %d", i, r.ID)
		}
	}
	if want := size / maxChunkBytes; st.Chunks < want {
		t.Fatalf("%d chunks for %d bytes, want at least %d", st.Chunks, size, want)
	}
}

// TestSpill: past maxBlockSize blocks are spilled as <split key>.<n>,
// encrypted with the split's key; read back they hold every row.
func TestSpill(t *testing.T) {
	e := newEnv(t, 1, sarama.ReadCommitted, func(o *Options) { o.MaxBlockSize = 64 << 10 })
	var recs []*kgo.Record
	for i := 0; i < 30000; i++ {
		recs = append(recs, e.msg(0, i))
	}
	e.produce(recs...)
	sp := e.splits(noConstraints())
	resp, st, err := e.c.Read(context.Background(), &federation.ReadRecordsRequest{RequestHeader: e.header(), Schema: e.schema, Split: sp[0], Constraints: noConstraints(), MaxBlockSize: 1 << 30, MaxInlineBlockSize: 5 << 20})
	if err != nil {
		t.Fatal(err)
	}
	remote, ok := resp.(*federation.RemoteReadRecordsResponse)
	if !ok || st.Spilled < 2 {
		t.Fatalf("want a spilled response with several blocks, got %T with %d", resp, st.Spilled)
	}
	for i, loc := range remote.RemoteBlocks {
		if want := fmt.Sprintf("%s.%d", sp[0].SpillLocation.Key, i); loc.Key != want || loc.Directory || loc.Bucket != "bucket" {
			t.Fatalf("block %d at %+v, want key %s", i, loc, want)
		}
	}
	var n int64
	var last any
	for _, rec := range e.records(resp) {
		rs := rowsOf(rec)
		n += int64(len(rs))
		last = rs[len(rs)-1].ID
		rec.Release()
	}
	if n != 30000 || last != int64(29999) {
		t.Fatalf("spilled blocks hold %d rows ending at %v", n, last)
	}
}

// TestInlineLimitCapped: an inline answer never exceeds what fits in a
// Lambda response, whatever maxInlineBlockSize Athena sends.
func TestInlineLimitCapped(t *testing.T) {
	e := newEnv(t, 1, sarama.ReadCommitted, nil)
	big := strings.Repeat("x", 2000)
	var recs []*kgo.Record
	for i := 0; i < 3000; i++ { // ~6 MB of values
		recs = append(recs, testcluster.Record(e.topic, 0, "k", fmt.Sprintf(`{"id": %d, "name": %q}`, i, big)))
	}
	e.produce(recs...)
	sp := e.splits(noConstraints())
	resp, _, err := e.c.Read(context.Background(), &federation.ReadRecordsRequest{RequestHeader: e.header(), Schema: e.schema, Split: sp[0], Constraints: noConstraints(), MaxBlockSize: 1 << 30, MaxInlineBlockSize: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Release()
	if _, ok := resp.(*federation.RemoteReadRecordsResponse); !ok {
		t.Fatalf("a ~12 MB result (values and _message) came back inline as %T", resp)
	}
}

// TestJSONFlow drives the connector through federation.Handle, as Lambda does.
func TestJSONFlow(t *testing.T) {
	e := newEnv(t, 2, sarama.ReadCommitted, nil)
	e.produce(e.msg(0, 1), e.msg(1, 2))
	ctx := context.Background()
	call := func(req federation.Request) federation.Response {
		t.Helper()
		in, err := federation.EncodeRequest(req, federation.V6)
		if err != nil {
			t.Fatal(err)
		}
		out, err := federation.Handle(ctx, e.c, in, federation.WithAllocator(e.mem))
		if err != nil {
			t.Fatalf("%T: %v", req, err)
		}
		resp, err := federation.DecodeResponse(out, federation.WithAllocator(e.mem))
		if err != nil {
			t.Fatalf("decode %s: %v", out, err)
		}
		return resp
	}
	ls := call(&federation.ListSchemasRequest{RequestHeader: e.header()}).(*federation.ListSchemasResponse)
	if fmt.Sprint(ls.Schemas) != "[default]" {
		t.Fatalf("schemas %v", ls.Schemas)
	}
	lt := call(&federation.ListTablesRequest{RequestHeader: e.header(), SchemaName: "default", PageSize: federation.UnlimitedPageSize}).(*federation.ListTablesResponse)
	if len(lt.Tables) != 1 || lt.Tables[0].TableName != "events" {
		t.Fatalf("tables %+v", lt.Tables)
	}
	caps := call(&federation.GetDataSourceCapabilitiesRequest{RequestHeader: e.header()}).(*federation.GetDataSourceCapabilitiesResponse)
	if len(caps.Capabilities) != 2 || caps.Capabilities[1].Name != federation.CapLimitPushdown {
		t.Fatalf("capabilities %+v", caps.Capabilities)
	}
	tn := federation.TableName{SchemaName: "default", TableName: "events"}
	layout := call(&federation.GetTableLayoutRequest{RequestHeader: e.header(), TableName: tn, Constraints: noConstraints(), Schema: e.schema, PartitionColumns: []string{}}).(*federation.GetTableLayoutResponse)
	if layout.Partitions.Rows() != 1 {
		t.Fatalf("layout rows %d", layout.Partitions.Rows())
	}
	gs := call(&federation.GetSplitsRequest{RequestHeader: e.header(), TableName: tn, Partitions: layout.Partitions, PartitionColumns: []string{}, Constraints: noConstraints()}).(*federation.GetSplitsResponse)
	layout.Release()
	if len(gs.Splits) != 2 {
		t.Fatalf("%d splits", len(gs.Splits))
	}
	var ids []string
	for _, sp := range gs.Splits {
		rr := call(&federation.ReadRecordsRequest{RequestHeader: e.header(), TableName: tn, Schema: e.schema, Split: sp, Constraints: noConstraints(), MaxBlockSize: 1 << 20, MaxInlineBlockSize: 1 << 20}).(*federation.ReadRecordsResponse)
		for _, r := range rowsOf(rr.Records.Records) {
			ids = append(ids, fmt.Sprint(r.ID))
		}
		rr.Release()
	}
	sort.Strings(ids)
	if fmt.Sprint(ids) != "[1 2]" {
		t.Fatalf("ids %v", ids)
	}
}

func atoi(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestMetadataColumns: key, headers (a repeated key as an array, a null
// value as null), raw message and timestamp of each record.
func TestMetadataColumns(t *testing.T) {
	e := newEnv(t, 1, sarama.ReadCommitted, nil)
	ts := time.Date(2026, 3, 4, 5, 6, 7, 890_000_000, time.UTC)
	e.produce(&kgo.Record{Topic: e.topic, Key: []byte("k\"1"), Value: []byte(`{"id": 1}`), Timestamp: ts,
		Headers: []kgo.RecordHeader{{Key: "a", Value: []byte("x")}, {Key: "b", Value: nil}, {Key: "a", Value: []byte("y\n")}}},
		&kgo.Record{Topic: e.topic, Value: []byte(`{"id": 2}`), Timestamp: ts})
	sp := e.splits(noConstraints())
	resp, _, err := e.c.Read(context.Background(), &federation.ReadRecordsRequest{RequestHeader: e.header(), Schema: e.schema, Split: sp[0], Constraints: noConstraints(), MaxBlockSize: 1 << 20, MaxInlineBlockSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Release()
	rec := resp.(*federation.ReadRecordsResponse).Records.Records
	get := func(col string, i int) any {
		return federation.ValueAt(rec.Column(rec.Schema().FieldIndices(col)[0]), i)
	}
	for _, c := range []struct {
		col  string
		row  int
		want any
	}{
		{topic.ColKey, 0, `k"1`},
		{topic.ColKey, 1, nil},
		{topic.ColHeaders, 0, `{"a":["x","y\n"],"b":null}`},
		{topic.ColHeaders, 1, `{}`},
		{topic.ColMessage, 0, `{"id": 1}`},
		{topic.ColTimestamp, 0, arrow.Date64(ts.UnixMilli())},
		{topic.ColPartitionOffset, 1, int64(1)},
		{topic.ColMessageCorrupt, 1, false},
	} {
		if got := get(c.col, c.row); got != c.want {
			t.Errorf("%s row %d = %#v, want %#v", c.col, c.row, got, c.want)
		}
	}
}

func TestInt64Bounds(t *testing.T) {
	mk := func(lo, hi int64, lb, hb federation.Bound) federation.Range {
		return federation.Range{Low: federation.Marker{Value: lo, Bound: lb}, High: federation.Marker{Value: hi, Bound: hb}}
	}
	for _, c := range []struct {
		name   string
		vs     federation.ValueSet
		lo, hi int64
	}{
		{"[5, 10]", &federation.SortedRangeSet{Ranges: []federation.Range{mk(5, 10, federation.Exactly, federation.Exactly)}}, 5, 11},
		{"(5, 10)", &federation.SortedRangeSet{Ranges: []federation.Range{mk(5, 10, federation.Above, federation.Below)}}, 6, 10},
		{"two ranges", &federation.SortedRangeSet{Ranges: []federation.Range{mk(1, 2, federation.Exactly, federation.Exactly), mk(7, 9, federation.Exactly, federation.Below)}}, 1, 9},
		{">= 3", &federation.SortedRangeSet{Ranges: []federation.Range{{Low: federation.Marker{Value: int32(3), Bound: federation.Exactly}, High: federation.HighUnbounded}}}, 3, math.MaxInt64},
		{"no ranges", &federation.SortedRangeSet{Ranges: []federation.Range{}}, 0, 0},
		{"none", &federation.AllOrNoneValueSet{}, 0, 0},
		{"all", &federation.AllOrNoneValueSet{All: true}, math.MinInt64, math.MaxInt64},
		{"IN (4, 2)", &federation.EquatableValueSet{Values: []any{int64(4), int64(2)}, WhiteList: true}, 2, 5},
		{"NOT IN", &federation.EquatableValueSet{Values: []any{int64(4)}}, math.MinInt64, math.MaxInt64},
		{"<= max", &federation.SortedRangeSet{Ranges: []federation.Range{{Low: federation.LowUnbounded, High: federation.Marker{Value: int64(math.MaxInt64), Bound: federation.Exactly}}}}, math.MinInt64, math.MaxInt64},
	} {
		lo, hi := int64Bounds(c.vs)
		if lo != c.lo || hi != c.hi {
			t.Errorf("%s: [%d, %d), want [%d, %d)", c.name, lo, hi, c.lo, c.hi)
		}
	}
}

// TestClientReusedAndRebuilt: one Kafka client serves every call of a warm
// container; a broken one is replaced on the next call.
func TestClientReusedAndRebuilt(t *testing.T) {
	dials := 0
	e := newEnv(t, 1, sarama.ReadCommitted, func(o *Options) {
		dial := o.Kafka
		o.Kafka = func(ctx context.Context) (*kafka.Client, error) {
			dials++
			return dial(ctx)
		}
	})
	e.produce(e.msg(0, 1))
	for i := 0; i < 3; i++ {
		if n := len(e.splits(noConstraints())); n != 1 {
			t.Fatalf("%d splits", n)
		}
	}
	if dials != 1 {
		t.Fatalf("%d dials for 3 calls, want 1", dials)
	}
	e.c.client.Close() // the connection breaks between invocations
	sp := e.splits(noConstraints())
	if len(sp) != 1 || dials != 2 {
		t.Fatalf("after the failure: %d splits, %d dials; want 1 split from a new client", len(sp), dials)
	}
	e.c.client.Close()
	rows, _ := e.read(e.schema, sp, noConstraints())
	if len(rows) != 1 || dials != 3 {
		t.Fatalf("ReadRecords after the failure: %d rows, %d dials; want 1 row from a new client", len(rows), dials)
	}
}
