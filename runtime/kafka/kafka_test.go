package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/athena-kafka/athena-kafka/runtime/kafka"
	"github.com/athena-kafka/athena-kafka/runtime/kafka/testcluster"
)

// got is a copy of one delivered record.
type got struct {
	Offset    int64
	Timestamp int64
	Key       string
	Value     string // "<nil>" for a tombstone
	Headers   string
}

func (g got) String() string { return fmt.Sprintf("%d:%s=%s", g.Offset, g.Key, g.Value) }

func newClient(t testing.TB, c *testcluster.Cluster, iso sarama.IsolationLevel, tune ...func(*sarama.Config)) *kafka.Client {
	t.Helper()
	cfg := c.Config(iso)
	for _, f := range tune {
		f(cfg)
	}
	kc, err := kafka.New(c.Brokers, cfg)
	if err != nil {
		t.Fatalf("kafka.New: %v", err)
	}
	t.Cleanup(func() { _ = kc.Close() })
	return kc
}

func read(t testing.TB, kc *kafka.Client, topic string, p int32, start, end int64) ([]got, kafka.Stats) {
	t.Helper()
	var out []got
	st, err := kc.Read(context.Background(), topic, p, start, end, func(r *kafka.Record) error {
		if r.Partition != p {
			t.Errorf("record partition %d, want %d", r.Partition, p)
		}
		g := got{Offset: r.Offset, Timestamp: r.Timestamp, Key: string(r.Key), Value: string(r.Value)}
		if r.Value == nil {
			g.Value = "<nil>"
		}
		for _, h := range r.Headers {
			g.Headers += string(h.Key) + "=" + string(h.Value) + ";"
		}
		out = append(out, g)
		return nil
	})
	if err != nil {
		t.Fatalf("Read(%s/%d [%d,%d)): %v", topic, p, start, end, err)
	}
	if st.Records != int64(len(out)) {
		t.Errorf("Stats.Records = %d, callback saw %d", st.Records, len(out))
	}
	return out, st
}

// expect converts produced records into what Read must deliver.
func expect(recs []*kgo.Record) []got {
	out := make([]got, 0, len(recs))
	for _, r := range recs {
		g := got{Offset: r.Offset, Timestamp: r.Timestamp.UnixMilli(), Key: string(r.Key), Value: string(r.Value)}
		if r.Value == nil {
			g.Value = "<nil>"
		}
		for _, h := range r.Headers {
			g.Headers += h.Key + "=" + string(h.Value) + ";"
		}
		out = append(out, g)
	}
	return out
}

func within(all []got, start, end int64) []got {
	var out []got
	for _, g := range all {
		if g.Offset >= start && g.Offset < end {
			out = append(out, g)
		}
	}
	return out
}

func equal(t testing.TB, what string, got, want []got) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s:\n got  %d %v\n want %d %v", what, len(got), got, len(want), want)
	}
}

// produceBatches writes n records to topic/p in batches of random size
// (1..maxBatch), some with headers, some tombstones, and returns them with
// offsets and timestamps set.
func produceBatches(t testing.TB, c *testcluster.Cluster, topic string, p int32, n, maxBatch int, rng *rand.Rand) []*kgo.Record {
	t.Helper()
	var all []*kgo.Record
	base := time.UnixMilli(1_700_000_000_000)
	for len(all) < n {
		k := min(1+rng.IntN(maxBatch), n-len(all))
		batch := make([]*kgo.Record, k)
		for i := range batch {
			j := len(all) + i
			r := testcluster.Record(topic, p, fmt.Sprintf("k%d", j%17), fmt.Sprintf(`{"n":%d,"pad":"%s"}`, j, strings.Repeat("x", j%40)))
			r.Timestamp = base.Add(time.Duration(j) * time.Second)
			if j%11 == 0 {
				r.Value = nil
			}
			if j%7 == 0 {
				r.Headers = []kgo.RecordHeader{{Key: "h", Value: []byte(fmt.Sprint(j))}}
			}
			batch[i] = r
		}
		c.Produce(t, batch...)
		all = append(all, batch...)
	}
	return all
}

