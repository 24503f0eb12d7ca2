package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/athena-kafka/athena-kafka/runtime/federation"
)

// runQuery runs one SELECT of the SQL subset through the same requests
// Athena sends, against the configured broker and schema source.
func runQuery(ctx context.Context, sql string, w io.Writer) error {
	st, err := parseSelect(sql)
	if err != nil {
		return err
	}
	cfg, h, err := localConnector(ctx)
	if err != nil {
		return err
	}
	defer h.Close()
	a := &athena{h: h, catalog: "kafka", queryID: fmt.Sprintf("query-%d", time.Now().UnixNano()), mem: memory.DefaultAllocator, fetch: spillFetcher(ctx, cfg)}

	gt, err := a.getTable(ctx, federation.TableName{SchemaName: st.Schema, TableName: st.Table})
	if err != nil {
		return err
	}
	full := gt.Schema
	proj, out, err := projection(full, st)
	if err != nil {
		return err
	}
	cons, err := constraintsFor(full, st)
	if err != nil {
		return err
	}
	splits, err := a.getSplits(ctx, gt.TableName, full, cons)
	if err != nil {
		return err
	}
	var recs []arrow.RecordBatch
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	var rows int64
	for _, sp := range splits {
		if st.Limit >= 0 && rows >= st.Limit {
			break
		}
		rs, _, err := a.readSplit(ctx, gt.TableName, proj, sp, cons)
		if err != nil {
			return err
		}
		for _, r := range rs {
			rows += r.NumRows()
		}
		recs = append(recs, rs...)
	}
	// Print only the selected columns, in the order asked.
	var shown []arrow.RecordBatch
	for _, r := range recs {
		cols := make([]arrow.Array, len(out))
		for i, c := range out {
			cols[i] = r.Column(c)
		}
		shown = append(shown, newRecord(outSchema(proj, out), cols, r.NumRows()))
	}
	limit := int(st.Limit)
	printRows(w, outSchema(proj, out), shown, limit, false)
	for _, r := range shown {
		r.Release()
	}
	n := rows
	if st.Limit >= 0 && n > st.Limit {
		n = st.Limit
	}
	fmt.Fprintf(w, "(%d rows, %d splits)\n", n, len(splits))
	return nil
}

// projection returns the request schema (the selected columns plus those the
// WHERE clause needs, as Athena sends) and the positions of the selected ones.
func projection(full *arrow.Schema, st *selectStmt) (*arrow.Schema, []int, error) {
	names := st.Columns
	if names == nil {
		for _, f := range full.Fields() {
			names = append(names, f.Name)
		}
	}
	need := append([]string{}, names...)
	for _, p := range st.Where {
		need = append(need, p.Column)
	}
	var fields []arrow.Field
	pos := map[string]int{}
	for _, n := range need {
		idx := full.FieldIndices(n)
		if len(idx) == 0 {
			idx = findFold(full, n)
		}
		if len(idx) == 0 {
			return nil, nil, fmt.Errorf("column %q does not exist; the table has %s", n, columnList(full))
		}
		f := full.Field(idx[0])
		if _, ok := pos[f.Name]; !ok {
			pos[f.Name] = len(fields)
			fields = append(fields, f)
		}
	}
	md := full.Metadata()
	proj := arrow.NewSchema(fields, &md)
	var out []int
	for _, n := range names {
		idx := full.FieldIndices(n)
		if len(idx) == 0 {
			idx = findFold(full, n)
		}
		out = append(out, pos[full.Field(idx[0]).Name])
	}
	return proj, out, nil
}

func findFold(s *arrow.Schema, name string) []int {
	for i, f := range s.Fields() {
		if strings.EqualFold(f.Name, name) {
			return []int{i}
		}
	}
	return nil
}

func columnList(s *arrow.Schema) string {
	var n []string
	for _, f := range s.Fields() {
		n = append(n, f.Name)
	}
	return strings.Join(n, ", ")
}

