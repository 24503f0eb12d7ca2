package main

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// selectStmt is the small SQL subset `lambda query` understands:
// SELECT cols FROM schema.table [WHERE col op literal AND ...] [LIMIT n].
type selectStmt struct {
	Columns []string // nil for *
	Schema  string
	Table   string
	Where   []predicate
	Limit   int64 // -1 when absent
}

// predicate is one comparison; Op is =, <>, <, <=, >, >=, IS NULL or IS NOT NULL.
type predicate struct {
	Column string
	Op     string
	Value  literal
}

// literal is a SQL constant: a number, a 'string', TRUE/FALSE; Kind says which.
type literal struct {
	Kind string // "number", "string", "bool", "null"
	Text string
}

type token struct {
	kind string // "ident", "number", "string", "op", "punct"
	text string
	pos  int
}

func lexSQL(s string) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		c := rune(s[i])
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '\'':
			var b strings.Builder
			j := i + 1
			for ; ; j++ {
				if j >= len(s) {
					return nil, fmt.Errorf("position %d: unterminated string literal", i+1)
				}
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						b.WriteByte('\'')
						j++
						continue
					}
					break
				}
				b.WriteByte(s[j])
			}
			out = append(out, token{"string", b.String(), i})
			i = j + 1
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return nil, fmt.Errorf("position %d: unterminated quoted identifier", i+1)
			}
			out = append(out, token{"ident", s[i+1 : i+1+j], i})
			i += j + 2
		case unicode.IsDigit(c) || c == '-' && i+1 < len(s) && (unicode.IsDigit(rune(s[i+1])) || s[i+1] == '.'):
			j := i + 1
			for j < len(s) {
				d := s[j]
				isExpSign := (d == '-' || d == '+') && (s[j-1] == 'e' || s[j-1] == 'E')
				if !unicode.IsDigit(rune(d)) && d != '.' && d != 'e' && d != 'E' && !isExpSign {
					break
				}
				j++
			}
			out = append(out, token{"number", s[i:j], i})
			i = j
		case unicode.IsLetter(c) || c == '_':
			j := i + 1
			for j < len(s) && (unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j])) || s[j] == '_') {
				j++
			}
			out = append(out, token{"ident", s[i:j], i})
			i = j
		case strings.HasPrefix(s[i:], "<=") || strings.HasPrefix(s[i:], ">=") || strings.HasPrefix(s[i:], "<>") || strings.HasPrefix(s[i:], "!="):
			op := s[i : i+2]
			if op == "!=" {
				op = "<>"
			}
			out = append(out, token{"op", op, i})
			i += 2
		case c == '=' || c == '<' || c == '>':
			out = append(out, token{"op", string(c), i})
			i++
		case c == ',' || c == '.' || c == '*' || c == ';':
			out = append(out, token{"punct", string(c), i})
			i++
		default:
			return nil, fmt.Errorf("position %d: unexpected character %q", i+1, c)
		}
	}
	return out, nil
}

// parseSelect parses the subset; errors name the position and what was expected.
func parseSelect(sql string) (*selectStmt, error) {
	toks, err := lexSQL(sql)
	if err != nil {
		return nil, err
	}
	p := &sqlParser{toks: toks}
	st := &selectStmt{Limit: -1}
	if !p.keyword("SELECT") {
		return nil, p.expected("SELECT")
	}
	if p.punct("*") {
		st.Columns = nil
	} else {
		for {
			id, ok := p.ident()
			if !ok {
				return nil, p.expected("a column name or *")
			}
			st.Columns = append(st.Columns, id)
			if !p.punct(",") {
				break
			}
		}
	}
	if !p.keyword("FROM") {
		return nil, p.expected("FROM")
	}
	schema, ok := p.ident()
	if !ok || !p.punct(".") {
		return nil, p.expected("schema.table")
	}
	table, ok := p.ident()
	if !ok {
		return nil, p.expected("a table name after the dot")
	}
	st.Schema, st.Table = schema, table
	if p.keyword("WHERE") {
		for {
			pr, err := p.predicate()
			if err != nil {
				return nil, err
			}
			st.Where = append(st.Where, pr)
			if !p.keyword("AND") {
				break
			}
		}
	}
	if p.keyword("LIMIT") {
		t := p.next()
		n, err := strconv.ParseInt(t.text, 10, 64)
		if t.kind != "number" || err != nil || n < 0 {
			p.i--
			return nil, p.expected("a non-negative integer after LIMIT")
		}
		st.Limit = n
	}
	p.punct(";")
	if p.i < len(p.toks) {
		return nil, p.expected("end of statement (only AND-ed comparisons and LIMIT are supported)")
	}
	return st, nil
}

type sqlParser struct {
	toks []token
	i    int
}

func (p *sqlParser) peek() token {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return token{kind: "eof", pos: -1}
}

func (p *sqlParser) next() token { t := p.peek(); p.i++; return t }

func (p *sqlParser) keyword(k string) bool {
	t := p.peek()
	if t.kind == "ident" && strings.EqualFold(t.text, k) {
		p.i++
		return true
	}
	return false
}

func (p *sqlParser) punct(s string) bool {
	t := p.peek()
	if t.kind == "punct" && t.text == s {
		p.i++
		return true
	}
	return false
}

func (p *sqlParser) ident() (string, bool) {
	t := p.peek()
	if t.kind != "ident" {
		return "", false
	}
	p.i++
	return t.text, true
}

func (p *sqlParser) expected(what string) error {
	t := p.peek()
	if t.kind == "eof" {
		return fmt.Errorf("SQL: expected %s at the end of the statement", what)
	}
	return fmt.Errorf("SQL: position %d: expected %s, found %q", t.pos+1, what, t.text)
}

func (p *sqlParser) predicate() (predicate, error) {
	col, ok := p.ident()
	if !ok {
		return predicate{}, p.expected("a column name")
	}
	if p.keyword("IS") {
		not := p.keyword("NOT")
		if !p.keyword("NULL") {
			return predicate{}, p.expected("NULL")
		}
		op := "IS NULL"
		if not {
			op = "IS NOT NULL"
		}
		return predicate{Column: col, Op: op}, nil
	}
	t := p.next()
	if t.kind != "op" {
		p.i--
		return predicate{}, p.expected("a comparison (=, <>, <, <=, >, >=, IS [NOT] NULL)")
	}
	v := p.next()
	var lit literal
	switch {
	case v.kind == "number":
		lit = literal{"number", v.text}
	case v.kind == "string":
		lit = literal{"string", v.text}
	case v.kind == "ident" && (strings.EqualFold(v.text, "true") || strings.EqualFold(v.text, "false")):
		lit = literal{"bool", strings.ToLower(v.text)}
	case v.kind == "ident" && (strings.EqualFold(v.text, "timestamp") || strings.EqualFold(v.text, "date")) && p.peek().kind == "string":
		lit = literal{"string", p.next().text}
	default:
		p.i--
		return predicate{}, p.expected("a literal (number, 'string', TRUE, FALSE)")
	}
	return predicate{Column: col, Op: t.text, Value: lit}, nil
}