func TestPartitionsOffsets(t *testing.T) {
	c := testcluster.Start(t)
	topic := c.Topic(t, 3, nil)
	c.Produce(t, testcluster.Record(topic, 0, "a", "1"), testcluster.Record(topic, 0, "b", "2"), testcluster.Record(topic, 0, "c", "3"))
	c.Produce(t, testcluster.Record(topic, 2, "", "x"))
	kc := newClient(t, c, sarama.ReadCommitted)
	ctx := context.Background()

	ps, err := kc.Partitions(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ps, []int32{0, 1, 2}) {
		t.Fatalf("Partitions = %v, want [0 1 2]", ps)
	}
	offs, err := kc.Offsets(ctx, topic, ps)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int32]kafka.Range{0: {0, 3}, 1: {0, 0}, 2: {0, 1}}
	for p, r := range want {
		if offs[p] != r {
			t.Errorf("Offsets[%d] = %+v, want %+v", p, offs[p], r)
		}
	}
	if !kc.Healthy() {
		t.Error("Healthy() = false on a working client")
	}

	_, err = kc.Partitions(ctx, topic+"-missing")
	if !errors.Is(err, kafka.ErrUnknownTopic) {
		t.Fatalf("Partitions(missing) error = %v, want ErrUnknownTopic", err)
	}
	if !strings.Contains(err.Error(), topic+"-missing") {
		t.Errorf("error %q does not name the topic", err)
	}
	if !kc.Healthy() {
		t.Error("an unknown topic must not mark the client broken")
	}
}

func TestReadRandomRanges(t *testing.T) {
	c := testcluster.Start(t)
	topic := c.Topic(t, 1, nil)
	rng := rand.New(rand.NewPCG(1, 2))
	all := expect(produceBatches(t, c, topic, 0, 400, 30, rng))
	n := int64(len(all))

	for _, tc := range []struct {
		name string
		tune func(*sarama.Config)
	}{
		{"default", func(*sarama.Config) {}},
		// Tiny fetches: many fetches per range, and batches larger than the
		// fetch size (the broker still returns the first whole batch).
		{"tiny-fetch", func(cfg *sarama.Config) { cfg.Consumer.Fetch.Default = 64 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, iso := range []sarama.IsolationLevel{sarama.ReadCommitted, sarama.ReadUncommitted} {
				kc := newClient(t, c, iso, tc.tune)
				whole, st := read(t, kc, topic, 0, 0, n)
				equal(t, "whole partition", whole, all)
				if st.Tombstones != 37 { // j%11 == 0 for j < 400
					t.Errorf("Stats.Tombstones = %d, want 37", st.Tombstones)
				}
				if st.Bytes <= 0 {
					t.Errorf("Stats.Bytes = %d, want > 0", st.Bytes)
				}
				for range 60 {
					a := rng.Int64N(n + 3)
					b := a + rng.Int64N(n+5-a)
					if rng.IntN(5) == 0 {
						b = a + rng.Int64N(3) // tiny ranges, empty ones too
					}
					g, _ := read(t, kc, topic, 0, a, b)
					equal(t, fmt.Sprintf("range [%d,%d)", a, b), g, within(all, a, b))
				}
			}
		})
	}
}

// Contiguous splits must deliver every record exactly once.
func TestReadSplitsCoverExactlyOnce(t *testing.T) {
	c := testcluster.Start(t)
	topic := c.Topic(t, 1, nil)
	rng := rand.New(rand.NewPCG(3, 4))
	all := expect(produceBatches(t, c, topic, 0, 250, 40, rng))
	kc := newClient(t, c, sarama.ReadCommitted)
	for _, size := range []int64{1, 7, 10, 64, 249, 250, 1000} {
		var joined []got
		for s := int64(0); s < 250; s += size {
			g, _ := read(t, kc, topic, 0, s, min(s+size, 250))
			joined = append(joined, g...)
		}
		equal(t, fmt.Sprintf("splits of %d", size), joined, all)
	}
}

