package decode

// FixedDays exposes fixedDays to the external fuzz tests.
func (p *TimeParser) FixedDays(b []byte) (int32, bool) { return p.fixedDays(b) }
