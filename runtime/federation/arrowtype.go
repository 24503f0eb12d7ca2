package federation

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// The ArrowType JSON (ArrowTypeSerDe) names a type without its children, so
// nested types read from it have placeholder children: List, FixedSizeList
// and Map of Null, a Struct without fields, a Union without members. Only
// the type id and parameters are meaningful.

var timeUnits = []string{"SECOND", "MILLISECOND", "MICROSECOND", "NANOSECOND"}

func unitName(u arrow.TimeUnit) string { return timeUnits[u&3] }

func unitOf(s string) (arrow.TimeUnit, bool) {
	for i, n := range timeUnits {
		if n == s {
			return arrow.TimeUnit(i), true
		}
	}
	return 0, false
}

// writeArrowType writes dt as ArrowType JSON.
func writeArrowType(w *writer, dt arrow.DataType) error {
	if dt == nil {
		return fmt.Errorf("federation: missing Arrow type")
	}
	switch t := dt.(type) {
	case *arrow.Int8Type, *arrow.Int16Type, *arrow.Int32Type, *arrow.Int64Type,
		*arrow.Uint8Type, *arrow.Uint16Type, *arrow.Uint32Type, *arrow.Uint64Type:
		w.typed("Int")
		w.key("bitWidth")
		w.int(int64(dt.(arrow.FixedWidthDataType).BitWidth()))
		w.key("isSigned")
		w.boolean(arrow.IsSignedInteger(dt.ID()))
	case *arrow.Float16Type:
		writePrecision(w, "HALF")
	case *arrow.Float32Type:
		writePrecision(w, "SINGLE")
	case *arrow.Float64Type:
		writePrecision(w, "DOUBLE")
	case *arrow.StringType:
		w.typed("Utf8")
	case *arrow.BinaryType:
		w.typed("Binary")
	case *arrow.BooleanType:
		w.typed("Bool")
	case *arrow.NullType:
		w.typed("Null")
	case *arrow.StructType:
		w.typed("Struct")
	case *arrow.ListType:
		w.typed("List")
	case *arrow.MapType:
		w.typed("Map")
	case arrow.DecimalType:
		w.typed("Decimal")
		w.key("precision")
		w.int(int64(t.GetPrecision()))
		w.key("scale")
		w.int(int64(t.GetScale()))
	case *arrow.Date32Type:
		writeUnit(w, "Date", "DAY")
	case *arrow.Date64Type:
		writeUnit(w, "Date", "MILLISECOND")
	case *arrow.Time32Type:
		writeUnit(w, "Time", unitName(t.Unit))
		w.key("bitWidth")
		w.int(32)
	case *arrow.Time64Type:
		writeUnit(w, "Time", unitName(t.Unit))
		w.key("bitWidth")
		w.int(64)
	case *arrow.TimestampType:
		writeUnit(w, "Timestamp", unitName(t.Unit))
		w.key("timezone")
		if t.TimeZone == "" {
			w.null()
		} else {
			w.str(t.TimeZone)
		}
	case *arrow.MonthIntervalType:
		writeUnit(w, "Interval", "YEAR_MONTH")
	case *arrow.DayTimeIntervalType:
		writeUnit(w, "Interval", "DAY_TIME")
	case *arrow.MonthDayNanoIntervalType:
		writeUnit(w, "Interval", "MONTH_DAY_NANO")
	case *arrow.FixedSizeListType:
		w.typed("FixedSizeList")
		w.key("listSize")
		w.int(int64(t.Len()))
	case *arrow.FixedSizeBinaryType:
		w.typed("FixedSizeBinary")
		w.key("byteWidth")
		w.int(int64(t.ByteWidth))
	case arrow.UnionType:
		w.typed("Union")
		w.key("mode")
		if t.Mode() == arrow.DenseMode {
			w.str("Dense")
		} else {
			w.str("Sparse")
		}
		w.key("typeIds")
		w.beginArray()
		for _, c := range t.TypeCodes() {
			w.int(int64(c))
		}
		w.endArray()
	default:
		return fmt.Errorf("federation: Arrow type %s cannot be represented in the protocol", dt)
	}
	w.endObject()
	return nil
}

func writePrecision(w *writer, p string) {
	w.typed("FloatingPoint")
	w.key("precision")
	w.str(p)
}

func writeUnit(w *writer, typ, unit string) {
	w.typed(typ)
	w.key("unit")
	w.str(unit)
}

