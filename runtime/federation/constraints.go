package federation

import (
	"github.com/apache/arrow-go/v18/arrow"
)

// NoLimit is Constraints.Limit without a limit.
const NoLimit = -1

// Constraints are the predicates, ordering and limit Athena pushes down.
// Fields a version does not carry read as their defaults (no expressions,
// no order, Limit -1, no passthrough, no plan) and are not written.
type Constraints struct {
	// Summary is the per-column value set, in wire order.
	Summary []ColumnSet
	// Expression (v4+) is the list of pushed-down expressions (ANDed).
	Expression []Expression
	// OrderBy (v4+) is the pushed-down ORDER BY.
	OrderBy []OrderByField
	// Limit (v4+) is the pushed-down LIMIT, NoLimit (-1) for none. Note that
	// the zero value means LIMIT 0: build Constraints with Limit: NoLimit.
	Limit int64
	// QueryPassthrough (v5+) holds query passthrough arguments.
	QueryPassthrough Map
	// QueryPlan (v6+) is the Substrait plan, nil for none.
	QueryPlan *QueryPlan
}

// ColumnSet is one entry of Constraints.Summary.
type ColumnSet struct {
	Column string
	Set    ValueSet
}

// Set returns the value set of column, nil if it has none.
func (c *Constraints) Set(column string) ValueSet {
	if c == nil {
		return nil
	}
	for _, cs := range c.Summary {
		if cs.Column == column {
			return cs.Set
		}
	}
	return nil
}

// HasLimit tells whether a limit was pushed down.
func (c *Constraints) HasLimit() bool { return c != nil && c.Limit > NoLimit }

// QueryPlan is a Substrait plan (v6+). SubstraitPlan is the base64 of a
// Substrait Plan protobuf.
type QueryPlan struct {
	SubstraitVersion string
	SubstraitPlan    string
}

// OrderByField is one ORDER BY term; Direction is ASC_NULLS_FIRST,
// ASC_NULLS_LAST, DESC_NULLS_FIRST or DESC_NULLS_LAST.
type OrderByField struct {
	Column    string
	Direction string
}

// Expression is a FederationExpression (v4+): *ConstantExpression,
// *FunctionCallExpression or *VariableExpression.
type Expression interface {
	// ArrowType is the type of the expression's value.
	ArrowType() arrow.DataType
	isExpression()
}

// ConstantExpression is one or more constant values of Type (the rows of
// its valueBlock, decoded as ValueAt does; nil for NULL).
type ConstantExpression struct {
	Type   arrow.DataType
	Values []any
}

// FunctionCallExpression calls Function (e.g. "$greater_than") on Arguments.
type FunctionCallExpression struct {
	Type      arrow.DataType
	Function  string
	Arguments []Expression
}

// VariableExpression refers to a column.
type VariableExpression struct {
	Column string
	Type   arrow.DataType
}

// ArrowType implements Expression.
func (e *ConstantExpression) ArrowType() arrow.DataType { return e.Type }

// ArrowType implements Expression.
func (e *FunctionCallExpression) ArrowType() arrow.DataType { return e.Type }

// ArrowType implements Expression.
func (e *VariableExpression) ArrowType() arrow.DataType { return e.Type }

func (*ConstantExpression) isExpression()     {}
func (*FunctionCallExpression) isExpression() {}
func (*VariableExpression) isExpression()     {}

// ValueSet is the set of values a column may take: *EquatableValueSet,
// *SortedRangeSet or *AllOrNoneValueSet.
type ValueSet interface {
	// Contains tells whether v is in the set. v is nil for NULL, otherwise the
	// Go value ValueAt returns for the column's Arrow type (int8..int64,
	// uint8..uint64, float32, float64, string, bool, arrow.Date32, arrow.Date64,
	// arrow.Timestamp, arrow.Time32, arrow.Time64, decimal128.Num, []byte).
	// When v cannot be compared with the set's values (another Go type) the
	// answer is true: the set cannot exclude it, and Athena filters again.
	Contains(v any) bool
	// ArrowType is the type of the set's values.
	ArrowType() arrow.DataType
	// AllowsNull tells whether NULL is in the set.
	AllowsNull() bool
}

