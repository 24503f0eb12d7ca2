package topic

import (
	"strconv"
	"strings"
)

// Format is a message encoding: JSON or CSV.
type Format string

// The message formats a schema document may declare (message.dataFormat, any case).
const (
	JSON Format = "json"
	CSV  Format = "csv"
)

// Kind is the column kind a type name resolves to. Each kind has one Arrow type.
type Kind uint8

// Column kinds, in the order of Java's type table.
const (
	Varchar   Kind = iota // Arrow Utf8
	Boolean               // Arrow Bool
	TinyInt               // Arrow Int8
	SmallInt              // Arrow Int16
	Integer               // Arrow Int32
	BigInt                // Arrow Int64
	Real                  // Arrow Float32
	Double                // Arrow Float64
	Decimal               // Arrow Decimal128(p, s)
	Date                  // Arrow Date32 (days)
	Timestamp             // Arrow Date64 (epoch milliseconds, UTC)
	numKinds
)

var kindNames = [numKinds]string{"VARCHAR", "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "REAL", "DOUBLE", "DECIMAL", "DATE", "TIMESTAMP"}

// String returns the canonical SQL name of the kind.
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Schema is a parsed and validated topic schema document: the table Athena
// sees and everything a decoder needs to fill it.
type Schema struct {
	// TopicName is the Kafka topic, in the case Kafka uses.
	TopicName string
	// Format is JSON or CSV, lower case whatever the document wrote.
	Format Format
	// Delimiter separates CSV fields; ',' unless message.delimiter says
	// otherwise. Zero for JSON.
	Delimiter byte
	// Fields are the data columns in declared order.
	Fields []Field

	// fingerprint is set by FromArrow from the echoed metadata: a projection
	// holds only some fields but still names the full document's fingerprint.
	fingerprint string
}

// Field is one data column.
type Field struct {
	// Name, Mapping, Type and FormatHint are as written in the document.
	Name, Mapping, Type, FormatHint string

	// Kind is what Type resolves to; Precision and Scale are set for Decimal.
	Kind             Kind
	Precision, Scale int32
	// Path is the JSON mapping split into unescaped keys (Mapping, or Name
	// when Mapping is empty). Nil for CSV.
	Path []string
	// Index is the 0-based CSV column. -1 for JSON.
	Index int
	// Time is how Date and Timestamp values are parsed; nil for other kinds.
	Time *TimeFormat
}

// Signature is a canonical one-line description of everything about the
// field that decoding depends on. Equal signatures decode equally.
func (f *Field) Signature() string {
	var b strings.Builder
	b.WriteString(strconv.Quote(f.Name))
	b.WriteByte(' ')
	b.WriteString(f.Kind.String())
	if f.Kind == Decimal {
		b.WriteString("(" + strconv.Itoa(int(f.Precision)) + "," + strconv.Itoa(int(f.Scale)) + ")")
	}
	b.WriteByte(' ')
	if f.Index >= 0 {
		b.WriteString(strconv.Itoa(f.Index))
	} else {
		b.WriteString(strconv.Quote(strings.Join(escapePath(f.Path), "/")))
	}
	if f.Time != nil {
		b.WriteByte(' ')
		b.WriteString(strconv.Quote(f.Time.Canonical()))
	}
	return b.String()
}

func escapePath(p []string) []string {
	out := make([]string, len(p))
	for i, s := range p {
		out[i] = strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
	}
	return out
}

// Metadata column names, appended after the data columns.
const (
	ColPartitionID     = "_partition_id"     // Int32
	ColPartitionOffset = "_partition_offset" // Int64
	ColTimestamp       = "_timestamp"        // Date64, epoch ms
	ColKey             = "_key"              // Utf8
	ColHeaders         = "_headers"          // Utf8, a JSON object
	ColMessage         = "_message"          // Utf8, the raw value
	ColMessageCorrupt  = "_message_corrupt"  // Bool
)

// MetadataColumns lists the metadata column names in schema order.
var MetadataColumns = []string{ColPartitionID, ColPartitionOffset, ColTimestamp, ColKey, ColHeaders, ColMessage, ColMessageCorrupt}

// IsMetadataColumn reports whether name is one of MetadataColumns.
func IsMetadataColumn(name string) bool {
	for _, m := range MetadataColumns {
		if m == name {
			return true
		}
	}
	return false
}

// PlainKey reports whether a JSON key is written the same in every JSON
// text: nothing in it is escaped, or may be (a '/' may be written "\/").
// Decoders match such keys as literal bytes ("key":) before reading keys
// in general.
func PlainKey(k string) bool {
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] >= 0x80 || k[i] == '"' || k[i] == '\\' || k[i] == '/' {
			return false
		}
	}
	return true
}
