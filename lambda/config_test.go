package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// env is a getenv over a map.
func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

// with returns base plus kv (an empty value deletes the key).
func with(base map[string]string, kv ...string) map[string]string {
	m := map[string]string{}
	for k, v := range base {
		m[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(m, kv[i])
		} else {
			m[kv[i]] = kv[i+1]
		}
	}
	return m
}

// unjoin splits an errors.Join error into its parts.
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

var minimal = map[string]string{"kafka_endpoint": "b1:9092,b2:9092"}

func TestLoadConfigDefaults(t *testing.T) {
	c, err := LoadConfig(env(minimal))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		KafkaEndpoint:      "b1:9092,b2:9092",
		AuthType:           "NO_AUTH",
		SpillPrefix:        "athena-federation-spill",
		SpillDir:           filepath.Join(os.TempDir(), "athena-kafka-spill"),
		MaxRecordsPerSplit: DefaultMaxRecordsPerSplit,
		MetadataColumns:    true,
		ReadCommitted:      true,
		SchemaSource:       "glue",
		LogLevel:           slog.LevelInfo,
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", c, want)
	}
}

func TestLoadConfigValid(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name  string
		env   map[string]string
		check func(Config) bool
	}{
		{"auth_type case and spaces", with(minimal, "auth_type", "  sasl_ssl_plain ", "secrets_manager_secret", "kafka-creds"),
			func(c Config) bool { return c.AuthType == "SASL_SSL_PLAIN" && c.Secret == "kafka-creds" }},
		{"SSL with certificates", with(minimal, "auth_type", "SSL", "certificates_s3_reference", "s3://certs/kafka/"),
			func(c Config) bool { return c.AuthType == "SSL" && c.Certificates == "s3://certs/kafka/" }},
		{"SASL_SSL certificates optional", with(minimal, "auth_type", "SASL_SSL_SCRAM_SHA512", "secrets_manager_secret", "s"),
			func(c Config) bool { return c.Certificates == "" }},
		{"glue_connection", with(minimal, "glue_connection", "my-conn"),
			func(c Config) bool { return c.GlueConnection == "my-conn" && c.KafkaEndpoint == "b1:9092,b2:9092" }},
		{"spill settings", with(minimal, "spill_bucket", "my-spill", "spill_prefix", "p/q", "spill_dir", dir, "disable_spill_encryption", "TRUE"),
			func(c Config) bool {
				return c.SpillBucket == "my-spill" && c.SpillPrefix == "p/q" && c.SpillDir == dir && c.DisableSpillEncryption
			}},
		{"spill_kms_key_id is kms_key_id", with(minimal, "spill_kms_key_id", "k2"),
			func(c Config) bool { return c.KMSKeyID == "k2" }},
		{"kms_key_id wins over spill_kms_key_id", with(minimal, "kms_key_id", "k1", "spill_kms_key_id", "k2"),
			func(c Config) bool { return c.KMSKeyID == "k1" }},
		{"spill_put_request_headers", with(minimal, "spill_put_request_headers", `{"x-amz-server-side-encryption":"aws:kms"}`),
			func(c Config) bool {
				return reflect.DeepEqual(c.SpillHeaders, map[string]string{"x-amz-server-side-encryption": "aws:kms"})
			}},
		{"numbers", with(minimal, "max_records_per_split", "1000", "MAX_BLOCK_SIZE_BYTES", "16777216"),
			func(c Config) bool { return c.MaxRecordsPerSplit == 1000 && c.MaxBlockSize == 16777216 }},
		{"switches", with(minimal, "metadata_columns", "False", "on_decode_error", "FAIL", "isolation_level", "read_uncommitted"),
			func(c Config) bool { return !c.MetadataColumns && c.FailOnDecodeError && !c.ReadCommitted }},
		{"on_decode_error null", with(minimal, "on_decode_error", "null", "isolation_level", "READ_COMMITTED"),
			func(c Config) bool { return !c.FailOnDecodeError && c.ReadCommitted }},
		{"log_level debug", with(minimal, "log_level", "debug"), func(c Config) bool { return c.LogLevel == slog.LevelDebug }},
		{"log_level warning", with(minimal, "log_level", "WARNING"), func(c Config) bool { return c.LogLevel == slog.LevelWarn }},
		{"log_level error", with(minimal, "log_level", "error"), func(c Config) bool { return c.LogLevel == slog.LevelError }},
		{"schema_source folder", with(minimal, "schema_source", dir), func(c Config) bool { return c.SchemaSource == dir }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := LoadConfig(env(tc.env))
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(c) {
				t.Errorf("got %+v", c)
			}
		})
	}
}

func TestLoadConfigErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "schema.json")
	if err := os.WriteFile(file, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want []string // substrings of the one error
	}{
		{"kafka_endpoint missing", map[string]string{}, []string{"kafka_endpoint is not set", "host:port"}},
		// The Glue connection has been applied before LoadConfig: it gave no HOST.
		{"glue_connection without kafka_endpoint", map[string]string{"glue_connection": "my-conn"}, []string{"kafka_endpoint is not set"}},
		{"kafka_endpoint blank", map[string]string{"kafka_endpoint": "  "}, []string{"kafka_endpoint is not set"}},
		{"bad auth_type", with(minimal, "auth_type", "KERBEROS"),
			[]string{`auth_type "KERBEROS" is not valid`, "NO_AUTH, SSL, SASL_SSL_PLAIN, SASL_PLAINTEXT_PLAIN, SASL_SSL_SCRAM_SHA512, SASL_PLAINTEXT_SCRAM_SHA512"}},
		{"MSK IAM auth_type", with(minimal, "auth_type", "SASL_SSL_AWS_MSK_IAM"), []string{"auth_type", "not supported", "NO_AUTH"}},
		{"SASL without secret", with(minimal, "auth_type", "SASL_PLAINTEXT_SCRAM_SHA512"),
			[]string{"secrets_manager_secret is not set", "SASL_PLAINTEXT_SCRAM_SHA512", "username and password"}},
		{"SSL without certificates", with(minimal, "auth_type", "ssl"), []string{"certificates_s3_reference is not set", "SSL"}},
		{"certificates not an s3 URI", with(minimal, "auth_type", "SSL", "certificates_s3_reference", "https://certs/kafka"),
			[]string{`certificates_s3_reference "https://certs/kafka" is not an s3://bucket/prefix/ URI`}},
		{"bad disable_spill_encryption", with(minimal, "disable_spill_encryption", "yes"),
			[]string{`disable_spill_encryption="yes" is invalid`, "true or false"}},
		{"bad metadata_columns", with(minimal, "metadata_columns", "off"), []string{`metadata_columns="off" is invalid`, "true or false"}},
		{"max_records_per_split not a number", with(minimal, "max_records_per_split", "10k"),
			[]string{`max_records_per_split="10k" is invalid`, "positive integer"}},
		{"max_records_per_split zero", with(minimal, "max_records_per_split", "0"), []string{`max_records_per_split="0" is invalid`}},
		{"max_records_per_split negative", with(minimal, "max_records_per_split", "-5"), []string{`max_records_per_split="-5" is invalid`}},
		{"MAX_BLOCK_SIZE_BYTES fraction", with(minimal, "MAX_BLOCK_SIZE_BYTES", "1.5"), []string{`MAX_BLOCK_SIZE_BYTES="1.5" is invalid`}},
		{"bad on_decode_error", with(minimal, "on_decode_error", "skip"), []string{`on_decode_error="skip" is invalid`, "null", "fail"}},
		{"bad isolation_level", with(minimal, "isolation_level", "serializable"),
			[]string{`isolation_level="serializable" is invalid`, "read_committed", "read_uncommitted"}},
		{"bad log_level", with(minimal, "log_level", "trace"), []string{`log_level="trace" is invalid`, "debug, info, warn or error"}},
		{"spill_bucket with trailing slash", with(minimal, "spill_bucket", "my-spill/"),
			[]string{`spill_bucket="my-spill/" is invalid`, "trailing '/'", "spill_prefix"}},
		{"spill_put_request_headers not JSON", with(minimal, "spill_put_request_headers", "{x-amz-acl: private"),
			[]string{"spill_put_request_headers=", "is invalid", "JSON object"}},
		{"spill_put_request_headers not strings", with(minimal, "spill_put_request_headers", `{"x-amz-meta-n":1}`),
			[]string{"spill_put_request_headers=", "JSON object"}},
		{"schema_source folder missing", with(minimal, "schema_source", "/nonexistent/schemas"),
			[]string{`schema_source="/nonexistent/schemas" is invalid`, "glue", "folder"}},
		{"schema_source is a file", with(minimal, "schema_source", file), []string{"schema_source=", "is invalid"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadConfig(env(tc.env))
			errs := unjoin(err)
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1: %v", len(errs), err)
			}
			for _, w := range tc.want {
				if !strings.Contains(errs[0].Error(), w) {
					t.Errorf("error %q does not contain %q", errs[0], w)
				}
			}
		})
	}
}

