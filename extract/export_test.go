package extract

import (
	"context"
	"io"
)

// ServeChildWith is ServeChild with another extraction, for tests of how
// the parent stops a child that misbehaves.
func ServeChildWith(stdin io.Reader, stdout io.Writer, f func(context.Context, []byte, Config) (Document, error)) int {
	return serveChild(stdin, stdout, f)
}

// Korea1CID is the Adobe-Korea1 CID of r, for tests that draw text in a
// font without ToUnicode.
func Korea1CID(r rune) (uint16, bool) {
	for _, run := range korea1().runs {
		if rune(run.uni) <= r && r < rune(run.uni)+rune(run.n) {
			return run.cid + uint16(r-rune(run.uni)), true
		}
	}
	return 0, false
}
