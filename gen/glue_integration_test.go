//go:build integration

package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/athena-kafka/athena-kafka/test/awstest"
)

// TestGluePull runs gen -glue against moto: it pulls the marked registries
// only, writes their documents and a lock file into the schema folder, and
// generates decoders that compile.
func TestGluePull(t *testing.T) {
	m := awstest.Start(t)
	ctx := context.Background()
	g := m.Glue()
	marked := awstest.Unique("kafkaregistry")
	names, err := awstest.Seed(ctx, g, marked, "../schemas")
	if err != nil {
		t.Fatal(err)
	}
	unmarked := awstest.Unique("other")
	if err := awstest.EnsureRegistry(ctx, g, unmarked, "not for Athena"); err != nil {
		t.Fatal(err)
	}
	if err := awstest.PutSchema(ctx, g, unmarked, "secret_topic", "JSON", `{"topicName":"secret","message":{"dataFormat":"json","fields":[{"name":"a","mapping":"a","type":"INT"}]}}`); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ENDPOINT_URL", m.Endpoint)
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_REGION", awstest.Region)

	// The output must be inside the module to compile against the runtime.
	out, err := os.MkdirTemp(".", "gluetest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(out) })
	schemas := filepath.Join(out, "schemas")
	gen := filepath.Join(out, "generated")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-glue", "-schemas", schemas, "-out", gen}, &stdout, &stderr); code != 0 {
		t.Fatalf("gen -glue exit %d:\n%s", code, stderr.String())
	}
	files, _ := filepath.Glob(filepath.Join(schemas, "*.json"))
	var got []string
	for _, f := range files {
		got = append(got, strings.TrimSuffix(filepath.Base(f), ".json"))
	}
	sort.Strings(got)
	sort.Strings(names)
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Fatalf("pulled %v, want the marked registry's %v (and not the unmarked one's)", got, names)
	}
	for _, n := range names {
		want, _ := os.ReadFile(filepath.Join("../schemas", n+".json"))
		have, _ := os.ReadFile(filepath.Join(schemas, n+".json"))
		if !bytes.Equal(bytes.TrimSpace(want), bytes.TrimSpace(have)) {
			t.Errorf("%s: pulled document differs from the seeded one", n)
		}
		if _, err := os.Stat(filepath.Join(gen, n+".gen.go")); err != nil {
			t.Errorf("no decoder generated for %s: %v", n, err)
		}
	}
	lock, err := os.ReadFile(filepath.Join(schemas, "glue.lock"))
	if err != nil || !strings.Contains(string(lock), marked+"/") {
		t.Fatalf("lock file %q (%v) does not name registry %s", lock, err, marked)
	}
	cmd := exec.Command("go", "vet", "./"+filepath.ToSlash(gen))
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generated decoders do not compile: %v\n%s", err, b)
	}
}
