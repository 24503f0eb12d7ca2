// Package spill writes spilled blocks: to S3 (AES-GCM with a local or KMS
// data key) or to a local folder.
package spill
