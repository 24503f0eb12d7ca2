package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseSelect(t *testing.T) {
	st, err := parseSelect(`select intcol, "varcharcol" FROM "default".datatypejson WHERE intcol >= -5 AND varcharcol <> 'it''s' AND _timestamp > TIMESTAMP '2024-01-01 00:00:00' AND b IS NOT NULL AND d = 1.5e3 LIMIT 10;`)
	if err != nil {
		t.Fatal(err)
	}
	want := &selectStmt{
		Columns: []string{"intcol", "varcharcol"},
		Schema:  "default", Table: "datatypejson",
		Where: []predicate{
			{"intcol", ">=", literal{"number", "-5"}},
			{"varcharcol", "<>", literal{"string", "it's"}},
			{"_timestamp", ">", literal{"string", "2024-01-01 00:00:00"}},
			{"b", "IS NOT NULL", literal{}},
			{"d", "=", literal{"number", "1.5e3"}},
		},
		Limit: 10,
	}
	if !reflect.DeepEqual(st, want) {
		t.Fatalf("got  %+v\nwant %+v", st, want)
	}
	st, err = parseSelect("SELECT * FROM a.b")
	if err != nil || st.Columns != nil || st.Limit != -1 || st.Schema != "a" || st.Table != "b" {
		t.Fatalf("SELECT *: %+v %v", st, err)
	}
}

func TestParseSelectErrors(t *testing.T) {
	for sql, want := range map[string]string{
		"":                                   "expected SELECT at the end",
		"SELECT a FROM t":                    "expected schema.table",
		"SELECT a FROM s.t WHERE a ~ 1":      `unexpected character '~'`,
		"SELECT a FROM s.t WHERE a = 'x":     "unterminated string",
		"SELECT a FROM s.t LIMIT x":          "non-negative integer after LIMIT",
		"SELECT a FROM s.t WHERE a = 1 OR b": `position 31: expected end of statement`,
		"SELECT a FROM s.t WHERE a = b":      "expected a literal",
	} {
		_, err := parseSelect(sql)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want error containing %q", sql, err, want)
		}
	}
}
