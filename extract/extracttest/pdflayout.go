package extracttest

import (
	"fmt"
	"slices"
	"strings"
)

// A laid-out PDF for faithfulness tests: paragraphs, ruled tables with
// merged and multi-line cells, two-column passages and footnotes, placed
// on the page by coordinates (as word processors export them) and drawn
// in an order other than reading order, with the text a reader reads
// from the page as the ground truth.

// PDFBlock is one block of a page: a paragraph line (Text), a table
// (Rows), two columns of running text (Left, Right), or a footnote at
// the foot of the page (Footnote).
type PDFBlock struct {
	Text        string
	WordsPlaced bool // each word drawn on its own at its position, no space glyphs
	Rows        [][]PDFCell
	Left, Right string
	Footnote    string
}

// PDFCell is a table cell; Span > 1 merges it with the cells to its
// right; a "\n" in Text breaks the cell's text over lines.
type PDFCell struct {
	Text string
	Span int
}

const (
	fontSize  = 10.0
	lineStep  = 14.0
	leftEdge  = 40.0
	pageWidth = 515.0
)

// runeWidth is a glyph's advance in points at fontSize: a full em for
// Korean, half for ASCII (the font's W array says so).
func runeWidth(r rune) float64 {
	if r < 0x80 {
		return fontSize / 2
	}
	return fontSize
}

func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		w += runeWidth(r)
	}
	return w
}

// Wrap breaks text into lines of at most width points at spaces.
func Wrap(text string, width float64) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(text) {
		if cur != "" && textWidth(cur+" "+w) > width {
			lines = append(lines, cur)
			cur = ""
		}
		if cur == "" {
			cur = w
		} else {
			cur += " " + w
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// LaidOutPDF returns a PDF of the pages and the text a reader reads from
// it: lines top to bottom, a table row's cells apart by tabs (a row with
// multi-line cells is as many lines), the left column before the right,
// the footnotes last.
func LaidOutPDF(pages ...[]PDFBlock) (data []byte, truth string) {
	var all []string
	for _, p := range pages {
		for _, b := range p {
			all = append(all, b.Text, b.Left, b.Right, b.Footnote)
			for _, row := range b.Rows {
				for _, c := range row {
					all = append(all, c.Text)
				}
			}
		}
	}
	cid := map[rune]uint16{}
	var runes []rune
	for _, s := range all {
		for _, r := range s {
			if _, ok := cid[r]; !ok && r != '\n' {
				runes = append(runes, r)
				cid[r] = uint16(len(runes))
			}
		}
	}
	hex := func(s string) string {
		var h strings.Builder
		for _, r := range s {
			fmt.Fprintf(&h, "%04X", cid[r])
		}
		return h.String()
	}
	w := newPDFWriter()
	catalog := w.reserve()
	pagesID := w.reserve()
	font := w.reserve()
	cidFont := w.reserve()
	toUnicode := w.reserve()
	var truthB strings.Builder
	var kids []string
	for _, p := range pages {
		var draws []string // content pieces, drawn in an order of their own
		var rules strings.Builder
		var foot []string
		y := 800.0
		text := func(x, y, size float64, s string) string {
			return fmt.Sprintf("BT /F1 %g Tf 1 0 0 1 %.2f %.2f Tm <%s> Tj ET\n", size, x, y, hex(s))
		}
		for _, b := range p {
			switch {
			case b.Footnote != "":
				foot = append(foot, b.Footnote)
			case b.Rows != nil:
				ncol := 0
				for _, c := range b.Rows[0] {
					ncol += max(c.Span, 1)
				}
				colW := make([]float64, ncol)
				for _, row := range b.Rows {
					col := 0
					for _, c := range row {
						if max(c.Span, 1) == 1 {
							for _, l := range strings.Split(c.Text, "\n") {
								colW[col] = max(colW[col], textWidth(l)+16)
							}
						}
						col += max(c.Span, 1)
					}
				}
				var cells []string // column-major: drawn by column
				for _, row := range b.Rows {
					height := 1
					for _, c := range row {
						height = max(height, len(strings.Split(c.Text, "\n")))
					}
					top := y + lineStep - 4
					bottom := y - float64(height-1)*lineStep - 4
					x := leftEdge
					col := 0
					lines := make([][]string, height)
					for _, c := range row {
						span := max(c.Span, 1)
						wd := 0.0
						for k := col; k < col+span && k < ncol; k++ {
							wd += colW[k]
						}
						fmt.Fprintf(&rules, "%.2f %.2f %.2f %.2f re S\n", x, bottom, wd, top-bottom)
						for k, l := range strings.Split(c.Text, "\n") {
							if l != "" {
								cells = append(cells, fmt.Sprintf("%08.2f%s", x, text(x+6, y-float64(k)*lineStep, fontSize, l)))
								lines[k] = append(lines[k], l)
							}
						}
						x += wd
						col += span
					}
					for _, l := range lines {
						if len(l) > 0 {
							truthB.WriteString(strings.Join(l, "\t") + "\n")
						}
					}
					y -= float64(height) * lineStep
				}
				slices.Sort(cells) // by x: column by column
				for _, c := range cells {
					draws = append(draws, c[8:])
				}
				y -= 6
			case b.Left != "":
				colW := (pageWidth - 25) / 2
				left, right := Wrap(b.Left, colW), Wrap(b.Right, colW)
				for i, l := range left {
					draws = append(draws, text(leftEdge, y-float64(i)*lineStep, fontSize, l))
				}
				for i, l := range right {
					draws = append(draws, text(leftEdge+colW+25, y-float64(i)*lineStep, fontSize, l))
				}
				truthB.WriteString(strings.Join(left, "\n") + "\n" + strings.Join(right, "\n") + "\n")
				y -= float64(max(len(left), len(right))) * lineStep
			case b.Text != "" && b.WordsPlaced:
				x := leftEdge
				var words strings.Builder
				for _, wd := range strings.Fields(b.Text) {
					words.WriteString(text(x, y, fontSize, wd))
					x += textWidth(wd) + fontSize/2
				}
				draws = append(draws, words.String())
				truthB.WriteString(strings.Join(strings.Fields(b.Text), " ") + "\n")
				y -= lineStep
			case b.Text != "":
				draws = append(draws, text(leftEdge, y, fontSize, b.Text))
				truthB.WriteString(b.Text + "\n")
				y -= lineStep
			default:
				y -= lineStep
			}
		}
		// Footnotes at the foot of the page, drawn first.
		fy := 60.0 + float64(len(foot))*11
		var content strings.Builder
		content.WriteString("0.5 w\n" + rules.String())
		for _, f := range foot {
			content.WriteString(text(leftEdge, fy, 8, f))
			fy -= 11
			truthB.WriteString(f + "\n")
		}
		for _, d := range draws {
			content.WriteString(d)
		}
		c := w.stream("", compress([]byte(content.String())), true)
		page := w.object(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>", pagesID, font, c))
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	var widths strings.Builder
	for _, r := range runes {
		if r < 0x80 {
			fmt.Fprintf(&widths, "%d [500] ", cid[r])
		}
	}
	w.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesID))
	w.set(pagesID, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)))
	w.set(font, fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /AAAAAA+NanumGothic /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>", cidFont, toUnicode))
	w.set(cidFont, fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /AAAAAA+NanumGothic /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 /W [%s] /CIDToGIDMap /Identity >>", widths.String()))
	w.setStream(toUnicode, "", toUnicodeCMap(runes), false)
	return w.finish(catalog), truthB.String()
}
