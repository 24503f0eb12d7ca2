package decode

import (
	"os"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

func loadSchema(t testing.TB, name string) *topic.Schema {
	t.Helper()
	doc, err := os.ReadFile("../../schemas/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := topic.Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFallbackSeedJSON(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	s := loadSchema(t, "datatypejson")
	as := s.Arrow(topic.ArrowOptions{NoMetadataColumns: true})
	d, err := New(s, as, mem)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Release()
	msgs := []string{
		`{"intcol":7,"varcharcol":"a\u00e9\"b","booleancol":"TRUE","bigintcol":"-9223372036854775808","doublecol":1.5e3,"smallintcol":-32768,"tinyintcol":127,"datecol":"2020-02-29","timestampcol":"2020-02-29 12:34:56.789"}`,
		`{"intcol":1.0,"varcharcol":{"x": [1, 2]},"booleancol":1,"datecol":"2020-02-30","extra":[{"deep":null}]}`,
		`[1]`,
		`{"intcol":1,"intcol":2,"varcharcol":null,"tinyintcol":128}`,
	}
	wantOK := []bool{true, false, false, false}
	for i, m := range msgs {
		if got := d.Decode([]byte(m)); got != wantOK[i] {
			t.Errorf("msg %d: ok=%v err=%v", i, got, d.Err())
		}
	}
	rec := Record(d, as, mem)
	defer rec.Release()
	ints := rec.Column(0).(*array.Int32)
	if ints.Value(0) != 7 || !ints.IsNull(1) || !ints.IsNull(2) || ints.Value(3) != 2 {
		t.Errorf("intcol %v", ints)
	}
	strs := rec.Column(1).(*array.String)
	if strs.Value(0) != "aé\"b" || strs.Value(1) != `{"x": [1, 2]}` || !strs.IsNull(3) {
		t.Errorf("varcharcol %v", strs)
	}
	ts := rec.Column(8).(*array.Date64)
	if ts.Value(0) != arrow.Date64(1582979696789) {
		t.Errorf("timestampcol %v", ts.Value(0))
	}
	dates := rec.Column(7).(*array.Date32)
	if dates.Value(0) != 18321 || !dates.IsNull(1) {
		t.Errorf("datecol %v", dates)
	}
	if rec.NumRows() != 4 {
		t.Errorf("rows %d", rec.NumRows())
	}
}
