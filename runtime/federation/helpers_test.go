package federation

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// checkedMem is an allocator that fails the test if anything is left.
func checkedMem(t testing.TB) *memory.CheckedAllocator {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

func field(name string, typ arrow.DataType) arrow.Field {
	return arrow.Field{Name: name, Type: typ, Nullable: true}
}

var (
	i32 = arrow.PrimitiveTypes.Int32
	f64 = arrow.PrimitiveTypes.Float64
	utf = arrow.BinaryTypes.String

	// schemaS7, schemaS4 and schemaS3 are the SDK tests' schemas.
	schemaS7 = arrow.NewSchema([]arrow.Field{field("year", i32), field("month", i32), field("day", i32),
		field("col2", utf), field("col3", f64), field("col4", f64), field("col5", f64)}, nil)
	schemaS4 = arrow.NewSchema([]arrow.Field{field("year", i32), field("month", i32), field("day", i32), field("col3", utf)}, nil)
	schemaS3 = arrow.NewSchema([]arrow.Field{field("year", i32), field("month", i32), field("day", i32)}, nil)
)

// buildRecord builds a record of schema from rows of ValueAt-style values.
func buildRecord(t testing.TB, mem memory.Allocator, schema *arrow.Schema, rows [][]any) arrow.RecordBatch {
	t.Helper()
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for _, row := range rows {
		for i, v := range row {
			if err := appendValue(b.Field(i), v); err != nil {
				t.Fatalf("row %v column %d: %v", row, i, err)
			}
		}
	}
	return b.NewRecordBatch()
}

// partitionsP is the SDK tests' partitions block: 10 rows of year, month,
// day; every other column NULL.
func partitionsP(t testing.TB, mem memory.Allocator, schema *arrow.Schema) Block {
	var rows [][]any
	for i := 0; i < 10; i++ {
		row := make([]any, schema.NumFields())
		row[0], row[1], row[2] = int32(2016+i), int32(i%12+1), int32(i%28+1)
		rows = append(rows, row)
	}
	return Block{AllocatorID: "test-allocator-id", Schema: schema, Records: buildRecord(t, mem, schema, rows)}
}

func testIdentity() Identity {
	return Identity{ID: "UNKNOWN", Principal: "UNKNOWN", Account: "0123456789", Arn: "testArn"}
}

// constraintsC2 is the SDK tests' summary (col4, col5, col3 in HashMap order).
func constraintsC2() Constraints {
	return Constraints{
		Summary: []ColumnSet{
			{"col4", &EquatableValueSet{Type: f64, Values: []any{1.1}, WhiteList: false, NullAllowed: true}},
			{"col5", &AllOrNoneValueSet{Type: f64, All: false, NullAllowed: true}},
			{"col3", &SortedRangeSet{Type: f64, Ranges: []Range{{
				Low:  Marker{Value: -10000.0, Bound: Above},
				High: HighUnbounded,
			}}}},
		},
		Limit: NoLimit,
	}
}

// expressionE is the SDK tests' expression: col3 + 10 > col2.
func expressionE() Expression {
	return &FunctionCallExpression{Type: arrow.FixedWidthTypes.Boolean, Function: "$greater_than", Arguments: []Expression{
		&FunctionCallExpression{Type: f64, Function: "$add", Arguments: []Expression{
			&VariableExpression{Column: "col3", Type: f64},
			&ConstantExpression{Type: i32, Values: []any{int32(10)}},
		}},
		&VariableExpression{Column: "col2", Type: f64},
	}}
}

var orderByO = []OrderByField{{"col3", "ASC_NULLS_FIRST"}, {"col2", "DESC_NULLS_FIRST"}}

// splitX is the SDK tests' split.
func splitX(id, key, nonce, day string) Split {
	return Split{
		SpillLocation: &SpillLocation{Bucket: "athena-virtuoso-test", Key: "lambda-spill/test-query-id/" + id, Directory: true},
		EncryptionKey: &EncryptionKey{Key: []byte(key), Nonce: []byte(nonce)},
		Properties:    Map{{"month", "11"}, {"year", "2017"}, {"day", day}},
	}
}

// compareJSON compares two JSON documents token by token, in order (so
// field order counts, whitespace does not). Arrow payloads (the values of
// "schema", "outputSchema" and "records") are decoded and compared as
// schemas and records instead of bytes; legacy says which framing got's
// payloads must have.
func compareJSON(t testing.TB, want, got []byte, legacy bool) {
	t.Helper()
	wd, gd := json.NewDecoder(bytes.NewReader(want)), json.NewDecoder(bytes.NewReader(got))
	wd.UseNumber()
	gd.UseNumber()
	type level struct{ object, expectKey bool }
	var (
		stack                 []level
		lastKey               string
		wantSchema, gotSchema []byte
	)
	for i := 0; ; i++ {
		wt, werr := wd.Token()
		gt, gerr := gd.Token()
		if werr == io.EOF && gerr == io.EOF {
			return
		}
		if werr != nil || gerr != nil {
			t.Fatalf("token %d: want %v (%v), got %v (%v)\ngot: %s", i, wt, werr, gt, gerr, got)
		}
		ws, wIsStr := wt.(string)
		isKey := wIsStr && len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].expectKey
		gs, gIsStr := gt.(string)
		if wIsStr && gIsStr && !isKey && (lastKey == "schema" || lastKey == "outputSchema" || lastKey == "records") {
			if lastKey == "records" {
				compareRecords(t, wantSchema, gotSchema, ws, gs, legacy)
			} else {
				wantSchema, gotSchema = mustB64(t, ws), mustB64(t, gs)
				compareSchemas(t, wantSchema, gotSchema, legacy)
			}
		} else if !reflect.DeepEqual(wt, gt) {
			t.Fatalf("token %d (after key %q): want %#v, got %#v\nwant: %s\ngot:  %s", i, lastKey, wt, gt, want, got)
		}
		valueDone := false
		switch {
		case isKey:
			lastKey = ws
			stack[len(stack)-1].expectKey = false
		case wt == json.Delim('{'):
			stack = append(stack, level{object: true, expectKey: true})
		case wt == json.Delim('['):
			stack = append(stack, level{})
		case wt == json.Delim('}') || wt == json.Delim(']'):
			stack = stack[:len(stack)-1]
			valueDone = true
		default:
			valueDone = true
		}
		if valueDone && len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].expectKey = true
		}
	}
}

