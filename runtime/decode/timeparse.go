package decode

import (
	"encoding/binary"

	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

const msPerDay = 86400000

// TimeParser parses Date and Timestamp text strictly: every field in range,
// nothing left over, UTC unless the text names an offset. It never allocates.
type TimeParser struct {
	kind  topic.TimeKind
	elems []topic.Elem
	fast  fastLayout
	width int  // of the fast layout's text; 0 without one
	sep   byte // between date and time in the fast layouts with a time
}

type fastLayout uint8

const (
	fastNone    fastLayout = iota
	fastYMD                // yyyy-MM-dd
	fastYMDHMS             // yyyy-MM-dd HH:mm:ss (sep ' ' or 'T')
	fastYMDHMSf            // yyyy-MM-dd HH:mm:ss.SSS
)

// NewTimeParser compiles a time format.
func NewTimeParser(tf *topic.TimeFormat) *TimeParser {
	p := &TimeParser{kind: tf.Kind, elems: tf.Elems}
	if tf.Kind == topic.TimeLayout {
		switch tf.Canonical() {
		case "yyyy'-'MM'-'dd":
			p.fast, p.width = fastYMD, 10
		case "yyyy'-'MM'-'dd' 'HH':'mm':'ss", "yyyy'-'MM'-'dd'T'HH':'mm':'ss":
			p.fast, p.width, p.sep = fastYMDHMS, 19, tf.Elems[5].Lit[0]
		case "yyyy'-'MM'-'dd' 'HH':'mm':'ss'.'SSS", "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'SSS":
			p.fast, p.width, p.sep = fastYMDHMSf, 23, tf.Elems[5].Lit[0]
		}
	}
	return p
}

// Width is the length of every text the parser takes when its layout is
// one of the fixed ones (digits and the separators - : . space T only),
// else 0. A JSON string of that length holding such text needs no
// unescaping, so readers may parse it before scanning it.
func (p *TimeParser) Width() int { return p.width }

// fixedMillis parses text in the fast layout into epoch milliseconds.
func (p *TimeParser) fixedMillis(b []byte) (int64, bool) {
	switch p.fast {
	case fastYMD:
		return ParseYMD(b)
	case fastYMDHMS:
		return ParseYMDHMS(b, p.sep, false)
	case fastYMDHMSf:
		return parseYMDHMSf(b, p.sep)
	}
	return 0, false
}

// fixedDays is fixedMillis for a DATE: epoch days, without going through
// milliseconds for yyyy-MM-dd.
func (p *TimeParser) fixedDays(b []byte) (int32, bool) {
	if p.fast == fastYMD && len(b) == 10 {
		y, m, d, ok := ymd(b)
		if ok && uint(y-yearBase) < uint(len(yearStart)) {
			leap := yearLeap[y-yearBase]
			if uint(m-1) > 11 || d < 1 || d > int(monthDays[leap][m&15]) {
				return 0, false
			}
			return yearStart[y-yearBase] + int32(monthStart[leap][m&15]) + int32(d) - 1, true
		}
	}
	ms, ok := p.fixedMillis(b)
	if !ok {
		return 0, false
	}
	return Days(ms)
}

// MustTimeParser compiles a formatHint that the generator already checked.
func MustTimeParser(hint string) *TimeParser {
	tf, probs := topic.ParseTimeFormat(hint)
	if len(probs) > 0 {
		panic("decode: bad formatHint " + hint + ": " + probs[0])
	}
	return NewTimeParser(tf)
}

// Millis parses text into milliseconds since the epoch.
func (p *TimeParser) Millis(b []byte) (int64, bool) {
	switch p.kind {
	case topic.TimeISO8601:
		return ParseISO8601(b)
	case topic.TimeRFC2822:
		return ParseRFC2822(b)
	case topic.TimeEpochMillis:
		return parseEpoch(b, false)
	case topic.TimeEpochSeconds:
		return parseEpoch(b, true)
	}
	if p.fast != fastNone {
		return p.fixedMillis(b)
	}
	return p.layout(b)
}

// Days turns epoch milliseconds into epoch days (rounding down) for Date32.
func Days(ms int64) (int32, bool) {
	d := ms / msPerDay
	if ms%msPerDay < 0 {
		d--
	}
	return int32(d), d == int64(int32(d))
}

// daysFromCivil is Howard Hinnant's days_from_civil for years 0..9999, in
// unsigned arithmetic (shifted by one 400-year era) so divisions are cheap.
func daysFromCivil(y, m, d int64) int64 {
	yy := uint64(y) + 400
	if m <= 2 {
		yy--
	}
	era := yy / 400
	yoe := yy - era*400
	mp := (uint64(m) + 9) % 12
	doy := (153*mp+2)/5 + uint64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era*146097+doe) - 146097 - 719468
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// digits reads exactly n digits at b[i:].
func digits(b []byte, i, n int) (int, bool) {
	if i+n > len(b) {
		return 0, false
	}
	v := 0
	for _, c := range b[i : i+n] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// digits12 reads one or two digits at b[i:]; it returns the count read.
func digits12(b []byte, i int) (int, int) {
	if i >= len(b) || b[i] < '0' || b[i] > '9' {
		return 0, 0
	}
	if i+1 < len(b) && b[i+1] >= '0' && b[i+1] <= '9' {
		return int(b[i]-'0')*10 + int(b[i+1]-'0'), 2
	}
	return int(b[i] - '0'), 1
}

func civilMillis(y, mo, d, h, mi, s, ms int) (int64, bool) {
	if uint(y-yearBase) < uint(len(yearStart)) {
		// The common years by table: no division.
		leap := yearLeap[y-yearBase]
		if uint(mo-1) > 11 || d < 1 || d > int(monthDays[leap][mo&15]) || h > 23 || mi > 59 || s > 59 {
			return 0, false
		}
		days := int64(yearStart[y-yearBase]) + int64(monthStart[leap][mo&15]) + int64(d) - 1
		return days*msPerDay + int64(h)*3600000 + int64(mi)*60000 + int64(s)*1000 + int64(ms), true
	}
	if mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59 {
		return 0, false
	}
	return daysFromCivil(int64(y), int64(mo), int64(d))*msPerDay + int64(h)*3600000 + int64(mi)*60000 + int64(s)*1000 + int64(ms), true
}

// yearBase is the first year of the tables: yearStart is the epoch day of
// each year's January 1, yearLeap its leap flag (0 or 1).
const yearBase = 1900

var yearStart, yearLeap = func() (start [256]int32, leap [256]uint8) {
	for i := range start {
		y := yearBase + i
		start[i] = int32(daysFromCivil(int64(y), 1, 1))
		if daysIn(y, 2) == 29 {
			leap[i] = 1
		}
	}
	return
}()

// monthStart and monthDays are, by leap flag and month (1..12), the days
// before the month in its year and the days in it.
var monthStart, monthDays = func() (start, days [2][16]int16) {
	for leap := range 2 {
		y := 1970 + 2*leap // 1970 is not a leap year, 1972 is
		for m := 1; m <= 12; m++ {
			days[leap][m] = int16(daysIn(y, m))
			start[leap][m] = int16(daysFromCivil(int64(y), int64(m), 1) - daysFromCivil(int64(y), 1, 1))
		}
	}
	return
}()

// two reads the two digits at b[i:i+2] (the caller checked the length).
func two(b []byte, i int) (int, bool) {
	x, y := b[i]-'0', b[i+1]-'0'
	return int(x)*10 + int(y), x <= 9 && y <= 9
}

// ymd reads yyyy-MM-dd at b[:10]; the first eight bytes in one load.
func ymd(b []byte) (y, m, d int, ok bool) {
	_ = b[9]
	x := binary.LittleEndian.Uint64(b) ^ 0x2D30302D30303030 // "0000-00-"
	d, okd := two(b, 8)
	y = int(x&0xFF)*1000 + int(x>>8&0xFF)*100 + int(x>>16&0xFF)*10 + int(x>>24&0xFF)
	m = int(x>>40&0xFF)*10 + int(x>>48&0xFF)
	return y, m, d, okd && under10(x) && x&0xFF0000FF00000000 == 0
}

// hms reads HH:mm:ss at b[i:i+8] (the caller checked the length).
func hms(b []byte, i int) (h, mi, s int, ok bool) {
	x := binary.LittleEndian.Uint64(b[i:]) ^ 0x30303A30303A3030 // "00:00:00"
	h = int(x&0xFF)*10 + int(x>>8&0xFF)
	mi = int(x>>24&0xFF)*10 + int(x>>32&0xFF)
	s = int(x>>48&0xFF)*10 + int(x>>56&0xFF)
	return h, mi, s, under10(x) && x&0x0000FF0000FF0000 == 0
}

// under10 reports whether every byte of x is at most 9. A +6 carries only
// out of a byte whose high nibble is already set.
func under10(x uint64) bool {
	return (x|(x+lsb*0x06))&(lsb*0xF0) == 0
}

// ParseYMD is the fast path for yyyy-MM-dd.
func ParseYMD(b []byte) (int64, bool) {
	if len(b) != 10 {
		return 0, false
	}
	y, m, d, ok := ymd(b)
	if !ok {
		return 0, false
	}
	return civilMillis(y, m, d, 0, 0, 0, 0)
}

// parseYMDHMSf is ParseYMDHMS with millis for exactly 23 bytes, in three
// loads: every digit and separator is checked at once per word.
func parseYMDHMSf(b []byte, sep byte) (int64, bool) {
	if len(b) != 23 {
		return 0, false
	}
	x0 := binary.LittleEndian.Uint64(b[0:]) ^ 0x2D30302D30303030                     // "0000-00-"
	x1 := binary.LittleEndian.Uint64(b[8:]) ^ (0x30303A3030003030 | uint64(sep)<<16) // "00" sep "00:00"
	x2 := binary.LittleEndian.Uint64(b[15:]) ^ 0x3030302E30303A30                    // "0:00.000"
	// Digits are now 0..9 and the separators 0.
	if !under10(x0) || !under10(x1) || !under10(x2) ||
		x0&0xFF0000FF00000000|x1&0x0000FF0000FF0000|x2&0x000000FF0000FF00 != 0 {
		return 0, false
	}
	byteAt := func(x uint64, k uint) int { return int(x >> (8 * k) & 0xFF) }
	y := byteAt(x0, 0)*1000 + byteAt(x0, 1)*100 + byteAt(x0, 2)*10 + byteAt(x0, 3)
	mo := byteAt(x0, 5)*10 + byteAt(x0, 6)
	d := byteAt(x1, 0)*10 + byteAt(x1, 1)
	h := byteAt(x1, 3)*10 + byteAt(x1, 4)
	mi := byteAt(x1, 6)*10 + byteAt(x1, 7)
	sec := byteAt(x2, 2)*10 + byteAt(x2, 3)
	ms := byteAt(x2, 5)*100 + byteAt(x2, 6)*10 + byteAt(x2, 7)
	return civilMillis(y, mo, d, h, mi, sec, ms)
}

// ParseYMDHMS is the fast path for yyyy-MM-dd<sep>HH:mm:ss, with .SSS when
// millis is set.
func ParseYMDHMS(b []byte, sep byte, millis bool) (int64, bool) {
	ms := 0
	if millis {
		if len(b) != 23 || b[19] != '.' {
			return 0, false
		}
		x, y, z := b[20]-'0', b[21]-'0', b[22]-'0'
		if x > 9 || y > 9 || z > 9 {
			return 0, false
		}
		ms = int(x)*100 + int(y)*10 + int(z)
	} else if len(b) != 19 {
		return 0, false
	}
	_ = b[18]
	y, mo, d, ok := ymd(b)
	h, mi, s, ok1 := hms(b, 11)
	if !(ok && ok1 && b[10] == sep) {
		return 0, false
	}
	return civilMillis(y, mo, d, h, mi, s, ms)
}

// zone reads Z, z, +hh, +hhmm or +hh:mm (colon per style: 0 none, 1 must,
// 2 either) at b[i:]; it returns the offset in minutes and the new index.
func zone(b []byte, i int, allowZ bool, minLen int, colon int) (int, int, bool) {
	if i >= len(b) {
		return 0, i, false
	}
	if allowZ && (b[i] == 'Z' || b[i] == 'z') {
		return 0, i + 1, true
	}
	sign := 1
	switch b[i] {
	case '+':
	case '-':
		sign = -1
	default:
		return 0, i, false
	}
	i++
	h, ok := digits(b, i, 2)
	if !ok || h > 23 {
		return 0, i, false
	}
	i += 2
	m := 0
	if i < len(b) && b[i] == ':' && colon != 0 {
		mm, ok := digits(b, i+1, 2)
		if !ok || mm > 59 {
			return 0, i, false
		}
		m, i = mm, i+3
	} else if mm, ok := digits(b, i, 2); ok && colon != 1 {
		if mm > 59 {
			return 0, i, false
		}
		m, i = mm, i+2
	} else if minLen > 2 {
		return 0, i, false
	}
	return sign * (h*60 + m), i, true
}

// ParseISO8601 reads yyyy-MM-dd, optionally followed by T (or a space)
// HH:mm, :ss, a fraction of 1..9 digits (',' or '.'; beyond milliseconds
// truncated) and a zone Z, +hh, +hhmm or +hh:mm.
func ParseISO8601(b []byte) (int64, bool) {
	if len(b) < 10 || b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	y, ok1 := digits(b, 0, 4)
	mo, ok2 := digits(b, 5, 2)
	d, ok3 := digits(b, 8, 2)
	if !(ok1 && ok2 && ok3) {
		return 0, false
	}
	if len(b) == 10 {
		return civilMillis(y, mo, d, 0, 0, 0, 0)
	}
	if c := b[10]; c != 'T' && c != 't' && c != ' ' {
		return 0, false
	}
	h, ok4 := digits(b, 11, 2)
	if !ok4 || len(b) < 16 || b[13] != ':' {
		return 0, false
	}
	mi, ok5 := digits(b, 14, 2)
	if !ok5 {
		return 0, false
	}
	i, s, ms := 16, 0, 0
	if i < len(b) && b[i] == ':' {
		var ok bool
		if s, ok = digits(b, i+1, 2); !ok {
			return 0, false
		}
		i += 3
		if i < len(b) && (b[i] == '.' || b[i] == ',') {
			i++
			n := 0
			for i < len(b) && b[i] >= '0' && b[i] <= '9' {
				if n < 3 {
					ms = ms*10 + int(b[i]-'0')
				}
				n++
				i++
			}
			if n == 0 || n > 9 {
				return 0, false
			}
			for ; n < 3; n++ {
				ms *= 10
			}
		}
	}
	v, ok := civilMillis(y, mo, d, h, mi, s, ms)
	if !ok {
		return 0, false
	}
	if i < len(b) {
		off, j, ok := zone(b, i, true, 2, 2)
		if !ok || j != len(b) {
			return 0, false
		}
		v -= int64(off) * 60000
	}
	return v, true
}

var monthNames = [12]string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
var dayNames = [7]string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// word matches a name (or its 3-letter abbreviation) at b[i:], ignoring
// case; it returns the index in names and the length matched.
func word(b []byte, i int, names []string, full bool) (int, int) {
	for k, name := range names {
		w := name
		if !full {
			w = name[:3]
		}
		if i+len(w) <= len(b) && equalFoldASCII(b[i:i+len(w)], w) {
			return k, len(w)
		}
	}
	return -1, 0
}

func equalFoldASCII(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

var rfcZones = map[string]int{"ut": 0, "gmt": 0, "z": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420, "mdt": -360, "pst": -480, "pdt": -420}

func spaces(b []byte, i int) (int, bool) {
	j := i
	for j < len(b) && (b[j] == ' ' || b[j] == '\t') {
		j++
	}
	return j, j > i
}

// ParseRFC2822 reads [Mon, ]2 Jan 2006 15:04[:05] zone, where zone is
// +hhmm, -hhmm, UT, GMT, Z or a US zone of RFC 2822.
func ParseRFC2822(b []byte) (int64, bool) {
	i := 0
	if _, n := word(b, 0, dayNames[:], false); n > 0 {
		i = n
		if i >= len(b) || b[i] != ',' {
			return 0, false
		}
		i, _ = spaces(b, i+1)
	}
	d, n := digits12(b, i)
	if n == 0 {
		return 0, false
	}
	i, ok := spaces(b, i+n)
	if !ok {
		return 0, false
	}
	m, n := word(b, i, monthNames[:], false)
	if n == 0 {
		return 0, false
	}
	if i, ok = spaces(b, i+n); !ok {
		return 0, false
	}
	y, ok := digits(b, i, 4)
	if !ok {
		return 0, false
	}
	if i, ok = spaces(b, i+4); !ok {
		return 0, false
	}
	h, ok1 := digits(b, i, 2)
	mi, ok2 := digits(b, i+3, 2)
	if !ok1 || !ok2 || b[i+2] != ':' {
		return 0, false
	}
	i += 5
	s := 0
	if i < len(b) && b[i] == ':' {
		if s, ok = digits(b, i+1, 2); !ok {
			return 0, false
		}
		i += 3
	}
	if i, ok = spaces(b, i); !ok {
		return 0, false
	}
	v, ok := civilMillis(y, m+1, d, h, mi, s, 0)
	if !ok {
		return 0, false
	}
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		off, j, ok := zone(b, i, false, 4, 0)
		if !ok || j != len(b) {
			return 0, false
		}
		return v - int64(off)*60000, true
	}
	var name [3]byte
	rest := b[i:]
	if len(rest) == 0 || len(rest) > 3 {
		return 0, false
	}
	for k, c := range rest {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		name[k] = c
	}
	off, ok := rfcZones[string(name[:len(rest)])]
	if !ok {
		return 0, false
	}
	return v - int64(off)*60000, true
}

// parseEpoch reads an integer count of milliseconds, or of seconds with an
// optional fraction (beyond milliseconds truncated).
func parseEpoch(b []byte, seconds bool) (int64, bool) {
	i, neg := 0, false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg, i = b[0] == '-', 1
	}
	start := i
	var v int64
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		if v > (1<<62)/10 {
			return 0, false
		}
		v = v*10 + int64(b[i]-'0')
		i++
	}
	if i == start {
		return 0, false
	}
	if seconds {
		if v > (1<<62)/1000 {
			return 0, false
		}
		v *= 1000
		if i < len(b) && b[i] == '.' {
			i++
			n, f := 0, int64(0)
			for i < len(b) && b[i] >= '0' && b[i] <= '9' {
				if n < 3 {
					f = f*10 + int64(b[i]-'0')
				}
				n++
				i++
			}
			if n == 0 {
				return 0, false
			}
			for ; n < 3; n++ {
				f *= 10
			}
			v += f
		}
	}
	if i != len(b) {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// layout interprets a compiled SimpleDateFormat pattern.
func (p *TimeParser) layout(b []byte) (int64, bool) {
	y, mo, d, h, mi, s, ms, off := 0, 1, 1, 0, 0, 0, 0, 0
	pm, h12, ampm := false, false, false
	i := 0
	var ok bool
	for _, e := range p.elems {
		n := 0
		switch e.Op {
		case topic.OpLit:
			if i+len(e.Lit) > len(b) || string(b[i:i+len(e.Lit)]) != e.Lit {
				return 0, false
			}
			i += len(e.Lit)
			continue
		case topic.OpYear4:
			if y, ok = digits(b, i, 4); !ok {
				return 0, false
			}
			n = 4
		case topic.OpYear2:
			if y, ok = digits(b, i, 2); !ok {
				return 0, false
			}
			if y >= 69 {
				y += 1900
			} else {
				y += 2000
			}
			n = 2
		case topic.OpMonth2, topic.OpDay2, topic.OpHour2, topic.OpHour12x2, topic.OpMinute2, topic.OpSecond2:
			v, ok := digits(b, i, 2)
			if !ok {
				return 0, false
			}
			n = 2
			switch e.Op {
			case topic.OpMonth2:
				mo = v
			case topic.OpDay2:
				d = v
			case topic.OpHour2:
				h = v
			case topic.OpHour12x2:
				h, h12 = v, true
			case topic.OpMinute2:
				mi = v
			default:
				s = v
			}
		case topic.OpMonth, topic.OpDay, topic.OpHour, topic.OpHour12, topic.OpMinute, topic.OpSecond:
			var v int
			if v, n = digits12(b, i); n == 0 {
				return 0, false
			}
			switch e.Op {
			case topic.OpMonth:
				mo = v
			case topic.OpDay:
				d = v
			case topic.OpHour:
				h = v
			case topic.OpHour12:
				h, h12 = v, true
			case topic.OpMinute:
				mi = v
			default:
				s = v
			}
		case topic.OpMillis:
			if ms, ok = digits(b, i, 3); !ok {
				return 0, false
			}
			n = 3
		case topic.OpMonthAbbr, topic.OpMonthName:
			var k int
			if k, n = word(b, i, monthNames[:], e.Op == topic.OpMonthName); n == 0 {
				return 0, false
			}
			mo = k + 1
		case topic.OpWeekdayAbbr, topic.OpWeekdayName:
			if _, n = word(b, i, dayNames[:], e.Op == topic.OpWeekdayName); n == 0 {
				return 0, false
			}
		case topic.OpAMPM:
			if i+2 > len(b) {
				return 0, false
			}
			switch {
			case equalFoldASCII(b[i:i+2], "am"):
			case equalFoldASCII(b[i:i+2], "pm"):
				pm = true
			default:
				return 0, false
			}
			ampm, n = true, 2
		case topic.OpZoneRFC822:
			var j int
			if off, j, ok = zone(b, i, false, 4, 0); !ok {
				return 0, false
			}
			n = j - i
		case topic.OpZoneISO1, topic.OpZoneISO2, topic.OpZoneISO3:
			colon, minLen := 0, 2
			if e.Op == topic.OpZoneISO2 {
				minLen = 4
			}
			if e.Op == topic.OpZoneISO3 {
				colon, minLen = 1, 4
			}
			var j int
			if off, j, ok = zone(b, i, true, minLen, colon); !ok {
				return 0, false
			}
			if e.Op == topic.OpZoneISO1 && j-i > 3 {
				return 0, false
			}
			n = j - i
		}
		i += n
	}
	if i != len(b) {
		return 0, false
	}
	if h12 {
		if h < 1 || h > 12 {
			return 0, false
		}
		h %= 12
		if pm {
			h += 12
		}
	}
	_ = ampm
	v, ok := civilMillis(y, mo, d, h, mi, s, ms)
	if !ok {
		return 0, false
	}
	return v - int64(off)*60000, true
}
