package decode_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/athena-kafka/athena-kafka/runtime/decode"
	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// TestCSVNumbersMatchFallback decodes records of number-like fields (signs,
// 0 to 24 digits, leading zeros, points, exponents, blanks, quotes, other
// bytes) in every position of the CSV tables, the last field included, with
// the generated decoders and the fallback: the typed readers' fast shapes
// must give what the Append functions give, or leave the field to them.
// Each field ends where the padded record's delimiter would be found.
func TestCSVNumbersMatchFallback(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	digits := func(n int) string {
		var sb strings.Builder
		for range n {
			sb.WriteByte(byte('0' + rng.IntN(10)))
		}
		return sb.String()
	}
	number := func() string {
		var sb strings.Builder
		switch rng.IntN(8) {
		case 0:
			sb.WriteByte('-')
		case 1:
			sb.WriteByte('+')
		case 2:
			sb.WriteByte(' ')
		}
		if rng.IntN(6) == 0 {
			sb.WriteByte('0')
		}
		sb.WriteString(digits(rng.IntN(21)))
		if rng.IntN(2) == 0 {
			sb.WriteByte('.')
			sb.WriteString(digits(rng.IntN(21)))
		}
		switch rng.IntN(12) {
		case 0:
			sb.WriteString("e" + digits(1+rng.IntN(3)))
		case 1:
			sb.WriteByte(' ')
		case 2:
			sb.WriteByte(byte(rng.IntN(256)))
		case 3:
			return `"` + sb.String() + `"`
		}
		return sb.String()
	}
	var tables []*table
	for _, tb := range loadTables(t) {
		if tb.schema.Format == topic.CSV {
			tables = append(tables, tb)
		}
	}
	if len(tables) == 0 {
		t.Fatal("no CSV tables under schemas/testdata")
	}
	for _, tb := range tables {
		if !decode.GeneratedEnabled() {
			t.Skip("generated decoders are off (nogenerated): nothing to compare")
		}
		var msgs [][]byte
		for range 3000 {
			fields := make([]string, len(tb.schema.Fields)+rng.IntN(2))
			for k := range fields {
				fields[k] = number()
			}
			msgs = append(msgs, []byte(strings.Join(fields, string(tb.schema.Delimiter))))
		}
		mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
		as := tb.schema.Arrow(topic.ArrowOptions{NoMetadataColumns: true})
		gen, genOK, _, genErrs := run(t, mem, tb.schema, as, msgs, false)
		fb, fbOK, _, fbErrs := run(t, mem, tb.schema, as, msgs, true)
		for k := range msgs {
			if genOK[k] != fbOK[k] || genErrs[k] != fbErrs[k] {
				t.Fatalf("%s: %q: generated %v %q, fallback %v %q", tb.name, msgs[k], genOK[k], genErrs[k], fbOK[k], fbErrs[k])
			}
		}
		if !recordsEqual(gen, fb) {
			for k := range msgs {
				g, _, _, _ := run(t, mem, tb.schema, as, msgs[k:k+1], false)
				f, _, _, _ := run(t, mem, tb.schema, as, msgs[k:k+1], true)
				same := recordsEqual(g, f)
				if !same {
					t.Errorf("%s: %q:\ngenerated %v\nfallback  %v", tb.name, msgs[k], g, f)
				}
				g.Release()
				f.Release()
				if !same {
					break
				}
			}
			t.Fatalf("%s: blocks differ", tb.name)
		}
		gen.Release()
		fb.Release()
		mem.AssertSize(t, 0)
	}
}
