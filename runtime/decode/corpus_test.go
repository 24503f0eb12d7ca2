package decode_test

import (
	"encoding/hex"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	_ "github.com/athena-kafka/athena-kafka/generated"
	"github.com/athena-kafka/athena-kafka/runtime/decode"
	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

const schemaDir = "../../schemas"

type corpusCase struct {
	Name        string
	Value       *string
	ValueHex    string `json:"value_hex"`
	ValueRepeat []any  `json:"value_repeat"`
	Corrupt     bool
	Want        map[string]*string
}

func (c *corpusCase) bytes(t testing.TB) []byte {
	switch {
	case c.Value != nil:
		return []byte(*c.Value)
	case c.ValueHex != "":
		b, err := hex.DecodeString(c.ValueHex)
		if err != nil {
			t.Fatal(err)
		}
		return b
	case len(c.ValueRepeat) == 4:
		n := int(c.ValueRepeat[1].(float64))
		return []byte(strings.Repeat(c.ValueRepeat[0].(string), n) + c.ValueRepeat[2].(string) + strings.Repeat(c.ValueRepeat[3].(string), n))
	}
	t.Fatalf("case %q has no value", c.Name)
	return nil
}

type table struct {
	name   string
	schema *topic.Schema
	cases  []corpusCase
	msgs   [][]byte
}

func loadTables(t testing.TB) []*table {
	dirs, err := os.ReadDir(filepath.Join(schemaDir, "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	var out []*table
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		doc, err := os.ReadFile(filepath.Join(schemaDir, d.Name()+".json"))
		if err != nil {
			t.Fatal(err)
		}
		s, err := topic.Parse(doc)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(schemaDir, "testdata", d.Name(), "corpus.json"))
		if err != nil {
			t.Fatal(err)
		}
		tb := &table{name: d.Name(), schema: s}
		if err := json.Unmarshal(data, &tb.cases); err != nil {
			t.Fatalf("%s: %v", d.Name(), err)
		}
		for i := range tb.cases {
			tb.msgs = append(tb.msgs, tb.cases[i].bytes(t))
		}
		out = append(out, tb)
	}
	if len(out) < 4 {
		t.Fatalf("only %d corpora", len(out))
	}
	return out
}

// run decodes msgs into a block of schema as (metadata columns NULL) and
// returns the record, the results, the kind and the errors ("" for none).
func run(t testing.TB, mem memory.Allocator, s *topic.Schema, as *arrow.Schema, msgs [][]byte, fallback bool) (arrow.RecordBatch, []bool, string, []string) {
	t.Helper()
	newDec := decode.New
	if fallback {
		newDec = decode.NewFallback
	}
	d, err := newDec(s, as, mem)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Release()
	var oks []bool
	var errs []string
	for _, m := range msgs {
		ok := d.Decode(m)
		if ok != (d.Err() == nil) {
			t.Fatalf("%s: Decode=%v but Err=%v", d.Kind(), ok, d.Err())
		}
		oks = append(oks, ok)
		if ok {
			errs = append(errs, "")
		} else {
			errs = append(errs, d.Err().Error())
		}
	}
	return decode.Record(d, as, mem), oks, d.Kind(), errs
}

// recordsEqual is array.RecordEqual, except that floating point values are
// compared bit for bit, so NaN equals NaN.
func recordsEqual(a, b arrow.RecordBatch) bool {
	if !a.Schema().Equal(b.Schema()) || a.NumRows() != b.NumRows() {
		return false
	}
	for i := range a.Columns() {
		if !columnsEqual(a.Column(i), b.Column(i)) {
			return false
		}
	}
	return true
}

func columnsEqual(a, b arrow.Array) bool {
	switch x := a.(type) {
	case *array.Float32:
		y, ok := b.(*array.Float32)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for i := 0; i < x.Len(); i++ {
			if x.IsNull(i) != y.IsNull(i) || !x.IsNull(i) && math.Float32bits(x.Value(i)) != math.Float32bits(y.Value(i)) {
				return false
			}
		}
		return true
	case *array.Float64:
		y, ok := b.(*array.Float64)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for i := 0; i < x.Len(); i++ {
			if x.IsNull(i) != y.IsNull(i) || !x.IsNull(i) && math.Float64bits(x.Value(i)) != math.Float64bits(y.Value(i)) {
				return false
			}
		}
		return true
	}
	return array.Equal(a, b)
}

func wantKind() string {
	if decode.GeneratedEnabled() {
		return decode.KindGenerated
	}
	return decode.KindFallback
}

// format renders one value as the corpus writes it, nil for NULL.
func format(arr arrow.Array, i int) *string {
	if arr.IsNull(i) {
		return nil
	}
	var s string
	switch a := arr.(type) {
	case *array.String:
		s = a.Value(i)
	case *array.Boolean:
		s = strconv.FormatBool(a.Value(i))
	case *array.Int8:
		s = strconv.Itoa(int(a.Value(i)))
	case *array.Int16:
		s = strconv.Itoa(int(a.Value(i)))
	case *array.Int32:
		s = strconv.Itoa(int(a.Value(i)))
	case *array.Int64:
		s = strconv.FormatInt(a.Value(i), 10)
	case *array.Float32:
		s = strconv.FormatFloat(float64(a.Value(i)), 'g', -1, 32)
	case *array.Float64:
		s = strconv.FormatFloat(a.Value(i), 'g', -1, 64)
	case *array.Decimal128:
		s = a.Value(i).ToString(a.DataType().(*arrow.Decimal128Type).Scale)
	case *array.Date32:
		s = time.UnixMilli(int64(a.Value(i)) * 86400000).UTC().Format("2006-01-02")
	case *array.Date64:
		s = time.UnixMilli(int64(a.Value(i))).UTC().Format("2006-01-02T15:04:05.000Z")
	default:
		s = "?" + arr.DataType().String()
	}
	return &s
}

func show(p *string) string {
	if p == nil {
		return "NULL"
	}
	return strconv.Quote(*p)
}

// TestCorpus decodes every corpus message through the generated decoder and
// the fallback: the blocks must be equal and every expected value present.
func TestCorpus(t *testing.T) {
	for _, tb := range loadTables(t) {
		t.Run(tb.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
			defer mem.AssertSize(t, 0)
			as := tb.schema.Arrow(topic.ArrowOptions{})
			gen, genOK, kind, genErrs := run(t, mem, tb.schema, as, tb.msgs, false)
			defer gen.Release()
			fb, fbOK, _, fbErrs := run(t, mem, tb.schema, as, tb.msgs, true)
			defer fb.Release()
			if kind != wantKind() {
				t.Errorf("New gave a %s decoder, want %s", kind, wantKind())
			}
			if !recordsEqual(gen, fb) {
				t.Errorf("generated and fallback blocks differ")
			}
			for i, c := range tb.cases {
				if genErrs[i] != fbErrs[i] {
					t.Errorf("%q: generated says %q, fallback %q", c.Name, genErrs[i], fbErrs[i])
				}
			}
			for i, c := range tb.cases {
				if genOK[i] != !c.Corrupt || fbOK[i] != !c.Corrupt {
					t.Errorf("%q: ok generated=%v fallback=%v, want corrupt=%v", c.Name, genOK[i], fbOK[i], c.Corrupt)
				}
				for col, want := range c.Want {
					idx := as.FieldIndices(col)
					if len(idx) != 1 {
						t.Fatalf("%q: no column %q", c.Name, col)
					}
					for _, rec := range []arrow.RecordBatch{gen, fb} {
						if got := format(rec.Column(idx[0]), i); show(got) != show(want) {
							t.Errorf("%q: %s = %s, want %s", c.Name, col, show(got), show(want))
						}
					}
				}
			}
		})
	}
}

