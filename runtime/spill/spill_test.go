package spill

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSealVectors pins the byte layout to the GCM specification's test
// cases 3 (AES-128) and 15 (AES-256): ciphertext then the 16-byte tag, no
// AAD, which is what Java's Cipher.doFinal gives.
func TestSealVectors(t *testing.T) {
	pt := "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
	nonce := "cafebabefacedbaddecaf888"
	for _, tc := range []struct{ key, want string }{
		{"feffe9928665731c6d6a8f9467308308",
			"42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985" +
				"4d5c2af327cd64a62cf35abd2ba6fab4"},
		{"feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
			"522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad" +
				"b094dac5d93471bdec1a502270e3cc6c"},
	} {
		got, err := Seal(unhex(t, tc.key), unhex(t, nonce), unhex(t, pt))
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(got) != tc.want {
			t.Errorf("key %d bytes: sealed\n%x\nwant\n%s", len(tc.key)/2, got, tc.want)
		}
		back, err := Open(unhex(t, tc.key), unhex(t, nonce), got)
		if err != nil || hex.EncodeToString(back) != pt {
			t.Errorf("open: %x, %v", back, err)
		}
	}
}

func TestSealErrors(t *testing.T) {
	key, nonce := make([]byte, 32), make([]byte, 12)
	if _, err := Seal(make([]byte, 24), nonce, nil); err == nil || !strings.Contains(err.Error(), "24 bytes") {
		t.Errorf("24-byte key: %v", err)
	}
	if _, err := Seal(key, make([]byte, 16), nil); err == nil || !strings.Contains(err.Error(), "nonce is 16 bytes") {
		t.Errorf("16-byte nonce: %v", err)
	}
	ct, _ := Seal(key, nonce, []byte("block"))
	ct[0] ^= 1
	if _, err := Open(key, nonce, ct); err == nil {
		t.Error("tampered block opened")
	}
}

func TestLocalKeys(t *testing.T) {
	src := Keys(false, "", nil)
	k1, n1, err := src.NewKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	k2, n2, _ := src.NewKey(context.Background())
	if len(k1) != 32 || len(n1) != 12 {
		t.Fatalf("key %d bytes, nonce %d bytes; want 32, 12", len(k1), len(n1))
	}
	if bytes.Equal(k1, k2) || bytes.Equal(n1, n2) {
		t.Error("two local keys are equal")
	}
	if Keys(true, "some-key", nil) != nil {
		t.Error("disabled encryption gave a key source")
	}
	if _, ok := Keys(false, "alias/k", nil).(kmsKeys); !ok {
		t.Error("kms_key_id did not select KMS keys")
	}
}

type memStore struct {
	mu      sync.Mutex
	objects map[string][]byte
}

func (m *memStore) Put(_ context.Context, bucket, key string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.objects == nil {
		m.objects = map[string][]byte{}
	}
	m.objects[bucket+"/"+key] = bytes.Clone(data)
	return nil
}

func TestSpillerNamesAndSeals(t *testing.T) {
	ctx := context.Background()
	key, nonce, _ := LocalKeys().NewKey(ctx)
	st := &memStore{}
	sp := NewSpiller(st, "b", "athena-spill/q1/split", key, nonce)
	for i, p := range []string{"zero", "one", "two"} {
		obj, err := sp.Spill(ctx, []byte(p))
		if err != nil {
			t.Fatal(err)
		}
		if want := "athena-spill/q1/split." + string(rune('0'+i)); obj.Key != want || obj.Bucket != "b" {
			t.Fatalf("block %d at %s/%s, want b/%s", i, obj.Bucket, obj.Key, want)
		}
		got, err := Open(key, nonce, st.objects["b/"+obj.Key])
		if err != nil || string(got) != p {
			t.Fatalf("block %d: %q, %v", i, got, err)
		}
	}

	plain := NewSpiller(st, "b", "k", nil, nil)
	obj, _ := plain.Spill(ctx, []byte("plain"))
	if string(st.objects["b/"+obj.Key]) != "plain" || obj.Key != "k.0" {
		t.Errorf("unencrypted spill: %s = %q", obj.Key, st.objects["b/"+obj.Key])
	}
}

func TestSpillerConcurrent(t *testing.T) {
	st := &memStore{}
	sp := NewSpiller(st, "b", "k", nil, nil)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if _, err := sp.Spill(context.Background(), []byte("x")); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if len(st.objects) != 50 {
		t.Fatalf("%d distinct objects, want 50", len(st.objects))
	}
	if _, ok := st.objects["b/k.49"]; !ok {
		t.Error("no k.49")
	}
}

func TestFolder(t *testing.T) {
	dir := t.TempDir()
	f := NewFolder(dir)
	if err := f.Put(context.Background(), "bucket", "a/b/c.0", []byte("data")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "bucket", "a", "b", "c.0"))
	if err != nil || string(got) != "data" {
		t.Fatalf("read back %q, %v", got, err)
	}
	for _, bad := range [][2]string{{"bucket", "../../x"}, {"..", "x"}, {"", "x"}, {"bucket", ""}} {
		if err := f.Put(context.Background(), bad[0], bad[1], nil); err == nil {
			t.Errorf("Put(%q, %q) escaped the folder", bad[0], bad[1])
		}
	}
}

func TestBucketErrorMessage(t *testing.T) {
	cause := errors.New("404")
	err := error(&BucketError{Bucket: "my-bucket", Err: cause})
	want := `spill_bucket: "my-bucket" not found under your account. Please make sure you have access to the bucket and spill_bucket input has no trailing '/'`
	if err.Error() != want {
		t.Errorf("message\n%s\nwant\n%s", err, want)
	}
	if !errors.Is(err, cause) {
		t.Error("cause not wrapped")
	}
	if err := CheckBucket(context.Background(), nil, ""); err != nil {
		t.Errorf("empty bucket: %v", err)
	}
}
