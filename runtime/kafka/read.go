package kafka

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/IBM/sarama"
)

// Record is one Kafka record handed to Read's callback.
//
// The Record, its Key, Value and Headers (and their slices) belong to Read
// and may be reused once the callback returns: copy what must outlive it.
type Record struct {
	Partition int32
	Offset    int64
	Timestamp int64  // epoch milliseconds (create or log-append time, as the topic says)
	Key       []byte // nil when the record has no key
	Value     []byte // nil for a tombstone
	Headers   []Header
}

// Header is one record header.
type Header struct {
	Key, Value []byte
}

// Stats counts what one Read did.
type Stats struct {
	Records    int64 // records passed to the callback, tombstones included
	Tombstones int64 // of those, records with a nil value
	Bytes      int64 // key, value and header bytes of every record fetched, in range or not
	Fetches    int64 // fetch requests sent
}

// maxStalls bounds fetches that return nothing although the broker says
// data exists below the end: a broker bug or a batch larger than the
// maximum fetch size would otherwise loop forever.
const maxStalls = 8

// Read calls fn for every record with offset in [start, end) of one
// partition, in offset order, exactly once. Offsets that do not exist
// (compaction, transaction markers, records of aborted transactions under
// read_committed) are skipped. It returns as soon as the next offset to read
// is at or past end, or the broker reports no data below end (high
// watermark, or last stable offset under read_committed); it never waits
// for new data. Records of aborted transactions are delivered only with
// read_uncommitted.
//
// If the range was deleted (retention, DeleteRecords) the error wraps
// ErrOffsetOutOfRange. If fn returns an error, Read stops and returns that
// error unchanged. ctx bounds the whole read.
func (c *Client) Read(ctx context.Context, topic string, partition int32, start, end int64, fn func(*Record) error) (Stats, error) {
	r := reader{c: c, topic: topic, partition: partition, start: start, end: end, next: start, fn: fn}
	r.rec.Partition = partition
	if start < 0 || end < start {
		return r.st, r.errorf(nil, "invalid offset range: plan the split from the partition's offsets")
	}
	return r.st, r.run(ctx)
}

// reader is the state of one Read.
type reader struct {
	c         *Client
	topic     string
	partition int32
	start     int64
	end       int64
	next      int64 // first offset not yet consumed
	fn        func(*Record) error
	st        Stats
	rec       Record
	aborted   map[int64]struct{} // producer ids inside an aborted transaction
}

func (r *reader) run(ctx context.Context) error {
	size := r.c.fetchSize
	stalls, failures := 0, 0
	var lastErr error
	for r.next < r.end {
		if err := ctx.Err(); err != nil {
			return r.errorf(context.Cause(ctx), "stopped at offset %d: the request ran out of time; retry, or raise the Lambda timeout", r.next)
		}
		if failures > 0 {
			if failures >= 4 {
				return r.fail(lastErr)
			}
			if err := r.pause(ctx, failures); err != nil {
				return r.errorf(err, "stopped at offset %d after %v", r.next, lastErr)
			}
		}
		blk, err := r.fetch(ctx, size)
		if err != nil {
			if ctx.Err() != nil || !retriable(err) {
				return r.fail(err)
			}
			failures++
			lastErr = err
			continue
		}
		switch blk.Err {
		case sarama.ErrNoError:
		case sarama.ErrOffsetOutOfRange:
			return r.outOfRange(ctx)
		default:
			if !retriable(blk.Err) {
				return r.fail(blk.Err)
			}
			failures++
			lastErr = blk.Err
			continue
		}
		failures = 0

		before := r.next
		partial, err := r.consume(blk)
		if err != nil {
			return err
		}
		if r.next >= r.end {
			return nil
		}
		limit := blk.HighWaterMarkOffset
		if r.c.isolation == sarama.ReadCommitted && blk.LastStableOffset >= 0 && blk.LastStableOffset < limit {
			limit = blk.LastStableOffset
		}
		if r.next >= limit {
			return nil // nothing (stable) exists below end: never wait for it
		}
		if r.next > before {
			stalls = 0
			size = r.c.fetchSize
			continue
		}
		// No progress although data exists below the limit: the first
		// batch did not fit in size bytes.
		stalls++
		if partial || blk.Partial {
			if size >= r.c.maxSize {
				return r.errorf(sarama.ErrMessageTooLarge, "the record batch at offset %d is larger than %d bytes: raise Consumer.Fetch.Max", r.next, r.c.maxSize)
			}
			size = min(size*2, r.c.maxSize)
			if size < 0 {
				size = r.c.maxSize
			}
		}
		if stalls >= maxStalls {
			return r.errorf(nil, "no progress at offset %d after %d fetches (high watermark %d, last stable offset %d): the broker returns no records; check the broker", r.next, stalls, blk.HighWaterMarkOffset, blk.LastStableOffset)
		}
	}
	return nil
}

