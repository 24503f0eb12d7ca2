package federation

import (
	"encoding/base64"
	"strconv"
	"unicode/utf8"
)

// writer writes compact JSON in exactly the order it is told, as Jackson's
// generator does: no HTML escaping, non-ASCII written raw, only '"', '\\'
// and control characters escaped.
type writer struct {
	buf   []byte
	comma []bool // per open container: a value was already written
}

func (w *writer) sep() {
	if n := len(w.comma); n > 0 {
		if w.comma[n-1] {
			w.buf = append(w.buf, ',')
		}
		w.comma[n-1] = true
	}
}

func (w *writer) open(c byte) {
	w.sep()
	w.buf = append(w.buf, c)
	w.comma = append(w.comma, false)
}

func (w *writer) close(c byte) {
	w.buf = append(w.buf, c)
	w.comma = w.comma[:len(w.comma)-1]
}

func (w *writer) beginObject() { w.open('{') }
func (w *writer) endObject()   { w.close('}') }
func (w *writer) beginArray()  { w.open('[') }
func (w *writer) endArray()    { w.close(']') }

// key writes an object key; the value that follows needs no separator.
func (w *writer) key(k string) {
	w.sep()
	w.quote(k)
	w.buf = append(w.buf, ':')
	w.comma[len(w.comma)-1] = false
}

// typed opens an object and writes its "@type".
func (w *writer) typed(t string) {
	w.beginObject()
	w.key("@type")
	w.str(t)
}

func (w *writer) str(s string) {
	w.sep()
	w.quote(s)
}

func (w *writer) strPtr(s *string) {
	if s == nil {
		w.null()
		return
	}
	w.str(*s)
}

func (w *writer) null() {
	w.sep()
	w.buf = append(w.buf, "null"...)
}

func (w *writer) boolean(b bool) {
	w.sep()
	w.buf = strconv.AppendBool(w.buf, b)
}

func (w *writer) int(i int64) {
	w.sep()
	w.buf = strconv.AppendInt(w.buf, i, 10)
}

func (w *writer) bytes(b []byte) {
	w.sep()
	w.buf = append(w.buf, '"')
	w.buf = base64.StdEncoding.AppendEncode(w.buf, b)
	w.buf = append(w.buf, '"')
}

func (w *writer) strings(ss []string) {
	w.beginArray()
	for _, s := range ss {
		w.str(s)
	}
	w.endArray()
}

func (w *writer) smap(m Map) {
	w.beginObject()
	for _, kv := range m {
		w.key(kv.Key)
		w.str(kv.Value)
	}
	w.endObject()
}

const hexDigits = "0123456789ABCDEF"

func (w *writer) quote(s string) {
	b := append(w.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, s[start:i]...)
				b = append(b, `\uFFFD`...)
				i += size
				start = i
				continue
			}
			i += size
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	w.buf = append(b, '"')
}
