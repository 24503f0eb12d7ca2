package decode

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// Columns are written straight into Arrow buffers: a value is one store
// into a slice over the buffer (and, for strings, one copy), with no
// validity bit per value. NULLs are listed as row numbers and turned into
// a validity bitmap when the rows are taken, so a column without NULLs has
// none. arrow-go's builders cost more per value than decoding it does.

// Column is one projected data column a decoder fills.
type Column interface {
	// Type is the column's Arrow type.
	Type() arrow.DataType
	// Len is the number of values since the last take.
	Len() int
	// AppendNull appends a NULL.
	AppendNull()
	// take returns the values so far as an array (the caller releases
	// it) and starts again, empty.
	take() arrow.Array
	// reserve makes room for about rows more values.
	reserve(rows int)
	// truncate drops the values from row r on.
	truncate(r int)
	release()
}

// column is what every column kind shares: its type, allocator and NULLs.
type column struct {
	dt    arrow.DataType
	mem   memory.Allocator
	nulls []int32 // rows that are NULL, ascending
}

func (c *column) Type() arrow.DataType { return c.dt }

// dropNulls forgets the NULLs from row r on.
func (c *column) dropNulls(r int) {
	for len(c.nulls) > 0 && int(c.nulls[len(c.nulls)-1]) >= r {
		c.nulls = c.nulls[:len(c.nulls)-1]
	}
}

// validity makes the validity bitmap of n rows, or nil when none is NULL.
func (c *column) validity(n int) *memory.Buffer {
	if len(c.nulls) == 0 {
		return nil
	}
	b := memory.NewResizableBuffer(c.mem)
	b.Resize(int(bitutil.BytesForBits(int64(n))))
	bits := b.Bytes()
	clear(bits) // the allocator may hand out used memory; padding stays zero
	bitutil.SetBitsTo(bits, 0, int64(n), true)
	for _, r := range c.nulls {
		bitutil.ClearBit(bits, int(r))
	}
	return b
}

// makeArray wraps buffers (validity first) into an array of n rows and
// drops the column's references to them.
func (c *column) makeArray(n int, bufs ...*memory.Buffer) arrow.Array {
	nulls := len(c.nulls)
	c.nulls = c.nulls[:0]
	data := array.NewData(c.dt, n, bufs, nil, nulls, 0)
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	defer data.Release()
	return array.MakeFromData(data)
}

// newBuffer allocates a buffer of at least size bytes; cap is all of it.
func newBuffer(mem memory.Allocator, size int) *memory.Buffer {
	b := memory.NewResizableBuffer(mem)
	if size > 0 {
		b.Reserve(size)
	}
	return b
}

// Fixed is a column of fixed-width values: the integer and floating point
// kinds, DATE (arrow.Date32), TIMESTAMP (arrow.Date64) and DECIMAL(p,s).
type Fixed[T fixedValue] struct {
	column
	buf  *memory.Buffer
	vals []T // the whole buffer; the first n are written
	n    int
}

type fixedValue interface {
	int8 | int16 | int32 | int64 | float32 | float64 | arrow.Date32 | arrow.Date64 | decimal128.Num
}

// The column types generated code names.
type (
	Int8Column    = Fixed[int8]
	Int16Column   = Fixed[int16]
	Int32Column   = Fixed[int32]
	Int64Column   = Fixed[int64]
	Float32Column = Fixed[float32]
	Float64Column = Fixed[float64]
	Date32Column  = Fixed[arrow.Date32]
	Date64Column  = Fixed[arrow.Date64]
	DecimalColumn = Fixed[decimal128.Num]
)

func newFixed[T fixedValue](dt arrow.DataType, mem memory.Allocator) *Fixed[T] {
	return &Fixed[T]{column: column{dt: dt, mem: mem}, buf: newBuffer(mem, 0)}
}

// Len is the number of values since the last take.
func (c *Fixed[T]) Len() int { return c.n }

// Put appends a value.
func (c *Fixed[T]) Put(v T) {
	if c.n >= len(c.vals) {
		c.grow(1)
	}
	c.vals[c.n] = v
	c.n++
}

// AppendNull appends a NULL (a zero value under a cleared validity bit).
func (c *Fixed[T]) AppendNull() {
	if c.n >= len(c.vals) {
		c.grow(1)
	}
	var zero T
	c.vals[c.n] = zero
	c.nulls = append(c.nulls, int32(c.n))
	c.n++
}

// grow makes room for more values, at least doubling.
func (c *Fixed[T]) grow(more int) {
	var zero T
	size := int(unsafe.Sizeof(zero))
	c.reserveSize(max(c.n+more, 2*len(c.vals), 64), size)
}

func (c *Fixed[T]) reserve(rows int) {
	var zero T
	c.reserveSize(c.n+rows, int(unsafe.Sizeof(zero)))
}