// TestProjections decodes into subsets of the columns in shuffled order:
// each projected column must equal the same column of the full block.
func TestProjections(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tb := range loadTables(t) {
		t.Run(tb.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
			defer mem.AssertSize(t, 0)
			full := tb.schema.Arrow(topic.ArrowOptions{NoMetadataColumns: true})
			ref, _, _, _ := run(t, mem, tb.schema, full, tb.msgs, true)
			defer ref.Release()
			for round := 0; round < 8; round++ {
				perm := rng.Perm(full.NumFields())[:1+rng.IntN(full.NumFields())]
				fields := []arrow.Field{}
				for _, j := range perm {
					fields = append(fields, full.Field(j))
				}
				md := full.Metadata()
				as := arrow.NewSchema(append(fields, arrow.Field{Name: topic.ColMessageCorrupt, Type: arrow.FixedWidthTypes.Boolean, Nullable: true}), &md)
				// The connector rebuilds the schema from what Athena echoes.
				echoed, err := topic.FromArrow(as)
				if err != nil {
					t.Fatal(err)
				}
				for _, fallback := range []bool{false, true} {
					rec, _, kind, _ := run(t, mem, echoed, as, tb.msgs, fallback)
					if !fallback && kind != wantKind() {
						t.Errorf("projection %v: %s decoder", perm, kind)
					}
					for k, j := range perm {
						if !columnsEqual(rec.Column(k), ref.Column(j)) {
							t.Errorf("projection %v (fallback=%v): column %s differs", perm, fallback, full.Field(j).Name)
						}
					}
					rec.Release()
				}
			}
		})
	}
}

func TestNewRejectsUnknownColumns(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	s := loadTables(t)[0].schema
	for _, as := range []*arrow.Schema{
		arrow.NewSchema([]arrow.Field{{Name: "nope", Type: arrow.BinaryTypes.String}}, nil),
		arrow.NewSchema([]arrow.Field{{Name: s.Fields[0].Name, Type: arrow.FixedWidthTypes.Date32}}, nil),
	} {
		if _, err := decode.New(s, as, mem); err == nil {
			t.Errorf("%v accepted", as)
		}
	}
}

// TestFallbackForChangedSchema: a schema the build did not see is served by
// the fallback.
func TestFallbackForChangedSchema(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	s, err := topic.Parse([]byte(`{"topicName":"datatypejson","message":{"dataFormat":"json","fields":[{"name":"intcol","type":"BIGINT"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	rec, oks, kind, _ := run(t, mem, s, s.Arrow(topic.ArrowOptions{NoMetadataColumns: true}), [][]byte{[]byte(`{"intcol":5000000000}`)}, false)
	defer rec.Release()
	if kind != decode.KindFallback || !oks[0] || rec.Column(0).(*array.Int64).Value(0) != 5000000000 {
		t.Errorf("kind %s ok %v rec %v", kind, oks, rec)
	}
}
