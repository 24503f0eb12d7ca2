package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/athena-kafka/athena-kafka/gen/plan"
)

// number is the integer and floating point kinds: one runtime parser each,
// parsing straight from the message bytes.
type number struct {
	builderName, fn string
	integer         bool
}

func init() {
	register("TINYINT", number{"Int8Builder", "AppendInt8", true})
	register("SMALLINT", number{"Int16Builder", "AppendInt16", true})
	register("INTEGER", number{"Int32Builder", "AppendInt32", true})
	register("BIGINT", number{"Int64Builder", "AppendInt64", true})
	register("REAL", number{"Float32Builder", "AppendFloat32", false})
	register("DOUBLE", number{"Float64Builder", "AppendFloat64", false})
}

func (n number) builder() *jen.Statement { return jen.Op("*").Qual(arrayPkg, n.builderName) }

func (number) vars(*plan.Table, *plan.Column) jen.Code { return nil }

func (n number) appendValue(_ *plan.Table, c *plan.Column, b, v, sp jen.Code) *jen.Statement {
	return jen.Qual(decodePkg, n.fn).Call(b, v, sp, state(), jen.Lit(c.Index))
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
