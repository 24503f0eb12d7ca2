package spill

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// S3HeadAPI is the part of the S3 client CheckBucket uses.
type S3HeadAPI interface {
	HeadBucket(ctx context.Context, in *s3.HeadBucketInput, opts ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
}

// BucketError is CheckBucket's error for a bucket that is missing or not
// accessible (HTTP 404 or 403). Its message is exactly the Java SDK's.
type BucketError struct {
	Bucket string
	Err    error // the S3 error
}

func (e *BucketError) Error() string {
	return fmt.Sprintf("spill_bucket: \"%s\" not found under your account. Please make sure you have access to the bucket and spill_bucket input has no trailing '/'", e.Bucket)
}

func (e *BucketError) Unwrap() error { return e.Err }

// CheckBucket verifies that the spill bucket exists and is accessible with
// S3 HeadBucket, as the Java SDK does before GetSplits. An empty bucket
// (spilling not configured) passes. A 403 or 404 gives a *BucketError.
func CheckBucket(ctx context.Context, client S3HeadAPI, bucket string) error {
	if bucket == "" {
		return nil
	}
	_, err := client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	if err == nil {
		return nil
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		if c := re.HTTPStatusCode(); c == http.StatusNotFound || c == http.StatusForbidden {
			return &BucketError{Bucket: bucket, Err: err}
		}
	}
	return fmt.Errorf("spill_bucket: check bucket %q: %w", bucket, err)
}
