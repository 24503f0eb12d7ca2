package emit

import (
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/athena-kafka/athena-kafka/gen/plan"
)

// timeKind is DATE and TIMESTAMP: the formatHint, checked at generation time,
// is compiled once into a package-level parser whose fixed layouts
// (yyyy-MM-dd, yyyy-MM-dd HH:mm:ss[.SSS]) take a fast path.
type timeKind struct {
	colType, fn, reader string
}

func init() {
	register("DATE", timeKind{"Date32Column", "AppendDate", "ReadDate"})
	register("TIMESTAMP", timeKind{"Date64Column", "AppendTimestamp", "ReadTimestamp"})
}

func (k timeKind) column() *jen.Statement { return jen.Op("*").Qual(decodePkg, k.colType) }

func parserName(t *plan.Table, c *plan.Column) string {
	return t.GoName + "Time" + strconv.Itoa(c.Index)
}

func (timeKind) vars(t *plan.Table, c *plan.Column) jen.Code {
	return jen.Id(parserName(t, c)).Op("=").Qual(decodePkg, "MustTimeParser").Call(jen.Lit(c.Time))
}

func (k timeKind) appendValue(t *plan.Table, c *plan.Column, b, v, sp jen.Code) *jen.Statement {
	return jen.Qual(decodePkg, k.fn).Call(b, v, sp, state(), jen.Lit(c.Index), jen.Id(parserName(t, c)))
}

func (k timeKind) read(t *plan.Table, c *plan.Column, rd, b jen.Code) *jen.Statement {
	return jen.Add(rd).Dot(k.reader).Call(b, state(), jen.Lit(c.Index), jen.Id(parserName(t, c)))
}

func (timeKind) jsonValue() string { return "StringValue" }

func (timeKind) csvField() string { return "Field" }
