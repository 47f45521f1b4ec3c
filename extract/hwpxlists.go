package extract

import (
	"archive/zip"
	"strconv"
	"strings"
)

// hwpxLists are the paragraph heads of an HWPX document (header.xml):
// each paragraph shape (paraPr) may carry a heading, a number from a
// numbering, a bullet or the outline's number, at a level; numberings
// give each level's format and text ("^1.", "^2)"); bullets their
// character.
type hwpxLists struct {
	heads      map[string]hwpxHead // by paraPr id
	numberings map[string]*listDef
	bullets    map[string]string
	outline    string // the numbering the section's outline uses
	counter    *listCounter
}

type hwpxHead struct {
	kind  string // NUMBER, BULLET, OUTLINE
	ref   string
	level int // 0-based
}

// hwpxFormats maps OWPML number types to formatNumber's formats.
var hwpxFormats = map[string]string{
	"DIGIT": "decimal", "CIRCLED_DIGIT": "decimalEnclosedCircle",
	"ROMAN_CAPITAL": "upperRoman", "ROMAN_SMALL": "lowerRoman",
	"LATIN_CAPITAL": "upperLetter", "LATIN_SMALL": "lowerLetter",
	"HANGUL_SYLLABLE": "ganada", "HANGUL_JAMO": "chosung",
	"HANGUL_PHONETIC": "koreanDigital",
}

func (x *extraction) hwpxHeader(entries map[string]*zip.File) *hwpxLists {
	h := &hwpxLists{heads: map[string]hwpxHead{}, numberings: map[string]*listDef{}, bullets: map[string]string{}, counter: newListCounter()}
	f := entries["Contents/header.xml"]
	if f == nil {
		return h
	}
	b, err := x.entry(f, 16<<20)
	if err != nil {
		return h
	}
	type paraHead struct {
		Start  string `xml:"start,attr"`
		Level  string `xml:"level,attr"`
		Format string `xml:"numFormat,attr"`
		Text   string `xml:",chardata"`
	}
	var head struct {
		Numberings []struct {
			ID    string     `xml:"id,attr"`
			Start string     `xml:"start,attr"`
			Heads []paraHead `xml:"paraHead"`
		} `xml:"refList>numberings>numbering"`
		Bullets []struct {
			ID   string `xml:"id,attr"`
			Char string `xml:"char,attr"`
		} `xml:"refList>bullets>bullet"`
		ParaPrs []struct {
			ID      string `xml:"id,attr"`
			Heading struct {
				Type  string `xml:"type,attr"`
				IDRef string `xml:"idRef,attr"`
				Level string `xml:"level,attr"`
			} `xml:"heading"`
		} `xml:"refList>paraProperties>paraPr"`
	}
	if unmarshalXML(b, &head) != nil {
		return h
	}
	for _, n := range head.Numberings {
		def := &listDef{}
		for i := range def.levels {
			def.levels[i] = listLevel{start: 1, format: "decimal", text: "%" + strconv.Itoa(i+1) + "."}
		}
		for _, ph := range n.Heads {
			lvl, err := strconv.Atoi(ph.Level)
			if err != nil || lvl < 1 || lvl > 10 {
				continue
			}
			l := &def.levels[lvl-1]
			if s, err := strconv.Atoi(ph.Start); err == nil {
				l.start = s
			}
			if f, ok := hwpxFormats[ph.Format]; ok {
				l.format = f
			}
			l.text = strings.ReplaceAll(ph.Text, "^", "%")
		}
		h.numberings[n.ID] = def
	}
	for _, bl := range head.Bullets {
		h.bullets[bl.ID] = bl.Char
	}
	for _, p := range head.ParaPrs {
		switch t := p.Heading.Type; t {
		case "NUMBER", "BULLET", "OUTLINE":
			lvl, _ := strconv.Atoi(p.Heading.Level)
			h.heads[p.ID] = hwpxHead{kind: t, ref: p.Heading.IDRef, level: lvl}
		}
	}
	return h
}

// marker is the paragraph head of a paragraph of shape paraPr, with a
// space after it, or "".
func (h *hwpxLists) marker(paraPr string) string {
	hd, ok := h.heads[paraPr]
	if !ok {
		return ""
	}
	var m string
	switch hd.kind {
	case "BULLET":
		m = bulletText(h.bullets[hd.ref])
	case "NUMBER", "OUTLINE":
		id := hd.ref
		if hd.kind == "OUTLINE" && (id == "" || id == "0") {
			id = h.outline
		}
		def := h.numberings[id]
		if def == nil {
			return ""
		}
		m = h.counter.next("n:"+id, def, hd.level, "", nil)
	}
	if m == "" {
		return ""
	}
	return m + " "
}