// Stats.Bytes follows what was fetched, so a narrower range reads less.
func TestStatsBytesShrinkWithRange(t *testing.T) {
	c := testcluster.Start(t)
	topic := c.Topic(t, 1, nil)
	produceBatches(t, c, topic, 0, 300, 5, rand.New(rand.NewPCG(11, 12)))
	kc := newClient(t, c, sarama.ReadCommitted, func(cfg *sarama.Config) { cfg.Consumer.Fetch.Default = 256 })
	_, whole := read(t, kc, topic, 0, 0, 300)
	_, part := read(t, kc, topic, 0, 100, 130)
	if part.Records != 30 || part.Bytes <= 0 || part.Bytes*4 > whole.Bytes {
		t.Errorf("range of 30 records: %+v; whole partition: %+v; want a quarter of the bytes or less", part, whole)
	}
}

func TestReadManyPartitionsConcurrently(t *testing.T) {
	c := testcluster.Start(t)
	const parts = 8
	topic := c.Topic(t, parts, nil)
	rng := rand.New(rand.NewPCG(5, 6))
	want := make([][]got, parts)
	for p := range int32(parts) {
		if p%3 == 1 {
			continue // empty partitions 1, 4, 7
		}
		want[p] = expect(produceBatches(t, c, topic, p, 20+int(p)*15, 10, rng))
	}
	kc := newClient(t, c, sarama.ReadCommitted)
	offs, err := kc.Offsets(context.Background(), topic, []int32{0, 1, 2, 3, 4, 5, 6, 7})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make([][]got, parts)
	for p := range int32(parts) {
		if want := int64(len(want[p])); offs[p] != (kafka.Range{Start: 0, End: want}) {
			t.Errorf("Offsets[%d] = %+v, want [0, %d)", p, offs[p], want)
		}
		wg.Go(func() {
			r := offs[p]
			results[p], _ = read(t, kc, topic, p, r.Start, r.End)
		})
	}
	wg.Wait()
	for p := range parts {
		equal(t, fmt.Sprintf("partition %d", p), results[p], want[p])
	}
}

func TestReadEmptyAndPastEnd(t *testing.T) {
	c := testcluster.Start(t)
	topic := c.Topic(t, 2, nil)
	recs := []*kgo.Record{testcluster.Record(topic, 1, "a", "1"), testcluster.Record(topic, 1, "b", "2")}
	c.Produce(t, recs...)
	kc := newClient(t, c, sarama.ReadCommitted)

	g, st := read(t, kc, topic, 0, 0, 0)
	if len(g) != 0 || st.Fetches != 0 {
		t.Errorf("empty range: %d records, %d fetches; want 0, 0", len(g), st.Fetches)
	}
	// An empty partition, asked for offsets that do not exist yet: the
	// broker says there is nothing below end, so one fetch and no wait.
	start := time.Now()
	g, st = read(t, kc, topic, 0, 0, 100)
	if len(g) != 0 || st.Fetches != 1 {
		t.Errorf("empty partition: %d records, %d fetches; want 0, 1", len(g), st.Fetches)
	}
	// A range past the high watermark returns what exists, after one fetch.
	g, st = read(t, kc, topic, 1, 0, 1000)
	equal(t, "past the end", g, expect(recs))
	if st.Fetches != 1 {
		t.Errorf("past the end: %d fetches, want 1", st.Fetches)
	}
	// Java waits 3 one-second empty polls at the end of every split.
	if d := time.Since(start); d > 900*time.Millisecond {
		t.Errorf("reads at the end took %v: something waited", d)
	}

	if _, err := kc.Read(context.Background(), topic, 0, 5, 2, nil); err == nil || !strings.Contains(err.Error(), "[5, 2)") {
		t.Errorf("inverted range: error %v, want one naming [5, 2)", err)
	}
}

