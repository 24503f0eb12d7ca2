package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/athena-kafka/athena-kafka/runtime/auth"
)

// Config is the connector's configuration, read from the Lambda environment.
// Names follow the Java connector where it has one; every other setting has a
// documented default (see the README's configuration reference).
type Config struct {
	KafkaEndpoint  string // kafka_endpoint, required
	AuthType       string // auth_type, default NO_AUTH
	Secret         string // secrets_manager_secret
	Certificates   string // certificates_s3_reference
	GlueConnection string // glue_connection (MSK)

	SpillBucket            string            // spill_bucket; empty: spill to SpillDir
	SpillPrefix            string            // spill_prefix, default athena-federation-spill
	SpillDir               string            // spill_dir, default $TMPDIR/athena-kafka-spill (local runs only)
	DisableSpillEncryption bool              // disable_spill_encryption, default false
	KMSKeyID               string            // kms_key_id (or spill_kms_key_id)
	SpillHeaders           map[string]string // spill_put_request_headers, a JSON object
	MaxBlockSize           int64             // MAX_BLOCK_SIZE_BYTES, 0: the request's maxBlockSize

	MaxRecordsPerSplit int64  // max_records_per_split
	MetadataColumns    bool   // metadata_columns, default true
	FailOnDecodeError  bool   // on_decode_error=fail; default null (NULL + _message_corrupt)
	ReadCommitted      bool   // isolation_level, default read_committed
	SchemaSource       string // schema_source: "glue" (default) or a folder
	LogLevel           slog.Level
}

// DefaultMaxRecordsPerSplit is the split size when max_records_per_split is
// not set. One split of this many ~230-byte messages decodes in well under a
// second and fits Lambda's memory comfortably; see the README.
const DefaultMaxRecordsPerSplit = 500_000

// configKeys lists every variable the binary reads; the SAM template test
// compares its parameters with this list.
var configKeys = []string{
	"kafka_endpoint", "auth_type", "secrets_manager_secret", "certificates_s3_reference", "glue_connection",
	"spill_bucket", "spill_prefix", "spill_dir", "disable_spill_encryption", "kms_key_id", "spill_kms_key_id", "spill_put_request_headers",
	"MAX_BLOCK_SIZE_BYTES", "max_records_per_split", "metadata_columns", "on_decode_error", "isolation_level",
	"schema_source", "log_level",
}

// LoadConfig reads the configuration through getenv and returns every problem
// at once, each naming its variable and what to do.
func LoadConfig(getenv func(string) string) (Config, error) {
	var errs []error
	bad := func(key, value, want string) {
		errs = append(errs, fmt.Errorf("environment variable %s=%q is invalid: %s", key, value, want))
	}
	get := func(key string) string { return strings.TrimSpace(getenv(key)) }
	boolean := func(key string, def bool) bool {
		v := get(key)
		if v == "" {
			return def
		}
		b, err := strconv.ParseBool(strings.ToLower(v))
		if err != nil {
			bad(key, v, "want true or false")
			return def
		}
		return b
	}
	positive := func(key string, def int64) int64 {
		v := get(key)
		if v == "" {
			return def
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			bad(key, v, "want a positive integer")
			return def
		}
		return n
	}

	c := Config{
		KafkaEndpoint:          get("kafka_endpoint"),
		AuthType:               strings.ToUpper(get("auth_type")),
		Secret:                 get("secrets_manager_secret"),
		Certificates:           get("certificates_s3_reference"),
		GlueConnection:         get("glue_connection"),
		SpillBucket:            get("spill_bucket"),
		SpillPrefix:            get("spill_prefix"),
		SpillDir:               get("spill_dir"),
		DisableSpillEncryption: boolean("disable_spill_encryption", false),
		KMSKeyID:               get("kms_key_id"),
		MaxBlockSize:           positive("MAX_BLOCK_SIZE_BYTES", 0),
		MaxRecordsPerSplit:     positive("max_records_per_split", DefaultMaxRecordsPerSplit),
		MetadataColumns:        boolean("metadata_columns", true),
		SchemaSource:           get("schema_source"),
	}
	if c.KMSKeyID == "" {
		c.KMSKeyID = get("spill_kms_key_id")
	}
	if c.AuthType == "" {
		c.AuthType = "NO_AUTH"
	}
	if t, err := auth.ParseType(c.AuthType); err != nil {
		errs = append(errs, err)
	} else if err := (auth.Settings{Type: t, Secret: c.Secret, Certificates: c.Certificates}).Validate(); err != nil {
		errs = append(errs, err)
	}
	if v := get("spill_put_request_headers"); v != "" {
		if err := json.Unmarshal([]byte(v), &c.SpillHeaders); err != nil {
			bad("spill_put_request_headers", v, "want a JSON object of header names to values, e.g. {\"x-amz-server-side-encryption\":\"aws:kms\"}")
		}
	}
	if c.SpillPrefix == "" {
		c.SpillPrefix = "athena-federation-spill"
	}
	if c.SpillDir == "" {
		c.SpillDir = filepath.Join(os.TempDir(), "athena-kafka-spill")
	}
	if c.SchemaSource == "" {
		c.SchemaSource = "glue"
	}
	if c.KafkaEndpoint == "" {
		errs = append(errs, errors.New("environment variable kafka_endpoint is not set: set it to the bootstrap servers, host:port[,host:port...]"))
	}
	if strings.HasSuffix(c.SpillBucket, "/") {
		bad("spill_bucket", c.SpillBucket, "a bucket name without a trailing '/' (put any path into spill_prefix)")
	}

	switch v := strings.ToLower(get("on_decode_error")); v {
	case "", "null":
	case "fail":
		c.FailOnDecodeError = true
	default:
		bad("on_decode_error", v, "want null (the default: NULL and _message_corrupt=true) or fail")
	}
	switch v := strings.ToLower(get("isolation_level")); v {
	case "", "read_committed":
		c.ReadCommitted = true
	case "read_uncommitted":
	default:
		bad("isolation_level", v, "want read_committed (the default) or read_uncommitted")
	}
	switch v := strings.ToLower(get("log_level")); v {
	case "", "info":
		c.LogLevel = slog.LevelInfo
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "warn", "warning":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		bad("log_level", v, "want debug, info, warn or error")
	}
	if c.SchemaSource != "glue" {
		if st, err := os.Stat(c.SchemaSource); err != nil || !st.IsDir() {
			bad("schema_source", c.SchemaSource, "want glue (the default) or a folder of schema documents that exists")
		}
	}
	return c, errors.Join(errs...)
}
