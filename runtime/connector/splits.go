package connector

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/athena-kafka/athena-kafka/runtime/federation"
	"github.com/athena-kafka/athena-kafka/runtime/kafka"
	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// Split property names, the same as the Java connector's.
const (
	propTopic       = "topic"
	propPartition   = "partition"
	propStartOffset = "startOffset"
	propEndOffset   = "endOffset" // exclusive, unlike Java's
)

// maxSplitsPerResponse bounds one GetSplits page, as in the Java connector: a
// page ends after the partition that reaches it.
const maxSplitsPerResponse = 1000

// GetSplits plans offset ranges [start, end) per Kafka partition, pruned by
// the constraints on _partition_id, _partition_offset and _timestamp, chunked
// by MaxRecordsPerSplit. The continuation token is the index of the next
// partition in the sorted, pruned list.
func (c *Connector) GetSplits(ctx context.Context, req *federation.GetSplitsRequest) (*federation.GetSplitsResponse, error) {
	if c.opt.CheckBucket != nil {
		if err := c.opt.CheckBucket(ctx); err != nil {
			return nil, err
		}
	}
	t, err := c.opt.Catalog.Table(ctx, req.TableName.SchemaName, req.TableName.TableName)
	if err != nil {
		return nil, err
	}
	name := t.Schema.TopicName
	plan, err := c.planTopic(ctx, name, &req.Constraints)
	if errors.Is(err, kafka.ErrClientBroken) {
		// The warm container's connection died since the last call: the
		// broken client is gone, dial again once.
		plan, err = c.planTopic(ctx, name, &req.Constraints)
	}
	if err != nil {
		return nil, err
	}

	first := 0
	if req.ContinuationToken != nil && *req.ContinuationToken != "" {
		first, err = strconv.Atoi(*req.ContinuationToken)
		if err != nil || first < 0 || first > len(plan) {
			return nil, fmt.Errorf("GetSplits: continuation token %q is not one this connector issued (want a partition index 0..%d)", *req.ContinuationToken, len(plan))
		}
	}
	resp := &federation.GetSplitsResponse{CatalogName: req.CatalogName, Splits: []federation.Split{}}
	for i := first; i < len(plan); i++ {
		p := plan[i]
		for start := p.start; start < p.end; {
			end := start + min(c.opt.MaxRecordsPerSplit, p.end-start)
			s, err := c.newSplit(ctx, req.QueryID, name, p.partition, start, end)
			if err != nil {
				return nil, err
			}
			resp.Splits = append(resp.Splits, s)
			start = end
		}
		if len(resp.Splits) >= maxSplitsPerResponse && i+1 < len(plan) {
			tok := strconv.Itoa(i + 1)
			resp.ContinuationToken = &tok
			break
		}
	}
	c.log.Info("splits planned", "query_id", req.QueryID, "topic", name, "partitions", len(plan), "splits", len(resp.Splits))
	return resp, nil
}

type partitionRange struct {
	partition  int32
	start, end int64
}

// planTopic returns the partitions to read and their offset ranges after
// pushdown. A range may be empty; its partition then yields no split.
func (c *Connector) planTopic(ctx context.Context, name string, cons *federation.Constraints) (plan []partitionRange, err error) {
	cl, err := c.kafkaClient(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			c.dropClient(cl, err)
		}
	}()
	parts, err := cl.Partitions(ctx, name)
	if err != nil {
		return nil, err
	}
	if vs := cons.Set(topic.ColPartitionID); vs != nil {
		kept := parts[:0:0]
		for _, p := range parts {
			if vs.Contains(p) {
				kept = append(kept, p)
			}
		}
		parts = kept
	}
	if len(parts) == 0 {
		return nil, nil
	}
	offsets, err := cl.Offsets(ctx, name, parts)
	if err != nil {
		return nil, err
	}
	plan = make([]partitionRange, len(parts))
	for i, p := range parts {
		r := offsets[p]
		plan[i] = partitionRange{partition: p, start: r.Start, end: r.End}
	}

	if vs := cons.Set(topic.ColPartitionOffset); vs != nil {
		lo, hi := int64Bounds(vs)
		for i := range plan {
			plan[i].start = max(plan[i].start, lo)
			plan[i].end = min(plan[i].end, hi)
		}
	}
	if vs := cons.Set(topic.ColTimestamp); vs != nil {
		lo, hi := int64Bounds(vs)
		if lo > math.MinInt64 {
			at, err := cl.OffsetsForTime(ctx, name, parts, lo)
			if err != nil {
				return nil, err
			}
			for i := range plan {
				if o, ok := at[plan[i].partition]; ok {
					plan[i].start = max(plan[i].start, o)
				}
			}
		}
		if hi < math.MaxInt64 {
			// Only log-append timestamps grow with offsets; with create
			// times a later record may be older, so read to the end and
			// let the row filter decide.
			appendTime, err := cl.LogAppendTime(ctx, name)
			if err != nil {
				return nil, err
			}
			if appendTime {
				at, err := cl.OffsetsForTime(ctx, name, parts, hi)
				if err != nil {
					return nil, err
				}
				for i := range plan {
					if o, ok := at[plan[i].partition]; ok {
						plan[i].end = min(plan[i].end, o)
					}
				}
			}
		}
	}
	return plan, nil
}