func TestTransactions(t *testing.T) {
	c := testcluster.Start(t)
	topic := c.Topic(t, 1, nil)
	mk := func(prefix string, n int) []*kgo.Record {
		out := make([]*kgo.Record, n)
		for i := range out {
			out[i] = testcluster.Record(topic, 0, prefix, fmt.Sprintf("%s%d", prefix, i))
		}
		return out
	}
	plain1, committed, aborted, plain2, committed2 := mk("a", 3), mk("c", 4), mk("x", 5), mk("b", 2), mk("d", 3)
	c.Produce(t, plain1...)
	c.Transaction(t, true, committed...)
	c.Transaction(t, false, aborted...)
	c.Produce(t, plain2...)
	c.Transaction(t, true, committed2...)

	var uncommitted, wantCommitted []got
	for _, rs := range [][]*kgo.Record{plain1, committed, aborted, plain2, committed2} {
		uncommitted = append(uncommitted, expect(rs)...)
	}
	for _, rs := range [][]*kgo.Record{plain1, committed, plain2, committed2} {
		wantCommitted = append(wantCommitted, expect(rs)...)
	}
	// 17 records and 3 markers. A real broker writes the markers after
	// EndTransaction returns, so they may land after later records: wait
	// until every transaction is decided, then take the end from the log.
	rc := newClient(t, c, sarama.ReadCommitted)
	ru := newClient(t, c, sarama.ReadUncommitted)
	var end int64
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		lso, err1 := rc.Offsets(context.Background(), topic, []int32{0})
		hwm, err2 := ru.Offsets(context.Background(), topic, []int32{0})
		if err1 == nil && err2 == nil && lso[0] == hwm[0] && hwm[0].End == 20 {
			end = hwm[0].End
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("transactions not decided after 10s: committed %v %v, uncommitted %v %v; want both [0, 20)", lso, err1, hwm, err2)
		}
	}
	if last := committed2[2].Offset; last >= end {
		t.Fatalf("last record at offset %d, past the end %d", last, end)
	}
	g, _ := read(t, rc, topic, 0, 0, end)
	equal(t, "read_committed", g, wantCommitted)
	g, _ = read(t, ru, topic, 0, 0, end)
	equal(t, "read_uncommitted", g, uncommitted)

	rng := rand.New(rand.NewPCG(7, 8))
	for range 80 {
		a := rng.Int64N(end + 2)
		b := a + rng.Int64N(end+3-a)
		g, _ := read(t, rc, topic, 0, a, b)
		equal(t, fmt.Sprintf("read_committed [%d,%d)", a, b), g, within(wantCommitted, a, b))
		g, _ = read(t, ru, topic, 0, a, b)
		equal(t, fmt.Sprintf("read_uncommitted [%d,%d)", a, b), g, within(uncommitted, a, b))
	}
}

