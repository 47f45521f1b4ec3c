package extracttest

import (
	"encoding/binary"
	"slices"
	"strings"
	"unicode/utf16"
)

// Stream is one stream of a compound file, named by its path
// ("BodyText/Section0"); the storages on the path are made as needed.
type Stream struct {
	Path string
	Data []byte
}

// Compound file (MS-CFB, version 3) constants.
const (
	sectorSize   = 512
	miniSize     = 64
	miniCutoff   = 4096
	endOfChain   = 0xFFFFFFFE
	freeSect     = 0xFFFFFFFF
	fatSect      = 0xFFFFFFFD
	noStream     = 0xFFFFFFFF
	entriesPerSe = sectorSize / 128
	idsPerSector = sectorSize / 4
)

type cfbEntry struct {
	name     string
	storage  bool
	data     []byte
	children []*cfbEntry
	id       uint32
	start    uint32
	left     uint32
	right    uint32
	child    uint32
}

// CompoundFile returns an OLE compound file holding streams: streams
// under 4096 bytes go to the mini stream, as the format requires, larger
// ones to sectors of their own. The directory's sibling trees are valid
// binary search trees in the format's name order.
func CompoundFile(streams []Stream) []byte {
	root := &cfbEntry{name: "Root Entry", storage: true}
	for _, s := range streams {
		parts := strings.Split(s.Path, "/")
		dir := root
		for _, p := range parts[:len(parts)-1] {
			i := slices.IndexFunc(dir.children, func(e *cfbEntry) bool { return e.name == p })
			if i < 0 {
				dir.children = append(dir.children, &cfbEntry{name: p, storage: true})
				i = len(dir.children) - 1
			}
			dir = dir.children[i]
		}
		dir.children = append(dir.children, &cfbEntry{name: parts[len(parts)-1], data: s.Data})
	}
	// Number the entries: root first, then depth first.
	var all []*cfbEntry
	var number func(e *cfbEntry)
	number = func(e *cfbEntry) {
		e.id = uint32(len(all))
		all = append(all, e)
		slices.SortFunc(e.children, func(a, b *cfbEntry) int { return cfbCompare(a.name, b.name) })
		for _, c := range e.children {
			number(c)
		}
	}
	number(root)
	for _, e := range all {
		e.left, e.right, e.child = noStream, noStream, noStream
	}
	for _, e := range all {
		e.child = tree(e.children)
	}

	// The mini stream, and its FAT.
	var mini []byte
	var miniFAT []uint32
	var big []*cfbEntry
	for _, e := range all[1:] {
		e.start = endOfChain
		if e.storage {
			e.start = 0
		}
		if e.storage || len(e.data) == 0 {
			continue
		}
		if len(e.data) >= miniCutoff {
			big = append(big, e)
			continue
		}
		e.start = uint32(len(mini) / miniSize)
		n := (len(e.data) + miniSize - 1) / miniSize
		for i := 0; i < n; i++ {
			next := uint32(len(miniFAT) + 1)
			if i == n-1 {
				next = endOfChain
			}
			miniFAT = append(miniFAT, next)
		}
		mini = append(mini, pad(e.data, miniSize)...)
	}

	nDir := (len(all) + entriesPerSe - 1) / entriesPerSe
	nMiniFAT := (len(miniFAT) + idsPerSector - 1) / idsPerSector
	nMini := (len(mini) + sectorSize - 1) / sectorSize
	nBig := 0
	for _, e := range big {
		nBig += (len(e.data) + sectorSize - 1) / sectorSize
	}
	nFAT := 1
	for (nFAT+nDir+nMiniFAT+nMini+nBig+idsPerSector-1)/idsPerSector > nFAT {
		nFAT++
	}
	if nFAT > 109 {
		panic("extracttest: compound file too large for a header-only DIFAT")
	}

	// Sector layout: FAT, directory, mini FAT, mini stream, big streams.
	fat := make([]uint32, 0, nFAT*idsPerSector)
	chain := func(n int) uint32 {
		if n == 0 {
			return endOfChain
		}
		first := uint32(len(fat))
		for i := 0; i < n; i++ {
			next := uint32(len(fat) + 1)
			if i == n-1 {
				next = endOfChain
			}
			fat = append(fat, next)
		}
		return first
	}
	for i := 0; i < nFAT; i++ {
		fat = append(fat, fatSect)
	}
	dirStart := chain(nDir)
	miniFATStart := chain(nMiniFAT)
	root.start = chain(nMini)
	root.data = mini
	for _, e := range big {
		e.start = chain((len(e.data) + sectorSize - 1) / sectorSize)
	}
	for len(fat) < nFAT*idsPerSector {
		fat = append(fat, freeSect)
	}

	out := make([]byte, sectorSize)
	h := out
	copy(h, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	le := binary.LittleEndian
	le.PutUint16(h[24:], 0x003E)
	le.PutUint16(h[26:], 3)
	le.PutUint16(h[28:], 0xFFFE)
	le.PutUint16(h[30:], 9)
	le.PutUint16(h[32:], 6)
	le.PutUint32(h[44:], uint32(nFAT))
	le.PutUint32(h[48:], dirStart)
	le.PutUint32(h[56:], miniCutoff)
	if nMiniFAT > 0 {
		le.PutUint32(h[60:], miniFATStart)
	} else {
		le.PutUint32(h[60:], endOfChain)
	}
	le.PutUint32(h[64:], uint32(nMiniFAT))
	le.PutUint32(h[68:], endOfChain)
	for i := 0; i < 109; i++ {
		v := uint32(freeSect)
		if i < nFAT {
			v = uint32(i)
		}
		le.PutUint32(h[76+4*i:], v)
	}
	for _, v := range fat {
		out = le.AppendUint32(out, v)
	}
	dir := make([]byte, nDir*sectorSize)
	for _, e := range all {
		writeEntry(dir[e.id*128:], e)
	}
	for i := len(all); i < nDir*entriesPerSe; i++ {
		b := dir[i*128:]
		le.PutUint32(b[68:], noStream)
		le.PutUint32(b[72:], noStream)
		le.PutUint32(b[76:], noStream)
	}
	out = append(out, dir...)
	mf := make([]byte, 0, nMiniFAT*sectorSize)
	for _, v := range miniFAT {
		mf = le.AppendUint32(mf, v)
	}
	for len(mf) < nMiniFAT*sectorSize {
		mf = le.AppendUint32(mf, freeSect)
	}
	out = append(out, mf...)
	out = append(out, pad(mini, sectorSize)...)
	for _, e := range big {
		out = append(out, pad(e.data, sectorSize)...)
	}
	return out
}

// tree links siblings (sorted) as a balanced binary search tree and
// returns its root's ID.
func tree(sorted []*cfbEntry) uint32 {
	if len(sorted) == 0 {
		return noStream
	}
	m := len(sorted) / 2
	sorted[m].left = tree(sorted[:m])
	sorted[m].right = tree(sorted[m+1:])
	return sorted[m].id
}

// cfbCompare is the directory's name order: shorter names first, then by
// upper-cased UTF-16 code units.
func cfbCompare(a, b string) int {
	ua, ub := utf16.Encode([]rune(strings.ToUpper(a))), utf16.Encode([]rune(strings.ToUpper(b)))
	if len(ua) != len(ub) {
		return len(ua) - len(ub)
	}
	return slices.Compare(ua, ub)
}

func writeEntry(b []byte, e *cfbEntry) {
	le := binary.LittleEndian
	name := utf16.Encode([]rune(e.name))
	for i, c := range name {
		le.PutUint16(b[2*i:], c)
	}
	le.PutUint16(b[64:], uint16(2*len(name)+2))
	switch {
	case e.id == 0:
		b[66] = 5
	case e.storage:
		b[66] = 1
	default:
		b[66] = 2
	}
	b[67] = 1 // black
	le.PutUint32(b[68:], e.left)
	le.PutUint32(b[72:], e.right)
	le.PutUint32(b[76:], e.child)
	le.PutUint32(b[116:], e.start)
	if !e.storage || e.id == 0 {
		le.PutUint64(b[120:], uint64(len(e.data)))
	}
}

func pad(b []byte, n int) []byte {
	if r := len(b) % n; r != 0 {
		return append(slices.Clip(b), make([]byte, n-r)...)
	}
	return b
}
