package auth

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"strings"
	"testing"

	"github.com/IBM/sarama"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/xdg-go/scram"
)

func TestParseType(t *testing.T) {
	for in, want := range map[string]Type{
		"NO_AUTH": NoAuth, " ssl ": SSL, "sasl_ssl_plain": SASLSSLPlain, "SASL_PLAINTEXT_PLAIN\n": SASLPlaintextPlain,
		"Sasl_Ssl_Scram_Sha512": SASLSSLScramSHA512, "SASL_PLAINTEXT_SCRAM_SHA512": SASLPlaintextScramSHA512,
	} {
		got, err := ParseType(in)
		if err != nil || got != want {
			t.Errorf("ParseType(%q) = %v, %v; want %v", in, got, err, want)
		}
		if back, _ := ParseType(got.String()); back != got {
			t.Errorf("%v does not round-trip", got)
		}
	}
	_, err := ParseType("KERBEROS")
	want := `auth_type "KERBEROS" is not valid; valid values: NO_AUTH, SSL, SASL_SSL_PLAIN, SASL_PLAINTEXT_PLAIN, SASL_SSL_SCRAM_SHA512, SASL_PLAINTEXT_SCRAM_SHA512`
	if err == nil || err.Error() != want {
		t.Errorf("unknown type: %v", err)
	}
	if _, err := ParseType("SASL_SSL_AWS_MSK_IAM"); err == nil || !strings.Contains(err.Error(), "not supported (MSK IAM)") {
		t.Errorf("MSK IAM: %v", err)
	}
}

func TestFromEnv(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want Settings
		err  string
	}{
		{map[string]string{}, Settings{}, "auth_type is not set; valid values: NO_AUTH, SSL,"},
		{map[string]string{"auth_type": "  "}, Settings{}, "auth_type is not set"},
		{map[string]string{"auth_type": "TLS"}, Settings{}, `auth_type "TLS" is not valid`},
		{map[string]string{"auth_type": "no_auth", "secrets_manager_secret": "ignored"}, Settings{Type: NoAuth, Secret: "ignored"}, ""},
		{map[string]string{"auth_type": "SASL_SSL_PLAIN"}, Settings{}, "secrets_manager_secret is not set; auth_type SASL_SSL_PLAIN needs a secret with the keys username and password"},
		{map[string]string{"auth_type": "SASL_PLAINTEXT_SCRAM_SHA512", "secrets_manager_secret": " s "}, Settings{Type: SASLPlaintextScramSHA512, Secret: "s"}, ""},
		{map[string]string{"auth_type": "SSL", "secrets_manager_secret": "s"}, Settings{}, "certificates_s3_reference is not set; auth_type SSL needs"},
		{map[string]string{"auth_type": "SSL", "certificates_s3_reference": "bucket/certs"}, Settings{}, `certificates_s3_reference "bucket/certs" is not an s3://bucket/prefix/ URI`},
		{map[string]string{"auth_type": "SASL_SSL_SCRAM_SHA512", "secrets_manager_secret": "s", "certificates_s3_reference": "s3:///x"}, Settings{}, `certificates_s3_reference "s3:///x" is not`},
		{map[string]string{"auth_type": "SSL", "certificates_s3_reference": "s3://b"}, Settings{Type: SSL, Certificates: "s3://b"}, ""},
		{map[string]string{"auth_type": "SASL_PLAINTEXT_PLAIN", "secrets_manager_secret": "s", "certificates_s3_reference": "nonsense"}, Settings{Type: SASLPlaintextPlain, Secret: "s", Certificates: "nonsense"}, ""},
	} {
		got, err := FromEnv(func(k string) string { return tc.env[k] })
		if tc.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
				t.Errorf("FromEnv(%v) error %v, want %q", tc.env, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("FromEnv(%v) = %+v, %v; want %+v", tc.env, got, err, tc.want)
		}
	}
}

func TestParseSecret(t *testing.T) {
	c, err := ParseSecret(`{"username": "alice", "password": 12345, "keystore_password": "ks", "truststore_password": true, "ssl_key_password": "k", "other": 1}`)
	want := Credentials{Username: "alice", Password: "12345", KeystorePassword: "ks", TruststorePassword: "true", KeyPassword: "k"}
	if err != nil || c != want {
		t.Errorf("ParseSecret = %+v, %v", c, err)
	}
	for _, bad := range []string{"", "user:pass", "[1]", "null"} {
		if _, err := ParseSecret(bad); err == nil {
			t.Errorf("ParseSecret(%q) accepted", bad)
		}
	}
}