// An open transaction holds the last stable offset back: read_committed
// plans up to it and a read past it returns at once instead of waiting.
func TestOpenTransactionNoWait(t *testing.T) {
	c := testcluster.Start(t)
	topic := c.Topic(t, 1, nil)
	before := []*kgo.Record{testcluster.Record(topic, 0, "a", "0"), testcluster.Record(topic, 0, "a", "1")}
	c.Produce(t, before...)

	txn, err := kgo.NewClient(kgo.SeedBrokers(c.Brokers...), kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.TransactionalID("open-"+topic), kgo.ProducerLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	defer txn.Close()
	ctx := context.Background()
	if err := txn.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	open := []*kgo.Record{testcluster.Record(topic, 0, "o", "open0"), testcluster.Record(topic, 0, "o", "open1")}
	if err := txn.ProduceSync(ctx, open...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = txn.EndTransaction(ctx, kgo.TryAbort) }()
	after := testcluster.Record(topic, 0, "b", "after")
	c.Produce(t, after)

	rc := newClient(t, c, sarama.ReadCommitted)
	ru := newClient(t, c, sarama.ReadUncommitted)
	offs, _ := rc.Offsets(ctx, topic, []int32{0})
	if offs[0].End != 2 {
		t.Errorf("read_committed End = %d, want the last stable offset 2", offs[0].End)
	}
	offs, _ = ru.Offsets(ctx, topic, []int32{0})
	if offs[0].End != 5 {
		t.Errorf("read_uncommitted End = %d, want the high watermark 5", offs[0].End)
	}

	start := time.Now()
	g, st := read(t, rc, topic, 0, 0, 5)
	equal(t, "read_committed past the LSO", g, expect(before))
	if st.Fetches != 1 {
		t.Errorf("read_committed past the LSO: %d fetches, want 1", st.Fetches)
	}
	g, _ = read(t, ru, topic, 0, 0, 5)
	equal(t, "read_uncommitted", g, expect(slices.Concat(before, open, []*kgo.Record{after})))
	if d := time.Since(start); d > 900*time.Millisecond {
		t.Errorf("reads took %v: something waited on the open transaction", d)
	}
}

func TestCompactionGaps(t *testing.T) {
	c := testcluster.Start(t)
	if c.External {
		t.Skip("compaction on demand needs kfake")
	}
	topic := c.Topic(t, 1, map[string]string{"cleanup.policy": "compact"})
	// One record per batch so compaction can drop any of them. Every third
	// key is unique (it survives, offset 0 included: kfake moves the log
	// start offset to the first survivor, Kafka does not); the others
	// overwrite five keys, so only the last of each survives.
	// The last batch is never cleaned (as Kafka's active segment).
	latest := map[string]int{}
	var recs []*kgo.Record
	for i := range 60 {
		k := fmt.Sprintf("dup%d", i%5)
		if i%3 == 0 {
			k = fmt.Sprintf("k%d", i)
		}
		r := testcluster.Record(topic, 0, k, fmt.Sprint(i))
		c.Produce(t, r)
		recs = append(recs, r)
		if i < 59 {
			latest[k] = i
		}
	}
	var survivors []*kgo.Record
	for i, r := range recs {
		if latest[string(r.Key)] == i || i == 59 {
			survivors = append(survivors, r)
		}
	}
	c.Compact(t)
	want := expect(survivors)
	if len(want) >= 40 || want[0].Offset != 0 {
		t.Fatalf("test layout: %d survivors starting at %d", len(want), want[0].Offset)
	}

	kc := newClient(t, c, sarama.ReadCommitted, func(cfg *sarama.Config) { cfg.Consumer.Fetch.Default = 100 })
	g, _ := read(t, kc, topic, 0, 0, 60)
	equal(t, "compacted partition", g, want)
	rng := rand.New(rand.NewPCG(9, 10))
	for range 60 {
		a := rng.Int64N(62)
		b := a + rng.Int64N(63-a)
		g, _ := read(t, kc, topic, 0, a, b)
		equal(t, fmt.Sprintf("compacted [%d,%d)", a, b), g, within(want, a, b))
	}
}

func TestDeletedRange(t *testing.T) {
	c := testcluster.Start(t)
	topic := c.Topic(t, 1, nil)
	var recs []*kgo.Record
	for i := range 10 {
		r := testcluster.Record(topic, 0, "", fmt.Sprint(i))
		c.Produce(t, r)
		recs = append(recs, r)
	}
	c.DeleteRecords(t, topic, 0, 6)
	kc := newClient(t, c, sarama.ReadCommitted)
	offs, err := kc.Offsets(context.Background(), topic, []int32{0})
	if err != nil {
		t.Fatal(err)
	}
	if offs[0] != (kafka.Range{Start: 6, End: 10}) {
		t.Errorf("Offsets = %+v, want [6, 10)", offs[0])
	}
	g, _ := read(t, kc, topic, 0, 6, 10)
	equal(t, "surviving range", g, expect(recs[6:]))

	for _, r := range [][2]int64{{0, 10}, {2, 4}} {
		start := time.Now()
		_, err := kc.Read(context.Background(), topic, 0, r[0], r[1], func(*kafka.Record) error { return nil })
		if !errors.Is(err, kafka.ErrOffsetOutOfRange) {
			t.Fatalf("Read [%d,%d) of deleted data: error %v, want ErrOffsetOutOfRange", r[0], r[1], err)
		}
		msg := err.Error()
		for _, want := range []string{topic, "partition 0", fmt.Sprintf("[%d, %d)", r[0], r[1]), "log start offset 6", "run the query again"} {
			if !strings.Contains(msg, want) {
				t.Errorf("error %q does not contain %q", msg, want)
			}
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("out-of-range read took %v", d)
		}
	}
}

func TestCallbackErrorStops(t *testing.T) {
	c := testcluster.Start(t)
	topic := c.Topic(t, 1, nil)
	produceBatches(t, c, topic, 0, 50, 5, rand.New(rand.NewPCG(1, 1)))
	kc := newClient(t, c, sarama.ReadCommitted)
	stop := errors.New("limit reached")
	n := 0
	st, err := kc.Read(context.Background(), topic, 0, 0, 50, func(*kafka.Record) error {
		if n++; n == 10 {
			return stop
		}
		return nil
	})
	if err != stop {
		t.Fatalf("error %v, want the callback's error unchanged", err)
	}
	if n != 10 || st.Records != 10 {
		t.Errorf("callback ran %d times, Stats.Records %d; want 10, 10", n, st.Records)
	}
}

func TestContextDeadline(t *testing.T) {
	c := testcluster.Start(t)
	if c.Fake == nil {
		t.Skip("stalling the broker needs kfake")
	}
	topic := c.Topic(t, 1, nil)
	c.Produce(t, testcluster.Record(topic, 0, "a", "1"))
	kc := newClient(t, c, sarama.ReadCommitted)

	release := make(chan struct{})
	var once sync.Once
	c.Fake.ControlKey(1, func(kmsgReq kmsgRequest) (kmsgResponse, error, bool) {
		c.Fake.KeepControl()
		c.Fake.SleepControl(func() { <-release })
		return nil, nil, false
	})
	defer once.Do(func() { close(release) })

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := kc.Read(ctx, topic, 0, 0, 1, func(*kafka.Record) error { return nil })
	d := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want context.DeadlineExceeded", err)
	}
	if !strings.Contains(err.Error(), topic) || !strings.Contains(err.Error(), "raise the Lambda timeout") {
		t.Errorf("error %q does not say where and what to do", err)
	}
	if d > 3*time.Second {
		t.Errorf("Read returned %v after a 300ms deadline", d)
	}
	once.Do(func() { close(release) })
}

