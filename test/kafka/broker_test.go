//go:build integration

package kafkatest

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/pavlo-v-chernykh/keystore-go/v4"
	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

var env *Env

func TestMain(m *testing.M) {
	e, stop, err := Ensure()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	env = e
	code := m.Run()
	stop()
	os.Exit(code)
}

// TestListenersProduceConsume produces one message and reads it back over every listener.
func TestListenersProduceConsume(t *testing.T) {
	for _, l := range Listeners {
		t.Run(strings.ReplaceAll(l, "/", "_"), func(t *testing.T) {
			addr, cfg, err := env.Config(l, "")
			if err != nil {
				t.Fatal(err)
			}
			client, err := sarama.NewClient([]string{addr}, cfg)
			if err != nil {
				t.Fatalf("connect %s over %s: %v", addr, l, err)
			}
			defer client.Close()

			topic := fmt.Sprintf("kafkatest-%s-%d", strings.NewReplacer("/", "-", "_", "-").Replace(strings.ToLower(l)), time.Now().UnixNano())
			admin, err := sarama.NewClusterAdminFromClient(client)
			if err != nil {
				t.Fatal(err)
			}
			if err := admin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1}, false); err != nil {
				t.Fatalf("create topic: %v", err)
			}

			producer, err := sarama.NewSyncProducerFromClient(client)
			if err != nil {
				t.Fatal(err)
			}
			defer producer.Close()
			want := "hello over " + l
			var part int32
			var off int64
			for try := 0; ; try++ { // the new topic's leader may take a moment
				part, off, err = producer.SendMessage(&sarama.ProducerMessage{
					Topic: topic, Key: sarama.StringEncoder("k"), Value: sarama.StringEncoder(want),
					Headers: []sarama.RecordHeader{{Key: []byte("h"), Value: []byte("v")}},
				})
				if err == nil || try == 20 {
					break
				}
				time.Sleep(250 * time.Millisecond)
			}
			if err != nil {
				t.Fatalf("produce: %v", err)
			}
			if part != 0 || off != 0 {
				t.Fatalf("produced at partition %d offset %d, want 0/0", part, off)
			}

			consumer, err := sarama.NewConsumerFromClient(client)
			if err != nil {
				t.Fatal(err)
			}
			defer consumer.Close()
			pc, err := consumer.ConsumePartition(topic, 0, sarama.OffsetOldest)
			if err != nil {
				t.Fatal(err)
			}
			defer pc.Close()
			select {
			case msg := <-pc.Messages():
				if string(msg.Value) != want || string(msg.Key) != "k" || msg.Offset != 0 {
					t.Fatalf("consumed key %q value %q offset %d, want k %q 0", msg.Key, msg.Value, msg.Offset, want)
				}
				if len(msg.Headers) != 1 || string(msg.Headers[0].Key) != "h" || string(msg.Headers[0].Value) != "v" {
					t.Fatalf("headers %v", msg.Headers)
				}
			case err := <-pc.Errors():
				t.Fatalf("consume: %v", err)
			case <-time.After(20 * time.Second):
				t.Fatal("no message within 20s")
			}
		})
	}
}

// TestWrongPassword: every SASL listener/mechanism rejects a wrong password with an authentication error.
func TestWrongPassword(t *testing.T) {
	for _, l := range []string{SASLPlaintextPlain, SASLPlaintextScram, SASLSSLPlain, SASLSSLScram} {
		t.Run(strings.ReplaceAll(l, "/", "_"), func(t *testing.T) {
			addr, cfg, err := env.Config(l, "wrong-password")
			if err != nil {
				t.Fatal(err)
			}
			cfg.Metadata.Retry.Max = 0
			client, err := sarama.NewClient([]string{addr}, cfg)
			if err == nil {
				client.Close()
				t.Fatalf("%s accepted a wrong password", l)
			}
			if !errors.Is(err, sarama.ErrSASLAuthenticationFailed) {
				t.Fatalf("want ErrSASLAuthenticationFailed, got %v", err)
			}
		})
	}
}

// TestSSLRequiresClientCertificate: the SSL listener refuses a client without a certificate.
func TestSSLRequiresClientCertificate(t *testing.T) {
	addr, cfg, err := env.Config(SSL, "")
	if err != nil {
		t.Fatal(err)
	}
	tc, err := env.TLSConfig(false)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Net.TLS.Config = tc
	cfg.Metadata.Retry.Max = 0
	client, err := sarama.NewClient([]string{addr}, cfg)
	if err == nil {
		client.Close()
		t.Fatal("SSL listener accepted a client without a certificate")
	}
	if !errors.Is(err, sarama.ErrOutOfBrokers) {
		t.Fatalf("want a connection failure, got %v", err)
	}
}

