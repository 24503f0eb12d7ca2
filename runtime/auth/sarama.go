package auth

import (
	"context"
	"crypto/tls"
	"fmt"

	"github.com/IBM/sarama"
	"github.com/xdg-go/scram"
)

// Sarama returns a sarama configuration for s: it reads the secret and
// downloads the certificates (each once per process) and calls Config.
// The result has sarama's defaults otherwise (protocol version V2_8_0_0);
// callers add their consumer settings.
func Sarama(ctx context.Context, s Settings, secrets SecretsAPI, s3 S3API) (*sarama.Config, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	var creds Credentials
	if s.Type != NoAuth && s.Secret != "" {
		var err error
		if creds, err = FetchSecret(ctx, secrets, s.Secret); err != nil {
			return nil, err
		}
	}
	var m *Material
	if s.Type.TLS() && s.Certificates != "" {
		files, err := FetchCertificates(ctx, s3, s.Certificates)
		if err != nil {
			return nil, err
		}
		if m, err = ParseCertificates(files, creds); err != nil {
			return nil, fmt.Errorf("%s %q: %w", EnvCertificates, s.Certificates, err)
		}
	}
	return Config(s.Type, creds, m)
}

// Config builds the sarama configuration of auth type t from credentials
// and certificate material (nil for none), without any AWS call: tests
// drive it directly. SSL needs a client certificate in m; the SASL types
// need a username and password. Broker certificates are always verified:
// against m.Roots, else the system CAs.
func Config(t Type, creds Credentials, m *Material) (*sarama.Config, error) {
	cfg := sarama.NewConfig()
	if !cfg.Version.IsAtLeast(sarama.V1_0_0_0) { // SASL handshake v1 needs Kafka 1.0
		cfg.Version = sarama.V2_8_0_0
	}
	if t.TLS() {
		tc := &tls.Config{MinVersion: tls.VersionTLS12}
		if m != nil {
			tc.RootCAs = m.Roots
			if m.Certificate != nil {
				tc.Certificates = []tls.Certificate{*m.Certificate}
			}
		}
		if t == SSL && len(tc.Certificates) == 0 {
			return nil, fmt.Errorf("%s SSL needs a client certificate and private key in %s (JKS, PKCS#12 or PEM)", EnvAuthType, EnvCertificates)
		}
		cfg.Net.TLS.Enable = true
		cfg.Net.TLS.Config = tc
	}
	if t.SASL() {
		for _, v := range [...]struct{ key, val string }{{"username", creds.Username}, {"password", creds.Password}} {
			if v.val == "" {
				return nil, fmt.Errorf("%s: the secret has no %q; %s %s needs username and password", EnvSecret, v.key, EnvAuthType, t)
			}
		}
		cfg.Net.SASL.Enable = true
		cfg.Net.SASL.Handshake = true
		cfg.Net.SASL.User = creds.Username
		cfg.Net.SASL.Password = creds.Password
		if t == SASLSSLScramSHA512 || t == SASLPlaintextScramSHA512 {
			cfg.Net.SASL.Mechanism = sarama.SASLTypeSCRAMSHA512
			cfg.Net.SASL.SCRAMClientGeneratorFunc = func() sarama.SCRAMClient {
				return &scramClient{hash: scram.SHA512}
			}
		} else {
			cfg.Net.SASL.Mechanism = sarama.SASLTypePlaintext
		}
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("sarama configuration for %s %s: %w", EnvAuthType, t, err)
	}
	return cfg, nil
}

// scramClient adapts xdg-go/scram to sarama.SCRAMClient; sarama has no
// SCRAM implementation of its own.
type scramClient struct {
	hash scram.HashGeneratorFcn
	conv *scram.ClientConversation
}

func (c *scramClient) Begin(user, password, authzID string) error {
	client, err := c.hash.NewClient(user, password, authzID)
	if err != nil {
		return err
	}
	c.conv = client.NewConversation()
	return nil
}

func (c *scramClient) Step(challenge string) (string, error) { return c.conv.Step(challenge) }

func (c *scramClient) Done() bool { return c.conv.Done() }
