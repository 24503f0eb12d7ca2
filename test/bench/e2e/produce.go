package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// table is the topic under test: the datatypejson schema document and the
// folder catalog that serves it.
type table struct {
	name       string // table name (the document's base name)
	topic      string // Kafka topic
	schemasDir string // folder catalog
	cleanup    func()
}

// broker is the embedded kfake cluster, or the real one of KAFKA_BOOTSTRAP.
type broker struct {
	addrs    []string
	fake     *kfake.Cluster
	external bool
}

func startBroker() (*broker, error) {
	if bs := os.Getenv("KAFKA_BOOTSTRAP"); bs != "" {
		return &broker{addrs: strings.Split(bs, ","), external: true}, nil
	}
	f, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		return nil, fmt.Errorf("start kfake: %w", err)
	}
	return &broker{addrs: f.ListenAddrs(), fake: f}, nil
}

func (b *broker) close() {
	if b.fake != nil {
		b.fake.Close()
	}
}

// prepareTable reads schemas/<name>.json and decides the topic. On kfake the
// topic is the document's topicName; on a real broker, where that topic may
// already hold data, it is a fresh topic named after it, served by a copy of
// the document in a temporary folder (the fingerprint ignores the topic
// name, so the generated decoder still applies).
func prepareTable(b *broker, schemasDir, name string) (*table, error) {
	path := filepath.Join(schemasDir, name+".json")
	doc, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := topic.Parse(doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	abs, err := filepath.Abs(schemasDir)
	if err != nil {
		return nil, err
	}
	t := &table{name: name, topic: s.TopicName, schemasDir: abs, cleanup: func() {}}
	if !b.external {
		return t, nil
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	t.topic = s.TopicName + "-bench-" + hex.EncodeToString(rnd[:])
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m["topicName"] = t.topic
	out, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "e2e-schemas-")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, name+".json"), out, 0o644); err != nil {
		return nil, err
	}
	t.schemasDir = dir
	t.cleanup = func() { _ = os.RemoveAll(dir) }
	return t, nil
}

// row is one message of the datatypejson shape.
type row struct {
	Intcol       int32   `json:"intcol"`
	Varcharcol   string  `json:"varcharcol"`
	Booleancol   bool    `json:"booleancol"`
	Bigintcol    int64   `json:"bigintcol"`
	Doublecol    float64 `json:"doublecol"`
	Smallintcol  int16   `json:"smallintcol"`
	Tinyintcol   int8    `json:"tinyintcol"`
	Datecol      string  `json:"datecol"`
	Timestampcol string  `json:"timestampcol"`
}

var words = []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett"}

// message returns the key and row of message i: ids, amounts and text of
// realistic widths (a value is ~215 bytes of JSON).
func message(rng *mrand.Rand, i int) (key []byte, r row) {
	ts := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).
		Add(time.Duration(rng.Int64N(5*365*24*3600)) * time.Second).
		Add(time.Duration(rng.IntN(1000)) * time.Millisecond)
	r = row{
		Intcol:       rng.Int32N(10_000_000),
		Varcharcol:   words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))] + " " + strconv.Itoa(rng.IntN(1e6)) + " " + words[rng.IntN(len(words))],
		Booleancol:   rng.IntN(2) == 0,
		Bigintcol:    rng.Int64N(10_000_000_000_000),
		Doublecol:    math.Round(rng.Float64()*1e7) / 100,
		Smallintcol:  int16(rng.IntN(65536) - 32768),
		Tinyintcol:   int8(rng.IntN(256) - 128),
		Datecol:      ts.Format("2006-01-02"),
		Timestampcol: ts.Format("2006-01-02 15:04:05.000"),
	}
	return []byte("user-" + strconv.Itoa(i%50_000)), r
}

// produced says what went into the partition.
type produced struct {
	n       int
	bytes   int64   // key + value bytes
	values  int64   // value bytes
	intcols []int32 // intcol of each offset, to check the decoded rows
}