func outSchema(proj *arrow.Schema, out []int) *arrow.Schema {
	fields := make([]arrow.Field, len(out))
	for i, c := range out {
		fields[i] = proj.Field(c)
	}
	return arrow.NewSchema(fields, nil)
}

// constraintsFor turns the AND-ed comparisons into one value set per column,
// as Athena's planner does for the summary.
func constraintsFor(full *arrow.Schema, st *selectStmt) (federation.Constraints, error) {
	cons := federation.Constraints{Limit: st.Limit, Summary: []federation.ColumnSet{}}
	type bounds struct {
		lo, hi         federation.Marker
		excluded       []any
		isNull, noNull bool
		typ            arrow.DataType
	}
	byCol := map[string]*bounds{}
	var order []string
	for _, p := range st.Where {
		idx := full.FieldIndices(p.Column)
		if len(idx) == 0 {
			idx = findFold(full, p.Column)
		}
		if len(idx) == 0 {
			return cons, fmt.Errorf("column %q in WHERE does not exist; the table has %s", p.Column, columnList(full))
		}
		f := full.Field(idx[0])
		b := byCol[f.Name]
		if b == nil {
			b = &bounds{lo: federation.LowUnbounded, hi: federation.HighUnbounded, typ: f.Type}
			byCol[f.Name] = b
			order = append(order, f.Name)
		}
		switch p.Op {
		case "IS NULL":
			b.isNull = true
			continue
		case "IS NOT NULL":
			b.noNull = true
			continue
		}
		v, err := literalValue(p.Value, f.Type)
		if err != nil {
			return cons, fmt.Errorf("column %s: %w", f.Name, err)
		}
		tighterLo := func(m federation.Marker) {
			if b.lo.NullValue || compareAny(m.Value, b.lo.Value) > 0 || compareAny(m.Value, b.lo.Value) == 0 && m.Bound == federation.Above {
				b.lo = m
			}
		}
		tighterHi := func(m federation.Marker) {
			if b.hi.NullValue || compareAny(m.Value, b.hi.Value) < 0 || compareAny(m.Value, b.hi.Value) == 0 && m.Bound == federation.Below {
				b.hi = m
			}
		}
		switch p.Op {
		case "=":
			tighterLo(federation.Marker{Value: v, Bound: federation.Exactly})
			tighterHi(federation.Marker{Value: v, Bound: federation.Exactly})
		case "<>":
			b.excluded = append(b.excluded, v)
		case ">":
			tighterLo(federation.Marker{Value: v, Bound: federation.Above})
		case ">=":
			tighterLo(federation.Marker{Value: v, Bound: federation.Exactly})
		case "<":
			tighterHi(federation.Marker{Value: v, Bound: federation.Below})
		case "<=":
			tighterHi(federation.Marker{Value: v, Bound: federation.Exactly})
		}
	}
	for _, name := range order {
		b := byCol[name]
		var vs federation.ValueSet
		switch {
		case b.isNull && b.noNull:
			vs = &federation.AllOrNoneValueSet{Type: b.typ}
		case b.isNull:
			vs = &federation.SortedRangeSet{Type: b.typ, Ranges: []federation.Range{}, NullAllowed: true}
		case b.lo.NullValue && b.hi.NullValue && len(b.excluded) == 0:
			vs = &federation.AllOrNoneValueSet{Type: b.typ, All: true}
		case b.lo.NullValue && b.hi.NullValue:
			vs = &federation.EquatableValueSet{Type: b.typ, Values: b.excluded, WhiteList: false}
		default:
			// Split the range around excluded values: (lo, x) u (x, hi).
			ranges := []federation.Range{{Low: b.lo, High: b.hi}}
			for _, x := range b.excluded {
				var next []federation.Range
				for _, r := range ranges {
					if !r.Contains(x) {
						next = append(next, r)
						continue
					}
					left := federation.Range{Low: r.Low, High: federation.Marker{Value: x, Bound: federation.Below}}
					right := federation.Range{Low: federation.Marker{Value: x, Bound: federation.Above}, High: r.High}
					for _, n := range []federation.Range{left, right} {
						if nonEmpty(n) {
							next = append(next, n)
						}
					}
				}
				ranges = next
			}
			vs = &federation.SortedRangeSet{Type: b.typ, Ranges: ranges}
		}
		cons.Summary = append(cons.Summary, federation.ColumnSet{Column: name, Set: vs})
	}
	return cons, nil
}

