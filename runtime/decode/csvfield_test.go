package decode

import (
	"math"
	"testing"
)

// TestCSVTypedFields checks that IntField and FloatField split a record as
// Field does and that a value they carry is the one parseInt and fastFloat
// read from the text.
func TestCSVTypedFields(t *testing.T) {
	recs := []string{
		"7,-7,0,-0,007,+7, 7,7 ,x7,", "9223372036854775807,-9223372036854775808,9223372036854775808,12345678901234567890",
		"1.5,-0.0,0.125,.5,5.,1e3,9007199254740993.0,1234567890.123456789,12345678901.123456789", "1.5", "\"1\",2", "3,\"4\"x",
	}
	ints, decs := 0, 0
	for _, rec := range recs {
		for _, typed := range []func(*CSV) Span{(*CSV).IntField, (*CSV).FloatField} {
			var a, b CSV
			a.Reset([]byte(rec), ',')
			b.Reset([]byte(rec), ',')
			for k := 0; k < 12; k++ {
				want, got := a.Field(), typed(&b)
				if got.Start != want.Start || got.End != want.End || a.Failed() != b.Failed() {
					t.Fatalf("%q field %d: got %+v, want %+v", rec, k, got, want)
				}
				text := []byte(rec[want.Start:want.End])
				switch {
				case got.Tok == TokInteger:
					ints++
					if n, ok := parseInt(text, math.MinInt64, math.MaxInt64); !ok || n != got.Int {
						t.Errorf("%q field %d: carried %d, parseInt %d %v", rec, k, got.Int, n, ok)
					}
				case got.Dec > 0:
					decs++
					f, _, _ := appendFloat([]byte(rec), got, &State{}, 0, 64)
					if g, ok := fastFloat(text, 64); !ok || math.Float64bits(g) != math.Float64bits(f) {
						t.Errorf("%q field %d: carried %v, fastFloat %v %v", rec, k, f, g, ok)
					}
				case got.Tok != want.Tok:
					t.Errorf("%q field %d: token %v, want %v", rec, k, got.Tok, want.Tok)
				}
			}
		}
	}
	if ints != 9 || decs != 4 {
		t.Errorf("carried %d integers and %d decimals; the fast paths were not taken", ints, decs)
	}
}
