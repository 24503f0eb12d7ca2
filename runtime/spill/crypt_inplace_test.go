package spill

import (
	"bytes"
	"testing"
)

func TestSealInPlaceEqualsSeal(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	nonce := bytes.Repeat([]byte{9}, NonceSize)
	pt := []byte("a spilled block, legacy framed")
	want, err := Seal(key, nonce, pt)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, len(pt), len(pt)+16)
	copy(buf, pt)
	got, err := SealInPlace(key, nonce, buf)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) || &got[0] != &buf[0] {
		t.Fatalf("in place: %x (same buffer %v), want %x", got, &got[0] == &buf[0], want)
	}
	back, err := Open(key, nonce, got)
	if err != nil || !bytes.Equal(back, pt) {
		t.Fatalf("open: %q %v", back, err)
	}
}
