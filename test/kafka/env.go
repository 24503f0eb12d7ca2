// Package kafkatest gives Go tests access to the real Kafka broker started by test/kafka/broker.sh:
// its addresses, test users and certificate files (read from the env file the script writes), and
// ready-made sarama configurations for each listener.
package kafkatest

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/IBM/sarama"
	"github.com/xdg-go/scram"
)

// Env is what broker.sh writes to test/.run/kafka/env.
type Env struct {
	Bootstrap     string // PLAINTEXT listener, host:port
	SASLPlaintext string // SASL_PLAINTEXT listener (PLAIN, SCRAM-SHA-512)
	SSL           string // SSL listener, client certificate required
	SASLSSL       string // SASL_SSL listener (PLAIN, SCRAM-SHA-512)

	PlainUsername, PlainPassword string
	ScramUsername, ScramPassword string

	CertsDir                               string
	CAPEM, ClientCertPEM, ClientKeyPEM     string // file paths
	ClientKeystoreJKS, ClientTruststoreJKS string
	ClientKeystoreP12, ClientTruststoreP12 string
	KeystorePassword, TruststorePassword   string
	KeyPassword                            string // private-key password inside the JKS keystore
	Version                                string // Kafka version
}

var envNames = map[string]func(*Env) *string{
	"KAFKA_BOOTSTRAP":             func(e *Env) *string { return &e.Bootstrap },
	"KAFKA_SASL_PLAINTEXT":        func(e *Env) *string { return &e.SASLPlaintext },
	"KAFKA_SSL":                   func(e *Env) *string { return &e.SSL },
	"KAFKA_SASL_SSL":              func(e *Env) *string { return &e.SASLSSL },
	"KAFKA_PLAIN_USERNAME":        func(e *Env) *string { return &e.PlainUsername },
	"KAFKA_PLAIN_PASSWORD":        func(e *Env) *string { return &e.PlainPassword },
	"KAFKA_SCRAM_USERNAME":        func(e *Env) *string { return &e.ScramUsername },
	"KAFKA_SCRAM_PASSWORD":        func(e *Env) *string { return &e.ScramPassword },
	"KAFKA_CERTS_DIR":             func(e *Env) *string { return &e.CertsDir },
	"KAFKA_CA_PEM":                func(e *Env) *string { return &e.CAPEM },
	"KAFKA_CLIENT_CERT_PEM":       func(e *Env) *string { return &e.ClientCertPEM },
	"KAFKA_CLIENT_KEY_PEM":        func(e *Env) *string { return &e.ClientKeyPEM },
	"KAFKA_CLIENT_KEYSTORE_JKS":   func(e *Env) *string { return &e.ClientKeystoreJKS },
	"KAFKA_CLIENT_TRUSTSTORE_JKS": func(e *Env) *string { return &e.ClientTruststoreJKS },
	"KAFKA_CLIENT_KEYSTORE_P12":   func(e *Env) *string { return &e.ClientKeystoreP12 },
	"KAFKA_CLIENT_TRUSTSTORE_P12": func(e *Env) *string { return &e.ClientTruststoreP12 },
	"KAFKA_KEYSTORE_PASSWORD":     func(e *Env) *string { return &e.KeystorePassword },
	"KAFKA_TRUSTSTORE_PASSWORD":   func(e *Env) *string { return &e.TruststorePassword },
	"KAFKA_KEY_PASSWORD":          func(e *Env) *string { return &e.KeyPassword },
	"KAFKA_VERSION":               func(e *Env) *string { return &e.Version },
}

// TestDir is the absolute path of the repository's test/ folder.
func TestDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// EnvFile is where broker.sh writes the env file.
func EnvFile() string {
	if d := os.Getenv("KAFKA_RUN_DIR"); d != "" {
		return filepath.Join(d, "env")
	}
	return filepath.Join(TestDir(), ".run", "kafka", "env")
}

