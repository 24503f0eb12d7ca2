package decode

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// Decoder decodes messages into the data columns of the blocks being built.
type Decoder interface {
	// Decode appends exactly one value to every projected data column. It
	// returns false when the message is corrupt: not one JSON object (or
	// CSV record), in which case every column gets NULL, or a value that
	// does not convert, which gets NULL while the rest of the row is kept.
	// It never panics.
	Decode(value []byte) bool
	// Err describes the first failure of the last Decode, or is nil.
	Err() error
	// Kind is KindGenerated or KindFallback.
	Kind() string
	// Len is the number of rows decoded since the last Flush.
	Len() int
	// Flush hands over the rows decoded since the last Flush: it stores
	// each projected data column's array in cols at the column's position
	// in the block schema (the caller releases them) and leaves the
	// metadata columns' positions alone.
	Flush(cols []arrow.Array)
	// Reserve makes room for about rows more rows (variable-width values
	// at the average size of the last Flush), so that filling them does
	// not grow buffers.
	Reserve(rows int)
	// Release frees the decoder's buffers; it is not used after.
	Release()
}

// Decoder kinds.
const (
	KindGenerated = "generated"
	KindFallback  = "fallback"
)

// Version is the version of the runtime generated code is written against.
// Generated files check at compile time that MinVersion <= their version <=
// MaxVersion through EnforceVersion, whose unsigned type makes an out of
// range constant a compile error.
const (
	Version    = 1
	MinVersion = 1
	MaxVersion = 1
)

// EnforceVersion is used by generated code: EnforceVersion(v - MinVersion)
// and EnforceVersion(MaxVersion - v) only compile while v is supported.
type EnforceVersion uint

// Generated describes a generated decoder; generated code registers one per
// table from an init function.
type Generated struct {
	// Fingerprint is topic.Schema.Fingerprint of the document it was made from.
	Fingerprint string
	// Table names the source, for logs.
	Table string
	// Names and Signatures describe the table's columns in order
	// (topic.Field.Name and Signature).
	Names, Signatures []string
	// New makes a decoder filling cols: cols.At(i) is the column of table
	// column i, or nil when it is not projected.
	New func(cols *Columns) Decoder
}

var registry = struct {
	sync.RWMutex
	byFingerprint map[string]*Generated
	logged        map[string]bool
}{byFingerprint: map[string]*Generated{}, logged: map[string]bool{}}

// Register adds a generated decoder. The first registration of a
// fingerprint wins (equal fingerprints decode equally).
func Register(g *Generated) {
	registry.Lock()
	defer registry.Unlock()
	if _, ok := registry.byFingerprint[g.Fingerprint]; !ok {
		registry.byFingerprint[g.Fingerprint] = g
	}
}

// Registered returns the generated decoder registered for a fingerprint.
func Registered(fingerprint string) (*Generated, bool) {
	registry.RLock()
	defer registry.RUnlock()
	g, ok := registry.byFingerprint[fingerprint]
	return g, ok
}

// ErrColumn is wrapped by New's errors about the builder's columns.
var ErrColumn = errors.New("decode: column does not match the topic schema")

// binding is one projected data column: its field and its position in the
// block schema.
type binding struct {
	field *topic.Field
	index int // in s.Fields
	pos   int
}

func bind(s *topic.Schema, block *arrow.Schema) ([]binding, error) {
	var out []binding
	seen := map[*topic.Field]bool{}
	for i, af := range block.Fields() {
		if topic.IsMetadataColumn(af.Name) {
			continue
		}
		k := findField(s, af.Name)
		if k < 0 {
			return nil, fmt.Errorf("%w: %q is not a column of topic %q", ErrColumn, af.Name, s.TopicName)
		}
		f := &s.Fields[k]
		if seen[f] {
			return nil, fmt.Errorf("%w: %q is projected twice", ErrColumn, af.Name)
		}
		seen[f] = true
		if !arrow.TypeEqual(af.Type, f.ArrowType()) {
			return nil, fmt.Errorf("%w: %q is %s in the block but %s (%q) in the topic schema", ErrColumn, af.Name, af.Type, f.ArrowType(), f.Type)
		}
		out = append(out, binding{f, k, i})
	}
	return out, nil
}