func mustB64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("base64 %q: %v", s, err)
	}
	return b
}

func checkFraming(t testing.TB, b []byte, legacy bool) {
	t.Helper()
	if len(b) == 0 {
		return
	}
	if isModern(b) == legacy {
		t.Fatalf("payload framing: modern=%v, want legacy=%v", isModern(b), legacy)
	}
	if legacy && (4+binary.LittleEndian.Uint32(b))%8 != 0 {
		t.Fatalf("legacy payload metadata length misaligned")
	}
}

func compareSchemas(t testing.TB, want, got []byte, legacy bool) {
	t.Helper()
	checkFraming(t, got, legacy)
	ws, err := DecodeSchema(want)
	if err != nil {
		t.Fatalf("want schema: %v", err)
	}
	gs, err := DecodeSchema(got)
	if err != nil {
		t.Fatalf("got schema: %v", err)
	}
	if !ws.Equal(gs) || !ws.Metadata().Equal(gs.Metadata()) {
		t.Fatalf("schema: want %s, got %s", ws, gs)
	}
}

func compareRecords(t testing.TB, wantSchema, gotSchema []byte, want, got string, legacy bool) {
	t.Helper()
	if want == "" || got == "" {
		if want != got {
			t.Fatalf("records: want %q, got %q", want, got)
		}
		return
	}
	gb := mustB64(t, got)
	checkFraming(t, gb, legacy)
	wr, err := decodeRecords(wantSchema, mustB64(t, want), memory.DefaultAllocator)
	if err != nil {
		t.Fatalf("want records: %v", err)
	}
	defer wr.Release()
	gr, err := decodeRecords(gotSchema, gb, memory.DefaultAllocator)
	if err != nil {
		t.Fatalf("got records: %v", err)
	}
	defer gr.Release()
	if !array.RecordEqual(wr, gr) {
		t.Fatalf("records: want %v, got %v", wr, gr)
	}
}

// diff lists the differences between two decoded messages. Arrow schemas,
// types and records compare by value; nil and empty slices are equal.
func diff(want, got any) []string {
	var out []string
	diffValue(&out, "", reflect.ValueOf(want), reflect.ValueOf(got))
	return out
}

