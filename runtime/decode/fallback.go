package decode

import (
	"strconv"
	"strings"
	"sync"

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
	makers []func(Column) appender
}

// pathNode is one key of the JSON mapping paths.
type pathNode struct {
	children map[string]*pathNode
	// keys and nodes list the children in order: a short linear scan of
	// a handful of keys beats hashing every key of every message.
	keys  []string
	nodes []*pathNode
	// lits are the keys as they are written before their values
	// ("key":), tried in order before a key is read in general: producers
	// nearly always write keys in the same order. "" for a key that can be
	// written in more than one way (escapes).
	lits  []string
	index int   // among its parent's children
	cols  []int // columns whose path ends here
	under []int // columns whose path continues below
}

// maxScanKeys is how many children a node scans before it hashes.
const maxScanKeys = 16

// child returns the child for key k, or nil.
func (n *pathNode) child(k []byte) (*pathNode, int) {
	if len(n.keys) <= maxScanKeys {
		for i, s := range n.keys {
			if len(s) == len(k) && s == string(k) {
				return n.nodes[i], i
			}
		}
		return nil, -1
	}
	c := n.children[string(k)]
	if c == nil {
		return nil, -1
	}
	return c, c.index
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
				c.index = len(n.keys)
				n.keys = append(n.keys, k)
				lit := ""
				if topic.PlainKey(k) {
					lit = strconv.Quote(k) + ":"
				}
				n.lits = append(n.lits, lit)
				n.nodes = append(n.nodes, c)
			}
			n = c
		}
		n.cols = append(n.cols, i)
	}
	actual, _ := plans.LoadOrStore(key, p)
	return actual.(*plan)
}

// maker binds a column's conversion to its column: the type assertion
// happens once per decoder, not per value.
func maker(f *topic.Field) func(Column) appender {
	switch f.Kind {
	case topic.Boolean:
		return func(c Column) appender {
			cc := c.(*BoolColumn)
			return func(v []byte, sp Span, st *State, col int) bool { return AppendBool(cc, v, sp, st, col) }
		}
	case topic.TinyInt:
		return func(c Column) appender {
			cc := c.(*Int8Column)
			return func(v []byte, sp Span, st *State, col int) bool { return AppendInt8(cc, v, sp, st, col) }
		}
	case topic.SmallInt:
		return func(c Column) appender {
			cc := c.(*Int16Column)
			return func(v []byte, sp Span, st *State, col int) bool { return AppendInt16(cc, v, sp, st, col) }
		}
	case topic.Integer:
		return func(c Column) appender {
			cc := c.(*Int32Column)
			return func(v []byte, sp Span, st *State, col int) bool { return AppendInt32(cc, v, sp, st, col) }
		}
	case topic.BigInt:
		return func(c Column) appender {
			cc := c.(*Int64Column)
			return func(v []byte, sp Span, st *State, col int) bool { return AppendInt64(cc, v, sp, st, col) }
		}
	case topic.Real:
		return func(c Column) appender {
			cc := c.(*Float32Column)
			return func(v []byte, sp Span, st *State, col int) bool { return AppendFloat32(cc, v, sp, st, col) }
		}
	case topic.Double:
		return func(c Column) appender {
			cc := c.(*Float64Column)
			return func(v []byte, sp Span, st *State, col int) bool { return AppendFloat64(cc, v, sp, st, col) }
		}
	case topic.Decimal:
		return func(c Column) appender {
			cc := c.(*DecimalColumn)
			return func(v []byte, sp Span, st *State, col int) bool { return AppendDecimal(cc, v, sp, st, col) }
		}
	case topic.Date:
		tp := NewTimeParser(f.Time)
		return func(c Column) appender {
			cc := c.(*Date32Column)
			return func(v []byte, sp Span, st *State, col int) bool { return AppendDate(cc, v, sp, st, col, tp) }
		}
	case topic.Timestamp:
		tp := NewTimeParser(f.Time)
		return func(c Column) appender {
			cc := c.(*Date64Column)
			return func(v []byte, sp Span, st *State, col int) bool { return AppendTimestamp(cc, v, sp, st, col, tp) }
		}
	}
	return func(c Column) appender {
		cc := c.(*StringColumn)
		return func(v []byte, sp Span, st *State, col int) bool { return AppendString(cc, v, sp, st, col) }
	}
}

// fallback decodes any schema through a cached plan.
type fallback struct {
	State
	*Columns
	p     *plan
	apps  []appender // per column; nil when not projected
	spans []Span
	cur   Cursor
	csv   CSV
}

func newFallback(s *topic.Schema, cols *Columns) *fallback {
	p := compile(s)
	d := &fallback{Columns: cols, p: p, apps: make([]appender, len(p.names)), spans: make([]Span, len(p.names))}
	d.Names = p.names
	for i := range p.names {
		if c := cols.At(i); c != nil {
			d.apps[i] = p.makers[i](c)
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
	next := 0
	for {
		var c *pathNode
		if next < len(n.lits) && n.lits[next] != "" && d.cur.Lit(n.lits[next]) {
			c = n.nodes[next]
			next++
		} else {
			var i int
			c, i = n.child(d.cur.Key())
			next = i + 1
		}
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
