package extract

import (
	"errors"
	"strings"
)

// errTextLimit stops a parser once the text limit is reached; Bytes turns
// it into textTooLong.
var errTextLimit = errors.New("text limit reached")

// textWriter collects extracted text within a byte limit.
type textWriter struct {
	b     strings.Builder
	limit int
	err   error
}

func (w *textWriter) writeString(s string) {
	if w.err != nil {
		return
	}
	if w.b.Len()+len(s) > w.limit {
		w.err = errTextLimit
		return
	}
	w.b.WriteString(s)
}

func (w *textWriter) writeByte(c byte) {
	if w.err != nil {
		return
	}
	if w.b.Len()+1 > w.limit {
		w.err = errTextLimit
		return
	}
	w.b.WriteByte(c)
}

// atLineStart reports whether the text is empty or ends with a newline.
func (w *textWriter) atLineStart() bool {
	s := w.b.String()
	return s == "" || s[len(s)-1] == '\n'
}

// newline ends the current line unless it is already ended.
func (w *textWriter) newline() {
	if !w.atLineStart() {
		w.writeByte('\n')
	}
}

func (w *textWriter) String() string { return w.b.String() }
