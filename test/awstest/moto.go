// Package awstest runs tests against moto, the AWS emulator, in server mode
// on loopback: Glue Schema Registry (with the ListSchemas, ListSchemaVersions
// and ListRegistries paging that test/aws/moto_server.py adds), S3, Secrets
// Manager and KMS. No test needs AWS credentials or the internet.
//
// Start launches a fresh moto for one test on a free port and stops it when
// the test ends, unless MOTO_ENDPOINT names one that is already running
// (then tests share its state and must use unique names, see Unique).
package awstest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// Environment variables read by Start.
const (
	// EnvEndpoint, when set (e.g. http://127.0.0.1:5055), is a running moto
	// to use instead of starting one.
	EnvEndpoint = "MOTO_ENDPOINT"
	// EnvPython names the Python interpreter that has moto installed
	// (default python3).
	EnvPython = "MOTO_PYTHON"
)

// Region is the region of every client Start configures.
const Region = "us-east-1"

// Account is moto's default account id, which appears in its ARNs.
const Account = "123456789012"

// readyTimeout bounds how long a starting moto may take to answer HTTP;
// it usually needs one to two seconds, more on a loaded machine.
const readyTimeout = 60 * time.Second

// Moto is a moto server a test talks to.
type Moto struct {
	// Endpoint is moto's base URL, http://127.0.0.1:PORT.
	Endpoint string
	// Config points every AWS client at Endpoint, with static fake
	// credentials and region us-east-1.
	Config aws.Config
}

// Start returns a moto for t: the one named by MOTO_ENDPOINT, or a new one
// on a free loopback port that is killed when t ends. It fails t if moto
// cannot be started.
func Start(t testing.TB) *Moto {
	t.Helper()
	if ep := os.Getenv(EnvEndpoint); ep != "" {
		if err := waitReady(ep, 5*time.Second); err != nil {
			t.Fatalf("awstest: %s=%s: %v", EnvEndpoint, ep, err)
		}
		return New(ep)
	}
	var lastErr error
	for range 3 { // a free port can be taken between probe and bind
		ep, err := launch(t)
		if err == nil {
			return New(ep)
		}
		lastErr = err
	}
	t.Fatalf("awstest: start moto: %v", lastErr)
	return nil
}

// New returns a Moto for a server already running at endpoint.
func New(endpoint string) *Moto {
	return &Moto{Endpoint: endpoint, Config: Config(endpoint)}
}

// Config is an aws.Config for a moto at endpoint.
func Config(endpoint string) aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		BaseEndpoint: aws.String(endpoint),
	}
}

// Glue is a Glue client for m.
func (m *Moto) Glue() *glue.Client { return glue.NewFromConfig(m.Config) }

// S3 is an S3 client for m, using path-style addressing (moto on loopback
// has no per-bucket host names).
func (m *Moto) S3() *s3.Client {
	return s3.NewFromConfig(m.Config, func(o *s3.Options) { o.UsePathStyle = true })
}

// SecretsManager is a Secrets Manager client for m.
func (m *Moto) SecretsManager() *secretsmanager.Client {
	return secretsmanager.NewFromConfig(m.Config)
}

// KMS is a KMS client for m.
func (m *Moto) KMS() *kms.Client { return kms.NewFromConfig(m.Config) }

// Unique returns prefix followed by a random suffix of lower-case hex
// digits, so tests sharing one moto do not collide.
func Unique(prefix string) string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// launch starts moto_server.py on a free port and waits until it answers.
func launch(t testing.TB) (string, error) {
	port, err := freePort()
	if err != nil {
		return "", err
	}
	python := os.Getenv(EnvPython)
	if python == "" {
		python = "python3"
	}
	cmd := exec.Command(python, ScriptPath(), "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("%s %s: %w", python, ScriptPath(), err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	stop := func() {
		// The whole process group: moto is ours alone, started above.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	}
	ep := "http://127.0.0.1:" + strconv.Itoa(port)
	if err := waitReadyOrExit(ep, readyTimeout, exited); err != nil {
		stop()
		return "", fmt.Errorf("%v; moto output:\n%s", err, out.String())
	}
	t.Cleanup(stop)
	return ep, nil
}

// ScriptPath is the path of test/aws/moto_server.py in this checkout.
func ScriptPath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "aws", "moto_server.py")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func waitReady(ep string, timeout time.Duration) error {
	return waitReadyOrExit(ep, timeout, nil)
}

// waitReadyOrExit polls ep until any HTTP answer, the process exits, or
// timeout passes.
func waitReadyOrExit(ep string, timeout time.Duration, exited <-chan struct{}) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ep+"/", nil)
		resp, err := client.Do(req)
		cancel()
		if err == nil {
			resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("moto at %s not ready after %v: %w", ep, timeout, err)
		}
		select {
		case <-exited:
			return fmt.Errorf("moto exited before it was ready")
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// syncBuffer collects a child's output; the exec package writes it from
// its own goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
