package extract

import (
	"archive/zip"
	"path"
	"strconv"
	"strings"
)

// docxDoc is what a Word document's body refers to in its other parts:
// list definitions (numbering.xml, and paragraph styles that number their
// paragraphs, styles.xml) and footnotes and endnotes, which are written
// after the paragraph that refers to them. Comments (comments.xml) are
// not body text and are never read.
type docxDoc struct {
	nums    map[string]docxNum // by numId
	styles  map[string]docxNumRef
	notes   map[string]string // "footnote:ID", "endnote:ID"
	counter *listCounter
	noteNo  map[string]int // notes numbered in the order they are referred to
}

// docxNum is a w:num: its abstract list and its start overrides.
type docxNum struct {
	abstract string
	def      *listDef
	restart  map[int]int
}

type docxNumRef struct {
	numID string
	ilvl  int
}

type xmlVal struct {
	Val string `xml:"val,attr"`
}

// docxParts reads the parts the main document part names in its
// relationships (word/_rels/document.xml.rels).
func (x *extraction) docxParts(entries map[string]*zip.File, main *zip.File) *docxDoc {
	d := &docxDoc{nums: map[string]docxNum{}, styles: map[string]docxNumRef{}, notes: map[string]string{}, counter: newListCounter(), noteNo: map[string]int{}}
	dir := path.Dir(main.Name)
	targets := map[string]string{"numbering": dir + "/numbering.xml", "styles": dir + "/styles.xml", "footnotes": dir + "/footnotes.xml", "endnotes": dir + "/endnotes.xml"}
	if f := entries[dir+"/_rels/"+path.Base(main.Name)+".rels"]; f != nil {
		if b, err := x.entry(f, 1<<20); err == nil {
			var rels struct {
				Rels []struct {
					Type   string `xml:"Type,attr"`
					Target string `xml:"Target,attr"`
				} `xml:"Relationship"`
			}
			if unmarshalXML(b, &rels) == nil {
				for _, r := range rels.Rels {
					kind := r.Type[strings.LastIndex(r.Type, "/")+1:]
					if _, ok := targets[kind]; ok {
						targets[kind] = strings.TrimPrefix(path.Clean(path.Join("/", dir, r.Target)), "/")
					}
				}
			}
		}
	}
	read := func(kind string) []byte {
		f := entries[targets[kind]]
		if f == nil {
			return nil
		}
		b, err := x.entry(f, 16<<20)
		if err != nil {
			return nil
		}
		return b
	}
	if b := read("numbering"); b != nil {
		d.readNumbering(b)
	}
	if b := read("styles"); b != nil {
		var st struct {
			Styles []struct {
				ID   string `xml:"styleId,attr"`
				Ilvl xmlVal `xml:"pPr>numPr>ilvl"`
				Num  xmlVal `xml:"pPr>numPr>numId"`
			} `xml:"style"`
		}
		if unmarshalXML(b, &st) == nil {
			for _, s := range st.Styles {
				if s.Num.Val != "" {
					lvl, _ := strconv.Atoi(s.Ilvl.Val)
					d.styles[s.ID] = docxNumRef{numID: s.Num.Val, ilvl: lvl}
				}
			}
		}
	}
	for _, kind := range []string{"footnote", "endnote"} {
		b := read(kind + "s")
		if b == nil {
			continue
		}
		x.readNotes(b, kind, d)
	}
	return d
}

