package extract

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"
)

// DOCX (WordprocessingML) and HWPX (OWPML) describe text the same way,
// with the same local names: paragraphs p, text t, tabs tab, and tables
// tbl of rows tr of cells tc. xmlText reads either, by local name, from
// one XML part.

// skipped are elements whose subtree holds no text of the document body:
// properties (DOCX tab stops are tab elements inside pPr), deleted text,
// the fallback copy of alternate content (it repeats the choice), and
// HWPX headers and footers (repeated on every page).
var skipped = map[string]bool{
	"pPr": true, "rPr": true, "tblPr": true, "trPr": true, "tcPr": true, "sectPr": true,
	"tblGrid": true, "Fallback": true, "header": true, "footer": true,
	"del": true, "instrText": true, "delText": true,
}

// xmlText appends the text of one XML part to w: a line per paragraph
// and per table row, a tab between the cells of a row. Paragraphs inside a
// cell are joined with a space, and nested tables are flattened into the
// cell that holds them, so that a row stays one line.
//
// doc, for a Word document, numbers list paragraphs and writes footnotes
// and endnotes after the paragraph (or table) that refers to them; hx,
// for an HWPX document, writes the paragraph heads.
func (x *extraction) xmlText(r io.Reader, w *textWriter, doc *docxDoc, hx *hwpxLists) error {
	d := xml.NewDecoder(newXMLGuard(r))
	var (
		skip      int  // depth inside a skipped element
		inText    int  // depth of t elements
		tables    int  // depth of tables
		pending   bool // a paragraph began in a cell: a space before its text
		paras     int  // depth of open paragraphs outside tables
		ended     bool // a table ended inside the open paragraph (HWPX)
		firstCell bool
		tokens    int
		inPPr     bool // in a paragraph's properties (DOCX)
		numID     string
		ilvl      = -1
		style     string
		notes     []string // notes referred to in the open paragraph or table
	)
	writeMarker := func(m string) {
		if m == "" {
			return
		}
		if tables > 0 && pending {
			pending = false
			if !w.atLineStart() && !endsWith(w, '\t') && !endsWith(w, ' ') {
				w.writeByte(' ')
			}
		}
		w.writeString(m)
	}
	writeNotes := func() {
		for _, n := range notes {
			w.newline()
			w.writeString(n)
			w.writeByte('\n')
		}
		notes = notes[:0]
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return w.err
		}
		if err != nil {
			return err
		}
		if tokens++; tokens%4096 == 0 {
			if err := x.ctx.Err(); err != nil {
				return err
			}
		}
		if w.err != nil {
			return w.err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			if skip > 0 || skipped[name] {
				if doc != nil && skip == 0 && name == "pPr" {
					inPPr, numID, ilvl, style = true, "", -1, ""
				}
				if inPPr {
					switch name {
					case "numId":
						numID = attr(t, "val")
					case "ilvl":
						if n, err := strconv.Atoi(attr(t, "val")); err == nil {
							ilvl = n
						}
					case "pStyle":
						style = attr(t, "val")
					}
				}
				skip++
				continue
			}
			if doc != nil && (name == "footnoteReference" || name == "endnoteReference") {
				if n := doc.note(strings.TrimSuffix(name, "Reference"), attr(t, "id")); n != "" && len(notes) < 1024 {
					notes = append(notes, n)
				}
			}
			switch name {
			case "p":
				if tables == 0 {
					w.newline()
					paras++
				} else {
					pending = true
				}
				if hx != nil {
					writeMarker(hx.marker(attr(t, "paraPrIDRef")))
				}
			case "secPr":
				if hx != nil {
					if id := attr(t, "outlineShapeIDRef"); id != "" {
						hx.outline = id
					}
				}
			case "t":
				inText++
			case "tab":
				if tables == 0 {
					w.writeByte('\t')
				} else {
					w.writeByte(' ')
				}
			case "br", "cr", "lineBreak":
				if tables == 0 {
					w.writeByte('\n')
				} else {
					w.writeByte(' ')
				}
			case "noBreakHyphen", "hyphen":
				w.writeByte('-')
			case "nbSpace", "fwSpace":
				w.writeByte(' ')
			case "tbl":
				tables++
				if tables == 1 {
					w.newline()
				}
			case "tr":
				if tables == 1 {
					w.newline()
					firstCell = true
				}
			case "tc":
				if tables == 1 {
					if !firstCell {
						w.writeByte('\t')
					}
					firstCell = false
					pending = false
				} else {
					pending = true
				}
			}
		case xml.EndElement:
			if skip > 0 {
				if skip--; skip == 0 && inPPr {
					inPPr = false
					writeMarker(doc.marker(numID, ilvl, style))
				}
				continue
			}
			switch t.Name.Local {
			case "p":
				if tables == 0 {
					// A paragraph that only held a table (HWPX puts tables
					// in paragraphs) ended with the table's last row.
					if !ended || !w.atLineStart() {
						w.writeByte('\n')
					}
					ended = false
					paras = max(paras-1, 0)
					writeNotes()
				}
			case "t":
				inText--
			case "tbl":
				tables--
				if tables == 0 {
					w.newline()
					ended = paras > 0
					writeNotes()
				}
			case "tr":
				if tables == 1 {
					w.writeByte('\n')
				}
			}
		case xml.CharData:
			if skip > 0 || inText == 0 {
				continue
			}
			if tables > 0 && pending {
				pending = false
				if !w.atLineStart() && !endsWith(w, '\t') && !endsWith(w, ' ') {
					w.writeByte(' ')
				}
			}
			w.writeString(cleanChars.Replace(string(t)))
		}
	}
}

// cleanChars keeps a paragraph on its line: text nodes carry no layout.
var cleanChars = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ")

// attr is the value of the attribute of t with the local name name.
func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func endsWith(w *textWriter, c byte) bool {
	s := w.String()
	return s != "" && s[len(s)-1] == c
}