// EquatableValueSet is IN (WhiteList) or NOT IN (!WhiteList) a list of values.
type EquatableValueSet struct {
	Type        arrow.DataType
	Values      []any
	WhiteList   bool
	NullAllowed bool
}

// SortedRangeSet is a union of disjoint ordered ranges. No ranges and
// NullAllowed means IS NULL.
type SortedRangeSet struct {
	Type        arrow.DataType
	Ranges      []Range
	NullAllowed bool
}

// AllOrNoneValueSet is everything (All) or nothing, plus NULL if NullAllowed.
type AllOrNoneValueSet struct {
	Type        arrow.DataType
	All         bool
	NullAllowed bool
}

// Range is the values between two markers.
type Range struct {
	Low, High Marker
}

// Bound says where a marker sits relative to its value.
type Bound int

// Bounds. As a low bound, Exactly v means >= v and Above v means > v; as a
// high bound, Exactly v means <= v and Below v means < v. An unbounded low
// marker is {NullValue, Above}, an unbounded high one {NullValue, Below}.
const (
	Below Bound = iota
	Exactly
	Above
)

// String is the wire name of the bound.
func (b Bound) String() string {
	switch b {
	case Below:
		return "BELOW"
	case Exactly:
		return "EXACTLY"
	case Above:
		return "ABOVE"
	}
	return "UNKNOWN"
}

// Marker is one end of a Range. NullValue means unbounded (Value is nil).
type Marker struct {
	Value     any
	Bound     Bound
	NullValue bool
}

// Unbounded markers.
var (
	LowUnbounded  = Marker{Bound: Above, NullValue: true}
	HighUnbounded = Marker{Bound: Below, NullValue: true}
)

// ArrowType implements ValueSet.
func (s *EquatableValueSet) ArrowType() arrow.DataType { return s.Type }

// ArrowType implements ValueSet.
func (s *SortedRangeSet) ArrowType() arrow.DataType { return s.Type }

// ArrowType implements ValueSet.
func (s *AllOrNoneValueSet) ArrowType() arrow.DataType { return s.Type }

// AllowsNull implements ValueSet.
func (s *EquatableValueSet) AllowsNull() bool { return s.NullAllowed }

// AllowsNull implements ValueSet.
func (s *SortedRangeSet) AllowsNull() bool { return s.NullAllowed }

// AllowsNull implements ValueSet.
func (s *AllOrNoneValueSet) AllowsNull() bool { return s.NullAllowed }

// Contains implements ValueSet.
func (s *EquatableValueSet) Contains(v any) bool {
	if v == nil {
		return s.NullAllowed
	}
	for _, x := range s.Values {
		if x == nil {
			continue
		}
		c, ok := compareValues(v, x)
		if !ok {
			return true
		}
		if c == 0 {
			return s.WhiteList
		}
	}
	return !s.WhiteList
}

// Contains implements ValueSet.
func (s *AllOrNoneValueSet) Contains(v any) bool {
	if v == nil {
		return s.NullAllowed
	}
	return s.All
}

// Contains implements ValueSet.
func (s *SortedRangeSet) Contains(v any) bool {
	if v == nil {
		return s.NullAllowed
	}
	for _, r := range s.Ranges {
		in, ok := r.contains(v)
		if !ok || in {
			return true
		}
	}
	return false
}

// Contains tells whether the non-NULL v lies in the range. It is true when v
// cannot be compared with the markers' values.
func (r Range) Contains(v any) bool {
	in, ok := r.contains(v)
	return !ok || in
}

func (r Range) contains(v any) (in, ok bool) {
	if !r.Low.NullValue {
		p, ok := position(v, r.Low)
		if !ok {
			return false, false
		}
		if p < 0 {
			return false, true
		}
	}
	if !r.High.NullValue {
		p, ok := position(v, r.High)
		if !ok {
			return false, false
		}
		if p > 0 {
			return false, true
		}
	}
	return true, true
}

// position places v relative to the marker m: -1 below it, 0 on it, +1
// above it. A marker "Below x" sits just under x, so x is above it.
func position(v any, m Marker) (int, bool) {
	c, ok := compareValues(v, m.Value)
	if !ok || c != 0 {
		return c, ok
	}
	switch m.Bound {
	case Below:
		return 1, true
	case Above:
		return -1, true
	}
	return 0, true
}
