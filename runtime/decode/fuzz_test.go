package decode_test

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/athena-kafka/athena-kafka/runtime/decode"
	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// fuzzTables decodes one message through the generated decoder and the
// fallback of table tables[pick % len]: neither may panic, both must append
// one row to every column, agree on corruption (and its description) and
// give equal blocks.
func fuzzTables(f *testing.F, format topic.Format) {
	var tables []*table
	for _, tb := range loadTables(f) {
		if tb.schema.Format == format {
			tables = append(tables, tb)
		}
	}
	for i, tb := range tables {
		for _, m := range tb.msgs {
			f.Add(uint8(i), m)
		}
	}
	f.Fuzz(func(t *testing.T, pick uint8, msg []byte) {
		tb := tables[int(pick)%len(tables)]
		mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
		defer mem.AssertSize(t, 0)
		as := tb.schema.Arrow(topic.ArrowOptions{NoMetadataColumns: true})
		// Two messages: the second checks the state the first left behind.
		msgs := [][]byte{msg, []byte(`{}`)}
		gen, genOK, _, genErrs := run(t, mem, tb.schema, as, msgs, false)
		defer gen.Release()
		fb, fbOK, _, fbErrs := run(t, mem, tb.schema, as, msgs, true)
		defer fb.Release()
		if gen.NumRows() != 2 || fb.NumRows() != 2 {
			t.Fatalf("rows: generated %d, fallback %d", gen.NumRows(), fb.NumRows())
		}
		if genOK[0] != fbOK[0] || genOK[1] != fbOK[1] {
			t.Fatalf("ok: generated %v, fallback %v", genOK, fbOK)
		}
		if genErrs[0] != fbErrs[0] {
			t.Fatalf("errors: generated %q, fallback %q", genErrs[0], fbErrs[0])
		}
		if !recordsEqual(gen, fb) {
			t.Fatalf("blocks differ:\ngenerated %v\nfallback  %v", gen, fb)
		}
	})
}

// FuzzJSON: generated == fallback for the JSON tables, never panics.
func FuzzJSON(f *testing.F) { fuzzTables(f, topic.JSON) }

// FuzzCSV: generated == fallback for the CSV tables, never panics.
func FuzzCSV(f *testing.F) { fuzzTables(f, topic.CSV) }

// FuzzTimeParsers checks the fixed-layout fast paths against the general
// pattern interpreter they stand in for.
func FuzzTimeParsers(f *testing.F) {
	for _, s := range []string{"2020-02-29", "2020-02-29 12:34:56.789", "2020-02-29T12:34:56", "0000-01-01 00:00:00.000", "9999-12-31"} {
		f.Add(s)
	}
	fast := []string{"yyyy-MM-dd", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss.SSS", "yyyy-MM-dd'T'HH:mm:ss.SSS"}
	var fp, sp []*decode.TimeParser
	for _, hint := range fast {
		fp = append(fp, decode.MustTimeParser(hint))
		sp = append(sp, decode.NewTimeParser(mustLayout(f, hint)))
	}
	f.Fuzz(func(t *testing.T, s string) {
		for i := range fp {
			// The DATE readers' entry: days straight from the text.
			d, okD := fp[i].FixedDays([]byte(s))
			ms, okMs := sp[i].Millis([]byte(s))
			wantD, in := decode.Days(ms)
			if okD != (okMs && in) || (okD && d != wantD) {
				t.Fatalf("%s: days %d %v, general %d %v", fast[i], d, okD, wantD, okMs && in)
			}
			a, okA := fp[i].Millis([]byte(s))
			b, okB := sp[i].Millis([]byte(s))
			if okA != okB || a != b {
				t.Fatalf("%s: fast %d %v, general %d %v", fast[i], a, okA, b, okB)
			}
		}
	})
}

// mustLayout compiles a pattern into an interpreted layout (no fast path)
// by splitting its first literal in two.
func mustLayout(t testing.TB, hint string) *topic.TimeFormat {
	tf, probs := topic.ParseTimeFormat(hint)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	for i, e := range tf.Elems {
		if e.Op == topic.OpLit {
			elems := append([]topic.Elem{}, tf.Elems[:i]...)
			elems = append(elems, topic.Elem{Op: topic.OpLit, Lit: e.Lit[:1]}, topic.Elem{Op: topic.OpLit, Lit: e.Lit[1:]})
			elems = append(elems, tf.Elems[i+1:]...)
			tf.Elems = elems
			return tf
		}
	}
	t.Fatal("no literal")
	return nil
}
