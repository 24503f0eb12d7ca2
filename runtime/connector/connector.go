package connector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/athena-kafka/athena-kafka/runtime/catalog"
	"github.com/athena-kafka/athena-kafka/runtime/federation"
	"github.com/athena-kafka/athena-kafka/runtime/kafka"
	"github.com/athena-kafka/athena-kafka/runtime/spill"
)

// Options configure a Connector. Zero values take the documented defaults.
type Options struct {
	// Catalog serves table metadata (Glue or a folder). Required.
	Catalog catalog.Catalog
	// Kafka dials the cluster. It is called once and its client reused across
	// invocations; after a broken-client error it is called again. Required.
	Kafka func(ctx context.Context) (*kafka.Client, error)

	// Store receives spilled blocks. Required when a response can spill.
	Store spill.Store
	// SpillBucket and SpillPrefix name the spill location of each split
	// (prefix default "athena-federation-spill").
	SpillBucket, SpillPrefix string
	// Keys makes one encryption key per split; nil disables spill encryption.
	Keys spill.KeySource
	// CheckBucket, when set, runs before GetSplits (the SDK's HeadBucket check).
	CheckBucket func(ctx context.Context) error

	// MaxRecordsPerSplit is the number of offsets per split (default 500,000).
	MaxRecordsPerSplit int64
	// MaxBlockSize overrides the request's maxBlockSize when > 0.
	MaxBlockSize int64
	// MetadataColumns adds _partition_id, _partition_offset, ... to tables.
	MetadataColumns bool
	// FailOnDecodeError fails the query on the first value that does not
	// convert, instead of NULL and _message_corrupt = true.
	FailOnDecodeError bool

	Logger    *slog.Logger
	Allocator memory.Allocator
}

// Connector answers Athena's federation requests for Kafka topics. It is safe
// for concurrent use and meant to live as long as the Lambda container.
type Connector struct {
	opt Options
	log *slog.Logger
	mem memory.Allocator

	mu     sync.Mutex
	client *kafka.Client
}

var _ federation.Handler = (*Connector)(nil)

// New checks the options and returns a Connector.
func New(opt Options) (*Connector, error) {
	if opt.Catalog == nil {
		return nil, errors.New("connector: no catalog configured")
	}
	if opt.Kafka == nil {
		return nil, errors.New("connector: no Kafka dialer configured")
	}
	if opt.MaxRecordsPerSplit <= 0 {
		opt.MaxRecordsPerSplit = 500_000
	}
	if opt.SpillPrefix == "" {
		opt.SpillPrefix = "athena-federation-spill"
	}
	c := &Connector{opt: opt, log: opt.Logger, mem: opt.Allocator}
	if c.log == nil {
		c.log = slog.Default()
	}
	if c.mem == nil {
		c.mem = memory.DefaultAllocator
	}
	return c, nil
}

// kafkaClient returns the container's client, dialling it on first use.
func (c *Connector) kafkaClient(ctx context.Context) (*kafka.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.client != nil {
		return c.client, nil
	}
	cl, err := c.opt.Kafka(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect to Kafka: %w", err)
	}
	c.client = cl
	return cl, nil
}

// dropClient forgets a client that failed so the next call dials again.
func (c *Connector) dropClient(cl *kafka.Client, cause error) {
	if !errors.Is(cause, kafka.ErrClientBroken) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.client == cl {
		c.log.Warn("kafka client broken; it will be rebuilt", "error", cause)
		_ = cl.Close()
		c.client = nil
	}
}

// Close releases the Kafka client.
func (c *Connector) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.client == nil {
		return nil
	}
	err := c.client.Close()
	c.client = nil
	return err
}
