package auth

import (
	"fmt"
	"strings"
)

// Environment variables read by FromEnv (the Java connector's names).
const (
	EnvAuthType       = "auth_type"
	EnvSecret         = "secrets_manager_secret"
	EnvCertificates   = "certificates_s3_reference"
	EnvGlueConnection = "glue_connection"
)

// Settings say how to authenticate to Kafka.
type Settings struct {
	Type Type
	// Secret is the Secrets Manager secret id (name or ARN) holding a JSON
	// object with the keys username, password, keystore_password,
	// truststore_password and ssl_key_password, as needed by Type.
	// Required by the SASL types; optional for SSL (store passwords).
	Secret string
	// Certificates is an s3://bucket/prefix/ URI of a folder (any depth)
	// with the client key and certificates and the trusted CA certificates:
	// JKS (Java's kafka.client.keystore.jks and kafka.client.truststore.jks),
	// PKCS#12 or PEM files. Required by SSL; optional for the SASL_SSL
	// types (without it the system CAs verify the brokers); ignored by the
	// plaintext types.
	Certificates string
}

// FromEnv reads Settings from the environment variables auth_type,
// secrets_manager_secret and certificates_s3_reference (use os.Getenv, or
// a map lookup after ApplyGlueConnection). A missing or invalid value is an
// error naming the variable.
func FromEnv(getenv func(string) string) (Settings, error) {
	raw := strings.TrimSpace(getenv(EnvAuthType))
	if raw == "" {
		return Settings{}, fmt.Errorf("%s is not set; valid values: %s", EnvAuthType, validTypes())
	}
	t, err := ParseType(raw)
	if err != nil {
		return Settings{}, err
	}
	s := Settings{
		Type:         t,
		Secret:       strings.TrimSpace(getenv(EnvSecret)),
		Certificates: strings.TrimSpace(getenv(EnvCertificates)),
	}
	return s, s.Validate()
}

// Validate reports the first missing or invalid setting, naming its
// environment variable.
func (s Settings) Validate() error {
	if s.Type < NoAuth || s.Type > SASLPlaintextScramSHA512 {
		return fmt.Errorf("%s %v is not valid; valid values: %s", EnvAuthType, s.Type, validTypes())
	}
	if s.Type.SASL() && s.Secret == "" {
		return fmt.Errorf("%s is not set; %s %s needs a secret with the keys username and password", EnvSecret, EnvAuthType, s.Type)
	}
	if s.Type == SSL && s.Certificates == "" {
		return fmt.Errorf("%s is not set; %s SSL needs an s3://bucket/prefix/ folder with the client key and certificates", EnvCertificates, EnvAuthType)
	}
	if s.Type.TLS() && s.Certificates != "" {
		if _, _, err := parseS3URI(s.Certificates); err != nil {
			return err
		}
	}
	return nil
}

// parseS3URI splits s3://bucket/prefix into bucket and prefix ("" for the
// whole bucket).
func parseS3URI(uri string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(uri, "s3://")
	if ok {
		bucket, prefix, _ = strings.Cut(rest, "/")
	}
	if !ok || bucket == "" {
		return "", "", fmt.Errorf("%s %q is not an s3://bucket/prefix/ URI", EnvCertificates, uri)
	}
	return bucket, prefix, nil
}
