package decode

import (
	"encoding/binary"
	"math/bits"
)

// Digits are read eight at a time: one load, a count of the leading ASCII
// digits, and their value in three multiplications (Lemire's
// parse_eight_digits_unrolled), instead of a multiply-add chain per byte.

// leadDigits returns how many of the eight bytes of w (little endian: the
// first byte of text is the lowest) are ASCII digits before the first
// byte that is not (8 when all are).
func leadDigits(w uint64) int {
	x := w ^ (lsb * '0') // digits become 0..9
	// A byte of m is non-zero when the byte of x is above 9. The +6 can
	// carry only out of a byte that is itself flagged, into later bytes, so
	// the lowest flag is exact.
	m := x&(lsb*0xF0) | (x+lsb*0x06)&(lsb*0xF0)
	m = ((m &^ msb) + (lsb * 0x7F) | m) & msb
	return bits.TrailingZeros64(m) >> 3
}

// digitsValue is the value of the first n (0..8) bytes of w, which are
// ASCII digits.
func digitsValue(w uint64, n int) uint64 {
	return digitsOf((w ^ (lsb * '0')) << (64 - 8*uint(n))) // shifted-in zeros are leading zeros
}

// scanDigits reads the run of ASCII digits at b[i:] and returns its end and
// its value, which wraps past 19 digits (callers count digits before using
// it).
func scanDigits(b []byte, i int) (int, uint64) {
	var v uint64
	for i+8 <= len(b) {
		w := binary.LittleEndian.Uint64(b[i:])
		n := leadDigits(w)
		v = v*pow10u64[n&15] + digitsValue(w, n)
		i += n
		if n < 8 {
			return i, v
		}
	}
	for i < len(b) {
		c := b[i] - '0'
		if c > 9 {
			break
		}
		v = v*10 + uint64(c)
		i++
	}
	return i, v
}

// skipDigits returns the end of the run of ASCII digits at b[i:].
func skipDigits(b []byte, i int) int {
	for i+8 <= len(b) {
		n := leadDigits(binary.LittleEndian.Uint64(b[i:]))
		i += n
		if n < 8 {
			return i
		}
	}
	for i < len(b) && b[i]-'0' <= 9 {
		i++
	}
	return i
}

// allDigits returns the value of t, at most 19 bytes, and whether they are
// all ASCII digits (an empty t is).
func allDigits(t []byte) (uint64, bool) {
	n := len(t)
	if n < 8 {
		var v uint64
		for _, c := range t {
			c -= '0'
			if c > 9 {
				return 0, false
			}
			v = v*10 + uint64(c)
		}
		return v, true
	}
	var v uint64
	i := 0
	for ; i+8 <= n; i += 8 {
		w := binary.LittleEndian.Uint64(t[i:])
		if leadDigits(w) != 8 {
			return 0, false
		}
		v = v*1e8 + digitsValue(w, 8)
	}
	if r := n - i; r > 0 {
		// The last eight bytes, less those already read; the zero bytes
		// shifted in are not digits, so the count is r only if all are.
		w := binary.LittleEndian.Uint64(t[n-8:]) >> (8 * uint(8-r))
		if leadDigits(w) != r {
			return 0, false
		}
		v = v*pow10u64[r&15] + digitsValue(w, r)
	}
	return v, true
}

// digitRun reads the run of ASCII digits at b[i:] when it has at most 19
// digits: its value and its length. A longer run gives a length over 19
// and a value to be ignored. With 24 bytes left it looks at three words at
// most (eight digits each), with no per-byte branch: each word's digits
// end at its first byte that is not a digit, and however many there are,
// one multiply chain gives their value. Nearer the end of b, scanDigits
// reads them.
func digitRun(b []byte, i int) (uint64, int) {
	if len(b)-i < 24 {
		return digitRunShort(b, i)
	}
	return digits24((*[24]byte)(b[i:]))
}

// digits24 is digitRun on the 24 bytes at a.
func digits24(a *[24]byte) (uint64, int) {
	return digitsFrom(binary.LittleEndian.Uint64(a[0:]), a)
}

// digitsFrom is digits24 with w in place of the first eight bytes of a.
func digitsFrom(w uint64, a *[24]byte) (uint64, int) {
	x := w ^ (lsb * '0')
	if nd := nonDigits(x); nd != 0 {
		n := bits.TrailingZeros64(nd) >> 3
		return firstDigits(x, n), n
	}
	v := digitsOf(x)
	x = binary.LittleEndian.Uint64(a[8:]) ^ (lsb * '0')
	if nd := nonDigits(x); nd != 0 {
		n := bits.TrailingZeros64(nd) >> 3
		return v*pow10u64[n&7] + firstDigits(x, n), 8 + n
	}
	v = v*1e8 + digitsOf(x)
	x = binary.LittleEndian.Uint64(a[16:]) ^ (lsb * '0')
	n := bits.TrailingZeros64(nonDigits(x)) >> 3 // 8 when all are digits
	if n > 3 {
		return 0, 16 + n
	}
	return v*pow10u64[n&7] + firstDigits(x, n), 16 + n
}

// nonDigits flags (in the high bit of each byte) the bytes of x, which is
// text XOR '0' in every byte, that were not ASCII digits. Only the lowest
// flag is exact, which is all its callers use: a byte above 9 is flagged
// by the +0x76 or by its own high bit, and a carry out of a byte comes only
// from one whose high bit is set, that is, from a flagged byte.
func nonDigits(x uint64) uint64 {
	return (x + lsb*0x76 | x) & msb
}

// firstDigits is the value of the first n (0..7) bytes of x, each 0..9.
// The shift keeps them as the high bytes; the zeros below are leading
// zeros.
func firstDigits(x uint64, n int) uint64 {
	return digitsOf(x << ((56 - 8*uint(n)) & 63) << 8)
}

// digitsOf is the value of the eight bytes of x, each 0..9, the first
// (lowest) byte the most significant (Lemire's parse_eight_digits).
func digitsOf(x uint64) uint64 {
	x = x * (10<<8 + 1) >> 8
	x = (x & 0x00FF00FF00FF00FF) * (100<<16 + 1) >> 16
	return (x & 0x0000FFFF0000FFFF) * (10000<<32 + 1) >> 32
}

// digitRunShort is digitRun for a run that may end less than 24 bytes before
// the end of b.
func digitRunShort(b []byte, i int) (uint64, int) {
	if i >= len(b) {
		return 0, 0
	}
	end, v := scanDigits(b, i)
	return v, end - i
}

// pointRun reads digits.digits at a when the point is within its first
// eight bytes, with at least one digit before it: the digits after the
// point, moved down over it, are read with those before it as one run. It
// returns their value and the numbers of digits before the point (nd) and
// in all (t, over 19 when there are more); ok is false when the point is
// not there, and the caller reads the number otherwise.
func pointRun(a *[25]byte) (m uint64, nd, t int, ok bool) {
	w := binary.LittleEndian.Uint64(a[:8])
	nd = bits.TrailingZeros64(nonDigits(w^(lsb*'0'))) >> 3
	if nd == 0 || nd >= 8 || byte(w>>(8*nd)) != '.' {
		return 0, 0, 0, false
	}
	lo := uint64(1)<<(8*nd) - 1
	b := (*[24]byte)(a[1:])
	m, t = digitsFrom(w&lo|binary.LittleEndian.Uint64(b[:8])&^lo, b)
	return m, nd, t, true
}
