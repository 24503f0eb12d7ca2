// Command e2e measures the connector end to end: ReadRecords of one split of
// 1,000,000 datatypejson messages from a local broker, through
// federation.Handle on a connector wired as the Lambda wires it (folder
// catalog, generated decoder, metadata columns, encrypted spill to a local
// folder), next to a bare sarama PartitionConsumer and runtime/kafka's
// Client.Read over the same offsets without decoding. It prints rows/s and
// MB/s of each (median of -count runs, interleaved so that machine noise hits
// every path), the ratio full/bare against the target (>= 0.5), and the
// full path's peak RSS against the target (< 512 MB).
//
//	go run ./test/bench/e2e [-n 1000000] [-count 3] [-cpuprofile full.pprof]
//
// The broker is an in-process kfake cluster, or the real broker named by
// KAFKA_BOOTSTRAP. Each path runs in a worker process of its own (this
// program re-executed), reaching the broker over TCP: a worker's peak RSS is
// then its own and not that of the messages the embedded broker holds, and
// no worker's garbage collector scans the broker's heap.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/athena-kafka/athena-kafka/runtime/federation"
	"github.com/athena-kafka/athena-kafka/runtime/spill"
	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// Targets from the design.
const (
	targetRatio   = 0.5       // full path rows/s over the bare sarama read
	targetPeakRSS = 512 << 20 // peak RSS of the full-path process
)

func main() {
	n := flag.Int("n", 1_000_000, "messages in the split")
	count := flag.Int("count", 3, "runs per path; the median is reported")
	schemas := flag.String("schemas", "schemas", "folder catalog holding <table>.json")
	tableName := flag.String("table", "datatypejson", "table (schema document) to read")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the full-path worker to this file")
	worker := flag.String("worker", "", "internal: run as the worker described by this JSON")
	flag.Parse()
	if *worker != "" {
		var args workerArgs
		if err := json.Unmarshal([]byte(*worker), &args); err != nil {
			fail(err)
		}
		if err := runWorker(args); err != nil {
			fail(fmt.Errorf("worker %s: %w", args.Path, err))
		}
		return
	}
	if *n < 1 || *count < 1 {
		fmt.Fprintln(os.Stderr, "e2e: -n and -count must be positive")
		os.Exit(2)
	}
	if err := run(*n, *count, *schemas, *tableName, *cpuprofile); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
	os.Exit(1)
}