func (c *Fixed[T]) reserveSize(rows, size int) {
	if rows <= len(c.vals) {
		return
	}
	c.buf.Reserve(rows * size)
	b := c.buf.Buf()
	c.vals = unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/size)
}

func (c *Fixed[T]) take() arrow.Array {
	var zero T
	n := c.n
	c.buf.ResizeNoShrink(n * int(unsafe.Sizeof(zero)))
	a := c.makeArray(n, c.validity(n), c.buf)
	c.buf, c.vals, c.n = newBuffer(c.mem, 0), nil, 0
	return a
}

func (c *Fixed[T]) truncate(r int) {
	c.n = min(c.n, max(r, 0))
	c.dropNulls(c.n)
}

func (c *Fixed[T]) release() {
	c.buf.Release()
	c.buf, c.vals, c.n = newBuffer(c.mem, 0), nil, 0
}

// BoolColumn is a BOOLEAN column: values as bits.
type BoolColumn struct {
	column
	buf  *memory.Buffer
	bits []byte // the whole buffer; the first n bits are written
	n    int
}

// Len is the number of values since the last take.
func (c *BoolColumn) Len() int { return c.n }

// Put appends a value.
func (c *BoolColumn) Put(v bool) {
	if c.n>>3 >= len(c.bits) {
		c.grow()
	}
	var b byte
	if v {
		b = 1
	}
	i := c.n
	c.bits[i>>3] = c.bits[i>>3]&^(1<<(i&7)) | b<<(i&7)
	c.n++
}

// AppendNull appends a NULL.
func (c *BoolColumn) AppendNull() {
	c.nulls = append(c.nulls, int32(c.n))
	c.Put(false)
}

func (c *BoolColumn) grow() { c.reserveBits(max(c.n+8, 2*8*len(c.bits), 512)) }

func (c *BoolColumn) reserve(rows int) { c.reserveBits(c.n + rows) }

func (c *BoolColumn) reserveBits(n int) {
	if (n+7)>>3 <= len(c.bits) {
		return
	}
	c.buf.Reserve((n + 7) >> 3)
	c.bits = c.buf.Buf()
}

func (c *BoolColumn) take() arrow.Array {
	n := c.n
	nb := (n + 7) >> 3
	if n&7 != 0 {
		c.bits[nb-1] &= 1<<(n&7) - 1 // no stale bits past the last row
	}
	c.buf.ResizeNoShrink(nb)
	a := c.makeArray(n, c.validity(n), c.buf)
	c.buf, c.bits, c.n = newBuffer(c.mem, 0), nil, 0
	return a
}

func (c *BoolColumn) truncate(r int) {
	c.n = min(c.n, max(r, 0))
	c.dropNulls(c.n)
}

func (c *BoolColumn) release() {
	c.buf.Release()
	c.buf, c.bits, c.n = newBuffer(c.mem, 0), nil, 0
}

// StringColumn is a VARCHAR column: int32 offsets and the bytes.
type StringColumn struct {
	column
	offBuf, dataBuf *memory.Buffer
	offs            []int32 // the whole offsets buffer; offs[n] is the end of the data
	data            []byte  // the whole data buffer
	n               int
	lastRows        int // rows and bytes of the last take, to size the next
	lastBytes       int
}

// Len is the number of values since the last take.
func (c *StringColumn) Len() int { return c.n }

// Put appends a value.
func (c *StringColumn) Put(t []byte) {
	if c.n+1 >= len(c.offs) {
		c.growOffsets()
	}
	end := int(c.offs[c.n])
	if len(t) > len(c.data)-end {
		c.growData(len(t))
	}
	end += copy(c.data[end:], t)
	c.n++
	c.offs[c.n] = int32(end)
}

// AppendNull appends a NULL (an empty value under a cleared validity bit).
func (c *StringColumn) AppendNull() {
	c.nulls = append(c.nulls, int32(c.n))
	c.Put(nil)
}

func (c *StringColumn) growOffsets() { c.reserveOffsets(max(c.n+2, 2*len(c.offs), 64)) }

func (c *StringColumn) reserveOffsets(rows int) {
	if rows+1 <= len(c.offs) {
		return
	}
	first := len(c.offs) == 0
	c.offBuf.Reserve((rows + 1) * 4)
	b := c.offBuf.Buf()
	c.offs = unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/4)
	if first {
		c.offs[0] = 0
	}
}

// growData makes room for more bytes: at least doubling, and at least
// what the rows reserved would take at the average length so far, so that
// a reserved block costs a handful of allocations.
func (c *StringColumn) growData(more int) {
	end := int(c.offs[c.n])
	need := max(end+more, 2*len(c.data), 1024)
	if c.n > 0 {
		need = max(need, end+(end/c.n+1)*(len(c.offs)-1-c.n))
	}
	if need > math.MaxInt32 {
		need = max(end+more, math.MaxInt32)
	}
	c.dataBuf.Reserve(need)
	c.data = c.dataBuf.Buf()
}

