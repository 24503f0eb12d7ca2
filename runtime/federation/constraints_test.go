package federation

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

func rng(low, high Marker) Range { return Range{Low: low, High: high} }
func exactly(v any) Marker       { return Marker{Value: v, Bound: Exactly} }
func above(v any) Marker         { return Marker{Value: v, Bound: Above} }
func below(v any) Marker         { return Marker{Value: v, Bound: Below} }

type containsCase struct {
	v    any
	want bool
}

func checkContains(t *testing.T, name string, s ValueSet, cases []containsCase) {
	t.Helper()
	for _, c := range cases {
		if got := s.Contains(c.v); got != c.want {
			t.Errorf("%s: Contains(%#v) = %v, want %v", name, c.v, got, c.want)
		}
	}
}

func TestSortedRangeSetBounds(t *testing.T) {
	// every bound kind on each side, on int64
	i := func(v int64) any { return v }
	for _, tc := range []struct {
		name  string
		r     Range
		cases []containsCase
	}{
		{"[5, 10]", rng(exactly(i(5)), exactly(i(10))), []containsCase{{i(4), false}, {i(5), true}, {i(7), true}, {i(10), true}, {i(11), false}}},
		{"(5, 10)", rng(above(i(5)), below(i(10))), []containsCase{{i(5), false}, {i(6), true}, {i(9), true}, {i(10), false}}},
		{"low BELOW 5 = [5", rng(below(i(5)), HighUnbounded), []containsCase{{i(4), false}, {i(5), true}, {i(1 << 62), true}}},
		{"high ABOVE 10 = 10]", rng(LowUnbounded, above(i(10))), []containsCase{{i(-1 << 62), true}, {i(10), true}, {i(11), false}}},
		{"(-inf, +inf)", rng(LowUnbounded, HighUnbounded), []containsCase{{i(0), true}, {i(-1 << 63), true}}},
		{"= 7", rng(exactly(i(7)), exactly(i(7))), []containsCase{{i(6), false}, {i(7), true}, {i(8), false}}},
		{"> 7", rng(above(i(7)), HighUnbounded), []containsCase{{i(7), false}, {i(8), true}}},
		{"< 7", rng(LowUnbounded, below(i(7))), []containsCase{{i(6), true}, {i(7), false}}},
	} {
		s := &SortedRangeSet{Type: arrow.PrimitiveTypes.Int64, Ranges: []Range{tc.r}}
		checkContains(t, tc.name, s, append(tc.cases, containsCase{nil, false}))
		s.NullAllowed = true
		checkContains(t, tc.name+" or NULL", s, []containsCase{{nil, true}})
	}
}