func run(n, count int, schemasDir, tableName, cpuprofile string) error {
	ctx := context.Background()
	b, err := startBroker()
	if err != nil {
		return err
	}
	defer b.close()
	t, err := prepareTable(b, schemasDir, tableName)
	if err != nil {
		return err
	}
	defer t.cleanup()
	where := "an embedded kfake broker"
	if b.external {
		where = "KAFKA_BOOTSTRAP " + b.addrs[0]
		defer func() {
			if err := deleteTopic(ctx, b, t.topic); err != nil {
				fmt.Fprintf(os.Stderr, "e2e: delete topic %s: %v\n", t.topic, err)
			}
		}()
	}
	fmt.Fprintf(os.Stderr, "e2e: producing %d messages to %s on %s\n", n, t.topic, where)
	p, err := produce(ctx, b, t.topic, n)
	if err != nil {
		return err
	}
	debug.FreeOSMemory()

	spillDir, err := os.MkdirTemp("", "e2e-spill-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(spillDir)
	if cpuprofile != "" {
		if cpuprofile, err = filepath.Abs(cpuprofile); err != nil {
			return err
		}
	}

	paths := []string{pathSarama, pathKafka, pathFull}
	workers := map[string]*workerProc{}
	defer func() {
		for _, w := range workers {
			w.kill()
		}
	}()
	for _, path := range paths {
		args := workerArgs{Path: path, Brokers: b.addrs, Topic: t.topic, Table: t.name,
			SchemasDir: t.schemasDir, SpillDir: spillDir, N: int64(n)}
		if path == pathFull {
			args.CPUProfile = cpuprofile
		}
		w, err := startWorker(args)
		if err != nil {
			return err
		}
		workers[path] = w
	}

	runs := map[string][]result{}
	var spilledBytes int64
	for i := range count {
		// Rotate the order so that no path always runs first or last.
		for j := range paths {
			path := paths[(i+j)%len(paths)]
			r, err := workers[path].run()
			if err != nil {
				return fmt.Errorf("%s run %d: %w", path, i+1, err)
			}
			if path == pathFull {
				rows, size, err := verify(r.Response, spillDir, p)
				if err != nil {
					return fmt.Errorf("full path run %d: %w", i+1, err)
				}
				if rows != int64(n) || r.Records != int64(n) || r.Corrupt != 0 {
					return fmt.Errorf("full path run %d: %d rows in the spilled blocks, %d logged, %d corrupt; want exactly %d, none corrupt", i+1, rows, r.Records, r.Corrupt, n)
				}
				spilledBytes = size
			} else if r.Records != int64(n) || r.Bytes != p.bytes {
				return fmt.Errorf("%s run %d: read %d records, %d bytes; want %d, %d", path, i+1, r.Records, r.Bytes, n, p.bytes)
			}
			fmt.Fprintf(os.Stderr, "e2e: run %d/%d %-6s %6.2fs (%.2f s CPU)\n", i+1, count, path, r.Seconds, r.CPU)
			runs[path] = append(runs[path], r)
		}
	}
	finals := map[string]result{}
	for _, path := range paths {
		f, err := workers[path].finish()
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		finals[path] = f
	}

	report(n, count, where, p, runs, finals, spilledBytes)
	if cpuprofile != "" {
		fmt.Printf("\nCPU profile of the full-path worker: %s (go tool pprof -top %s)\n", cpuprofile, cpuprofile)
	}
	return nil
}

func report(n, count int, where string, p *produced, runs map[string][]result, finals map[string]result, spilled int64) {
	full := runs[pathFull][0]
	fmt.Printf("ReadRecords of one split of %d messages (%.0f B JSON values, %.0f B with the key; uncompressed) from %s;\n",
		n, float64(p.values)/float64(n), float64(p.bytes)/float64(n), where)
	fmt.Printf("median of %d interleaved runs per path, each path in its own process. MB/s = key+value bytes / s;\n", count)
	fmt.Printf("CPU s = the path's process CPU time per run (the broker's is not included).\n")
	fmt.Printf("full path: decoder %s, %d spilled blocks (%.0f MB encrypted Arrow IPC) to a local folder.\n\n",
		full.Decoder, full.Spilled, float64(spilled)/1e6)
	fmt.Printf("%-44s %8s %12s %8s %8s %10s %6s\n", "path", "seconds", "rows/s", "MB/s", "CPU s", "peak RSS", "GCs")
	rate := map[string]float64{}
	names := map[string]string{
		pathSarama: "bare sarama PartitionConsumer (8 MiB fetch)",
		pathKafka:  "runtime/kafka Client.Read (Lambda config)",
		pathFull:   "full path: Handle(ReadRecords) + spill",
	}
	for _, path := range []string{pathSarama, pathKafka, pathFull} {
		med := median(runs[path], func(r result) float64 { return r.Seconds })
		cpu := median(runs[path], func(r result) float64 { return r.CPU })
		rate[path] = float64(n) / med
		f := finals[path]
		fmt.Printf("%-44s %8.2f %12.0f %8.1f %8.2f %7.0f MB %6d\n", names[path], med, rate[path], float64(p.bytes)/med/1e6,
			cpu, float64(f.PeakRSS)/(1<<20), f.NumGC)
	}
	fmt.Println()
	ratio := rate[pathFull] / rate[pathSarama]
	mark := "PASS"
	if ratio < targetRatio {
		mark = "FAIL"
	}
	fmt.Printf("full path / bare sarama read:     %.2fx (target >= %.1fx) %s\n", ratio, targetRatio, mark)
	fmt.Printf("full path / runtime/kafka Read:   %.2fx\n", rate[pathFull]/rate[pathKafka])
	f := finals[pathFull]
	mark = "PASS"
	if f.PeakRSS >= targetPeakRSS {
		mark = "FAIL"
	}
	limit := f.GoMemLimit
	if limit == "" {
		limit = "unset"
	}
	fmt.Printf("peak RSS of the full-path process: %.0f MB (VmHWM; target < %d MB) %s\n", float64(f.PeakRSS)/(1<<20), targetPeakRSS>>20, mark)
	if hwm, err := peakRSS(); err == nil {
		fmt.Printf("  (this process, which holds the broker and the %d produced messages, peaked at %.0f MB)\n", n, float64(hwm)/(1<<20))
	}
	fmt.Printf("  Go runtime there: HeapSys %.0f MB, %.0f MB allocated in total, %d GCs, %.1f ms GC pauses, GC CPU %.1f%%, GOMEMLIMIT %s\n",
		float64(f.HeapSys)/(1<<20), float64(f.TotalAlloc)/(1<<20), f.NumGC, f.GCPauseMS, 100*f.GCCPU, limit)
}

func median(rs []result, v func(result) float64) float64 {
	xs := make([]float64, len(rs))
	for i, r := range rs {
		xs[i] = v(r)
	}
	slices.Sort(xs)
	return xs[len(xs)/2]
}

// workerProc is a running worker.
type workerProc struct {
	path string
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Scanner
}

func startWorker(args workerArgs) (*workerProc, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	spec, err := json.Marshal(args)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "-worker", string(spec))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start worker %s: %w", args.Path, err)
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	return &workerProc{path: args.Path, cmd: cmd, in: in, out: sc}, nil
}

