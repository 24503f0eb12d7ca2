package catalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
)

const ordersDoc = `{"topicName": "Orders.v1", "message": {"dataFormat": "json", "fields": [
  {"name": "id", "type": "BIGINT", "mapping": "id"},
  {"name": "amount", "type": "DOUBLE", "mapping": "amount"}]}}`

type fakeSchema struct {
	format string
	doc    string
}

// fakeGlue is an in-memory Glue Schema Registry that pages like AWS and
// counts calls.
type fakeGlue struct {
	mu         sync.Mutex
	registries []types.RegistryListItem
	schemas    map[string][]string // registry -> names in order
	defs       map[string]fakeSchema
	calls      map[string]int
	failGet    error // returned by GetSchemaVersion when set
}

func newFakeGlue() *fakeGlue {
	return &fakeGlue{schemas: map[string][]string{}, defs: map[string]fakeSchema{}, calls: map[string]int{}}
}

func (f *fakeGlue) addRegistry(name, desc string) {
	f.registries = append(f.registries, types.RegistryListItem{RegistryName: aws.String(name), Description: aws.String(desc)})
}

func (f *fakeGlue) addSchema(reg, name, format, doc string) {
	f.schemas[reg] = append(f.schemas[reg], name)
	f.defs[reg+"/"+name] = fakeSchema{format, doc}
}

func page[T any](items []T, max *int32, token *string) ([]T, *string, error) {
	n := int(aws.ToInt32(max))
	if n < 1 || n > 100 {
		return nil, nil, &types.InvalidInputException{Message: aws.String("MaxResults " + strconv.Itoa(n))}
	}
	start := 0
	if token != nil {
		start, _ = strconv.Atoi(*token)
	}
	end := min(start+n, len(items))
	var next *string
	if end < len(items) {
		next = aws.String(strconv.Itoa(end))
	}
	return items[start:end], next, nil
}

func (f *fakeGlue) count(op string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[op]++
}

func (f *fakeGlue) ListRegistries(_ context.Context, in *glue.ListRegistriesInput, _ ...func(*glue.Options)) (*glue.ListRegistriesOutput, error) {
	f.count("ListRegistries")
	items, next, err := page(f.registries, in.MaxResults, in.NextToken)
	return &glue.ListRegistriesOutput{Registries: items, NextToken: next}, err
}

func (f *fakeGlue) ListSchemas(_ context.Context, in *glue.ListSchemasInput, _ ...func(*glue.Options)) (*glue.ListSchemasOutput, error) {
	f.count("ListSchemas")
	reg := aws.ToString(in.RegistryId.RegistryName)
	names, ok := f.schemas[reg]
	if !ok {
		return nil, &types.EntityNotFoundException{Message: aws.String("Registry is not found")}
	}
	names, next, err := page(names, in.MaxResults, in.NextToken)
	var items []types.SchemaListItem
	for _, n := range names {
		items = append(items, types.SchemaListItem{RegistryName: aws.String(reg), SchemaName: aws.String(n)})
	}
	return &glue.ListSchemasOutput{Schemas: items, NextToken: next}, err
}

func (f *fakeGlue) GetSchemaVersion(_ context.Context, in *glue.GetSchemaVersionInput, _ ...func(*glue.Options)) (*glue.GetSchemaVersionOutput, error) {
	f.count("GetSchemaVersion")
	if f.failGet != nil {
		return nil, f.failGet
	}
	if !in.SchemaVersionNumber.LatestVersion {
		return nil, errors.New("want LatestVersion")
	}
	s, ok := f.defs[aws.ToString(in.SchemaId.RegistryName)+"/"+aws.ToString(in.SchemaId.SchemaName)]
	if !ok {
		return nil, &types.EntityNotFoundException{Message: aws.String("Schema is not found")}
	}
	return &glue.GetSchemaVersionOutput{DataFormat: types.DataFormat(s.format), SchemaDefinition: aws.String(s.doc), VersionNumber: aws.Int64(3)}, nil
}

func (f *fakeGlue) reset() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.calls
	f.calls = map[string]int{}
	return c
}

func testGlue() *fakeGlue {
	f := newFakeGlue()
	f.addRegistry("Plain", "no marker here")
	f.addRegistry("KafkaReg", "orders {AthenaFederationKafka} team")
	f.addRegistry("MskReg", "{AthenaFederationMSK}")
	f.addRegistry("lowercase", "{athenafederationkafka}") // the marker is case-sensitive
	f.addSchema("KafkaReg", "Orders", "JSON", ordersDoc)
	f.addSchema("KafkaReg", "avroTopic", "AVRO", `{"type":"record"}`)
	f.addSchema("KafkaReg", "protoTopic", "PROTOBUF", `syntax = "proto3";`)
	f.addSchema("KafkaReg", "broken", "JSON", `{"topicName": "b", "message": {"dataFormat": "xml", "fields": []}}`)
	f.addSchema("Plain", "hidden", "JSON", ordersDoc)
	return f
}

