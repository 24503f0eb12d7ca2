package decode

import (
	"encoding/binary"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// TestLeadDigits checks the eight-at-a-time digit reader against a byte
// loop on every byte value in every position and on random words.
func TestLeadDigits(t *testing.T) {
	check := func(b []byte) {
		t.Helper()
		want, wantV := 0, uint64(0)
		for want < 8 && b[want] >= '0' && b[want] <= '9' {
			wantV = wantV*10 + uint64(b[want]-'0')
			want++
		}
		w := binary.LittleEndian.Uint64(b)
		n := leadDigits(w)
		if n != want {
			t.Fatalf("leadDigits(%q) = %d, want %d", b, n, want)
		}
		if v := digitsValue(w, n); v != wantV {
			t.Fatalf("digitsValue(%q, %d) = %d, want %d", b, n, v, wantV)
		}
	}
	for pos := 0; pos < 8; pos++ {
		for c := 0; c < 256; c++ {
			b := []byte("98765432")
			b[pos] = byte(c)
			check(b)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		var b [8]byte
		for j := range b {
			if rng.IntN(4) == 0 {
				b[j] = byte(rng.IntN(256))
			} else {
				b[j] = byte('0' + rng.IntN(10))
			}
		}
		check(b[:])
	}
}

func TestScanDigits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 100000; i++ {
		n := rng.IntN(20)
		var b []byte
		for j := 0; j < rng.IntN(3); j++ {
			b = append(b, 'x')
		}
		start := len(b)
		for j := 0; j < n; j++ {
			b = append(b, byte('0'+rng.IntN(10)))
		}
		b = append(b, []byte(",\"abcdefgh")[:rng.IntN(10)]...)
		end, v := scanDigits(b, start)
		if end != start+n {
			t.Fatalf("scanDigits(%q) end %d, want %d", b, end, start+n)
		}
		want, _ := strconv.ParseUint("0"+string(b[start:end]), 10, 64)
		if v != want {
			t.Fatalf("scanDigits(%q) = %d, want %d", b, v, want)
		}
	}
}

// TestDigitRun checks digitRun against a byte loop: runs of 0 to 26 digits,
// ending in every byte value, at every distance from the end of the buffer
// (the short path included), and in random bytes.
func TestDigitRun(t *testing.T) {
	check := func(b []byte, i int) {
		t.Helper()
		n := 0
		var want uint64
		for i+n < len(b) && b[i+n]-'0' <= 9 {
			want = want*10 + uint64(b[i+n]-'0')
			n++
		}
		v, got := digitRun(b, i)
		switch {
		case n <= 19 && (got != n || v != want):
			t.Fatalf("digitRun(%q, %d) = %d, %d; want %d, %d", b, i, v, got, want, n)
		case n > 19 && got <= 19:
			t.Fatalf("digitRun(%q, %d) = length %d; want a length over 19 for %d digits", b, i, got, n)
		}
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for n := 0; n <= 26; n++ {
		for c := 0; c < 256; c++ {
			for tail := 0; tail < 30; tail += 1 + rng.IntN(4) {
				b := []byte("x")
				for j := 0; j < n; j++ {
					b = append(b, byte('0'+rng.IntN(10)))
				}
				if tail > 0 {
					b = append(b, byte(c))
					for j := 1; j < tail; j++ {
						b = append(b, byte(rng.IntN(256)))
					}
				}
				check(b, 1)
			}
		}
	}
	for i := 0; i < 200000; i++ {
		b := make([]byte, rng.IntN(40))
		for j := range b {
			if rng.IntN(6) == 0 {
				b[j] = byte(rng.IntN(256))
			} else {
				b[j] = byte('0' + rng.IntN(10))
			}
		}
		check(b, rng.IntN(len(b)+1))
	}
}

func TestAllDigits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 200000; i++ {
		n := rng.IntN(20)
		b := make([]byte, n)
		for j := range b {
			b[j] = byte('0' + rng.IntN(10))
		}
		if n > 0 && rng.IntN(3) == 0 {
			b[rng.IntN(n)] = byte(rng.IntN(256))
		}
		v, ok := allDigits(b)
		want, err := strconv.ParseUint("0"+string(b), 10, 64)
		if ok != (err == nil) || (ok && v != want) {
			t.Fatalf("allDigits(%q) = %d, %t; want %d, %v", b, v, ok, want, err)
		}
	}
}

func TestFastFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 300000; i++ {
		var b []byte
		if rng.IntN(2) == 0 {
			b = append(b, '-')
		}
		for j := rng.IntN(12); j > 0; j-- {
			b = append(b, byte('0'+rng.IntN(10)))
		}
		if rng.IntN(4) > 0 {
			b = append(b, '.')
			for j := rng.IntN(14); j > 0; j-- {
				b = append(b, byte('0'+rng.IntN(10)))
			}
		}
		if len(b) > 0 && rng.IntN(10) == 0 {
			b[rng.IntN(len(b))] = "e.x+-9 "[rng.IntN(7)]
		}
		f, ok := fastFloat(b, 64)
		if !ok {
			continue
		}
		want, err := strconv.ParseFloat(string(b), 64)
		if err != nil || f != want || (f == 0 && (1/f > 0) != (1/want > 0)) {
			t.Fatalf("fastFloat(%q) = %v; strconv gives %v, %v", b, f, want, err)
		}
	}
}

