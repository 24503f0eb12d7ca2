package decode

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"unicode/utf8"
)

// FuzzCursor checks the cursor's validation against encoding/json: for
// UTF-8 input without deep nesting, a message is accepted exactly when it is
// one valid JSON object.
func FuzzCursor(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":[1,2,{"b":null}],"c":"\u00e9\ud800"}`, `{"a":01}`, `{"a":1}x`, ` {"a" : -0.5e+7 } `, `[]`, `{"a":"\x"}`, "{\"a\":\"\t\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		if !utf8.Valid(msg) || bytes.Count(msg, []byte("["))+bytes.Count(msg, []byte("{")) > 400 {
			return
		}
		var c Cursor
		c.Reset(msg)
		if c.Enter() {
			for {
				c.Key()
				c.Skip()
				if !c.Next() {
					break
				}
			}
		}
		got := c.Finish()
		want := json.Valid(msg) && bytes.TrimLeft(msg, " \t\r\n")[0] == '{'
		if got != want {
			t.Fatalf("%q: cursor %v (%s at %d), encoding/json %v", msg, got, c.errMsg, c.errPos, want)
		}
	})
}

// referenceCSV is the CSV reader written byte by byte, as documented.
func referenceCSV(b []byte, delim byte) (fields []string, ok bool) {
	blank := func(c byte) bool { return c <= ' ' && c != delim }
	i := 0
	for {
		for i < len(b) && blank(b[i]) {
			i++
		}
		if i < len(b) && b[i] == '"' {
			var f []byte
			i++
			for {
				if i >= len(b) {
					return nil, false
				}
				if b[i] == '"' {
					if i+1 < len(b) && b[i+1] == '"' {
						f = append(f, '"')
						i += 2
						continue
					}
					i++
					break
				}
				f = append(f, b[i])
				i++
			}
			for i < len(b) && blank(b[i]) {
				i++
			}
			fields = append(fields, string(f))
			if i >= len(b) {
				return fields, true
			}
			if b[i] != delim {
				return nil, false
			}
			i++
			continue
		}
		start := i
		for i < len(b) && b[i] != delim {
			i++
		}
		end := i
		for end > start && blank(b[end-1]) {
			end--
		}
		fields = append(fields, string(b[start:end]))
		if i >= len(b) {
			return fields, true
		}
		i++
	}
}

// FuzzCSVReader checks the CSV reader against referenceCSV.
func FuzzCSVReader(f *testing.F) {
	for _, s := range []string{"a,b", ` "x ""y"" z" , w`, `"a"b`, `"open`, "a;b", ",,", ""} {
		f.Add([]byte(s), byte(','))
	}
	f.Fuzz(func(t *testing.T, msg []byte, delim byte) {
		if delim == '"' || delim == '\n' || delim == '\r' || delim >= 0x80 {
			delim = ','
		}
		want, wantOK := referenceCSV(msg, delim)
		var r CSV
		r.Reset(msg, delim)
		var got []string
		var st State
		for {
			sp, more := r.Next()
			if !more {
				break
			}
			txt, _ := st.text(msg, sp)
			got = append(got, string(txt))
			checkNumberSpan(t, txt, sp)
		}
		if r.Failed() != !wantOK || (wantOK && !equalStrings(got, want)) {
			t.Fatalf("%q: reader %q failed=%v, reference %q ok=%v", msg, got, r.Failed(), want, wantOK)
		}
	})
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkNumberSpan checks the values a reader parsed while scanning against
// the text they stand for.
func checkNumberSpan(t *testing.T, txt []byte, sp Span) {
	t.Helper()
	if sp.Tok == TokInteger {
		if n, ok := parseInt(txt, math.MinInt64, math.MaxInt64); !ok || n != sp.Int {
			t.Fatalf("%q: Int %d, text parses as %d %v", txt, sp.Int, n, ok)
		}
	}
}
