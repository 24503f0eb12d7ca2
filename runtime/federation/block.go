package federation

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The Arrow payloads of the protocol are single encapsulated IPC messages:
// a Schema message, or a RecordBatch message without its schema, never a
// stream header or an end-of-stream marker.
//
// Modern framing (serde v3+): FFFFFFFF, int32 metadata length, metadata,
// body. This is what arrow-go's WritePayload writes, with metadata version
// V5, exactly as Arrow Java's MessageSerializer does for v3+.
//
// Legacy framing (serde v2, and spilled blocks in every version): int32
// metadata length, metadata, body, with (4+length)%8 == 0. Arrow Java writes
// it with metadata version V4; arrow-go cannot write V4 metadata, so the
// legacy payloads written here carry V5 metadata in the legacy framing. Arrow
// Java's MessageSerializer reads any metadata version >= V4 in either framing
// (it only looks for the continuation marker), so it reads these.

const continuation = 0xFFFFFFFF

var eos = []byte{0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0}

// isModern tells whether an IPC message starts with the continuation marker.
func isModern(b []byte) bool {
	return len(b) >= 4 && binary.LittleEndian.Uint32(b) == continuation
}

func writePayload(p *ipc.Payload, legacy bool, sizeHint int) ([]byte, error) {
	buf := bytes.NewBuffer(make([]byte, 0, sizeHint))
	if _, err := p.WritePayload(buf); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	if !legacy {
		return b, nil
	}
	// FFFFFFFF L meta[L] body  ->  L+4 meta[L] 0000 body: the same size, and
	// the metadata padded so that the body stays 8-byte aligned. Done in
	// place: a block is megabytes.
	l := binary.LittleEndian.Uint32(b[4:])
	copy(b[4:4+l], b[8:8+l])
	binary.LittleEndian.PutUint32(b, l+4)
	binary.LittleEndian.PutUint32(b[4+l:], 0)
	return b, nil
}

// payloadSize bounds the IPC size of rec's body: every buffer padded to 8
// bytes, plus room for the metadata and the framing.
func payloadSize(p *ipc.Payload, rec arrow.RecordBatch) int {
	n := 16 + p.Meta().Len() + 8
	var add func(d arrow.ArrayData)
	add = func(d arrow.ArrayData) {
		for _, b := range d.Buffers() {
			if b != nil {
				n += (b.Len()+7)&^7 + 64
			}
		}
		for _, c := range d.Children() {
			add(c)
		}
	}
	for _, c := range rec.Columns() {
		add(c.Data())
	}
	return n
}

// EncodeSchema writes s as one IPC Schema message, in the legacy framing if
// legacy is set (serde v2) and the modern one otherwise.
func EncodeSchema(s *arrow.Schema, legacy bool) []byte {
	p := ipc.GetSchemaPayload(s, memory.DefaultAllocator)
	defer p.Release()
	b, err := writePayload(&p, legacy, 0)
	if err != nil { // writing to memory does not fail
		panic(err)
	}
	return b
}

// EncodeRecordBatch writes rec as one IPC RecordBatch message without its
// schema, uncompressed, in the legacy framing if legacy is set (serde v2 and
// spilled blocks) and the modern one otherwise.
func EncodeRecordBatch(rec arrow.RecordBatch, legacy bool) ([]byte, error) {
	p, err := ipc.GetRecordBatchPayload(rec)
	if err != nil {
		return nil, fmt.Errorf("federation: encode record batch: %w", err)
	}
	defer p.Release()
	return writePayload(&p, legacy, payloadSize(&p, rec))
}

// DecodeSchema reads one IPC Schema message in either framing.
func DecodeSchema(b []byte) (s *arrow.Schema, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("federation: invalid Arrow schema message: %v", r)
		}
	}()
	rd, err := newIPCReader(b, nil, memory.DefaultAllocator)
	if err != nil {
		return nil, fmt.Errorf("federation: invalid Arrow schema message: %w", err)
	}
	defer rd.Release()
	return rd.Schema(), nil
}

// DecodeRecordBatch reads one IPC RecordBatch message, in either framing, of
// the given schema into memory from mem. The caller releases the result.
func DecodeRecordBatch(schema *arrow.Schema, b []byte, mem memory.Allocator) (arrow.RecordBatch, error) {
	return decodeRecords(EncodeSchema(schema, false), b, mem)
}

func newIPCReader(schema, records []byte, mem memory.Allocator) (*ipc.Reader, error) {
	if err := checkMessage(schema); err != nil {
		return nil, err
	}
	if len(records) > 0 {
		if err := checkMessage(records); err != nil {
			return nil, err
		}
	}
	stream := make([]byte, 0, len(schema)+len(records)+len(eos))
	stream = append(stream, schema...)
	stream = append(stream, records...)
	stream = append(stream, eos...)
	limit := int64(len(stream))
	return ipc.NewReader(bytes.NewReader(stream), ipc.WithAllocator(mem),
		ipc.WithMetadataSizeLimit(limit), ipc.WithBodySizeLimit(limit))
}

// decodeRecords reads the record batch of a block from its two payloads.
func decodeRecords(schema, records []byte, mem memory.Allocator) (rec arrow.RecordBatch, err error) {
	defer func() {
		if r := recover(); r != nil {
			if rec != nil {
				rec.Release()
			}
			rec, err = nil, fmt.Errorf("federation: invalid Arrow record batch message: %v", r)
		}
	}()
	rd, err := newIPCReader(schema, records, mem)
	if err != nil {
		return nil, fmt.Errorf("federation: invalid Arrow record batch message: %w", err)
	}
	defer rd.Release()
	if !rd.Next() {
		if rd.Err() != nil {
			return nil, fmt.Errorf("federation: invalid Arrow record batch message: %w", rd.Err())
		}
		return nil, fmt.Errorf("federation: records payload holds no record batch")
	}
	rec = rd.RecordBatch()
	rec.Retain()
	limit := 8*int64(len(records)) + 64
	for i, col := range rec.Columns() {
		err := array.ValidateFull(col)
		if err == nil && !lengthsWithin(col.Data(), limit) {
			err = fmt.Errorf("more values than %d bytes can hold", len(records))
		}
		if err != nil {
			rec.Release()
			return nil, fmt.Errorf("federation: invalid Arrow record batch: column %q: %w", rec.ColumnName(i), err)
		}
	}
	return rec, nil
}

// lengthsWithin tells whether an array and its children have at most limit
// values. Only columns without buffers (Null, structs without nulls) can
// claim more values than 8 per body byte; no real block has those alone, and
// an unchecked length from a corrupt payload would make readers loop or
// allocate without end.
func lengthsWithin(d arrow.ArrayData, limit int64) bool {
	if int64(d.Len()) > limit {
		return false
	}
	for _, c := range d.Children() {
		if !lengthsWithin(c, limit) {
			return false
		}
	}
	return true
}
