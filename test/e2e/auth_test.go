//go:build integration

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/athena-kafka/athena-kafka/runtime/federation"
	"github.com/athena-kafka/athena-kafka/test/awstest"
)

// certBucket holds the client certificates, as s3://certs/<prefix>/ in a deployment.
const certBucket = "certs"

// putCerts uploads local files to s3://certs/<prefix>/<name> and returns the folder's URI.
func (w *world) putCerts(t *testing.T, prefix string, files map[string]string) string {
	t.Helper()
	for name, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.moto.S3().PutObject(context.Background(), &s3.PutObjectInput{
			Bucket: aws.String(certBucket), Key: aws.String(prefix + "/" + name), Body: bytes.NewReader(data)}); err != nil {
			t.Fatal(err)
		}
	}
	return "s3://" + certBucket + "/" + prefix + "/"
}

// secret creates a Secrets Manager secret holding the JSON object of kv and returns its name.
func (w *world) secret(t *testing.T, kv map[string]string) string {
	t.Helper()
	b, _ := json.Marshal(kv)
	name := awstest.Unique("athena-kafka-e2e/")
	if _, err := w.moto.SecretsManager().CreateSecret(context.Background(), &secretsmanager.CreateSecretInput{
		Name: aws.String(name), SecretString: aws.String(string(b))}); err != nil {
		t.Fatal(err)
	}
	return name
}

