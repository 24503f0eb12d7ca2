package decode

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// Decoder decodes messages into the data columns of the block being built.
type Decoder interface {
	// Decode appends exactly one value to every bound data column. It
	// returns false when the message is corrupt: not one JSON object (or
	// CSV record), in which case every column gets NULL, or a value that
	// does not convert, which gets NULL while the rest of the row is kept.
	// It never panics.
	Decode(value []byte) bool
	// Err describes the first failure of the last Decode, or is nil.
	Err() error
	// Kind is KindGenerated or KindFallback.
	Kind() string
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
	// New makes a decoder. cols holds, per table column, the builder to fill,
	// or nil when the column is not projected; every builder has the
	// column's Arrow type.
	New func(cols []array.Builder) Decoder
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

// binding is one projected data column: its field and its builder.
type binding struct {
	field   *topic.Field
	builder array.Builder
}

func bind(s *topic.Schema, b *array.RecordBuilder) ([]binding, error) {
	var out []binding
	seen := map[*topic.Field]bool{}
	for i, af := range b.Schema().Fields() {
		if topic.IsMetadataColumn(af.Name) {
			continue
		}
		f := findField(s, af.Name)
		if f == nil {
			return nil, fmt.Errorf("%w: %q is not a column of topic %q", ErrColumn, af.Name, s.TopicName)
		}
		if seen[f] {
			return nil, fmt.Errorf("%w: %q is projected twice", ErrColumn, af.Name)
		}
		seen[f] = true
		if !arrow.TypeEqual(af.Type, f.ArrowType()) {
			return nil, fmt.Errorf("%w: %q is %s in the block but %s (%q) in the topic schema", ErrColumn, af.Name, af.Type, f.ArrowType(), f.Type)
		}
		out = append(out, binding{f, b.Field(i)})
	}
	return out, nil
}

func findField(s *topic.Schema, name string) *topic.Field {
	for i := range s.Fields {
		if s.Fields[i].Name == name {
			return &s.Fields[i]
		}
	}
	for i := range s.Fields {
		if strings.EqualFold(s.Fields[i].Name, name) {
			return &s.Fields[i]
		}
	}
	return nil
}

// New returns a decoder that fills the data columns of b (the projected
// request schema: any subset of the table's columns, in any order; metadata
// columns are left to the caller). It uses the generated decoder registered
// for s's fingerprint when every projected column matches it, else the
// fallback, and logs that once per table.
func New(s *topic.Schema, b *array.RecordBuilder) (Decoder, error) {
	binds, err := bind(s, b)
	if err != nil {
		return nil, err
	}
	if g, ok := Registered(s.Fingerprint()); ok && generatedEnabled {
		if cols, ok := generatedCols(g, binds); ok {
			return g.New(cols), nil
		}
	}
	logFallback(s)
	return newFallback(s, binds), nil
}

// NewFallback is New without generated decoders: the reflective fallback,
// whatever is registered. Tests and benchmarks compare the two with it.
func NewFallback(s *topic.Schema, b *array.RecordBuilder) (Decoder, error) {
	binds, err := bind(s, b)
	if err != nil {
		return nil, err
	}
	return newFallback(s, binds), nil
}

// GeneratedEnabled reports whether generated decoders are used at all; the
// nogenerated build tag switches them off.
func GeneratedEnabled() bool { return generatedEnabled }

func generatedCols(g *Generated, binds []binding) ([]array.Builder, bool) {
	cols := make([]array.Builder, len(g.Names))
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
		cols[k] = bd.builder
	}
	return cols, true
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
