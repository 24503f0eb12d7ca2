//go:build integration

package e2e

import (
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/athena-kafka/athena-kafka/test/awstest"
	kafkatest "github.com/athena-kafka/athena-kafka/test/kafka"
)

// message is one record to produce. A nil Value is a tombstone.
type message struct {
	Partition int32
	Key       []byte
	Value     []byte
	Headers   []sarama.RecordHeader
	Time      time.Time // zero: now

	Offset int64 // set by produce
}

// newTopic creates a fresh topic with partitions partitions and returns its name.
func newTopic(t *testing.T, prefix string, partitions int32) string {
	t.Helper()
	name := awstest.Unique(prefix)
	addr, cfg, err := kenv.Config(kafkatest.Plaintext, "")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sarama.NewClusterAdmin([]string{addr}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if err := admin.CreateTopic(name, &sarama.TopicDetail{NumPartitions: partitions, ReplicationFactor: 1}, false); err != nil {
		t.Fatalf("create topic %s: %v", name, err)
	}
	return name
}

// produce writes msgs to topic in order, each to its Partition, and records their offsets.
func produce(t *testing.T, topic string, msgs []message) {
	t.Helper()
	addr, cfg, err := kenv.Config(kafkatest.Plaintext, "")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Producer.Partitioner = sarama.NewManualPartitioner
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Producer.Retry.Max = 10
	cfg.Metadata.Retry.Max = 10
	cfg.Net.MaxOpenRequests = 1 // keeps each partition's order through retries
	p, err := sarama.NewSyncProducer([]string{addr}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	pms := make([]*sarama.ProducerMessage, len(msgs))
	for i := range msgs {
		m := &msgs[i]
		pm := &sarama.ProducerMessage{Topic: topic, Partition: m.Partition, Headers: m.Headers, Timestamp: m.Time}
		if m.Key != nil {
			pm.Key = sarama.ByteEncoder(m.Key)
		}
		if m.Value != nil {
			pm.Value = sarama.ByteEncoder(m.Value)
		}
		pms[i] = pm
	}
	// In batches, each in order: SendMessages may reorder across partitions but offsets come back
	// on each message.
	for start := 0; start < len(pms); start += 5000 {
		if err := p.SendMessages(pms[start:min(start+5000, len(pms))]); err != nil {
			t.Fatalf("produce to %s: %v", topic, err)
		}
	}
	for i, pm := range pms {
		if pm.Partition != msgs[i].Partition {
			t.Fatalf("message %d went to partition %d, not %d", i, pm.Partition, msgs[i].Partition)
		}
		msgs[i].Offset = pm.Offset
	}
}