func TestGlueSchemas(t *testing.T) {
	f := testGlue()
	for range 101 { // two ListRegistries pages
		f.addRegistry(fmt.Sprintf("unmarked%03d", len(f.registries)), "")
	}
	f.addRegistry("Last", "{AthenaFederationKafka}")
	g := NewGlue(f, GlueOptions{})
	got, err := g.Schemas(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"KafkaReg", "MskReg", "Last"}; !slices.Equal(got, want) {
		t.Fatalf("Schemas = %v, want %v", got, want)
	}
	if c := f.reset(); c["ListRegistries"] != 2 {
		t.Errorf("ListRegistries called %d times, want 2 (pages)", c["ListRegistries"])
	}
	if _, err := g.Schemas(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c := f.reset(); c["ListRegistries"] != 0 {
		t.Errorf("cached Schemas called Glue %v", c)
	}
}

func TestGlueTable(t *testing.T) {
	ctx := context.Background()
	f := testGlue()
	now := time.Unix(1000, 0)
	g := NewGlue(f, GlueOptions{TTL: time.Minute, Now: func() time.Time { return now }})

	tab, err := g.Table(ctx, "kafkareg", "orders")
	if err != nil {
		t.Fatal(err)
	}
	if tab.Registry != "KafkaReg" || tab.Name != "Orders" || tab.Version != 3 || string(tab.Document) != ordersDoc {
		t.Fatalf("table %+v", tab)
	}
	if tab.Schema == nil || tab.Schema.TopicName != "Orders.v1" || len(tab.Schema.Fields) != 2 || tab.Schema.Fields[1].Name != "amount" {
		t.Fatalf("schema %+v", tab.Schema)
	}
	// A miss on the exact name lists the registry once.
	if c := f.reset(); c["ListRegistries"] != 1 || c["GetSchemaVersion"] != 2 || c["ListSchemas"] != 1 {
		t.Errorf("first lookup calls %v", c)
	}
	// The next calls of the query are answered from the cache.
	for range 3 {
		again, err := g.Table(ctx, "kafkareg", "orders")
		if err != nil || again != tab {
			t.Fatalf("cached lookup: %v, %v", again, err)
		}
	}
	if c := f.reset(); len(c) != 0 {
		t.Errorf("cached lookups called Glue %v", c)
	}
	// Exact names: one GetSchemaVersion.
	if _, err := g.Table(ctx, "KafkaReg", "Orders"); err != nil {
		t.Fatal(err)
	}
	if c := f.reset(); c["GetSchemaVersion"] != 1 || len(c) != 1 {
		t.Errorf("exact lookup calls %v", c)
	}
	// Another spelling: the cached schema list resolves the case, one call.
	if _, err := g.Table(ctx, "KAFKAREG", "ORDERS"); err != nil {
		t.Fatal(err)
	}
	if c := f.reset(); c["GetSchemaVersion"] != 1 || len(c) != 1 {
		t.Errorf("lookup of another spelling calls %v", c)
	}
	// After the TTL Glue is asked again.
	now = now.Add(2 * time.Minute)
	if _, err := g.Table(ctx, "kafkareg", "orders"); err != nil {
		t.Fatal(err)
	}
	if c := f.reset(); c["GetSchemaVersion"] != 2 || c["ListRegistries"] != 1 || c["ListSchemas"] != 1 {
		t.Errorf("lookup after TTL calls %v", c)
	}
	// The MSK marker counts too.
	f.addSchema("MskReg", "t", "JSON", ordersDoc)
	if _, err := g.Table(ctx, "mskreg", "t"); err != nil {
		t.Fatal(err)
	}
}

func TestGlueTableErrors(t *testing.T) {
	ctx := context.Background()
	f := testGlue()
	g := NewGlue(f, GlueOptions{TTL: -1})
	for _, tc := range []struct {
		schema, table string
		is            error
		msg           string
	}{
		{"missing", "orders", ErrNotFound, `could not find Glue registry "missing" whose description contains {AthenaFederationKafka} or {AthenaFederationMSK}`},
		{"plain", "hidden", ErrNotFound, `could not find Glue registry "plain"`},
		{"lowercase", "x", ErrNotFound, `could not find Glue registry "lowercase"`},
		{"kafkareg", "nope", ErrNotFound, `could not find Glue schema "nope" in registry "KafkaReg"`},
		{"kafkareg", "avrotopic", ErrUnsupportedFormat, "glue schema KafkaReg/avroTopic: data format AVRO is not supported, only JSON"},
		{"kafkareg", "prototopic", ErrUnsupportedFormat, "data format PROTOBUF is not supported"},
		{"kafkareg", "broken", nil, "glue schema KafkaReg/broken version 3: invalid topic schema document:\n"},
	} {
		_, err := g.Table(ctx, tc.schema, tc.table)
		if err == nil || !strings.Contains(err.Error(), tc.msg) || (tc.is != nil && !errors.Is(err, tc.is)) {
			t.Errorf("Table(%s, %s) = %v\nwant %q (%v)", tc.schema, tc.table, err, tc.msg, tc.is)
		}
	}
	// The not-found error keeps Glue's.
	_, err := g.Table(ctx, "kafkareg", "nope")
	var nf *types.EntityNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("not found error lost Glue's: %v", err)
	}
	// Other Glue errors are not masked as "not found".
	f.failGet = &types.AccessDeniedException{Message: aws.String("no glue:GetSchemaVersion")}
	_, err = g.Table(ctx, "kafkareg", "orders")
	var ad *types.AccessDeniedException
	if !errors.As(err, &ad) || errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "glue GetSchemaVersion KafkaReg/orders") {
		t.Errorf("access denied: %v", err)
	}
}