func TestFetchNeverWaits(t *testing.T) {
	c := testcluster.Start(t)
	if c.Fake == nil {
		t.Skip("inspecting fetch requests needs kfake")
	}
	topic := c.Topic(t, 1, nil)
	produceBatches(t, c, topic, 0, 30, 5, rand.New(rand.NewPCG(2, 2)))
	kc := newClient(t, c, sarama.ReadCommitted)
	var mu sync.Mutex
	var waits []int32
	c.Fake.ControlKey(1, func(req kmsgRequest) (kmsgResponse, error, bool) {
		c.Fake.KeepControl()
		mu.Lock()
		waits = append(waits, fetchMaxWait(req))
		mu.Unlock()
		return nil, nil, false
	})
	_, st := read(t, kc, topic, 0, 0, 1000)
	mu.Lock()
	defer mu.Unlock()
	if int64(len(waits)) != st.Fetches || st.Fetches == 0 {
		t.Fatalf("broker saw %d fetches, Stats.Fetches = %d", len(waits), st.Fetches)
	}
	for i, w := range waits {
		if w != 0 {
			t.Errorf("fetch %d asked the broker to wait %d ms", i, w)
		}
	}
}

func TestOffsetsForTime(t *testing.T) {
	c := testcluster.Start(t)
	topic := c.Topic(t, 2, nil)
	base := time.UnixMilli(1_700_000_000_000)
	for i := range 10 {
		r := testcluster.Record(topic, 0, "", fmt.Sprint(i))
		r.Timestamp = base.Add(time.Duration(i) * time.Minute)
		c.Produce(t, r)
	}
	kc := newClient(t, c, sarama.ReadCommitted)
	ctx := context.Background()
	for _, tc := range []struct {
		at   time.Time
		want map[int32]int64
	}{
		{base.Add(-time.Hour), map[int32]int64{0: 0, 1: 0}},
		{base, map[int32]int64{0: 0, 1: 0}},
		{base.Add(3*time.Minute + time.Second), map[int32]int64{0: 4, 1: 0}},
		{base.Add(9 * time.Minute), map[int32]int64{0: 9, 1: 0}},
		{base.Add(time.Hour), map[int32]int64{0: 10, 1: 0}},
	} {
		got, err := kc.OffsetsForTime(ctx, topic, []int32{0, 1}, tc.at.UnixMilli())
		if err != nil {
			t.Fatal(err)
		}
		for p, w := range tc.want {
			if got[p] != w {
				t.Errorf("OffsetsForTime(%v)[%d] = %d, want %d", tc.at.Sub(base), p, got[p], w)
			}
		}
	}
}

