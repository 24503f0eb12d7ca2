package decode

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// dirtyAllocator hands out memory full of 0xFF, as a pool reusing buffers
// may: nothing a column takes may depend on zeroed memory.
type dirtyAllocator struct{ memory.Allocator }

func (a dirtyAllocator) Allocate(n int) []byte {
	b := a.Allocator.Allocate(n)
	for i := range b {
		b[i] = 0xFF
	}
	return b
}

func (a dirtyAllocator) Reallocate(n int, old []byte) []byte {
	b := a.Allocate(n)
	copy(b, old)
	a.Free(old)
	return b
}

// TestColumnsMatchBuilders: rows written through the columns, flushed in
// several chunks of different sizes, with and without reserving, with
// NULLs here and there, equal what arrow-go's builders make of the same
// values; the validity and boolean bitmaps past the last row are zero, and
// every buffer is released.
func TestColumnsMatchBuilders(t *testing.T) {
	mem := memory.NewCheckedAllocator(dirtyAllocator{memory.NewGoAllocator()})
	defer mem.AssertSize(t, 0)
	kinds := []topic.Kind{topic.Boolean, topic.TinyInt, topic.SmallInt, topic.Integer, topic.BigInt,
		topic.Real, topic.Double, topic.Decimal, topic.Date, topic.Timestamp, topic.Varchar}
	for _, chunk := range []int{1, 7, 8, 9, 1000, 3000} {
		for _, reserve := range []bool{false, true} {
			t.Run(fmt.Sprintf("chunk%d/reserve=%v", chunk, reserve), func(t *testing.T) {
				for _, k := range kinds {
					f := &topic.Field{Name: "c", Kind: k, Precision: 10, Scale: 2}
					col := NewColumn(f, mem)
					want := array.NewBuilder(mem, f.ArrowType())
					for round := 0; round < 3; round++ {
						if reserve {
							col.reserve(chunk)
						}
						for i := 0; i < chunk; i++ {
							row := round*chunk + i
							if row%5 == 3 || (k == topic.Varchar && row%7 == 0) {
								col.AppendNull()
								want.AppendNull()
								continue
							}
							put(t, col, want, row)
						}
						got := col.take()
						exp := want.NewArray()
						if !array.Equal(got, exp) {
							t.Fatalf("%v round %d:\ngot  %v\nwant %v", k, round, got, exp)
						}
						if got.Len() != chunk {
							t.Fatalf("%v: %d rows, want %d", k, got.Len(), chunk)
						}
						checkPadding(t, got)
						got.Release()
						exp.Release()
					}
					col.release()
					want.Release()
				}
			})
		}
	}
}

func put(t *testing.T, col Column, want array.Builder, row int) {
	switch c := col.(type) {
	case *BoolColumn:
		c.Put(row%3 == 0)
		want.(*array.BooleanBuilder).Append(row%3 == 0)
	case *Int8Column:
		c.Put(int8(row))
		want.(*array.Int8Builder).Append(int8(row))
	case *Int16Column:
		c.Put(int16(row))
		want.(*array.Int16Builder).Append(int16(row))
	case *Int32Column:
		c.Put(int32(row))
		want.(*array.Int32Builder).Append(int32(row))
	case *Int64Column:
		c.Put(int64(row) << 33)
		want.(*array.Int64Builder).Append(int64(row) << 33)
	case *Float32Column:
		c.Put(float32(row) / 4)
		want.(*array.Float32Builder).Append(float32(row) / 4)
	case *Float64Column:
		c.Put(float64(row) / 8)
		want.(*array.Float64Builder).Append(float64(row) / 8)
	case *DecimalColumn:
		n, _ := ParseDecimal(fmt.Appendf(nil, "%d.%02d", row, row%100), 10, 2)
		c.Put(n)
		want.(*array.Decimal128Builder).Append(n)
	case *Date32Column:
		c.Put(arrow.Date32(row))
		want.(*array.Date32Builder).Append(arrow.Date32(row))
	case *Date64Column:
		c.Put(arrow.Date64(row) * 1000)
		want.(*array.Date64Builder).Append(arrow.Date64(row) * 1000)
	case *StringColumn:
		s := fmt.Sprintf("value %d %s", row, string(make([]byte, row%40)))
		c.Put([]byte(s))
		want.(*array.StringBuilder).Append(s)
	default:
		t.Fatalf("no case for %T", col)
	}
}

// checkPadding: the bits of a bitmap past the last row are zero.
func checkPadding(t *testing.T, a arrow.Array) {
	t.Helper()
	n := a.Len()
	bufs := a.Data().Buffers()
	check := func(what string, b *memory.Buffer) {
		if b == nil || n%8 == 0 {
			return
		}
		if last := b.Bytes()[n/8]; last>>(n%8) != 0 {
			t.Fatalf("%s: stale bits past row %d: %08b", what, n, last)
		}
	}
	check("validity", bufs[0])
	if a.DataType().ID() == arrow.BOOL {
		check("values", bufs[1])
	}
}
