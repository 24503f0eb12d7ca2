package plan

import "testing"

func TestGoName(t *testing.T) {
	for in, want := range map[string]string{
		"orders":       "orders",
		"orders-eu.v2": "ordersEuV2",
		"Orders_EU":    "ordersEU",
		"9lives":       "t9lives",
		"é-x":          "x",
	} {
		if got := GoName(in); got != want {
			t.Errorf("GoName(%q) = %q, want %q", in, got, want)
		}
	}
}
