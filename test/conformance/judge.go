// Package conformance drives the Java judge (judge.sh, Judge.java): a program on the published Athena
// Query Federation SDK that writes sample requests and reads our responses and spilled blocks with the
// SDK's own (strict) deserializers, the way Athena does.
package conformance

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// TestDir is the absolute path of the repository's test/ folder.
func TestDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// Script is the path of judge.sh.
func Script() string { return filepath.Join(TestDir(), "conformance", "judge.sh") }

// Summary is the judge's normalized view of one message or spilled block.
type Summary struct {
	Type   string           `json:"type"`
	Fields map[string]any   `json:"fields"`
	Schema *Schema          `json:"schema,omitempty"`
	Blocks map[string]Block `json:"blocks,omitempty"`
	// read-spill only
	Crypto   string `json:"crypto,omitempty"`
	RowCount int    `json:"rowCount,omitempty"`
}

// Schema as Java's Arrow sees it: field types are ArrowType.toString() ("Int(32, true)", "Utf8",
// "FloatingPoint(DOUBLE)", "Date(MILLISECOND)", ...).
type Schema struct {
	Fields   []Field           `json:"fields"`
	Metadata map[string]string `json:"metadata"`
}

// Field of a Schema.
type Field struct {
	Name     string            `json:"name"`
	Type     string            `json:"type"`
	Nullable bool              `json:"nullable"`
	Metadata map[string]string `json:"metadata"`
	Children []Field           `json:"children,omitempty"`
}

// Block values, one []any per row in schema order. Numbers are float64 (encoding/json); dates and
// timestamps are their raw numbers (days or milliseconds), decimals strings, binary base64, NULL nil.
type Block struct {
	RowCount int     `json:"rowCount"`
	Schema   *Schema `json:"schema"`
	Rows     [][]any `json:"rows"`
}

// Result of checking one file.
type Result struct {
	File    string   `json:"file"`
	Version int      `json:"version"`
	OK      bool     `json:"ok"`
	Summary *Summary `json:"summary"`
	Error   string   `json:"error"`
}

// Build builds the judge if needed (first run: Maven downloads the SDK).
func Build() error {
	cmd := exec.Command(Script(), "build")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("conformance: judge.sh build: %v\n%s", err, stderr.String())
	}
	return nil
}

// Requests writes the SDK's sample requests to outdir/v<N>/<Type>.json and returns the types per version.
func Requests(outdir string) (map[string][]string, error) {
	out, err := run("requests", outdir)
	if err != nil {
		return nil, err
	}
	var index map[string][]string
	if err := json.Unmarshal(out, &index); err != nil {
		return nil, fmt.Errorf("conformance: requests index: %v: %s", err, out)
	}
	return index, nil
}

// CheckResponses parses each file with the SDK's deserializers of serde version (2..6).
// A file that does not parse gives a Result with OK false and Error set, not an error.
func CheckResponses(version int, files ...string) ([]Result, error) {
	return check("check-response", version, files)
}

// CheckRequests is CheckResponses for requests.
func CheckRequests(version int, files ...string) ([]Result, error) {
	return check("check-request", version, files)
}

// CheckAll checks files of several serde versions in one run of the judge (one JVM start):
// byVersion maps a version to its files. Results come in version order, then file order.
func CheckAll(request bool, byVersion map[int][]string) ([]Result, error) {
	verb := "check-response"
	if request {
		verb = "check-request"
	}
	var versions []int
	for v := range byVersion {
		versions = append(versions, v)
	}
	sort.Ints(versions)
	var args, files []string
	for _, v := range versions {
		args = append(args, fmt.Sprintf("@%d", v))
		args = append(args, byVersion[v]...)
		files = append(files, byVersion[v]...)
	}
	if len(files) == 0 {
		return nil, nil
	}
	return runCheck(append([]string{verb, fmt.Sprint(versions[0])}, args...), files)
}

func check(verb string, version int, files []string) ([]Result, error) {
	if len(files) == 0 {
		return nil, nil
	}
	// the "@N" switch makes the judge answer one line per file even for one file
	return runCheck(append([]string{verb, fmt.Sprint(version), fmt.Sprintf("@%d", version)}, files...), files)
}

func runCheck(args, files []string) ([]Result, error) {
	out, runErr := run(args...) // a non-zero exit alone only says that some file failed
	var results []Result
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var r Result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("conformance: judge output %q: %v", line, err)
		}
		results = append(results, r)
	}
	if len(results) != len(files) {
		return nil, fmt.Errorf("conformance: judge answered %d of %d files (%v):\n%s", len(results), len(files), runErr, out)
	}
	return results, nil
}

// ReadSpill decrypts (AES-GCM with key and nonce; no encryption when key is nil) and reads one spilled
// block whose schema is schemaB64 (the base64 "schema" string of a RemoteReadRecordsResponse).
func ReadSpill(dir, schemaB64 string, object, key, nonce []byte) (*Summary, error) {
	sf := filepath.Join(dir, "schema.b64")
	of := filepath.Join(dir, "object.bin")
	if err := os.WriteFile(sf, []byte(schemaB64), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(of, object, 0o644); err != nil {
		return nil, err
	}
	k, n := "-", "-"
	if key != nil {
		k, n = base64.StdEncoding.EncodeToString(key), base64.StdEncoding.EncodeToString(nonce)
	}
	out, err := run("read-spill", sf, of, k, n)
	if err != nil {
		return nil, err
	}
	var s Summary
	if err := json.Unmarshal(out, &s); err != nil {
		return nil, fmt.Errorf("conformance: read-spill output: %v: %s", err, out)
	}
	return &s, nil
}

func run(args ...string) ([]byte, error) {
	cmd := exec.Command(Script(), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("conformance: judge.sh %s: %v\n%s", args[0], err, stderr.String())
	}
	return out, nil
}
