//go:build integration

package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/athena-kafka/athena-kafka/runtime/federation"
	"github.com/athena-kafka/athena-kafka/runtime/spill"
	"github.com/athena-kafka/athena-kafka/test/awstest"
	lambdatest "github.com/athena-kafka/athena-kafka/test/lambda"
)

// invokeTimeout bounds one invocation: a hang is a failure, not a stuck suite.
const invokeTimeout = 90 * time.Second

// world is one test's AWS side: a moto with a marked Glue registry and a spill bucket.
type world struct {
	moto     *awstest.Moto
	registry string // the Athena database
	bucket   string // spill bucket
}

// newWorld starts (or joins, with MOTO_ENDPOINT) moto and creates a marked registry and a spill bucket
// with unique names.
func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{moto: awstest.Start(t), registry: awstest.Unique("e2e_"), bucket: awstest.Unique("spill-")}
	ctx := context.Background()
	if err := awstest.EnsureRegistry(ctx, w.moto.Glue(), w.registry, awstest.Marker+" athena-kafka e2e"); err != nil {
		t.Fatal(err)
	}
	w.createBucket(t, w.bucket)
	return w
}

func (w *world) createBucket(t *testing.T, name string) {
	t.Helper()
	_, err := w.moto.S3().CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)})
	var owned *s3types.BucketAlreadyOwnedByYou
	var exists *s3types.BucketAlreadyExists
	if err != nil && !errors.As(err, &owned) && !errors.As(err, &exists) {
		t.Fatalf("create bucket %s: %v", name, err)
	}
}

// seedDoc registers a schema document as table name of the world's registry, with its topicName
// replaced by topic (the fields, and so the fingerprint, stay those of the document).
func (w *world) seedDoc(t *testing.T, name, doc, topic string) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatalf("schema %s: %v", name, err)
	}
	m["topicName"] = topic
	b, _ := json.Marshal(m)
	if err := awstest.PutSchema(context.Background(), w.moto.Glue(), w.registry, name, "JSON", string(b)); err != nil {
		t.Fatal(err)
	}
}

// seedFile seeds schemas/<name>.json of the repository for topic.
func (w *world) seedFile(t *testing.T, name, topic string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(), "schemas", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	w.seedDoc(t, name, string(b), topic)
}

// env is the production environment of a function talking to this world and the broker's
// PLAINTEXT listener; extra entries ("name=value") override it.
func (w *world) env(extra ...string) []string {
	return append([]string{
		"AWS_ENDPOINT_URL=" + w.moto.Endpoint,
		"AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_SESSION_TOKEN=",
		"AWS_REGION=" + awstest.Region, "AWS_DEFAULT_REGION=" + awstest.Region,
		"AWS_LAMBDA_FUNCTION_TIMEOUT=120",
		"kafka_endpoint=" + kenv.Bootstrap,
		"auth_type=NO_AUTH",
		"spill_bucket=" + w.bucket,
	}, extra...)
}

// get reads an object from the world's S3.
func (w *world) get(t *testing.T, bucket, key string) []byte {
	t.Helper()
	out, err := w.moto.S3().GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("get s3://%s/%s: %v", bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func repoRoot() string { return filepath.Dir(lambdatest.TestDir()) }

// function is our bootstrap running under the emulator.
type function struct {
	emu *lambdatest.Emulator
}

// startFunction runs the bootstrap under RIE on free loopback ports with env, and stops it when t
// ends (printing the function's log if t failed).
func startFunction(t *testing.T, env ...string) *function {
	t.Helper()
	var lastErr error
	for range 3 {
		port, err := freePorts()
		if err != nil {
			t.Fatal(err)
		}
		emu, err := lambdatest.Start(bootstrap, port, env...)
		if err != nil {
			lastErr = err
			continue
		}
		f := &function{emu: emu}
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("function log (%s), the function's own lines:\n%s", emu.LogFile, tail(functionLines(emu.Log()), 40))
			}
			if err := emu.Stop(); err != nil {
				t.Errorf("stop the emulator: %v", err)
			}
			if !t.Failed() {
				os.Remove(emu.LogFile) // kept for failed tests only
			}
		})
		return f
	}
	t.Fatal(lastErr)
	return nil
}