// fetch sends one fetch request for the next offset to the partition's
// leader. MaxWaitTime 0 makes the broker answer at once with what it has.
func (r *reader) fetch(ctx context.Context, size int32) (*sarama.FetchResponseBlock, error) {
	cl := r.c.client
	b, err := call(ctx, func() (*sarama.Broker, error) { return cl.Leader(r.topic, r.partition) })
	if err != nil {
		return nil, err
	}
	req := &sarama.FetchRequest{
		Version:      r.c.fetchVer,
		MaxWaitTime:  0,
		MinBytes:     1,
		MaxBytes:     size,
		Isolation:    r.c.isolation,
		SessionID:    0,
		SessionEpoch: -1, // no fetch session
	}
	req.AddBlock(r.topic, r.partition, r.next, size, -1)
	r.st.Fetches++
	resp, err := call(ctx, func() (*sarama.FetchResponse, error) { return b.Fetch(req) })
	if err != nil {
		if ctx.Err() == nil {
			_ = b.Close() // a fresh connection next time
			_, _ = call(ctx, func() (struct{}, error) { return struct{}{}, cl.RefreshMetadata(r.topic) })
		}
		return nil, err
	}
	blk := resp.GetBlock(r.topic, r.partition)
	if blk == nil {
		return nil, sarama.ErrIncompleteResponse
	}
	if retriable(blk.Err) && blk.Err != sarama.ErrNoError {
		_, _ = call(ctx, func() (struct{}, error) { return struct{}{}, cl.RefreshMetadata(r.topic) })
	}
	return blk, nil
}

// consume hands the block's records in [next, end) to fn and advances next
// past every batch it fully saw. partial reports a truncated trailing batch
// that stopped it.
func (r *reader) consume(blk *sarama.FetchResponseBlock) (partial bool, err error) {
	readCommitted := r.c.isolation == sarama.ReadCommitted
	// Each response lists every aborted transaction overlapping the
	// batches it returns, so the set starts afresh per response.
	var txns []*sarama.AbortedTransaction
	clear(r.aborted)
	if readCommitted && len(blk.AbortedTransactions) > 0 {
		txns = sortedAborted(blk.AbortedTransactions)
		if r.aborted == nil {
			r.aborted = make(map[int64]struct{}, len(txns))
		}
	}
	for _, set := range blk.RecordsSet {
		switch {
		case set.RecordBatch != nil:
			b := set.RecordBatch
			if b.PartialTrailingRecord {
				return true, nil
			}
			last := b.LastOffset()
			for len(txns) > 0 && txns[0].FirstOffset <= last {
				r.aborted[txns[0].ProducerID] = struct{}{}
				txns = txns[1:]
			}
			if last < r.next {
				continue // wholly before the offset asked for
			}
			if err := r.batch(b, readCommitted); err != nil {
				return false, err
			}
			if r.next <= last {
				r.next = last + 1
			}
			if r.next >= r.end {
				return false, nil
			}
		case set.MsgSet != nil:
			if set.MsgSet.PartialTrailingMessage && len(set.MsgSet.Messages) == 0 {
				return true, nil
			}
			if err := r.legacy(set.MsgSet); err != nil {
				return false, err
			}
			if r.next >= r.end {
				return false, nil
			}
			if set.MsgSet.PartialTrailingMessage {
				return true, nil
			}
		}
	}
	return false, nil
}

// batch delivers one record batch.
func (r *reader) batch(b *sarama.RecordBatch, readCommitted bool) error {
	if b.Control {
		for _, rec := range b.Records {
			r.st.Bytes += int64(len(rec.Key) + len(rec.Value))
		}
		// A control batch holds one marker; an abort ends the producer's
		// aborted transaction.
		if readCommitted && len(b.Records) > 0 && controlType(b.Records[0].Key) == 0 {
			delete(r.aborted, b.ProducerID)
		}
		return nil
	}
	skip := false
	if readCommitted && b.IsTransactional {
		_, skip = r.aborted[b.ProducerID]
	}
	base := b.FirstTimestamp.UnixMilli()
	logAppend := b.LogAppendTime
	if logAppend {
		base = b.MaxTimestamp.UnixMilli()
	}
	rec := &r.rec
	for _, kr := range b.Records {
		n := len(kr.Key) + len(kr.Value)
		for _, h := range kr.Headers {
			n += len(h.Key) + len(h.Value)
		}
		r.st.Bytes += int64(n)
		off := b.FirstOffset + kr.OffsetDelta
		if skip || off < r.next {
			continue
		}
		if off >= r.end {
			r.next = r.end
			return nil
		}
		rec.Offset = off
		rec.Timestamp = base
		if !logAppend {
			rec.Timestamp += kr.TimestampDelta.Milliseconds()
		}
		rec.Key, rec.Value = kr.Key, kr.Value
		rec.Headers = rec.Headers[:0]
		for _, h := range kr.Headers {
			rec.Headers = append(rec.Headers, Header{Key: h.Key, Value: h.Value})
		}
		if err := r.deliver(); err != nil {
			return err
		}
		r.next = off + 1
	}
	return nil
}