func TestSortedRangeSetTypes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		s     *SortedRangeSet
		cases []containsCase
	}{
		{"int32 two ranges", &SortedRangeSet{Type: i32, Ranges: []Range{rng(LowUnbounded, below(int32(0))), rng(above(int32(100)), HighUnbounded)}},
			[]containsCase{{int32(-5), true}, {int32(0), false}, {int32(50), false}, {int32(100), false}, {int32(101), true}, {nil, false}}},
		{"float64 > -10000 (the SDK's col3)", c2Set("col3").(*SortedRangeSet),
			[]containsCase{{-10000.0, false}, {-9999.5, true}, {1e300, true}, {nil, false}}},
		{"utf8 [b, d)", &SortedRangeSet{Type: utf, Ranges: []Range{rng(exactly("b"), below("d"))}},
			[]containsCase{{"a", false}, {"b", true}, {"c", true}, {"czzz", true}, {"d", false}, {"", false}}},
		{"date32 in 2022", &SortedRangeSet{Type: arrow.FixedWidthTypes.Date32,
			Ranges: []Range{rng(exactly(arrow.Date32(18993)), below(arrow.Date32(19358)))}},
			[]containsCase{{arrow.Date32(18992), false}, {arrow.Date32(18993), true}, {arrow.Date32(19357), true}, {arrow.Date32(19358), false}}},
		{"date64 >= 1 day", &SortedRangeSet{Type: arrow.FixedWidthTypes.Date64, Ranges: []Range{rng(exactly(arrow.Date64(86400000)), HighUnbounded)}},
			[]containsCase{{arrow.Date64(86399999), false}, {arrow.Date64(86400000), true},
				{arrow.Date32(1), true}, {arrow.Date32(0), false}}}, // a Date32 value against Date64 markers
		{"timestamp (t, t+1000]", &SortedRangeSet{Type: tsUTC, Ranges: []Range{rng(above(arrow.Timestamp(1000)), exactly(arrow.Timestamp(2000)))}},
			[]containsCase{{arrow.Timestamp(1000), false}, {arrow.Timestamp(1001), true}, {arrow.Timestamp(2000), true}, {arrow.Timestamp(2001), false}, {nil, false}}},
		{"decimal128 [-1.00, 1.00]", &SortedRangeSet{Type: &arrow.Decimal128Type{Precision: 10, Scale: 2},
			Ranges: []Range{rng(exactly(decimal128.FromI64(-100)), exactly(decimal128.FromI64(100)))}},
			[]containsCase{{decimal128.FromI64(-101), false}, {decimal128.FromI64(-100), true}, {decimal128.FromI64(0), true}, {decimal128.FromI64(101), false}}},
		{"bool = true", &SortedRangeSet{Type: arrow.FixedWidthTypes.Boolean, Ranges: []Range{rng(exactly(true), exactly(true))}},
			[]containsCase{{true, true}, {false, false}}},
		{"binary < 0x02", &SortedRangeSet{Type: arrow.BinaryTypes.Binary, Ranges: []Range{rng(LowUnbounded, below([]byte{2}))}},
			[]containsCase{{[]byte{1, 9}, true}, {[]byte{2}, false}, {[]byte{}, true}}},
		{"IS NULL", &SortedRangeSet{Type: i32, NullAllowed: true},
			[]containsCase{{nil, true}, {int32(0), false}}},
		{"none", &SortedRangeSet{Type: i32}, []containsCase{{nil, false}, {int32(0), false}}},
		{"int32 column, int64 markers", &SortedRangeSet{Type: arrow.PrimitiveTypes.Int64, Ranges: []Range{rng(exactly(int64(10)), HighUnbounded)}},
			[]containsCase{{int32(9), false}, {int32(10), true}, {int8(11), true}}},
		{"incomparable values are not excluded", &SortedRangeSet{Type: i32, Ranges: []Range{rng(exactly(int32(10)), exactly(int32(10)))}},
			[]containsCase{{"ten", true}}},
	} {
		checkContains(t, tc.name, tc.s, tc.cases)
	}
}

