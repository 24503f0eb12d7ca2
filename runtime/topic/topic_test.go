package topic

import (
	"os"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

func mustParse(t *testing.T, doc string) *Schema {
	t.Helper()
	s, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

func TestParseSeedJSON(t *testing.T) {
	doc, err := os.ReadFile("../../schemas/datatypejson.json")
	if err != nil {
		t.Fatal(err)
	}
	s := mustParse(t, string(doc))
	if s.TopicName != "datatypejson" || s.Format != JSON || len(s.Fields) != 9 {
		t.Fatalf("got %+v", s)
	}
	want := []Kind{Integer, Varchar, Boolean, BigInt, Double, SmallInt, TinyInt, Date, Timestamp}
	for i, k := range want {
		if s.Fields[i].Kind != k {
			t.Errorf("field %d kind %v, want %v", i, s.Fields[i].Kind, k)
		}
	}
	if got := s.Fields[8].Time.GoLayout; got != "2006-01-02 15:04:05.000" {
		t.Errorf("GoLayout %q", got)
	}
	if got := s.Fields[0].Path; len(got) != 1 || got[0] != "intcol" {
		t.Errorf("path %q", got)
	}
}

func TestTypeNames(t *testing.T) {
	cases := map[string]Kind{
		"BOOLEAN": Boolean, "bool": Boolean, " Integer ": Integer, "INT32": Integer, "int": Integer,
		"LONG": BigInt, "INT64": BigInt, "bigint": BigInt, "FLOAT": Real, "REAL": Real, "DOUBLE": Double,
		"DECIMAL": Double, "DATE": Date, "TIMESTAMP": Timestamp, "VARCHAR": Varchar, "STRING": Varchar,
		"CHAR": Varchar, "": Varchar, "whatever": Varchar, "TINYINT": TinyInt, "SMALLINT": SmallInt,
	}
	for name, want := range cases {
		k, _, _, err := ResolveType(name)
		if err != "" || k != want {
			t.Errorf("%q: %v %q, want %v", name, k, err, want)
		}
	}
	k, p, s, err := ResolveType("decimal( 12 , 2 )")
	if k != Decimal || p != 12 || s != 2 || err != "" {
		t.Errorf("decimal: %v %d %d %q", k, p, s, err)
	}
	if _, _, _, err := ResolveType("DECIMAL(40,2)"); err != "precision must be 1..38" {
		t.Errorf("DECIMAL(40,2): %q", err)
	}
}

func TestParseErrorsListEveryProblem(t *testing.T) {
	doc := `{
  "topicName": "",
  "message": {
    "dataFormat": "csv",
    "fields": [
      {"name": "a", "mapping": "x", "type": "INTEGER"},
      {"name": "b", "mapping": "1", "type": "DECIMAL(40,2)"},
      {"name": "c", "mapping": "2", "type": "DATE", "formatHint": "yyyy-ww"},
      {"name": "A", "mapping": "3"},
      {"name": "_key", "mapping": "4"}
    ]
  }
}`
	_, err := Parse([]byte(doc))
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("err = %v", err)
	}
	want := []string{
		`2:16: topicName is missing; set it to the Kafka topic name, in the topic's case`,
		`6:32: field "a": csv mapping "x" must be a 0-based column index such as "0"`,
		`7:45: field "b": unsupported type "DECIMAL(40,2)": precision must be 1..38`,
		`8:67: field "c": formatHint "yyyy-ww": pattern letters "ww" are not supported (letter w); supported letters are y M d H h m s S a E Z X; quote literal text with '...'`,
		`9:7: field "A": duplicate column name (Athena compares names without case); rename one`,
		`10:16: field "_key": the name is taken by a metadata column; rename the column`,
	}
	if len(e.Problems) != len(want) {
		t.Fatalf("got %d problems:\n%v", len(e.Problems), err)
	}
	for i, w := range want {
		if got := e.Problems[i].String(); got != w {
			t.Errorf("problem %d:\n got %s\nwant %s", i, got, w)
		}
	}
}

func TestParseNotJSON(t *testing.T) {
	_, err := Parse([]byte("{\n  \"topicName\": 1,,\n}"))
	if err == nil || !strings.HasPrefix(err.Error(), "2:18: not a JSON document") {
		t.Fatalf("err = %v", err)
	}
}

func TestPathsAndEscapes(t *testing.T) {
	p, msg := SplitPath("/a~1b/c~0d/e")
	if msg != "" || strings.Join(p, "|") != "a/b|c~d|e" {
		t.Fatalf("%q %q", p, msg)
	}
	for _, bad := range []string{"a//b", "a/~2", "a~", ""} {
		if _, msg := SplitPath(bad); msg == "" {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestTimeFormats(t *testing.T) {
	cases := map[string]string{
		"yyyy-MM-dd'T'HH:mm:ss.SSSXXX": "2006-01-02T15:04:05.000Z07:00",
		"EEE, d MMM yyyy hh:mm a Z":    "Mon, 2 Jan 2006 03:04 PM -0700",
		"dd/MM/yy":                     "02/01/06",
		"yyyy''MM''dd":                 "2006'01'02",
	}
	for hint, want := range cases {
		tf, probs := ParseTimeFormat(hint)
		if len(probs) > 0 || tf.GoLayout != want {
			t.Errorf("%q: %v %v, want %q", hint, tf, probs, want)
		}
	}
	for hint, kind := range map[string]TimeKind{"": TimeISO8601, "ISO8601": TimeISO8601, "rfc2822": TimeRFC2822,
		"milliseconds-since-epoch": TimeEpochMillis, "Seconds-Since-Epoch": TimeEpochSeconds} {
		tf, probs := ParseTimeFormat(hint)
		if len(probs) > 0 || tf.Kind != kind {
			t.Errorf("%q: %v %v", hint, tf, probs)
		}
	}
	for _, bad := range []string{"yyyy-MM-dd z", "yyyy-MM-dd HH:mm:ss.S", "yyy-MM-dd", "yyyy-MM-dd 'T", "HH:mm"} {
		if _, probs := ParseTimeFormat(bad); len(probs) == 0 {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestArrowRoundTrip(t *testing.T) {
	doc, err := os.ReadFile("../../schemas/orders.json")
	if err != nil {
		t.Fatal(err)
	}
	s := mustParse(t, string(doc))
	as := s.Arrow(ArrowOptions{Registry: "reg", SchemaName: "orders"})
	if as.NumFields() != len(s.Fields)+7 {
		t.Fatalf("%d fields", as.NumFields())
	}
	if f := as.Field(4); f.Name != "amount" || !arrow.TypeEqual(f.Type, &arrow.Decimal128Type{Precision: 12, Scale: 2}) {
		t.Errorf("amount: %v", f)
	}
	if f := as.Field(len(s.Fields)); f.Name != ColPartitionID || f.Type.ID() != arrow.INT32 {
		t.Errorf("first metadata column: %v", f)
	}
	md := as.Metadata()
	for k, want := range map[string]string{MetaDataFormat: "json", MetaTopic: "orders", MetaRegistry: "reg", MetaSchemaName: "orders", MetaFingerprint: s.Fingerprint()} {
		if v, _ := metaGet(md, k); v != want {
			t.Errorf("metadata %s = %q, want %q", k, v, want)
		}
	}
	back, err := FromArrow(as)
	if err != nil {
		t.Fatal(err)
	}
	if back.Fingerprint() != s.Fingerprint() || len(back.Fields) != len(s.Fields) {
		t.Fatalf("round trip lost fields")
	}
	for i := range s.Fields {
		if back.Fields[i].Signature() != s.Fields[i].Signature() {
			t.Errorf("field %d: %s != %s", i, back.Fields[i].Signature(), s.Fields[i].Signature())
		}
	}
	// A projection keeps the full document's fingerprint.
	proj := arrow.NewSchema([]arrow.Field{as.Field(3), as.Field(len(s.Fields) + 1)}, &md)
	ps, err := FromArrow(proj)
	if err != nil || len(ps.Fields) != 1 || ps.Fields[0].Name != "customer_raw" || ps.Fingerprint() != s.Fingerprint() {
		t.Fatalf("projection: %+v %v", ps, err)
	}
	noMeta := s.Arrow(ArrowOptions{NoMetadataColumns: true})
	if noMeta.NumFields() != len(s.Fields) {
		t.Errorf("NoMetadataColumns: %d fields", noMeta.NumFields())
	}
	if _, err := FromArrow(arrow.NewSchema(nil, nil)); err != ErrNoTopicMetadata {
		t.Errorf("no metadata: %v", err)
	}
}

func TestFingerprint(t *testing.T) {
	a := mustParse(t, `{"topicName":"t","message":{"dataFormat":"json","fields":[{"name":"a","type":"int"}]}}`)
	b := mustParse(t, `{"topicName":"u","message":{"dataFormat":"JSON","fields":[{"name":"a","mapping":"a","type":"INTEGER"}]}}`)
	c := mustParse(t, `{"topicName":"t","message":{"dataFormat":"json","fields":[{"name":"a","type":"bigint"}]}}`)
	if a.Fingerprint() != b.Fingerprint() {
		t.Errorf("equivalent documents differ")
	}
	if a.Fingerprint() == c.Fingerprint() {
		t.Errorf("different types share a fingerprint")
	}
	if !strings.HasPrefix(a.Fingerprint(), "v1-") || len(a.Fingerprint()) != 35 {
		t.Errorf("fingerprint %q", a.Fingerprint())
	}
}

func TestPlainKey(t *testing.T) {
	for k, want := range map[string]bool{
		"intcol": true, "we ird-key_1": true, "": true,
		"a/b": false, `a"b`: false, `a\b`: false, "é": false, "a\tb": false,
	} {
		if got := PlainKey(k); got != want {
			t.Errorf("PlainKey(%q) = %v, want %v", k, got, want)
		}
	}
}
