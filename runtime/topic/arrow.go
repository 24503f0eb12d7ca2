package topic

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// Keys of the Arrow field and schema metadata Athena echoes back.
const (
	MetaMapping     = "mapping"
	MetaType        = "type"
	MetaFormatHint  = "formatHint"
	MetaDataFormat  = "dataFormat"
	MetaTopic       = "topic"
	MetaRegistry    = "glueRegistryName"
	MetaSchemaName  = "glueSchemaName"
	MetaFingerprint = "fingerprint"
	MetaDelimiter   = "delimiter"
)

// ArrowOptions says what Arrow adds around the data columns.
type ArrowOptions struct {
	// Registry and SchemaName are written as glueRegistryName and
	// glueSchemaName (default "": written empty, as Java writes what it has).
	Registry, SchemaName string
	// NoMetadataColumns leaves out _partition_id ... _message_corrupt
	// (default false: they are appended after the data columns).
	NoMetadataColumns bool
}

// ArrowType is the Arrow type of a data column.
func (f *Field) ArrowType() arrow.DataType {
	switch f.Kind {
	case Boolean:
		return arrow.FixedWidthTypes.Boolean
	case TinyInt:
		return arrow.PrimitiveTypes.Int8
	case SmallInt:
		return arrow.PrimitiveTypes.Int16
	case Integer:
		return arrow.PrimitiveTypes.Int32
	case BigInt:
		return arrow.PrimitiveTypes.Int64
	case Real:
		return arrow.PrimitiveTypes.Float32
	case Double:
		return arrow.PrimitiveTypes.Float64
	case Decimal:
		return &arrow.Decimal128Type{Precision: f.Precision, Scale: f.Scale}
	case Date:
		return arrow.FixedWidthTypes.Date32
	case Timestamp:
		return arrow.FixedWidthTypes.Date64
	}
	return arrow.BinaryTypes.String
}

// MetadataField returns the Arrow field of a metadata column, and false for
// other names.
func MetadataField(name string) (arrow.Field, bool) {
	var t arrow.DataType
	switch name {
	case ColPartitionID:
		t = arrow.PrimitiveTypes.Int32
	case ColPartitionOffset:
		t = arrow.PrimitiveTypes.Int64
	case ColTimestamp:
		t = arrow.FixedWidthTypes.Date64
	case ColKey, ColHeaders, ColMessage:
		t = arrow.BinaryTypes.String
	case ColMessageCorrupt:
		t = arrow.FixedWidthTypes.Boolean
	default:
		return arrow.Field{}, false
	}
	return arrow.Field{Name: name, Type: t, Nullable: true}, true
}

// Arrow is the table Athena sees: the data columns (nullable, with field
// metadata mapping, type and formatHint, as Java) and then the metadata
// columns; schema metadata dataFormat, topic, glueRegistryName,
// glueSchemaName, fingerprint (and delimiter for CSV).
func (s *Schema) Arrow(opts ArrowOptions) *arrow.Schema {
	fields := make([]arrow.Field, 0, len(s.Fields)+len(MetadataColumns))
	for i := range s.Fields {
		f := &s.Fields[i]
		md := arrow.NewMetadata([]string{MetaMapping, MetaFormatHint, MetaType}, []string{f.Mapping, f.FormatHint, f.Type})
		fields = append(fields, arrow.Field{Name: f.Name, Type: f.ArrowType(), Nullable: true, Metadata: md})
	}
	if !opts.NoMetadataColumns {
		for _, m := range MetadataColumns {
			af, _ := MetadataField(m)
			fields = append(fields, af)
		}
	}
	keys := []string{MetaDataFormat, MetaTopic, MetaRegistry, MetaSchemaName, MetaFingerprint}
	vals := []string{string(s.Format), s.TopicName, opts.Registry, opts.SchemaName, s.Fingerprint()}
	if s.Format == CSV {
		keys = append(keys, MetaDelimiter)
		vals = append(vals, string(s.Delimiter))
	}
	md := arrow.NewMetadata(keys, vals)
	return arrow.NewSchema(fields, &md)
}

// Fingerprint identifies everything about the schema that decoding depends
// on (format, delimiter, and each field's Signature in order); the topic
// name is not part of it. For a schema from FromArrow it is the fingerprint
// echoed in the metadata, which names the full document even when Athena
// sent a projection.
func (s *Schema) Fingerprint() string {
	if s.fingerprint != "" {
		return s.fingerprint
	}
	h := sha256.New()
	fmt.Fprintf(h, "athena-kafka schema v1\nformat %s\ndelimiter %q\n", s.Format, s.Delimiter)
	for i := range s.Fields {
		fmt.Fprintf(h, "field %s\n", s.Fields[i].Signature())
	}
	return "v1-" + hex.EncodeToString(h.Sum(nil)[:16])
}

// ErrNoTopicMetadata is returned by FromArrow for a schema that does not
// carry the metadata Arrow writes (for example one built by hand).
var ErrNoTopicMetadata = errors.New("topic: the Arrow schema has no dataFormat metadata")

// FromArrow rebuilds the model from the metadata Athena echoes back in
// ReadRecords: schema metadata dataFormat (and delimiter, topic,
// fingerprint), and per data column mapping, type and formatHint. The schema
// may be a projection; metadata columns are skipped.
func FromArrow(as *arrow.Schema) (*Schema, error) {
	md := as.Metadata()
	df, ok := metaGet(md, MetaDataFormat)
	if !ok {
		return nil, ErrNoTopicMetadata
	}
	s := &Schema{}
	s.TopicName, _ = metaGet(md, MetaTopic)
	s.fingerprint, _ = metaGet(md, MetaFingerprint)
	var probs []Problem
	switch Format(strings.ToLower(strings.TrimSpace(df))) {
	case JSON:
		s.Format = JSON
	case CSV:
		s.Format = CSV
		s.Delimiter = ','
		if d, ok := metaGet(md, MetaDelimiter); ok && len(d) == 1 {
			s.Delimiter = d[0]
		}
	default:
		probs = append(probs, Problem{Msg: fmt.Sprintf("dataFormat %q is not supported; use \"json\" or \"csv\"", df)})
	}
	p := &parser{}
	for _, af := range as.Fields() {
		if IsMetadataColumn(af.Name) {
			continue
		}
		fn := &node{kind: 'o', keys: []string{"name"}, vals: []*node{{kind: 's', str: af.Name}}}
		for _, k := range []string{MetaMapping, MetaType, MetaFormatHint} {
			if v, ok := metaGet(af.Metadata, k); ok {
				fn.keys = append(fn.keys, k)
				fn.vals = append(fn.vals, &node{kind: 's', str: v})
			}
		}
		f, ok := p.field(s.Format, fn, "column "+af.Name)
		if ok && !arrow.TypeEqual(f.ArrowType(), af.Type) {
			p.probs = append(p.probs, Problem{Field: af.Name, Msg: fmt.Sprintf("Arrow type %s does not match type %q (%s)", af.Type, f.Type, f.ArrowType())})
			ok = false
		}
		if ok {
			s.Fields = append(s.Fields, f)
		}
	}
	probs = append(probs, p.probs...)
	for i := range probs {
		probs[i].Line, probs[i].Column = 0, 0
	}
	if len(probs) > 0 {
		return nil, &Error{Problems: probs}
	}
	return s, nil
}

func metaGet(md arrow.Metadata, key string) (string, bool) {
	i := md.FindKey(key)
	if i < 0 {
		return "", false
	}
	return md.Values()[i], true
}
