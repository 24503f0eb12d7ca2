package decode

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/bits"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
)

// The Read methods read one value at the cursor (JSON) or the next field
// (CSV) straight into a column: the common shape of each type (a plain
// integer, a plain decimal number, a string without escapes, a date in a
// fixed layout) is parsed and stored in one pass, with no Span in between;
// anything else is read as a Span and converted by the Append functions,
// which define the semantics. The fast shapes are exactly those the Append
// functions convert the same way, which the corpus and fuzz tests check
// against the fallback.

// skipWS moves past whitespace before a value.
func (c *Cursor) skipWS() {
	if c.pos < len(c.buf) && c.buf[c.pos] <= ' ' {
		c.ws()
	}
}

// plainInt reads [-]digits at b[i:] that is a whole JSON integer (no
// leading zero, no fraction or exponent after it) of at most 19 digits in
// the int64 range. It returns the value and the end, or end < 0.
func plainInt(b []byte, i int) (int64, int) {
	var neg uint64
	if i < len(b) && b[i] == '-' {
		neg = 1
	}
	i += int(neg)
	m := -int64(neg)
	if len(b)-i >= 8 {
		// Up to seven digits are read here, with no call.
		a := (*[8]byte)(b[i:])
		w := binary.LittleEndian.Uint64(a[:])
		x := w ^ (lsb * '0')
		if nd := nonDigits(x); nd != 0 {
			n := bits.TrailingZeros64(nd) >> 3
			if t := byte(w >> (8 * n)); n == 0 || (n > 1 && a[0] == '0') || t == '.' || t|0x20 == 'e' {
				return 0, -1
			}
			return (int64(firstDigits(x, n)) ^ m) - m, i + n
		}
	}
	u, n := digitRun(b, i)
	if n == 0 || n > 19 || (n > 1 && b[i] == '0') || u > math.MaxInt64+neg {
		return 0, -1
	}
	if i += n; i < len(b) && (b[i] == '.' || b[i]|0x20 == 'e') {
		return 0, -1
	}
	return (int64(u) ^ m) - m, i
}

// ReadInt8 reads a TINYINT value into col; false when it does not convert.
func (c *Cursor) ReadInt8(col *Int8Column, st *State, i int) bool {
	c.skipWS()
	if n, end := plainInt(c.buf, c.pos); end >= 0 && n == int64(int8(n)) {
		c.pos = end
		col.Put(int8(n))
		return true
	}
	return AppendInt8(col, c.buf, c.NumberValue(), st, i)
}

// ReadInt16 reads a SMALLINT value into col; false when it does not convert.
func (c *Cursor) ReadInt16(col *Int16Column, st *State, i int) bool {
	c.skipWS()
	if n, end := plainInt(c.buf, c.pos); end >= 0 && n == int64(int16(n)) {
		c.pos = end
		col.Put(int16(n))
		return true
	}
	return AppendInt16(col, c.buf, c.NumberValue(), st, i)
}

// ReadInt32 reads an INTEGER value into col; false when it does not convert.
func (c *Cursor) ReadInt32(col *Int32Column, st *State, i int) bool {
	c.skipWS()
	if n, end := plainInt(c.buf, c.pos); end >= 0 && n == int64(int32(n)) {
		c.pos = end
		col.Put(int32(n))
		return true
	}
	return AppendInt32(col, c.buf, c.NumberValue(), st, i)
}

// ReadInt64 reads a BIGINT value into col; false when it does not convert.
func (c *Cursor) ReadInt64(col *Int64Column, st *State, i int) bool {
	c.skipWS()
	if n, end := plainInt(c.buf, c.pos); end >= 0 {
		c.pos = end
		col.Put(n)
		return true
	}
	return AppendInt64(col, c.buf, c.NumberValue(), st, i)
}

// plainFloat reads [-]digits[.digits] at b[i:] that is a whole JSON number
// without exponent, at most 19 digits whose value is at most 2^53: exactly
// the numbers fastFloat converts, the same way. It returns the value and
// the end, or end < 0.
func plainFloat(b []byte, i int) (float64, int) {
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	if len(b)-i >= 25 {
		if m, nd, t, ok := pointRun((*[25]byte)(b[i:])); ok {
			end := i + t + 1
			if t == nd || t > 19 || (nd > 1 && b[i] == '0') || m > 1<<53 || b[end]|0x20 == 'e' {
				return 0, -1
			}
			x := float64(m) / pow10f[t-nd]
			if neg {
				x = -x
			}
			return x, end
		}
	}
	m, nd := digitRun(b, i)
	if nd == 0 || nd > 19 || (nd > 1 && b[i] == '0') {
		return 0, -1
	}
	i += nd
	frac := 0
	if i < len(b) && b[i] == '.' {
		f, fd := digitRun(b, i+1)
		if fd == 0 || nd+fd > 19 {
			return 0, -1
		}
		m = m*pow10u64[fd] + f
		frac = fd
		i += fd + 1
	}
	if m > 1<<53 || (i < len(b) && b[i]|0x20 == 'e') {
		return 0, -1
	}
	x := float64(m) / pow10f[frac]
	if neg {
		x = -x
	}
	return x, i
}