func (d *docxDoc) readNumbering(b []byte) {
	type lvl struct {
		Ilvl    string `xml:"ilvl,attr"`
		Start   xmlVal `xml:"start"`
		NumFmt  xmlVal `xml:"numFmt"`
		LvlText xmlVal `xml:"lvlText"`
	}
	var n struct {
		Abstract []struct {
			ID   string `xml:"abstractNumId,attr"`
			Lvls []lvl  `xml:"lvl"`
		} `xml:"abstractNum"`
		Nums []struct {
			ID        string `xml:"numId,attr"`
			Abs       xmlVal `xml:"abstractNumId"`
			Overrides []struct {
				Ilvl  string `xml:"ilvl,attr"`
				Start xmlVal `xml:"startOverride"`
			} `xml:"lvlOverride"`
		} `xml:"num"`
	}
	if unmarshalXML(b, &n) != nil {
		return
	}
	defs := map[string]*listDef{}
	for _, a := range n.Abstract {
		def := &listDef{}
		for i := range def.levels {
			def.levels[i] = listLevel{start: 1, format: "decimal", text: "%" + strconv.Itoa(i+1) + "."}
		}
		for _, l := range a.Lvls {
			i, err := strconv.Atoi(l.Ilvl)
			if err != nil || i < 0 || i > 9 {
				continue
			}
			lv := &def.levels[i]
			if s, err := strconv.Atoi(l.Start.Val); err == nil {
				lv.start = s
			}
			if l.NumFmt.Val != "" {
				lv.format = l.NumFmt.Val
			}
			lv.text = l.LvlText.Val
		}
		defs[a.ID] = def
	}
	for _, num := range n.Nums {
		def := defs[num.Abs.Val]
		if def == nil {
			continue
		}
		dn := docxNum{abstract: num.Abs.Val, def: def, restart: map[int]int{}}
		for _, o := range num.Overrides {
			i, err := strconv.Atoi(o.Ilvl)
			s, serr := strconv.Atoi(o.Start.Val)
			if err == nil && serr == nil {
				dn.restart[i] = s
			}
		}
		d.nums[num.ID] = dn
	}
}

// readNotes reads footnotes.xml or endnotes.xml: each note's text, its
// paragraphs joined by spaces. The separators Word keeps there (notes of
// a type) are not notes.
func (x *extraction) readNotes(b []byte, kind string, d *docxDoc) {
	var notes struct {
		Notes []struct {
			ID    string `xml:"id,attr"`
			Type  string `xml:"type,attr"`
			Inner []byte `xml:",innerxml"`
		} `xml:"footnote"`
		Endnotes []struct {
			ID    string `xml:"id,attr"`
			Type  string `xml:"type,attr"`
			Inner []byte `xml:",innerxml"`
		} `xml:"endnote"`
	}
	if unmarshalXML(b, &notes) != nil {
		return
	}
	all := append(notes.Notes, notes.Endnotes...)
	for _, n := range all {
		if n.Type != "" && n.Type != "normal" {
			continue
		}
		w := &textWriter{limit: x.cfg.MaxTextBytes}
		wrapped := `<r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` + string(n.Inner) + `</r>`
		if x.xmlText(strings.NewReader(wrapped), w, nil, nil) != nil {
			continue
		}
		d.notes[kind+":"+n.ID] = strings.Join(strings.Fields(w.String()), " ")
	}
}

// marker is the list marker of a paragraph with these properties, and a
// space after it; "" for a paragraph that is not numbered.
func (d *docxDoc) marker(numID string, ilvl int, style string) string {
	if numID == "" {
		if r, ok := d.styles[style]; ok {
			numID = r.numID
			if ilvl < 0 {
				ilvl = r.ilvl
			}
		}
	}
	if ilvl < 0 {
		ilvl = 0
	}
	n, ok := d.nums[numID]
	if !ok || numID == "0" {
		return ""
	}
	m := d.counter.next(n.abstract, n.def, ilvl, "num:"+numID, n.restart)
	if m == "" {
		return ""
	}
	return m + " "
}

// note is the line a footnote or endnote is written as.
func (d *docxDoc) note(kind, id string) string {
	text, ok := d.notes[kind+":"+id]
	if !ok || text == "" {
		return ""
	}
	key := kind + ":" + id
	if _, seen := d.noteNo[key]; !seen {
		n := 1
		for k := range d.noteNo {
			if strings.HasPrefix(k, kind+":") {
				n++
			}
		}
		d.noteNo[key] = n
	}
	label := "각주"
	if kind == "endnote" {
		label = "미주"
	}
	return "[" + label + " " + strconv.Itoa(d.noteNo[key]) + "] " + text
}
