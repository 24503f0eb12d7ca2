package federation

import (
	"bytes"
	"cmp"
	"fmt"
	"reflect"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/decimal256"
	"github.com/apache/arrow-go/v18/arrow/float16"
)

// ValueAt returns the value of arr at row i as the Go value its Value(i)
// returns (int32 for Int32, arrow.Date32 for Date32, decimal128.Num for
// Decimal128, string for Utf8, []byte for Binary, ...), or nil when it is
// NULL. Binary values alias the array's memory. Nested values are []any: the
// elements of a list, the fields of a struct, and for a map []any{key, item}
// per entry. A type it does not know gives nil.
func ValueAt(arr arrow.Array, i int) any {
	if arr.IsNull(i) {
		return nil
	}
	switch a := arr.(type) {
	case *array.Boolean:
		return a.Value(i)
	case *array.Int8:
		return a.Value(i)
	case *array.Int16:
		return a.Value(i)
	case *array.Int32:
		return a.Value(i)
	case *array.Int64:
		return a.Value(i)
	case *array.Uint8:
		return a.Value(i)
	case *array.Uint16:
		return a.Value(i)
	case *array.Uint32:
		return a.Value(i)
	case *array.Uint64:
		return a.Value(i)
	case *array.Float16:
		return a.Value(i)
	case *array.Float32:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.Binary:
		return a.Value(i)
	case *array.LargeBinary:
		return a.Value(i)
	case *array.FixedSizeBinary:
		return a.Value(i)
	case *array.Date32:
		return a.Value(i)
	case *array.Date64:
		return a.Value(i)
	case *array.Timestamp:
		return a.Value(i)
	case *array.Time32:
		return a.Value(i)
	case *array.Time64:
		return a.Value(i)
	case *array.Duration:
		return a.Value(i)
	case *array.Decimal128:
		return a.Value(i)
	case *array.Decimal256:
		return a.Value(i)
	case *array.MonthInterval:
		return a.Value(i)
	case *array.DayTimeInterval:
		return a.Value(i)
	case *array.MonthDayNanoInterval:
		return a.Value(i)
	case *array.Map:
		start, end := a.ValueOffsets(i)
		out := make([]any, 0, end-start)
		for j := start; j < end; j++ {
			out = append(out, []any{ValueAt(a.Keys(), int(j)), ValueAt(a.Items(), int(j))})
		}
		return out
	case array.ListLike:
		start, end := a.ValueOffsets(i)
		out := make([]any, 0, end-start)
		for j := start; j < end; j++ {
			out = append(out, ValueAt(a.ListValues(), int(j)))
		}
		return out
	case *array.Struct:
		out := make([]any, a.NumField())
		for f := range out {
			out[f] = ValueAt(a.Field(f), i)
		}
		return out
	}
	return nil
}

// ownValue copies the parts of a ValueAt result that alias Arrow memory.
func ownValue(v any) any {
	switch x := v.(type) {
	case []byte:
		return bytes.Clone(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = ownValue(e)
		}
		return out
	}
	return v
}

// values returns every row of arr, detached from Arrow memory.
func values(arr arrow.Array) []any {
	out := make([]any, arr.Len())
	for i := range out {
		out[i] = ownValue(ValueAt(arr, i))
	}
	return out
}

func cmpAs[T cmp.Ordered](x T, b any) (int, bool) {
	if y, ok := b.(T); ok {
		return cmp.Compare(x, y), true
	}
	return cmpNumeric(x, b)
}

