// Package testcluster gives tests a Kafka cluster to talk to: the real
// broker named by the environment variable KAFKA_BOOTSTRAP (PLAINTEXT
// listener, host:port[,host:port]) when it is set, otherwise an in-process
// franz-go kfake cluster. The same suite runs against both.
//
// It also produces records (plain and transactional), creates topics,
// deletes records and triggers compaction, using franz-go's client so the
// code under test (sarama) is checked against an independent implementation.
package testcluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Cluster is a running cluster for one test.
type Cluster struct {
	Brokers  []string
	External bool           // KAFKA_BOOTSTRAP named a real broker
	Fake     *kfake.Cluster // nil when External
	Client   *kgo.Client    // producer and admin client (not transactional)
}

// Start returns the KAFKA_BOOTSTRAP cluster or starts a kfake cluster with
// one broker; both are closed when the test ends.
func Start(tb testing.TB) *Cluster {
	tb.Helper()
	c := &Cluster{}
	if bs := os.Getenv("KAFKA_BOOTSTRAP"); bs != "" {
		c.Brokers = strings.Split(bs, ",")
		c.External = true
	} else {
		f, err := kfake.NewCluster(kfake.NumBrokers(1))
		if err != nil {
			tb.Fatalf("testcluster: start kfake: %v", err)
		}
		tb.Cleanup(f.Close)
		c.Fake = f
		c.Brokers = f.ListenAddrs()
	}
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(c.Brokers...),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerLinger(0),
	)
	if err != nil {
		tb.Fatalf("testcluster: client for %v: %v", c.Brokers, err)
	}
	tb.Cleanup(cl.Close)
	c.Client = cl
	return c
}

// Config returns a sarama configuration for the cluster with the given
// isolation level (what the connector's configuration builds for NO_AUTH).
func (c *Cluster) Config(isolation sarama.IsolationLevel) *sarama.Config {
	cfg := sarama.NewConfig()
	cfg.ClientID = "athena-kafka-test"
	cfg.Consumer.IsolationLevel = isolation
	cfg.Metadata.Retry.Backoff = 50 * time.Millisecond
	return cfg
}

