package kafka_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/athena-kafka/athena-kafka/runtime/kafka"
	"github.com/athena-kafka/athena-kafka/runtime/kafka/testcluster"
)

// BenchmarkRead reads one partition of 20,000 ~220-byte JSON records with
// Client.Read and, for comparison, with a bare sarama PartitionConsumer
// (both read_committed, 1 MiB fetches). Bytes are key and value bytes
// delivered.
func BenchmarkRead(b *testing.B) {
	const n = 20000
	c := testcluster.Start(b)
	topic := c.Topic(b, 1, nil)
	var size int64
	for i := 0; i < n; i += 500 {
		recs := make([]*kgo.Record, 500)
		for j := range recs {
			v := fmt.Sprintf(`{"id":%d,"name":"user-%d","city":"Lisbon","amount":%d.25,"ok":true,"at":"2026-11-26T18:48:18.123Z","pad":"%s"}`,
				i+j, i+j, (i+j)%1000, strings.Repeat("x", 100))
			recs[j] = testcluster.Record(topic, 0, fmt.Sprintf("key-%d", i+j), v)
			size += int64(len(recs[j].Key) + len(v))
		}
		c.Produce(b, recs...)
	}
	cfg := c.Config(sarama.ReadCommitted)

	b.Run("kafka.Read", func(b *testing.B) {
		kc, err := kafka.New(c.Brokers, cfg)
		if err != nil {
			b.Fatal(err)
		}
		defer kc.Close()
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			var got int64
			st, err := kc.Read(context.Background(), topic, 0, 0, n, func(r *kafka.Record) error {
				got += int64(len(r.Key) + len(r.Value))
				return nil
			})
			if err != nil || st.Records != n || got != size {
				b.Fatalf("read %d records, %d bytes, err %v", st.Records, got, err)
			}
		}
	})

	// The consumer's broker wait (500 ms by default) would dominate: it
	// waits at the end of the data. 1 ms measures its throughput instead.
	b.Run("sarama.PartitionConsumer", func(b *testing.B) {
		cfg := c.Config(sarama.ReadCommitted)
		cfg.Consumer.MaxWaitTime = time.Millisecond
		sc, err := sarama.NewClient(c.Brokers, cfg)
		if err != nil {
			b.Fatal(err)
		}
		defer sc.Close()
		cons, err := sarama.NewConsumerFromClient(sc)
		if err != nil {
			b.Fatal(err)
		}
		defer cons.Close()
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			pc, err := cons.ConsumePartition(topic, 0, 0)
			if err != nil {
				b.Fatal(err)
			}
			var got int64
			for m := range pc.Messages() {
				got += int64(len(m.Key) + len(m.Value))
				if m.Offset == n-1 {
					break
				}
			}
			pc.AsyncClose()
			for range pc.Messages() {
			}
			if got != size {
				b.Fatalf("read %d bytes, want %d", got, size)
			}
		}
	})
}
