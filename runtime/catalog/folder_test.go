package catalog

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestFolder(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name, doc string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Orders.json", ordersDoc)
	write("b.json", ordersDoc)
	write("c.json", ordersDoc)
	write("bad.json", `{"topicName": "x", "message": {"dataFormat": "xml", "fields": [{"name": "a", "type": "INT"}]}}`)
	write("README.md", "not a table")
	if err := os.MkdirAll(filepath.Join(dir, "sub.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	write("sub.json/deep.json", ordersDoc)

	f, err := NewFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := f.Schemas(ctx); !slices.Equal(s, []string{"default"}) {
		t.Errorf("Schemas = %v", s)
	}
	all, next, err := f.Tables(ctx, "DEFAULT", nil, 0)
	if want := []string{"Orders", "b", "bad", "c"}; err != nil || next != nil || !slices.Equal(all, want) {
		t.Fatalf("Tables = %v, %v, %v; want %v", all, next, err, want)
	}
	p1, tok, _ := f.Tables(ctx, "default", nil, 3)
	p2, tok2, _ := f.Tables(ctx, "default", tok, 3)
	if !slices.Equal(append(p1, p2...), all) || tok == nil || tok2 != nil {
		t.Errorf("pages %v %v, tokens %v %v", p1, p2, tok, tok2)
	}

	tab, err := f.Table(ctx, "default", "orders")
	if err != nil {
		t.Fatal(err)
	}
	if tab.Registry != "default" || tab.Name != "Orders" || tab.Schema.TopicName != "Orders.v1" {
		t.Errorf("table %+v", tab)
	}
	if _, err := f.Table(ctx, "default", "missing"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing table: %v", err)
	}
	if _, err := f.Table(ctx, "other", "orders"); !errors.Is(err, ErrNotFound) {
		t.Errorf("other database: %v", err)
	}
	_, err = f.Table(ctx, "default", "bad")
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "bad.json")+": invalid topic schema document:") {
		t.Errorf("invalid document: %v", err)
	}
	if _, err := NewFolder(filepath.Join(dir, "Orders.json")); err == nil {
		t.Error("a file accepted as schema folder")
	}
	if _, err := NewFolder(filepath.Join(dir, "none")); err == nil {
		t.Error("a missing schema folder accepted")
	}
}
