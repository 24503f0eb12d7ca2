package topic

import (
	"fmt"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a schema document.
type Problem struct {
	// Line and Column locate the problem in the document (1-based; 0 when
	// the document could not be read at all).
	Line, Column int
	// Field is the column name the problem belongs to, or "".
	Field string
	// Msg says what is wrong and what to do.
	Msg string
}

func (p Problem) String() string {
	s := ""
	if p.Line > 0 {
		s = strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Column) + ": "
	}
	if p.Field != "" {
		s += "field " + strconv.Quote(p.Field) + ": "
	}
	return s + p.Msg
}

// Error lists every problem of a rejected document.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

type parser struct {
	doc   []byte
	probs []Problem
}

func (p *parser) add(off int, field, format string, args ...any) {
	line, col := position(p.doc, off)
	p.probs = append(p.probs, Problem{Line: line, Column: col, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// Parse reads and validates a topic schema document (the Glue JSON format):
//
//	{"topicName": "...", "message": {"dataFormat": "json"|"csv", "delimiter": ",",
//	 "fields": [{"name", "mapping", "type", "formatHint"}]}}
//
// Unknown keys are ignored and JSON null counts as absent, as in Java. A
// rejected document gives an *Error listing every problem.
func Parse(doc []byte) (*Schema, error) {
	root, off, err := parseTree(doc)
	if err != nil {
		line, col := position(doc, off)
		return nil, &Error{Problems: []Problem{{Line: line, Column: col, Msg: "not a JSON document: " + err.Error()}}}
	}
	p := &parser{doc: doc}
	s := p.schema(root)
	if len(p.probs) > 0 {
		return nil, &Error{Problems: p.probs}
	}
	return s, nil
}

// str returns a string member; null or absent is "".
func (p *parser) str(n *node, key, field, where string) (string, int) {
	v := n.get(key)
	if v == nil || v.kind == 'z' {
		return "", n.off
	}
	if v.kind != 's' {
		p.add(v.off, field, "%s must be a string; quote it", where)
		return "", v.off
	}
	return v.str, v.off
}

func (p *parser) schema(root *node) *Schema {
	s := &Schema{}
	if root.kind != 'o' {
		p.add(root.off, "", "the document must be a JSON object {\"topicName\": ..., \"message\": {...}}")
		return nil
	}
	var off int
	s.TopicName, off = p.str(root, "topicName", "", "topicName")
	if strings.TrimSpace(s.TopicName) == "" {
		p.add(off, "", "topicName is missing; set it to the Kafka topic name, in the topic's case")
	}
	msg := root.get("message")
	if msg == nil || msg.kind != 'o' {
		o := root.off
		if msg != nil {
			o = msg.off
		}
		p.add(o, "", "message is missing or not an object; add \"message\": {\"dataFormat\": \"json\", \"fields\": [...]}")
		return s
	}
	df, dfOff := p.str(msg, "dataFormat", "", "message.dataFormat")
	switch Format(strings.ToLower(strings.TrimSpace(df))) {
	case JSON:
		s.Format = JSON
	case CSV:
		s.Format = CSV
		s.Delimiter = ','
	default:
		p.add(dfOff, "", "message.dataFormat %q is not supported; use \"json\" or \"csv\"", df)
	}
	if d := msg.get("delimiter"); d != nil && d.kind != 'z' {
		ds, _ := p.str(msg, "delimiter", "", "message.delimiter")
		switch {
		case s.Format != CSV:
			if d.kind == 's' && ds != "" {
				p.add(d.off, "", "message.delimiter is only for csv; remove it")
			}
		case len(ds) != 1 || ds[0] == '"' || ds[0] == '\r' || ds[0] == '\n' || ds[0] >= 0x80:
			p.add(d.off, "", "message.delimiter %q must be one ASCII character other than a quote or a newline", ds)
		default:
			s.Delimiter = ds[0]
		}
	}
	fields := msg.get("fields")
	if fields == nil || fields.kind != 'a' || len(fields.vals) == 0 {
		o := msg.off
		if fields != nil {
			o = fields.off
		}
		p.add(o, "", "message.fields is missing or empty; list the columns as [{\"name\", \"mapping\", \"type\"}]")
		return s
	}
	seen := map[string]int{}
	for i, fn := range fields.vals {
		where := fmt.Sprintf("message.fields[%d]", i)
		if fn.kind != 'o' {
			p.add(fn.off, "", "%s must be an object {\"name\", \"mapping\", \"type\"}", where)
			continue
		}
		f, ok := p.field(s.Format, fn, where)
		lower := strings.ToLower(f.Name)
		if _, dup := seen[lower]; dup && lower != "" {
			p.add(fn.off, f.Name, "duplicate column name (Athena compares names without case); rename one")
			continue
		}
		seen[lower] = i
		if ok {
			s.Fields = append(s.Fields, f)
		}
	}
	return s
}

func (p *parser) field(format Format, fn *node, where string) (Field, bool) {
	f := Field{Index: -1}
	var nameOff int
	f.Name, nameOff = p.str(fn, "name", "", where+".name")
	label := f.Name
	if label == "" {
		label = where
	}
	n0 := len(p.probs)
	if strings.TrimSpace(f.Name) == "" {
		p.add(nameOff, "", "%s.name is missing; name the column", where)
	} else if IsMetadataColumn(strings.ToLower(f.Name)) {
		p.add(nameOff, f.Name, "the name is taken by a metadata column; rename the column")
	}
	var mapOff, typeOff, hintOff int
	f.Mapping, mapOff = p.str(fn, "mapping", label, "mapping")
	f.Type, typeOff = p.str(fn, "type", label, "type")
	f.FormatHint, hintOff = p.str(fn, "formatHint", label, "formatHint")

	k, prec, scale, terr := ResolveType(f.Type)
	if terr != "" {
		p.add(typeOff, label, "unsupported type %q: %s", f.Type, terr)
	}
	f.Kind, f.Precision, f.Scale = k, prec, scale

	mapping := f.Mapping
	if mapping == "" {
		mapping = f.Name
	}
	switch format {
	case CSV:
		idx, err := strconv.Atoi(strings.TrimSpace(mapping))
		if err != nil || idx < 0 || idx > 1<<20 {
			p.add(mapOff, label, "csv mapping %q must be a 0-based column index such as \"0\"", mapping)
		}
		f.Index = idx
	case JSON:
		path, msg := SplitPath(mapping)
		if msg != "" {
			p.add(mapOff, label, "mapping %q: %s", mapping, msg)
		}
		f.Path = path
	}
	if k == Date || k == Timestamp {
		tf, probs := ParseTimeFormat(f.FormatHint)
		for _, m := range probs {
			p.add(hintOff, label, "formatHint %q: %s", f.FormatHint, m)
		}
		f.Time = tf
	}
	return f, len(p.probs) == n0
}

// SplitPath splits a JSON mapping a/b/c into keys, undoing the JSON-pointer
// escapes ~1 (a slash) and ~0 (a tilde). A leading slash is allowed.
func SplitPath(mapping string) ([]string, string) {
	m := strings.TrimPrefix(mapping, "/")
	if m == "" {
		return nil, "empty path; name a key"
	}
	parts := strings.Split(m, "/")
	for i, s := range parts {
		if s == "" {
			return nil, "empty key in path; write a slash inside a key as ~1"
		}
		var b strings.Builder
		for j := 0; j < len(s); j++ {
			if s[j] != '~' {
				b.WriteByte(s[j])
				continue
			}
			if j+1 < len(s) && (s[j+1] == '0' || s[j+1] == '1') {
				b.WriteByte("~/"[s[j+1]-'0'])
				j++
				continue
			}
			return nil, "bad escape: write ~ as ~0 and / as ~1"
		}
		parts[i] = b.String()
	}
	return parts, ""
}
