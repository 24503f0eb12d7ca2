package decode

import (
	"encoding/binary"
	"math"
	"math/bits"
	"unicode/utf8"
)

// Tok is the kind of value a Span holds.
type Tok uint8

// Span token kinds. The zero Tok means the value is absent.
const (
	TokNone      Tok = iota // absent: missing key or CSV column
	TokNull                 // JSON null
	TokFalse                // JSON false
	TokTrue                 // JSON true
	TokNumber               // a JSON number; the span is its literal text
	TokInteger              // a JSON integer that fits an int64; Int holds its value
	TokString               // text needing no unescaping (JSON string content, CSV field)
	TokStringEsc            // JSON string content with backslash escapes
	TokQuoted               // CSV quoted field content with doubled quotes
	TokObject               // a JSON object; the span is its text
	TokArray                // a JSON array; the span is its text
)

// Span locates one value in the message being decoded.
type Span struct {
	Start, End int
	Tok        Tok
	// Dec, when not zero, says that the text is [-]digits.digits, at most
	// 19 digits whose value (Int) is at most 2^53, with Dec-1 of them after
	// the point: a float64 exactly as fastFloat reads it, parsed while
	// scanning. Readers that do not set it leave it zero.
	Dec uint8
	// Int is the value of a TokInteger, parsed while scanning, or the
	// digits of a Span with Dec set.
	Int int64
}

// maxDepth bounds the nesting of JSON values; deeper messages are corrupt.
const maxDepth = 512

// Cursor is the JSON lexer generated decoders and the fallback drive. It
// validates everything it passes over (RFC 8259, UTF-8 included) and keeps
// the first error: after it, every method returns a zero value and the
// scanning loops end.
type Cursor struct {
	buf    []byte
	pos    int
	failed bool
	errPos int
	errMsg string
	key    []byte
}

// Reset starts a new message.
func (c *Cursor) Reset(buf []byte) {
	c.buf, c.pos, c.failed, c.errPos, c.errMsg = buf, 0, false, 0, ""
}

// Failed reports whether the message is not valid JSON so far.
func (c *Cursor) Failed() bool { return c.failed }

// Pos is the byte offset of the cursor.
func (c *Cursor) Pos() int { return c.pos }

func (c *Cursor) fail(pos int, msg string) {
	if !c.failed {
		c.failed, c.errPos, c.errMsg = true, pos, msg
	}
	c.pos = len(c.buf)
}

func (c *Cursor) ws() {
	for c.pos < len(c.buf) {
		switch c.buf[c.pos] {
		case ' ', '\t', '\n', '\r':
			c.pos++
		default:
			return
		}
	}
}

// Peek skips whitespace and returns the next byte, or 0 at the end.
func (c *Cursor) Peek() byte {
	if c.pos < len(c.buf) {
		if b := c.buf[c.pos]; b > ' ' {
			return b
		}
		c.ws()
		if c.pos < len(c.buf) {
			return c.buf[c.pos]
		}
	}
	return 0
}

// Enter consumes '{' and reports whether the object has a first member.
func (c *Cursor) Enter() bool {
	if c.Peek() != '{' {
		c.fail(c.pos, "expected a JSON object")
		return false
	}
	c.pos++
	if c.Peek() == '}' {
		c.pos++
		return false
	}
	return !c.failed
}

// Next consumes the ',' or '}' after a member and reports whether another
// member follows.
func (c *Cursor) Next() bool {
	switch c.Peek() {
	case ',':
		c.pos++
		return true
	case '}':
		c.pos++
		return false
	}
	c.fail(c.pos, "expected ',' or '}' after an object member")
	return false
}

// Key reads a member name and its ':'. The result (unescaped) is valid
// until the next call.
func (c *Cursor) Key() []byte {
	if c.Peek() != '"' {
		c.fail(c.pos, "expected a string key")
		return nil
	}
	sp := c.str()
	if c.Peek() != ':' {
		c.fail(c.pos, "expected ':' after a key")
		return nil
	}
	c.pos++
	if sp.Tok == TokStringEsc {
		c.key = unescapeJSON(c.key[:0], c.buf[sp.Start:sp.End])
		return c.key
	}
	return c.buf[sp.Start:sp.End]
}

