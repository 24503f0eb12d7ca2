package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/athena-kafka/athena-kafka/gen/plan"
)

// boolean: true/false, or the text true/false in any case.
type boolean struct{}

func init() { register("BOOLEAN", boolean{}) }

func (boolean) column() *jen.Statement { return jen.Op("*").Qual(decodePkg, "BoolColumn") }

func (boolean) vars(*plan.Table, *plan.Column) jen.Code { return nil }

func (boolean) appendValue(_ *plan.Table, c *plan.Column, b, v, sp jen.Code) *jen.Statement {
	return jen.Qual(decodePkg, "AppendBool").Call(b, v, sp, state(), jen.Lit(c.Index))
}

func (boolean) read(_ *plan.Table, c *plan.Column, rd, b jen.Code) *jen.Statement {
	return jen.Add(rd).Dot("ReadBool").Call(b, state(), jen.Lit(c.Index))
}

func (boolean) jsonValue() string { return "Value" }

func (boolean) csvField() string { return "Field" }
