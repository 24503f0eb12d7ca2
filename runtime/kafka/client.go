package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"
)

// ErrUnknownTopic means the topic does not exist on the cluster (or the
// credentials may not see it).
var ErrUnknownTopic = errors.New("unknown topic")

// ErrClientBroken means the underlying sarama client is closed or has lost
// every broker; the caller should Close the Client and build a new one.
var ErrClientBroken = errors.New("kafka client is broken")

// ErrOffsetOutOfRange means the offsets asked for no longer (or do not yet)
// exist in the partition, typically because retention or DeleteRecords
// removed them after the query was planned.
var ErrOffsetOutOfRange = errors.New("offset out of range")

// Range is a partition's readable offsets: Start is the log start offset and
// End is exclusive (the high watermark for read_uncommitted, the last stable
// offset for read_committed).
type Range struct {
	Start, End int64
}

// Client wraps one sarama.Client. It is safe for concurrent use and meant to
// live as long as the Lambda container: build it once, reuse it across
// invocations, and rebuild it when Healthy reports false or an error wraps
// ErrClientBroken.
type Client struct {
	client    sarama.Client
	conf      *sarama.Config
	isolation sarama.IsolationLevel
	fetchVer  int16
	fetchSize int32 // bytes per partition per fetch
	maxSize   int32 // upper bound when a single batch is larger than fetchSize
	broken    atomic.Bool
}

// New connects to brokers with a copy of cfg. The copy disables topic
// auto-creation (a query must never create a topic). cfg.Version must be at
// least 0.11 (record batches, transactions); sarama's default V2_8_0_0 is
// fine. cfg.Consumer.IsolationLevel chooses read_committed or
// read_uncommitted for Offsets and Read; cfg.Consumer.Fetch.Default is the
// bytes fetched per request (default 1 MiB) and cfg.Consumer.Fetch.Max caps
// growth for oversized batches (0: 64 MiB). A nil cfg means sarama's
// defaults with read_committed.
func New(brokers []string, cfg *sarama.Config) (*Client, error) {
	var conf sarama.Config
	if cfg == nil {
		conf = *sarama.NewConfig()
		conf.Consumer.IsolationLevel = sarama.ReadCommitted
	} else {
		conf = *cfg
	}
	conf.Metadata.AllowAutoTopicCreation = false
	if !conf.Version.IsAtLeast(sarama.V0_11_0_0) {
		return nil, fmt.Errorf("kafka: protocol version %s is too old: set it to 0.11.0.0 or later (record batches and transactions are required)", conf.Version)
	}
	if len(brokers) == 0 {
		return nil, errors.New("kafka: no bootstrap brokers: set kafka_endpoint to host:port[,host:port...]")
	}
	if err := conf.Validate(); err != nil {
		return nil, fmt.Errorf("kafka: invalid client configuration: %w", err)
	}
	sc, err := sarama.NewClient(brokers, &conf)
	if err != nil {
		return nil, fmt.Errorf("kafka: cannot connect to %v: %w: check kafka_endpoint, the network path (VPC, security groups) and auth_type", brokers, err)
	}
	c := &Client{
		client:    sc,
		conf:      &conf,
		isolation: conf.Consumer.IsolationLevel,
		fetchVer:  fetchVersion(conf.Version),
		fetchSize: conf.Consumer.Fetch.Default,
		maxSize:   conf.Consumer.Fetch.Max,
	}
	if c.fetchSize <= 0 {
		c.fetchSize = 1 << 20
	}
	if c.maxSize <= 0 {
		c.maxSize = 64 << 20
	}
	return c, nil
}

// Close closes the sarama client and its broker connections.
func (c *Client) Close() error {
	c.broken.Store(true)
	err := c.client.Close()
	if errors.Is(err, sarama.ErrClosedClient) {
		return nil
	}
	return err
}

// Healthy reports whether the client can still be used: false once it is
// closed or has lost every broker.
func (c *Client) Healthy() bool {
	return !c.broken.Load() && !c.client.Closed()
}

// ReadCommitted reports whether the client reads with read_committed.
func (c *Client) ReadCommitted() bool { return c.isolation == sarama.ReadCommitted }

// Partitions returns the topic's partition ids, sorted, from fresh metadata.
func (c *Client) Partitions(ctx context.Context, topic string) ([]int32, error) {
	ps, err := call(ctx, func() ([]int32, error) {
		if err := c.client.RefreshMetadata(topic); err != nil {
			return nil, err
		}
		return c.client.Partitions(topic)
	})
	if err != nil {
		return nil, c.wrap(err, "topic %q: listing partitions", topic)
	}
	ps = slices.Clone(ps)
	slices.Sort(ps)
	return ps, nil
}

