package topic

import (
	"strings"
)

// TimeKind says how a Date or Timestamp value is read.
type TimeKind uint8

// Time kinds: a pattern (formatHint in Java SimpleDateFormat letters), or one
// of the named formats.
const (
	TimeISO8601      TimeKind = iota // formatHint "iso8601", or none
	TimeLayout                       // a SimpleDateFormat pattern
	TimeRFC2822                      // "rfc2822"
	TimeEpochMillis                  // "milliseconds-since-epoch"
	TimeEpochSeconds                 // "seconds-since-epoch"
)

var namedTimes = map[string]TimeKind{
	"iso8601":                  TimeISO8601,
	"rfc2822":                  TimeRFC2822,
	"milliseconds-since-epoch": TimeEpochMillis,
	"seconds-since-epoch":      TimeEpochSeconds,
}

// Op is one step of a compiled pattern.
type Op uint8

// Pattern steps. Two-letter names are zero-padded fixed width; one-letter
// names take one or two digits.
const (
	OpLit         Op = iota // literal text, matched exactly
	OpYear4                 // yyyy: exactly 4 digits
	OpYear2                 // yy: 2 digits, 69..99 -> 19xx, else 20xx (as Go)
	OpMonth2                // MM
	OpMonth                 // M
	OpMonthAbbr             // MMM: Jan (any case)
	OpMonthName             // MMMM: January (any case)
	OpDay2                  // dd
	OpDay                   // d
	OpHour2                 // HH: 00..23
	OpHour                  // H
	OpHour12x2              // hh: 01..12
	OpHour12                // h
	OpMinute2               // mm
	OpMinute                // m
	OpSecond2               // ss
	OpSecond                // s
	OpMillis                // SSS: exactly 3 digits
	OpAMPM                  // a: AM or PM (any case)
	OpWeekdayAbbr           // EEE: Mon (checked for spelling only)
	OpWeekdayName           // EEEE: Monday
	OpZoneRFC822            // Z: +hhmm or -hhmm
	OpZoneISO1              // X: Z, +hh, -hh
	OpZoneISO2              // XX: Z, +hhmm
	OpZoneISO3              // XXX: Z, +hh:mm
)

// Elem is one step of a pattern: an op, or literal text.
type Elem struct {
	Op  Op
	Lit string `json:",omitempty"`
}

var opJava = map[Op]string{
	OpYear4: "yyyy", OpYear2: "yy", OpMonth2: "MM", OpMonth: "M", OpMonthAbbr: "MMM", OpMonthName: "MMMM",
	OpDay2: "dd", OpDay: "d", OpHour2: "HH", OpHour: "H", OpHour12x2: "hh", OpHour12: "h", OpMinute2: "mm",
	OpMinute: "m", OpSecond2: "ss", OpSecond: "s", OpMillis: "SSS", OpAMPM: "a", OpWeekdayAbbr: "EEE",
	OpWeekdayName: "EEEE", OpZoneRFC822: "Z", OpZoneISO1: "X", OpZoneISO2: "XX", OpZoneISO3: "XXX",
}

var opGo = map[Op]string{
	OpYear4: "2006", OpYear2: "06", OpMonth2: "01", OpMonth: "1", OpMonthAbbr: "Jan", OpMonthName: "January",
	OpDay2: "02", OpDay: "2", OpHour2: "15", OpHour: "15", OpHour12x2: "03", OpHour12: "3", OpMinute2: "04",
	OpMinute: "4", OpSecond2: "05", OpSecond: "5", OpMillis: "000", OpAMPM: "PM", OpWeekdayAbbr: "Mon",
	OpWeekdayName: "Monday", OpZoneRFC822: "-0700", OpZoneISO1: "Z07", OpZoneISO2: "Z0700", OpZoneISO3: "Z07:00",
}

// TimeFormat is a compiled formatHint.
type TimeFormat struct {
	Kind TimeKind
	// Hint is the formatHint as written ("" means ISO 8601).
	Hint string
	// Elems is the compiled pattern, for TimeLayout.
	Elems []Elem `json:",omitempty"`
	// GoLayout is the equivalent Go reference layout, for TimeLayout. It is
	// documentation: the runtime parses Elems itself, strictly and without
	// allocating.
	GoLayout string `json:",omitempty"`
}

// Canonical is a spelling of the format that is equal for formats that parse
// equally: the named format, or the pattern with every literal quoted.
func (t *TimeFormat) Canonical() string {
	switch t.Kind {
	case TimeISO8601:
		return "iso8601"
	case TimeRFC2822:
		return "rfc2822"
	case TimeEpochMillis:
		return "milliseconds-since-epoch"
	case TimeEpochSeconds:
		return "seconds-since-epoch"
	}
	var b strings.Builder
	for _, e := range t.Elems {
		if e.Op == OpLit {
			b.WriteString("'" + strings.ReplaceAll(e.Lit, "'", "''") + "'")
		} else {
			b.WriteString(opJava[e.Op])
		}
	}
	return b.String()
}