// TestCursorIntegers: integers that fit an int64 carry their value, up to
// 19 digits; others are left to be parsed as text.
func TestCursorIntegers(t *testing.T) {
	for _, tc := range []struct {
		in  string
		tok Tok
		val int64
	}{
		{"0", TokInteger, 0},
		{"-0", TokInteger, 0},
		{"123456789012345678", TokInteger, 123456789012345678},
		{"9223372036854775807", TokInteger, 9223372036854775807},
		{"-9223372036854775808", TokInteger, -9223372036854775808},
		{"9223372036854775808", TokNumber, 0},
		{"-9223372036854775809", TokNumber, 0},
		{"9999999999999999999", TokNumber, 0},
		{"10000000000000000000", TokNumber, 0},
		{"-1234567890123456789", TokInteger, -1234567890123456789},
		{"12.5", TokNumber, 0},
		{"1e3", TokNumber, 0},
	} {
		var c Cursor
		c.Reset([]byte(tc.in))
		sp := c.Value()
		if c.Failed() || sp.Tok != tc.tok || (tc.tok == TokInteger && sp.Int != tc.val) || sp.End != len(tc.in) {
			t.Errorf("%s: got %+v failed=%t, want tok %d value %d", tc.in, sp, c.Failed(), tc.tok, tc.val)
		}
	}
}

// TestCivilMillis checks the table path of civilMillis against package
// time, over the tables' years and past their ends, valid dates or not.
func TestCivilMillis(t *testing.T) {
	for y := yearBase - 2; y < yearBase+len(yearStart)+2; y++ {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				got, ok := civilMillis(y, m, d, 23, 59, 58, 999)
				tm := time.Date(y, time.Month(m), d, 23, 59, 58, 999e6, time.UTC)
				valid := m >= 1 && m <= 12 && tm.Day() == d
				if ok != valid || (ok && got != tm.UnixMilli()) {
					t.Fatalf("%d-%d-%d: %d %t, want %d %t", y, m, d, got, ok, tm.UnixMilli(), valid)
				}
			}
		}
	}
}

// TestCSVManyFields: records of many fields, with blanks and blank
// delimiters, split as the reference does.
func TestCSVManyFields(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for i := 0; i < 300; i++ {
		delim := ",;\t "[rng.IntN(4)]
		var msg []byte
		for f := rng.IntN(800); f >= 0; f-- {
			for j := rng.IntN(12); j > 0; j-- {
				msg = append(msg, " \tab1x."[rng.IntN(7)])
			}
			if f > 0 {
				msg = append(msg, delim)
			}
		}
		want, _ := referenceCSV(msg, delim)
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
		}
		if r.Failed() || !equalStrings(got, want) {
			t.Fatalf("%q (delim %q): got %q, want %q", msg, delim, got, want)
		}
	}
}

// FuzzCursorNumbers checks the values the cursor parses while scanning
// numbers against their text.
func FuzzCursorNumbers(f *testing.F) {
	for _, s := range []string{"123.456", "-0.5", "9223372036854775807", "-9223372036854775808", "1e5", "0.0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var c Cursor
		c.Reset([]byte(s))
		sp := c.Value()
		if c.Failed() || sp.Tok != TokInteger && sp.Tok != TokNumber {
			return
		}
		checkNumberSpan(t, []byte(s)[sp.Start:sp.End], sp)
	})
}
