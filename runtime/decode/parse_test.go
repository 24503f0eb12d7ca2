package decode

import (
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

func BenchmarkMicroYMDHMS(b *testing.B) {
	v := []byte("2021-03-04 12:34:56.789")
	for i := 0; i < b.N; i++ {
		ParseYMDHMS(v, ' ', true)
	}
}
func BenchmarkMicroYMD(b *testing.B) {
	v := []byte("2021-03-04")
	for i := 0; i < b.N; i++ {
		ParseYMD(v)
	}
}
func BenchmarkMicroFloat(b *testing.B) {
	for i := 0; i < b.N; i++ {
		strconv.ParseFloat("123456.78901234", 64)
	}
}
func BenchmarkMicroInt(b *testing.B) {
	v := []byte("-1234567890123")
	for i := 0; i < b.N; i++ {
		parseInt(v, -1<<63, 1<<63-1)
	}
}
func BenchmarkMicroAppendInt32(b *testing.B) {
	bb := newFixed[int32](arrow.PrimitiveTypes.Int32, memory.NewGoAllocator())
	bb.reserve(1 << 16)
	var st State
	v := []byte("12345")
	sp := Span{Start: 0, End: 5, Tok: TokNumber}
	for i := 0; i < b.N; i++ {
		AppendInt32(bb, v, sp, &st, 0)
		if bb.Len() == 1<<16 {
			bb.take().Release()
			bb.reserve(1 << 16)
		}
	}
}
func BenchmarkMicroAppendString(b *testing.B) {
	bb := NewColumn(&topic.Field{Kind: topic.Varchar}, memory.NewGoAllocator()).(*StringColumn)
	bb.reserve(1 << 16)
	bb.growData(1 << 16 * 40)
	var st State
	v := []byte("bravo golf 123 lorem ipsum dolor sit")
	sp := Span{Start: 0, End: len(v), Tok: TokString}
	for i := 0; i < b.N; i++ {
		AppendString(bb, v, sp, &st, 0)
		if bb.Len() == 1<<16 {
			bb.take().Release()
			bb.reserve(1 << 16)
		}
	}
}

func FuzzFastFloat(f *testing.F) {
	for _, s := range []string{"1.5", "-0", ".5", "5.", "123456.789012345", "0.0000000000000000000001", "-", "1e5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := fastFloat([]byte(s), 64)
		if !ok {
			return
		}
		want, err := strconv.ParseFloat(s, 64)
		if err != nil || got != want {
			t.Fatalf("%q: fast %v, strconv %v %v", s, got, want, err)
		}
	})
}
