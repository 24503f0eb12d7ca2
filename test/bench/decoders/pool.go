package main

import (
	"math/bits"
	"sync"
)

// poolAllocator recycles buffers by power-of-two size class, as a connector
// that builds one block after another can: every Arrow-producing case of the
// benchmark (ours and arrow-go's readers) uses it, so what is measured is
// decoding, not page faults on fresh memory. Allocate returns zeroed memory,
// as memory.GoAllocator does.
type poolAllocator struct {
	classes [48]sync.Pool
}

func class(size int) int { return bits.Len(uint(size - 1)) }

func (p *poolAllocator) Allocate(size int) []byte {
	if size == 0 {
		return nil
	}
	c := class(size)
	if b, ok := p.classes[c].Get().(*[]byte); ok {
		buf := (*b)[:size]
		clear(buf)
		return buf
	}
	return make([]byte, size, 1<<c)
}

func (p *poolAllocator) Reallocate(size int, b []byte) []byte {
	if size <= cap(b) {
		old := len(b)
		b = b[:size]
		if size > old {
			clear(b[old:])
		}
		return b
	}
	nb := p.Allocate(size)
	copy(nb, b)
	p.Free(b)
	return nb
}

func (p *poolAllocator) Free(b []byte) {
	if cap(b) == 0 || cap(b)&(cap(b)-1) != 0 {
		return
	}
	b = b[:cap(b)]
	p.classes[class(cap(b))].Put(&b)
}
