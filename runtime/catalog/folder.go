package catalog

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// FolderDatabase is the one database of a folder catalog.
const FolderDatabase = "default"

// Folder is the catalog of a local folder of schema documents: database
// "default", one table per *.json file directly in the folder, named by
// the file's base name. Files are read at each lookup, so edits show at
// once.
type Folder struct {
	dir string
}

// NewFolder returns the catalog of dir, which must be a readable folder.
func NewFolder(dir string) (*Folder, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("schema folder: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("schema folder %s is not a folder", dir)
	}
	return &Folder{dir: dir}, nil
}

// Schemas implements Catalog.
func (f *Folder) Schemas(context.Context) ([]string, error) {
	return []string{FolderDatabase}, nil
}

func (f *Folder) database(schema string) error {
	if !strings.EqualFold(schema, FolderDatabase) {
		return fmt.Errorf("database %q: the schema folder %s has only database %q: %w", schema, f.dir, FolderDatabase, ErrNotFound)
	}
	return nil
}

// names lists the tables, sorted.
func (f *Folder) names() ([]string, error) {
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return nil, fmt.Errorf("schema folder: %w", err)
	}
	names := []string{}
	for _, e := range entries {
		n, ok := strings.CutSuffix(e.Name(), ".json")
		if ok && n != "" && e.Type().IsRegular() {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}

// Tables implements Catalog. The token is the offset of the next table.
func (f *Folder) Tables(_ context.Context, schema string, nextToken *string, pageSize int) ([]string, *string, error) {
	if err := f.database(schema); err != nil {
		return nil, nil, err
	}
	names, err := f.names()
	if err != nil {
		return nil, nil, err
	}
	start := 0
	if nextToken != nil {
		if start, err = strconv.Atoi(*nextToken); err != nil || start < 0 || start > len(names) {
			return nil, nil, fmt.Errorf("invalid table list token %q", *nextToken)
		}
	}
	end := len(names)
	if pageSize > 0 && start+pageSize < end {
		end = start + pageSize
	}
	var next *string
	if end < len(names) {
		s := strconv.Itoa(end)
		next = &s
	}
	return names[start:end], next, nil
}

// Table implements Catalog.
func (f *Folder) Table(_ context.Context, schema, table string) (*Table, error) {
	if err := f.database(schema); err != nil {
		return nil, err
	}
	names, err := f.names()
	if err != nil {
		return nil, err
	}
	name, ok := resolve(names, table)
	if !ok {
		return nil, fmt.Errorf("table %q: no %s.json in schema folder %s: %w", table, table, f.dir, ErrNotFound)
	}
	path := filepath.Join(f.dir, name+".json")
	doc, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("table %q: %w: %w", table, ErrNotFound, err)
	}
	if err != nil {
		return nil, err
	}
	s, err := topic.Parse(doc)
	if err != nil {
		return nil, fmt.Errorf("%s: invalid topic schema document:\n%w", path, err)
	}
	return &Table{Registry: FolderDatabase, Name: name, Schema: s, Document: doc}, nil
}
