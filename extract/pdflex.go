package extract

import (
	"bytes"
	"strconv"
)

// psLexer reads the PostScript-like syntax of PDF content streams and
// CMaps from bytes already decompressed: numbers, strings (literal and
// hex), names, arrays, dictionaries (read and dropped), operators, and
// inline images (skipped). It never fails: what it cannot read it skips,
// and every loop advances, so a hostile stream costs time in proportion
// to its length.
type psLexer struct {
	b []byte
	i int
}

type psKind uint8

const (
	psEOF psKind = iota
	psNum
	psStr
	psName
	psOp
	psArray
	psDict
)

// psObj is an operand or an operator.
type psObj struct {
	kind psKind
	num  float64
	s    []byte  // string bytes, name, operator
	arr  []psObj // array elements
}

// maxPSDepth bounds arrays and dictionaries nested in one another, and
// maxPSArray the elements kept of one array (a TJ array of a long line
// has hundreds).
const (
	maxPSDepth = 32
	maxPSArray = 1 << 14
)

func isPSSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isPSDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func (l *psLexer) skipSpace() {
	for l.i < len(l.b) {
		c := l.b[l.i]
		switch {
		case isPSSpace(c):
			l.i++
		case c == '%':
			for l.i < len(l.b) && l.b[l.i] != '\n' && l.b[l.i] != '\r' {
				l.i++
			}
		default:
			return
		}
	}
}

// next reads one object; closing brackets come back as operators.
func (l *psLexer) next(depth int) psObj {
	l.skipSpace()
	if l.i >= len(l.b) {
		return psObj{kind: psEOF}
	}
	c := l.b[l.i]
	switch {
	case c == '(':
		l.i++
		return psObj{kind: psStr, s: l.literal()}
	case c == '<' && l.i+1 < len(l.b) && l.b[l.i+1] == '<':
		l.i += 2
		if depth >= maxPSDepth {
			return psObj{kind: psOp, s: []byte("<<")} // for skipUntilClose
		}
		l.skipUntilClose()
		return psObj{kind: psDict}
	case c == '<':
		l.i++
		return psObj{kind: psStr, s: l.hex()}
	case c == '[':
		l.i++
		if depth >= maxPSDepth {
			return psObj{kind: psOp, s: []byte("[")} // for skipUntilClose
		}
		var arr []psObj
		for {
			o := l.next(depth + 1)
			if o.kind == psEOF || o.kind == psOp && string(o.s) == "]" {
				return psObj{kind: psArray, arr: arr}
			}
			if len(arr) < maxPSArray {
				arr = append(arr, o)
			}
		}
	case c == '/':
		l.i++
		start := l.i
		for l.i < len(l.b) && !isPSSpace(l.b[l.i]) && !isPSDelim(l.b[l.i]) {
			l.i++
		}
		return psObj{kind: psName, s: unescapeName(l.b[start:l.i])}
	case c == ']' || c == '>' || c == ')' || c == '{' || c == '}':
		l.i++
		if c == '>' && l.i < len(l.b) && l.b[l.i] == '>' {
			l.i++
			return psObj{kind: psOp, s: []byte(">>")}
		}
		return psObj{kind: psOp, s: l.b[l.i-1 : l.i]}
	case c == '+' || c == '-' || c == '.' || c >= '0' && c <= '9':
		start := l.i
		l.i++
		for l.i < len(l.b) && (l.b[l.i] == '.' || l.b[l.i] >= '0' && l.b[l.i] <= '9') {
			l.i++
		}
		n, err := strconv.ParseFloat(string(l.b[start:l.i]), 64)
		if err != nil {
			n = 0
		}
		return psObj{kind: psNum, num: n}
	}
	start := l.i
	for l.i < len(l.b) && !isPSSpace(l.b[l.i]) && !isPSDelim(l.b[l.i]) {
		l.i++
	}
	if l.i == start {
		l.i++ // a stray delimiter
	}
	return psObj{kind: psOp, s: l.b[start:l.i]}
}

// skipUntilClose skips a dictionary's contents up to its closing token,
// nested arrays and dictionaries included, without recursion: however
// deep a file nests them, the stack does not grow.
func (l *psLexer) skipUntilClose() {
	for nest := 1; nest > 0; {
		o := l.next(maxPSDepth)
		switch {
		case o.kind == psEOF:
			return
		case o.kind != psOp:
		case string(o.s) == "[" || string(o.s) == "<<":
			nest++
		case string(o.s) == "]" || string(o.s) == ">>":
			nest--
		}
	}
}

func (l *psLexer) literal() []byte {
	var out []byte
	nest := 1
	for l.i < len(l.b) {
		c := l.b[l.i]
		l.i++
		switch c {
		case '(':
			nest++
		case ')':
			if nest--; nest == 0 {
				return out
			}
		case '\\':
			if l.i >= len(l.b) {
				return out
			}
			e := l.b[l.i]
			l.i++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.i < len(l.b) && l.b[l.i] == '\n' {
					l.i++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.i < len(l.b) && l.b[l.i] >= '0' && l.b[l.i] <= '7'; k++ {
						v = v*8 + int(l.b[l.i]-'0')
						l.i++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	return out
}

func (l *psLexer) hex() []byte {
	var out []byte
	var cur byte
	half := false
	for l.i < len(l.b) {
		c := l.b[l.i]
		l.i++
		var v byte
		switch {
		case c == '>':
			if half {
				out = append(out, cur<<4)
			}
			return out
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			continue
		}
		if half {
			out = append(out, cur<<4|v)
		} else {
			cur = v
		}
		half = !half
	}
	return out
}

func unescapeName(b []byte) []byte {
	if bytes.IndexByte(b, '#') < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '#' && i+2 < len(b) {
			if v, err := strconv.ParseUint(string(b[i+1:i+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				i += 2
				continue
			}
		}
		out = append(out, b[i])
	}
	return out
}

// skipInlineImage moves past an inline image's data, after its ID
// operator: up to an EI between white space.
func (l *psLexer) skipInlineImage() {
	l.i++ // the single white-space byte after ID
	for l.i+1 < len(l.b) {
		j := bytes.Index(l.b[l.i:], []byte("EI"))
		if j < 0 {
			l.i = len(l.b)
			return
		}
		at := l.i + j
		l.i = at + 2
		if (at == 0 || isPSSpace(l.b[at-1])) && (l.i >= len(l.b) || isPSSpace(l.b[l.i])) {
			return
		}
	}
	l.i = len(l.b)
}
