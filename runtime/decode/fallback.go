package decode

import (
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// appender converts and appends one value of one column.
type appender func(v []byte, sp Span, st *State, col int) bool

// plan is a schema compiled for the fallback: where each column's value is
// found, and per column a maker that binds its conversion to a builder. It
// is built once per schema and cached.
type plan struct {
	format topic.Format
	delim  byte
	names  []string
	root   *pathNode // JSON
	csvIdx [][]int   // CSV: field index -> columns
	makers []func(array.Builder) appender
}

// pathNode is one key of the JSON mapping paths.
type pathNode struct {
	children map[string]*pathNode
	// keys and nodes list the children in order: a short linear scan of
	// a handful of keys beats hashing every key of every message.
	keys  []string
	nodes []*pathNode
	cols  []int // columns whose path ends here
	under []int // columns whose path continues below
}

// maxScanKeys is how many children a node scans before it hashes.
const maxScanKeys = 16

// child returns the child for key k, or nil.
func (n *pathNode) child(k []byte) *pathNode {
	if len(n.keys) <= maxScanKeys {
		for i, s := range n.keys {
			if len(s) == len(k) && s == string(k) {
				return n.nodes[i]
			}
		}
		return nil
	}
	return n.children[string(k)]
}

var plans sync.Map // content key -> *plan

func planKey(s *topic.Schema) string {
	var b strings.Builder
	b.WriteString(string(s.Format))
	b.WriteByte(s.Delimiter)
	for i := range s.Fields {
		b.WriteByte('\n')
		b.WriteString(s.Fields[i].Signature())
	}
	return b.String()
}

func compile(s *topic.Schema) *plan {
	key := planKey(s)
	if p, ok := plans.Load(key); ok {
		return p.(*plan)
	}
	p := &plan{format: s.Format, delim: s.Delimiter, root: &pathNode{}}
	for i := range s.Fields {
		f := &s.Fields[i]
		p.names = append(p.names, f.Name)
		p.makers = append(p.makers, maker(f))
		if s.Format == topic.CSV {
			for len(p.csvIdx) <= f.Index {
				p.csvIdx = append(p.csvIdx, nil)
			}
			p.csvIdx[f.Index] = append(p.csvIdx[f.Index], i)
			continue
		}
		n := p.root
		for _, k := range f.Path {
			n.under = append(n.under, i)
			if n.children == nil {
				n.children = map[string]*pathNode{}
			}
			c := n.children[k]
			if c == nil {
				c = &pathNode{}
				n.children[k] = c
				n.keys = append(n.keys, k)
				n.nodes = append(n.nodes, c)
			}
			n = c
		}
		n.cols = append(n.cols, i)
	}
	actual, _ := plans.LoadOrStore(key, p)
	return actual.(*plan)
}

// maker binds a column's conversion to its builder: the type assertion
// happens once per decoder, not per value.
func maker(f *topic.Field) func(array.Builder) appender {
	switch f.Kind {
	case topic.Boolean:
		return func(b array.Builder) appender {
			bb := b.(*array.BooleanBuilder)
			return func(v []byte, sp Span, st *State, col int) bool { return AppendBool(bb, v, sp, st, col) }
		}
	case topic.TinyInt:
		return func(b array.Builder) appender {
			bb := b.(*array.Int8Builder)
			return func(v []byte, sp Span, st *State, col int) bool { return AppendInt8(bb, v, sp, st, col) }
		}
	case topic.SmallInt:
		return func(b array.Builder) appender {
			bb := b.(*array.Int16Builder)
			return func(v []byte, sp Span, st *State, col int) bool { return AppendInt16(bb, v, sp, st, col) }
		}
	case topic.Integer:
		return func(b array.Builder) appender {
			bb := b.(*array.Int32Builder)
			return func(v []byte, sp Span, st *State, col int) bool { return AppendInt32(bb, v, sp, st, col) }
		}
	case topic.BigInt:
		return func(b array.Builder) appender {
			bb := b.(*array.Int64Builder)
			return func(v []byte, sp Span, st *State, col int) bool { return AppendInt64(bb, v, sp, st, col) }
		}
	case topic.Real:
		return func(b array.Builder) appender {
			bb := b.(*array.Float32Builder)
			return func(v []byte, sp Span, st *State, col int) bool { return AppendFloat32(bb, v, sp, st, col) }
		}
	case topic.Double:
		return func(b array.Builder) appender {
			bb := b.(*array.Float64Builder)
			return func(v []byte, sp Span, st *State, col int) bool { return AppendFloat64(bb, v, sp, st, col) }
		}
	case topic.Decimal:
		return func(b array.Builder) appender {
			bb := b.(*array.Decimal128Builder)
			return func(v []byte, sp Span, st *State, col int) bool { return AppendDecimal(bb, v, sp, st, col) }
		}
	case topic.Date:
		tp := NewTimeParser(f.Time)
		return func(b array.Builder) appender {
			bb := b.(*array.Date32Builder)
			return func(v []byte, sp Span, st *State, col int) bool { return AppendDate(bb, v, sp, st, col, tp) }
		}
	case topic.Timestamp:
		tp := NewTimeParser(f.Time)
		return func(b array.Builder) appender {
			bb := b.(*array.Date64Builder)
			return func(v []byte, sp Span, st *State, col int) bool { return AppendTimestamp(bb, v, sp, st, col, tp) }
		}
	}
	return func(b array.Builder) appender {
		bb := b.(*array.StringBuilder)
		return func(v []byte, sp Span, st *State, col int) bool { return AppendString(bb, v, sp, st, col) }
	}
}

// fallback decodes any schema through a cached plan.
type fallback struct {
	State
	p     *plan
	apps  []appender // per column; nil when not projected
	spans []Span
	cur   Cursor
	csv   CSV
}

func newFallback(s *topic.Schema, binds []binding) *fallback {
	p := compile(s)
	d := &fallback{p: p, apps: make([]appender, len(p.names)), spans: make([]Span, len(p.names))}
	d.Names = p.names
	for _, bd := range binds {
		for i := range s.Fields {
			if &s.Fields[i] == bd.field {
				d.apps[i] = p.makers[i](bd.builder)
			}
		}
	}
	return d
}

func (d *fallback) Kind() string { return KindFallback }

func (d *fallback) Decode(v []byte) bool {
	d.Begin()
	clear(d.spans)
	if d.p.format == topic.CSV {
		d.csv.Reset(v, d.p.delim)
		for i := 0; ; i++ {
			sp, ok := d.csv.Next()
			if !ok {
				break
			}
			if i < len(d.p.csvIdx) {
				for _, c := range d.p.csvIdx[i] {
					d.spans[c] = sp
				}
			}
		}
		if d.csv.Failed() {
			d.CSVFailed(&d.csv, v)
			return d.nulls()
		}
	} else {
		d.cur.Reset(v)
		d.walk(d.p.root)
		if !d.cur.Finish() {
			d.JSONFailed(&d.cur, v)
			return d.nulls()
		}
	}
	ok := true
	for i, a := range d.apps {
		if a != nil {
			ok = a(v, d.spans[i], &d.State, i) && ok
		}
	}
	return ok
}

// nulls appends NULL to every bound column of a corrupt message.
func (d *fallback) nulls() bool {
	for i, a := range d.apps {
		if a != nil {
			a(nil, Span{}, &d.State, i)
		}
	}
	return false
}

// walk reads the object at the cursor, recording the spans of the columns
// below n. A repeated key replaces everything recorded below it: the last
// duplicate wins.
func (d *fallback) walk(n *pathNode) {
	if !d.cur.Enter() {
		return
	}
	for {
		c := n.child(d.cur.Key())
		switch {
		case c == nil:
			d.cur.Skip()
		case c.children == nil:
			sp := d.cur.Value()
			for _, col := range c.cols {
				d.spans[col] = sp
			}
		default:
			for _, col := range c.under {
				d.spans[col] = Span{}
			}
			var sp Span
			if d.cur.Peek() == '{' {
				start := d.cur.Pos()
				d.walk(c)
				sp = Span{Start: start, End: d.cur.Pos(), Tok: TokObject}
			} else {
				sp = d.cur.Value()
			}
			for _, col := range c.cols {
				d.spans[col] = sp
			}
		}
		if !d.cur.Next() {
			break
		}
	}
}
