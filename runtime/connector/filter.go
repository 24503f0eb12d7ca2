package connector

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/athena-kafka/athena-kafka/runtime/federation"
)

// rowFilter applies the summary constraints of a ReadRecords request to
// decoded rows. Only columns present in the request schema can be checked;
// Athena re-applies the full predicate to what we return anyway.
type rowFilter struct {
	cols []int
	sets []federation.ValueSet
	mem  memory.Allocator
}

func newRowFilter(schema *arrow.Schema, cons *federation.Constraints, mem memory.Allocator) *rowFilter {
	f := &rowFilter{mem: mem}
	for _, cs := range cons.Summary {
		idx := schema.FieldIndices(cs.Column)
		if len(idx) == 0 || cs.Set == nil {
			continue
		}
		f.cols = append(f.cols, idx[0])
		f.sets = append(f.sets, cs.Set)
	}
	return f
}

// none tells whether the filter keeps every row.
func (f *rowFilter) none() bool { return len(f.cols) == 0 }

// apply returns the rows of rec that pass, taking ownership of rec. It
// returns nil when no row passes.
func (f *rowFilter) apply(rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	if len(f.cols) == 0 || rec.NumRows() == 0 {
		return rec, nil
	}
	n := int(rec.NumRows())
	var runs [][2]int64 // kept rows as [from, to) runs, sliced without copying
	kept := 0
	for row := 0; row < n; row++ {
		ok := true
		for i, col := range f.cols {
			if !f.sets[i].Contains(federation.ValueAt(rec.Column(col), row)) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		kept++
		if k := len(runs); k > 0 && runs[k-1][1] == int64(row) {
			runs[k-1][1]++
		} else {
			runs = append(runs, [2]int64{int64(row), int64(row) + 1})
		}
	}
	switch kept {
	case n:
		return rec, nil
	case 0:
		rec.Release()
		return nil, nil
	}
	defer rec.Release()
	parts := make([]arrow.RecordBatch, len(runs))
	for i, r := range runs {
		parts[i] = rec.NewSlice(r[0], r[1])
	}
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	// Copy even a single run: a slice would keep (and be sized by) the
	// whole chunk's buffers, making blocks look larger than they are.
	return concatRecords(f.mem, rec.Schema(), parts)
}