// Offsets returns the readable range of each partition: Start is the log
// start offset, End the high watermark (read_uncommitted) or the last stable
// offset (read_committed), so reading up to End never waits on an open
// transaction.
func (c *Client) Offsets(ctx context.Context, topic string, partitions []int32) (map[int32]Range, error) {
	starts, err := c.listOffsets(ctx, topic, partitions, sarama.OffsetOldest)
	if err != nil {
		return nil, err
	}
	ends, err := c.listOffsets(ctx, topic, partitions, sarama.OffsetNewest)
	if err != nil {
		return nil, err
	}
	out := make(map[int32]Range, len(partitions))
	for _, p := range partitions {
		out[p] = Range{Start: starts[p], End: ends[p]}
	}
	return out, nil
}

// OffsetsForTime returns, per partition, the first offset whose timestamp is
// at or after millis (epoch milliseconds), or the partition's End when no
// such record exists.
func (c *Client) OffsetsForTime(ctx context.Context, topic string, partitions []int32, millis int64) (map[int32]int64, error) {
	if millis < 0 {
		millis = 0 // negative values are ListOffsets' special timestamps
	}
	out, err := c.listOffsets(ctx, topic, partitions, millis)
	if err != nil {
		return nil, err
	}
	var missing []int32
	for _, p := range partitions {
		if out[p] < 0 {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		ends, err := c.listOffsets(ctx, topic, missing, sarama.OffsetNewest)
		if err != nil {
			return nil, err
		}
		for _, p := range missing {
			out[p] = ends[p]
		}
	}
	return out, nil
}

// LogAppendTime reports whether the topic stamps records with the broker's
// append time (message.timestamp.type=LogAppendTime) rather than the
// producer's create time.
func (c *Client) LogAppendTime(ctx context.Context, topic string) (bool, error) {
	req := &sarama.DescribeConfigsRequest{
		Version: describeConfigsVersion(c.conf.Version),
		Resources: []*sarama.ConfigResource{{
			Type: sarama.TopicResource, Name: topic, ConfigNames: []string{"message.timestamp.type"},
		}},
	}
	var resp *sarama.DescribeConfigsResponse
	err := c.retry(ctx, topic, func() error {
		b := c.client.LeastLoadedBroker()
		if b == nil {
			return sarama.ErrOutOfBrokers
		}
		r, err := call(ctx, func() (*sarama.DescribeConfigsResponse, error) { return b.DescribeConfigs(req) })
		if err != nil {
			_ = b.Close()
			return err
		}
		if len(r.Resources) != 1 {
			return sarama.ErrIncompleteResponse
		}
		if code := sarama.KError(r.Resources[0].ErrorCode); code != sarama.ErrNoError {
			return code
		}
		resp = r
		return nil
	})
	if err != nil {
		return false, c.wrap(err, "topic %q: describing config message.timestamp.type", topic)
	}
	for _, e := range resp.Resources[0].Configs {
		if e.Name == "message.timestamp.type" {
			return e.Value == "LogAppendTime", nil
		}
	}
	return false, nil
}

// listOffsets asks each partition's leader for the offset at ts (a
// timestamp in ms, or sarama.OffsetOldest / OffsetNewest) with the client's
// isolation level. A partition with no answer (-1) maps to -1.
func (c *Client) listOffsets(ctx context.Context, topic string, partitions []int32, ts int64) (map[int32]int64, error) {
	out := make(map[int32]int64, len(partitions))
	err := c.retry(ctx, topic, func() error {
		byLeader := make(map[*sarama.Broker][]int32)
		for _, p := range partitions {
			if _, done := out[p]; done {
				continue
			}
			b, err := call(ctx, func() (*sarama.Broker, error) { return c.client.Leader(topic, p) })
			if err != nil {
				return err
			}
			byLeader[b] = append(byLeader[b], p)
		}
		for b, ps := range byLeader {
			req := sarama.NewOffsetRequest(c.conf.Version)
			req.IsolationLevel = c.isolation
			for _, p := range ps {
				req.AddBlock(topic, p, ts, 1)
			}
			resp, err := call(ctx, func() (*sarama.OffsetResponse, error) { return b.GetAvailableOffsets(req) })
			if err != nil {
				_ = b.Close()
				return err
			}
			for _, p := range ps {
				blk := resp.GetBlock(topic, p)
				if blk == nil {
					return sarama.ErrIncompleteResponse
				}
				if blk.Err != sarama.ErrNoError {
					return blk.Err
				}
				off := blk.Offset
				if req.Version == 0 {
					off = -1
					if len(blk.Offsets) > 0 {
						off = blk.Offsets[0]
					}
				}
				out[p] = off
			}
		}
		return nil
	})
	if err != nil {
		what := "listing offsets"
		switch {
		case ts == sarama.OffsetOldest:
			what = "listing start offsets"
		case ts == sarama.OffsetNewest:
			what = "listing end offsets"
		case ts >= 0:
			what = fmt.Sprintf("listing offsets for time %d ms", ts)
		}
		return nil, c.wrap(err, "topic %q partitions %v: %s", topic, partitions, what)
	}
	return out, nil
}

// retry runs f until it succeeds, fails with a non-retriable error, ctx ends
// or attempts run out; between attempts it refreshes the topic's metadata so
// moved leaders are found.
func (c *Client) retry(ctx context.Context, topic string, f func() error) error {
	const attempts = 4
	backoff := c.conf.Metadata.Retry.Backoff
	if backoff <= 0 {
		backoff = 100 * time.Millisecond
	}
	var err error
	for i := 0; ; i++ {
		if err = f(); err == nil || !retriable(err) || i == attempts-1 {
			return err
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (last error: %w)", context.Cause(ctx), err)
		case <-t.C:
		}
		if c.client.Closed() {
			return sarama.ErrClosedClient
		}
		_, _ = call(ctx, func() (struct{}, error) { return struct{}{}, c.client.RefreshMetadata(topic) })
	}
}

// retriable reports errors that a metadata refresh and another attempt can
// cure: leadership moves, a topic still being created, a dropped connection.
func retriable(err error) bool {
	var kerr sarama.KError
	if errors.As(err, &kerr) {
		switch kerr {
		case sarama.ErrNotLeaderForPartition, sarama.ErrLeaderNotAvailable,
			sarama.ErrReplicaNotAvailable, sarama.ErrFencedLeaderEpoch,
			sarama.ErrUnknownLeaderEpoch, sarama.ErrKafkaStorageError,
			sarama.ErrOffsetNotAvailable, sarama.ErrNotController,
			sarama.ErrRequestTimedOut, sarama.ErrNetworkException:
			return true
		}
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, sarama.ErrClosedClient) {
		return false
	}
	// Connection-level failures (io.EOF, broken pipe, ErrNotConnected,
	// ErrIncompleteResponse) are worth one more try on a fresh connection.
	return true
}

// wrap adds where to err, maps sarama's conditions to this package's
// sentinels, records a broken client and says what to do.
func (c *Client) wrap(err error, format string, args ...any) error {
	where := fmt.Sprintf(format, args...)
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		return fmt.Errorf("kafka: %s: %w: the request ran out of time; retry, or raise the Lambda timeout", where, err)
	case errors.Is(err, sarama.ErrUnknownTopicOrPartition):
		return fmt.Errorf("kafka: %s: %w: %w: check the topic name in the table's schema and that the credentials may describe it", where, ErrUnknownTopic, err)
	case errors.Is(err, sarama.ErrClosedClient) || errors.Is(err, sarama.ErrOutOfBrokers):
		c.broken.Store(true)
		return fmt.Errorf("kafka: %s: %w: %w: the client will be rebuilt; check that the brokers are reachable", where, ErrClientBroken, err)
	case errors.Is(err, sarama.ErrTopicAuthorizationFailed) || errors.Is(err, sarama.ErrClusterAuthorizationFailed):
		return fmt.Errorf("kafka: %s: %w: grant the connector's principal Describe and Read on the topic", where, err)
	}
	return fmt.Errorf("kafka: %s: %w", where, err)
}