// run asks for one measured run.
func (w *workerProc) run() (result, error) {
	if _, err := io.WriteString(w.in, "run\n"); err != nil {
		return result{}, err
	}
	return w.read()
}

func (w *workerProc) read() (result, error) {
	if !w.out.Scan() {
		return result{}, errors.Join(fmt.Errorf("worker %s stopped", w.path), w.out.Err())
	}
	var r result
	if err := json.Unmarshal(w.out.Bytes(), &r); err != nil {
		return r, err
	}
	if r.Error != "" {
		return r, errors.New(r.Error)
	}
	return r, nil
}

// finish ends the worker's input and returns its final statistics.
func (w *workerProc) finish() (result, error) {
	_ = w.in.Close()
	r, err := w.read()
	if werr := w.cmd.Wait(); err == nil && werr != nil {
		err = werr
	}
	w.cmd = nil
	return r, err
}

func (w *workerProc) kill() {
	if w.cmd != nil && w.cmd.Process != nil {
		_ = w.cmd.Process.Kill()
		_ = w.cmd.Wait()
	}
}

// verify reads the full path's answer back as Athena would (spilled blocks
// from the folder, decrypted, decoded) and checks every row: offsets 0..n-1
// in order, intcol as produced, no corrupt message. It deletes the blocks
// and returns the rows and the bytes spilled.
func verify(out []byte, spillDir string, p *produced) (rows, size int64, err error) {
	resp, err := federation.DecodeResponse(out)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Release()
	rr, ok := resp.(*federation.RemoteReadRecordsResponse)
	if !ok {
		return 0, 0, fmt.Errorf("ReadRecords answered %T, want spilled blocks (RemoteReadRecordsResponse)", resp)
	}
	if rr.EncryptionKey == nil {
		return 0, 0, errors.New("the spilled blocks are not encrypted, but the Lambda's default is to encrypt them")
	}
	store := spill.NewFolder(spillDir)
	mem := memory.NewGoAllocator()
	for _, loc := range rr.RemoteBlocks {
		path, err := store.Path(loc.Bucket, loc.Key)
		if err != nil {
			return rows, size, err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return rows, size, err
		}
		size += int64(len(data))
		if data, err = spill.Open(rr.EncryptionKey.Key, rr.EncryptionKey.Nonce, data); err != nil {
			return rows, size, fmt.Errorf("decrypt %s: %w", loc.Key, err)
		}
		rec, err := federation.DecodeRecordBatch(rr.Schema, data, mem)
		if err != nil {
			return rows, size, fmt.Errorf("decode %s: %w", loc.Key, err)
		}
		err = checkRows(rec, rows, p)
		rows += rec.NumRows()
		rec.Release()
		if err != nil {
			return rows, size, fmt.Errorf("block %s: %w", loc.Key, err)
		}
		if err := os.Remove(path); err != nil {
			return rows, size, err
		}
	}
	return rows, size, nil
}

func checkRows(rec arrow.RecordBatch, first int64, p *produced) error {
	col := func(name string) (arrow.Array, error) {
		idx := rec.Schema().FieldIndices(name)
		if len(idx) != 1 {
			return nil, fmt.Errorf("no column %s", name)
		}
		return rec.Column(idx[0]), nil
	}
	oc, err := col(topic.ColPartitionOffset)
	if err != nil {
		return err
	}
	ic, err := col("intcol")
	if err != nil {
		return err
	}
	cc, err := col(topic.ColMessageCorrupt)
	if err != nil {
		return err
	}
	offs, ints, bad := oc.(*array.Int64), ic.(*array.Int32), cc.(*array.Boolean)
	for i := 0; i < int(rec.NumRows()); i++ {
		want := first + int64(i)
		if offs.Value(i) != want {
			return fmt.Errorf("row %d has offset %d, want %d", i, offs.Value(i), want)
		}
		if want >= int64(len(p.intcols)) || ints.IsNull(i) || ints.Value(i) != p.intcols[want] {
			return fmt.Errorf("offset %d: intcol %v, want %d", want, ints.ValueStr(i), p.intcols[min(want, int64(len(p.intcols)-1))])
		}
		if bad.Value(i) {
			return fmt.Errorf("offset %d: _message_corrupt is true", want)
		}
	}
	return nil
}
