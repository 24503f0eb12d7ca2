package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/IBM/sarama"
	"github.com/apache/arrow-go/v18/arrow"

	_ "github.com/athena-kafka/athena-kafka/generated" // the generated decoders, as the Lambda registers them
	"github.com/athena-kafka/athena-kafka/runtime/auth"
	"github.com/athena-kafka/athena-kafka/runtime/catalog"
	"github.com/athena-kafka/athena-kafka/runtime/connector"
	"github.com/athena-kafka/athena-kafka/runtime/federation"
	"github.com/athena-kafka/athena-kafka/runtime/kafka"
	"github.com/athena-kafka/athena-kafka/runtime/spill"
)

// The paths measured, each in a worker process of its own so that its peak
// RSS is its own and its heap is not the broker's.
const (
	pathSarama = "sarama" // sarama PartitionConsumer, no decoding
	pathKafka  = "kafka"  // runtime/kafka Client.Read, no decoding
	pathFull   = "full"   // federation.Handle(ReadRecordsRequest) on the connector, spilling
)

// workerArgs tell a worker where the data is.
type workerArgs struct {
	Path       string
	Brokers    []string
	Topic      string
	Table      string
	SchemasDir string
	SpillDir   string
	N          int64
	CPUProfile string
}

// result is one line a worker writes: a measured run, or (Final) its
// process statistics when its input ends.
type result struct {
	Seconds float64 `json:",omitempty"`
	CPU     float64 `json:",omitempty"` // user + system seconds of the worker during the run
	Records int64   `json:",omitempty"` // records read (baselines) or rows the connector logged (full)
	Bytes   int64   `json:",omitempty"` // key + value bytes seen (baselines)

	// Full path only.
	Response []byte `json:",omitempty"` // Handle's answer, checked by the parent
	Decoder  string `json:",omitempty"`
	Corrupt  int64  `json:",omitempty"`
	Spilled  int64  `json:",omitempty"`

	Final      bool    `json:",omitempty"`
	PeakRSS    int64   `json:",omitempty"` // VmHWM, bytes
	HeapSys    uint64  `json:",omitempty"`
	TotalAlloc uint64  `json:",omitempty"`
	NumGC      uint32  `json:",omitempty"`
	GCPauseMS  float64 `json:",omitempty"`
	GCCPU      float64 `json:",omitempty"`
	GoMemLimit string  `json:",omitempty"`

	Error string `json:",omitempty"`
}

// runWorker serves one path: a line on stdin runs it once and answers one
// JSON line on stdout; end of input answers the final statistics.
func runWorker(args workerArgs) error {
	ctx := context.Background()
	if args.CPUProfile != "" {
		f, err := os.Create(args.CPUProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() {
			pprof.StopCPUProfile()
			_ = f.Close()
		}()
	}
	var run func() result
	var closer func()
	switch args.Path {
	case pathSarama:
		run, closer = saramaRead(args)
	case pathKafka:
		run, closer = kafkaRead(args)
	case pathFull:
		run, closer = fullPath(ctx, args)
	default:
		return fmt.Errorf("unknown path %q", args.Path)
	}
	defer closer()

	in := bufio.NewScanner(os.Stdin)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		before := cpuSeconds()
		r := run()
		r.CPU = cpuSeconds() - before
		if err := out.Encode(r); err != nil {
			return err
		}
	}
	return out.Encode(finalStats())
}

func fatal(err error) (func() result, func()) {
	return func() result { return result{Error: err.Error()} }, func() {}
}

// saramaConfig is what the connector's wiring builds for NO_AUTH with the
// default read_committed isolation.
func saramaConfig() *sarama.Config {
	cfg, err := auth.Config(auth.NoAuth, auth.Credentials{}, nil)
	if err != nil {
		panic(err) // NO_AUTH needs nothing
	}
	cfg.ClientID = "athena-kafka"
	cfg.Consumer.IsolationLevel = sarama.ReadCommitted
	return cfg
}