func TestConfigPerType(t *testing.T) {
	creds := Credentials{Username: "alice", Password: "s3cret"}
	for _, tc := range []struct {
		typ       Type
		tls, sasl bool
		mech      sarama.SASLMechanism
	}{
		{NoAuth, false, false, ""},
		{SASLPlaintextPlain, false, true, sarama.SASLTypePlaintext},
		{SASLSSLPlain, true, true, sarama.SASLTypePlaintext},
		{SASLPlaintextScramSHA512, false, true, sarama.SASLTypeSCRAMSHA512},
		{SASLSSLScramSHA512, true, true, sarama.SASLTypeSCRAMSHA512},
	} {
		cfg, err := Config(tc.typ, creds, nil)
		if err != nil {
			t.Fatalf("%v: %v", tc.typ, err)
		}
		if !cfg.Version.IsAtLeast(sarama.V1_0_0_0) {
			t.Errorf("%v: version %v", tc.typ, cfg.Version)
		}
		if cfg.Net.TLS.Enable != tc.tls || cfg.Net.SASL.Enable != tc.sasl || cfg.Net.SASL.Mechanism != tc.mech {
			t.Errorf("%v: tls %v sasl %v mechanism %q", tc.typ, cfg.Net.TLS.Enable, cfg.Net.SASL.Enable, cfg.Net.SASL.Mechanism)
		}
		if tc.tls && (cfg.Net.TLS.Config == nil || cfg.Net.TLS.Config.InsecureSkipVerify || cfg.Net.TLS.Config.RootCAs != nil) {
			t.Errorf("%v: TLS config %+v, want verification against the system CAs", tc.typ, cfg.Net.TLS.Config)
		}
		if tc.sasl && (cfg.Net.SASL.User != "alice" || cfg.Net.SASL.Password != "s3cret" || !cfg.Net.SASL.Handshake) {
			t.Errorf("%v: SASL %q %q", tc.typ, cfg.Net.SASL.User, cfg.Net.SASL.Password)
		}
		if tc.mech == sarama.SASLTypeSCRAMSHA512 && cfg.Net.SASL.SCRAMClientGeneratorFunc == nil {
			t.Errorf("%v: no SCRAM client", tc.typ)
		}
	}
	if _, err := Config(SASLSSLPlain, Credentials{Username: "alice"}, nil); err == nil ||
		err.Error() != `secrets_manager_secret: the secret has no "password"; auth_type SASL_SSL_PLAIN needs username and password` {
		t.Errorf("missing password: %v", err)
	}
	if _, err := Config(SASLPlaintextScramSHA512, Credentials{Password: "p"}, nil); err == nil || !strings.Contains(err.Error(), `no "username"`) {
		t.Errorf("missing username: %v", err)
	}
	if _, err := Config(SSL, Credentials{}, &Material{}); err == nil || !strings.Contains(err.Error(), "SSL needs a client certificate") {
		t.Errorf("SSL without a client key: %v", err)
	}
}