// ReadFloat64 reads a DOUBLE value into col; false when it does not convert.
func (c *Cursor) ReadFloat64(col *Float64Column, st *State, i int) bool {
	c.skipWS()
	if x, end := plainFloat(c.buf, c.pos); end >= 0 {
		c.pos = end
		col.Put(x)
		return true
	}
	return AppendFloat64(col, c.buf, c.NumberValue(), st, i)
}

// ReadFloat32 reads a REAL value into col; false when it does not convert.
func (c *Cursor) ReadFloat32(col *Float32Column, st *State, i int) bool {
	return AppendFloat32(col, c.buf, c.NumberValue(), st, i)
}

// ReadDecimal reads a DECIMAL(p,s) value into col; false when it does not
// convert.
func (c *Cursor) ReadDecimal(col *DecimalColumn, st *State, i int) bool {
	return AppendDecimal(col, c.buf, c.NumberValue(), st, i)
}

// ReadBool reads a BOOLEAN value into col; false when it does not convert.
func (c *Cursor) ReadBool(col *BoolColumn, st *State, i int) bool {
	c.skipWS()
	b, p := c.buf, c.pos
	if len(b)-p >= 5 {
		w := binary.LittleEndian.Uint32(b[p:])
		if w == 't'|'r'<<8|'u'<<16|'e'<<24 {
			c.pos = p + 4
			col.Put(true)
			return true
		}
		if w == 'f'|'a'<<8|'l'<<16|'s'<<24 && b[p+4] == 'e' {
			c.pos = p + 5
			col.Put(false)
			return true
		}
	}
	return AppendBool(col, b, c.Value(), st, i)
}

// plainString returns the end (the closing quote) of the string at b[i]
// (a quote) when its content needs no unescaping and is valid UTF-8, else
// -1 (then the general path reads it, and says what is wrong).
func plainString(b []byte, i int) int {
	i++
	for {
		if i = skipPlain(b, i); i >= len(b) {
			return -1
		}
		switch ch := b[i]; {
		case ch == '"':
			return i
		case ch >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n <= 1 {
				return -1
			}
			i += n
		default: // an escape or a control character
			return -1
		}
	}
}

// ReadString reads a VARCHAR value into col.
func (c *Cursor) ReadString(col *StringColumn, st *State, i int) bool {
	c.skipWS()
	if p := c.pos; p < len(c.buf) && c.buf[p] == '"' {
		if end := plainString(c.buf, p); end >= 0 {
			col.Put(c.buf[p+1 : end])
			c.pos = end + 1
			return true
		}
	}
	return AppendString(col, c.buf, c.StringValue(), st, i)
}

// fixedText returns the content of the string at the cursor when it has
// exactly the parser's fixed width (then it needs no unescaping), or nil.
func (c *Cursor) fixedText(p *TimeParser) []byte {
	b, i, w := c.buf, c.pos, p.width
	if w == 0 || len(b)-i < w+2 || b[i] != '"' || b[i+1+w] != '"' {
		return nil
	}
	return b[i+1 : i+1+w]
}

// ReadDate reads a DATE value into col; false when it does not convert.
func (c *Cursor) ReadDate(col *Date32Column, st *State, i int, p *TimeParser) bool {
	c.skipWS()
	if t := c.fixedText(p); t != nil {
		if d, ok := p.fixedDays(t); ok {
			c.pos += len(t) + 2
			col.Put(arrow.Date32(d))
			return true
		}
	}
	return AppendDate(col, c.buf, c.StringValue(), st, i, p)
}

// ReadTimestamp reads a TIMESTAMP value into col; false when it does not
// convert.
func (c *Cursor) ReadTimestamp(col *Date64Column, st *State, i int, p *TimeParser) bool {
	c.skipWS()
	if t := c.fixedText(p); t != nil {
		if ms, ok := p.fixedMillis(t); ok {
			c.pos += len(t) + 2
			col.Put(arrow.Date64(ms))
			return true
		}
	}
	return AppendTimestamp(col, c.buf, c.StringValue(), st, i, p)
}

