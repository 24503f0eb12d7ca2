package spill

import (
	"crypto/aes"
	"crypto/cipher"
	"fmt"
)

// NonceSize is the length of a spill nonce (the GCM standard nonce, as the
// Java SDK's AesGcmBlockCrypto requires).
const NonceSize = 12

// Seal encrypts a spilled block as the Java SDK does: AES-GCM with the
// split's key (16 or 32 bytes) and 12-byte nonce, no additional data, the
// 16-byte tag appended to the ciphertext.
func Seal(key, nonce, plaintext []byte) ([]byte, error) {
	gcm, err := newGCM(key, nonce)
	if err != nil {
		return nil, err
	}
	return gcm.Seal(nil, nonce, plaintext, nil), nil
}

// SealInPlace is Seal that encrypts over plaintext, using its spare
// capacity for the tag: a spilled block is megabytes, and its plaintext is
// not needed afterwards. plaintext must not be used after the call.
func SealInPlace(key, nonce, plaintext []byte) ([]byte, error) {
	gcm, err := newGCM(key, nonce)
	if err != nil {
		return nil, err
	}
	return gcm.Seal(plaintext[:0], nonce, plaintext, nil), nil
}

// Open decrypts and authenticates what Seal produced.
func Open(key, nonce, ciphertext []byte) ([]byte, error) {
	gcm, err := newGCM(key, nonce)
	if err != nil {
		return nil, err
	}
	pt, err := gcm.Open(nil, nonce, ciphertext, nil)
	if err != nil {
		return nil, fmt.Errorf("spill: decrypt block: %w", err)
	}
	return pt, nil
}

func newGCM(key, nonce []byte) (cipher.AEAD, error) {
	if n := len(key); n != 16 && n != 32 {
		return nil, fmt.Errorf("spill: encryption key is %d bytes, want 16 (KMS AES_128) or 32 (local AES-256)", n)
	}
	if len(nonce) != NonceSize {
		return nil, fmt.Errorf("spill: nonce is %d bytes, want %d", len(nonce), NonceSize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("spill: %w", err)
	}
	return cipher.NewGCM(block)
}
