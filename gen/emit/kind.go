package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/athena-kafka/athena-kafka/gen/plan"
)

const (
	decodePkg = "github.com/athena-kafka/athena-kafka/runtime/decode"
)

// kind emits the Go for one column kind: the column type it fills,
// package-level values it needs, and the statement that converts and appends
// one value.
type kind interface {
	// column is the type of the column it fills.
	column() *jen.Statement
	// vars declares package-level values (may be nil).
	vars(t *plan.Table, c *plan.Column) jen.Code
	// appendValue converts span sp of message v and appends it to field b,
	// evaluating to false on a failure.
	appendValue(t *plan.Table, c *plan.Column, b, v, sp jen.Code) *jen.Statement
	// read reads the value at reader rd (a decode.Cursor or decode.CSV)
	// straight into field b, evaluating to false on a failure.
	read(t *plan.Table, c *plan.Column, rd, b jen.Code) *jen.Statement
	// jsonValue names the decode.Cursor method that reads the column's JSON
	// value: NumberValue or StringValue read the JSON type the column
	// expects directly and anything else as Value does.
	jsonValue() string
	// csvField names the decode.CSV method that reads the column's field:
	// IntField and FloatField read an integer or a DOUBLE directly and
	// anything else as Field does.
	csvField() string
}

// kinds maps plan.Column.Kind to its emitter; each lives in its own file.
var kinds = map[string]kind{}

func register(name string, k kind) { kinds[name] = k }

// state is the expression &d.State every append call takes.
func state() jen.Code { return jen.Op("&").Id("d").Dot("State") }
