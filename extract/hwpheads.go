package extract

import (
	"encoding/binary"
	"strconv"
	"unicode/utf16"
)

// HWP 5.0 keeps paragraph heads in DocInfo: a PARA_SHAPE record says
// whether its paragraphs carry a head (outline, number or bullet, bits
// 23–24 of its first property), at which level (bits 25–27), and which
// NUMBERING or BULLET record (1-based, at offset 30); a NUMBERING record
// gives per level (seven) a head's property (the number shape in bits
// 5–9) and its format ("^1."), then the start number; a BULLET record the
// bullet character after its 12-byte head.

// DocInfo record tags.
const (
	tagNumbering = 0x10 + 7
	tagBullet    = 0x10 + 8
	tagParaShape = 0x10 + 9
)

// hwpShapes maps HWP number shapes to formatNumber's formats.
var hwpShapes = map[uint32]string{
	0: "decimal", 1: "decimalEnclosedCircle", 2: "upperRoman", 3: "lowerRoman",
	4: "upperLetter", 5: "lowerLetter", 8: "ganada", 10: "chosung", 12: "koreanDigital",
}

// hwpHeads reads DocInfo's records into hwpxLists, the same paragraph
// heads HWPX has, keyed by paragraph shape ID (0-based, its record's
// order).
func hwpHeads(b []byte) *hwpxLists {
	h := &hwpxLists{heads: map[string]hwpxHead{}, numberings: map[string]*listDef{}, bullets: map[string]string{}, counter: newListCounter()}
	shapes, nums, bullets := 0, 0, 0
	for off := 0; off+4 <= len(b); {
		hd := binary.LittleEndian.Uint32(b[off:])
		off += 4
		tag, size := int(hd&0x3FF), int(hd>>20)
		if size == 0xFFF {
			if off+4 > len(b) {
				return h
			}
			size = int(binary.LittleEndian.Uint32(b[off:]))
			off += 4
		}
		if size < 0 || size > len(b)-off {
			return h
		}
		rec := b[off : off+size]
		off += size
		switch tag {
		case tagParaShape:
			id := itoa(shapes)
			shapes++
			if len(rec) < 32 {
				continue
			}
			p := binary.LittleEndian.Uint32(rec)
			ref := itoa(int(binary.LittleEndian.Uint16(rec[30:])))
			kind := map[uint32]string{1: "OUTLINE", 2: "NUMBER", 3: "BULLET"}[p>>23&3]
			if kind != "" {
				h.heads[id] = hwpxHead{kind: kind, ref: ref, level: int(p >> 25 & 7)}
			}
		case tagNumbering:
			nums++
			def := &listDef{}
			for i := range def.levels {
				def.levels[i] = listLevel{start: 1, format: "decimal", text: "%" + itoa(i+1) + "."}
			}
			r := rec
			for lvl := 0; lvl < 7 && len(r) >= 14; lvl++ {
				prop := binary.LittleEndian.Uint32(r)
				n := int(binary.LittleEndian.Uint16(r[12:]))
				r = r[14:]
				if 2*n > len(r) {
					break
				}
				u := make([]uint16, n)
				for k := range u {
					u[k] = binary.LittleEndian.Uint16(r[2*k:])
				}
				r = r[2*n:]
				l := &def.levels[lvl]
				if f, ok := hwpShapes[prop>>5&0x1F]; ok {
					l.format = f
				}
				l.text = ""
				for _, c := range string(utf16.Decode(u)) {
					if c == '^' {
						c = '%'
					}
					l.text += string(c)
				}
			}
			if len(r) >= 2 {
				if s := int(binary.LittleEndian.Uint16(r)); s > 0 {
					def.levels[0].start = s
				}
			}
			h.numberings[itoa(nums)] = def
		case tagBullet:
			bullets++
			if len(rec) >= 14 {
				h.bullets[itoa(bullets)] = string(rune(binary.LittleEndian.Uint16(rec[12:])))
			}
		}
	}
	h.outline = "1"
	return h
}

func itoa(n int) string { return strconv.Itoa(n) }
