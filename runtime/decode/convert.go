package decode

import (
	"math"
	"strconv"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// The append functions below convert one value and append it to a typed
// builder: exactly one value per call. A missing value, JSON null, or an
// empty text for a non-VARCHAR column appends NULL. A value that does not
// convert appends NULL, records the failure on st and returns false.

const (
	whyBool    = "not a boolean (true or false)"
	whyInt     = "not an integer in range"
	whyFloat   = "not a number in range"
	whyDecimal = "not a decimal that fits"
	whyTime    = "not a time in the column's format"
	whyDate    = "date out of range"
	whyKind    = "wrong JSON type for the column"
)

// The put and null functions append one value (or NULL) to a typed builder,
// growing it only when it is full: the builders' own Append reserves on every
// call, which costs more than the value. They are written per type so that
// everything inlines.

func putInt8(b *array.Int8Builder, v int8) {
	if b.Len() == b.Cap() {
		b.Reserve(1)
	}
	b.UnsafeAppend(v)
}

func nullInt8(b *array.Int8Builder) {
	if b.Len() == b.Cap() {
		b.Reserve(1)
	}
	b.UnsafeAppendBoolToBitmap(false)
}

func putInt16(b *array.Int16Builder, v int16) {
	if b.Len() == b.Cap() {
		b.Reserve(1)
	}
	b.UnsafeAppend(v)
}

func nullInt16(b *array.Int16Builder) {
	if b.Len() == b.Cap() {
		b.Reserve(1)
	}
	b.UnsafeAppendBoolToBitmap(false)
}

func putInt32(b *array.Int32Builder, v int32) {
	if b.Len() == b.Cap() {
		b.Reserve(1)
	}
	b.UnsafeAppend(v)
}

func nullInt32(b *array.Int32Builder) {
	if b.Len() == b.Cap() {
		b.Reserve(1)
	}
	b.UnsafeAppendBoolToBitmap(false)
}

func putInt64(b *array.Int64Builder, v int64) {
	if b.Len() == b.Cap() {
		b.Reserve(1)
	}
	b.UnsafeAppend(v)
}

func nullInt64(b *array.Int64Builder) {
	if b.Len() == b.Cap() {
		b.Reserve(1)
	}
	b.UnsafeAppendBoolToBitmap(false)
}

func putFloat32(b *array.Float32Builder, v float32) {
	if b.Len() == b.Cap() {
		b.Reserve(1)
	}
	b.UnsafeAppend(v)
}

func nullFloat32(b *array.Float32Builder) {
	if b.Len() == b.Cap() {
		b.Reserve(1)
	}
	b.UnsafeAppendBoolToBitmap(false)
}

func putFloat64(b *array.Float64Builder, v float64) {
	if b.Len() == b.Cap() {
		b.Reserve(1)
	}
	b.UnsafeAppend(v)
}

func nullFloat64(b *array.Float64Builder) {
	if b.Len() == b.Cap() {
		b.Reserve(1)
	}
	b.UnsafeAppendBoolToBitmap(false)
}

func putDate32(b *array.Date32Builder, v arrow.Date32) {
	if b.Len() == b.Cap() {
		b.Reserve(1)
	}
	b.UnsafeAppend(v)
}

func nullDate32(b *array.Date32Builder) {
	if b.Len() == b.Cap() {
		b.Reserve(1)
	}
	b.UnsafeAppendBoolToBitmap(false)
}

func putDate64(b *array.Date64Builder, v arrow.Date64) {
	if b.Len() == b.Cap() {
		b.Reserve(1)
	}
	b.UnsafeAppend(v)
}

func nullDate64(b *array.Date64Builder) {
	if b.Len() == b.Cap() {
		b.Reserve(1)
	}
	b.UnsafeAppendBoolToBitmap(false)
}

func putDecimal128(b *array.Decimal128Builder, v decimal128.Num) {
	if b.Len() == b.Cap() {
		b.Reserve(1)
	}
	b.UnsafeAppend(v)
}

func nullDecimal128(b *array.Decimal128Builder) {
	if b.Len() == b.Cap() {
		b.Reserve(1)
	}
	b.UnsafeAppendBoolToBitmap(false)
}

func putBoolean(b *array.BooleanBuilder, v bool) {
	if b.Len() == b.Cap() {
		b.Reserve(1)
	}
	b.UnsafeAppend(v)
}

func nullBoolean(b *array.BooleanBuilder) {
	if b.Len() == b.Cap() {
		b.Reserve(1)
	}
	b.UnsafeAppendBoolToBitmap(false)
}

// appendBytes appends a string value. When the data buffer is full it
// grows to hold the rows already reserved at the average length so far (at
// least doubling), so a reserved block costs a handful of allocations.
func appendBytes(b *array.StringBuilder, t []byte) {
	if b.Len() == b.Cap() {
		b.Reserve(1)
	}
	if b.DataLen()+len(t) > b.DataCap() {
		need := max(len(t), b.DataCap())
		if n := b.Len(); n > 0 {
			need = max(need, (b.DataLen()/n+1)*(b.Cap()-n))
		}
		b.ReserveData(need)
	}
	b.UnsafeAppend(t)
}

// text returns the text of a scalar span (string content unescaped, a number
// as written), and false for anything else.
func (st *State) text(v []byte, sp Span) ([]byte, bool) {
	switch sp.Tok {
	case TokString, TokNumber, TokInteger:
		return v[sp.Start:sp.End], true
	case TokStringEsc:
		st.scratch = unescapeJSON(st.scratch[:0], v[sp.Start:sp.End])
		return st.scratch, true
	case TokQuoted:
		st.scratch = unquoteCSV(st.scratch[:0], v[sp.Start:sp.End])
		return st.scratch, true
	}
	return nil, false
}

// null reports whether sp appends NULL without a failure.
func null(sp Span) bool {
	return sp.Tok <= TokNull || (sp.Tok == TokString && sp.Start == sp.End)
}

func (st *State) bad1(col int, v []byte, sp Span, why string) bool {
	st.Corrupt(col, v, sp.Start, why)
	return false
}

// AppendString appends a VARCHAR: string content, a number or boolean as its
// literal text, an object or array as its JSON text.
func AppendString(b *array.StringBuilder, v []byte, sp Span, st *State, col int) bool {
	if sp.Tok <= TokNull {
		b.AppendNull() // a null string needs its offset too
		return true
	}
	var t []byte
	switch sp.Tok {
	case TokStringEsc:
		st.scratch = unescapeJSON(st.scratch[:0], v[sp.Start:sp.End])
		t = st.scratch
	case TokQuoted:
		st.scratch = unquoteCSV(st.scratch[:0], v[sp.Start:sp.End])
		t = st.scratch
	default:
		t = v[sp.Start:sp.End]
	}
	appendBytes(b, t)
	return true
}

// AppendBool appends a BOOLEAN: JSON true/false, or the text true/false in
// any case.
func AppendBool(b *array.BooleanBuilder, v []byte, sp Span, st *State, col int) bool {
	switch sp.Tok {
	case TokTrue:
		putBoolean(b, true)
		return true
	case TokFalse:
		putBoolean(b, false)
		return true
	}
	if null(sp) {
		nullBoolean(b)
		return true
	}
	if sp.Tok != TokNumber && sp.Tok != TokInteger {
		if t, ok := st.text(v, sp); ok {
			if equalFoldASCII(t, "true") {
				putBoolean(b, true)
				return true
			}
			if equalFoldASCII(t, "false") {
				putBoolean(b, false)
				return true
			}
		}
	}
	nullBoolean(b)
	return st.bad1(col, v, sp, whyBool)
}

// parseInt reads [+-]digits within [min, max].
func parseInt(t []byte, min, max int64) (int64, bool) {
	i, neg := 0, false
	if len(t) > 0 && (t[0] == '-' || t[0] == '+') {
		neg, i = t[0] == '-', 1
	}
	if i == len(t) {
		return 0, false
	}
	var u uint64
	if len(t)-i <= 19 { // cannot overflow
		var ok bool
		if u, ok = allDigits(t[i:]); !ok {
			return 0, false
		}
	} else {
		for ; i < len(t); i++ {
			c := t[i] - '0'
			if c > 9 || u > math.MaxInt64/10+1 {
				return 0, false
			}
			u = u*10 + uint64(c)
		}
	}
	if neg {
		if u > uint64(-min) {
			return 0, false
		}
		return -int64(u), true
	}
	if u > uint64(max) {
		return 0, false
	}
	return int64(u), true
}

// scalar is the text of a value for a non-VARCHAR column: null is set for
// a value that appends NULL without a failure (absent, JSON null, empty
// text); why is set for a JSON type the column cannot take.
func (st *State) scalar(v []byte, sp Span) (t []byte, null bool, why string) {
	switch sp.Tok {
	case TokNumber, TokInteger:
		return v[sp.Start:sp.End], false, ""
	case TokString:
		return v[sp.Start:sp.End], sp.Start == sp.End, ""
	case TokNone, TokNull:
		return nil, true, ""
	case TokStringEsc, TokQuoted:
		t, _ = st.text(v, sp)
		return t, false, ""
	}
	return nil, false, whyKind
}

func appendInt(v []byte, sp Span, st *State, col int, min, max int64) (int64, bool, bool) {
	if sp.Tok == TokInteger { // parsed by the cursor
		if sp.Int >= min && sp.Int <= max {
			return sp.Int, true, true
		}
		return 0, false, st.bad1(col, v, sp, whyInt)
	}
	t, null, why := st.scalar(v, sp)
	if null {
		return 0, false, true
	}
	if why == "" {
		if n, ok := parseInt(t, min, max); ok {
			return n, true, true
		}
		why = whyInt
	}
	return 0, false, st.bad1(col, v, sp, why)
}

// AppendInt8 appends a TINYINT.
func AppendInt8(b *array.Int8Builder, v []byte, sp Span, st *State, col int) bool {
	n, valid, ok := appendInt(v, sp, st, col, math.MinInt8, math.MaxInt8)
	if valid {
		putInt8(b, int8(n))
	} else {
		nullInt8(b)
	}
	return ok
}

// AppendInt16 appends a SMALLINT.
func AppendInt16(b *array.Int16Builder, v []byte, sp Span, st *State, col int) bool {
	n, valid, ok := appendInt(v, sp, st, col, math.MinInt16, math.MaxInt16)
	if valid {
		putInt16(b, int16(n))
	} else {
		nullInt16(b)
	}
	return ok
}

// AppendInt32 appends an INTEGER.
func AppendInt32(b *array.Int32Builder, v []byte, sp Span, st *State, col int) bool {
	n, valid, ok := appendInt(v, sp, st, col, math.MinInt32, math.MaxInt32)
	if valid {
		putInt32(b, int32(n))
	} else {
		nullInt32(b)
	}
	return ok
}

// AppendInt64 appends a BIGINT.
func AppendInt64(b *array.Int64Builder, v []byte, sp Span, st *State, col int) bool {
	n, valid, ok := appendInt(v, sp, st, col, math.MinInt64, math.MaxInt64)
	if valid {
		putInt64(b, n)
	} else {
		nullInt64(b)
	}
	return ok
}

func appendFloat(v []byte, sp Span, st *State, col int, bits int) (float64, bool, bool) {
	if sp.Dec > 0 && bits == 64 { // parsed by the reader as fastFloat does
		f := float64(sp.Int) / pow10f[sp.Dec-1]
		if v[sp.Start] == '-' {
			f = -f
		}
		return f, true, true
	}
	t, null, why := st.scalar(v, sp)
	if null {
		return 0, false, true
	}
	if why == "" {
		if f, ok := fastFloat(t, bits); ok {
			return f, true, true
		}
		f, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(t), len(t)), bits)
		if err == nil {
			return f, true, true
		}
		why = whyFloat
	}
	return 0, false, st.bad1(col, v, sp, why)
}

