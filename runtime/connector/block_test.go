package connector

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
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
// fits in the reserved buffers (no buffer is reallocated).
func TestSizerReserve(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	rb := array.NewRecordBuilder(mem, schema)
	defer rb.Release()
	s := newSizer(rb)
	fill := func(rows int) {
		for i := range rows {
			rb.Field(0).(*array.Int64Builder).Append(int64(i))
			rb.Field(1).(*array.StringBuilder).Append("twenty bytes exactly")
		}
	}
	fill(1000)
	s.measure()
	rb.NewRecordBatch().Release()
	s.reserve(3000, 1000)
	before := mem.CurrentAlloc()
	fill(3000)
	if after := mem.CurrentAlloc(); after != before {
		t.Fatalf("appending 3000 rows after reserve(3000) grew the buffers from %d to %d bytes", before, after)
	}
	if got := rb.Field(1).(*array.StringBuilder).DataLen(); got != 3000*20 {
		t.Fatalf("data length %d, want %d", got, 3000*20)
	}
}