// ParseTimeFormat compiles a formatHint. The problems name what cannot be
// honoured and say what to write instead.
func ParseTimeFormat(hint string) (*TimeFormat, []string) {
	h := strings.TrimSpace(hint)
	if h == "" {
		return &TimeFormat{Kind: TimeISO8601, Hint: hint}, nil
	}
	if k, ok := namedTimes[strings.ToLower(h)]; ok {
		return &TimeFormat{Kind: k, Hint: hint}, nil
	}
	t := &TimeFormat{Kind: TimeLayout, Hint: hint}
	var probs []string
	lit := func(s string) {
		if n := len(t.Elems); n > 0 && t.Elems[n-1].Op == OpLit {
			t.Elems[n-1].Lit += s
			return
		}
		t.Elems = append(t.Elems, Elem{Op: OpLit, Lit: s})
	}
	p := hint
	for i := 0; i < len(p); {
		c := p[i]
		if c == '\'' {
			if i+1 < len(p) && p[i+1] == '\'' {
				lit("'")
				i += 2
				continue
			}
			j := i + 1
			var s strings.Builder
			closed := false
			for j < len(p) {
				if p[j] == '\'' {
					if j+1 < len(p) && p[j+1] == '\'' {
						s.WriteByte('\'')
						j += 2
						continue
					}
					closed = true
					j++
					break
				}
				s.WriteByte(p[j])
				j++
			}
			if !closed {
				probs = append(probs, "unterminated quote at position "+itoa(i+1)+"; close the literal with '")
			}
			if s.Len() > 0 {
				lit(s.String())
			}
			i = j
			continue
		}
		if !isLetter(c) {
			lit(string(c))
			i++
			continue
		}
		j := i
		for j < len(p) && p[j] == c {
			j++
		}
		n := j - i
		op, msg := letterOp(c, n)
		if msg != "" {
			probs = append(probs, "pattern letters \""+p[i:j]+"\" "+msg)
		} else {
			t.Elems = append(t.Elems, Elem{Op: op})
		}
		i = j
	}
	if len(probs) > 0 {
		return nil, probs
	}
	var g strings.Builder
	for _, e := range t.Elems {
		if e.Op == OpLit {
			g.WriteString(e.Lit)
		} else {
			g.WriteString(opGo[e.Op])
		}
	}
	t.GoLayout = g.String()
	if !t.hasDate() {
		return nil, []string{"pattern has no year, month and day (yyyy, MM, dd); add them"}
	}
	return t, nil
}

func (t *TimeFormat) hasDate() bool {
	var y, m, d bool
	for _, e := range t.Elems {
		switch e.Op {
		case OpYear4, OpYear2:
			y = true
		case OpMonth2, OpMonth, OpMonthAbbr, OpMonthName:
			m = true
		case OpDay2, OpDay:
			d = true
		}
	}
	return y && m && d
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func letterOp(c byte, n int) (Op, string) {
	pick := func(ops ...Op) (Op, string) {
		if n <= len(ops) && ops[n-1] != 255 {
			return ops[n-1], ""
		}
		var alts []string
		for _, o := range ops {
			if o != 255 {
				alts = append(alts, opJava[o])
			}
		}
		return 0, "are not supported; use " + strings.Join(alts, " or ")
	}
	switch c {
	case 'y':
		return pick(255, OpYear2, 255, OpYear4)
	case 'M':
		return pick(OpMonth, OpMonth2, OpMonthAbbr, OpMonthName)
	case 'd':
		return pick(OpDay, OpDay2)
	case 'H':
		return pick(OpHour, OpHour2)
	case 'h':
		return pick(OpHour12, OpHour12x2)
	case 'm':
		return pick(OpMinute, OpMinute2)
	case 's':
		return pick(OpSecond, OpSecond2)
	case 'S':
		return pick(255, 255, OpMillis)
	case 'a':
		return pick(OpAMPM)
	case 'E':
		if n >= 4 {
			return OpWeekdayName, ""
		}
		return OpWeekdayAbbr, ""
	case 'Z':
		return pick(OpZoneRFC822)
	case 'X':
		return pick(OpZoneISO1, OpZoneISO2, OpZoneISO3)
	case 'z':
		return 0, "(time zone names) are not supported: names are ambiguous; use Z (+hhmm) or XXX (+hh:mm)"
	}
	return 0, "are not supported (letter " + string(c) + "); supported letters are y M d H h m s S a E Z X; quote literal text with '...'"
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	return string(b[n:])
}
