package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// mdEscaper keeps a cell's text from breaking the table or turning into
// markup: pipes, backslashes, and the characters that start emphasis,
// links or HTML.
var mdEscaper = strings.NewReplacer(`\`, `\\`, "|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`",
	"[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;")

func md(s string) string { return mdEscaper.Replace(s) }

// writeMarkdown writes the report as a Markdown page: a title and the
// cover as a two-column table, then per item a heading and a table of its
// elements (GitHub-flavoured, one row per element).
func writeMarkdown(w io.Writer, v view) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "# %s\n\n", md(v.Title))
	fmt.Fprintf(b, "| | |\n|---|---|\n")
	for _, c := range v.Cover {
		fmt.Fprintf(b, "| %s | %s |\n", md(c[0]), md(c[1]))
	}
	b.WriteString("\n")
	for _, s := range v.Summary {
		fmt.Fprintf(b, "- %s\n", md(s))
	}
	fmt.Fprintf(b, "\n> %s\n", md(v.Notice))
	for _, it := range v.Items {
		fmt.Fprintf(b, "\n## %s\n\n%s\n\n", md(it.Heading), md(it.Counts))
		if it.Progress != "" {
			fmt.Fprintf(b, "**%s:** %s\n\n", md(text.Progress), md(it.Progress))
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n|---|---|---|---|---|\n",
			text.Columns.Element, text.Columns.Status, text.Columns.Evidence, text.Columns.Note, text.Columns.Example)
		for _, r := range it.Rows {
			ev := text.Empty
			if r.Evidence != "" {
				ev = "“" + md(r.Evidence) + "”"
				if r.Line != "" {
					ev += " (" + r.Line + ")"
				}
			}
			fmt.Fprintf(b, "| **%s** %s | %s | %s | %s | %s |\n", md(r.ID), md(r.Label), r.StatusText, ev,
				md(cmpEmpty(r.Note)), md(cmpEmpty(r.Example)))
		}
		if len(it.Notices) > 0 {
			fmt.Fprintf(b, "\n**%s**\n\n", md(text.Notices))
			for _, n := range it.Notices {
				fmt.Fprintf(b, "- %s\n", md(oneLine(n)))
			}
		}
	}
	return b.Flush()
}

// cmpEmpty is s, or the empty-cell mark.
func cmpEmpty(s string) string {
	if s == "" {
		return text.Empty
	}
	return s
}