func nonEmpty(r federation.Range) bool {
	if r.Low.NullValue || r.High.NullValue {
		return true
	}
	c := compareAny(r.Low.Value, r.High.Value)
	return c < 0 || c == 0 && r.Low.Bound == federation.Exactly && r.High.Bound == federation.Exactly
}

// compareAny orders two values of the same column type.
func compareAny(a, b any) int {
	switch x := a.(type) {
	case string:
		return strings.Compare(x, b.(string))
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case decimal128.Num:
		return x.Cmp(b.(decimal128.Num))
	}
	fa, fb := toFloat(a), toFloat(b)
	switch {
	case fa < fb:
		return -1
	case fa > fb:
		return 1
	}
	return 0
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int8:
		return float64(x)
	case int16:
		return float64(x)
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case float32:
		return float64(x)
	case float64:
		return x
	case arrow.Date32:
		return float64(x)
	case arrow.Date64:
		return float64(x)
	}
	return math.NaN()
}

// literalValue converts a SQL literal to the Go value of the column's type.
func literalValue(l literal, dt arrow.DataType) (any, error) {
	bad := func() error {
		return fmt.Errorf("literal %q does not fit type %s", l.Text, dt)
	}
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64:
		n, err := strconv.ParseInt(l.Text, 10, dt.(arrow.FixedWidthDataType).BitWidth())
		if err != nil || l.Kind != "number" {
			return nil, bad()
		}
		switch dt.ID() {
		case arrow.INT8:
			return int8(n), nil
		case arrow.INT16:
			return int16(n), nil
		case arrow.INT32:
			return int32(n), nil
		}
		return n, nil
	case arrow.FLOAT32, arrow.FLOAT64:
		f, err := strconv.ParseFloat(l.Text, 64)
		if err != nil || l.Kind != "number" {
			return nil, bad()
		}
		if dt.ID() == arrow.FLOAT32 {
			return float32(f), nil
		}
		return f, nil
	case arrow.DECIMAL128:
		d := dt.(*arrow.Decimal128Type)
		n, err := decimal128.FromString(l.Text, d.Precision, d.Scale)
		if err != nil {
			return nil, bad()
		}
		return n, nil
	case arrow.BOOL:
		if l.Kind != "bool" {
			return nil, bad()
		}
		return l.Text == "true", nil
	case arrow.STRING:
		return l.Text, nil
	case arrow.DATE32:
		t, err := time.Parse("2006-01-02", l.Text)
		if err != nil {
			return nil, fmt.Errorf("date literal %q: want 'YYYY-MM-DD'", l.Text)
		}
		return arrow.Date32FromTime(t), nil
	case arrow.DATE64:
		if l.Kind == "number" {
			n, err := strconv.ParseInt(l.Text, 10, 64)
			if err != nil {
				return nil, bad()
			}
			return arrow.Date64(n), nil
		}
		for _, layout := range []string{"2006-01-02 15:04:05.000", "2006-01-02 15:04:05", "2006-01-02T15:04:05Z07:00", "2006-01-02"} {
			if t, err := time.Parse(layout, l.Text); err == nil {
				return arrow.Date64(t.UnixMilli()), nil
			}
		}
		return nil, fmt.Errorf("timestamp literal %q: want 'YYYY-MM-DD HH:MM:SS[.mmm]' (UTC) or epoch milliseconds", l.Text)
	}
	return nil, fmt.Errorf("comparisons on type %s are not supported by lambda query", dt)
}
