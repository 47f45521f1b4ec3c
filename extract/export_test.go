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
