// Package source finds the topic schema documents the generator works from:
// a folder of <table>.json files, or the AWS Glue Schema Registry (every
// registry whose description holds a marker), which is pulled into the
// folder first so builds stay reproducible.
package source

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Doc is one schema document.
type Doc struct {
	// Table is the table name: the file name without .json.
	Table string
	// Path is the file as the user names it (the folder as given, joined
	// with the file name); it prefixes error positions.
	Path string
	// Origin names where the document came from for generated headers: the
	// Glue registry/schema@version it was pulled from, else the file name
	// relative to the repository (schemas/<table>.json).
	Origin string
	// Data is the document.
	Data []byte
}

// LockFile, in the schema folder, records which documents were pulled from
// Glue: lines "<file>\t<registry>/<schema>@<version>".
const LockFile = "glue.lock"

// Folder reads every *.json file directly in dir, sorted by name.
func Folder(dir string) ([]Doc, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	origins, err := readLock(filepath.Join(dir, LockFile))
	if err != nil {
		return nil, err
	}
	var docs []Doc
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".json") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("source: %w", err)
		}
		origin := origins[name]
		if origin == "" {
			origin = path.Join("schemas", name)
		}
		docs = append(docs, Doc{
			Table:  strings.TrimSuffix(name, ".json"),
			Path:   filepath.ToSlash(filepath.Join(dir, name)),
			Origin: origin,
			Data:   data,
		})
	}
	sort.Slice(docs, func(i, j int) bool { return docs[i].Table < docs[j].Table })
	return docs, nil
}

func readLock(file string) (map[string]string, error) {
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	m := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		file, origin, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("source: %s: bad line %q: want <file><TAB><registry>/<schema>@<version>", LockFile, line)
		}
		m[file] = "glue:" + origin
	}
	return m, nil
}
