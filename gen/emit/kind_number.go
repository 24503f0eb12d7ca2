package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/athena-kafka/athena-kafka/gen/plan"
)

// number is the integer and floating point kinds: one runtime parser each,
// parsing straight from the message bytes.
type number struct {
	builderName, fn string
}

func init() {
	register("TINYINT", number{"Int8Builder", "AppendInt8"})
	register("SMALLINT", number{"Int16Builder", "AppendInt16"})
	register("INTEGER", number{"Int32Builder", "AppendInt32"})
	register("BIGINT", number{"Int64Builder", "AppendInt64"})
	register("REAL", number{"Float32Builder", "AppendFloat32"})
	register("DOUBLE", number{"Float64Builder", "AppendFloat64"})
}

func (n number) builder() *jen.Statement { return jen.Op("*").Qual(arrayPkg, n.builderName) }

func (number) vars(*plan.Table, *plan.Column) jen.Code { return nil }

func (n number) appendValue(_ *plan.Table, c *plan.Column, b, v, sp jen.Code) *jen.Statement {
	return jen.Qual(decodePkg, n.fn).Call(b, v, sp, state(), jen.Lit(c.Index))
}
