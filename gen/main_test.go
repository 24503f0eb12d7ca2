package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/athena-kafka/athena-kafka/gen/emit"
	"github.com/athena-kafka/athena-kafka/gen/plan"
	"github.com/athena-kafka/athena-kafka/gen/source"
)

var update = flag.Bool("update", false, "rewrite the golden files of gen/testdata")

// generate runs source -> plan -> emit on a case folder and returns the files
// a golden case holds: plan.json and the Go files, or error.txt.
func generate(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	docs, err := source.Folder(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Build(docs)
	if err != nil {
		return map[string][]byte{"error.txt": []byte(err.Error() + "\n")}
	}
	out, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	files, err := emit.Emit(p)
	if err != nil {
		t.Fatal(err)
	}
	files["plan.json"] = append(out, '\n')
	return files
}

// TestGolden compares every case in testdata/<case>/ (input in schemas/,
// expected output in want/) with what the generator makes now.
func TestGolden(t *testing.T) {
	cases, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name(), func(t *testing.T) {
			dir := filepath.Join("testdata", c.Name())
			got := generate(t, filepath.Join(dir, "schemas"))
			wantDir := filepath.Join(dir, "want")
			if *update {
				os.RemoveAll(wantDir)
				if err := os.MkdirAll(wantDir, 0o755); err != nil {
					t.Fatal(err)
				}
				for name, data := range got {
					if err := os.WriteFile(filepath.Join(wantDir, name+".golden"), data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			entries, err := os.ReadDir(wantDir)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range entries {
				name := strings.TrimSuffix(e.Name(), ".golden")
				names = append(names, name)
				want, err := os.ReadFile(filepath.Join(wantDir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got[name], want) {
					t.Errorf("%s differs from %s (go test ./gen/... -update rewrites):\n%s", name, e.Name(), got[name])
				}
			}
			if len(names) != len(got) {
				t.Errorf("generated %d files, golden has %d: %v", len(got), len(names), names)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	a := generate(t, "../schemas")
	b := generate(t, "../schemas")
	if len(a) != len(b) {
		t.Fatal("different file sets")
	}
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between runs", name)
		}
	}
}

// TestGeneratedIsCurrent is what `go run ./gen -check` does in CI.
func TestGeneratedIsCurrent(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"-schemas", "../schemas", "-out", "../generated", "-check"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: generated/ is stale; run go generate ./generated\n%s%s", code, out.String(), errOut.String())
	}
}

func TestCheckReportsStaleFiles(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if code := run([]string{"-schemas", "testdata/seed/schemas", "-out", dir}, &out, &errOut); code != 0 {
		t.Fatalf("write: exit %d: %s", code, errOut.String())
	}
	if code := run([]string{"-schemas", "testdata/seed/schemas", "-out", dir, "-check"}, &out, &errOut); code != 0 {
		t.Fatalf("check after write: exit %d: %s", code, out.String())
	}
	os.WriteFile(filepath.Join(dir, "datatypejson.gen.go"), []byte("package generated\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "old.gen.go"), []byte("package generated\n"), 0o644)
	os.Remove(filepath.Join(dir, "registry.gen.go"))
	out.Reset()
	if code := run([]string{"-schemas", "testdata/seed/schemas", "-out", dir, "-check"}, &out, &errOut); code != 1 {
		t.Fatalf("check: exit %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	sort.Strings(lines)
	want := []string{
		"changed " + filepath.Join(dir, "datatypejson.gen.go"),
		"extra " + filepath.Join(dir, "old.gen.go"),
		"gen: 3 generated file(s) are stale; run go generate ./generated",
		"missing " + filepath.Join(dir, "registry.gen.go"),
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("check printed:\n%s\nwant:\n%s", out.String(), strings.Join(want, "\n"))
	}
	// Writing again repairs everything, the extra file included.
	if code := run([]string{"-schemas", "testdata/seed/schemas", "-out", dir}, &out, &errOut); code != 0 {
		t.Fatal(code)
	}
	if _, err := os.Stat(filepath.Join(dir, "old.gen.go")); !os.IsNotExist(err) {
		t.Errorf("old.gen.go still there: %v", err)
	}
}

func TestExitCodes(t *testing.T) {
	var out, errOut bytes.Buffer
	for _, args := range [][]string{{"-nope"}, {"extra"}, {"-check", "-dump-plan"}} {
		if code := run(args, &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	errOut.Reset()
	if code := run([]string{"-schemas", "testdata/errors/schemas", "-out", t.TempDir()}, &out, &errOut); code != 1 {
		t.Errorf("bad schemas: exit %d, want 1", code)
	}
	if !strings.Contains(errOut.String(), `testdata/errors/schemas/bad.json:6:55: field "amount": unsupported type "DECIMAL(40,2)": precision must be 1..38`) {
		t.Errorf("errors:\n%s", errOut.String())
	}
	out.Reset()
	if code := run([]string{"-schemas", "testdata/seed/schemas", "-dump-plan"}, &out, &errOut); code != 0 {
		t.Fatalf("dump-plan: exit %d", code)
	}
	var p plan.Plan
	if err := json.Unmarshal(out.Bytes(), &p); err != nil || len(p.Tables) != 2 || p.Tables[0].Name != "datatypecsvbulk" {
		t.Errorf("dump-plan: %v %+v", err, p)
	}
}

// TestGoldenIsCompiled: the seed case's table files are byte for byte the
// files in ../generated, which the build compiles, vets and race-tests.
func TestGoldenIsCompiled(t *testing.T) {
	for _, name := range []string{"datatypejson.gen.go", "datatypecsvbulk.gen.go"} {
		golden, err := os.ReadFile(filepath.Join("testdata", "seed", "want", name+".golden"))
		if err != nil {
			t.Fatal(err)
		}
		compiled, err := os.ReadFile(filepath.Join("..", "generated", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(golden, compiled) {
			t.Errorf("%s: golden and generated/ differ", name)
		}
	}
}
