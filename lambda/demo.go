package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/athena-kafka/athena-kafka/runtime/federation"
	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// Demo sizes: enough rows for a throughput figure, small enough to finish in
// a few seconds.
const (
	demoPartitions = 3
	demoMessages   = 20_000 // per topic, plus the malformed ones
	demoShownRows  = 8
)

// runDemo starts an embedded broker, fills one topic per schema document in
// schemas/ with sample messages (malformed ones included), and runs the
// whole Athena flow through the connector's JSON entry point.
func runDemo(ctx context.Context, w io.Writer) error {
	dir := os.Getenv("schema_source")
	if dir == "" || dir == "glue" {
		dir = "schemas"
	}
	progress := func(format string, args ...any) { fmt.Fprintf(os.Stderr, "demo: "+format+"\n", args...) }

	tables, err := demoTables(dir)
	if err != nil {
		return err
	}
	var topics []string
	for _, t := range tables {
		topics = append(topics, t.schema.TopicName)
	}
	progress("starting an embedded Kafka broker (franz-go kfake) with %d topics of %d partitions", len(topics), demoPartitions)
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(demoPartitions, topics...))
	if err != nil {
		return fmt.Errorf("start the embedded broker: %w", err)
	}
	defer cluster.Close()
	endpoint := strings.Join(cluster.ListenAddrs(), ",")

	produced, err := demoProduce(ctx, endpoint, tables, progress)
	if err != nil {
		return err
	}

	spillDir, err := os.MkdirTemp("", "athena-kafka-demo-spill")
	if err != nil {
		return err
	}
	defer os.RemoveAll(spillDir)
	cfg, err := LoadConfig(func(k string) string {
		switch k {
		case "kafka_endpoint":
			return endpoint
		case "schema_source":
			return dir
		case "spill_dir":
			return spillDir
		case "log_level":
			return "warn"
		}
		return os.Getenv(k)
	})
	if err != nil {
		return err
	}
	h, err := newConnector(ctx, cfg, newLogger(cfg.LogLevel, os.Stderr))
	if err != nil {
		return err
	}
	defer h.Close()
	a := &athena{h: h, catalog: "kafka", queryID: "demo-query", mem: memory.DefaultAllocator, fetch: folderFetch(spillDir)}

	progress("Ping -> ListSchemas -> ListTables")
	ping, err := a.ping(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Ping: sourceType=%s capabilities=%d serDeVersion=%d\n", ping.SourceType, ping.Capabilities, ping.SerDeVersion)
	schemas, err := a.listSchemas(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "ListSchemas: %s\n", strings.Join(schemas, ", "))
	for _, db := range schemas {
		names, err := a.listTables(ctx, db)
		if err != nil {
			return err
		}
		for _, tn := range names {
			n := produced[tn.TableName]
			if err := demoQuery(ctx, w, a, tn, n, progress); err != nil {
				return fmt.Errorf("table %s.%s: %w", tn.SchemaName, tn.TableName, err)
			}
		}
	}
	return nil
}

type demoTable struct {
	name   string
	schema *topic.Schema
}

func demoTables(dir string) ([]demoTable, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no schema documents (*.json) in %s: run the demo from the repository root or set schema_source", dir)
	}
	sort.Strings(files)
	var out []demoTable
	for _, f := range files {
		doc, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		s, err := topic.Parse(doc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out = append(out, demoTable{name: strings.TrimSuffix(filepath.Base(f), ".json"), schema: s})
	}
	return out, nil
}

type demoCounts struct{ good, malformed, tombstones int }

// demoProduce writes demoMessages synthetic messages per topic, then a few
// malformed ones and a tombstone, spread over the partitions by key.
func demoProduce(ctx context.Context, endpoint string, tables []demoTable, progress func(string, ...any)) (map[string]demoCounts, error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(endpoint, ",")...), kgo.ProducerLinger(5*time.Millisecond))
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	out := map[string]demoCounts{}
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, t := range tables {
		var recs []*kgo.Record
		for i := 0; i < demoMessages; i++ {
			recs = append(recs, &kgo.Record{Topic: t.schema.TopicName, Key: []byte("k" + strconv.Itoa(i)), Value: synthMessage(t.schema, rng, base, i)})
		}
		bad := malformedMessages(t.schema)
		for i, v := range bad {
			recs = append(recs, &kgo.Record{Topic: t.schema.TopicName, Key: []byte("bad" + strconv.Itoa(i)), Value: v})
		}
		recs = append(recs, &kgo.Record{Topic: t.schema.TopicName, Key: []byte("gone")}) // a tombstone
		if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
			return nil, fmt.Errorf("produce to %s: %w", t.schema.TopicName, err)
		}
		out[t.name] = demoCounts{good: demoMessages, malformed: len(bad), tombstones: 1}
		progress("produced %d messages (%d malformed, 1 tombstone) to topic %s", len(recs), len(bad), t.schema.TopicName)
	}
	return out, nil
}

