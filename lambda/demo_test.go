package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestDemo runs `make demo`'s flow on the repository's schemas and checks
// that every table returned every produced row, the malformed ones flagged.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo produces 80,000 messages")
	}
	t.Chdir("..")
	t.Setenv("schema_source", "schemas")
	var out bytes.Buffer
	if err := runDemo(context.Background(), &out); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	text := out.String()
	if !strings.Contains(text, "Ping: sourceType=kafka capabilities=24 serDeVersion=6") {
		t.Errorf("no Ping line:\n%s", text)
	}
	files, _ := os.ReadDir("schemas")
	tables := 0
	for _, f := range files {
		if strings.HasSuffix(f.Name(), ".json") {
			tables++
		}
	}
	re := regexp.MustCompile(`summary: splits=3 \(spilled \d+\) rows=(\d+) \(produced 20000 valid \+ (\d+) malformed; 1 tombstone skipped\) corrupt=(\d+) decoder=(\w+)`)
	got := re.FindAllStringSubmatch(text, -1)
	if len(got) != tables {
		t.Fatalf("%d summaries for %d tables:\n%s", len(got), tables, text)
	}
	for _, m := range got {
		rows, _ := strconv.Atoi(m[1])
		bad, _ := strconv.Atoi(m[2])
		corrupt, _ := strconv.Atoi(m[3])
		if rows != 20000+bad || corrupt != bad || bad == 0 {
			t.Errorf("summary %q: want rows 20000+malformed and corrupt = malformed", m[0])
		}
	}
}
