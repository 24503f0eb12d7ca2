package decode

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/bits"
	"unsafe"
)

// CSV reads the fields of one CSV record (a whole message) in order, as RFC
// 4180 says: a field whose first non-blank byte is '"' is quoted, "" inside
// it is one quote, and delimiters and newlines inside it are content.
// Unquoted fields are trimmed of bytes <= 0x20 (other than the delimiter);
// quotes inside them are literal. After a closing quote only blanks may come
// before the delimiter; anything else makes the record malformed, and the
// error is sticky.
type CSV struct {
	buf    []byte
	pos    int
	delim  byte
	done   bool
	failed bool
	errPos int
	errMsg string
	// numDelim is numberDelim(delim), worked out when delim changes.
	numDelim, set bool
	// padded holds buf, the delimiter, and zero bytes, so that the typed
	// readers find the delimiter after every field, and digitRun always finds
	// the 24 bytes it reads at once; buf is padded[:len(buf):len(buf)].
	padded []byte
}

// padding is the bytes after a record in CSV.padded. Those after the
// delimiter may be left from an earlier record: no reader goes past it.
const padding = 40

// at returns the 32 bytes of the padded record at i, which must be at most
// len(r.buf)+8, without bounds checks: padding leaves 32 bytes after it.
func (r *CSV) at(i int) *[32]byte {
	return (*[32]byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(r.padded)), i))
}

// Reset starts a new record.
func (r *CSV) Reset(buf []byte, delim byte) {
	n := len(buf) + padding
	if cap(r.padded) < n {
		r.padded = make([]byte, n, max(n+n/4, 512)) // a quarter more: room for the next, larger record
	}
	r.padded = r.padded[:n]
	copy(r.padded, buf)
	r.padded[len(buf)] = delim
	r.buf, r.pos, r.done, r.failed, r.errPos, r.errMsg = r.padded[:len(buf):len(buf)], 0, false, false, 0, ""
	if delim != r.delim || !r.set {
		r.delim, r.numDelim, r.set = delim, numberDelim(delim), true
	}
}

// Failed reports whether the record is malformed.
func (r *CSV) Failed() bool { return r.failed }

func (r *CSV) blank(c byte) bool { return c <= ' ' && c != r.delim }

// Next returns the next field, and false after the last one (or on error).
func (r *CSV) Next() (Span, bool) {
	if r.done {
		return Span{}, false
	}
	b, i, n := r.buf, r.pos, len(r.buf)
	for i < n && r.blank(b[i]) {
		i++
	}
	if i < n && b[i] == '"' {
		start := i + 1
		tok := TokString
		for i = start; ; i++ {
			q := bytes.IndexByte(b[i:], '"')
			if q < 0 {
				r.fail(start-1, "unterminated quoted field")
				return Span{}, false
			}
			i += q
			if i+1 < n && b[i+1] == '"' {
				tok = TokQuoted
				i++
				continue
			}
			break
		}
		sp := Span{Start: start, End: i, Tok: tok}
		i++
		for i < n && r.blank(b[i]) {
			i++
		}
		switch {
		case i >= n:
			r.done = true
		case b[i] == r.delim:
			r.pos = i + 1
		default:
			r.fail(i, "text after a closing quote")
			return Span{}, false
		}
		return sp, true
	}
	start := i
	i = indexDelim(b, i, r.delim)
	end := i
	for end > start && r.blank(b[end-1]) {
		end--
	}
	if i >= n {
		r.done = true
	} else {
		r.pos = i + 1
	}
	return Span{Start: start, End: end, Tok: TokString}, true
}

// Field is Next for generated code: the next field, or a zero Span (absent)
// after the last one.
func (r *CSV) Field() Span {
	sp, _ := r.Next()
	return sp
}

// IntField is Field for a field read by integer columns only. A field that
// is just [-]digits, at most 19 of them, in the int64 range, and ends at the
// delimiter or the end of the record, is read in one pass and carries its
// value (TokInteger, as the JSON cursor does); anything else is read by Next.
func (r *CSV) IntField() Span {
	b, i := r.buf, r.pos
	if r.done || i >= len(b) || r.delim-'0' <= 9 {
		return r.Field()
	}
	start := i
	neg := b[i] == '-'
	if neg {
		i++
	}
	end, v := scanDigits(b, i)
	if nd := end - i; nd == 0 || nd > 19 || (end < len(b) && b[end] != r.delim) {
		return r.Field()
	}
	var n int64
	switch {
	case !neg && v <= math.MaxInt64:
		n = int64(v)
	case neg && v <= 1<<63:
		n = -int64(v)
	default:
		return r.Field()
	}
	if end >= len(b) {
		r.done = true
	} else {
		r.pos = end + 1
	}
	return Span{Start: start, End: end, Tok: TokInteger, Int: n}
}

// FloatField is Field for a field read by DOUBLE columns only. A field that
// is just [-]digits.digits (as fastFloat takes it exactly) and ends at the
// delimiter or the end of the record is read in one pass and carries its
// digits (Dec); anything else is read by Next.
func (r *CSV) FloatField() Span {
	b, i := r.buf, r.pos
	if r.done || i >= len(b) || r.delim-'0' <= 9 || r.delim == '.' {
		return r.Field()
	}
	start := i
	if b[i] == '-' {
		i++
	}
	dot, m := scanDigits(b, i)
	if dot == i || dot >= len(b) || b[dot] != '.' {
		return r.Field()
	}
	end, f := scanDigits(b, dot+1)
	frac := end - dot - 1
	if frac == 0 || dot-i+frac > 19 || (end < len(b) && b[end] != r.delim) {
		return r.Field()
	}
	if m = m*pow10u64[frac] + f; m > 1<<53 {
		return r.Field()
	}
	if end >= len(b) {
		r.done = true
	} else {
		r.pos = end + 1
	}
	return Span{Start: start, End: end, Tok: TokString, Dec: uint8(frac + 1), Int: int64(m)}
}

// Rest reads the fields after the last one generated code maps, which
// must still be well formed, and reports whether the record is.
func (r *CSV) Rest() bool {
	for {
		if _, more := r.Next(); !more {
			return !r.failed
		}
	}
}

// indexDelim returns the index of the first delim at or after i, or len(b):
// eight bytes at a time, since most fields are short and a call to
// bytes.IndexByte costs more than they do.
func indexDelim(b []byte, i int, delim byte) int {
	pat := lsb * uint64(delim)
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:]) ^ pat
		if m := (w - lsb) &^ w & msb; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(b); i++ {
		if b[i] == delim {
			return i
		}
	}
	return i
}

func (r *CSV) fail(pos int, msg string) {
	r.failed, r.done, r.errPos, r.errMsg = true, true, pos, msg
}

// unquoteCSV appends s with every "" made one quote.
func unquoteCSV(dst, s []byte) []byte {
	for i := 0; i < len(s); i++ {
		dst = append(dst, s[i])
		if s[i] == '"' {
			i++
		}
	}
	return dst
}