var pow10f = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// fastFloat reads [-]digits[.digits] exactly when strconv.ParseFloat would
// give the same result without rounding twice: a mantissa of at most 2^53
// (exact in a float64) and at most 19 fraction digits, the exact power of
// ten case of Clinger's algorithm. Anything else is left to strconv.
func fastFloat(t []byte, bits int) (float64, bool) {
	if bits != 64 || len(t) == 0 || len(t) > 24 {
		return 0, false
	}
	i, neg := 0, false
	if t[0] == '-' {
		neg, i = true, 1
	}
	end, m := scanDigits(t, i)
	nd, frac := end-i, 0
	if end < len(t) {
		if t[end] != '.' {
			return 0, false
		}
		fend, f := scanDigits(t, end+1)
		if fend != len(t) {
			return 0, false
		}
		frac = fend - end - 1
		if nd += frac; nd > 19 {
			return 0, false
		}
		m = m*pow10u64[frac] + f
	}
	if nd == 0 || nd > 19 || m > 1<<53 {
		return 0, false
	}
	f := float64(m) / pow10f[frac]
	if neg {
		f = -f
	}
	return f, true
}

// AppendFloat32 appends a REAL: a number, or text strconv.ParseFloat takes.
func AppendFloat32(b *array.Float32Builder, v []byte, sp Span, st *State, col int) bool {
	f, valid, ok := appendFloat(v, sp, st, col, 32)
	if valid {
		putFloat32(b, float32(f))
	} else {
		nullFloat32(b)
	}
	return ok
}

