package auth

import (
	"bytes"
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	keystore "github.com/pavlo-v-chernykh/keystore-go/v4"
	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// S3API is the part of the S3 client auth uses to fetch certificates.
type S3API interface {
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, opts ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// File is one certificate file: its name (S3 key) and content.
type File struct {
	Name string
	Data []byte
}

// Material is what the certificate files hold.
type Material struct {
	// Certificate is the client certificate chain and key, nil if none.
	Certificate *tls.Certificate
	// Roots are the trusted CA certificates, nil if none (then the system
	// CAs are used).
	Roots *x509.CertPool
}

// Limits on a certificates folder: more is surely a wrong prefix.
const (
	maxCertFiles = 100
	maxCertBytes = 8 << 20
)

// certCache holds each certificates folder fetched in this process: a
// Lambda container downloads them once, not per split as the Java
// connector did.
var certCache sync.Map // s3 URI -> []File

// FetchCertificates downloads every object under uri (s3://bucket/prefix,
// any depth, all pages), once per process. A prefix names a folder (a
// trailing slash is implied) or a single object.
func FetchCertificates(ctx context.Context, client S3API, uri string) ([]File, error) {
	if f, ok := certCache.Load(uri); ok {
		return f.([]File), nil
	}
	bucket, prefix, err := parseS3URI(uri)
	if err != nil {
		return nil, err
	}
	var files []File
	var total int64
	p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s %q: list: %w", EnvCertificates, uri, err)
		}
		for _, o := range page.Contents {
			key := aws.ToString(o.Key)
			// "certs" must not match "certs2/...": a prefix is a folder or one object.
			if strings.HasSuffix(key, "/") || !(prefix == "" || strings.HasSuffix(prefix, "/") ||
				key == prefix || strings.HasPrefix(key, prefix+"/")) {
				continue
			}
			total += aws.ToInt64(o.Size)
			if len(files) == maxCertFiles || total > maxCertBytes {
				return nil, fmt.Errorf("%s %q holds more than %d files or %d bytes; point it at the certificates folder",
					EnvCertificates, uri, maxCertFiles, maxCertBytes)
			}
			data, err := getObject(ctx, client, bucket, key)
			if err != nil {
				return nil, fmt.Errorf("%s %q: %w", EnvCertificates, uri, err)
			}
			files = append(files, File{Name: key, Data: data})
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s %q: no objects found", EnvCertificates, uri)
	}
	certCache.Store(uri, files)
	return files, nil
}

func getObject(ctx context.Context, client S3API, bucket, key string) ([]byte, error) {
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, fmt.Errorf("get s3://%s/%s: %w", bucket, key, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(io.LimitReader(out.Body, maxCertBytes+1))
	if err != nil {
		return nil, fmt.Errorf("get s3://%s/%s: %w", bucket, key, err)
	}
	return data, nil
}

// source is what one store entry or file holds: an optional private key
// and certificates. Certificates of sources without a key are trusted CAs,
// unless they turn out to hold the client's own certificate.
type source struct {
	name  string
	key   crypto.Signer
	certs []*x509.Certificate
}

// ParseCertificates reads the client key and certificates and the trusted
// CAs from files, by content, not name: JKS, PKCS#12 (what Java's keytool
// writes since Java 9, whatever the file is called), PEM, or a DER
// certificate. Store passwords are tried from creds (the one matching the
// file name first); the JKS private key uses ssl_key_password, else the
// store password. Files of another kind are ignored. More than one private
// key is an error.
func ParseCertificates(files []File, creds Credentials) (*Material, error) {
	var srcs []source
	for _, f := range files {
		s, err := parseFile(f, creds)
		if err != nil {
			return nil, fmt.Errorf("certificate file %s: %w", f.Name, err)
		}
		srcs = append(srcs, s...)
	}
	var keyed []int
	for i, s := range srcs {
		if s.key != nil {
			keyed = append(keyed, i)
		}
	}
	if len(keyed) > 1 {
		var names []string
		for _, i := range keyed {
			names = append(names, srcs[i].name)
		}
		return nil, fmt.Errorf("more than one client private key in the certificates: %s; keep one", strings.Join(names, ", "))
	}
	m := &Material{}
	if len(keyed) == 1 {
		ks := &srcs[keyed[0]]
		leafSrc, leaf := findLeaf(srcs, keyed[0])
		if leaf < 0 {
			return nil, fmt.Errorf("no certificate for the private key in %s", ks.name)
		}
		cs := srcs[leafSrc].certs
		cert := &tls.Certificate{PrivateKey: ks.key, Leaf: cs[leaf], Certificate: [][]byte{cs[leaf].Raw}}
		for i, c := range cs {
			if i != leaf {
				cert.Certificate = append(cert.Certificate, c.Raw)
			}
		}
		m.Certificate = cert
		srcs[leafSrc].certs = nil // the client's own chain, not trusted CAs
	}
	for _, s := range srcs {
		if s.key != nil {
			continue
		}
		for _, c := range s.certs {
			if m.Roots == nil {
				m.Roots = x509.NewCertPool()
			}
			m.Roots.AddCert(c)
		}
	}
	return m, nil
}

// findLeaf finds the certificate of srcs[k].key: in its own source first,
// then in any other.
func findLeaf(srcs []source, k int) (src, cert int) {
	pub, ok := srcs[k].key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok {
		return -1, -1
	}
	order := []int{k}
	for i := range srcs {
		if i != k && srcs[i].key == nil {
			order = append(order, i)
		}
	}
	for _, i := range order {
		for j, c := range srcs[i].certs {
			if pub.Equal(c.PublicKey) {
				return i, j
			}
		}
	}
	return -1, -1
}

const (
	jksMagic   = 0xfeedfeed
	jceksMagic = 0xcececece
)

// knownExt are the extensions of files that must parse; others are
// skipped when they are not recognisably certificates.
var knownExt = map[string]bool{
	".jks": true, ".keystore": true, ".truststore": true, ".p12": true, ".pfx": true,
	".pem": true, ".crt": true, ".cer": true, ".der": true, ".key": true,
}

func parseFile(f File, creds Credentials) ([]source, error) {
	data := f.Data
	switch {
	case len(data) >= 4 && binary.BigEndian.Uint32(data) == jksMagic:
		return parseJKS(f, creds)
	case len(data) >= 4 && binary.BigEndian.Uint32(data) == jceksMagic:
		return nil, errors.New("JCEKS key stores are not supported; convert it to PKCS#12 with keytool -importkeystore -deststoretype PKCS12")
	case bytes.Contains(data, []byte("-----BEGIN ")):
		return parsePEM(f, creds)
	case len(data) > 0 && data[0] == 0x30: // DER SEQUENCE: PKCS#12 or a certificate
		if c, err := x509.ParseCertificate(data); err == nil {
			return []source{{name: f.Name, certs: []*x509.Certificate{c}}}, nil
		}
		return parsePKCS12(f, creds)
	}
	if knownExt[strings.ToLower(path.Ext(f.Name))] {
		return nil, errors.New("not a JKS, PKCS#12 or PEM file")
	}
	return nil, nil
}

// passwords lists the store passwords to try for file name, most likely
// first, without duplicates; "" last (unprotected stores).
func passwords(name string, c Credentials) []string {
	cands := []string{c.KeystorePassword, c.TruststorePassword}
	if strings.Contains(strings.ToLower(path.Base(name)), "trust") {
		cands[0], cands[1] = cands[1], cands[0]
	}
	cands = append(cands, c.KeyPassword, "")
	var out []string
	seen := map[string]bool{}
	for _, p := range cands {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

var errPassword = errors.New("wrong password: none of keystore_password, truststore_password, ssl_key_password in the secret opens it")

func parseJKS(f File, creds Credentials) ([]source, error) {
	var ks keystore.KeyStore
	var storePass string
	ok := false
	for _, p := range passwords(f.Name, creds) {
		ks = keystore.New(keystore.WithOrderedAliases(), keystore.WithCaseExactAliases())
		if err := ks.Load(bytes.NewReader(f.Data), []byte(p)); err == nil {
			storePass, ok = p, true
			break
		} else if !strings.Contains(err.Error(), "invalid digest") {
			return nil, fmt.Errorf("read JKS: %w", err)
		}
	}
	if !ok {
		return nil, errPassword
	}
	var out []source
	trusted := source{name: f.Name}
	for _, alias := range ks.Aliases() {
		switch {
		case ks.IsPrivateKeyEntry(alias):
			var entry keystore.PrivateKeyEntry
			var err error
			for _, p := range dedupe(creds.KeyPassword, storePass) {
				if entry, err = ks.GetPrivateKeyEntry(alias, []byte(p)); err == nil {
					break
				}
			}
			if err != nil {
				return nil, fmt.Errorf("private key %q: ssl_key_password (or the store password) does not open it: %w", alias, err)
			}
			key, err := parseKeyDER(entry.PrivateKey)
			if err != nil {
				return nil, fmt.Errorf("private key %q: %w", alias, err)
			}
			s := source{name: f.Name + ":" + alias, key: key}
			for _, c := range entry.CertificateChain {
				cert, err := x509.ParseCertificate(c.Content)
				if err != nil {
					return nil, fmt.Errorf("certificate chain of %q: %w", alias, err)
				}
				s.certs = append(s.certs, cert)
			}
			out = append(out, s)
		case ks.IsTrustedCertificateEntry(alias):
			e, err := ks.GetTrustedCertificateEntry(alias)
			if err != nil {
				return nil, fmt.Errorf("trusted certificate %q: %w", alias, err)
			}
			cert, err := x509.ParseCertificate(e.Certificate.Content)
			if err != nil {
				return nil, fmt.Errorf("trusted certificate %q: %w", alias, err)
			}
			trusted.certs = append(trusted.certs, cert)
		}
	}
	if len(trusted.certs) > 0 {
		out = append(out, trusted)
	}
	return out, nil
}

func dedupe(ps ...string) []string {
	if len(ps) == 2 && ps[0] == ps[1] {
		return ps[:1]
	}
	return ps
}

func parsePKCS12(f File, creds Credentials) ([]source, error) {
	for _, p := range passwords(f.Name, creds) {
		key, leaf, cas, err := pkcs12.DecodeChain(f.Data, p)
		if errors.Is(err, pkcs12.ErrIncorrectPassword) {
			continue
		}
		if err == nil {
			signer, ok := key.(crypto.Signer)
			if !ok {
				return nil, fmt.Errorf("PKCS#12 private key of type %T is not supported", key)
			}
			return []source{{name: f.Name, key: signer, certs: append([]*x509.Certificate{leaf}, cas...)}}, nil
		}
		// No key bag: a trust store.
		certs, terr := pkcs12.DecodeTrustStore(f.Data, p)
		if errors.Is(terr, pkcs12.ErrIncorrectPassword) {
			continue
		}
		if terr != nil {
			return nil, fmt.Errorf("read PKCS#12: %w", err) // the key store's error says more
		}
		return []source{{name: f.Name, certs: certs}}, nil
	}
	return nil, errPassword
}

func parsePEM(f File, creds Credentials) ([]source, error) {
	s := source{name: f.Name}
	rest := f.Data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		switch b.Type {
		case "CERTIFICATE", "TRUSTED CERTIFICATE":
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("PEM certificate: %w", err)
			}
			s.certs = append(s.certs, c)
		case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY":
			if s.key != nil {
				return nil, errors.New("more than one private key")
			}
			var key crypto.Signer
			var err error
			switch {
			case b.Type == "ENCRYPTED PRIVATE KEY":
				key, err = decryptPKCS8(b.Bytes, creds.KeyPassword)
			case b.Headers["Proc-Type"] != "":
				err = errors.New("legacy encrypted PEM keys (Proc-Type) are not supported; use PKCS#8 (openssl pkcs8 -topk8) with ssl_key_password")
			default:
				key, err = parseKeyDER(b.Bytes)
			}
			if err != nil {
				return nil, fmt.Errorf("PEM %s: %w", strings.ToLower(b.Type), err)
			}
			s.key = key
		}
	}
	if s.key == nil && len(s.certs) == 0 {
		return nil, errors.New("PEM file without a certificate or private key")
	}
	return []source{s}, nil
}

// parseKeyDER parses a PKCS#8, PKCS#1 (RSA) or SEC 1 (EC) private key.
func parseKeyDER(der []byte) (crypto.Signer, error) {
	var key any
	var err error
	if key, err = x509.ParsePKCS8PrivateKey(der); err != nil {
		if k, err1 := x509.ParsePKCS1PrivateKey(der); err1 == nil {
			key, err = k, nil
		} else if k, err2 := x509.ParseECPrivateKey(der); err2 == nil {
			key, err = k, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("parse private key: %w", err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("private key of type %T is not supported", key)
	}
	return signer, nil
}
