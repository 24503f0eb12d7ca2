// Package lambdatest runs Lambda bootstrap binaries under the AWS Lambda Runtime Interface Emulator
// (through test/lambda/rie.sh) and invokes them the way the Lambda service does.
package lambdatest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
)

// TestDir is the absolute path of the repository's test/ folder.
func TestDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

func script() string { return filepath.Join(TestDir(), "lambda", "rie.sh") }

// Install builds aws-lambda-rie into test/.cache/bin if it is not there yet and returns its path.
func Install() (string, error) {
	out, err := exec.Command(script(), "install").Output()
	if err != nil {
		return "", fmt.Errorf("lambdatest: rie.sh install: %w", exitErr(err))
	}
	return string(bytes.TrimSpace(out)), nil
}

// BuildBootstrap builds the Go main package pkg (a path or import path, relative to the repository
// root) as a static linux binary named bootstrap in dir, and returns its path.
func BuildBootstrap(dir, pkg string) (string, error) {
	out := filepath.Join(dir, "bootstrap")
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = filepath.Dir(TestDir())
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("lambdatest: go build %s: %v\n%s", pkg, err, b)
	}
	return out, nil
}

// Emulator is one aws-lambda-rie process serving one bootstrap on 127.0.0.1:Port.
type Emulator struct {
	Port      int
	Bootstrap string
	URL       string // invocation URL
	LogFile   string // RIE's and the function's output
}

// Start runs bootstrap under RIE on port. The function sees this process's environment plus env
// ("NAME=value" entries, later ones win).
func Start(bootstrap string, port int, env ...string) (*Emulator, error) {
	cmd := exec.Command(script(), "start", bootstrap, strconv.Itoa(port))
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("lambdatest: rie.sh start: %v\n%s", err, b)
	}
	return &Emulator{
		Port:      port,
		Bootstrap: bootstrap,
		URL:       fmt.Sprintf("http://127.0.0.1:%d/2015-03-31/functions/function/invocations", port),
		LogFile:   filepath.Join(TestDir(), ".run", "lambda", fmt.Sprintf("rie-%d.log", port)),
	}, nil
}

// Stop stops the emulator and the function process.
func (e *Emulator) Stop() error {
	if b, err := exec.Command(script(), "stop", strconv.Itoa(e.Port)).CombinedOutput(); err != nil {
		return fmt.Errorf("lambdatest: rie.sh stop: %v\n%s", err, b)
	}
	return nil
}

// Log returns what RIE and the function printed so far.
func (e *Emulator) Log() string {
	b, _ := os.ReadFile(e.LogFile)
	return string(b)
}

// Invoke sends payload as the event and returns the HTTP status and the function's answer. A function
// error comes back with status 200 and an error payload (see ParseFunctionError), as RIE does it.
func (e *Emulator) Invoke(ctx context.Context, payload []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL, bytes.NewReader(payload))
	if err != nil {
		return 0, nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// FunctionError is the payload Lambda returns when the handler fails.
type FunctionError struct {
	ErrorMessage string `json:"errorMessage"`
	ErrorType    string `json:"errorType"`
	StackTrace   []any  `json:"stackTrace,omitempty"`
	Cause        any    `json:"cause,omitempty"`
}

// ParseFunctionError reports whether body is a function error payload and returns it.
func ParseFunctionError(body []byte) (*FunctionError, bool) {
	var probe map[string]json.RawMessage
	if json.Unmarshal(body, &probe) != nil {
		return nil, false
	}
	if _, ok := probe["errorMessage"]; !ok {
		return nil, false
	}
	if _, ok := probe["errorType"]; !ok {
		return nil, false
	}
	var fe FunctionError
	if json.Unmarshal(body, &fe) != nil {
		return nil, false
	}
	return &fe, true
}

func exitErr(err error) error {
	if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
		return fmt.Errorf("%v: %s", err, ee.Stderr)
	}
	return err
}
