package federation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// node is one JSON value of a parsed document. Objects keep their member
// order: maps such as split properties and the constraint summary are
// order-carrying on the wire.
type node struct {
	kind byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	text string
	b    bool
	obj  []member
	arr  []*node
}

type member struct {
	key string
	val *node
}

var nullNode = &node{kind: 'z'}

// parseJSON reads one JSON value; anything after it is ignored, as Jackson
// does when it reads a single value from a stream.
func parseJSON(data []byte) (*node, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	n, err := parseValue(d)
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("federation: malformed JSON: %w", err)
	}
	return n, nil
}

func parseValue(d *json.Decoder) (*node, error) {
	t, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t := t.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &node{kind: 'o'}
			for d.More() {
				kt, err := d.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := parseValue(d)
				if err != nil {
					return nil, err
				}
				n.obj = append(n.obj, member{k, v})
			}
			if _, err := d.Token(); err != nil {
				return nil, err
			}
			return n, nil
		case '[':
			n := &node{kind: 'a'}
			for d.More() {
				v, err := parseValue(d)
				if err != nil {
					return nil, err
				}
				n.arr = append(n.arr, v)
			}
			if _, err := d.Token(); err != nil {
				return nil, err
			}
			return n, nil
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case string:
		return &node{kind: 's', text: t}, nil
	case json.Number:
		return &node{kind: 'n', text: string(t)}, nil
	case bool:
		return &node{kind: 'b', b: t}, nil
	case nil:
		return nullNode, nil
	}
	return nil, fmt.Errorf("unexpected token %v", t)
}

func (n *node) get(key string) *node {
	if n == nil || n.kind != 'o' {
		return nil
	}
	for _, m := range n.obj {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

func (n *node) has(key string) bool { return n.get(key) != nil }

func kindName(n *node) string {
	switch n.kind {
	case 'o':
		return "an object"
	case 'a':
		return "an array"
	case 's':
		return "a string"
	case 'n':
		return "a number"
	case 'b':
		return "a boolean"
	}
	return "null"
}

// reader extracts typed values from a parsed document. The first problem is
// kept (sticky) together with its JSON path; later calls return zero values.
type reader struct {
	err error
	o   *options

	hint    Version // highest version implied by the shape, 0 if none
	framing Version // V2 legacy or V3 modern framing of the first Arrow payload, 0 if none
}

func (r *reader) failf(path, format string, args ...any) {
	if r.err == nil {
		r.err = &Error{Type: ConnectorException, Message: "federation: " + path + ": " + fmt.Sprintf(format, args...)}
	}
}

func (r *reader) noteVersion(v Version) {
	if v > r.hint {
		r.hint = v
	}
}

// field returns the member key of object n; when it is absent and required
// it fails and returns a null node so that callers can go on.
func (r *reader) field(n *node, path, key string) *node {
	v := n.get(key)
	if v == nil {
		r.failf(path, "missing field %q", key)
		return nullNode
	}
	return v
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func (r *reader) object(n *node, path string) *node {
	if n.kind != 'o' {
		r.failf(path, "want an object, got %s", kindName(n))
		return &node{kind: 'o'}
	}
	return n
}

// str reads a string; null reads as "".
func (r *reader) str(n *node, path string) string {
	switch n.kind {
	case 's':
		return n.text
	case 'z':
		return ""
	}
	r.failf(path, "want a string, got %s", kindName(n))
	return ""
}

func (r *reader) strPtr(n *node, path string) *string {
	if n == nil || n.kind == 'z' {
		return nil
	}
	s := r.str(n, path)
	return &s
}

// int reads an integer given as a JSON number or as a string holding one
// (Java reads the block sizes with getValueAsString).
func (r *reader) int(n *node, path string) int64 {
	switch n.kind {
	case 'n', 's':
		t := strings.TrimSpace(n.text)
		i, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			f, ferr := strconv.ParseFloat(t, 64)
			if ferr != nil || f != float64(int64(f)) {
				r.failf(path, "want an integer, got %q", n.text)
				return 0
			}
			i = int64(f)
		}
		return i
	}
	r.failf(path, "want an integer, got %s", kindName(n))
	return 0
}

func (r *reader) boolean(n *node, path string) bool {
	switch n.kind {
	case 'b':
		return n.b
	case 's':
		if b, err := strconv.ParseBool(n.text); err == nil {
			return b
		}
	}
	r.failf(path, "want a boolean, got %s", kindName(n))
	return false
}

func (r *reader) array(n *node, path string) []*node {
	switch n.kind {
	case 'a':
		return n.arr
	case 'z':
		return nil
	}
	r.failf(path, "want an array, got %s", kindName(n))
	return nil
}

func (r *reader) strings(n *node, path string) []string {
	arr := r.array(n, path)
	out := make([]string, 0, len(arr))
	for i, e := range arr {
		out = append(out, r.str(e, index(path, i)))
	}
	return out
}

func (r *reader) smap(n *node, path string) Map {
	switch n.kind {
	case 'z':
		return nil
	case 'o':
		out := make(Map, 0, len(n.obj))
		for _, m := range n.obj {
			out = append(out, KV{m.key, r.str(m.val, join(path, m.key))})
		}
		return out
	}
	r.failf(path, "want an object, got %s", kindName(n))
	return nil
}

// typeName returns the "@type" of n, failing if there is none.
func (r *reader) typeName(n *node, path string) string {
	if n.kind != 'o' {
		r.failf(path, "want an object with \"@type\", got %s", kindName(n))
		return ""
	}
	t := n.get("@type")
	if t == nil {
		r.failf(path, "missing field \"@type\"")
		return ""
	}
	return r.str(t, join(path, "@type"))
}
