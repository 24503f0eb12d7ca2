package federation

import (
	"encoding/binary"
	"errors"
)

// checkMessage verifies the flatbuffer structure of one IPC message before
// arrow-go reads it. arrow-go trusts the vector lengths of the metadata and
// allocates by them, so a corrupt or hostile payload could make it allocate
// terabytes; this walk checks every table, vector and string of a Schema or
// RecordBatch message lies inside the message, limits nesting, and refuses
// compressed bodies (Arrow Java never compresses, and decompression sizes
// come from the untrusted body).
func checkMessage(b []byte) error {
	var meta []byte
	switch {
	case len(b) < 4:
		return errFB
	case isModern(b):
		if len(b) < 8 {
			return errFB
		}
		meta = b[8:]
		b = b[4:]
	default:
		meta = b[4:]
	}
	l := int64(binary.LittleEndian.Uint32(b))
	if l > int64(len(meta)) {
		return errors.New("message metadata longer than the payload")
	}
	f := fb(meta[:l])
	msg, ok := f.root()
	if !ok {
		return errFB
	}
	if !f.vectorOfTables(msg, 4, f.keyValue) {
		return errFB
	}
	header, ok := f.table(msg, 2)
	if !ok {
		return errFB
	}
	switch f.u8(msg, 1) {
	case 1: // Schema
		if header < 0 || !f.checkSchema(header) {
			return errFB
		}
	case 3: // RecordBatch
		if header < 0 || !f.vector(header, 1, 16) || !f.vector(header, 2, 16) || !f.vector(header, 4, 8) {
			return errFB
		}
		if f.offset(header, 3) >= 0 {
			return errors.New("compressed record batches are not supported")
		}
	default:
		return errors.New("not a Schema or RecordBatch message")
	}
	return nil
}

var errFB = errors.New("corrupt message metadata")

const maxFieldDepth = 64

// fb is a flatbuffer; positions are byte offsets, -1 means absent.
type fb []byte

func (f fb) u32(pos int64) (int64, bool) {
	if pos < 0 || pos+4 > int64(len(f)) {
		return 0, false
	}
	return int64(binary.LittleEndian.Uint32(f[pos:])), true
}

func (f fb) root() (int64, bool) {
	p, ok := f.u32(0)
	if !ok || !f.isTable(p) {
		return -1, false
	}
	return p, true
}

// isTable checks the table at pos and its vtable.
func (f fb) isTable(pos int64) bool {
	so, ok := f.u32(pos)
	if !ok {
		return false
	}
	vt := pos - int64(int32(uint32(so)))
	if vt < 0 || vt+4 > int64(len(f)) {
		return false
	}
	vsize := int64(binary.LittleEndian.Uint16(f[vt:]))
	tsize := int64(binary.LittleEndian.Uint16(f[vt+2:]))
	if vsize < 4 || vsize%2 != 0 || vt+vsize > int64(len(f)) || pos+tsize > int64(len(f)) {
		return false
	}
	for i := int64(4); i < vsize; i += 2 {
		if off := int64(binary.LittleEndian.Uint16(f[vt+i:])); off != 0 && off+1 > tsize {
			return false
		}
	}
	return true
}

// field gives the position of field i of the table at pos, -1 if absent.
func (f fb) field(pos int64, i int) int64 {
	so, _ := f.u32(pos)
	vt := pos - int64(int32(uint32(so)))
	vsize := int64(binary.LittleEndian.Uint16(f[vt:]))
	at := 4 + 2*int64(i)
	if at+2 > vsize {
		return -1
	}
	off := int64(binary.LittleEndian.Uint16(f[vt+at:]))
	if off == 0 {
		return -1
	}
	return pos + off
}

func (f fb) u8(pos int64, i int) byte {
	if p := f.field(pos, i); p >= 0 && p < int64(len(f)) {
		return f[p]
	}
	return 0
}

// offset follows the offset field i of the table at pos: -1 if absent,
// -2 if it points outside the buffer.
func (f fb) offset(pos int64, i int) int64 {
	p := f.field(pos, i)
	if p < 0 {
		return -1
	}
	u, ok := f.u32(p)
	if !ok || p+u >= int64(len(f)) {
		return -2
	}
	return p + u
}

// table follows field i to a table; ok is false when it is corrupt.
func (f fb) table(pos int64, i int) (int64, bool) {
	t := f.offset(pos, i)
	if t == -1 {
		return -1, true
	}
	return t, t >= 0 && f.isTable(t)
}

// vectorAt checks a vector of n elements of size each at v.
func (f fb) vectorAt(v, size int64) (n int64, ok bool) {
	n, ok = f.u32(v)
	return n, ok && v+4+n*size <= int64(len(f))
}

// vector checks the (optional) vector field i of scalars or structs.
func (f fb) vector(pos int64, i int, size int64) bool {
	v := f.offset(pos, i)
	if v == -1 {
		return true
	}
	_, ok := f.vectorAt(v, size)
	return v >= 0 && ok
}

// vectorOfTables checks the (optional) vector field i of tables, each with check.
func (f fb) vectorOfTables(pos int64, i int, check func(int64) bool) bool {
	v := f.offset(pos, i)
	if v == -1 {
		return true
	}
	n, ok := f.vectorAt(v, 4)
	if v < 0 || !ok {
		return false
	}
	for j := int64(0); j < n; j++ {
		e := v + 4 + 4*j
		u, _ := f.u32(e)
		if !f.isTable(e+u) || !check(e+u) {
			return false
		}
	}
	return true
}

func (f fb) keyValue(t int64) bool { return f.vector(t, 0, 1) && f.vector(t, 1, 1) }

func (f fb) checkSchema(s int64) bool {
	return f.vectorOfTables(s, 1, func(t int64) bool { return f.checkField(t, 0) }) &&
		f.vectorOfTables(s, 2, f.keyValue) && f.vector(s, 3, 8)
}

// checkField checks a Field: name, type table (its strings and vectors),
// dictionary, children, metadata.
func (f fb) checkField(t int64, depth int) bool {
	if depth > maxFieldDepth || !f.vector(t, 0, 1) {
		return false
	}
	typ, ok := f.table(t, 3)
	if !ok {
		return false
	}
	switch f.u8(t, 2) {
	case 10: // Timestamp: timezone string
		if typ >= 0 && !f.vector(typ, 1, 1) {
			return false
		}
	case 14: // Union: typeIds int32 vector
		if typ >= 0 && !f.vector(typ, 1, 4) {
			return false
		}
	}
	dict, ok := f.table(t, 4)
	if !ok {
		return false
	}
	if dict >= 0 {
		if _, ok := f.table(dict, 1); !ok {
			return false
		}
	}
	return f.vectorOfTables(t, 5, func(c int64) bool { return f.checkField(c, depth+1) }) &&
		f.vectorOfTables(t, 6, f.keyValue)
}