func findField(s *topic.Schema, name string) int {
	for i := range s.Fields {
		if s.Fields[i].Name == name {
			return i
		}
	}
	for i := range s.Fields {
		if strings.EqualFold(s.Fields[i].Name, name) {
			return i
		}
	}
	return -1
}

// New returns a decoder that fills the data columns of block (the
// projected request schema: any subset of the table's columns, in any
// order; metadata columns are left to the caller) with buffers from mem.
// It uses the generated decoder registered for s's fingerprint when every
// projected column matches it, else the fallback, and logs that once per
// table.
func New(s *topic.Schema, block *arrow.Schema, mem memory.Allocator) (Decoder, error) {
	binds, err := bind(s, block)
	if err != nil {
		return nil, err
	}
	if g, ok := Registered(s.Fingerprint()); ok && generatedEnabled {
		if cols, ok := generatedCols(g, binds, mem); ok {
			// The fallback that takes the messages the fast path gives up
			// on fills the same columns, found by its own column numbers.
			view := &Columns{byTable: make([]Column, len(s.Fields))}
			for i, bd := range binds {
				view.byTable[bd.index] = cols.list[i]
			}
			cols.slow = newFallback(s, view)
			return g.New(cols), nil
		}
	}
	logFallback(s)
	return newFallback(s, newColumns(s, binds, mem)), nil
}

// NewFallback is New without generated decoders: the reflective fallback,
// whatever is registered. Tests and benchmarks compare the two with it.
func NewFallback(s *topic.Schema, block *arrow.Schema, mem memory.Allocator) (Decoder, error) {
	binds, err := bind(s, block)
	if err != nil {
		return nil, err
	}
	return newFallback(s, newColumns(s, binds, mem)), nil
}

// newColumns makes the columns of the bound fields, indexed by their
// position in s.
func newColumns(s *topic.Schema, binds []binding, mem memory.Allocator) *Columns {
	cs := &Columns{byTable: make([]Column, len(s.Fields))}
	for _, bd := range binds {
		c := NewColumn(bd.field, mem)
		cs.byTable[bd.index] = c
		cs.list = append(cs.list, c)
		cs.pos = append(cs.pos, bd.pos)
	}
	return cs
}

// GeneratedEnabled reports whether generated decoders are used at all; the
// nogenerated build tag switches them off.
func GeneratedEnabled() bool { return generatedEnabled }

func generatedCols(g *Generated, binds []binding, mem memory.Allocator) (*Columns, bool) {
	cs := &Columns{byTable: make([]Column, len(g.Names))}
	for _, bd := range binds {
		k := -1
		for j, n := range g.Names {
			if n == bd.field.Name {
				k = j
				break
			}
		}
		if k < 0 || g.Signatures[k] != bd.field.Signature() {
			return nil, false
		}
		c := NewColumn(bd.field, mem)
		cs.byTable[k] = c
		cs.list = append(cs.list, c)
		cs.pos = append(cs.pos, bd.pos)
	}
	return cs, true
}

func logFallback(s *topic.Schema) {
	key := s.TopicName + "\x00" + s.Fingerprint()
	registry.Lock()
	first := !registry.logged[key]
	registry.logged[key] = true
	registry.Unlock()
	if first {
		slog.Info("decode: no generated decoder for this schema; using the fallback (run go generate and redeploy to get one)",
			"topic", s.TopicName, "fingerprint", s.Fingerprint())
	}
}

// Record flushes d into a record of block, the schema d was made for; its
// metadata columns, which d does not fill, are all NULL. Tests, tools and
// benchmarks read decoders with it; the connector fills the metadata.
func Record(d Decoder, block *arrow.Schema, mem memory.Allocator) arrow.RecordBatch {
	rows := d.Len()
	cols := make([]arrow.Array, block.NumFields())
	d.Flush(cols)
	for i, f := range block.Fields() {
		if cols[i] == nil {
			cols[i] = array.MakeArrayOfNull(mem, f.Type, rows)
		}
	}
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	return array.NewRecordBatch(block, cols, int64(rows))
}
