//go:build integration

package auth

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/IBM/sarama"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/athena-kafka/athena-kafka/test/awstest"
)

// TestSaramaMoto serves the secret from moto's Secrets Manager and the
// certificates from moto's S3, and checks the resulting TLS configuration
// against a TLS server that requires the client certificate.
func TestSaramaMoto(t *testing.T) {
	m := awstest.Start(t)
	ctx := context.Background()
	sm, s3c := m.SecretsManager(), m.S3()
	p := newPKI(t)
	addr, seen := p.tlsServer(t)

	bucket := awstest.Unique("certs-")
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	put := func(key string, data []byte) {
		t.Helper()
		if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(data)}); err != nil {
			t.Fatal(err)
		}
	}
	secret := func(value string) string {
		t.Helper()
		name := awstest.Unique("kafka-creds-")
		if _, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String(name), SecretString: aws.String(value)}); err != nil {
			t.Fatal(err)
		}
		return name
	}

	t.Run("SSL with Java's JKS files, nested", func(t *testing.T) {
		put("kafka/ssl/", nil) // a folder marker
		put("kafka/ssl/kafka.client.keystore.jks", p.jksKeystore(t, "ks-pass", "key-pass"))
		put("kafka/ssl/trust/kafka.client.truststore.jks", p.jksTruststore(t, "ts-pass"))
		put("kafka/ssl2/other.pem", p.pemClient(t)) // a sibling prefix: not read
		s := Settings{
			Type:         SSL,
			Secret:       secret(`{"keystore_password": "ks-pass", "truststore_password": "ts-pass", "ssl_key_password": "key-pass"}`),
			Certificates: "s3://" + bucket + "/kafka/ssl",
		}
		cfg, err := Sarama(ctx, s, sm, s3c)
		if err != nil {
			t.Fatal(err)
		}
		cn, err := handshake(t, addr, cfg.Net.TLS.Config, seen)
		if err != nil || cn != "kafka-client" {
			t.Fatalf("handshake: %q, %v", cn, err)
		}

		// Once per process: with the secret and the objects gone, the
		// cached copies still serve.
		if _, err := sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String(s.Secret), ForceDeleteWithoutRecovery: aws.Bool(true)}); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"kafka/ssl/kafka.client.keystore.jks", "kafka/ssl/trust/kafka.client.truststore.jks"} {
			if _, err := s3c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(k)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := Sarama(ctx, s, sm, s3c); err != nil {
			t.Fatalf("second call fetched again: %v", err)
		}
	})

	t.Run("SASL_SSL_SCRAM_SHA512 with a PEM CA", func(t *testing.T) {
		put("scram/ca.pem", p.pemCA())
		s := Settings{Type: SASLSSLScramSHA512, Secret: secret(`{"username": "alice", "password": "pw"}`), Certificates: "s3://" + bucket + "/scram/"}
		cfg, err := Sarama(ctx, s, sm, s3c)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Net.SASL.Mechanism != sarama.SASLTypeSCRAMSHA512 || cfg.Net.SASL.User != "alice" || cfg.Net.SASL.Password != "pw" {
			t.Fatalf("SASL %+v", cfg.Net.SASL)
		}
		if cfg.Net.TLS.Config.RootCAs == nil || len(cfg.Net.TLS.Config.Certificates) != 0 {
			t.Fatalf("TLS %+v", cfg.Net.TLS.Config)
		}
		// The server trusts the broker CA but wants a client certificate:
		// the client verified the server (else Dial fails) and sent none.
		cn, err := handshake(t, addr, cfg.Net.TLS.Config, seen)
		if err != nil || !strings.HasPrefix(cn, "handshake error") {
			t.Fatalf("handshake: %q, %v", cn, err)
		}
	})

	t.Run("SASL_PLAINTEXT_PLAIN", func(t *testing.T) {
		cfg, err := Sarama(ctx, Settings{Type: SASLPlaintextPlain, Secret: secret(`{"username": "bob", "password": 42}`)}, sm, s3c)
		if err != nil || cfg.Net.TLS.Enable || cfg.Net.SASL.Mechanism != sarama.SASLTypePlaintext || cfg.Net.SASL.Password != "42" {
			t.Fatalf("%+v, %v", cfg, err)
		}
	})

	t.Run("errors", func(t *testing.T) {
		for _, tc := range []struct {
			s   Settings
			err string
		}{
			{Settings{Type: SASLSSLPlain, Secret: "no-such-secret"}, `secrets_manager_secret "no-such-secret": operation error Secrets Manager: GetSecretValue`},
			{Settings{Type: SASLSSLPlain, Secret: secret(`{"username": "u"}`)}, `secrets_manager_secret: the secret has no "password"`},
			{Settings{Type: SASLSSLPlain, Secret: secret(`not json`)}, `secrets_manager_secret "`},
			{Settings{Type: SSL, Certificates: "s3://" + bucket + "/empty/"}, `certificates_s3_reference "s3://` + bucket + `/empty/": no objects found`},
			{Settings{Type: SSL, Certificates: "s3://" + awstest.Unique("nobucket-") + "/x"}, `certificates_s3_reference "s3://nobucket-`},
			{Settings{Type: SSL, Certificates: "s3://" + bucket + "/scram/"}, "auth_type SSL needs a client certificate and private key"},
		} {
			_, err := Sarama(ctx, tc.s, sm, s3c)
			if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
				t.Errorf("%+v: %v\nwant %q", tc.s, err, tc.err)
			}
		}
	})

	t.Run("glue_connection", func(t *testing.T) {
		g := m.Glue()
		name := awstest.Unique("msk-conn-")
		_, err := g.CreateConnection(ctx, &glue.CreateConnectionInput{ConnectionInput: &gluetypes.ConnectionInput{
			Name:           aws.String(name),
			ConnectionType: gluetypes.ConnectionTypeKafka,
			ConnectionProperties: map[string]string{
				"CUSTOM_AUTH_TYPE": "SASL_PLAINTEXT_PLAIN", "HOST": "broker.local", "PORT": "9092",
			},
			AuthenticationConfiguration: &gluetypes.AuthenticationConfigurationInput{
				SecretArn: aws.String("arn:aws:secretsmanager:us-east-1:123456789012:secret:msk-creds-AbC123"),
			},
		}})
		if err != nil {
			t.Fatal(err)
		}
		env, err := ApplyGlueConnection(ctx, map[string]string{"glue_connection": name, "kafka_endpoint": "override:9092"}, g)
		if err != nil {
			t.Fatal(err)
		}
		if env["auth_type"] != "SASL_PLAINTEXT_PLAIN" || env["secrets_manager_secret"] != "msk-creds" || env["kafka_endpoint"] != "override:9092" {
			t.Fatalf("env %v", env)
		}
		if _, err := ApplyGlueConnection(ctx, map[string]string{"glue_connection": "missing"}, g); err == nil || !strings.Contains(err.Error(), "EntityNotFoundException") {
			t.Fatalf("missing connection: %v", err)
		}
	})
}