// AppendFloat64 appends a DOUBLE: a number, or text strconv.ParseFloat takes.
func AppendFloat64(b *array.Float64Builder, v []byte, sp Span, st *State, col int) bool {
	f, valid, ok := appendFloat(v, sp, st, col, 64)
	if valid {
		putFloat64(b, f)
	} else {
		nullFloat64(b)
	}
	return ok
}

// AppendDecimal appends a DECIMAL(p,s) exactly: a number or numeric text,
// rounded half away from zero to the scale; too many digits is a failure.
func AppendDecimal(b *array.Decimal128Builder, v []byte, sp Span, st *State, col int) bool {
	t, null, why := st.scalar(v, sp)
	if null {
		nullDecimal128(b)
		return true
	}
	if why == "" {
		dt := b.Type().(*arrow.Decimal128Type)
		if n, ok := ParseDecimal(t, dt.Precision, dt.Scale); ok {
			putDecimal128(b, n)
			return true
		}
		why = whyDecimal
	}
	nullDecimal128(b)
	return st.bad1(col, v, sp, why)
}

var pow10u64 = func() (t [20]uint64) {
	t[0] = 1
	for i := 1; i < 20; i++ {
		t[i] = t[i-1] * 10
	}
	return t
}()

// ParseDecimal reads [+-]digits[.digits][e[+-]digits] as a decimal of the
// given precision and scale.
func ParseDecimal(t []byte, prec, scale int32) (decimal128.Num, bool) {
	i, neg := 0, false
	if len(t) > 0 && (t[0] == '-' || t[0] == '+') {
		neg, i = t[0] == '-', 1
	}
	// Significant digits, without leading zeros: value = digits * 10^exp.
	var dig [40]byte
	nd, exp, seen, dropped := 0, 0, false, false
	for ; i < len(t) && t[i] >= '0' && t[i] <= '9'; i++ {
		seen = true
		if nd == 0 && t[i] == '0' {
			continue
		}
		if nd < len(dig) {
			dig[nd] = t[i]
			nd++
		} else {
			exp++
			dropped = dropped || t[i] != '0'
		}
	}
	if i < len(t) && t[i] == '.' {
		for i++; i < len(t) && t[i] >= '0' && t[i] <= '9'; i++ {
			seen = true
			if nd == 0 && t[i] == '0' {
				exp--
				continue
			}
			if nd < len(dig) {
				dig[nd] = t[i]
				nd++
				exp--
			} else {
				dropped = dropped || t[i] != '0'
			}
		}
	}
	if !seen {
		return decimal128.Num{}, false
	}
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		e, ok := parseInt(t[i+1:], -1_000_000, 1_000_000)
		if !ok {
			return decimal128.Num{}, false
		}
		exp += int(e)
		i = len(t)
	}
	if i != len(t) {
		return decimal128.Num{}, false
	}
	if nd == 0 {
		return decimal128.Num{}, true
	}
	shift := exp + int(scale) // result = digits * 10^shift
	if shift >= 0 {
		if nd+shift > int(prec) {
			return decimal128.Num{}, false
		}
	} else {
		drop := -shift
		if drop > nd {
			return decimal128.Num{}, true // rounds to zero
		}
		roundUp := dig[nd-drop] >= '5'
		_ = dropped
		nd -= drop
		shift = 0
		if nd > int(prec) {
			return decimal128.Num{}, false
		}
		n := digitsNum(dig[:nd])
		if roundUp {
			n = n.Add(decimal128.FromU64(1))
		}
		if !n.FitsInPrecision(prec) {
			return decimal128.Num{}, false
		}
		if neg {
			n = n.Negate()
		}
		return n, true
	}
	n := digitsNum(dig[:nd])
	for ; shift > 0; shift-- {
		n = n.Mul(decimal128.FromU64(10))
	}
	if !n.FitsInPrecision(prec) {
		return decimal128.Num{}, false
	}
	if neg {
		n = n.Negate()
	}
	return n, true
}

