package decode

import (
	"strconv"
)

// Error describes why a message, or one value of it, did not decode.
type Error struct {
	// Column is the data column whose value did not convert; "" when the
	// whole message is not one JSON object or CSV record.
	Column string
	// Offset is the byte offset in the message.
	Offset int
	// Reason says what was wrong.
	Reason string
	// Snippet is up to 40 bytes of the message from Offset.
	Snippet string
}

func (e *Error) Error() string {
	s := ""
	if e.Column != "" {
		s = "column " + strconv.Quote(e.Column) + ": "
	}
	return s + e.Reason + " at byte " + strconv.Itoa(e.Offset) + ": " + strconv.Quote(e.Snippet)
}

const snippetLen = 40

// State is what every decoder keeps between calls: the first failure of
// the current message (recorded without allocating) and scratch space for
// unescaping. Generated decoders embed it.
type State struct {
	// Names are the table's column names by column number.
	Names []string

	bad     bool
	errCol  int
	errOff  int
	errPre  string
	errMsg  string
	snip    [snippetLen]byte
	snipLen int
	scratch []byte
}

// Begin forgets the previous message's failure.
func (st *State) Begin() { st.bad = false }

// Corrupt records a failure of column col (-1 for the whole message) at
// byte off of v. Of several failures of a message the one of the lowest
// column is kept, whatever order the values came in, so that every decoder
// reports the same one.
func (st *State) Corrupt(col int, v []byte, off int, msg string) {
	if st.bad && (col < 0 || col >= st.errCol) {
		return
	}
	st.bad, st.errCol, st.errOff, st.errPre, st.errMsg = true, col, off, "", msg
	if off > len(v) {
		off = len(v)
	}
	st.snipLen = copy(st.snip[:], v[off:])
}

// adopt takes o's verdict on the current message.
func (st *State) adopt(o *State) {
	st.bad, st.errCol, st.errOff, st.errPre, st.errMsg = o.bad, o.errCol, o.errOff, o.errPre, o.errMsg
	st.snip, st.snipLen = o.snip, o.snipLen
}

// Err describes the first failure of the last message, or nil.
func (st *State) Err() error {
	if !st.bad {
		return nil
	}
	e := &Error{Offset: st.errOff, Reason: st.errPre + st.errMsg, Snippet: string(st.snip[:st.snipLen])}
	if st.errCol >= 0 && st.errCol < len(st.Names) {
		e.Column = st.Names[st.errCol]
	}
	return e
}

// JSONFailed records the cursor's syntax error as the message's failure.
func (st *State) JSONFailed(c *Cursor, v []byte) {
	st.Corrupt(-1, v, c.errPos, c.errMsg)
	st.errPre = "invalid JSON: "
}

// CSVFailed records the reader's error as the message's failure.
func (st *State) CSVFailed(r *CSV, v []byte) {
	st.Corrupt(-1, v, r.errPos, r.errMsg)
	st.errPre = "malformed CSV: "
}