// saramaRead is the bare read: a PartitionConsumer from offset 0 that stops
// at the last offset, touching each value's length.
func saramaRead(args workerArgs) (func() result, func()) {
	cfg := saramaConfig()
	cfg.Consumer.Fetch.Default = 8 << 20
	cfg.Consumer.MaxWaitTime = 10 * time.Millisecond // it waits only at the end of the data
	sc, err := sarama.NewClient(args.Brokers, cfg)
	if err != nil {
		return fatal(err)
	}
	cons, err := sarama.NewConsumerFromClient(sc)
	if err != nil {
		_ = sc.Close()
		return fatal(err)
	}
	return func() result {
			began := time.Now()
			pc, err := cons.ConsumePartition(args.Topic, 0, 0)
			if err != nil {
				return result{Error: err.Error()}
			}
			var r result
			for m := range pc.Messages() {
				r.Records++
				r.Bytes += int64(len(m.Key) + len(m.Value))
				if m.Offset == args.N-1 {
					break
				}
			}
			r.Seconds = time.Since(began).Seconds()
			pc.AsyncClose()
			for range pc.Messages() {
			}
			return r
		}, func() {
			_ = cons.Close()
			_ = sc.Close()
		}
}

// kafkaRead is runtime/kafka's Client.Read with the connector's
// configuration, without decoding.
func kafkaRead(args workerArgs) (func() result, func()) {
	kc, err := kafka.New(args.Brokers, saramaConfig())
	if err != nil {
		return fatal(err)
	}
	return func() result {
		began := time.Now()
		var r result
		_, err := kc.Read(context.Background(), args.Topic, 0, 0, args.N, func(rec *kafka.Record) error {
			r.Records++
			r.Bytes += int64(len(rec.Key) + len(rec.Value))
			return nil
		})
		r.Seconds = time.Since(began).Seconds()
		if err != nil {
			r.Error = err.Error()
		}
		return r
	}, func() { _ = kc.Close() }
}

// fullPath wires the connector as lambda/wire.go does for a folder catalog,
// NO_AUTH, read_committed, metadata columns and encrypted spills to a local
// folder, and times federation.Handle on a ReadRecordsRequest for the one
// split GetSplits plans over [0, N).
func fullPath(ctx context.Context, args workerArgs) (func() result, func()) {
	cat, err := catalog.NewFolder(args.SchemasDir)
	if err != nil {
		return fatal(err)
	}
	logs := &splitLog{}
	conn, err := connector.New(connector.Options{
		Catalog:            cat,
		Kafka:              func(context.Context) (*kafka.Client, error) { return kafka.New(args.Brokers, saramaConfig()) },
		Store:              spill.NewFolder(args.SpillDir),
		SpillBucket:        "local",
		Keys:               spill.Keys(false, "", nil),
		MaxRecordsPerSplit: args.N, // one split for the whole range
		MetadataColumns:    true,
		Logger:             slog.New(logs),
	})
	if err != nil {
		return fatal(err)
	}
	a := &caller{h: conn, header: federation.RequestHeader{
		Identity:    federation.Identity{ID: "UNKNOWN", Principal: "UNKNOWN", Account: "000000000000", Arn: "arn:aws:iam::000000000000:user/bench", Tags: federation.Map{}, Groups: []string{}, ConfigOptions: federation.Map{}},
		CatalogName: "kafka",
	}}
	tn := federation.TableName{SchemaName: catalog.FolderDatabase, TableName: args.Table}
	gt, err := call[*federation.GetTableResponse](ctx, a, &federation.GetTableRequest{TableName: tn, QueryPassthrough: federation.Map{}})
	if err != nil {
		_ = conn.Close()
		return fatal(err)
	}
	schema := gt.Schema
	runs := 0
	return func() result {
		runs++
		a.header.QueryID = "e2e-" + strconv.Itoa(runs)
		cons := federation.Constraints{Limit: federation.NoLimit, Summary: []federation.ColumnSet{}}
		split, err := planSplit(ctx, a, tn, schema, cons, args.N)
		if err != nil {
			return result{Error: err.Error()}
		}
		req := &federation.ReadRecordsRequest{RequestHeader: a.header, TableName: tn, Schema: schema, Split: split,
			Constraints: cons, MaxBlockSize: 16_000_000, MaxInlineBlockSize: 5_242_880}
		data, err := federation.EncodeRequest(req, federation.CurrentVersion)
		if err != nil {
			return result{Error: err.Error()}
		}
		*logs = splitLog{}
		began := time.Now()
		out, err := federation.Handle(ctx, conn, data)
		r := result{Seconds: time.Since(began).Seconds(), Response: out}
		if err != nil {
			r.Error = err.Error()
		}
		r.Records, r.Decoder, r.Corrupt, r.Spilled = logs.rows, logs.decoder, logs.corrupt, logs.spilled
		return r
	}, func() { _ = conn.Close() }
}

