package federation

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestArrowDecoded decodes every Arrow payload of the vectors with this
// package and checks it against the independent listing in
// ARROW_DECODED.txt (section 2: schema and values of each payload).
func TestArrowDecoded(t *testing.T) {
	want := parseArrowDecoded(t)
	got := map[string][]string{}
	files, _ := filepath.Glob(filepath.Join(vectorDir, "*.json"))
	mem := checkedMem(t)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		root, err := parseJSON(data)
		if err != nil {
			t.Fatal(err)
		}
		collectPayloads(t, mem, filepath.Base(f), "", root, got)
	}
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s: listed in ARROW_DECODED.txt, not found in the vectors", k)
			continue
		}
		if strings.Join(g, "\n") != strings.Join(want[k], "\n") {
			t.Errorf("%s:\ngot:\n%s\nwant:\n%s", k, strings.Join(g, "\n"), strings.Join(want[k], "\n"))
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: payload not listed in ARROW_DECODED.txt", k)
		}
	}
	if len(want) < 30 {
		t.Errorf("only %d payloads listed", len(want))
	}
}

// parseArrowDecoded reads section 2 into "file path" -> trimmed lines.
func parseArrowDecoded(t *testing.T) map[string][]string {
	data, err := os.ReadFile(filepath.Join(vectorDir, "ARROW_DECODED.txt"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	in, cur := false, ""
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "# Section 2"):
			in = true
		case strings.HasPrefix(line, "# Section 3"):
			in = false
		case !in || strings.TrimSpace(line) == "":
		case !strings.HasPrefix(line, " "):
			cur = line
			out[cur] = nil
		default:
			out[cur] = append(out[cur], strings.TrimSpace(line))
		}
	}
	return out
}

// collectPayloads describes every block and bare schema under n the way
// ARROW_DECODED.txt does.
func collectPayloads(t *testing.T, mem memory.Allocator, file, path string, n *node, out map[string][]string) {
	switch n.kind {
	case 'a':
		for i, e := range n.arr {
			collectPayloads(t, mem, file, path+"["+strconv.Itoa(i)+"]", e, out)
		}
	case 'o':
		if n.has("schema") && n.has("records") {
			r := &reader{o: newOptions([]Option{WithAllocator(mem)})}
			b := r.block(n, path)
			if r.err != nil {
				t.Fatalf("%s %s: %v", file, path, r.err)
			}
			lines := describeSchema(b)
			if b.Records == nil {
				lines = append(lines, `records: "" (empty block)`)
			} else {
				lines = append(lines, fmt.Sprintf("rows=%d", b.Rows()))
				for i, col := range b.Records.Columns() {
					lines = append(lines, fmt.Sprintf("%s: %v (nulls=%d)", b.Records.ColumnName(i), col, col.NullN()))
				}
			}
			b.Release()
			out[file+" "+path] = lines
			return
		}
		for _, m := range n.obj {
			if (m.key == "schema" || m.key == "outputSchema") && m.val.kind == 's' {
				r := &reader{o: newOptions(nil)}
				s := r.schema(m.val, m.key)
				if r.err != nil {
					t.Fatalf("%s %s: %v", file, path, r.err)
				}
				out[file+" "+path+"/"+m.key] = describeSchema(Block{Schema: s})
				continue
			}
			collectPayloads(t, mem, file, path+"/"+m.key, m.val, out)
		}
	}
}

func describeSchema(b Block) []string {
	lines := []string{"schema: " + strings.SplitN(b.Schema.String(), "\n", 2)[0]}
	for _, l := range strings.Split(b.Schema.String(), "\n")[1:] {
		lines = append(lines, strings.TrimSpace(l))
	}
	return lines
}