// synthMessage makes a valid message for the schema: value i of every column.
func synthMessage(s *topic.Schema, rng *rand.Rand, base time.Time, i int) []byte {
	vals := make([]string, len(s.Fields))
	for j, f := range s.Fields {
		vals[j] = synthValue(&f, rng, base, i, s.Format == topic.CSV)
	}
	if s.Format == topic.CSV {
		width := 0
		for _, f := range s.Fields {
			width = max(width, f.Index+1)
		}
		cols := make([]string, width)
		for j, f := range s.Fields {
			cols[f.Index] = vals[j]
		}
		return []byte(strings.Join(cols, string(rune(s.Delimiter))))
	}
	// Deeper paths first, and the first value of a path wins: a mapping may
	// be both an object (customer/name) and a column of its own (customer),
	// and several columns may share one key.
	order := make([]int, len(s.Fields))
	for j := range order {
		order[j] = j
	}
	sort.SliceStable(order, func(a, b int) bool { return len(s.Fields[order[a]].Path) > len(s.Fields[order[b]].Path) })
	root := map[string]any{}
	for _, j := range order {
		f := s.Fields[j]
		m := root
		ok := true
		for _, k := range f.Path[:len(f.Path)-1] {
			if m[k] == nil {
				m[k] = map[string]any{}
			}
			if m, ok = m[k].(map[string]any); !ok {
				break
			}
		}
		if leaf := f.Path[len(f.Path)-1]; ok && m[leaf] == nil {
			m[leaf] = json.RawMessage(vals[j])
		}
	}
	b, _ := json.Marshal(root)
	return b
}

// synthValue renders one value as JSON text (or CSV text when csv is set).
func synthValue(f *topic.Field, rng *rand.Rand, base time.Time, i int, csv bool) string {
	quote := func(s string) string {
		if csv {
			if strings.ContainsAny(s, ",\"\n") {
				return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
			}
			return s
		}
		b, _ := json.Marshal(s)
		return string(b)
	}
	switch f.Kind {
	case topic.Boolean:
		return strconv.FormatBool(i%3 == 0)
	case topic.TinyInt:
		return strconv.Itoa(i%200 - 100)
	case topic.SmallInt:
		return strconv.Itoa(i%30000 - 15000)
	case topic.Integer:
		return strconv.Itoa(i)
	case topic.BigInt:
		return strconv.FormatInt(int64(i)*1_000_003, 10)
	case topic.Real, topic.Double:
		return strconv.FormatFloat(float64(rng.IntN(1_000_000))/100, 'f', -1, 64)
	case topic.Decimal:
		return strconv.FormatFloat(float64(rng.IntN(1_000_000))/100, 'f', int(min(f.Scale, 2)), 64)
	case topic.Date, topic.Timestamp:
		t := base.Add(time.Duration(i) * time.Minute)
		if f.Kind == topic.Date {
			t = base.AddDate(0, 0, i%365)
		}
		switch f.Time.Kind {
		case topic.TimeEpochMillis:
			return strconv.FormatInt(t.UnixMilli(), 10)
		case topic.TimeEpochSeconds:
			return strconv.FormatInt(t.Unix(), 10)
		case topic.TimeRFC2822:
			return quote(t.Format(time.RFC1123Z))
		case topic.TimeLayout:
			return quote(t.Format(f.Time.GoLayout))
		default:
			if f.Kind == topic.Date {
				return quote(t.Format("2006-01-02"))
			}
			return quote(t.Format("2006-01-02T15:04:05.000Z07:00"))
		}
	default:
		words := []string{"alpha", "beta", "gamma, with a comma", "delta \"quoted\"", "epsilon"}
		return quote(fmt.Sprintf("%s-%d", words[i%len(words)], i))
	}
}

// malformedMessages are the bad inputs the demo shows being reported:
// a message that is not a record at all, and one with an unconvertible value.
func malformedMessages(s *topic.Schema) [][]byte {
	if s.Format == topic.CSV {
		return [][]byte{[]byte(`"unterminated` + string(rune(s.Delimiter)) + `quote`), []byte(strings.Repeat("not-a-number"+string(rune(s.Delimiter)), len(s.Fields)))}
	}
	out := [][]byte{[]byte(`this is not JSON`), []byte(`[1,2,3]`)}
	for _, f := range s.Fields {
		if f.Kind != topic.Varchar {
			out = append(out, []byte(`{"`+f.Path[0]+`": "not a `+strings.ToLower(f.Kind.String())+`"}`))
			break
		}
	}
	return out
}