func TestLogAppendTime(t *testing.T) {
	c := testcluster.Start(t)
	create := c.Topic(t, 1, nil)
	appendT := c.Topic(t, 1, map[string]string{"message.timestamp.type": "LogAppendTime"})
	kc := newClient(t, c, sarama.ReadCommitted)
	ctx := context.Background()
	if v, err := kc.LogAppendTime(ctx, create); err != nil || v {
		t.Errorf("LogAppendTime(CreateTime topic) = %v, %v; want false, nil", v, err)
	}
	if v, err := kc.LogAppendTime(ctx, appendT); err != nil || !v {
		t.Errorf("LogAppendTime(LogAppendTime topic) = %v, %v; want true, nil", v, err)
	}
	if _, err := kc.LogAppendTime(ctx, create+"-missing"); !errors.Is(err, kafka.ErrUnknownTopic) {
		t.Errorf("LogAppendTime(missing) error = %v, want ErrUnknownTopic", err)
	}

	// Records of a LogAppendTime topic carry the broker's time.
	r := testcluster.Record(appendT, 0, "", "v")
	r.Timestamp = time.UnixMilli(1000)
	before := time.Now().Add(-time.Second).UnixMilli()
	c.Produce(t, r)
	g, _ := read(t, kc, appendT, 0, 0, 1)
	if len(g) != 1 {
		t.Fatalf("read %v, want one record", g)
	}
	switch {
	case c.External && g[0].Timestamp < before:
		t.Errorf("LogAppendTime record timestamp %d, want the broker's append time (>= %d)", g[0].Timestamp, before)
	case !c.External && g[0].Timestamp != 1000:
		// kfake ignores message.timestamp.type and keeps the create time.
		t.Errorf("record timestamp %d, want the create time 1000 kfake keeps", g[0].Timestamp)
	}
}

func TestClosedClientIsBroken(t *testing.T) {
	c := testcluster.Start(t)
	topic := c.Topic(t, 1, nil)
	kc := newClient(t, c, sarama.ReadCommitted)
	if err := kc.Close(); err != nil {
		t.Fatal(err)
	}
	if kc.Healthy() {
		t.Error("Healthy() = true after Close")
	}
	_, err := kc.Partitions(context.Background(), topic)
	if !errors.Is(err, kafka.ErrClientBroken) {
		t.Errorf("Partitions after Close: %v, want ErrClientBroken", err)
	}
	_, err = kc.Read(context.Background(), topic, 0, 0, 1, func(*kafka.Record) error { return nil })
	if !errors.Is(err, kafka.ErrClientBroken) {
		t.Errorf("Read after Close: %v, want ErrClientBroken", err)
	}
}

func TestNewValidates(t *testing.T) {
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V0_10_2_0
	if _, err := kafka.New([]string{"127.0.0.1:1"}, cfg); err == nil || !strings.Contains(err.Error(), "0.11") {
		t.Errorf("old protocol version: %v, want an error naming 0.11", err)
	}
	if _, err := kafka.New(nil, sarama.NewConfig()); err == nil || !strings.Contains(err.Error(), "kafka_endpoint") {
		t.Errorf("no brokers: %v, want an error naming kafka_endpoint", err)
	}
}