// produce creates the 1-partition topic and writes n messages to it in large
// uncompressed batches, printing progress on stderr.
func produce(ctx context.Context, b *broker, topicName string, n int) (*produced, error) {
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(b.addrs...),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
		kgo.ProducerBatchMaxBytes(1<<20),
		kgo.ProducerLinger(5*time.Millisecond),
		kgo.MaxBufferedRecords(200_000),
	)
	if err != nil {
		return nil, fmt.Errorf("producer for %v: %w", b.addrs, err)
	}
	defer cl.Close()
	if err := createTopic(ctx, cl, topicName); err != nil {
		return nil, err
	}

	p := &produced{n: n, intcols: make([]int32, n)}
	rng := mrand.New(mrand.NewPCG(7, 7))
	var (
		mu       sync.Mutex
		firstErr error
	)
	began := time.Now()
	for i := 0; i < n; i++ {
		key, r := message(rng, i)
		v, err := json.Marshal(&r)
		if err != nil {
			return nil, err
		}
		p.intcols[i] = r.Intcol
		p.bytes += int64(len(key) + len(v))
		p.values += int64(len(v))
		cl.Produce(ctx, &kgo.Record{Topic: topicName, Partition: 0, Key: key, Value: v}, func(_ *kgo.Record, err error) {
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		})
		if (i+1)%200_000 == 0 {
			fmt.Fprintf(os.Stderr, "e2e: produced %d/%d messages (%.0f B avg, %.1fs)\n", i+1, n, float64(p.bytes)/float64(i+1), time.Since(began).Seconds())
		}
	}
	if err := cl.Flush(ctx); err != nil {
		return nil, fmt.Errorf("flush: %w", err)
	}
	if firstErr != nil {
		return nil, fmt.Errorf("produce to %s: %w", topicName, firstErr)
	}
	fmt.Fprintf(os.Stderr, "e2e: %d messages, %.1f MB (key+value) in topic %s in %.1fs\n", n, float64(p.bytes)/1e6, topicName, time.Since(began).Seconds())
	return p, nil
}

func createTopic(ctx context.Context, cl *kgo.Client, name string) error {
	req := kmsg.NewPtrCreateTopicsRequest()
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic = name
	rt.NumPartitions = 1
	rt.ReplicationFactor = 1
	req.Topics = append(req.Topics, rt)
	req.TimeoutMillis = 10_000
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return fmt.Errorf("create topic %s: %w", name, err)
	}
	if err := kerr.ErrorForCode(resp.Topics[0].ErrorCode); err != nil {
		return fmt.Errorf("create topic %s: %w (the benchmark needs an empty topic)", name, err)
	}
	// A real broker needs a moment before the leader is known.
	deadline := time.Now().Add(10 * time.Second)
	for {
		mreq := kmsg.NewPtrMetadataRequest()
		mt := kmsg.NewMetadataRequestTopic()
		mt.Topic = kmsg.StringPtr(name)
		mreq.Topics = append(mreq.Topics, mt)
		mresp, err := mreq.RequestWith(ctx, cl)
		if err == nil && len(mresp.Topics) == 1 && mresp.Topics[0].ErrorCode == 0 &&
			len(mresp.Topics[0].Partitions) == 1 && mresp.Topics[0].Partitions[0].Leader >= 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("topic %s has no leader after 10s (%v)", name, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// deleteTopic removes the topic a real broker got for the run.
func deleteTopic(ctx context.Context, b *broker, name string) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.addrs...))
	if err != nil {
		return err
	}
	defer cl.Close()
	req := kmsg.NewPtrDeleteTopicsRequest()
	rt := kmsg.NewDeleteTopicsRequestTopic()
	rt.Topic = kmsg.StringPtr(name)
	req.Topics = append(req.Topics, rt)
	req.TopicNames = append(req.TopicNames, name)
	req.TimeoutMillis = 10_000
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return err
	}
	return kerr.ErrorForCode(resp.Topics[0].ErrorCode)
}