// freePorts finds a port p that is free together with p+1000 (the emulator's runtime API).
func freePorts() (int, error) {
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		p := l.Addr().(*net.TCPAddr).Port
		if p+1000 > 65535 {
			l.Close()
			continue
		}
		l2, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p+1000))
		l.Close()
		if err != nil {
			continue
		}
		l2.Close()
		return p, nil
	}
	return 0, errors.New("no free pair of ports p, p+1000")
}

// functionLines drops the emulator's own lines from a log, keeping what the function printed.
func functionLines(log string) string {
	var keep []string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "(rapid)") || strings.HasPrefix(l, "START RequestId") ||
			strings.HasPrefix(l, "END RequestId") || strings.HasPrefix(l, "REPORT RequestId") {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

func tail(s string, lines int) string {
	ls := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(ls) > lines {
		ls = ls[len(ls)-lines:]
	}
	return strings.Join(ls, "\n")
}

// invoke posts payload and returns the response body (HTTP 200 required, as RIE answers even function
// errors).
func (f *function) invoke(t *testing.T, payload []byte) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), invokeTimeout)
	defer cancel()
	status, body, err := f.emu.Invoke(ctx, payload)
	if err != nil {
		t.Fatalf("invoke: %v", err)
	}
	if status != 200 {
		t.Fatalf("invoke: HTTP %d: %.500s", status, body)
	}
	return body
}

// athena sends federation requests to a function as Athena does: JSON in one serde version.
type athena struct {
	fn      *function
	w       *world
	version federation.Version
	queryID string
	mem     memory.Allocator
	// lastBody is the size of the last response body.
	lastBody int
}

func newAthena(fn *function, w *world) *athena {
	return &athena{fn: fn, w: w, version: federation.CurrentVersion, queryID: awstest.Unique("query-"), mem: memory.DefaultAllocator}
}

func (a *athena) header() federation.RequestHeader {
	return federation.RequestHeader{
		Identity: federation.Identity{ID: "UNKNOWN", Principal: "UNKNOWN", Account: awstest.Account,
			Arn: "arn:aws:iam::" + awstest.Account + ":user/e2e", Tags: federation.Map{}, Groups: []string{}, ConfigOptions: federation.Map{}},
		QueryID:     a.queryID,
		CatalogName: "kafka_e2e",
	}
}

// raw sends req and returns the response body.
func (a *athena) raw(t *testing.T, req federation.Request) []byte {
	t.Helper()
	data, err := federation.EncodeRequest(req, a.version)
	if err != nil {
		t.Fatalf("encode %s: %v", req.Type(), err)
	}
	body := a.fn.invoke(t, data)
	a.lastBody = len(body)
	return body
}

// call sends req and decodes the answer; a function error fails t.
func (a *athena) call(t *testing.T, req federation.Request) federation.Response {
	t.Helper()
	body := a.raw(t, req)
	if fe, ok := lambdatest.ParseFunctionError(body); ok {
		t.Fatalf("%s: function error %s: %s", req.Type(), fe.ErrorType, fe.ErrorMessage)
	}
	resp, err := federation.DecodeResponse(body, federation.WithAllocator(a.mem))
	if err != nil {
		t.Fatalf("%s: decode the response: %v: %.300s", req.Type(), err, body)
	}
	return resp
}

// callError sends req and returns the function error it must answer.
func (a *athena) callError(t *testing.T, req federation.Request) *lambdatest.FunctionError {
	t.Helper()
	body := a.raw(t, req)
	fe, ok := lambdatest.ParseFunctionError(body)
	if !ok {
		t.Fatalf("%s: want a function error, got %.300s", req.Type(), body)
	}
	return fe
}

func expect[T federation.Response](t *testing.T, resp federation.Response) T {
	t.Helper()
	r, ok := resp.(T)
	if !ok {
		var zero T
		t.Fatalf("response %T, want %T", resp, zero)
	}
	return r
}

func (a *athena) ping(t *testing.T) *federation.PingResponse {
	t.Helper()
	return expect[*federation.PingResponse](t, a.call(t, &federation.PingRequest{RequestHeader: a.header()}))
}