func (c *StringColumn) take() arrow.Array {
	n := c.n
	if len(c.offs) == 0 {
		c.reserveOffsets(0)
	}
	end := int(c.offs[n])
	c.offBuf.ResizeNoShrink((n + 1) * 4)
	c.dataBuf.ResizeNoShrink(end)
	a := c.makeArray(n, c.validity(n), c.offBuf, c.dataBuf)
	if n > 0 {
		c.lastRows, c.lastBytes = n, end
	}
	c.offBuf, c.dataBuf, c.offs, c.data, c.n = newBuffer(c.mem, 0), newBuffer(c.mem, 0), nil, nil, 0
	return a
}

// reserve makes room for rows more values and, at the average length of
// the last take's values plus 1/16, for their bytes.
func (c *StringColumn) reserve(rows int) {
	c.reserveOffsets(c.n + rows)
	if c.lastRows > 0 {
		end := int64(c.offs[c.n])
		need := end + int64(c.lastBytes)*int64(rows)/int64(c.lastRows)*17/16
		if need > int64(len(c.data)) {
			c.dataBuf.Reserve(int(min(need, math.MaxInt32)))
			c.data = c.dataBuf.Buf()
		}
	}
}

// truncate drops the values from row r on; offs[r] is the end of the data
// before them.
func (c *StringColumn) truncate(r int) {
	c.n = min(c.n, max(r, 0))
	c.dropNulls(c.n)
}

func (c *StringColumn) release() {
	c.offBuf.Release()
	c.dataBuf.Release()
	c.offBuf, c.dataBuf, c.offs, c.data, c.n = newBuffer(c.mem, 0), newBuffer(c.mem, 0), nil, nil, 0
}

// NewColumn makes the column of a field.
func NewColumn(f *topic.Field, mem memory.Allocator) Column {
	dt := f.ArrowType()
	switch f.Kind {
	case topic.Boolean:
		return &BoolColumn{column: column{dt: dt, mem: mem}, buf: newBuffer(mem, 0)}
	case topic.TinyInt:
		return newFixed[int8](dt, mem)
	case topic.SmallInt:
		return newFixed[int16](dt, mem)
	case topic.Integer:
		return newFixed[int32](dt, mem)
	case topic.BigInt:
		return newFixed[int64](dt, mem)
	case topic.Real:
		return newFixed[float32](dt, mem)
	case topic.Double:
		return newFixed[float64](dt, mem)
	case topic.Decimal:
		return newFixed[decimal128.Num](dt, mem)
	case topic.Date:
		return newFixed[arrow.Date32](dt, mem)
	case topic.Timestamp:
		return newFixed[arrow.Date64](dt, mem)
	case topic.Varchar:
		return &StringColumn{column: column{dt: dt, mem: mem}, offBuf: newBuffer(mem, 0), dataBuf: newBuffer(mem, 0)}
	}
	panic(fmt.Sprintf("decode: no column for kind %v", f.Kind))
}

// Columns are the projected data columns of a decoder. Generated decoders
// embed it: Flush and Release come from here.
type Columns struct {
	byTable []Column // table column number -> column, nil when not projected
	list    []Column // the projected columns, in block order
	pos     []int    // position in the block schema of each of list
	slow    *fallback
}

// At returns the column of table column i, or nil when it is not projected.
func (cs *Columns) At(i int) Column {
	if i < 0 || i >= len(cs.byTable) {
		return nil
	}
	return cs.byTable[i]
}

// Len is the number of rows decoded since the last Flush.
func (cs *Columns) Len() int {
	if len(cs.list) == 0 {
		return 0
	}
	return cs.list[0].Len()
}

// Flush hands over the rows decoded since the last Flush: it stores each
// projected column's array in cols at the column's position in the block
// schema (the caller releases them) and leaves the other positions alone.
func (cs *Columns) Flush(cols []arrow.Array) {
	for i, c := range cs.list {
		cols[cs.pos[i]] = c.take()
	}
}

// Reserve makes room for about rows more rows, variable-width values at
// the average size of the last Flush.
func (cs *Columns) Reserve(rows int) {
	for _, c := range cs.list {
		c.reserve(rows)
	}
}

// Slow decodes message v with the fallback, into the same columns, when a
// generated decoder's fast path gives up on it (a syntax error, a
// duplicate key): the rows from r on are dropped first, and the fallback's
// verdict becomes st's. The fallback is the reference semantics, so the
// fast path only ever has to handle what it handles exactly.
func (cs *Columns) Slow(st *State, v []byte, r int) bool {
	for _, c := range cs.list {
		c.truncate(r)
	}
	ok := cs.slow.Decode(v)
	st.adopt(&cs.slow.State)
	return ok
}

// Release frees the columns' buffers; the decoder is not used after.
func (cs *Columns) Release() {
	for _, c := range cs.list {
		c.release()
	}
}