// readArrowType reads ArrowType JSON; it returns nil after recording an error.
func (r *reader) arrowType(n *node, path string) arrow.DataType {
	t := r.typeName(n, path)
	if r.err != nil {
		return nil
	}
	switch t {
	case "Int":
		bits := r.int(r.field(n, path, "bitWidth"), join(path, "bitWidth"))
		signed := r.boolean(r.field(n, path, "isSigned"), join(path, "isSigned"))
		switch {
		case bits == 8 && signed:
			return arrow.PrimitiveTypes.Int8
		case bits == 16 && signed:
			return arrow.PrimitiveTypes.Int16
		case bits == 32 && signed:
			return arrow.PrimitiveTypes.Int32
		case bits == 64 && signed:
			return arrow.PrimitiveTypes.Int64
		case bits == 8:
			return arrow.PrimitiveTypes.Uint8
		case bits == 16:
			return arrow.PrimitiveTypes.Uint16
		case bits == 32:
			return arrow.PrimitiveTypes.Uint32
		case bits == 64:
			return arrow.PrimitiveTypes.Uint64
		}
		r.failf(join(path, "bitWidth"), "unsupported integer width %d", bits)
	case "FloatingPoint":
		switch p := r.str(r.field(n, path, "precision"), join(path, "precision")); p {
		case "HALF":
			return arrow.FixedWidthTypes.Float16
		case "SINGLE":
			return arrow.PrimitiveTypes.Float32
		case "DOUBLE":
			return arrow.PrimitiveTypes.Float64
		default:
			r.failf(join(path, "precision"), "unknown floating point precision %q", p)
		}
	case "Utf8":
		return arrow.BinaryTypes.String
	case "Binary":
		return arrow.BinaryTypes.Binary
	case "Bool":
		return arrow.FixedWidthTypes.Boolean
	case "Null":
		return arrow.Null
	case "Struct":
		return arrow.StructOf()
	case "List":
		return arrow.ListOf(arrow.Null)
	case "Map":
		return arrow.MapOf(arrow.Null, arrow.Null)
	case "Decimal":
		p := r.int(r.field(n, path, "precision"), join(path, "precision"))
		s := r.int(r.field(n, path, "scale"), join(path, "scale"))
		if r.err == nil && (p < 1 || p > 38 || s < -p || s > p) {
			r.failf(path, "invalid decimal precision %d, scale %d", p, s)
			return nil
		}
		return &arrow.Decimal128Type{Precision: int32(p), Scale: int32(s)}
	case "Date":
		switch u := r.str(r.field(n, path, "unit"), join(path, "unit")); u {
		case "DAY":
			return arrow.FixedWidthTypes.Date32
		case "MILLISECOND":
			return arrow.FixedWidthTypes.Date64
		default:
			r.failf(join(path, "unit"), "unknown date unit %q", u)
		}
	case "Time":
		u, ok := unitOf(r.str(r.field(n, path, "unit"), join(path, "unit")))
		bits := r.int(r.field(n, path, "bitWidth"), join(path, "bitWidth"))
		if r.err != nil {
			return nil
		}
		switch {
		case !ok:
			r.failf(join(path, "unit"), "unknown time unit")
		case bits == 32 && u <= arrow.Millisecond:
			return &arrow.Time32Type{Unit: u}
		case bits == 64 && u >= arrow.Microsecond:
			return &arrow.Time64Type{Unit: u}
		default:
			r.failf(path, "unsupported time unit %s with bit width %d", unitName(u), bits)
		}
	case "Timestamp":
		u, ok := unitOf(r.str(r.field(n, path, "unit"), join(path, "unit")))
		tz := r.str(r.field(n, path, "timezone"), join(path, "timezone"))
		if !ok {
			r.failf(join(path, "unit"), "unknown timestamp unit")
			return nil
		}
		return &arrow.TimestampType{Unit: u, TimeZone: tz}
	case "Interval":
		switch u := r.str(r.field(n, path, "unit"), join(path, "unit")); u {
		case "YEAR_MONTH":
			return arrow.FixedWidthTypes.MonthInterval
		case "DAY_TIME":
			return arrow.FixedWidthTypes.DayTimeInterval
		case "MONTH_DAY_NANO":
			return arrow.FixedWidthTypes.MonthDayNanoInterval
		default:
			r.failf(join(path, "unit"), "unknown interval unit %q", u)
		}
	case "FixedSizeList":
		size := r.int(r.field(n, path, "listSize"), join(path, "listSize"))
		if r.err == nil && (size < 0 || size > 1<<31-1) {
			r.failf(join(path, "listSize"), "invalid list size %d", size)
		}
		return arrow.FixedSizeListOf(int32(size), arrow.Null)
	case "FixedSizeBinary":
		width := r.int(r.field(n, path, "byteWidth"), join(path, "byteWidth"))
		if r.err == nil && (width < 0 || width > 1<<31-1) {
			r.failf(join(path, "byteWidth"), "invalid byte width %d", width)
		}
		return &arrow.FixedSizeBinaryType{ByteWidth: int(width)}
	case "Union":
		// The SDK writes the mode as the union's toString and cannot read
		// its own typeIds back, so take what can be understood.
		if m := n.get("mode"); m != nil && m.kind == 's' && (m.text == "Dense" || m.text == "DENSE") {
			return arrow.DenseUnionOf(nil, nil)
		}
		return arrow.SparseUnionOf(nil, nil)
	default:
		r.failf(join(path, "@type"), "unknown Arrow type %q", t)
	}
	return nil
}