// planSplit asks GetTableLayout and GetSplits, as Athena does, and checks
// that the plan is one split over [0, n).
func planSplit(ctx context.Context, a *caller, tn federation.TableName, schema *arrow.Schema, cons federation.Constraints, n int64) (federation.Split, error) {
	var none federation.Split
	layout, err := call[*federation.GetTableLayoutResponse](ctx, a, &federation.GetTableLayoutRequest{TableName: tn, Constraints: cons, Schema: schema, PartitionColumns: []string{}})
	if err != nil {
		return none, err
	}
	defer layout.Partitions.Release()
	sp, err := call[*federation.GetSplitsResponse](ctx, a, &federation.GetSplitsRequest{TableName: tn, Partitions: layout.Partitions, PartitionColumns: []string{}, Constraints: cons})
	if err != nil {
		return none, err
	}
	if len(sp.Splits) != 1 || sp.ContinuationToken != nil {
		return none, fmt.Errorf("GetSplits planned %d splits, want one over [0, %d)", len(sp.Splits), n)
	}
	s := sp.Splits[0]
	start, _ := s.Properties.Get("startOffset")
	end, _ := s.Properties.Get("endOffset")
	if start != "0" || end != strconv.FormatInt(n, 10) {
		return none, fmt.Errorf("the split covers [%s, %s), want [0, %d): is the topic empty before the run?", start, end, n)
	}
	return s, nil
}

// caller plays Athena: requests go through JSON and federation.Handle.
type caller struct {
	h      federation.Handler
	header federation.RequestHeader
}

func call[T federation.Response](ctx context.Context, a *caller, req federation.Request) (T, error) {
	var zero T
	*req.Header() = a.header
	data, err := federation.EncodeRequest(req, federation.CurrentVersion)
	if err != nil {
		return zero, err
	}
	out, err := federation.Handle(ctx, a.h, data)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", req.Type(), err)
	}
	resp, err := federation.DecodeResponse(out)
	if err != nil {
		return zero, err
	}
	t, ok := resp.(T)
	if !ok {
		resp.Release()
		return zero, fmt.Errorf("%s answered %T, want %T", req.Type(), resp, zero)
	}
	return t, nil
}

// splitLog keeps the counts of the connector's "split read" log line and
// drops every other line.
type splitLog struct {
	rows, corrupt, spilled int64
	decoder                string
}

func (l *splitLog) Enabled(_ context.Context, lv slog.Level) bool { return lv >= slog.LevelInfo }

func (l *splitLog) Handle(_ context.Context, r slog.Record) error {
	if r.Level >= slog.LevelWarn {
		fmt.Fprintf(os.Stderr, "e2e: connector: %s\n", r.Message)
	}
	if r.Message != "split read" {
		return nil
	}
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "rows":
			l.rows = a.Value.Int64()
		case "decode_errors":
			l.corrupt = a.Value.Int64()
		case "spilled_blocks":
			l.spilled = a.Value.Int64()
		case "decoder":
			l.decoder = a.Value.String()
		}
		return true
	})
	return nil
}

func (l *splitLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *splitLog) WithGroup(string) slog.Handler      { return l }

// finalStats reads the process's peak RSS and the Go runtime's memory
// statistics.
func finalStats() result {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r := result{Final: true, HeapSys: ms.HeapSys, TotalAlloc: ms.TotalAlloc, NumGC: ms.NumGC,
		GCPauseMS: float64(ms.PauseTotalNs) / 1e6, GCCPU: ms.GCCPUFraction, GoMemLimit: os.Getenv("GOMEMLIMIT")}
	hwm, err := peakRSS()
	if err != nil {
		r.Error = err.Error()
	}
	r.PeakRSS = hwm
	return r
}

// cpuSeconds is the user and system CPU time of the process so far: on a
// shared machine it varies less than wall time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// peakRSS is VmHWM from /proc/self/status, in bytes.
func peakRSS() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.Join(errors.New("no VmHWM in /proc/self/status"), s.Err())
}
