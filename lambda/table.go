package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/athena-kafka/athena-kafka/runtime/federation"
	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// maxCellWidth truncates long values in printed tables.
const maxCellWidth = 28

// printRows prints up to limit rows (all when limit < 0) of recs as an
// aligned text table. skipRaw leaves out _message and _headers, which are
// long and repeat the data columns.
func printRows(w io.Writer, schema *arrow.Schema, recs []arrow.RecordBatch, limit int, skipRaw bool) {
	var cols []int
	for i, f := range schema.Fields() {
		if skipRaw && (f.Name == topic.ColMessage || f.Name == topic.ColHeaders) {
			continue
		}
		cols = append(cols, i)
	}
	rows := [][]string{}
	header := make([]string, len(cols))
	for j, c := range cols {
		header[j] = schema.Field(c).Name
	}
	for _, r := range recs {
		for i := 0; i < int(r.NumRows()); i++ {
			if limit >= 0 && len(rows) >= limit {
				break
			}
			row := make([]string, len(cols))
			for j, c := range cols {
				row[j] = formatValue(federation.ValueAt(r.Column(c), i), r.Column(c).DataType())
			}
			rows = append(rows, row)
		}
	}
	widths := make([]int, len(cols))
	for j := range cols {
		widths[j] = utf8.RuneCountInString(header[j])
		for _, row := range rows {
			widths[j] = max(widths[j], utf8.RuneCountInString(row[j]))
		}
	}
	line := func(cells []string) {
		var b strings.Builder
		for j, s := range cells {
			if j > 0 {
				b.WriteString(" | ")
			}
			b.WriteString(s)
			b.WriteString(strings.Repeat(" ", widths[j]-utf8.RuneCountInString(s)))
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	line(header)
	sep := make([]string, len(cols))
	for j := range sep {
		sep[j] = strings.Repeat("-", widths[j])
	}
	line(sep)
	for _, row := range rows {
		line(row)
	}
}

func formatValue(v any, dt arrow.DataType) string {
	var s string
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		s = x
	case []byte:
		s = fmt.Sprintf("%x", x)
	case bool:
		s = strconv.FormatBool(x)
	case float32:
		s = strconv.FormatFloat(float64(x), 'g', -1, 32)
	case float64:
		s = strconv.FormatFloat(x, 'g', -1, 64)
	case arrow.Date32:
		s = x.ToTime().Format("2006-01-02")
	case arrow.Date64:
		s = time.UnixMilli(int64(x)).UTC().Format("2006-01-02 15:04:05.000")
	case arrow.Timestamp:
		s = time.UnixMilli(int64(x)).UTC().Format("2006-01-02 15:04:05.000")
	case decimal128.Num:
		if d, ok := dt.(*arrow.Decimal128Type); ok {
			s = x.ToString(d.Scale)
		} else {
			s = x.BigInt().String()
		}
	default:
		s = fmt.Sprint(x)
	}
	s = strings.ReplaceAll(s, "\n", `\n`)
	if utf8.RuneCountInString(s) > maxCellWidth {
		s = string([]rune(s)[:maxCellWidth-1]) + "…"
	}
	return s
}
