package extract

import (
	"fmt"
	"io"
)

// XML limits: no document a word processor writes nests elements 256
// deep (Word's deepest, a table in a table in a text box, is some 30), or
// writes a tag of a megabyte; text runs longer than the text limit could
// not be kept anyway. encoding/xml keeps a stack entry per open element
// and a whole token in memory, so without these a 177 KB zip of 24
// million nested paragraphs, or of one 100 MB attribute, takes gigabytes.
const (
	maxXMLDepth = 256
	maxXMLTag   = 1 << 20
	maxXMLText  = DefaultMaxTextBytes
)

func tooDeep() error {
	return userError(fmt.Sprintf("파일의 구조가 비정상적입니다(요소가 %d단계 넘게 중첩됨). 원본 프로그램에서 다시 저장해 보내 주세요.", maxXMLDepth),
		fmt.Sprintf("malformed file: XML nested more than %d levels", maxXMLDepth))
}

func tokenTooLong() error {
	return userError("파일의 구조가 비정상적입니다(태그나 속성 하나가 지나치게 김). 원본 프로그램에서 다시 저장해 보내 주세요.",
		"malformed file: an XML tag or attribute is too long")
}

// xmlGuard passes XML through while checking, byte by byte, the depth of
// elements and the length of each tag, comment and run of text, before
// the decoder buffers them. It reads markup as the decoder does: quotes
// inside tags, comments, CDATA, processing instructions, declarations.
type xmlGuard struct {
	r     io.Reader
	state guardState
	depth int
	n     int  // bytes of the current token
	q     byte // the quote open in a tag
	b1    byte // the byte before this one (outside quotes, in a tag)
	b2    byte // and the one before that
	close bool // the tag is a closing tag
	nest  int  // < … > nesting inside a declaration
	err   error
}

type guardState int

const (
	gText        guardState = iota
	gOpen                   // after '<'
	gBang                   // after "<!"
	gBangDash               // after "<!-"
	gBangBracket            // inside "<![", before "CDATA["
	gTag
	gComment
	gCDATA
	gPI
	gDecl
)

func newXMLGuard(r io.Reader) *xmlGuard { return &xmlGuard{r: r} }

func (g *xmlGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for _, c := range p[:n] {
		if g.err = g.step(c); g.err != nil {
			return 0, g.err
		}
	}
	return n, err
}

func (g *xmlGuard) step(c byte) error {
	g.n++
	switch g.state {
	case gText:
		if c == '<' {
			g.state, g.n = gOpen, 0
		} else if g.n > maxXMLText {
			return tokenTooLong()
		}
		return nil
	case gOpen:
		switch c {
		case '!':
			g.state = gBang
		case '?':
			g.state = gPI
		case '/':
			g.state, g.close = gTag, true
		default:
			g.state, g.close = gTag, false
			if g.depth++; g.depth > maxXMLDepth {
				return tooDeep()
			}
		}
		g.q, g.b1, g.b2 = 0, c, 0
		return nil
	case gBang:
		switch c {
		case '-':
			g.state = gBangDash
		case '[':
			g.state = gBangBracket
		default:
			g.state, g.nest = gDecl, 1
		}
		return nil
	case gBangDash:
		g.state, g.b1, g.b2 = gComment, 0, 0
		return nil
	case gBangBracket:
		if c == '[' { // the second bracket of "<![CDATA["
			g.state, g.b1, g.b2 = gCDATA, 0, 0
		} else if g.n > 16 {
			g.state, g.nest = gDecl, 1
		}
		return nil
	case gTag:
		if g.n > maxXMLTag {
			return tokenTooLong()
		}
		switch {
		case g.q != 0:
			if c == g.q {
				g.q = 0
			}
			return nil
		case c == '"' || c == '\'':
			g.q = c
			return nil
		case c == '>':
			if g.close {
				g.depth = max(g.depth-1, 0)
			} else if g.b1 == '/' {
				g.depth-- // an empty element
			}
			g.state, g.n = gText, 0
			return nil
		}
		g.b1 = c
		return nil
	case gComment, gCDATA, gPI:
		if g.n > maxXMLText {
			return tokenTooLong()
		}
		end := g.state == gComment && g.b1 == '-' && g.b2 == '-' ||
			g.state == gCDATA && g.b1 == ']' && g.b2 == ']' ||
			g.state == gPI && g.b1 == '?'
		if c == '>' && end {
			g.state, g.n = gText, 0
		}
		g.b2, g.b1 = g.b1, c
		return nil
	case gDecl:
		if g.n > maxXMLTag {
			return tokenTooLong()
		}
		switch c {
		case '<':
			g.nest++
		case '>':
			if g.nest--; g.nest == 0 {
				g.state, g.n = gText, 0
			}
		}
	}
	return nil
}