func (a *athena) listSchemas(t *testing.T) []string {
	t.Helper()
	return expect[*federation.ListSchemasResponse](t, a.call(t, &federation.ListSchemasRequest{RequestHeader: a.header()})).Schemas
}

// listTables reads every page, pageSize tables at a time.
func (a *athena) listTables(t *testing.T, schema string, pageSize int) []string {
	t.Helper()
	var names []string
	var token *string
	for range 100 {
		r := expect[*federation.ListTablesResponse](t, a.call(t, &federation.ListTablesRequest{RequestHeader: a.header(), SchemaName: schema, NextToken: token, PageSize: pageSize}))
		for _, tn := range r.Tables {
			names = append(names, tn.TableName)
		}
		if r.NextToken == nil {
			return names
		}
		token = r.NextToken
	}
	t.Fatal("ListTables: more than 100 pages")
	return nil
}

func (a *athena) getTable(t *testing.T, tn federation.TableName) *federation.GetTableResponse {
	t.Helper()
	return expect[*federation.GetTableResponse](t, a.call(t, &federation.GetTableRequest{RequestHeader: a.header(), TableName: tn, QueryPassthrough: federation.Map{}}))
}

func (a *athena) capabilities(t *testing.T) *federation.GetDataSourceCapabilitiesResponse {
	t.Helper()
	return expect[*federation.GetDataSourceCapabilitiesResponse](t, a.call(t, &federation.GetDataSourceCapabilitiesRequest{RequestHeader: a.header()}))
}

// splits runs GetTableLayout and every page of GetSplits.
func (a *athena) splits(t *testing.T, tn federation.TableName, schema *arrow.Schema, cons federation.Constraints) []federation.Split {
	t.Helper()
	layout := expect[*federation.GetTableLayoutResponse](t, a.call(t, &federation.GetTableLayoutRequest{RequestHeader: a.header(), TableName: tn, Constraints: cons, Schema: schema, PartitionColumns: []string{}}))
	defer layout.Release()
	if layout.Partitions.Rows() < 1 {
		t.Fatalf("GetTableLayout: %d partitions", layout.Partitions.Rows())
	}
	var out []federation.Split
	var token *string
	for range 100 {
		r := expect[*federation.GetSplitsResponse](t, a.call(t, &federation.GetSplitsRequest{RequestHeader: a.header(), TableName: tn, Partitions: layout.Partitions, PartitionColumns: []string{}, Constraints: cons, ContinuationToken: token}))
		out = append(out, r.Splits...)
		if r.ContinuationToken == nil {
			return out
		}
		token = r.ContinuationToken
	}
	t.Fatal("GetSplits: more than 100 pages")
	return nil
}

// readResult is one ReadRecords answer, its rows read back.
type readResult struct {
	rows   []row
	remote *federation.RemoteReadRecordsResponse // nil when inline
	body   []byte                                // the raw response
}

// read sends ReadRecords for split and returns its rows, reading spilled blocks back from moto's S3
// and decrypting them as Athena does.
func (a *athena) read(t *testing.T, tn federation.TableName, schema *arrow.Schema, split federation.Split, cons federation.Constraints, maxBlock, maxInline int64) readResult {
	t.Helper()
	req := &federation.ReadRecordsRequest{RequestHeader: a.header(), TableName: tn, Schema: schema, Split: split, Constraints: cons, MaxBlockSize: maxBlock, MaxInlineBlockSize: maxInline}
	body := a.raw(t, req)
	if fe, ok := lambdatest.ParseFunctionError(body); ok {
		t.Fatalf("ReadRecords: function error %s: %s", fe.ErrorType, fe.ErrorMessage)
	}
	resp, err := federation.DecodeResponse(body, federation.WithAllocator(a.mem))
	if err != nil {
		t.Fatalf("ReadRecords: decode: %v", err)
	}
	defer resp.Release()
	res := readResult{body: body}
	switch r := resp.(type) {
	case *federation.ReadRecordsResponse:
		if r.Records.Records != nil {
			res.rows = recordRows(r.Records.Records)
		}
	case *federation.RemoteReadRecordsResponse:
		res.remote = r
		for _, loc := range r.RemoteBlocks {
			data := a.w.get(t, loc.Bucket, loc.Key)
			if k := r.EncryptionKey; k != nil {
				if data, err = spill.Open(k.Key, k.Nonce, data); err != nil {
					t.Fatalf("decrypt s3://%s/%s: %v", loc.Bucket, loc.Key, err)
				}
			}
			rec, err := federation.DecodeRecordBatch(r.Schema, data, a.mem)
			if err != nil {
				t.Fatalf("decode s3://%s/%s: %v", loc.Bucket, loc.Key, err)
			}
			res.rows = append(res.rows, recordRows(rec)...)
			rec.Release()
		}
	default:
		t.Fatalf("ReadRecords answered %T", resp)
	}
	return res
}