func TestLoadConfigCollectsEveryError(t *testing.T) {
	bad := map[string]string{
		"auth_type":                 "SSL", // without certificates_s3_reference
		"spill_bucket":              "b/",
		"disable_spill_encryption":  "maybe",
		"metadata_columns":          "2",
		"max_records_per_split":     "many",
		"MAX_BLOCK_SIZE_BYTES":      "-1",
		"spill_put_request_headers": "[]",
		"on_decode_error":           "drop",
		"isolation_level":           "none",
		"log_level":                 "loud",
		"schema_source":             "/nonexistent/schemas",
	}
	_, err := LoadConfig(env(bad))
	errs := unjoin(err)
	names := append(
		[]string{"kafka_endpoint", "certificates_s3_reference"},
		"spill_bucket", "disable_spill_encryption", "metadata_columns", "max_records_per_split", "MAX_BLOCK_SIZE_BYTES",
		"spill_put_request_headers", "on_decode_error", "isolation_level", "log_level", "schema_source")
	if len(errs) != len(names) {
		t.Fatalf("got %d errors, want %d (one per variable):\n%v", len(errs), len(names), err)
	}
	for _, n := range names {
		found := slices.ContainsFunc(errs, func(e error) bool { return strings.Contains(e.Error(), n) })
		if !found {
			t.Errorf("no error names %s:\n%v", n, err)
		}
	}
}

func TestConfigKeysAreRead(t *testing.T) {
	// Every key the SAM template test accepts must change LoadConfig's result
	// when set to something (valid or not): no key is listed but ignored.
	base, err := LoadConfig(env(minimal))
	if err != nil {
		t.Fatal(err)
	}
	probe := map[string]string{
		"kafka_endpoint": "other:9092", "auth_type": "SSL", "secrets_manager_secret": "s", "certificates_s3_reference": "s3://b/p/",
		"glue_connection": "c", "spill_bucket": "b", "spill_prefix": "p", "spill_dir": "/d", "disable_spill_encryption": "true",
		"kms_key_id": "k", "spill_kms_key_id": "k", "spill_put_request_headers": `{"a":"b"}`, "MAX_BLOCK_SIZE_BYTES": "5",
		"max_records_per_split": "5", "metadata_columns": "false", "on_decode_error": "fail", "isolation_level": "read_uncommitted",
		"schema_source": "/nonexistent", "log_level": "debug",
	}
	for _, k := range configKeys {
		v, ok := probe[k]
		if !ok {
			t.Errorf("configKeys has %s; add a probe value for it here", k)
			continue
		}
		c, err := LoadConfig(env(with(minimal, k, v)))
		if err == nil && reflect.DeepEqual(c, base) {
			t.Errorf("setting %s=%q changes nothing: LoadConfig does not read it", k, v)
		}
	}
}

// TestLambdaBadConfigExits starts the binary as Lambda does (the runtime API
// address set, here unreachable) with a bad configuration: init must fail
// before any runtime API call, exit 1, and print one JSON log line naming
// the variables.
func TestLambdaBadConfigExits(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bootstrap")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		name string
		env  []string
		want []string
	}{
		{"kafka_endpoint missing", nil, []string{"kafka_endpoint"}},
		{"two bad variables", []string{"kafka_endpoint=b:9092", "auth_type=SASL_SSL_PLAIN", "log_level=verbose"},
			[]string{"secrets_manager_secret", "log_level"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin)
			cmd.Dir = dir
			// A clean environment: nothing from this machine's shell reaches the config.
			cmd.Env = append([]string{"AWS_LAMBDA_RUNTIME_API=127.0.0.1:9", "HOME=" + dir, "TMPDIR=" + dir}, tc.env...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("exit: %v, want status 1\nstderr: %s", err, stderr.Bytes())
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout: %q, want nothing", stdout.Bytes())
			}
			lines := strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")
			if len(lines) != 1 {
				t.Fatalf("stderr has %d lines, want one JSON line:\n%s", len(lines), stderr.Bytes())
			}
			var rec struct {
				Level, Msg, Error string
			}
			if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
				t.Fatalf("stderr is not a JSON line: %v\n%s", err, lines[0])
			}
			if rec.Level != "ERROR" || rec.Msg != "invalid configuration" {
				t.Errorf("level %q msg %q, want ERROR invalid configuration", rec.Level, rec.Msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(rec.Error, w) {
					t.Errorf("error %q does not name %s", rec.Error, w)
				}
			}
		})
	}
}