// legacy delivers a pre-0.11 message set (magic 0 or 1), which old segments
// of a topic may still hold.
func (r *reader) legacy(ms *sarama.MessageSet) error {
	rec := &r.rec
	for _, outer := range ms.Messages {
		inner := outer.Messages()
		for _, m := range inner {
			off := m.Offset
			ts := m.Msg.Timestamp
			if m.Msg.Version >= 1 && outer.Msg.Set != nil {
				// Inner offsets of a compressed v1 wrapper are relative to
				// the wrapper's offset, which is the last inner one.
				off += outer.Offset - inner[len(inner)-1].Offset
				if outer.Msg.LogAppendTime {
					ts = outer.Msg.Timestamp
				}
			}
			r.st.Bytes += int64(len(m.Msg.Key) + len(m.Msg.Value))
			if off < r.next {
				continue
			}
			if off >= r.end {
				r.next = r.end
				return nil
			}
			rec.Offset = off
			rec.Timestamp = -1
			if !ts.IsZero() {
				rec.Timestamp = ts.UnixMilli()
			}
			rec.Key, rec.Value = m.Msg.Key, m.Msg.Value
			rec.Headers = rec.Headers[:0]
			if err := r.deliver(); err != nil {
				return err
			}
			r.next = off + 1
		}
		if outer.Offset >= r.next {
			r.next = outer.Offset + 1
		}
	}
	return nil
}

func (r *reader) deliver() error {
	r.st.Records++
	if r.rec.Value == nil {
		r.st.Tombstones++
	}
	return r.fn(&r.rec)
}

// outOfRange handles a fetch the broker rejected because the offset is not
// in the log. Brokers send no offsets with the error, so it asks for the
// log's bounds: at or past the end there is simply nothing to read (the
// range was planned past what exists); below the start the data is gone.
func (r *reader) outOfRange(ctx context.Context) error {
	p := []int32{r.partition}
	starts, err := r.c.listOffsets(ctx, r.topic, p, sarama.OffsetOldest)
	if err != nil {
		return r.errorf(ErrOffsetOutOfRange, "offset %d is not in the log, and its bounds are unknown (%v): run the query again", r.next, err)
	}
	ends, err := r.c.listOffsets(ctx, r.topic, p, sarama.OffsetNewest)
	if err != nil {
		return r.errorf(ErrOffsetOutOfRange, "offset %d is not in the log, and its bounds are unknown (%v): run the query again", r.next, err)
	}
	logStart, end := starts[r.partition], ends[r.partition]
	if r.next >= end && r.next >= logStart {
		return nil
	}
	if r.next < logStart {
		return r.errorf(ErrOffsetOutOfRange, "offset %d no longer exists (log start offset %d, end offset %d): the data was deleted by retention or DeleteRecords after the query was planned; run the query again", r.next, logStart, end)
	}
	return r.errorf(ErrOffsetOutOfRange, "offset %d is not in the log (log start offset %d, end offset %d): the partition was truncated or recreated after the query was planned; run the query again", r.next, logStart, end)
}

// fail wraps a terminal error with where the read stopped.
func (r *reader) fail(err error) error {
	return r.c.wrap(err, "topic %q partition %d offsets [%d, %d): reading at offset %d", r.topic, r.partition, r.start, r.end, r.next)
}

// errorf builds an error naming the topic, partition and range; err, if not
// nil, is wrapped.
func (r *reader) errorf(err error, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	where := fmt.Sprintf("kafka: topic %q partition %d offsets [%d, %d)", r.topic, r.partition, r.start, r.end)
	if err == nil {
		return fmt.Errorf("%s: %s", where, msg)
	}
	if errors.Is(err, ErrOffsetOutOfRange) {
		return fmt.Errorf("%s: %w: %s", where, err, msg)
	}
	return fmt.Errorf("%s: %s: %w", where, msg, err)
}

// pause waits before retry n (backoff doubling from
// Metadata.Retry.Backoff), or until ctx ends.
func (r *reader) pause(ctx context.Context, n int) error {
	d := r.c.conf.Metadata.Retry.Backoff
	if d <= 0 {
		d = 100 * time.Millisecond
	}
	t := time.NewTimer(d << (n - 1))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}

// sortedAborted returns the aborted transactions by first offset; the
// protocol does not promise an order.
func sortedAborted(at []*sarama.AbortedTransaction) []*sarama.AbortedTransaction {
	at = slices.Clone(at)
	slices.SortFunc(at, func(a, b *sarama.AbortedTransaction) int { return cmp.Compare(a.FirstOffset, b.FirstOffset) })
	return at
}

// controlType returns a control record's type from its key: 0 abort,
// 1 commit, -1 unknown.
func controlType(key []byte) int16 {
	if len(key) < 4 {
		return -1
	}
	return int16(binary.BigEndian.Uint16(key[2:4]))
}