// The CSV readers take a field that is exactly the fast shape, from the
// reader's position to the delimiter or the end of the record (no blanks,
// no quotes); anything else is read by Field and converted by the Append
// functions.

// numberDelim reports whether the delimiter can occur inside a number,
// which the fast shapes then cannot tell from its end.
func numberDelim(d byte) bool {
	return d-'0' <= 9 || d == '-' || d == '.' || d|0x20 == 'e'
}

// skipTo moves past the field ending at end.
func (r *CSV) skipTo(end int) {
	if end >= len(r.buf) {
		r.done = true
	} else {
		r.pos = end + 1
	}
}

// plainInt reads a field that is a plain integer (as plainInt takes it),
// returning the value and the field's end, or end < 0. It reads the padded
// record, where the delimiter also follows the last field, and checks for
// the delimiter rather than for what may follow a JSON number: calling
// plainInt instead costs a tenth of the CSV decoders' time when the
// compiler does not inline it.
func (r *CSV) plainInt() (int64, int) {
	if r.done || r.numDelim {
		return 0, -1
	}
	i := r.pos
	var neg uint64
	if r.at(i)[0] == '-' {
		neg = 1
	}
	i += int(neg)
	a := r.at(i)
	// Up to seven digits are read here, with no call; longer runs by
	// digitsFrom.
	w := binary.LittleEndian.Uint64(a[:8])
	x := w ^ (lsb * '0')
	var u uint64
	var n int
	if nd := nonDigits(x); nd != 0 {
		n = bits.TrailingZeros64(nd) >> 3
		if n == 0 || byte(w>>(8*n)) != r.delim || (n > 1 && a[0] == '0') {
			return 0, -1
		}
		u = firstDigits(x, n)
	} else if u, n = digitsFrom(w, (*[24]byte)(a[:24])); n > 19 || r.at(i + n)[0] != r.delim || a[0] == '0' || u > math.MaxInt64+neg {
		return 0, -1
	}
	m := -int64(neg)
	return (int64(u) ^ m) - m, i + n
}

// ReadInt8 reads a TINYINT field into col; false when it does not convert.
func (r *CSV) ReadInt8(col *Int8Column, st *State, i int) bool {
	if n, end := r.plainInt(); end >= 0 && n >= math.MinInt8 && n <= math.MaxInt8 {
		r.skipTo(end)
		col.Put(int8(n))
		return true
	}
	return AppendInt8(col, r.buf, r.Field(), st, i)
}

// ReadInt16 reads a SMALLINT field into col; false when it does not convert.
func (r *CSV) ReadInt16(col *Int16Column, st *State, i int) bool {
	if n, end := r.plainInt(); end >= 0 && n >= math.MinInt16 && n <= math.MaxInt16 {
		r.skipTo(end)
		col.Put(int16(n))
		return true
	}
	return AppendInt16(col, r.buf, r.Field(), st, i)
}

// ReadInt32 reads an INTEGER field into col; false when it does not convert.
func (r *CSV) ReadInt32(col *Int32Column, st *State, i int) bool {
	if n, end := r.plainInt(); end >= 0 && n >= math.MinInt32 && n <= math.MaxInt32 {
		r.skipTo(end)
		col.Put(int32(n))
		return true
	}
	return AppendInt32(col, r.buf, r.Field(), st, i)
}

// ReadInt64 reads a BIGINT field into col; false when it does not convert.
func (r *CSV) ReadInt64(col *Int64Column, st *State, i int) bool {
	if n, end := r.plainInt(); end >= 0 {
		r.skipTo(end)
		col.Put(n)
		return true
	}
	return AppendInt64(col, r.buf, r.Field(), st, i)
}

