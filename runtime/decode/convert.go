package decode

import (
	"math"
	"strconv"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// The append functions below convert one value and append it to a typed
// column: exactly one value per call. A missing value, JSON null, or an
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
func AppendString(b *StringColumn, v []byte, sp Span, st *State, col int) bool {
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
	b.Put(t)
	return true
}

// AppendBool appends a BOOLEAN: JSON true/false, or the text true/false in
// any case.
func AppendBool(b *BoolColumn, v []byte, sp Span, st *State, col int) bool {
	switch sp.Tok {
	case TokTrue:
		b.Put(true)
		return true
	case TokFalse:
		b.Put(false)
		return true
	}
	if null(sp) {
		b.AppendNull()
		return true
	}
	if sp.Tok != TokNumber && sp.Tok != TokInteger {
		if t, ok := st.text(v, sp); ok {
			if equalFoldASCII(t, "true") {
				b.Put(true)
				return true
			}
			if equalFoldASCII(t, "false") {
				b.Put(false)
				return true
			}
		}
	}
	b.AppendNull()
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
func AppendInt8(b *Int8Column, v []byte, sp Span, st *State, col int) bool {
	n, valid, ok := appendInt(v, sp, st, col, math.MinInt8, math.MaxInt8)
	if valid {
		b.Put(int8(n))
	} else {
		b.AppendNull()
	}
	return ok
}

// AppendInt16 appends a SMALLINT.
func AppendInt16(b *Int16Column, v []byte, sp Span, st *State, col int) bool {
	n, valid, ok := appendInt(v, sp, st, col, math.MinInt16, math.MaxInt16)
	if valid {
		b.Put(int16(n))
	} else {
		b.AppendNull()
	}
	return ok
}

// AppendInt32 appends an INTEGER.
func AppendInt32(b *Int32Column, v []byte, sp Span, st *State, col int) bool {
	n, valid, ok := appendInt(v, sp, st, col, math.MinInt32, math.MaxInt32)
	if valid {
		b.Put(int32(n))
	} else {
		b.AppendNull()
	}
	return ok
}

// AppendInt64 appends a BIGINT.
func AppendInt64(b *Int64Column, v []byte, sp Span, st *State, col int) bool {
	n, valid, ok := appendInt(v, sp, st, col, math.MinInt64, math.MaxInt64)
	if valid {
		b.Put(n)
	} else {
		b.AppendNull()
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
func AppendFloat32(b *Float32Column, v []byte, sp Span, st *State, col int) bool {
	f, valid, ok := appendFloat(v, sp, st, col, 32)
	if valid {
		b.Put(float32(f))
	} else {
		b.AppendNull()
	}
	return ok
}

// AppendFloat64 appends a DOUBLE: a number, or text strconv.ParseFloat takes.
func AppendFloat64(b *Float64Column, v []byte, sp Span, st *State, col int) bool {
	f, valid, ok := appendFloat(v, sp, st, col, 64)
	if valid {
		b.Put(f)
	} else {
		b.AppendNull()
	}
	return ok
}

// AppendDecimal appends a DECIMAL(p,s) exactly: a number or numeric text,
// rounded half away from zero to the scale; too many digits is a failure.
func AppendDecimal(b *DecimalColumn, v []byte, sp Span, st *State, col int) bool {
	t, null, why := st.scalar(v, sp)
	if null {
		b.AppendNull()
		return true
	}
	if why == "" {
		dt := b.Type().(*arrow.Decimal128Type)
		if n, ok := ParseDecimal(t, dt.Precision, dt.Scale); ok {
			b.Put(n)
			return true
		}
		why = whyDecimal
	}
	b.AppendNull()
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
func AppendDate(b *Date32Column, v []byte, sp Span, st *State, col int, p *TimeParser) bool {
	ms, valid, ok := timeMillis(v, sp, st, col, p)
	if valid {
		if d, in := Days(ms); in {
			b.Put(arrow.Date32(d))
			return true
		}
		ok = st.bad1(col, v, sp, whyDate)
	}
	b.AppendNull()
	return ok
}

// AppendTimestamp appends a TIMESTAMP (Date64, epoch milliseconds, UTC).
func AppendTimestamp(b *Date64Column, v []byte, sp Span, st *State, col int, p *TimeParser) bool {
	ms, valid, ok := timeMillis(v, sp, st, col, p)
	if valid {
		b.Put(arrow.Date64(ms))
	} else {
		b.AppendNull()
	}
	return ok
}
