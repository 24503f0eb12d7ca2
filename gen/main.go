// Command gen generates the per-topic decoders: it reads every schema
// document in the schema folder (after pulling them from the Glue Schema
// Registry when asked), plans each table and writes <table>.gen.go plus one
// registry file into the output folder.
//
//	go run ./gen [-schemas schemas] [-out generated] [-glue] [-check] [-dump-plan]
//
// -glue (or GEN_GLUE=1 in the environment) first writes the latest version of
// every JSON schema of every registry marked {AthenaFederationKafka} or
// {AthenaFederationMSK} into the schema folder; the AWS SDK's usual
// configuration applies, AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_GLUE included.
// -check writes nothing, prints what is stale and exits 1 if anything is.
// -dump-plan prints the plan as JSON. Exit status 2 means a usage error.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/glue"

	"github.com/athena-kafka/athena-kafka/gen/emit"
	"github.com/athena-kafka/athena-kafka/gen/plan"
	"github.com/athena-kafka/athena-kafka/gen/source"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	schemas := fs.String("schemas", "schemas", "folder of topic schema documents (<table>.json)")
	out := fs.String("out", "generated", "folder the generated Go files go to")
	pull := fs.Bool("glue", envBool("GEN_GLUE"), "pull marked Glue registries into -schemas first (default from GEN_GLUE)")
	check := fs.Bool("check", false, "write nothing; print stale files and exit 1 if any")
	dump := fs.Bool("dump-plan", false, "print the plan as JSON and write nothing")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gen: unexpected arguments %q\n", fs.Args())
		fs.Usage()
		return 2
	}
	if *check && *dump {
		fmt.Fprintln(stderr, "gen: -check and -dump-plan exclude each other")
		return 2
	}
	if *pull {
		if *check {
			fmt.Fprintln(stderr, "gen: -check compares against the schema folder; run without -glue")
			return 2
		}
		if err := pullGlue(context.Background(), *schemas, stderr); err != nil {
			fmt.Fprintln(stderr, "gen:", err)
			return 1
		}
	}
	docs, err := source.Folder(*schemas)
	if err != nil {
		fmt.Fprintln(stderr, "gen:", err)
		return 1
	}
	p, err := plan.Build(docs)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if *dump {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(p); err != nil {
			fmt.Fprintln(stderr, "gen:", err)
			return 1
		}
		return 0
	}
	files, err := emit.Emit(p)
	if err != nil {
		fmt.Fprintln(stderr, "gen:", err)
		return 1
	}
	stale, err := diff(*out, files)
	if err != nil {
		fmt.Fprintln(stderr, "gen:", err)
		return 1
	}
	if *check {
		for _, s := range stale {
			fmt.Fprintln(stdout, s)
		}
		if len(stale) > 0 {
			fmt.Fprintf(stdout, "gen: %d generated file(s) are stale; run go generate ./generated\n", len(stale))
			return 1
		}
		return 0
	}
	return write(*out, files, stale, stderr)
}

// diff lists what writing files into dir would change: "changed x",
// "missing x" and "extra x" (a .gen.go file no table produces).
func diff(dir string, files map[string][]byte) ([]string, error) {
	var stale []string
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		old, err := os.ReadFile(filepath.Join(dir, n))
		switch {
		case errors.Is(err, os.ErrNotExist):
			stale = append(stale, "missing "+filepath.Join(dir, n))
		case err != nil:
			return nil, err
		case !bytes.Equal(old, files[n]):
			stale = append(stale, "changed "+filepath.Join(dir, n))
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".gen.go") && files[e.Name()] == nil {
			stale = append(stale, "extra "+filepath.Join(dir, e.Name()))
		}
	}
	return stale, nil
}

func write(dir string, files map[string][]byte, stale []string, stderr io.Writer) int {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(stderr, "gen:", err)
		return 1
	}
	for _, s := range stale {
		verb, path, _ := strings.Cut(s, " ")
		var err error
		if verb == "extra" {
			err = os.Remove(path)
		} else {
			err = os.WriteFile(path, files[filepath.Base(path)], 0o644)
		}
		if err != nil {
			fmt.Fprintln(stderr, "gen:", err)
			return 1
		}
	}
	return 0
}

func pullGlue(ctx context.Context, dir string, stderr io.Writer) error {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return fmt.Errorf("aws config: %w", err)
	}
	client := glue.NewFromConfig(cfg, func(o *glue.Options) {
		// The SDK reads AWS_ENDPOINT_URL_GLUE and AWS_ENDPOINT_URL itself; this
		// only makes the precedence explicit for older configurations.
		if u := firstEnv("AWS_ENDPOINT_URL_GLUE", "AWS_ENDPOINT_URL"); u != "" && o.BaseEndpoint == nil {
			o.BaseEndpoint = &u
		}
	})
	docs, err := source.Glue(ctx, client)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var lock strings.Builder
	lock.WriteString("# Written by athena-kafka gen -glue: <file>\t<registry>/<schema>@<version>\n")
	for _, d := range docs {
		if err := os.WriteFile(filepath.Join(dir, d.File()), d.Definition, 0o644); err != nil {
			return err
		}
		lock.WriteString(d.Lock() + "\n")
		fmt.Fprintf(stderr, "gen: pulled %s\n", d.Lock())
	}
	return os.WriteFile(filepath.Join(dir, source.LockFile), []byte(lock.String()), 0o644)
}

func firstEnv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

func envBool(name string) bool {
	switch strings.ToLower(os.Getenv(name)) {
	case "1", "true", "yes":
		return true
	}
	return false
}
