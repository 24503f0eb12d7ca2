package decode_test

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/athena-kafka/athena-kafka/runtime/decode"
	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// TestNumbersMatchFallback decodes messages of number-like values (signs,
// 0 to 41 digits and now and then thousands, leading zeros, points,
// exponents, blanks, quotes, other bytes) with the generated decoders and the fallback: the typed readers'
// fast shapes must give what the Append functions give, or leave the value
// to them. CSV records put one in every field, the last included (its end
// is where the padded record's delimiter is); JSON objects put one under
// every top-level key, last or not, and at every distance from the end of
// the message.
func TestNumbersMatchFallback(t *testing.T) {
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
		if rng.IntN(200) == 0 {
			// A long run: the record outgrows the reader's buffers.
			sb.WriteString(digits(rng.IntN(5000)))
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
	if !decode.GeneratedEnabled() {
		t.Skip("generated decoders are off (nogenerated): nothing to compare")
	}
	formats := map[topic.Format]int{}
	for _, tb := range loadTables(t) {
		formats[tb.schema.Format]++
		var msgs [][]byte
		for range 3000 {
			var fields []string
			if tb.schema.Format == topic.CSV {
				for range len(tb.schema.Fields) + rng.IntN(2) {
					fields = append(fields, number())
				}
				msgs = append(msgs, []byte(strings.Join(fields, string(tb.schema.Delimiter))))
				continue
			}
			for _, f := range tb.schema.Fields {
				if len(f.Path) == 1 && rng.IntN(8) != 0 {
					fields = append(fields, strconv.Quote(f.Path[0])+":"+number())
				}
			}
			msgs = append(msgs, []byte("{"+strings.Join(fields, ",")+"}"+strings.Repeat(" ", rng.IntN(30))))
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
	if formats[topic.CSV] == 0 || formats[topic.JSON] == 0 {
		t.Fatalf("tables under schemas/testdata by format: %v; want both", formats)
	}
}