// compareValues orders two non-NULL values of the same column type. ok is
// false when they cannot be compared.
func compareValues(a, b any) (int, bool) {
	switch x := a.(type) {
	case string:
		return cmpAs(x, b)
	case int8:
		return cmpAs(x, b)
	case int16:
		return cmpAs(x, b)
	case int32:
		return cmpAs(x, b)
	case int64:
		return cmpAs(x, b)
	case uint8:
		return cmpAs(x, b)
	case uint16:
		return cmpAs(x, b)
	case uint32:
		return cmpAs(x, b)
	case uint64:
		return cmpAs(x, b)
	case float32:
		return cmpAs(x, b)
	case float64:
		return cmpAs(x, b)
	case arrow.Timestamp:
		return cmpAs(x, b)
	case arrow.Time32:
		return cmpAs(x, b)
	case arrow.Time64:
		return cmpAs(x, b)
	case arrow.Duration:
		return cmpAs(x, b)
	case arrow.Date32:
		if y, ok := b.(arrow.Date64); ok {
			return cmp.Compare(x.ToTime().UnixMilli(), int64(y)), true
		}
		return cmpAs(x, b)
	case arrow.Date64:
		if y, ok := b.(arrow.Date32); ok {
			return cmp.Compare(int64(x), y.ToTime().UnixMilli()), true
		}
		return cmpAs(x, b)
	case float16.Num:
		if y, ok := b.(float16.Num); ok {
			return cmp.Compare(x.Float32(), y.Float32()), true
		}
		return cmpNumeric(x.Float32(), b)
	case bool:
		if y, ok := b.(bool); ok {
			return cmp.Compare(b2i(x), b2i(y)), true
		}
	case []byte:
		if y, ok := b.([]byte); ok {
			return bytes.Compare(x, y), true
		}
	case decimal128.Num:
		if y, ok := b.(decimal128.Num); ok {
			return x.Cmp(y), true
		}
	case decimal256.Num:
		if y, ok := b.(decimal256.Num); ok {
			return x.Cmp(y), true
		}
	}
	return 0, false
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// cmpNumeric compares plain numbers of different Go types (an Int32 column
// against an Int64 marker, say).
func cmpNumeric(a, b any) (int, bool) {
	ai, aInt, aok := number(a)
	bi, bInt, bok := number(b)
	if !aok || !bok {
		return 0, false
	}
	if aInt && bInt {
		return cmp.Compare(ai.i, bi.i), true
	}
	return cmp.Compare(ai.f, bi.f), true
}

type num struct {
	i int64
	f float64
}

func number(v any) (n num, isInt, ok bool) {
	switch x := v.(type) {
	case int8:
		return num{int64(x), float64(x)}, true, true
	case int16:
		return num{int64(x), float64(x)}, true, true
	case int32:
		return num{int64(x), float64(x)}, true, true
	case int64:
		return num{x, float64(x)}, true, true
	case uint8:
		return num{int64(x), float64(x)}, true, true
	case uint16:
		return num{int64(x), float64(x)}, true, true
	case uint32:
		return num{int64(x), float64(x)}, true, true
	case uint64:
		return num{int64(x), float64(x)}, x <= 1<<63-1, true
	case float32:
		return num{0, float64(x)}, false, true
	case float64:
		return num{0, x}, false, true
	}
	return num{}, false, false
}

// appendValue appends v (a ValueAt-style value, nil for NULL) to b.
func appendValue(b array.Builder, v any) error {
	if v == nil {
		b.AppendNull()
		return nil
	}
	switch bb := b.(type) {
	case *array.BooleanBuilder:
		return app(bb.Append, v)
	case *array.Int8Builder:
		return app(bb.Append, v)
	case *array.Int16Builder:
		return app(bb.Append, v)
	case *array.Int32Builder:
		return app(bb.Append, v)
	case *array.Int64Builder:
		return app(bb.Append, v)
	case *array.Uint8Builder:
		return app(bb.Append, v)
	case *array.Uint16Builder:
		return app(bb.Append, v)
	case *array.Uint32Builder:
		return app(bb.Append, v)
	case *array.Uint64Builder:
		return app(bb.Append, v)
	case *array.Float16Builder:
		return app(bb.Append, v)
	case *array.Float32Builder:
		return app(bb.Append, v)
	case *array.Float64Builder:
		return app(bb.Append, v)
	case *array.StringBuilder:
		return app(bb.Append, v)
	case *array.LargeStringBuilder:
		return app(bb.Append, v)
	case *array.BinaryBuilder:
		return app(bb.Append, v)
	case *array.FixedSizeBinaryBuilder:
		return app(bb.Append, v)
	case *array.Date32Builder:
		return app(bb.Append, v)
	case *array.Date64Builder:
		return app(bb.Append, v)
	case *array.TimestampBuilder:
		return app(bb.Append, v)
	case *array.Time32Builder:
		return app(bb.Append, v)
	case *array.Time64Builder:
		return app(bb.Append, v)
	case *array.DurationBuilder:
		return app(bb.Append, v)
	case *array.Decimal128Builder:
		return app(bb.Append, v)
	case *array.Decimal256Builder:
		return app(bb.Append, v)
	case *array.MonthIntervalBuilder:
		return app(bb.Append, v)
	case *array.DayTimeIntervalBuilder:
		return app(bb.Append, v)
	case *array.MonthDayNanoIntervalBuilder:
		return app(bb.Append, v)
	case *array.MapBuilder:
		entries, ok := v.([]any)
		if !ok {
			return mismatch(b, v)
		}
		bb.Append(true)
		for _, e := range entries {
			kv, ok := e.([]any)
			if !ok || len(kv) != 2 {
				return mismatch(b, v)
			}
			if err := appendValue(bb.KeyBuilder(), kv[0]); err != nil {
				return err
			}
			if err := appendValue(bb.ItemBuilder(), kv[1]); err != nil {
				return err
			}
		}
		return nil
	case array.ListLikeBuilder:
		elems, ok := v.([]any)
		if !ok {
			return mismatch(b, v)
		}
		if fl, ok := bb.(*array.FixedSizeListBuilder); ok && len(elems) != int(fl.Type().(*arrow.FixedSizeListType).Len()) {
			return mismatch(b, v)
		}
		bb.Append(true)
		for _, e := range elems {
			if err := appendValue(bb.ValueBuilder(), e); err != nil {
				return err
			}
		}
		return nil
	case *array.StructBuilder:
		fields, ok := v.([]any)
		if !ok || len(fields) != bb.NumField() {
			return mismatch(b, v)
		}
		bb.Append(true)
		for i, f := range fields {
			if err := appendValue(bb.FieldBuilder(i), f); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("federation: cannot build a value of type %s", b.Type())
}

func app[T any](f func(T), v any) error {
	x, ok := v.(T)
	if !ok {
		var zero T
		return fmt.Errorf("federation: value %v is a %T, want %T", v, v, zero)
	}
	f(x)
	return nil
}

func mismatch(b array.Builder, v any) error {
	return fmt.Errorf("federation: value %v (%T) does not fit type %s", v, v, b.Type())
}

func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}