// Topic creates a topic with a unique name derived from the test's name and
// returns that name. configs are topic configs such as
// "cleanup.policy": "compact".
func (c *Cluster) Topic(tb testing.TB, partitions int32, configs map[string]string) string {
	tb.Helper()
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	name := strings.NewReplacer("/", "-", " ", "-", "#", "-").Replace(tb.Name())
	if len(name) > 100 {
		name = name[:100]
	}
	name = fmt.Sprintf("%s-%s", name, hex.EncodeToString(rnd[:]))

	req := kmsg.NewPtrCreateTopicsRequest()
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic = name
	rt.NumPartitions = partitions
	rt.ReplicationFactor = 1
	for k, v := range configs {
		cf := kmsg.NewCreateTopicsRequestTopicConfig()
		cf.Name = k
		cf.Value = kmsg.StringPtr(v)
		rt.Configs = append(rt.Configs, cf)
	}
	req.Topics = append(req.Topics, rt)
	req.TimeoutMillis = 10000
	resp, err := req.RequestWith(ctx(tb), c.Client)
	if err != nil {
		tb.Fatalf("testcluster: create topic %s: %v", name, err)
	}
	if err := kerr.ErrorForCode(resp.Topics[0].ErrorCode); err != nil {
		tb.Fatalf("testcluster: create topic %s: %v", name, err)
	}
	// A real broker needs a moment before every broker knows the leader.
	deadline := time.Now().Add(10 * time.Second)
	for {
		mreq := kmsg.NewPtrMetadataRequest()
		mt := kmsg.NewMetadataRequestTopic()
		mt.Topic = kmsg.StringPtr(name)
		mreq.Topics = append(mreq.Topics, mt)
		mresp, err := mreq.RequestWith(ctx(tb), c.Client)
		if err == nil && len(mresp.Topics) == 1 && mresp.Topics[0].ErrorCode == 0 && len(mresp.Topics[0].Partitions) == int(partitions) {
			ready := true
			for _, p := range mresp.Topics[0].Partitions {
				ready = ready && p.ErrorCode == 0 && p.Leader >= 0
			}
			if ready && c.partitionsServe(tb, name, partitions) {
				return name
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("testcluster: topic %s has no leaders after 10s (%v)", name, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// partitionsServe reports whether the leader of every partition of topic
// answers for it: metadata names a leader slightly before that broker has
// loaded the partition, and a fetch in between gets a retriable error.
func (c *Cluster) partitionsServe(tb testing.TB, topic string, partitions int32) bool {
	req := kmsg.NewPtrListOffsetsRequest()
	rt := kmsg.NewListOffsetsRequestTopic()
	rt.Topic = topic
	for p := int32(0); p < partitions; p++ {
		rp := kmsg.NewListOffsetsRequestTopicPartition()
		rp.Partition = p
		rp.Timestamp = -1 // latest
		rt.Partitions = append(rt.Partitions, rp)
	}
	req.Topics = append(req.Topics, rt)
	shards := c.Client.RequestSharded(ctx(tb), req)
	n := 0
	for _, sh := range shards {
		if sh.Err != nil {
			return false
		}
		for _, t := range sh.Resp.(*kmsg.ListOffsetsResponse).Topics {
			for _, p := range t.Partitions {
				if p.ErrorCode != 0 {
					return false
				}
				n++
			}
		}
	}
	return n == int(partitions)
}

// Produce writes recs synchronously, in order, each to its own Partition
// (set Topic and Partition on every record). Records produced in one call
// to the same partition may share a batch. On return every record's Offset
// is set.
func (c *Cluster) Produce(tb testing.TB, recs ...*kgo.Record) {
	tb.Helper()
	if err := c.Client.ProduceSync(ctx(tb), recs...).FirstErr(); err != nil {
		tb.Fatalf("testcluster: produce: %v", err)
	}
}

// Transaction writes recs in one transaction and commits or aborts it.
func (c *Cluster) Transaction(tb testing.TB, commit bool, recs ...*kgo.Record) {
	tb.Helper()
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(c.Brokers...),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.TransactionalID("testcluster-"+hex.EncodeToString(rnd[:])),
		kgo.ProducerLinger(0),
	)
	if err != nil {
		tb.Fatalf("testcluster: transactional client: %v", err)
	}
	defer cl.Close()
	ctx := ctx(tb)
	if err := cl.BeginTransaction(); err != nil {
		tb.Fatalf("testcluster: begin transaction: %v", err)
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		tb.Fatalf("testcluster: produce in transaction: %v", err)
	}
	if err := cl.EndTransaction(ctx, kgo.TransactionEndTry(commit)); err != nil {
		tb.Fatalf("testcluster: end transaction (commit=%v): %v", commit, err)
	}
}

// DeleteRecords deletes the records of topic/partition below offset.
func (c *Cluster) DeleteRecords(tb testing.TB, topic string, partition int32, before int64) {
	tb.Helper()
	req := kmsg.NewPtrDeleteRecordsRequest()
	rt := kmsg.NewDeleteRecordsRequestTopic()
	rt.Topic = topic
	rp := kmsg.NewDeleteRecordsRequestTopicPartition()
	rp.Partition = partition
	rp.Offset = before
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	req.TimeoutMillis = 10000
	resp, err := req.RequestWith(ctx(tb), c.Client)
	if err != nil {
		tb.Fatalf("testcluster: delete records %s/%d below %d: %v", topic, partition, before, err)
	}
	if err := kerr.ErrorForCode(resp.Topics[0].Partitions[0].ErrorCode); err != nil {
		tb.Fatalf("testcluster: delete records %s/%d below %d: %v", topic, partition, before, err)
	}
}

// Compact compacts every topic with cleanup.policy=compact now. Only kfake
// can be told to; against a real broker the test is skipped.
func (c *Cluster) Compact(tb testing.TB) {
	tb.Helper()
	if c.Fake == nil {
		tb.Skip("testcluster: compaction on demand needs kfake")
	}
	c.Fake.Compact()
}

// Record is a shorthand for a record to topic/partition.
func Record(topic string, partition int32, key, value string) *kgo.Record {
	r := &kgo.Record{Topic: topic, Partition: partition, Value: []byte(value)}
	if key != "" {
		r.Key = []byte(key)
	}
	return r
}

func ctx(tb testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	tb.Cleanup(cancel)
	return c
}
