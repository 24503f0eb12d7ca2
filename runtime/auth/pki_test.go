package auth

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	keystore "github.com/pavlo-v-chernykh/keystore-go/v4"
	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// pki is a test CA with a server certificate for 127.0.0.1/localhost and
// a client certificate (CN "kafka-client") signed by it.
type pki struct {
	ca, server, client          *x509.Certificate
	caKey, serverKey, clientKey any
}

func newPKI(t testing.TB) *pki {
	t.Helper()
	p := &pki{}
	var err error
	p.caKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p.ca = issue(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "test CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign,
	}, p.caKey, nil, nil)
	p.serverKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p.server = issue(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "broker"}, DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}, p.serverKey, p.ca, p.caKey)
	p.clientKey, err = rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p.client = issue(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "kafka-client"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
	}, p.clientKey, p.ca, p.caKey)
	return p
}

var serial int64

func issue(t testing.TB, tmpl *x509.Certificate, key any, parent *x509.Certificate, parentKey any) *x509.Certificate {
	t.Helper()
	serial++
	tmpl.SerialNumber = big.NewInt(serial)
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = time.Now().Add(24 * time.Hour)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.(crypto.Signer).Public(), parentKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func pkcs8(t testing.TB, key any) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// jksKeystore is Java's kafka.client.keystore.jks: the client key and chain.
func (p *pki) jksKeystore(t testing.TB, storePass, keyPass string) []byte {
	ks := keystore.New()
	err := ks.SetPrivateKeyEntry("client", keystore.PrivateKeyEntry{
		CreationTime: time.Now(),
		PrivateKey:   pkcs8(t, p.clientKey),
		CertificateChain: []keystore.Certificate{
			{Type: "X509", Content: p.client.Raw}, {Type: "X509", Content: p.ca.Raw},
		},
	}, []byte(keyPass))
	if err != nil {
		t.Fatal(err)
	}
	return storeJKS(t, ks, storePass)
}

// jksTruststore is Java's kafka.client.truststore.jks: the CA.
func (p *pki) jksTruststore(t testing.TB, storePass string) []byte {
	ks := keystore.New()
	if err := ks.SetTrustedCertificateEntry("caroot", keystore.TrustedCertificateEntry{
		CreationTime: time.Now(), Certificate: keystore.Certificate{Type: "X509", Content: p.ca.Raw},
	}); err != nil {
		t.Fatal(err)
	}
	return storeJKS(t, ks, storePass)
}

func storeJKS(t testing.TB, ks keystore.KeyStore, pass string) []byte {
	var b bytes.Buffer
	if err := ks.Store(&b, []byte(pass)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (p *pki) p12Keystore(t testing.TB, pass string) []byte {
	b, err := pkcs12.Modern.Encode(p.clientKey, p.client, []*x509.Certificate{p.ca}, pass)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (p *pki) p12Truststore(t testing.TB, pass string) []byte {
	b, err := pkcs12.Modern.EncodeTrustStore([]*x509.Certificate{p.ca}, pass)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (p *pki) pemClient(t testing.TB) []byte {
	return append(pemBlock("PRIVATE KEY", pkcs8(t, p.clientKey)), pemBlock("CERTIFICATE", p.client.Raw)...)
}

func (p *pki) pemCA() []byte { return pemBlock("CERTIFICATE", p.ca.Raw) }

// encryptedPEMKey encrypts the client key with openssl (PBES2, AES-256-CBC,
// PBKDF2-HMAC-SHA256), skipping the test when openssl is missing.
func (p *pki) encryptedPEMKey(t testing.TB, pass string) []byte {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(in, pemBlock("PRIVATE KEY", pkcs8(t, p.clientKey)), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256",
		"-in", in, "-passout", "pass:"+pass).Output()
	if err != nil {
		t.Fatalf("openssl: %v", err)
	}
	return out
}

// tlsServer accepts TLS connections that present a client certificate
// signed by the CA and sends each peer's common name on got.
func (p *pki) tlsServer(t testing.TB) (addr string, got <-chan string) {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AddCert(p.ca)
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{p.server.Raw, p.ca.Raw}, PrivateKey: p.serverKey}},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    pool,
		MinVersion:   tls.VersionTLS12,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	ch := make(chan string, 10)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				tc := c.(*tls.Conn)
				if err := tc.Handshake(); err != nil {
					ch <- "handshake error: " + err.Error()
					return
				}
				ch <- tc.ConnectionState().PeerCertificates[0].Subject.CommonName
				_, _ = io.Copy(io.Discard, c)
			}()
		}
	}()
	return l.Addr().String(), ch
}

// handshake dials addr with cfg as sarama would (ServerName from the
// address) and returns what the server saw.
func handshake(t testing.TB, addr string, cfg *tls.Config, got <-chan string) (string, error) {
	t.Helper()
	c := cfg.Clone()
	host, _, _ := net.SplitHostPort(addr)
	c.ServerName = host
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, c)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	select {
	case cn := <-got:
		return cn, nil
	case <-time.After(5 * time.Second):
		t.Fatal("server saw no handshake")
		return "", nil
	}
}