// Lit consumes lit if the message continues with exactly it. Generated
// code uses it to try the key it expects next ("\"name\":") before reading
// a key in general: producers nearly always write keys in the same order.
func (c *Cursor) Lit(lit string) bool {
	if len(c.buf)-c.pos >= len(lit) && string(c.buf[c.pos:c.pos+len(lit)]) == lit {
		c.pos += len(lit)
		return true
	}
	return false
}

// LitWords is Lit for a literal of n bytes, 8 <= n <= 16, given as its
// first eight and its last eight bytes as little-endian words: two loads
// and two compares instead of a call to compare memory.
func (c *Cursor) LitWords(n int, first, last uint64) bool {
	if len(c.buf)-c.pos < n {
		return false
	}
	b := c.buf[c.pos : c.pos+n]
	if binary.LittleEndian.Uint64(b) != first || binary.LittleEndian.Uint64(b[n-8:]) != last {
		return false
	}
	c.pos += n
	return true
}

// NumberValue is Value for a column that expects a number: a number right
// at the cursor is read directly, anything else the general way.
func (c *Cursor) NumberValue() Span {
	if c.pos < len(c.buf) {
		if ch := c.buf[c.pos]; ch-'0' <= 9 || ch == '-' {
			return c.num()
		}
	}
	return c.value(0)
}

// StringValue is Value for a column that expects a string: a string right
// at the cursor is read directly, anything else the general way.
func (c *Cursor) StringValue() Span {
	if c.pos < len(c.buf) && c.buf[c.pos] == '"' {
		return c.str()
	}
	return c.value(0)
}

// Finish checks that only whitespace follows the top-level value.
func (c *Cursor) Finish() bool {
	if c.Peek() != 0 || c.pos < len(c.buf) {
		c.fail(c.pos, "text after the JSON object")
	}
	return !c.failed
}

// Value reads one value and returns where it is.
func (c *Cursor) Value() Span { return c.value(0) }

// Skip reads one value, validating it.
func (c *Cursor) Skip() { c.value(0) }

func (c *Cursor) value(depth int) Span {
	switch c.Peek() {
	case '"':
		return c.str()
	case '{':
		start := c.pos
		if depth >= maxDepth {
			c.fail(c.pos, "nesting too deep")
			return Span{}
		}
		if c.Enter() {
			for {
				c.Key()
				c.value(depth + 1)
				if !c.Next() {
					break
				}
			}
		}
		return Span{Start: start, End: c.pos, Tok: TokObject}
	case '[':
		start := c.pos
		if depth >= maxDepth {
			c.fail(c.pos, "nesting too deep")
			return Span{}
		}
		c.pos++
		if c.Peek() == ']' {
			c.pos++
			return Span{Start: start, End: c.pos, Tok: TokArray}
		}
		for !c.failed {
			c.value(depth + 1)
			switch c.Peek() {
			case ',':
				c.pos++
				continue
			case ']':
				c.pos++
				return Span{Start: start, End: c.pos, Tok: TokArray}
			}
			c.fail(c.pos, "expected ',' or ']' in an array")
		}
		return Span{}
	case 't':
		return c.lit("true", TokTrue)
	case 'f':
		return c.lit("false", TokFalse)
	case 'n':
		return c.lit("null", TokNull)
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return c.num()
	case 0:
		if c.pos >= len(c.buf) {
			c.fail(c.pos, "unexpected end of message")
			return Span{}
		}
	}
	c.fail(c.pos, "expected a JSON value")
	return Span{}
}

func (c *Cursor) lit(word string, t Tok) Span {
	start := c.pos
	if len(c.buf)-c.pos < len(word) || string(c.buf[c.pos:c.pos+len(word)]) != word {
		c.fail(c.pos, "expected a JSON value")
		return Span{}
	}
	c.pos += len(word)
	return Span{Start: start, End: c.pos, Tok: t}
}

