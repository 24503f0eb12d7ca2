package federation

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

func TestArrowTypeJSON(t *testing.T) {
	for _, tc := range []struct {
		typ  arrow.DataType
		json string
		back arrow.DataType // what reading gives, if not typ
	}{
		{arrow.PrimitiveTypes.Int8, `{"@type":"Int","bitWidth":8,"isSigned":true}`, nil},
		{arrow.PrimitiveTypes.Int16, `{"@type":"Int","bitWidth":16,"isSigned":true}`, nil},
		{arrow.PrimitiveTypes.Int32, `{"@type":"Int","bitWidth":32,"isSigned":true}`, nil},
		{arrow.PrimitiveTypes.Int64, `{"@type":"Int","bitWidth":64,"isSigned":true}`, nil},
		{arrow.PrimitiveTypes.Uint8, `{"@type":"Int","bitWidth":8,"isSigned":false}`, nil},
		{arrow.PrimitiveTypes.Uint64, `{"@type":"Int","bitWidth":64,"isSigned":false}`, nil},
		{arrow.FixedWidthTypes.Float16, `{"@type":"FloatingPoint","precision":"HALF"}`, nil},
		{arrow.PrimitiveTypes.Float32, `{"@type":"FloatingPoint","precision":"SINGLE"}`, nil},
		{arrow.PrimitiveTypes.Float64, `{"@type":"FloatingPoint","precision":"DOUBLE"}`, nil},
		{arrow.BinaryTypes.String, `{"@type":"Utf8"}`, nil},
		{arrow.BinaryTypes.Binary, `{"@type":"Binary"}`, nil},
		{arrow.FixedWidthTypes.Boolean, `{"@type":"Bool"}`, nil},
		{arrow.Null, `{"@type":"Null"}`, nil},
		{arrow.StructOf(field("a", i32)), `{"@type":"Struct"}`, arrow.StructOf()},
		{arrow.ListOf(utf), `{"@type":"List"}`, arrow.ListOf(arrow.Null)},
		{arrow.MapOf(utf, i32), `{"@type":"Map"}`, arrow.MapOf(arrow.Null, arrow.Null)},
		{&arrow.Decimal128Type{Precision: 38, Scale: 10}, `{"@type":"Decimal","precision":38,"scale":10}`, nil},
		{&arrow.Decimal128Type{Precision: 5, Scale: 0}, `{"@type":"Decimal","precision":5,"scale":0}`, nil},
		{arrow.FixedWidthTypes.Date32, `{"@type":"Date","unit":"DAY"}`, nil},
		{arrow.FixedWidthTypes.Date64, `{"@type":"Date","unit":"MILLISECOND"}`, nil},
		{arrow.FixedWidthTypes.Time32s, `{"@type":"Time","unit":"SECOND","bitWidth":32}`, nil},
		{arrow.FixedWidthTypes.Time32ms, `{"@type":"Time","unit":"MILLISECOND","bitWidth":32}`, nil},
		{arrow.FixedWidthTypes.Time64us, `{"@type":"Time","unit":"MICROSECOND","bitWidth":64}`, nil},
		{arrow.FixedWidthTypes.Time64ns, `{"@type":"Time","unit":"NANOSECOND","bitWidth":64}`, nil},
		{&arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}, `{"@type":"Timestamp","unit":"MILLISECOND","timezone":"UTC"}`, nil},
		{&arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "America/New_York"}, `{"@type":"Timestamp","unit":"MICROSECOND","timezone":"America/New_York"}`, nil},
		{&arrow.TimestampType{Unit: arrow.Second}, `{"@type":"Timestamp","unit":"SECOND","timezone":null}`, nil},
		{&arrow.TimestampType{Unit: arrow.Nanosecond}, `{"@type":"Timestamp","unit":"NANOSECOND","timezone":null}`, nil},
		{arrow.FixedWidthTypes.MonthInterval, `{"@type":"Interval","unit":"YEAR_MONTH"}`, nil},
		{arrow.FixedWidthTypes.DayTimeInterval, `{"@type":"Interval","unit":"DAY_TIME"}`, nil},
		{arrow.FixedWidthTypes.MonthDayNanoInterval, `{"@type":"Interval","unit":"MONTH_DAY_NANO"}`, nil},
		{arrow.FixedSizeListOf(3, f64), `{"@type":"FixedSizeList","listSize":3}`, arrow.FixedSizeListOf(3, arrow.Null)},
		{&arrow.FixedSizeBinaryType{ByteWidth: 16}, `{"@type":"FixedSizeBinary","byteWidth":16}`, nil},
		{arrow.SparseUnionOf(nil, nil), `{"@type":"Union","mode":"Sparse","typeIds":[]}`, nil},
		{arrow.DenseUnionOf([]arrow.Field{field("a", i32)}, []arrow.UnionTypeCode{5}), `{"@type":"Union","mode":"Dense","typeIds":[5]}`, arrow.DenseUnionOf(nil, nil)},
	} {
		var w writer
		if err := writeArrowType(&w, tc.typ); err != nil {
			t.Fatalf("%s: %v", tc.typ, err)
		}
		if string(w.buf) != tc.json {
			t.Errorf("%s: wrote %s, want %s", tc.typ, w.buf, tc.json)
		}
		n, err := parseJSON([]byte(tc.json))
		if err != nil {
			t.Fatal(err)
		}
		r := &reader{}
		got := r.arrowType(n, "type")
		if r.err != nil {
			t.Fatalf("%s: %v", tc.json, r.err)
		}
		want := tc.back
		if want == nil {
			want = tc.typ
		}
		if !arrow.TypeEqual(got, want) {
			t.Errorf("%s: read %s, want %s", tc.json, got, want)
		}
	}
}

