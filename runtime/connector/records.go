package connector

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/athena-kafka/athena-kafka/runtime/decode"
	"github.com/athena-kafka/athena-kafka/runtime/federation"
	"github.com/athena-kafka/athena-kafka/runtime/kafka"
	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// chunkRows is how many rows are decoded before the row filter runs and the
// chunk joins the block being built. An unfiltered read without LIMIT
// decodes a whole block at a time instead (see rowsToFill).
const chunkRows = 8192

// maxChunkRows bounds the rows decoded between two flushes.
const maxChunkRows = 1 << 20

// maxChunkBytes bounds the message bytes decoded between two flushes, so
// that large messages make small chunks: no column's buffer comes near the
// 2 GiB an Arrow string column can address, and memory stays bounded.
var maxChunkBytes = 256 << 20 // a variable for tests

// errLimitReached stops a read once LIMIT rows passed the filter.
var errLimitReached = errors.New("limit reached")

// ReadStats describe one ReadRecords call; they are logged and returned by
// Read for tests and tools.
type ReadStats struct {
	Rows       int64  // rows returned after filtering and LIMIT
	Records    int64  // Kafka records read
	Tombstones int64  // records with a null value, skipped
	Corrupt    int64  // rows with a value that did not convert
	Bytes      int64  // bytes fetched from Kafka
	Spilled    int    // blocks spilled
	Chunks     int    // chunks decoded (rows decoded between two flushes)
	Decoder    string // "generated" or "fallback"
}

// ReadRecords reads the split's offsets exactly once, decodes each message,
// keeps the rows that satisfy the constraints (up to LIMIT), and answers
// inline or, past the inline limit, with spilled blocks.
func (c *Connector) ReadRecords(ctx context.Context, req *federation.ReadRecordsRequest) (federation.Response, error) {
	resp, _, err := c.Read(ctx, req)
	return resp, err
}

// Read is ReadRecords with its statistics.
func (c *Connector) Read(ctx context.Context, req *federation.ReadRecordsRequest) (federation.Response, ReadStats, error) {
	resp, st, err := c.read(ctx, req)
	if errors.Is(err, kafka.ErrClientBroken) && st.Records == 0 {
		// The warm container's connection died before anything was read:
		// the broken client is gone, dial again once.
		resp, st, err = c.read(ctx, req)
	}
	return resp, st, err
}

func (c *Connector) read(ctx context.Context, req *federation.ReadRecordsRequest) (federation.Response, ReadStats, error) {
	began := time.Now()
	var st ReadStats
	name, partition, start, end, err := splitRange(&req.Split)
	if err != nil {
		return nil, st, err
	}
	ts, err := topic.FromArrow(req.Schema)
	if err != nil {
		return nil, st, fmt.Errorf("ReadRecords: table %s.%s: %w", req.TableName.SchemaName, req.TableName.TableName, err)
	}

	dec, err := decode.New(ts, req.Schema, c.mem)
	if err != nil {
		return nil, st, fmt.Errorf("ReadRecords: table %s.%s: %w", req.TableName.SchemaName, req.TableName.TableName, err)
	}
	defer dec.Release()
	st.Decoder = dec.Kind()
	cb := newChunkBuilder(req.Schema, dec, c.mem)
	defer cb.release()
	meta := newMetaAppender(req.Schema, cb.meta)
	filter := newRowFilter(req.Schema, &req.Constraints, c.mem)
	limit := req.Constraints.Limit
	if len(req.Constraints.OrderBy) > 0 {
		limit = -1 // LIMIT without TopN must not be applied under ORDER BY
	}
	out := c.newBlockWriter(ctx, req)
	defer out.release()

	// An unfiltered read without LIMIT makes each block one chunk (see
	// rowsToFill); otherwise chunks of chunkRows rows are filtered and joined.
	whole := filter.none() && limit < 0
	next, pending, pendingBytes := chunkRows, 0, 0
	grow := newSizer(cb.meta, dec)
	// flush takes the pending rows as a chunk; left is the number of offsets
	// the split has after them, which bounds the next chunk (0: none).
	flush := func(left int64) error {
		if pending == 0 {
			return nil
		}
		rows := pending
		pending, pendingBytes = 0, 0
		st.Chunks++
		grow.measure()
		rec := cb.take(rows)
		if whole && left > 0 {
			next = out.rowsToFill(recordBytes(rec), rows)
		}
		rec, err := filter.apply(rec)
		if err != nil || rec == nil {
			return err
		}
		if limit >= 0 && st.Rows+rec.NumRows() > limit {
			cut := rec.NewSlice(0, limit-st.Rows)
			rec.Release()
			rec = cut
		}
		st.Rows += rec.NumRows()
		if err := out.add(rec); err != nil {
			return err
		}
		if limit >= 0 && st.Rows >= limit {
			return errLimitReached
		}
		if left > 0 {
			// Only now: a block the add spilled is garbage already.
			grow.reserve(int(min(int64(next), left)), rows)
		}
		return nil
	}

	cl, err := c.kafkaClient(ctx)
	if err != nil {
		return nil, st, err
	}
	if limit == 0 {
		return out.finish(&st)
	}
	kst, err := cl.Read(ctx, name, partition, start, end, func(r *kafka.Record) error {
		if r.Value == nil {
			return nil // a tombstone: counted by the reader
		}
		ok := dec.Decode(r.Value)
		if !ok {
			st.Corrupt++
			if c.opt.FailOnDecodeError {
				return fmt.Errorf("topic %s partition %d offset %d: %w (on_decode_error=fail; unset it to get NULL and _message_corrupt=true instead)", name, partition, r.Offset, dec.Err())
			}
		}
		meta.append(r, !ok)
		pending++
		pendingBytes += recordSize(r)
		if pending == next || pendingBytes >= maxChunkBytes {
			return flush(end - r.Offset - 1)
		}
		return nil
	})
	st.Records, st.Tombstones, st.Bytes = kst.Records, kst.Tombstones, kst.Bytes
	if err == nil {
		err = flush(0)
	}
	if errors.Is(err, errLimitReached) {
		err = nil
	}
	if err != nil {
		c.dropClient(cl, err)
		return nil, st, fmt.Errorf("ReadRecords: %w", err)
	}
	resp, st2, err := out.finish(&st)
	c.log.Info("split read", "query_id", req.QueryID, "topic", name, "partition", partition,
		"start_offset", start, "end_offset", end, "rows", st.Rows, "records", st.Records,
		"bytes", st.Bytes, "decode_errors", st.Corrupt, "tombstones", st.Tombstones,
		"spilled_blocks", st.Spilled, "chunks", st.Chunks, "decoder", st.Decoder, "duration_ms", time.Since(began).Milliseconds())
	return resp, st2, err
}

