package connector

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/athena-kafka/athena-kafka/runtime/decode"
	"github.com/athena-kafka/athena-kafka/runtime/kafka"
	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// TestRowsToFill: the chunk an unfiltered read decodes next takes the block
// just past maxBlock (so that it spills as one record, not a join), within
// the bounds, and a chunk that spills the block sizes a whole new block.
func TestRowsToFill(t *testing.T) {
	const perRow = 330
	cases := []struct {
		name           string
		maxBlock, have int64 // block limit, bytes already in the block
		chunk          int   // rows of the chunk being added
		want           int   // exact when the bounds apply, else 0
	}{
		{name: "first chunk of a block", maxBlock: 16_000_000, have: 0, chunk: chunkRows},
		{name: "chunk spills the block", maxBlock: 16_000_000, have: 15_000_000, chunk: chunkRows},
		{name: "one-chunk block spills", maxBlock: 16_000_000, have: 0, chunk: 49_000},
		{name: "one-chunk block falls short", maxBlock: 16_000_000, have: 0, chunk: 48_000, want: chunkRows},
		{name: "small blocks keep chunkRows", maxBlock: 64 << 10, have: 0, chunk: chunkRows, want: chunkRows},
		{name: "huge blocks stop at maxChunkRows", maxBlock: 1 << 40, have: 0, chunk: chunkRows, want: maxChunkRows},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := &blockWriter{maxBlock: c.maxBlock, bytes: c.have}
			bytes := int64(c.chunk * perRow)
			n := w.rowsToFill(bytes, c.chunk)
			if c.want != 0 {
				if n != c.want {
					t.Fatalf("rowsToFill = %d, want %d", n, c.want)
				}
				return
			}
			after := c.have + bytes // what the block holds once the chunk is added
			if after > c.maxBlock {
				after = 0 // spilled
			}
			got := after + int64(n*perRow)
			if got <= c.maxBlock || got > c.maxBlock*103/100 {
				t.Fatalf("rowsToFill = %d rows: the block would hold %d bytes, want just over %d", n, got, c.maxBlock)
			}
		})
	}
}

// TestSizerReserve: after reserve, appending rows like the last chunk's
// fits in the reserved buffers, the decoder's columns and the metadata
// builders alike (no buffer is reallocated), and the chunk reads back.
func TestSizerReserve(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ts, err := topic.Parse([]byte(`{"topicName":"t","message":{"dataFormat":"json","fields":[
		{"name":"n","mapping":"n","type":"BIGINT"},{"name":"s","mapping":"s","type":"VARCHAR"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	schema := ts.Arrow(topic.ArrowOptions{})
	dec, err := decode.New(ts, schema, mem)
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Release()
	cb := newChunkBuilder(schema, dec, mem)
	defer cb.release()
	meta := newMetaAppender(schema, cb.meta)
	s := newSizer(cb.meta, dec)
	fill := func(rows int) {
		for i := range rows {
			v := fmt.Appendf(nil, `{"n":%d,"s":"twenty bytes exactly"}`, i)
			if !dec.Decode(v) {
				t.Fatal(dec.Err())
			}
			meta.append(&kafka.Record{Key: []byte("ten bytes!"), Value: v, Offset: int64(i)}, false)
		}
	}
	fill(1000)
	s.measure()
	cb.take(1000).Release()
	s.reserve(3000, 1000)
	before := mem.CurrentAlloc()
	fill(3000)
	if after := mem.CurrentAlloc(); after != before {
		t.Fatalf("appending 3000 rows after reserve(3000) grew the buffers from %d to %d bytes", before, after)
	}
	rec := cb.take(3000)
	defer rec.Release()
	if rec.NumRows() != 3000 {
		t.Fatalf("%d rows, want 3000", rec.NumRows())
	}
	col := func(name string) arrow.Array { return rec.Column(rec.Schema().FieldIndices(name)[0]) }
	if got := col("n").(*array.Int64).Value(2999); got != 2999 {
		t.Errorf("n[2999] = %d", got)
	}
	if got := col("s").(*array.String).Value(2999); got != "twenty bytes exactly" {
		t.Errorf("s[2999] = %q", got)
	}
	if got := col(topic.ColKey).(*array.String).Value(2999); got != "ten bytes!" {
		t.Errorf("_key[2999] = %q", got)
	}
	if got := col(topic.ColPartitionOffset).(*array.Int64).Value(2999); got != 2999 {
		t.Errorf("_partition_offset[2999] = %d", got)
	}
}
