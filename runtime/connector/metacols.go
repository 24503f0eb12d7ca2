package connector

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/athena-kafka/athena-kafka/runtime/kafka"
	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// metaAppender fills the projected metadata columns of a row.
type metaAppender struct {
	partition *array.Int32Builder
	offset    *array.Int64Builder
	timestamp *array.Date64Builder
	key       *array.StringBuilder
	headers   *array.StringBuilder
	message   *array.StringBuilder
	corrupt   *array.BooleanBuilder
	buf       []byte
}

func newMetaAppender(schema *arrow.Schema, builders []array.Builder) *metaAppender {
	m := &metaAppender{}
	for i, f := range schema.Fields() {
		b := builders[i]
		switch f.Name {
		case topic.ColPartitionID:
			m.partition, _ = b.(*array.Int32Builder)
		case topic.ColPartitionOffset:
			m.offset, _ = b.(*array.Int64Builder)
		case topic.ColTimestamp:
			m.timestamp, _ = b.(*array.Date64Builder)
		case topic.ColKey:
			m.key, _ = b.(*array.StringBuilder)
		case topic.ColHeaders:
			m.headers, _ = b.(*array.StringBuilder)
		case topic.ColMessage:
			m.message, _ = b.(*array.StringBuilder)
		case topic.ColMessageCorrupt:
			m.corrupt, _ = b.(*array.BooleanBuilder)
		}
	}
	return m
}

func (m *metaAppender) append(r *kafka.Record, corrupt bool) {
	if m.partition != nil {
		m.partition.Append(r.Partition)
	}
	if m.offset != nil {
		m.offset.Append(r.Offset)
	}
	if m.timestamp != nil {
		m.timestamp.Append(arrow.Date64(r.Timestamp))
	}
	if m.key != nil {
		if r.Key == nil {
			m.key.AppendNull()
		} else {
			m.key.BinaryBuilder.Append(r.Key)
		}
	}
	if m.headers != nil {
		m.buf = appendHeaders(m.buf[:0], r.Headers)
		m.headers.BinaryBuilder.Append(m.buf)
	}
	if m.message != nil {
		m.message.BinaryBuilder.Append(r.Value)
	}
	if m.corrupt != nil {
		m.corrupt.Append(corrupt)
	}
}

// appendHeaders writes headers as a JSON object in record order; a key that
// repeats maps to an array of its values; a null value is JSON null.
func appendHeaders(b []byte, hs []kafka.Header) []byte {
	b = append(b, '{')
	for i, h := range hs {
		seen := false
		for _, p := range hs[:i] {
			if string(p.Key) == string(h.Key) {
				seen = true
				break
			}
		}
		if seen {
			continue
		}
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = appendJSONString(b, h.Key)
		b = append(b, ':')
		var vals [][]byte
		for _, q := range hs[i:] {
			if string(q.Key) == string(h.Key) {
				vals = append(vals, q.Value)
			}
		}
		if len(vals) == 1 {
			b = appendJSONValue(b, vals[0])
			continue
		}
		b = append(b, '[')
		for j, v := range vals {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendJSONValue(b, v)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func appendJSONValue(b, v []byte) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	return appendJSONString(b, v)
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as a JSON string; invalid UTF-8 bytes become U+FFFD.
func appendJSONString(b, s []byte) []byte {
	b = append(b, '"')
	for _, r := range string(s) {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\n':
			b = append(b, '\\', 'n')
		case r == '\r':
			b = append(b, '\\', 'r')
		case r == '\t':
			b = append(b, '\\', 't')
		case r < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[r>>4], hexDigits[r&0xf])
		default:
			b = append(b, string(r)...)
		}
	}
	return append(b, '"')
}
