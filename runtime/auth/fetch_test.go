package auth

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// fakeS3 lists its keys in pages of two.
type fakeS3 struct {
	keys        []string
	lists, gets int
}

func (f *fakeS3) ListObjectsV2(_ context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	f.lists++
	var match []string
	for _, k := range f.keys {
		if strings.HasPrefix(k, aws.ToString(in.Prefix)) {
			match = append(match, k)
		}
	}
	start, _ := strconv.Atoi(aws.ToString(in.ContinuationToken))
	end := min(start+2, len(match))
	out := &s3.ListObjectsV2Output{IsTruncated: aws.Bool(end < len(match))}
	if end < len(match) {
		out.NextContinuationToken = aws.String(strconv.Itoa(end))
	}
	for _, k := range match[start:end] {
		out.Contents = append(out.Contents, types.Object{Key: aws.String(k), Size: aws.Int64(int64(len(k)))})
	}
	return out, nil
}

func (f *fakeS3) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	f.gets++
	return &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader([]byte("data of " + aws.ToString(in.Key))))}, nil
}

func TestFetchCertificates(t *testing.T) {
	f := &fakeS3{keys: []string{"certs/", "certs/a.pem", "certs/b/c.pem", "certs/b/d/e.jks", "certs/z", "certs2/x.pem", "other/y"}}
	files, err := FetchCertificates(context.Background(), f, "s3://bucket/certs")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, fl := range files {
		names = append(names, fl.Name)
		if string(fl.Data) != "data of "+fl.Name {
			t.Errorf("%s holds %q", fl.Name, fl.Data)
		}
	}
	if want := []string{"certs/a.pem", "certs/b/c.pem", "certs/b/d/e.jks", "certs/z"}; !slices.Equal(names, want) {
		t.Errorf("fetched %v, want %v", names, want)
	}
	if f.lists != 3 || f.gets != 4 { // 6 keys start with "certs": 3 pages
		t.Errorf("%d list and %d get calls, want 3 and 4", f.lists, f.gets)
	}
	if _, err := FetchCertificates(context.Background(), f, "s3://bucket/certs"); err != nil || f.lists != 3 || f.gets != 4 {
		t.Errorf("second fetch: %v, %d lists, %d gets", err, f.lists, f.gets)
	}
	one, err := FetchCertificates(context.Background(), f, "s3://bucket/other/y")
	if err != nil || len(one) != 1 || one[0].Name != "other/y" {
		t.Errorf("single object: %v, %v", one, err)
	}
	whole, err := FetchCertificates(context.Background(), f, "s3://bucket")
	if err != nil || len(whole) != 6 {
		t.Errorf("whole bucket: %d files, %v", len(whole), err)
	}
}
