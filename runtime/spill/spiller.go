package spill

import (
	"context"
	"strconv"
	"sync/atomic"
)

// Object names one spilled block.
type Object struct {
	Bucket, Key string
}

// Spiller writes the spilled blocks of one ReadRecords call: block n goes
// to <key>.<n> in the split's bucket, sealed with the split's key unless
// the split has none.
type Spiller struct {
	store       Store
	bucket, key string
	encKey      []byte
	nonce       []byte
	n           atomic.Int64
}

// NewSpiller returns a Spiller for the split's spill location (bucket, key)
// and encryption key; encKey and nonce are nil when encryption is disabled.
func NewSpiller(store Store, bucket, key string, encKey, nonce []byte) *Spiller {
	return &Spiller{store: store, bucket: bucket, key: key, encKey: encKey, nonce: nonce}
}

// Spill writes one block: payload is its legacy-framed Arrow record batch.
// It is safe to call from several goroutines; each call gets its own n.
func (s *Spiller) Spill(ctx context.Context, payload []byte) (Object, error) {
	obj := Object{Bucket: s.bucket, Key: s.key + "." + strconv.FormatInt(s.n.Add(1)-1, 10)}
	data := payload
	if s.encKey != nil {
		var err error
		if data, err = Seal(s.encKey, s.nonce, payload); err != nil {
			return Object{}, err
		}
	}
	if err := s.store.Put(ctx, obj.Bucket, obj.Key, data); err != nil {
		return Object{}, err
	}
	return obj, nil
}
