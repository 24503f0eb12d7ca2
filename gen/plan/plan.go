// Package plan is the generator's validated model: per table the columns,
// their Arrow types, how each value is found and parsed, and the Go names
// the emitter uses. It is dumpable as JSON (gen -dump-plan).
package plan

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/athena-kafka/athena-kafka/gen/source"
	"github.com/athena-kafka/athena-kafka/runtime/decode"
	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// Plan is everything the emitter needs.
type Plan struct {
	// RuntimeVersion is decode.Version, checked by the generated code.
	RuntimeVersion int
	Tables         []*Table
}

// Table is one schema document.
type Table struct {
	Name        string // table (file) name
	GoName      string // lower camel identifier prefix, unique in the package
	File        string // output file name
	Origin      string // for the generated header
	Topic       string
	Fingerprint string
	Format      topic.Format
	Delimiter   string `json:",omitempty"`
	Columns     []*Column
	// Keys is the JSON key tree: which key leads to which columns.
	Keys *Node `json:",omitempty"`
	// Fields maps CSV field indexes (ascending) to columns.
	Fields []CSVField `json:",omitempty"`
}

// Column is one data column.
type Column struct {
	Index      int // column number in the table
	Name       string
	Type       string // as written
	Kind       string // topic.Kind name: the emitter picks by it
	ArrowType  string
	Mapping    string   `json:",omitempty"`
	Path       []string `json:",omitempty"`
	CSVIndex   int      `json:",omitempty"`
	Precision  int32    `json:",omitempty"`
	Scale      int32    `json:",omitempty"`
	FormatHint string   `json:",omitempty"`
	// Time is the canonical time format and GoLayout its Go reference layout.
	Time      string `json:",omitempty"`
	GoLayout  string `json:",omitempty"`
	Signature string
}

// Node is one JSON key level.
type Node struct {
	Key  string `json:",omitempty"`
	Cols []int  `json:",omitempty"` // columns whose path ends here
	// Under lists the columns below this key, reset when the key repeats.
	Under []int   `json:",omitempty"`
	Kids  []*Node `json:",omitempty"` // sorted by key
}

// CSVField is one CSV field index and the columns it fills.
type CSVField struct {
	Index int
	Cols  []int
}

// Build parses every document and plans its table. All problems of all
// documents are returned together, each prefixed with the file and position.
func Build(docs []source.Doc) (*Plan, error) {
	p := &Plan{RuntimeVersion: decode.Version}
	var problems []string
	for _, d := range docs {
		s, err := topic.Parse(d.Data)
		if err != nil {
			var te *topic.Error
			if errors.As(err, &te) {
				for _, pr := range te.Problems {
					problems = append(problems, d.Path+":"+pr.String())
				}
				continue
			}
			problems = append(problems, d.Path+": "+err.Error())
			continue
		}
		p.Tables = append(p.Tables, table(d, s))
	}
	problems = append(problems, p.Validate()...)
	if len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}
	return p, nil
}

// Error lists every problem found while planning.
type Error struct{ Problems []string }

func (e *Error) Error() string { return strings.Join(e.Problems, "\n") }

// RegistryFile is the generated file that registers every table's decoder.
const RegistryFile = "registry.gen.go"

// Validate checks what no single document can: Go names and output files
// must be unique.
func (p *Plan) Validate() []string {
	var problems []string
	byGo := map[string]string{}
	for _, t := range p.Tables {
		if t.File == RegistryFile {
			problems = append(problems, fmt.Sprintf("table %q would overwrite the generated %s; rename the file", t.Name, RegistryFile))
		}
		if prev, dup := byGo[strings.ToLower(t.GoName)]; dup {
			problems = append(problems, fmt.Sprintf("tables %q and %q have the same Go name %s; rename one file", prev, t.Name, t.GoName))
		}
		byGo[strings.ToLower(t.GoName)] = t.Name
	}
	return problems
}

func table(d source.Doc, s *topic.Schema) *Table {
	t := &Table{
		Name:        d.Table,
		GoName:      GoName(d.Table),
		Origin:      d.Origin,
		Topic:       s.TopicName,
		Fingerprint: s.Fingerprint(),
		Format:      s.Format,
	}
	t.File = fileName(d.Table)
	if s.Format == topic.CSV {
		t.Delimiter = string(s.Delimiter)
	}
	byIndex := map[int][]int{}
	t.Keys = &Node{}
	for i := range s.Fields {
		f := &s.Fields[i]
		c := &Column{
			Index: i, Name: f.Name, Type: f.Type, Kind: f.Kind.String(), ArrowType: f.ArrowType().String(),
			Mapping: f.Mapping, Path: f.Path, Precision: f.Precision, Scale: f.Scale,
			FormatHint: f.FormatHint, Signature: f.Signature(),
		}
		if f.Time != nil {
			c.Time, c.GoLayout = f.Time.Canonical(), f.Time.GoLayout
		}
		if s.Format == topic.CSV {
			c.CSVIndex = f.Index
			byIndex[f.Index] = append(byIndex[f.Index], i)
		} else {
			n := t.Keys
			for _, k := range f.Path {
				n.Under = append(n.Under, i)
				n = n.kid(k)
			}
			n.Cols = append(n.Cols, i)
		}
		t.Columns = append(t.Columns, c)
	}
	if s.Format == topic.CSV {
		t.Keys = nil
		for idx, cols := range byIndex {
			t.Fields = append(t.Fields, CSVField{Index: idx, Cols: cols})
		}
		sort.Slice(t.Fields, func(i, j int) bool { return t.Fields[i].Index < t.Fields[j].Index })
	} else {
		t.Keys.Under = nil
	}
	return t
}

func (n *Node) kid(key string) *Node {
	for _, k := range n.Kids {
		if k.Key == key {
			return k
		}
	}
	k := &Node{Key: key}
	n.Kids = append(n.Kids, k)
	sort.Slice(n.Kids, func(i, j int) bool { return n.Kids[i].Key < n.Kids[j].Key })
	return k
}

// GoName is the one naming function: a table name as a lower camel Go
// identifier. Words are split on anything but ASCII letters and digits and
// joined with the first letter of each later word upper-cased
// ("orders-eu.v2" -> "ordersEuV2"); a leading digit gets a "t" prefix.
func GoName(table string) string {
	var b strings.Builder
	up := false
	for _, r := range table {
		switch {
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if up && b.Len() > 0 {
				r = unicode.ToUpper(r)
			}
			up = false
			b.WriteRune(r)
		default:
			up = true
		}
	}
	s := b.String()
	if s == "" || unicode.IsDigit(rune(s[0])) {
		s = "t" + s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func fileName(table string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(table) {
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r == '-' || r == '_' || r == '.' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String() + ".gen.go"
}

// String is a short description for logs.
func (t *Table) String() string {
	return t.Name + " (" + string(t.Format) + ", " + strconv.Itoa(len(t.Columns)) + " columns)"
}
