package knowledge

import (
	"embed"
	"io/fs"
)

//go:embed data
var dataFS embed.FS

// Embedded returns the knowledge base compiled into the binary, the
// default when KNOWLEDGE_DIR is not set. Its layout is described in
// data/README.md.
func Embedded() fs.FS {
	sub, err := fs.Sub(dataFS, "data")
	if err != nil {
		panic(err) // the embedded tree always has data/
	}
	return sub
}