// int64Bounds returns the smallest interval [lo, hi) holding every non-null
// value of vs, for integer-like columns (INT, BIGINT, TIMESTAMP as epoch ms).
// Unbounded sides are MinInt64 / MaxInt64.
func int64Bounds(vs federation.ValueSet) (lo, hi int64) {
	lo, hi = math.MinInt64, math.MaxInt64
	switch s := vs.(type) {
	case *federation.SortedRangeSet:
		if len(s.Ranges) == 0 {
			return 0, 0
		}
		lo, hi = math.MaxInt64, math.MinInt64
		for _, r := range s.Ranges {
			l, h := int64(math.MinInt64), int64(math.MaxInt64)
			if !r.Low.NullValue {
				if v, ok := asInt64(r.Low.Value); ok {
					l = v
					if r.Low.Bound == federation.Above {
						l = satAdd(v, 1)
					}
				}
			}
			if !r.High.NullValue {
				if v, ok := asInt64(r.High.Value); ok {
					h = v
					if r.High.Bound == federation.Exactly {
						h = satAdd(v, 1)
					}
				}
			}
			lo, hi = min(lo, l), max(hi, h)
		}
	case *federation.AllOrNoneValueSet:
		if !s.All {
			return 0, 0
		}
	case *federation.EquatableValueSet:
		if !s.WhiteList {
			return lo, hi
		}
		vals := s.Values
		if len(vals) == 0 {
			return 0, 0
		}
		lo, hi = math.MaxInt64, math.MinInt64
		for _, v := range vals {
			if n, ok := asInt64(v); ok {
				lo, hi = min(lo, n), max(hi, satAdd(n, 1))
			} else {
				return math.MinInt64, math.MaxInt64
			}
		}
	}
	return lo, hi
}

func satAdd(v, d int64) int64 {
	if v > math.MaxInt64-d {
		return math.MaxInt64
	}
	return v + d
}

func asInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case arrow.Date64:
		return int64(n), true
	case arrow.Timestamp:
		return int64(n), true
	}
	return 0, false
}

// newSplit builds one split with its own spill location and encryption key.
func (c *Connector) newSplit(ctx context.Context, queryID, name string, partition int32, start, end int64) (federation.Split, error) {
	s := federation.Split{
		SpillLocation: &federation.SpillLocation{
			Bucket:    c.opt.SpillBucket,
			Key:       spillKey(c.opt.SpillPrefix, queryID),
			Directory: true,
		},
		Properties: federation.Map{
			{Key: propTopic, Value: name},
			{Key: propPartition, Value: strconv.Itoa(int(partition))},
			{Key: propStartOffset, Value: strconv.FormatInt(start, 10)},
			{Key: propEndOffset, Value: strconv.FormatInt(end, 10)},
		},
	}
	if c.opt.Keys != nil {
		key, nonce, err := c.opt.Keys.NewKey(ctx)
		if err != nil {
			return s, fmt.Errorf("make the spill encryption key: %w", err)
		}
		s.EncryptionKey = &federation.EncryptionKey{Key: key, Nonce: nonce}
	}
	return s, nil
}

// spillKey is prefix/queryId/uuid, as the SDK builds it (the query id is not
// repeated when the prefix already holds it).
func spillKey(prefix, queryID string) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	id := fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
	prefix = strings.TrimSuffix(prefix, "/")
	if queryID == "" || strings.Contains(prefix, queryID) {
		return prefix + "/" + id
	}
	return prefix + "/" + queryID + "/" + id
}

// splitRange reads a split's properties back.
func splitRange(s *federation.Split) (name string, partition int32, start, end int64, err error) {
	get := func(k string) (string, error) {
		v, ok := s.Properties.Get(k)
		if !ok {
			return "", fmt.Errorf("ReadRecords: split property %q is missing; the split was not planned by this connector", k)
		}
		return v, nil
	}
	if name, err = get(propTopic); err != nil {
		return
	}
	var v string
	if v, err = get(propPartition); err != nil {
		return
	}
	p, perr := strconv.ParseInt(v, 10, 32)
	if perr != nil {
		err = fmt.Errorf("ReadRecords: split property partition=%q is not a partition number", v)
		return
	}
	partition = int32(p)
	if v, err = get(propStartOffset); err != nil {
		return
	}
	if start, err = strconv.ParseInt(v, 10, 64); err != nil {
		err = fmt.Errorf("ReadRecords: split property startOffset=%q is not an offset", v)
		return
	}
	if v, err = get(propEndOffset); err != nil {
		return
	}
	if end, err = strconv.ParseInt(v, 10, 64); err != nil {
		err = fmt.Errorf("ReadRecords: split property endOffset=%q is not an offset", v)
		return
	}
	if start < 0 || end < start {
		err = fmt.Errorf("ReadRecords: split range [%d, %d) is invalid", start, end)
	}
	return
}