// TestSCRAMConversation runs the SCRAM client sarama gets against
// xdg-go/scram's server.
func TestSCRAMConversation(t *testing.T) {
	cfg, err := Config(SASLPlaintextScramSHA512, Credentials{Username: "alice", Password: "s3cret"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, pass := range []string{"s3cret", "wrong"} {
		kf := scram.KeyFactors{Salt: "saltsalt", Iters: 4096}
		cl, err := scram.SHA512.NewClient("alice", pass, "")
		if err != nil {
			t.Fatal(err)
		}
		stored, err := cl.GetStoredCredentialsWithError(kf)
		if err != nil {
			t.Fatal(err)
		}
		srv, err := scram.SHA512.NewServer(func(string) (scram.StoredCredentials, error) { return stored, nil })
		if err != nil {
			t.Fatal(err)
		}
		conv := srv.NewConversation()
		c := cfg.Net.SASL.SCRAMClientGeneratorFunc()
		if err := c.Begin(cfg.Net.SASL.User, cfg.Net.SASL.Password, ""); err != nil {
			t.Fatal(err)
		}
		challenge := ""
		var stepErr error
		for !c.Done() && stepErr == nil {
			var msg string
			if msg, stepErr = c.Step(challenge); stepErr != nil || c.Done() {
				break
			}
			challenge, stepErr = conv.Step(msg)
		}
		if ok := stepErr == nil && conv.Valid(); ok != (pass == "s3cret") {
			t.Errorf("server password %q: authenticated %v (%v)", pass, ok, stepErr)
		}
	}
}

func TestCertificates(t *testing.T) {
	p := newPKI(t)
	addr, seen := p.tlsServer(t)
	creds := Credentials{KeystorePassword: "ks-pass", TruststorePassword: "ts-pass", KeyPassword: "key-pass"}
	for _, tc := range []struct {
		name  string
		files func() []File
	}{
		{"java jks", func() []File {
			return []File{
				{"certs/kafka.client.keystore.jks", p.jksKeystore(t, "ks-pass", "key-pass")},
				{"certs/kafka.client.truststore.jks", p.jksTruststore(t, "ts-pass")},
			}
		}},
		{"jks key password = store password", func() []File {
			return []File{{"a/ks.jks", p.jksKeystore(t, "ts-pass", "ts-pass")}, {"a/b/ts.jks", p.jksTruststore(t, "ts-pass")}}
		}},
		{"pkcs12 named .jks", func() []File {
			return []File{
				{"kafka.client.keystore.jks", p.p12Keystore(t, "ks-pass")},
				{"kafka.client.truststore.jks", p.p12Truststore(t, "ts-pass")},
			}
		}},
		{"pem", func() []File {
			return []File{{"client.pem", p.pemClient(t)}, {"ca.pem", p.pemCA()}, {"README.txt", []byte("hello")}}
		}},
		{"pem split key and cert", func() []File {
			return []File{
				{"x/client.key", pemBlock("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(p.clientKey.(*rsa.PrivateKey)))},
				{"x/client.crt", pemBlock("CERTIFICATE", p.client.Raw)},
				{"x/ca.crt", p.ca.Raw}, // DER
			}
		}},
		{"encrypted pkcs8 pem", func() []File {
			return []File{{"client.key", p.encryptedPEMKey(t, "key-pass")}, {"client.crt", pemBlock("CERTIFICATE", p.client.Raw)}, {"ca.pem", p.pemCA()}}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseCertificates(tc.files(), creds)
			if err != nil {
				t.Fatal(err)
			}
			if m.Certificate == nil || m.Certificate.Leaf.Subject.CommonName != "kafka-client" || m.Roots == nil {
				t.Fatalf("material %+v", m)
			}
			cfg, err := Config(SSL, creds, m)
			if err != nil {
				t.Fatal(err)
			}
			cn, err := handshake(t, addr, cfg.Net.TLS.Config, seen)
			if err != nil || cn != "kafka-client" {
				t.Fatalf("handshake: server saw %q, %v", cn, err)
			}
		})
	}

	t.Run("no client certificate is refused", func(t *testing.T) {
		m, err := ParseCertificates([]File{{"ca.pem", p.pemCA()}}, creds)
		if err != nil || m.Certificate != nil {
			t.Fatal(m, err)
		}
		cfg, err := Config(SASLSSLPlain, Credentials{Username: "u", Password: "p"}, m)
		if err != nil {
			t.Fatal(err)
		}
		cn, _ := handshake(t, addr, cfg.Net.TLS.Config, seen)
		if !strings.HasPrefix(cn, "handshake error") {
			t.Fatalf("server accepted a client without certificate: %q", cn)
		}
	})

	t.Run("untrusted server is refused", func(t *testing.T) {
		other := newPKI(t)
		m, err := ParseCertificates([]File{{"client.pem", p.pemClient(t)}, {"ca.pem", other.pemCA()}}, creds)
		if err != nil {
			t.Fatal(err)
		}
		cfg, _ := Config(SSL, creds, m)
		if _, err := handshake(t, addr, cfg.Net.TLS.Config, seen); err == nil || !strings.Contains(err.Error(), "certificate signed by unknown authority") {
			t.Fatalf("handshake with a server of another CA: %v", err)
		}
	})

	for _, tc := range []struct {
		name  string
		files []File
		creds Credentials
		err   string
	}{
		{"wrong store password", []File{{"ks.jks", p.jksKeystore(t, "other", "other")}}, creds,
			"certificate file ks.jks: wrong password: none of keystore_password, truststore_password, ssl_key_password in the secret opens it"},
		{"wrong key password", []File{{"ks.jks", p.jksKeystore(t, "ks-pass", "other")}}, creds,
			`certificate file ks.jks: private key "client": ssl_key_password (or the store password) does not open it`},
		{"wrong pkcs12 password", []File{{"ks.p12", p.p12Keystore(t, "other")}}, creds, "certificate file ks.p12: wrong password"},
		{"two keys", []File{{"a.pem", p.pemClient(t)}, {"b.p12", p.p12Keystore(t, "ks-pass")}}, creds,
			"more than one client private key in the certificates: a.pem, b.p12; keep one"},
		{"key without certificate", []File{{"k.pem", pemBlock("PRIVATE KEY", pkcs8(t, p.clientKey))}, {"ca.pem", p.pemCA()}}, creds,
			"no certificate for the private key in k.pem"},
		{"garbage .jks", []File{{"x.jks", []byte("not a keystore")}}, creds, "certificate file x.jks: not a JKS, PKCS#12 or PEM file"},
		{"jceks", []File{{"x.jceks", []byte{0xce, 0xce, 0xce, 0xce, 0, 0, 0, 2}}}, creds, "certificate file x.jceks: JCEKS key stores are not supported"},
	} {
		_, err := ParseCertificates(tc.files, tc.creds)
		if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
			t.Errorf("%s: %v\nwant %q", tc.name, err, tc.err)
		}
	}
	t.Run("wrong encrypted pem password", func(t *testing.T) {
		_, err := ParseCertificates([]File{{"k.pem", p.encryptedPEMKey(t, "right")}}, Credentials{KeyPassword: "wrong"})
		if err == nil || err.Error() != "certificate file k.pem: PEM encrypted private key: wrong password: ssl_key_password in the secret does not decrypt it" {
			t.Errorf("%v", err)
		}
	})
}

type fakeGlueConn struct {
	conn *types.Connection
	err  error
	n    int
}

func (f *fakeGlueConn) GetConnection(_ context.Context, in *glue.GetConnectionInput, _ ...func(*glue.Options)) (*glue.GetConnectionOutput, error) {
	f.n++
	return &glue.GetConnectionOutput{Connection: f.conn}, f.err
}

func TestApplyGlueConnection(t *testing.T) {
	ctx := context.Background()
	f := &fakeGlueConn{conn: &types.Connection{
		ConnectionProperties: map[string]string{
			"CUSTOM_AUTH_TYPE": "SASL_SSL_SCRAM_SHA512", "CERTIFICATE_S3_REFERENCE": "s3://b/certs/",
			"HOST": "b-1.msk.example.com", "PORT": "9096", "OTHER": "dropped",
		},
		AuthenticationConfiguration: &types.AuthenticationConfiguration{
			SecretArn: aws.String("arn:aws:secretsmanager:us-east-1:123456789012:secret:AmazonMSK_my-creds-AbC123"),
		},
		AthenaProperties: map[string]string{"spill_bucket": "spill", "spill_kms_key_id": "key-1"},
	}}
	got, err := ApplyGlueConnection(ctx, map[string]string{"glue_connection": "msk", "spill_bucket": "mine", "auth_type": ""}, f)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"glue_connection": "msk", "auth_type": "SASL_SSL_SCRAM_SHA512", "certificates_s3_reference": "s3://b/certs/",
		"secrets_manager_secret": "AmazonMSK_my-creds", "kafka_endpoint": "b-1.msk.example.com:9096",
		"spill_bucket": "mine", "kms_key_id": "key-1",
	}
	if len(got) != len(want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	s, err := FromEnv(func(k string) string { return got[k] })
	if err != nil || s.Type != SASLSSLScramSHA512 || s.Secret != "AmazonMSK_my-creds" {
		t.Errorf("settings from the connection: %+v, %v", s, err)
	}

	f.n = 0
	plain, err := ApplyGlueConnection(ctx, map[string]string{"auth_type": "NO_AUTH"}, f)
	if err != nil || f.n != 0 || plain["auth_type"] != "NO_AUTH" || len(plain) != 1 {
		t.Errorf("without glue_connection: %v, %v, %d calls", plain, err, f.n)
	}
	f.err = errors.New("boom")
	if _, err := ApplyGlueConnection(ctx, map[string]string{"glue_connection": "msk"}, f); err == nil || !strings.HasPrefix(err.Error(), `glue_connection "msk": `) || !errors.Is(err, f.err) {
		t.Errorf("GetConnection error: %v", err)
	}
}

func TestSecretName(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:secretsmanager:us-east-1:1:secret:a-b-c-XyZ123": "a-b-c",
		"arn:aws:secretsmanager:us-east-1:1:secret:plain-AbCdEf": "plain",
		"nodash": "nodash",
		"":       "",
	} {
		if got := secretName(arn); got != want {
			t.Errorf("secretName(%q) = %q, want %q", arn, got, want)
		}
	}
}