// TestAuth reads a topic through one function per auth type, each on its broker listener with the
// secret from Secrets Manager and the certificates from S3 (JKS as the Java connector expects them,
// PKCS#12 and PEM too); a wrong password is a function error, quickly.
func TestAuth(t *testing.T) {
	w := newWorld(t)
	w.createBucket(t, certBucket)
	topic := newTopic(t, "e2e-auth-", 1)
	w.seedFile(t, "datatypejson", topic)
	msgs, want := jsonMessages(5, 1)
	produce(t, topic, msgs)
	tn := federation.TableName{SchemaName: w.registry, TableName: "datatypejson"}

	run := awstest.Unique("e2e-") // a fresh prefix: the bucket may be shared
	jks := w.putCerts(t, run+"/jks", map[string]string{
		"kafka.client.keystore.jks": kenv.ClientKeystoreJKS, "kafka.client.truststore.jks": kenv.ClientTruststoreJKS})
	trustJKS := w.putCerts(t, run+"/trust-jks", map[string]string{"kafka.client.truststore.jks": kenv.ClientTruststoreJKS})
	p12 := w.putCerts(t, run+"/p12", map[string]string{
		"client.keystore.p12": kenv.ClientKeystoreP12, "client.truststore.p12": kenv.ClientTruststoreP12})
	pem := w.putCerts(t, run+"/pem", map[string]string{
		"client.pem": kenv.ClientCertPEM, "client.key": kenv.ClientKeyPEM, "ca.pem": kenv.CAPEM})
	stores := map[string]string{"keystore_password": kenv.KeystorePassword, "truststore_password": kenv.TruststorePassword, "ssl_key_password": kenv.KeyPassword}
	plain := map[string]string{"username": kenv.PlainUsername, "password": kenv.PlainPassword}
	scram := map[string]string{"username": kenv.ScramUsername, "password": kenv.ScramPassword}
	with := func(a, b map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range a {
			m[k] = v
		}
		for k, v := range b {
			m[k] = v
		}
		return m
	}

	for _, tc := range []struct {
		name, authType, endpoint string
		secret                   map[string]string
		certs                    string
	}{
		{"NO_AUTH", "NO_AUTH", kenv.Bootstrap, nil, ""},
		{"SASL_PLAINTEXT_PLAIN", "SASL_PLAINTEXT_PLAIN", kenv.SASLPlaintext, plain, ""},
		{"SASL_PLAINTEXT_SCRAM_SHA512", "SASL_PLAINTEXT_SCRAM_SHA512", kenv.SASLPlaintext, scram, ""},
		{"SSL JKS", "SSL", kenv.SSL, stores, jks},
		{"SASL_SSL_PLAIN", "SASL_SSL_PLAIN", kenv.SASLSSL, with(plain, map[string]string{"truststore_password": kenv.TruststorePassword}), trustJKS},
		{"SASL_SSL_SCRAM_SHA512", "SASL_SSL_SCRAM_SHA512", kenv.SASLSSL, with(scram, map[string]string{"truststore_password": kenv.TruststorePassword}), trustJKS},
		{"SSL PKCS12", "SSL", kenv.SSL, map[string]string{"keystore_password": kenv.KeystorePassword, "truststore_password": kenv.TruststorePassword}, p12},
		{"SSL PEM", "SSL", kenv.SSL, nil, pem},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := []string{"auth_type=" + tc.authType, "kafka_endpoint=" + tc.endpoint}
			if tc.secret != nil {
				env = append(env, "secrets_manager_secret="+w.secret(t, tc.secret))
			}
			if tc.certs != "" {
				env = append(env, "certificates_s3_reference="+tc.certs)
			}
			a := newAthena(startFunction(t, w.env(env...)...), w)
			schema := a.table(t, tn)
			splits := a.splits(t, tn, schema, noConstraints())
			checkRows(t, schema, a.readAll(t, tn, schema, splits, noConstraints()), want(msgs))
		})
	}

	// A warm container fetched the secret and the certificates at its first query; with both deleted
	// it still answers the next one (Java fetched them per split).
	t.Run("SSL warm container", func(t *testing.T) {
		certs := w.putCerts(t, run+"/warm", map[string]string{
			"kafka.client.keystore.jks": kenv.ClientKeystoreJKS, "kafka.client.truststore.jks": kenv.ClientTruststoreJKS})
		secret := w.secret(t, stores)
		fn := startFunction(t, w.env("auth_type=SSL", "kafka_endpoint="+kenv.SSL, "secrets_manager_secret="+secret, "certificates_s3_reference="+certs)...)
		for i := range 2 {
			a := newAthena(fn, w)
			schema := a.table(t, tn)
			splits := a.splits(t, tn, schema, noConstraints())
			checkRows(t, schema, a.readAll(t, tn, schema, splits, noConstraints()), want(msgs))
			if i == 0 {
				ctx := context.Background()
				if _, err := w.moto.SecretsManager().DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String(secret), ForceDeleteWithoutRecovery: aws.Bool(true)}); err != nil {
					t.Fatal(err)
				}
				for _, k := range []string{"kafka.client.keystore.jks", "kafka.client.truststore.jks"} {
					key := strings.TrimPrefix(certs, "s3://"+certBucket+"/") + k
					if _, err := w.moto.S3().DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(certBucket), Key: aws.String(key)}); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	})

	for _, tc := range []struct {
		name, authType, endpoint string
		secret                   map[string]string
		certs                    string
	}{
		{"wrong PLAIN password", "SASL_PLAINTEXT_PLAIN", kenv.SASLPlaintext, with(plain, map[string]string{"password": "wrong"}), ""},
		{"wrong SCRAM password over TLS", "SASL_SSL_SCRAM_SHA512", kenv.SASLSSL, with(scram, map[string]string{"password": "wrong", "truststore_password": kenv.TruststorePassword}), trustJKS},
		{"wrong key store password", "SSL", kenv.SSL, with(stores, map[string]string{"keystore_password": "wrong", "ssl_key_password": "wrong"}), jks},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := []string{"auth_type=" + tc.authType, "kafka_endpoint=" + tc.endpoint, "secrets_manager_secret=" + w.secret(t, tc.secret)}
			if tc.certs != "" {
				env = append(env, "certificates_s3_reference="+tc.certs)
			}
			a := newAthena(startFunction(t, w.env(env...)...), w)
			schema := a.table(t, tn) // metadata comes from Glue: no broker needed
			began := time.Now()
			cons := noConstraints()
			fe := a.callError(t, &federation.GetSplitsRequest{RequestHeader: a.header(), TableName: tn,
				Partitions: federation.Block{Schema: schema}, PartitionColumns: []string{}, Constraints: cons})
			took := time.Since(began)
			t.Logf("%s after %v: %s: %s", tc.name, took.Round(time.Millisecond), fe.ErrorType, fe.ErrorMessage)
			if fe.ErrorType == "" || fe.ErrorMessage == "" {
				t.Errorf("function error without type or message: %+v", fe)
			}
			if took > 30*time.Second {
				t.Errorf("the error took %v", took)
			}
			if msg := strings.ToLower(fe.ErrorMessage); !strings.Contains(msg, "authenticat") && !strings.Contains(msg, "password") && !strings.Contains(msg, "keystore") && !strings.Contains(msg, "key store") {
				t.Errorf("the error does not say what failed: %s", fe.ErrorMessage)
			}
		})
	}
}