func TestArrowTypeJSONTolerantAndErrors(t *testing.T) {
	read := func(s string) (arrow.DataType, error) {
		n, err := parseJSON([]byte(s))
		if err != nil {
			return nil, err
		}
		r := &reader{}
		dt := r.arrowType(n, "type")
		return dt, r.err
	}
	// any field order, unknown fields, the SDK's broken Union
	for s, want := range map[string]arrow.DataType{
		`{"isSigned":true,"bitWidth":16,"@type":"Int"}`:                          arrow.PrimitiveTypes.Int16,
		`{"@type":"Utf8","extra":1}`:                                             utf,
		`{"@type":"Union","mode":"Union(Sparse, [1, 2])","typeIds":"[I@1f2a3b"}`: arrow.SparseUnionOf(nil, nil),
	} {
		got, err := read(s)
		if err != nil || !arrow.TypeEqual(got, want) {
			t.Errorf("%s: got %v (%v), want %s", s, got, err, want)
		}
	}
	for _, s := range []string{
		`{"@type":"Int","bitWidth":12,"isSigned":true}`,
		`{"@type":"Int","bitWidth":32}`,
		`{"@type":"FloatingPoint","precision":"QUAD"}`,
		`{"@type":"Decimal","precision":99,"scale":1}`,
		`{"@type":"Date","unit":"HOUR"}`,
		`{"@type":"Time","unit":"SECOND","bitWidth":64}`,
		`{"@type":"Timestamp","unit":"EPOCH","timezone":null}`,
		`{"@type":"Interval","unit":"WEEK"}`,
		`{"@type":"FixedSizeBinary","byteWidth":-1}`,
		`{"@type":"LargeUtf8"}`,
		`{"bitWidth":32}`,
		`"Int"`,
	} {
		if _, err := read(s); err == nil {
			t.Errorf("%s: no error", s)
		}
	}
	var w writer
	for _, dt := range []arrow.DataType{arrow.BinaryTypes.LargeString, arrow.BinaryTypes.LargeBinary, arrow.LargeListOf(i32), arrow.FixedWidthTypes.Duration_s, nil} {
		if err := writeArrowType(&w, dt); err == nil {
			t.Errorf("%v: no error", dt)
		}
	}
}

func TestWriterEscaping(t *testing.T) {
	var w writer
	w.str("a\"b\\c\n\t\r\b\f\x01\x1f<>&é€😀\xff\u2028")
	const want = `"a\"b\\c\n\t\r\b\f\u0001\u001F<>&é€😀\uFFFD` + "\u2028" + `"`
	if string(w.buf) != want {
		t.Fatalf("got  %s\nwant %s", w.buf, want)
	}
}