var (
	schemaType = reflect.TypeOf((*arrow.Schema)(nil))
	dtType     = reflect.TypeOf((*arrow.DataType)(nil)).Elem()
	recType    = reflect.TypeOf((*arrow.RecordBatch)(nil)).Elem()
)

func diffValue(out *[]string, path string, w, g reflect.Value) {
	add := func(format string, args ...any) { *out = append(*out, path+": "+fmt.Sprintf(format, args...)) }
	if !w.IsValid() || !g.IsValid() {
		if w.IsValid() != g.IsValid() {
			add("want %v, got %v", w, g)
		}
		return
	}
	if w.Type() != g.Type() {
		add("want type %s, got %s", w.Type(), g.Type())
		return
	}
	switch {
	case w.Type() == schemaType:
		ws, gs := w.Interface().(*arrow.Schema), g.Interface().(*arrow.Schema)
		if (ws == nil) != (gs == nil) || ws != nil && (!ws.Equal(gs) || !ws.Metadata().Equal(gs.Metadata())) {
			add("want schema %v, got %v", ws, gs)
		}
		return
	case w.Type() == dtType:
		if w.IsNil() || g.IsNil() {
			if w.IsNil() != g.IsNil() {
				add("want type %v, got %v", w, g)
			}
			return
		}
		if !arrow.TypeEqual(w.Interface().(arrow.DataType), g.Interface().(arrow.DataType)) {
			add("want type %v, got %v", w.Interface(), g.Interface())
		}
		return
	case w.Type() == recType:
		if w.IsNil() || g.IsNil() {
			if w.IsNil() != g.IsNil() {
				add("want records %v, got %v", w, g)
			}
			return
		}
		if !array.RecordEqual(w.Interface().(arrow.RecordBatch), g.Interface().(arrow.RecordBatch)) {
			add("want records %v, got %v", w.Interface(), g.Interface())
		}
		return
	}
	switch w.Kind() {
	case reflect.Pointer, reflect.Interface:
		if w.IsNil() || g.IsNil() {
			if w.IsNil() != g.IsNil() {
				add("want %v, got %v", w, g)
			}
			return
		}
		diffValue(out, path, w.Elem(), g.Elem())
	case reflect.Struct:
		if !reflect.VisibleFields(w.Type())[0].IsExported() && !hasExported(w.Type()) {
			if !reflect.DeepEqual(w.Interface(), g.Interface()) {
				add("want %#v, got %#v", w.Interface(), g.Interface())
			}
			return
		}
		for i := 0; i < w.NumField(); i++ {
			if !w.Type().Field(i).IsExported() {
				continue
			}
			diffValue(out, path+"."+w.Type().Field(i).Name, w.Field(i), g.Field(i))
		}
	case reflect.Slice:
		if w.Type().Elem().Kind() == reflect.Uint8 {
			if !bytes.Equal(w.Bytes(), g.Bytes()) {
				add("want %q, got %q", w.Bytes(), g.Bytes())
			}
			return
		}
		if w.Len() != g.Len() {
			add("want %d elements, got %d: want %v, got %v", w.Len(), g.Len(), w, g)
			return
		}
		for i := 0; i < w.Len(); i++ {
			diffValue(out, fmt.Sprintf("%s[%d]", path, i), w.Index(i), g.Index(i))
		}
	default:
		if !reflect.DeepEqual(w.Interface(), g.Interface()) {
			add("want %#v, got %#v", w.Interface(), g.Interface())
		}
	}
}

func assertNoDiff(t testing.TB, want, got any) {
	t.Helper()
	if d := diff(want, got); len(d) > 0 {
		t.Fatalf("decoded object differs:\n%s", strings.Join(d, "\n"))
	}
}

func asFederationError(t testing.TB, err error) *Error {
	t.Helper()
	var fe *Error
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	return fe
}

func arrowSchema(fields ...arrow.Field) *arrow.Schema { return arrow.NewSchema(fields, nil) }

func hasExported(t reflect.Type) bool {
	for i := 0; i < t.NumField(); i++ {
		if t.Field(i).IsExported() {
			return true
		}
	}
	return false
}