func TestGlueNewRegistryAfterCache(t *testing.T) {
	ctx := context.Background()
	f := testGlue()
	g := NewGlue(f, GlueOptions{})
	if _, err := g.Schemas(ctx); err != nil {
		t.Fatal(err)
	}
	f.addRegistry("NewReg", "{AthenaFederationKafka}")
	f.addSchema("NewReg", "x", "JSON", ordersDoc)
	if _, err := g.Table(ctx, "newreg", "x"); err != nil {
		t.Fatalf("a registry created after the list was cached: %v", err)
	}
}

func TestGlueTables(t *testing.T) {
	ctx := context.Background()
	f := testGlue()
	var want []string
	for i := range 250 {
		n := fmt.Sprintf("T%03d", i)
		f.addSchema("MskReg", n, "JSON", ordersDoc)
		want = append(want, n)
	}
	g := NewGlue(f, GlueOptions{})

	// Unlimited: every page.
	got, next, err := g.Tables(ctx, "mskreg", nil, -1)
	if err != nil || next != nil || !slices.Equal(got, want) {
		t.Fatalf("unlimited: %d names, next %v, %v", len(got), next, err)
	}
	if c := f.reset(); c["ListSchemas"] != 3 {
		t.Errorf("unlimited listing made %d ListSchemas calls, want 3", c["ListSchemas"])
	}

	// Pages of 40 follow Glue's tokens; 150 takes two calls (100 + 50).
	var all []string
	var token *string
	for _, size := range []int{40, 150, 40, 40} {
		var names []string
		names, token, err = g.Tables(ctx, "MSKREG", token, size)
		if err != nil {
			t.Fatal(err)
		}
		if len(names) != min(size, 250-len(all)) {
			t.Fatalf("page of %d has %d names", size, len(names))
		}
		all = append(all, names...)
	}
	if !slices.Equal(all, want) || token != nil {
		t.Fatalf("paged listing: %d names, token %v", len(all), token)
	}
	if c := f.reset(); c["ListSchemas"] != 5 {
		t.Errorf("paged listing made %d ListSchemas calls, want 5", c["ListSchemas"])
	}

	// A token with pageSize -1 lists the rest (Java sent MaxResults=-1).
	_, token, _ = g.Tables(ctx, "mskreg", nil, 200)
	rest, next, err := g.Tables(ctx, "mskreg", token, -1)
	if err != nil || next != nil || !slices.Equal(rest, want[200:]) {
		t.Fatalf("rest: %v, %v, %v", rest, next, err)
	}

	if _, _, err := g.Tables(ctx, "plain", nil, 10); !errors.Is(err, ErrNotFound) {
		t.Errorf("unmarked registry: %v", err)
	}
}

func TestGlueTooManyTables(t *testing.T) {
	f := newFakeGlue()
	f.addRegistry("Big", "{AthenaFederationKafka}")
	for i := range MaxTables + 1 {
		f.schemas["Big"] = append(f.schemas["Big"], strconv.Itoa(i))
	}
	_, _, err := NewGlue(f, GlueOptions{}).Tables(context.Background(), "big", nil, -1)
	if !errors.Is(err, ErrTooManyTables) {
		t.Fatalf("err = %v", err)
	}
}

func TestResolve(t *testing.T) {
	names := []string{"abc", "ABC", "Abc", "x"}
	for want, in := range map[string]string{"ABC": "ABC", "Abc": "Abc", "abc": "aBC", "x": "X"} {
		if got, ok := resolve(names, in); !ok || got != want {
			t.Errorf("resolve(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := resolve(names, "y"); ok {
		t.Error("resolved a missing name")
	}
}
