package auth

import (
	"fmt"
	"strings"
)

// Type is an auth_type: how the connector authenticates to Kafka.
type Type int

// The auth types of the Java Kafka connector.
const (
	NoAuth                   Type = iota // NO_AUTH: PLAINTEXT
	SSL                                  // SSL: TLS with a client certificate (mTLS)
	SASLSSLPlain                         // SASL_SSL_PLAIN
	SASLPlaintextPlain                   // SASL_PLAINTEXT_PLAIN
	SASLSSLScramSHA512                   // SASL_SSL_SCRAM_SHA512
	SASLPlaintextScramSHA512             // SASL_PLAINTEXT_SCRAM_SHA512
)

var typeNames = [...]string{
	NoAuth:                   "NO_AUTH",
	SSL:                      "SSL",
	SASLSSLPlain:             "SASL_SSL_PLAIN",
	SASLPlaintextPlain:       "SASL_PLAINTEXT_PLAIN",
	SASLSSLScramSHA512:       "SASL_SSL_SCRAM_SHA512",
	SASLPlaintextScramSHA512: "SASL_PLAINTEXT_SCRAM_SHA512",
}

// Types lists every auth type, in the Java connector's documentation order.
func Types() []Type {
	return []Type{NoAuth, SSL, SASLSSLPlain, SASLPlaintextPlain, SASLSSLScramSHA512, SASLPlaintextScramSHA512}
}

// String is the auth_type value, e.g. SASL_SSL_SCRAM_SHA512.
func (t Type) String() string {
	if t >= 0 && int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// TLS reports whether t connects over TLS.
func (t Type) TLS() bool { return t == SSL || t == SASLSSLPlain || t == SASLSSLScramSHA512 }

// SASL reports whether t logs in with SASL (and so needs a username and
// password).
func (t Type) SASL() bool { return t >= SASLSSLPlain && t <= SASLPlaintextScramSHA512 }

// ParseType parses an auth_type value as the Java connector does: case
// insensitive, surrounding white space ignored.
func ParseType(s string) (Type, error) {
	v := strings.ToUpper(strings.TrimSpace(s))
	for _, t := range Types() {
		if typeNames[t] == v {
			return t, nil
		}
	}
	if v == "SASL_SSL_AWS_MSK_IAM" {
		return 0, fmt.Errorf("auth_type %q is not supported (MSK IAM); valid values: %s", s, validTypes())
	}
	return 0, fmt.Errorf("auth_type %q is not valid; valid values: %s", s, validTypes())
}

func validTypes() string {
	var b strings.Builder
	for i, t := range Types() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(t.String())
	}
	return b.String()
}