func TestEquatableValueSet(t *testing.T) {
	checkContains(t, "col4 NOT IN (1.1) OR NULL", c2Set("col4"),
		[]containsCase{{1.1, false}, {1.2, true}, {nil, true}})
	checkContains(t, "IN ('a','b')", &EquatableValueSet{Type: utf, Values: []any{"a", "b"}, WhiteList: true},
		[]containsCase{{"a", true}, {"b", true}, {"c", false}, {nil, false}})
	checkContains(t, "IN dates OR NULL", &EquatableValueSet{Type: arrow.FixedWidthTypes.Date32,
		Values: []any{arrow.Date32(1), arrow.Date32(3)}, WhiteList: true, NullAllowed: true},
		[]containsCase{{arrow.Date32(1), true}, {arrow.Date32(2), false}, {nil, true}})
	checkContains(t, "NOT IN timestamps", &EquatableValueSet{Type: tsUTC, Values: []any{arrow.Timestamp(5)}},
		[]containsCase{{arrow.Timestamp(5), false}, {arrow.Timestamp(6), true}, {nil, false}})
	checkContains(t, "IN decimals", &EquatableValueSet{Type: dec, Values: []any{decimal128.FromI64(42)}, WhiteList: true},
		[]containsCase{{decimal128.FromI64(42), true}, {decimal128.FromI64(43), false}})
	checkContains(t, "IN (true)", &EquatableValueSet{Type: arrow.FixedWidthTypes.Boolean, Values: []any{true}, WhiteList: true},
		[]containsCase{{true, true}, {false, false}})
	checkContains(t, "IN binary", &EquatableValueSet{Type: arrow.BinaryTypes.Binary, Values: []any{[]byte("ab")}, WhiteList: true},
		[]containsCase{{[]byte("ab"), true}, {[]byte("a"), false}})
	checkContains(t, "IN int16 with a NULL listed", &EquatableValueSet{Type: arrow.PrimitiveTypes.Int16, Values: []any{nil, int16(3)}, WhiteList: true},
		[]containsCase{{int16(3), true}, {int16(4), false}, {nil, false}})
	checkContains(t, "empty whitelist", &EquatableValueSet{Type: i32, WhiteList: true}, []containsCase{{int32(1), false}})
	checkContains(t, "empty blacklist", &EquatableValueSet{Type: i32}, []containsCase{{int32(1), true}})
	checkContains(t, "incomparable", &EquatableValueSet{Type: i32, Values: []any{int32(1)}, WhiteList: true}, []containsCase{{"1", true}})
}

func TestAllOrNoneValueSet(t *testing.T) {
	for _, tc := range []struct {
		all, nullAllowed bool
		value, null      bool
	}{
		{true, true, true, true},     // everything
		{false, false, false, false}, // nothing
		{false, true, false, true},   // IS NULL
		{true, false, true, false},   // IS NOT NULL
	} {
		s := &AllOrNoneValueSet{Type: f64, All: tc.all, NullAllowed: tc.nullAllowed}
		if s.Contains(1.0) != tc.value || s.Contains(nil) != tc.null || s.AllowsNull() != tc.nullAllowed {
			t.Errorf("all=%v nullAllowed=%v: got value %v null %v", tc.all, tc.nullAllowed, s.Contains(1.0), s.Contains(nil))
		}
	}
}

func TestConstraintsHelpers(t *testing.T) {
	c := constraintsC2()
	if c.Set("col5") == nil || c.Set("nope") != nil || c.HasLimit() {
		t.Fatal("Set/HasLimit")
	}
	if !arrow.TypeEqual(c.Set("col3").ArrowType(), f64) {
		t.Fatal("ArrowType")
	}
	var nilC *Constraints
	if nilC.Set("x") != nil || nilC.HasLimit() {
		t.Fatal("nil constraints")
	}
	c.Limit = 0
	if !c.HasLimit() {
		t.Fatal("LIMIT 0")
	}
}

// TestValueAt reads every column type back as the Go value Contains expects.
func TestValueAt(t *testing.T) {
	mem := checkedMem(t)
	rows := richRows()
	rec := buildRecord(t, mem, richSchema, rows)
	defer rec.Release()
	for r, row := range rows {
		for c, want := range row {
			got := ValueAt(rec.Column(c), r)
			if d := diff(want, got); len(d) > 0 {
				t.Errorf("row %d column %s: %v", r, rec.ColumnName(c), d)
			}
		}
	}
	// and filtering a column with a value set read from the wire
	s := &SortedRangeSet{Type: tsUTC, Ranges: []Range{rng(above(arrow.Timestamp(0)), HighUnbounded)}}
	var kept []int
	for r := 0; r < int(rec.NumRows()); r++ {
		if s.Contains(ValueAt(rec.Column(12), r)) {
			kept = append(kept, r)
		}
	}
	if len(kept) != 1 || kept[0] != 0 {
		t.Fatalf("kept rows %v, want [0]", kept)
	}
}

func c2Set(column string) ValueSet {
	c := constraintsC2()
	return c.Set(column)
}