// plainFloat reads a field that is [-]digits[.digits] (as plainFloat takes
// it) from the padded record, returning the value and the field's end, or
// end < 0; written out for the reason plainInt is.
func (r *CSV) plainFloat() (float64, int) {
	if r.done || r.numDelim {
		return 0, -1
	}
	i := r.pos
	neg := r.at(i)[0] == '-'
	if neg {
		i++
	}
	a := r.at(i)
	m, nd, t, ok := pointRun((*[25]byte)(a[:25]))
	end := i + t + 1
	if ok && t == nd {
		return 0, -1 // no digit after the point
	}
	if !ok {
		// No point in the first word: digits, then maybe a point and more.
		m, nd = digits24((*[24]byte)(a[:24]))
		t, end = nd, i+nd
		if r.at(end)[0] == '.' {
			f, fd := digits24((*[24]byte)(r.at(end + 1)[:24]))
			if fd == 0 {
				return 0, -1
			}
			m = m*pow10u64[min(fd, 19)] + f
			t, end = nd+fd, end+fd+1
		}
	}
	if nd == 0 || t > 19 || (nd > 1 && a[0] == '0') || r.at(end)[0] != r.delim || m > 1<<53 {
		return 0, -1
	}
	x := float64(m) / pow10f[t-nd]
	if neg {
		x = -x
	}
	return x, end
}

// ReadFloat64 reads a DOUBLE field into col; false when it does not convert.
func (r *CSV) ReadFloat64(col *Float64Column, st *State, i int) bool {
	if x, end := r.plainFloat(); end >= 0 {
		r.skipTo(end)
		col.Put(x)
		return true
	}
	return AppendFloat64(col, r.buf, r.Field(), st, i)
}

// ReadFloat32 reads a REAL field into col; false when it does not convert.
func (r *CSV) ReadFloat32(col *Float32Column, st *State, i int) bool {
	return AppendFloat32(col, r.buf, r.Field(), st, i)
}

// ReadDecimal reads a DECIMAL(p,s) field into col; false when it does not
// convert.
func (r *CSV) ReadDecimal(col *DecimalColumn, st *State, i int) bool {
	return AppendDecimal(col, r.buf, r.Field(), st, i)
}

// ReadBool reads a BOOLEAN field into col; false when it does not convert.
func (r *CSV) ReadBool(col *BoolColumn, st *State, i int) bool {
	if b, p := r.buf, r.pos; !r.done && len(b)-p >= 4 {
		w := binary.LittleEndian.Uint32(b[p:])
		if w == 't'|'r'<<8|'u'<<16|'e'<<24 && (p+4 == len(b) || b[p+4] == r.delim) {
			r.skipTo(p + 4)
			col.Put(true)
			return true
		}
		if w == 'f'|'a'<<8|'l'<<16|'s'<<24 && len(b)-p >= 5 && b[p+4] == 'e' && (p+5 == len(b) || b[p+5] == r.delim) {
			r.skipTo(p + 5)
			col.Put(false)
			return true
		}
	}
	return AppendBool(col, r.buf, r.Field(), st, i)
}

// ReadString reads a VARCHAR field into col.
func (r *CSV) ReadString(col *StringColumn, st *State, i int) bool {
	b, p := r.buf, r.pos
	if !r.done && p < len(b) && b[p] > ' ' && b[p] != '"' && b[p] != r.delim {
		if e := p + bytes.IndexByte(r.padded[p:], r.delim); b[e-1] > ' ' {
			col.Put(b[p:e])
			r.skipTo(e)
			return true
		}
	}
	return AppendString(col, r.buf, r.Field(), st, i)
}

// fixedText returns the field when it has exactly the parser's fixed width
// and ends at the delimiter or the end of the record, or nil. A delimiter
// that the fixed layouts use is left to the general path.
func (r *CSV) fixedText(p *TimeParser) []byte {
	b, i, w, d := r.buf, r.pos, p.width, r.delim
	if r.done || w == 0 || len(b)-i < w || (i+w < len(b) && b[i+w] != d) ||
		d-'0' <= 9 || d == '-' || d == ':' || d == '.' || d == ' ' || d == 'T' {
		return nil
	}
	return b[i : i+w]
}

// ReadDate reads a DATE field into col; false when it does not convert.
func (r *CSV) ReadDate(col *Date32Column, st *State, i int, p *TimeParser) bool {
	if t := r.fixedText(p); t != nil {
		if d, ok := p.fixedDays(t); ok {
			r.skipTo(r.pos + len(t))
			col.Put(arrow.Date32(d))
			return true
		}
	}
	return AppendDate(col, r.buf, r.Field(), st, i, p)
}

// ReadTimestamp reads a TIMESTAMP field into col; false when it does not
// convert.
func (r *CSV) ReadTimestamp(col *Date64Column, st *State, i int, p *TimeParser) bool {
	if t := r.fixedText(p); t != nil {
		if ms, ok := p.fixedMillis(t); ok {
			r.skipTo(r.pos + len(t))
			col.Put(arrow.Date64(ms))
			return true
		}
	}
	return AppendTimestamp(col, r.buf, r.Field(), st, i, p)
}
