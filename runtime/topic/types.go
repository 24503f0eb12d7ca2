package topic

import (
	"strconv"
	"strings"
)

// ResolveType maps a type name to its column kind, as Java's toArrowType does
// (trimmed, any case, unknown names are VARCHAR), plus the names Java breaks on
// (FLOAT, INT32, INT64, LONG, BOOL), REAL and DECIMAL(p,s). DECIMAL with no
// precision is DOUBLE, as in Java. A malformed DECIMAL(...) is an error.
func ResolveType(name string) (k Kind, precision, scale int32, err string) {
	t := strings.ToUpper(strings.TrimSpace(name))
	switch t {
	case "BOOLEAN", "BOOL":
		return Boolean, 0, 0, ""
	case "TINYINT":
		return TinyInt, 0, 0, ""
	case "SMALLINT":
		return SmallInt, 0, 0, ""
	case "INT", "INT32", "INTEGER":
		return Integer, 0, 0, ""
	case "LONG", "BIGINT", "INT64":
		return BigInt, 0, 0, ""
	case "FLOAT", "REAL":
		return Real, 0, 0, ""
	case "DOUBLE", "DECIMAL":
		return Double, 0, 0, ""
	case "DATE":
		return Date, 0, 0, ""
	case "TIMESTAMP":
		return Timestamp, 0, 0, ""
	}
	if rest, ok := strings.CutPrefix(t, "DECIMAL"); ok && strings.HasPrefix(strings.TrimSpace(rest), "(") {
		return parseDecimal(strings.TrimSpace(rest))
	}
	return Varchar, 0, 0, ""
}

func parseDecimal(s string) (Kind, int32, int32, string) {
	inner, ok := strings.CutSuffix(s[1:], ")")
	if !ok {
		return 0, 0, 0, "missing \")\""
	}
	ps, ss, hasScale := strings.Cut(inner, ",")
	p, err := strconv.Atoi(strings.TrimSpace(ps))
	if err != nil {
		return 0, 0, 0, "precision must be an integer"
	}
	sc := 0
	if hasScale {
		if sc, err = strconv.Atoi(strings.TrimSpace(ss)); err != nil {
			return 0, 0, 0, "scale must be an integer"
		}
	}
	if p < 1 || p > 38 {
		return 0, 0, 0, "precision must be 1..38"
	}
	if sc < 0 || sc > p {
		return 0, 0, 0, "scale must be 0..precision"
	}
	return Decimal, int32(p), int32(sc), ""
}