func digitsNum(d []byte) decimal128.Num {
	var hi, lo uint64
	k := len(d)
	if k > 19 {
		k = len(d) - 19
		for _, c := range d[:k] {
			hi = hi*10 + uint64(c-'0')
		}
		for _, c := range d[k:] {
			lo = lo*10 + uint64(c-'0')
		}
		return decimal128.FromU64(hi).Mul(decimal128.FromU64(pow10u64[19])).Add(decimal128.FromU64(lo))
	}
	for _, c := range d {
		lo = lo*10 + uint64(c-'0')
	}
	return decimal128.FromU64(lo)
}

func timeMillis(v []byte, sp Span, st *State, col int, p *TimeParser) (int64, bool, bool) {
	t, null, why := st.scalar(v, sp)
	if null {
		return 0, false, true
	}
	if why == "" {
		if ms, ok := p.Millis(t); ok {
			return ms, true, true
		}
		why = whyTime
	}
	return 0, false, st.bad1(col, v, sp, why)
}

// AppendDate appends a DATE (Date32, days since the epoch, rounding down).
func AppendDate(b *array.Date32Builder, v []byte, sp Span, st *State, col int, p *TimeParser) bool {
	ms, valid, ok := timeMillis(v, sp, st, col, p)
	if valid {
		if d, in := Days(ms); in {
			putDate32(b, arrow.Date32(d))
			return true
		}
		ok = st.bad1(col, v, sp, whyDate)
	}
	nullDate32(b)
	return ok
}

// AppendTimestamp appends a TIMESTAMP (Date64, epoch milliseconds, UTC).
func AppendTimestamp(b *array.Date64Builder, v []byte, sp Span, st *State, col int, p *TimeParser) bool {
	ms, valid, ok := timeMillis(v, sp, st, col, p)
	if valid {
		putDate64(b, arrow.Date64(ms))
	} else {
		nullDate64(b)
	}
	return ok
}
