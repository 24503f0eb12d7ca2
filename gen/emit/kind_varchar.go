package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/athena-kafka/athena-kafka/gen/plan"
)

// varchar: string content, literal numbers and booleans, JSON text of objects.
type varchar struct{}

func init() { register("VARCHAR", varchar{}) }

func (varchar) column() *jen.Statement { return jen.Op("*").Qual(decodePkg, "StringColumn") }

func (varchar) vars(*plan.Table, *plan.Column) jen.Code { return nil }

func (varchar) appendValue(_ *plan.Table, c *plan.Column, b, v, sp jen.Code) *jen.Statement {
	return jen.Qual(decodePkg, "AppendString").Call(b, v, sp, state(), jen.Lit(c.Index))
}

func (varchar) read(_ *plan.Table, c *plan.Column, rd, b jen.Code) *jen.Statement {
	return jen.Add(rd).Dot("ReadString").Call(b, state(), jen.Lit(c.Index))
}

func (varchar) jsonValue() string { return "StringValue" }

func (varchar) csvField() string { return "Field" }
