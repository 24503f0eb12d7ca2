package topic

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// node is a JSON value of the schema document with the byte offset where it
// starts, so problems can point at a line and column.
type node struct {
	off     int
	kind    byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	str     string
	keys    []string
	keyOffs []int
	vals    []*node
	bval    bool
}

func (n *node) get(key string) *node {
	if n == nil || n.kind != 'o' {
		return nil
	}
	var v *node
	for i, k := range n.keys {
		if k == key {
			v = n.vals[i] // the last duplicate wins, as in Jackson
		}
	}
	return v
}

func parseTree(doc []byte) (*node, int, error) {
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	start := func() int {
		off := int(d.InputOffset())
		for off < len(doc) && (doc[off] == ' ' || doc[off] == '\t' || doc[off] == '\n' || doc[off] == '\r' || doc[off] == ':' || doc[off] == ',') {
			off++
		}
		return off
	}
	var value func() (*node, error)
	value = func() (*node, error) {
		off := start()
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		n := &node{off: off}
		switch t := tok.(type) {
		case json.Delim:
			if t == '{' {
				n.kind = 'o'
				for d.More() {
					koff := start()
					kt, err := d.Token()
					if err != nil {
						return nil, err
					}
					v, err := value()
					if err != nil {
						return nil, err
					}
					n.keys = append(n.keys, kt.(string))
					n.keyOffs = append(n.keyOffs, koff)
					n.vals = append(n.vals, v)
				}
			} else {
				n.kind = 'a'
				for d.More() {
					v, err := value()
					if err != nil {
						return nil, err
					}
					n.vals = append(n.vals, v)
				}
			}
			if _, err := d.Token(); err != nil {
				return nil, err
			}
		case string:
			n.kind, n.str = 's', t
		case json.Number:
			n.kind, n.str = 'n', string(t)
		case bool:
			n.kind, n.bval = 'b', t
		case nil:
			n.kind = 'z'
		}
		return n, nil
	}
	root, err := value()
	if err != nil {
		off := int(d.InputOffset())
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = int(se.Offset)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = errors.New("unexpected end of document")
			off = len(doc)
		}
		return nil, off, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, start(), errors.New("text after the document")
	}
	return root, 0, nil
}

// position turns a byte offset into a 1-based line and column.
func position(doc []byte, off int) (line, col int) {
	if off > len(doc) {
		off = len(doc)
	}
	if off < 0 {
		off = 0
	}
	line = 1 + bytes.Count(doc[:off], []byte("\n"))
	col = off - bytes.LastIndexByte(doc[:off], '\n')
	return line, col
}
