package connector

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/athena-kafka/athena-kafka/runtime/federation"
	"github.com/athena-kafka/athena-kafka/runtime/spill"
)

// maxInlineBytes caps an inline block so that the base64 response stays
// under Lambda's 6 MB synchronous payload limit, whatever Athena asks for.
const maxInlineBytes = 4 << 20

// defaultMaxBlockSize is used when the request names none.
const defaultMaxBlockSize = 16_000_000

// blockWriter collects filtered chunks into the response block and spills
// them as S3 objects <split key>.<n> once they pass maxBlockSize.
type blockWriter struct {
	c        *Connector
	ctx      context.Context
	req      *federation.ReadRecordsRequest
	maxBlock int64
	inline   int64

	chunks  []arrow.RecordBatch
	bytes   int64
	spilled []federation.SpillLocation
}

func (c *Connector) newBlockWriter(ctx context.Context, req *federation.ReadRecordsRequest) *blockWriter {
	w := &blockWriter{c: c, ctx: ctx, req: req, maxBlock: req.MaxBlockSize, inline: req.MaxInlineBlockSize}
	if c.opt.MaxBlockSize > 0 {
		w.maxBlock = c.opt.MaxBlockSize
	}
	if w.maxBlock <= 0 {
		w.maxBlock = defaultMaxBlockSize
	}
	if w.inline < 0 || w.inline > maxInlineBytes {
		w.inline = maxInlineBytes
	}
	return w
}

func (w *blockWriter) add(rec arrow.RecordBatch) error {
	if rec.NumRows() == 0 {
		rec.Release()
		return nil
	}
	w.chunks = append(w.chunks, rec)
	w.bytes += recordBytes(rec)
	if w.bytes > w.maxBlock {
		return w.spill()
	}
	return nil
}

// rowsToFill is how many rows like the chunk about to be added (bytes in
// rows) take the next block past maxBlock, with 2% to spare, at least
// chunkRows and at most maxChunkRows. An unfiltered read decodes that many
// before it flushes, so that a block is one chunk, spilled without first
// being copied into one record.
func (w *blockWriter) rowsToFill(bytes int64, rows int) int {
	left := w.maxBlock - w.bytes - bytes
	if left < 0 {
		left = w.maxBlock // the chunk spills the block: the next starts empty
	}
	n := float64(left)*1.02/(float64(bytes)/float64(rows)) + 1
	return int(min(max(n, chunkRows), maxChunkRows))
}

// take joins the pending chunks into one record and resets the writer.
func (w *blockWriter) take() (arrow.RecordBatch, error) {
	defer func() {
		for _, r := range w.chunks {
			r.Release()
		}
		w.chunks, w.bytes = w.chunks[:0], 0
	}()
	if len(w.chunks) == 1 {
		w.chunks[0].Retain()
		return w.chunks[0], nil
	}
	return concatRecords(w.c.mem, w.req.Schema, w.chunks)
}

func (w *blockWriter) spill() error {
	loc := w.req.Split.SpillLocation
	if w.c.opt.Store == nil || loc == nil {
		return errors.New("the result is larger than the inline limit but spilling is not configured: set spill_bucket")
	}
	if !loc.Directory {
		return fmt.Errorf("the split's spill location s3://%s/%s is not a directory", loc.Bucket, loc.Key)
	}
	rec, err := w.take()
	if err != nil {
		return err
	}
	defer rec.Release()
	data, err := federation.EncodeRecordBatch(rec, true)
	if err != nil {
		return fmt.Errorf("encode spilled block: %w", err)
	}
	if k := w.req.Split.EncryptionKey; k != nil {
		if data, err = spill.SealInPlace(k.Key, k.Nonce, data); err != nil {
			return fmt.Errorf("encrypt spilled block: %w", err)
		}
	}
	key := loc.Key + "." + strconv.Itoa(len(w.spilled))
	if err := w.c.opt.Store.Put(w.ctx, loc.Bucket, key, data); err != nil {
		return fmt.Errorf("spill block to s3://%s/%s: %w", loc.Bucket, key, err)
	}
	w.spilled = append(w.spilled, federation.SpillLocation{Bucket: loc.Bucket, Key: key, Directory: false})
	return nil
}

// finish answers inline when nothing spilled and the block is below the inline
// limit; otherwise it spills the rest and answers with the remote blocks.
func (w *blockWriter) finish(st *ReadStats) (federation.Response, ReadStats, error) {
	if len(w.spilled) == 0 && w.bytes < w.inline {
		blk := federation.Block{Schema: w.req.Schema}
		if len(w.chunks) > 0 {
			rec, err := w.take()
			if err != nil {
				return nil, *st, err
			}
			blk.Records = rec
		}
		return &federation.ReadRecordsResponse{CatalogName: w.req.CatalogName, Records: blk}, *st, nil
	}
	if len(w.chunks) > 0 {
		if err := w.spill(); err != nil {
			return nil, *st, err
		}
	}
	st.Spilled = len(w.spilled)
	return &federation.RemoteReadRecordsResponse{
		CatalogName:   w.req.CatalogName,
		Schema:        w.req.Schema,
		RemoteBlocks:  w.spilled,
		EncryptionKey: w.req.Split.EncryptionKey,
	}, *st, nil
}

func (w *blockWriter) release() {
	for _, r := range w.chunks {
		r.Release()
	}
	w.chunks = nil
}

// recordBytes is the sum of the record's buffer sizes, the SDK's measure.
func recordBytes(rec arrow.RecordBatch) int64 {
	var n int64
	for _, col := range rec.Columns() {
		n += dataBytes(col.Data())
	}
	return n
}

func dataBytes(d arrow.ArrayData) int64 {
	var n int64
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Len())
		}
	}
	for _, ch := range d.Children() {
		n += dataBytes(ch)
	}
	return n
}

func concatRecords(mem memory.Allocator, schema *arrow.Schema, recs []arrow.RecordBatch) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, len(schema.Fields()))
	var rows int64
	for _, r := range recs {
		rows += r.NumRows()
	}
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	parts := make([]arrow.Array, len(recs))
	for i := range cols {
		for j, r := range recs {
			parts[j] = r.Column(i)
		}
		a, err := array.Concatenate(parts, mem)
		if err != nil {
			return nil, fmt.Errorf("join blocks: %w", err)
		}
		cols[i] = a
	}
	return array.NewRecordBatch(schema, cols, rows), nil
}