// readAll reads every split with Athena's default block sizes and returns the rows in (partition,
// offset) order.
func (a *athena) readAll(t *testing.T, tn federation.TableName, schema *arrow.Schema, splits []federation.Split, cons federation.Constraints) []row {
	t.Helper()
	var rows []row
	for _, s := range splits {
		rows = append(rows, a.read(t, tn, schema, s, cons, 16_000_000, 5_242_880).rows...)
	}
	sortRows(rows)
	return rows
}

// table runs the metadata part of a query on table tn: ListSchemas, ListTables, GetTable.
func (a *athena) table(t *testing.T, tn federation.TableName) *arrow.Schema {
	t.Helper()
	if s := a.listSchemas(t); !contains(s, tn.SchemaName) {
		t.Fatalf("ListSchemas: %v lacks %s", s, tn.SchemaName)
	}
	if tabs := a.listTables(t, tn.SchemaName, 50); !contains(tabs, tn.TableName) {
		t.Fatalf("ListTables(%s): %v lacks %s", tn.SchemaName, tabs, tn.TableName)
	}
	gt := a.getTable(t, tn)
	if gt.TableName != tn {
		t.Errorf("GetTable: table %+v, want %+v", gt.TableName, tn)
	}
	return gt.Schema
}

// noConstraints is what Athena sends for a query without WHERE or LIMIT.
func noConstraints() federation.Constraints {
	return federation.Constraints{Summary: []federation.ColumnSet{}, Expression: []federation.Expression{}, OrderBy: []federation.OrderByField{}, Limit: federation.NoLimit, QueryPassthrough: federation.Map{}}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// row is one result row: column name -> the value federation.ValueAt gives (nil for NULL).
type row map[string]any

func recordRows(rec arrow.RecordBatch) []row {
	rows := make([]row, rec.NumRows())
	for i := range rows {
		rows[i] = row{}
	}
	for c, f := range rec.Schema().Fields() {
		col := rec.Column(c)
		for i := range rows {
			v := federation.ValueAt(col, i)
			if b, ok := v.([]byte); ok {
				v = append([]byte(nil), b...)
			}
			rows[i][f.Name] = v
		}
	}
	return rows
}

func sortRows(rows []row) {
	sort.SliceStable(rows, func(i, j int) bool {
		pi, _ := rows[i]["_partition_id"].(int32)
		pj, _ := rows[j]["_partition_id"].(int32)
		if pi != pj {
			return pi < pj
		}
		oi, _ := rows[i]["_partition_offset"].(int64)
		oj, _ := rows[j]["_partition_offset"].(int64)
		return oi < oj
	})
}

// checkRows compares got with want row by row; a want row names only the columns it checks, and every
// got row must have exactly the columns of schema.
func checkRows(t *testing.T, schema *arrow.Schema, got, want []row) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d rows, want %d", len(got), len(want))
	}
	bad := 0
	for i := range min(len(got), len(want)) {
		if len(got[i]) != schema.NumFields() {
			t.Errorf("row %d: %d columns, want %d", i, len(got[i]), schema.NumFields())
		}
		for k, wv := range want[i] {
			gv, ok := got[i][k]
			if !ok || !equalValue(gv, wv) {
				if bad++; bad <= 20 {
					t.Errorf("row %d column %s: %#v, want %#v", i, k, gv, wv)
				}
			}
		}
	}
}

func equalValue(a, b any) bool {
	if ab, ok := a.([]byte); ok {
		bb, ok := b.([]byte)
		return ok && string(ab) == string(bb)
	}
	return a == b
}
