package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/athena-kafka/athena-kafka/gen/plan"
)

// decimal: exact DECIMAL(p,s); precision and scale come from the column's type.
type decimal struct{}

func init() { register("DECIMAL", decimal{}) }

func (decimal) column() *jen.Statement { return jen.Op("*").Qual(decodePkg, "DecimalColumn") }

func (decimal) vars(*plan.Table, *plan.Column) jen.Code { return nil }

func (decimal) appendValue(_ *plan.Table, c *plan.Column, b, v, sp jen.Code) *jen.Statement {
	return jen.Qual(decodePkg, "AppendDecimal").Call(b, v, sp, state(), jen.Lit(c.Index))
}

func (decimal) read(_ *plan.Table, c *plan.Column, rd, b jen.Code) *jen.Statement {
	return jen.Add(rd).Dot("ReadDecimal").Call(b, state(), jen.Lit(c.Index))
}

func (decimal) jsonValue() string { return "NumberValue" }

func (decimal) csvField() string { return "Field" }