// demoQuery runs GetTable -> GetTableLayout -> GetSplits -> ReadRecords for
// one table and prints its first rows and a summary.
func demoQuery(ctx context.Context, w io.Writer, a *athena, tn federation.TableName, want demoCounts, progress func(string, ...any)) error {
	progress("GetTable %s.%s", tn.SchemaName, tn.TableName)
	gt, err := a.getTable(ctx, tn)
	if err != nil {
		return err
	}
	cons := federation.Constraints{Limit: federation.NoLimit}
	splits, err := a.getSplits(ctx, gt.TableName, gt.Schema, cons)
	if err != nil {
		return err
	}
	progress("GetSplits: %d splits; ReadRecords on each", len(splits))
	began := time.Now()
	var recs []arrow.RecordBatch
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	spilled := 0
	for _, sp := range splits {
		rs, remote, err := a.readSplit(ctx, gt.TableName, gt.Schema, sp, cons)
		if err != nil {
			return err
		}
		if remote {
			spilled++
		}
		recs = append(recs, rs...)
	}
	elapsed := time.Since(began)
	var rows, corrupt, bytes int64
	corruptIdx := gt.Schema.FieldIndices(topic.ColMessageCorrupt)
	msgIdx := gt.Schema.FieldIndices(topic.ColMessage)
	for _, r := range recs {
		rows += r.NumRows()
		if len(corruptIdx) > 0 {
			col := r.Column(corruptIdx[0])
			for i := 0; i < col.Len(); i++ {
				if v, _ := federation.ValueAt(col, i).(bool); v {
					corrupt++
				}
			}
		}
		if len(msgIdx) > 0 {
			bytes += dataLen(r.Column(msgIdx[0]))
		}
	}
	fmt.Fprintf(w, "\n== %s.%s (topic %s, %d columns)\n", gt.TableName.SchemaName, gt.TableName.TableName, gt.Schema.Metadata().Values()[indexOf(gt.Schema.Metadata().Keys(), "topic")], len(gt.Schema.Fields()))
	printRows(w, gt.Schema, recs, demoShownRows, true)
	if bad := corruptRows(gt.Schema, recs, 3); len(bad) > 0 {
		fmt.Fprintf(w, "malformed messages are rows too, flagged (up to 3 shown):\n")
		printRows(w, bad[0].Schema(), bad, -1, false)
		for _, r := range bad {
			r.Release()
		}
	}
	fmt.Fprintf(w, "summary: splits=%d (spilled %d) rows=%d (produced %d valid + %d malformed; %d tombstone skipped) corrupt=%d decoder=%s\n",
		len(splits), spilled, rows, want.good, want.malformed, want.tombstones, corrupt, decoderKind(gt.Schema))
	fmt.Fprintf(w, "throughput: %.0f rows/s, %.1f MB/s of message values (ReadRecords through the JSON protocol, %s)\n",
		float64(rows)/elapsed.Seconds(), float64(bytes)/1e6/elapsed.Seconds(), elapsed.Round(time.Millisecond))
	if rows != int64(want.good+want.malformed) {
		return fmt.Errorf("read %d rows, produced %d: rows were lost or duplicated", rows, want.good+want.malformed)
	}
	return nil
}

func indexOf(keys []string, k string) int {
	for i, x := range keys {
		if x == k {
			return i
		}
	}
	return 0
}

func dataLen(a arrow.Array) int64 {
	var n int64
	for _, b := range a.Data().Buffers()[2:] {
		if b != nil {
			n += int64(b.Len())
		}
	}
	return n
}

// corruptRows returns up to n rows flagged _message_corrupt, each as a
// one-row record of _partition_id, _partition_offset, the first data
// column and _message.
func corruptRows(schema *arrow.Schema, recs []arrow.RecordBatch, n int) []arrow.RecordBatch {
	flag := schema.FieldIndices(topic.ColMessageCorrupt)
	if len(flag) == 0 {
		return nil
	}
	var cols []int
	for _, name := range []string{topic.ColPartitionID, topic.ColPartitionOffset, schema.Field(0).Name, topic.ColMessage} {
		if idx := schema.FieldIndices(name); len(idx) > 0 {
			cols = append(cols, idx[0])
		}
	}
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = schema.Field(c)
	}
	out := arrow.NewSchema(fields, nil)
	var rows []arrow.RecordBatch
	for _, r := range recs {
		for i := 0; i < int(r.NumRows()) && len(rows) < n; i++ {
			if v, _ := federation.ValueAt(r.Column(flag[0]), i).(bool); !v {
				continue
			}
			arrs := make([]arrow.Array, len(cols))
			for j, c := range cols {
				arrs[j] = array.NewSlice(r.Column(c), int64(i), int64(i+1))
			}
			rows = append(rows, array.NewRecordBatch(out, arrs, 1))
			for _, a := range arrs {
				a.Release()
			}
		}
	}
	return rows
}
