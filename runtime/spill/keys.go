package spill

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// KeySource makes the encryption key and nonce of one split.
type KeySource interface {
	// NewKey returns a fresh key and its 12-byte nonce.
	NewKey(ctx context.Context) (key, nonce []byte, err error)
}

// KMSAPI is the part of the KMS client a KMS key source uses.
type KMSAPI interface {
	GenerateDataKey(ctx context.Context, in *kms.GenerateDataKeyInput, opts ...func(*kms.Options)) (*kms.GenerateDataKeyOutput, error)
	GenerateRandom(ctx context.Context, in *kms.GenerateRandomInput, opts ...func(*kms.Options)) (*kms.GenerateRandomOutput, error)
}

// Keys returns the key source the Java SDK would use for this
// configuration: nil when disabled (disable_spill_encryption: spills are
// written in the clear and splits carry no key), KMS data keys when
// kmsKeyID (kms_key_id) is set, otherwise local keys.
func Keys(disabled bool, kmsKeyID string, client KMSAPI) KeySource {
	switch {
	case disabled:
		return nil
	case kmsKeyID != "":
		return KMSKeys(client, kmsKeyID)
	default:
		return LocalKeys()
	}
}

// LocalKeys returns a key source that makes AES-256 keys (32 bytes) and
// nonces from crypto/rand, as the Java SDK's LocalKeyFactory.
func LocalKeys() KeySource { return localKeys{} }

type localKeys struct{}

func (localKeys) NewKey(context.Context) (key, nonce []byte, err error) {
	key, nonce = make([]byte, 32), make([]byte, NonceSize)
	if _, err := rand.Read(key); err != nil {
		return nil, nil, err
	}
	if _, err := rand.Read(nonce); err != nil {
		return nil, nil, err
	}
	return key, nonce, nil
}

// KMSKeys returns a key source that asks KMS for an AES-128 data key under
// keyID and for 12 random bytes as the nonce, as the Java SDK's
// KmsKeyFactory.
func KMSKeys(client KMSAPI, keyID string) KeySource { return kmsKeys{client, keyID} }

type kmsKeys struct {
	client KMSAPI
	keyID  string
}

func (k kmsKeys) NewKey(ctx context.Context) (key, nonce []byte, err error) {
	dk, err := k.client.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{
		KeyId:   aws.String(k.keyID),
		KeySpec: types.DataKeySpecAes128,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("spill: kms GenerateDataKey with kms_key_id %q: %w", k.keyID, err)
	}
	rnd, err := k.client.GenerateRandom(ctx, &kms.GenerateRandomInput{NumberOfBytes: aws.Int32(NonceSize)})
	if err != nil {
		return nil, nil, fmt.Errorf("spill: kms GenerateRandom: %w", err)
	}
	if len(dk.Plaintext) != 16 || len(rnd.Plaintext) != NonceSize {
		return nil, nil, fmt.Errorf("spill: kms returned a %d-byte key and a %d-byte nonce, want 16 and %d",
			len(dk.Plaintext), len(rnd.Plaintext), NonceSize)
	}
	return dk.Plaintext, rnd.Plaintext, nil
}
