package decode_test

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/bytedance/sonic"

	"github.com/athena-kafka/athena-kafka/runtime/decode"
	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

func benchMsgs(format topic.Format) [][]byte {
	var out [][]byte
	for i := 0; i < 1024; i++ {
		if format == topic.CSV {
			out = append(out, fmt.Appendf(nil, "%d,bravo golf %d lorem ipsum dolor sit,%t,%d,%d.%d,%d,%d,0.%d", i*7919, i, i%2 == 0, int64(i)*1e12, i, i%97, i%30000, i%100, i))
			continue
		}
		out = append(out, fmt.Appendf(nil, `{"intcol":%d,"varcharcol":"bravo golf %d lorem ipsum dolor sit","booleancol":%t,"bigintcol":%d,"doublecol":%d.%d,"smallintcol":%d,"tinyintcol":%d,"datecol":"2021-%02d-%02d","timestampcol":"2021-%02d-%02d 12:%02d:%02d.%03d"}`,
			i*7919, i, i%2 == 0, int64(i)*1e12, i, i%97, i%30000, i%100, 1+i%12, 1+i%28, 1+i%12, 1+i%28, i%60, i%60, i%1000))
	}
	return out
}

func benchDecode(b *testing.B, name string, fallback bool) {
	var tb *table
	for _, t := range loadTables(b) {
		if t.name == name {
			tb = t
		}
	}
	msgs := benchMsgs(tb.schema.Format)
	mem := memory.NewGoAllocator()
	as := tb.schema.Arrow(topic.ArrowOptions{NoMetadataColumns: true})
	newDec := decode.New
	if fallback {
		newDec = decode.NewFallback
	}
	d, err := newDec(tb.schema, as, mem)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Release()
	var n int64
	for _, m := range msgs {
		n += int64(len(m))
	}
	b.SetBytes(n / int64(len(msgs)))
	b.ReportAllocs()
	d.Reserve(1 << 16)
	for i := 0; i < b.N; i++ {
		if !d.Decode(msgs[i%len(msgs)]) {
			b.Fatal(d.Err())
		}
		if i%(1<<16) == 1<<16-1 {
			decode.Record(d, as, mem).Release()
			d.Reserve(1 << 16)
		}
	}
}

func BenchmarkJSONGenerated(b *testing.B) { benchDecode(b, "datatypejson", false) }
func BenchmarkJSONFallback(b *testing.B)  { benchDecode(b, "datatypejson", true) }
func BenchmarkCSVGenerated(b *testing.B)  { benchDecode(b, "datatypecsvbulk", false) }
func BenchmarkCSVFallback(b *testing.B)   { benchDecode(b, "datatypecsvbulk", true) }

type benchRow struct {
	Intcol       int32   `json:"intcol"`
	Varcharcol   string  `json:"varcharcol"`
	Booleancol   bool    `json:"booleancol"`
	Bigintcol    int64   `json:"bigintcol"`
	Doublecol    float64 `json:"doublecol"`
	Smallintcol  int16   `json:"smallintcol"`
	Tinyintcol   int8    `json:"tinyintcol"`
	Datecol      string  `json:"datecol"`
	Timestampcol string  `json:"timestampcol"`
}

// BenchmarkJSONSonicStruct is the alternative the generated decoder is
// measured against: sonic into a plain struct, no Arrow.
func BenchmarkJSONSonicStruct(b *testing.B) {
	msgs := benchMsgs(topic.JSON)
	var n int64
	for _, m := range msgs {
		n += int64(len(m))
	}
	b.SetBytes(n / int64(len(msgs)))
	b.ReportAllocs()
	var r benchRow
	for i := 0; i < b.N; i++ {
		if err := sonic.Unmarshal(msgs[i%len(msgs)], &r); err != nil {
			b.Fatal(err)
		}
	}
}
