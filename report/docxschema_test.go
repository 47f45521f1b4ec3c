package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
)

// wmlOrder is the content model of the WordprocessingML elements a
// report uses (ECMA-376 Part 1, transitional schema wml.xsd): for each
// parent, the children it may hold in the order the schema's sequence
// requires them. Word refuses a document whose properties come out of
// order ("unreadable content"); Hancom Office drops them silently.
var wmlOrder = map[string][]string{
	"document":    {"body"},
	"body":        {"p|tbl", "sectPr"},
	"p":           {"pPr", "r"},
	"pPr":         {"pStyle", "keepNext", "keepLines", "pageBreakBefore", "spacing", "ind", "jc", "outlineLvl"},
	"r":           {"rPr", "t|br|tab"},
	"rPr":         {"rStyle", "rFonts", "b", "bCs", "i", "iCs", "color", "sz", "szCs", "u", "lang"},
	"tbl":         {"tblPr", "tblGrid", "tr"},
	"tblPr":       {"tblStyle", "tblW", "jc", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook"},
	"tblBorders":  {"top", "left", "bottom", "right", "insideH", "insideV"},
	"tblCellMar":  {"top", "left", "bottom", "right"},
	"tblGrid":     {"gridCol"},
	"tr":          {"trPr", "tc"},
	"trPr":        {"cantSplit|tblHeader"},
	"tc":          {"tcPr", "p|tbl"},
	"tcPr":        {"tcW", "gridSpan", "vMerge", "tcBorders", "shd", "vAlign"},
	"sectPr":      {"pgSz", "pgMar"},
	"styles":      {"docDefaults", "style"},
	"docDefaults": {"rPrDefault", "pPrDefault"},
	"rPrDefault":  {"rPr"},
	"pPrDefault":  {"pPr"},
	"style":       {"name", "basedOn", "next", "uiPriority", "qFormat", "pPr", "rPr", "tblPr"},
	"fonts":       {"font"},
	"font":        {"altName", "panose1", "charset", "family", "pitch"},
	"settings":    {"defaultTabStop", "characterSpacingControl", "compat"},
	"compat":      {"compatSetting"},
}

// wmlRequired are children a parent must have.
var wmlRequired = map[string][]string{
	"tc":  {"p"},
	"tbl": {"tblPr", "tblGrid"},
}

// checkWML walks a part and returns every element of the w namespace
// that its parent's content model does not allow there, in that order,
// and every required child missing.
func checkWML(b []byte) ([]string, error) {
	type frame struct {
		name string
		last int
		seen map[string]bool
	}
	var stack []*frame
	var errs []string
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return errs, nil
		}
		if err != nil {
			return errs, err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if e.Name.Space != nsW {
				errs = append(errs, "element "+e.Name.Local+" outside the WordprocessingML namespace")
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				if order, known := wmlOrder[p.name]; known {
					i := slices.IndexFunc(order, func(g string) bool { return slices.Contains(strings.Split(g, "|"), e.Name.Local) })
					switch {
					case i < 0:
						errs = append(errs, "<"+p.name+"> may not hold <"+e.Name.Local+">")
					case i < p.last:
						errs = append(errs, "<"+e.Name.Local+"> after <"+order[p.last]+"> in <"+p.name+">")
					default:
						p.last = i
					}
				}
				p.seen[e.Name.Local] = true
			}
			stack = append(stack, &frame{name: e.Name.Local, seen: map[string]bool{}})
		case xml.EndElement:
			f := stack[len(stack)-1]
			for _, req := range wmlRequired[f.name] {
				if !f.seen[req] {
					errs = append(errs, "<"+f.name+"> without <"+req+">")
				}
			}
			stack = stack[:len(stack)-1]
		}
	}
}

// TestDOCXSchemaOrder checks the document, styles, settings and font
// table of every sample report against the content model above, and that
// the check catches what Word refuses.
func TestDOCXSchemaOrder(t *testing.T) {
	for name, data := range sampleDOCX(t) {
		for _, part := range []string{partDocument, partStyles, partSettings, partFontTable} {
			errs, err := checkWML(docxPart(t, data, part))
			if err != nil || len(errs) > 0 {
				t.Errorf("%s %s: %v %v", name, part, err, errs)
			}
		}
	}
	for _, bad := range []string{
		`<w:p><w:pPr><w:spacing/><w:pStyle w:val="x"/></w:pPr></w:p>`,     // out of order
		`<w:tbl><w:tblPr/><w:tblGrid/><w:tr><w:tc></w:tc></w:tr></w:tbl>`, // a cell without a paragraph
		`<w:p><w:tbl/></w:p>`, // a table inside a paragraph
	} {
		doc := `<w:document xmlns:w="` + nsW + `"><w:body>` + bad + `</w:body></w:document>`
		if errs, _ := checkWML([]byte(doc)); len(errs) == 0 {
			t.Errorf("%s passed the check", bad)
		}
	}
}