// call runs f and returns its result, or ctx's error as soon as ctx ends.
// sarama's blocking calls do not take a context; when ctx ends first, f
// finishes in the background and its result is dropped.
func call[T any](ctx context.Context, f func() (T, error)) (T, error) {
	if ctx.Done() == nil {
		return f()
	}
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, context.Cause(ctx)
	}
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := f()
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return zero, context.Cause(ctx)
	}
}

// fetchVersion picks the highest Fetch version the configured Kafka version
// supports, as sarama's consumer does; 4 is the floor (isolation level and
// aborted transactions).
func fetchVersion(v sarama.KafkaVersion) int16 {
	switch {
	case v.IsAtLeast(sarama.V2_7_0_0):
		return 12
	case v.IsAtLeast(sarama.V2_3_0_0):
		return 11
	case v.IsAtLeast(sarama.V2_1_0_0):
		return 10
	case v.IsAtLeast(sarama.V2_0_0_0):
		return 8
	case v.IsAtLeast(sarama.V1_1_0_0):
		return 7
	case v.IsAtLeast(sarama.V1_0_0_0):
		return 6
	default:
		return 5
	}
}

func describeConfigsVersion(v sarama.KafkaVersion) int16 {
	switch {
	case v.IsAtLeast(sarama.V2_8_0_0):
		return 4
	case v.IsAtLeast(sarama.V2_6_0_0):
		return 3
	case v.IsAtLeast(sarama.V2_0_0_0):
		return 2
	case v.IsAtLeast(sarama.V1_1_0_0):
		return 1
	default:
		return 0
	}
}