// Load reads the env file written by broker.sh. It fails if the broker was never started.
func Load() (*Env, error) {
	f, err := os.Open(EnvFile())
	if err != nil {
		return nil, fmt.Errorf("kafkatest: %w (start the broker with test/kafka/broker.sh start)", err)
	}
	defer f.Close()
	e := &Env{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export "))
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		if p, ok := envNames[k]; ok {
			*p(e) = v
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if e.Bootstrap == "" {
		return nil, fmt.Errorf("kafkatest: %s has no KAFKA_BOOTSTRAP", EnvFile())
	}
	return e, nil
}

// Status reports whether broker.sh sees a running, answering broker.
func Status() bool {
	return exec.Command(filepath.Join(TestDir(), "kafka", "broker.sh"), "status").Run() == nil
}

// Ensure returns the env of a running broker, starting one with broker.sh if none is running.
// stop stops the broker only if Ensure started it (call it at the end of TestMain).
func Ensure() (env *Env, stop func(), err error) {
	script := filepath.Join(TestDir(), "kafka", "broker.sh")
	stop = func() {}
	if !Status() {
		cmd := exec.Command(script, "start")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return nil, stop, fmt.Errorf("kafkatest: broker.sh start: %w", err)
		}
		stop = func() {
			cmd := exec.Command(script, "stop")
			cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
			_ = cmd.Run()
		}
	}
	env, err = Load()
	return env, stop, err
}

// Listener names accepted by Config.
const (
	Plaintext          = "PLAINTEXT"
	SASLPlaintextPlain = "SASL_PLAINTEXT/PLAIN"
	SASLPlaintextScram = "SASL_PLAINTEXT/SCRAM-SHA-512"
	SSL                = "SSL"
	SASLSSLPlain       = "SASL_SSL/PLAIN"
	SASLSSLScram       = "SASL_SSL/SCRAM-SHA-512"
)

// Listeners lists every listener/mechanism combination the broker offers.
var Listeners = []string{Plaintext, SASLPlaintextPlain, SASLPlaintextScram, SSL, SASLSSLPlain, SASLSSLScram}

// TLSConfig trusts the test CA and, with clientCert, presents the client certificate (PEM files).
func (e *Env) TLSConfig(clientCert bool) (*tls.Config, error) {
	ca, err := os.ReadFile(e.CAPEM)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, errors.New("kafkatest: no certificate in " + e.CAPEM)
	}
	c := &tls.Config{RootCAs: pool, ServerName: "localhost", MinVersion: tls.VersionTLS12}
	if clientCert {
		pair, err := tls.LoadX509KeyPair(e.ClientCertPEM, e.ClientKeyPEM)
		if err != nil {
			return nil, err
		}
		c.Certificates = []tls.Certificate{pair}
	}
	return c, nil
}

// Config returns the broker address and a sarama configuration for one of Listeners, logging in
// with the test user of that mechanism and the given password ("" means the right one).
func (e *Env) Config(listener, password string) (addr string, cfg *sarama.Config, err error) {
	cfg = sarama.NewConfig()
	cfg.ClientID = "kafkatest"
	cfg.Producer.Return.Successes = true
	cfg.Metadata.Retry.Max = 1
	proto, mech, _ := strings.Cut(listener, "/")
	switch proto {
	case "PLAINTEXT":
		addr = e.Bootstrap
	case "SASL_PLAINTEXT":
		addr = e.SASLPlaintext
	case "SSL":
		addr = e.SSL
	case "SASL_SSL":
		addr = e.SASLSSL
	default:
		return "", nil, fmt.Errorf("kafkatest: unknown listener %q", listener)
	}
	if strings.Contains(proto, "SSL") {
		tc, err := e.TLSConfig(proto == "SSL")
		if err != nil {
			return "", nil, err
		}
		cfg.Net.TLS.Enable = true
		cfg.Net.TLS.Config = tc
	}
	switch mech {
	case "":
	case "PLAIN":
		cfg.Net.SASL.Enable = true
		cfg.Net.SASL.Mechanism = sarama.SASLTypePlaintext
		cfg.Net.SASL.User, cfg.Net.SASL.Password = e.PlainUsername, e.PlainPassword
	case "SCRAM-SHA-512":
		cfg.Net.SASL.Enable = true
		cfg.Net.SASL.Mechanism = sarama.SASLTypeSCRAMSHA512
		cfg.Net.SASL.User, cfg.Net.SASL.Password = e.ScramUsername, e.ScramPassword
		cfg.Net.SASL.SCRAMClientGeneratorFunc = func() sarama.SCRAMClient { return &scramClient{hash: scram.SHA512} }
	default:
		return "", nil, fmt.Errorf("kafkatest: unknown mechanism %q", mech)
	}
	if password != "" {
		cfg.Net.SASL.Password = password
	}
	return addr, cfg, nil
}

// scramClient adapts xdg-go/scram to sarama.SCRAMClient.
type scramClient struct {
	hash scram.HashGeneratorFcn
	conv *scram.ClientConversation
}

func (c *scramClient) Begin(user, password, authzID string) error {
	cl, err := c.hash.NewClient(user, password, authzID)
	if err != nil {
		return err
	}
	c.conv = cl.NewConversation()
	return nil
}

func (c *scramClient) Step(challenge string) (string, error) { return c.conv.Step(challenge) }
func (c *scramClient) Done() bool                            { return c.conv.Done() }