func (c *Cursor) num() Span {
	b, i := c.buf, c.pos
	start := i
	neg := b[i] == '-'
	if neg {
		i++
	}
	var v uint64
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		// A byte at a time: most integers are short, and the value comes
		// with the scan (eight at a time measured slower here).
		for i < len(b) && b[i]-'0' <= 9 {
			v = v*10 + uint64(b[i]-'0') // wraps past 19 digits; then unused
			i++
		}
	default:
		c.fail(i, "bad number")
		return Span{}
	}
	digits := i - start
	if neg {
		digits--
	}
	tok := TokInteger
	if i < len(b) && b[i] == '.' {
		tok = TokNumber
		i++
		d := i
		i = skipDigits(b, i)
		if i == d {
			c.fail(i, "bad number: digits must follow '.'")
			return Span{}
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		tok = TokNumber
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			c.fail(i, "bad number: digits must follow the exponent")
			return Span{}
		}
	}
	c.pos = i
	// Up to 19 digits the value is exact in a uint64; most int64s have 19.
	if tok == TokInteger && digits <= 19 {
		if !neg && v <= math.MaxInt64 {
			return Span{Start: start, End: i, Tok: TokInteger, Int: int64(v)}
		}
		if neg && v <= 1<<63 {
			return Span{Start: start, End: i, Tok: TokInteger, Int: -int64(v)}
		}
	}
	return Span{Start: start, End: i, Tok: TokNumber}
}

// strPlain marks bytes that need no attention inside a JSON string.
var strPlain = func() (t [256]bool) {
	for i := 0x20; i < 0x80; i++ {
		t[i] = true
	}
	t['"'], t['\\'] = false, false
	return t
}()

// skipPlain returns the index of the first byte at or after i that a JSON
// string's scan must look at (a quote, a backslash, a control character or
// a byte of a multi-byte character), or len(b): eight bytes at a time while
// none of them is one, then a byte at a time.
func skipPlain(b []byte, i int) int {
	for i+8 <= len(b) {
		if m := special(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
	for i < len(b) && strPlain[b[i]] {
		i++
	}
	return i
}

// str reads a string at c.pos (a '"'); the span excludes the quotes.
func (c *Cursor) str() Span {
	b := c.buf
	i := c.pos + 1
	start := i
	tok := TokString
	for {
		if i = skipPlain(b, i); i >= len(b) {
			c.fail(start-1, "unterminated string")
			return Span{}
		}
		switch ch := b[i]; {
		case ch == '"':
			c.pos = i + 1
			return Span{Start: start, End: i, Tok: tok}
		case ch == '\\':
			tok = TokStringEsc
			if i+1 >= len(b) {
				c.fail(i, "unterminated string")
				return Span{}
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || !isHex4(b[i+2:i+6]) {
					c.fail(i, "bad \\u escape")
					return Span{}
				}
				i += 6
			default:
				c.fail(i, "bad escape")
				return Span{}
			}
		case ch < 0x20:
			c.fail(i, "control character in string")
			return Span{}
		default:
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n <= 1 {
				c.fail(i, "invalid UTF-8")
				return Span{}
			}
			i += n
		}
	}
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// special flags (in the high bit of each byte) the bytes of w that end the
// plain run of a string: '"', '\\', control characters and non-ASCII. Only
// the lowest flag is exact, which is the one used.
func special(w uint64) uint64 {
	q := w ^ (lsb * '"')
	bs := w ^ (lsb * '\\')
	return ((q-lsb)&^q | (bs-lsb)&^bs | (w-lsb*0x20)&^w | w) & msb
}

func isHex4(b []byte) bool {
	for _, c := range b[:4] {
		if hexVal(c) < 0 {
			return false
		}
	}
	return true
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// unescapeJSON appends the unescaped form of validated string content s.
// Lone surrogates become U+FFFD, as in encoding/json.
func unescapeJSON(dst, s []byte) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			dst = append(dst, s[i])
			continue
		}
		i++
		switch s[i] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := rune(hex4(s[i+1:]))
			i += 4
			if r >= 0xD800 && r < 0xDC00 {
				if i+6 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
					r2 := rune(hex4(s[i+3:]))
					if r2 >= 0xDC00 && r2 < 0xE000 {
						r = (r-0xD800)<<10 | (r2 - 0xDC00) + 0x10000
						i += 6
						dst = utf8.AppendRune(dst, r)
						continue
					}
				}
				r = utf8.RuneError
			} else if r >= 0xDC00 && r < 0xE000 {
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
		default: // '"', '\\', '/'
			dst = append(dst, s[i])
		}
	}
	return dst
}

func hex4(b []byte) int {
	return hexVal(b[0])<<12 | hexVal(b[1])<<8 | hexVal(b[2])<<4 | hexVal(b[3])
}