// TestCertificateFiles: the JKS and PKCS#12 client stores open with the passwords in the env file and
// hold the client key, its certificate chain and the CA that signed the broker.
func TestCertificateFiles(t *testing.T) {
	ca := readPEMCert(t, env.CAPEM)
	client := readPEMCert(t, env.ClientCertPEM)

	ks := keystore.New()
	f, err := os.Open(env.ClientKeystoreJKS)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := ks.Load(f, []byte(env.KeystorePassword)); err != nil {
		t.Fatalf("load %s: %v", env.ClientKeystoreJKS, err)
	}
	entry, err := ks.GetPrivateKeyEntry("client", []byte(env.KeyPassword))
	if err != nil {
		t.Fatalf("JKS key entry with KAFKA_KEY_PASSWORD: %v", err)
	}
	if len(entry.CertificateChain) != 2 || !bytes.Equal(entry.CertificateChain[0].Content, client.Raw) ||
		!bytes.Equal(entry.CertificateChain[1].Content, ca.Raw) {
		t.Fatalf("JKS chain has %d certificates, want client + CA", len(entry.CertificateChain))
	}
	if _, err := x509.ParsePKCS8PrivateKey(entry.PrivateKey); err != nil {
		t.Fatalf("JKS private key: %v", err)
	}

	ts := keystore.New()
	tf, err := os.Open(env.ClientTruststoreJKS)
	if err != nil {
		t.Fatal(err)
	}
	defer tf.Close()
	if err := ts.Load(tf, []byte(env.TruststorePassword)); err != nil {
		t.Fatalf("load %s: %v", env.ClientTruststoreJKS, err)
	}
	tc, err := ts.GetTrustedCertificateEntry("ca")
	if err != nil || !bytes.Equal(tc.Certificate.Content, ca.Raw) {
		t.Fatalf("JKS truststore CA entry: %v", err)
	}

	p12, err := os.ReadFile(env.ClientKeystoreP12)
	if err != nil {
		t.Fatal(err)
	}
	_, cert, chain, err := pkcs12.DecodeChain(p12, env.KeystorePassword)
	if err != nil {
		t.Fatalf("PKCS#12 keystore: %v", err)
	}
	if !cert.Equal(client) || len(chain) != 1 || !chain[0].Equal(ca) {
		t.Fatal("PKCS#12 keystore does not hold the client certificate and the CA")
	}
	tp12, err := os.ReadFile(env.ClientTruststoreP12)
	if err != nil {
		t.Fatal(err)
	}
	certs, err := pkcs12.DecodeTrustStore(tp12, env.TruststorePassword)
	if err != nil || len(certs) != 1 || !certs[0].Equal(ca) {
		t.Fatalf("PKCS#12 truststore: %v (%d certificates)", err, len(certs))
	}
}

func readPEMCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatalf("%s: no PEM block", path)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestTransactions: the broker runs the transaction coordinator with replication factor 1, so a
// transactional producer works; read_committed consumers see committed records only, and the
// partition's high watermark counts the aborted records and the transaction markers too.
func TestTransactions(t *testing.T) {
	addr, cfg, err := env.Config(Plaintext, "")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Producer.Idempotent = true
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Producer.Transaction.ID = fmt.Sprintf("kafkatest-tx-%d", time.Now().UnixNano())
	cfg.Net.MaxOpenRequests = 1
	client, err := sarama.NewClient([]string{addr}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	topic := fmt.Sprintf("kafkatest-tx-%d", time.Now().UnixNano())
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1}, false); err != nil {
		t.Fatal(err)
	}
	producer, err := sarama.NewSyncProducerFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	defer producer.Close()
	send := func(v string) {
		t.Helper()
		var err error
		for try := 0; try < 20; try++ {
			if _, _, err = producer.SendMessage(&sarama.ProducerMessage{Topic: topic, Value: sarama.StringEncoder(v)}); err == nil {
				return
			}
			time.Sleep(250 * time.Millisecond)
		}
		t.Fatalf("send %s: %v", v, err)
	}
	if err := producer.BeginTxn(); err != nil {
		t.Fatal(err)
	}
	send("committed")
	if err := producer.CommitTxn(); err != nil {
		t.Fatal(err)
	}
	if err := producer.BeginTxn(); err != nil {
		t.Fatal(err)
	}
	send("aborted")
	if err := producer.AbortTxn(); err != nil {
		t.Fatal(err)
	}

	// The coordinator writes the abort marker after AbortTxn returns: wait
	// for it rather than race it.
	var hwm int64
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if hwm, err = client.GetOffset(topic, 0, sarama.OffsetNewest); err != nil {
			t.Fatal(err)
		}
		if hwm == 4 || time.Now().After(deadline) {
			break
		}
	}
	if hwm != 4 { // committed record, commit marker, aborted record, abort marker
		t.Errorf("high watermark %d, want 4", hwm)
	}

	ccfg := sarama.NewConfig()
	ccfg.Consumer.IsolationLevel = sarama.ReadCommitted
	consumer, err := sarama.NewConsumer([]string{addr}, ccfg)
	if err != nil {
		t.Fatal(err)
	}
	defer consumer.Close()
	pc, err := consumer.ConsumePartition(topic, 0, sarama.OffsetOldest)
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	var got []string
	timeout := time.After(5 * time.Second)
loop:
	for {
		select {
		case m := <-pc.Messages():
			got = append(got, string(m.Value))
		case err := <-pc.Errors():
			t.Fatal(err)
		case <-timeout:
			break loop
		}
	}
	if strings.Join(got, ",") != "committed" {
		t.Errorf("read_committed saw %v, want [committed]", got)
	}
}