// recordSize is what a record can add to a chunk's buffers: its value (in
// data columns, or _message), key and headers.
func recordSize(r *kafka.Record) int {
	n := len(r.Value) + len(r.Key)
	for _, h := range r.Headers {
		n += len(h.Key) + len(h.Value) + 8
	}
	return n
}

// chunkBuilder makes the chunks of a read: the decoder fills the data
// columns, builders the metadata columns.
type chunkBuilder struct {
	schema *arrow.Schema
	dec    decode.Decoder
	meta   []array.Builder // by block position; nil for data columns
	cols   []arrow.Array
}

func newChunkBuilder(schema *arrow.Schema, dec decode.Decoder, mem memory.Allocator) *chunkBuilder {
	b := &chunkBuilder{schema: schema, dec: dec, meta: make([]array.Builder, schema.NumFields()), cols: make([]arrow.Array, schema.NumFields())}
	for i, f := range schema.Fields() {
		if topic.IsMetadataColumn(f.Name) {
			b.meta[i] = array.NewBuilder(mem, f.Type)
		}
	}
	return b
}

// take returns the rows appended since the last take as a record.
func (b *chunkBuilder) take(rows int) arrow.RecordBatch {
	b.dec.Flush(b.cols)
	for i, mb := range b.meta {
		if mb != nil {
			b.cols[i] = mb.NewArray()
		}
	}
	rec := array.NewRecordBatch(b.schema, b.cols, int64(rows))
	for i, c := range b.cols {
		c.Release()
		b.cols[i] = nil
	}
	return rec
}

func (b *chunkBuilder) release() {
	for _, mb := range b.meta {
		if mb != nil {
			mb.Release()
		}
	}
}

// sizer sizes the columns for the next chunk from the last one: columns
// start empty after each record, and growing a buffer from nothing doubles
// it (allocate, copy, clear) a dozen times per chunk.
type sizer struct {
	dec      decode.Decoder
	builders []array.Builder // the metadata columns'
	vars     []interface {
		DataLen() int
		ReserveData(n int)
	}
	data []int // data bytes of each variable-width builder in the last chunk
}

func newSizer(builders []array.Builder, dec decode.Decoder) *sizer {
	s := &sizer{dec: dec}
	for _, b := range builders {
		if b == nil {
			continue
		}
		s.builders = append(s.builders, b)
		if v, ok := b.(interface {
			DataLen() int
			ReserveData(n int)
		}); ok {
			s.vars = append(s.vars, v)
		}
	}
	s.data = make([]int, len(s.vars))
	return s
}

// measure notes the data bytes of the chunk about to be taken.
func (s *sizer) measure() {
	for i, v := range s.vars {
		s.data[i] = v.DataLen()
	}
}

// reserve makes room for next rows like the last rows, plus 1/16.
func (s *sizer) reserve(next, last int) {
	s.dec.Reserve(next)
	for _, b := range s.builders {
		b.Reserve(next)
	}
	for i, v := range s.vars {
		v.ReserveData(int(int64(s.data[i]) * int64(next) / int64(last) * 17 / 16))
	}
}
