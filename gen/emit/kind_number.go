package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/athena-kafka/athena-kafka/gen/plan"
)

// number is the integer and floating point kinds: one runtime parser each,
// parsing straight from the message bytes.
type number struct {
	colType, fn, reader string
	integer             bool
}

func init() {
	register("TINYINT", number{"Int8Column", "AppendInt8", "ReadInt8", true})
	register("SMALLINT", number{"Int16Column", "AppendInt16", "ReadInt16", true})
	register("INTEGER", number{"Int32Column", "AppendInt32", "ReadInt32", true})
	register("BIGINT", number{"Int64Column", "AppendInt64", "ReadInt64", true})
	register("REAL", number{"Float32Column", "AppendFloat32", "ReadFloat32", false})
	register("DOUBLE", number{"Float64Column", "AppendFloat64", "ReadFloat64", false})
}

func (n number) column() *jen.Statement { return jen.Op("*").Qual(decodePkg, n.colType) }

func (number) vars(*plan.Table, *plan.Column) jen.Code { return nil }

func (n number) appendValue(_ *plan.Table, c *plan.Column, b, v, sp jen.Code) *jen.Statement {
	return jen.Qual(decodePkg, n.fn).Call(b, v, sp, state(), jen.Lit(c.Index))
}

func (n number) read(_ *plan.Table, c *plan.Column, rd, b jen.Code) *jen.Statement {
	return jen.Add(rd).Dot(n.reader).Call(b, state(), jen.Lit(c.Index))
}

func (number) jsonValue() string { return "NumberValue" }

func (n number) csvField() string {
	switch {
	case n.integer:
		return "IntField"
	case n.fn == "AppendFloat64":
		return "FloatField"
	}
	return "Field"
}
