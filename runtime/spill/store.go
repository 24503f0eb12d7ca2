package spill

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Store keeps spilled objects.
type Store interface {
	// Put writes data as the object key of bucket, replacing any.
	Put(ctx context.Context, bucket, key string, data []byte) error
}

// S3PutAPI is the part of the S3 client an S3 store uses.
type S3PutAPI interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

// S3 is a Store writing to Amazon S3.
type S3 struct {
	client S3PutAPI
	opts   []func(*s3.Options)
}

// NewS3 returns a Store writing through client. headers are extra HTTP
// headers for every PutObject (the SDK's spill_put_request_headers, e.g.
// x-amz-server-side-encryption); nil for none.
func NewS3(client S3PutAPI, headers map[string]string) *S3 {
	s := &S3{client: client}
	for k, v := range headers {
		s.opts = append(s.opts, s3.WithAPIOptions(smithyhttp.SetHeaderValue(k, v)))
	}
	return s
}

// Put implements Store.
func (s *S3) Put(ctx context.Context, bucket, key string, data []byte) error {
	_, err := s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(bucket),
		Key:           aws.String(key),
		Body:          bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))),
	}, s.opts...)
	if err != nil {
		return fmt.Errorf("spill: put s3://%s/%s: %w", bucket, key, err)
	}
	return nil
}

// Folder is a Store for local runs: object key of bucket is the file
// Dir/bucket/key.
type Folder struct {
	Dir string
}

// NewFolder returns a Store writing under dir.
func NewFolder(dir string) *Folder { return &Folder{Dir: dir} }

// Path is the file that holds object key of bucket.
func (f *Folder) Path(bucket, key string) (string, error) {
	p := filepath.Join(f.Dir, bucket, filepath.FromSlash(key))
	rel, err := filepath.Rel(f.Dir, p)
	if bucket == "" || key == "" || err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return "", fmt.Errorf("spill: object %q of bucket %q is outside folder %s", key, bucket, f.Dir)
	}
	return p, nil
}

// Put implements Store. The file is written whole or not at all.
func (f *Folder) Put(_ context.Context, bucket, key string, data []byte) error {
	p, err := f.Path(bucket, key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("spill: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".spill-*")
	if err != nil {
		return fmt.Errorf("spill: %w", err)
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("spill: write %s: %w", p, err)
	}
	return nil
}
