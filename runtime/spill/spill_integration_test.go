//go:build integration

package spill_test

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/athena-kafka/athena-kafka/runtime/spill"
	"github.com/athena-kafka/athena-kafka/test/awstest"
)

func TestS3Spill(t *testing.T) {
	m := awstest.Start(t)
	ctx := context.Background()
	s3c := m.S3()
	bucket := awstest.Unique("spill-")
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}

	t.Run("CheckBucket", func(t *testing.T) {
		if err := spill.CheckBucket(ctx, s3c, bucket); err != nil {
			t.Fatalf("existing bucket: %v", err)
		}
		err := spill.CheckBucket(ctx, s3c, "missing-"+bucket)
		var be *spill.BucketError
		if !errors.As(err, &be) || be.Bucket != "missing-"+bucket {
			t.Fatalf("missing bucket: %v, want *BucketError", err)
		}
	})

	read := func(t *testing.T, key string) []byte {
		t.Helper()
		out, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		defer out.Body.Close()
		b, err := io.ReadAll(out.Body)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	roundTrip := func(t *testing.T, src spill.KeySource, wantKeyLen int) {
		key, nonce, err := src.NewKey(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(key) != wantKeyLen || len(nonce) != spill.NonceSize {
			t.Fatalf("key %d bytes, nonce %d; want %d, 12", len(key), len(nonce), wantKeyLen)
		}
		prefix := "athena-spill/" + awstest.Unique("q") + "/split"
		sp := spill.NewSpiller(spill.NewS3(s3c, nil), bucket, prefix, key, nonce)
		blocks := []string{"first block payload", "second, longer block payload"}
		for i, p := range blocks {
			obj, err := sp.Spill(ctx, []byte(p))
			if err != nil {
				t.Fatal(err)
			}
			if want := prefix + "." + string(rune('0'+i)); obj.Key != want || obj.Bucket != bucket {
				t.Fatalf("block %d at s3://%s/%s, want s3://%s/%s", i, obj.Bucket, obj.Key, bucket, want)
			}
			stored := read(t, obj.Key)
			if len(stored) != len(p)+16 {
				t.Errorf("stored %d bytes, want %d (payload + tag)", len(stored), len(p)+16)
			}
			got, err := spill.Open(key, nonce, stored)
			if err != nil || string(got) != p {
				t.Fatalf("block %d decrypted to %q, %v", i, got, err)
			}
		}
	}

	t.Run("LocalKey", func(t *testing.T) { roundTrip(t, spill.Keys(false, "", nil), 32) })

	t.Run("KMSKey", func(t *testing.T) {
		kc := m.KMS()
		k, err := kc.CreateKey(ctx, &kms.CreateKeyInput{})
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, spill.Keys(false, aws.ToString(k.KeyMetadata.KeyId), kc), 16)

		_, _, err = spill.KMSKeys(kc, "alias/missing").NewKey(ctx)
		if err == nil {
			t.Fatal("missing KMS key gave a data key")
		}
	})

	t.Run("Unencrypted", func(t *testing.T) {
		if spill.Keys(true, "", nil) != nil {
			t.Fatal("disabled encryption has a key source")
		}
		sp := spill.NewSpiller(spill.NewS3(s3c, nil), bucket, "plain/split", nil, nil)
		obj, err := sp.Spill(ctx, []byte("in the clear"))
		if err != nil {
			t.Fatal(err)
		}
		if got := read(t, obj.Key); string(got) != "in the clear" {
			t.Fatalf("stored %q", got)
		}
	})

	t.Run("Headers", func(t *testing.T) {
		st := spill.NewS3(s3c, map[string]string{"x-amz-server-side-encryption": "AES256"})
		if err := st.Put(ctx, bucket, "sse/obj.0", []byte("x")); err != nil {
			t.Fatal(err)
		}
		h, err := s3c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("sse/obj.0")})
		if err != nil {
			t.Fatal(err)
		}
		if h.ServerSideEncryption != types.ServerSideEncryptionAes256 {
			t.Fatalf("server side encryption %q, want AES256", h.ServerSideEncryption)
		}
	})
}
