// Command korea1gen writes the table that package extract reads the text
// of Adobe-Korea1 CID fonts with (PDFs whose Korean fonts carry no
// ToUnicode map): CID → Unicode, from Adobe's published CMap
// Adobe-Korea1-UCS2 (version 5.005, in
// github.com/adobe-type-tools/mapping-resources-pdf, pdf2unicode/; BSD-3,
// see extract/data/LICENSE-adobe-cmap.txt), as a compact sorted range
// table, gzip-compressed:
//
//	"K1U1", uint32 n, n × (cid uint16, count uint16, unicode uint16),
//	uint32 m, m × (cid uint16, units uint8, units × uint16)
//
// Run by go generate in extract with ADOBE_MAPPING set to a checkout of
// mapping-resources-pdf.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"flag"
	"fmt"
	"log"
	"os"
	"regexp"
	"slices"
	"strconv"
)

func main() {
	src := flag.String("src", "", "Adobe-Korea1-UCS2 CMap file")
	out := flag.String("out", "", "table to write")
	flag.Parse()
	data, err := os.ReadFile(*src)
	if err != nil {
		log.Fatal(err)
	}
	one := map[uint16]uint16{}
	multi := map[uint16][]uint16{}
	add := func(cid uint16, dst []uint16) {
		if len(dst) == 1 {
			one[cid] = dst[0]
		} else {
			multi[cid] = dst
		}
	}
	char := regexp.MustCompile(`^<([0-9A-Fa-f]{4})>\s+<([0-9A-Fa-f]+)>$`)
	rng := regexp.MustCompile(`^<([0-9A-Fa-f]{4})>\s+<([0-9A-Fa-f]{4})>\s+<([0-9A-Fa-f]+)>$`)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if m := rng.FindSubmatch(line); m != nil {
			lo, hi, dst := hex16(m[1]), hex16(m[2]), units(m[3])
			for c := lo; c <= hi && c >= lo; c++ {
				d := slices.Clone(dst)
				d[len(d)-1] += c - lo
				add(c, d)
			}
			continue
		}
		if m := char.FindSubmatch(line); m != nil {
			add(hex16(m[1]), units(m[2]))
		}
	}
	cids := make([]uint16, 0, len(one))
	for c := range one {
		cids = append(cids, c)
	}
	slices.Sort(cids)
	type run struct{ cid, n, uni uint16 }
	var runs []run
	for _, c := range cids {
		if n := len(runs); n > 0 {
			r := &runs[n-1]
			if r.cid+r.n == c && r.uni+r.n == one[c] {
				r.n++
				continue
			}
		}
		runs = append(runs, run{c, 1, one[c]})
	}
	var b bytes.Buffer
	b.WriteString("K1U1")
	binary.Write(&b, binary.BigEndian, uint32(len(runs)))
	for _, r := range runs {
		binary.Write(&b, binary.BigEndian, [3]uint16{r.cid, r.n, r.uni})
	}
	mc := make([]uint16, 0, len(multi))
	for c := range multi {
		mc = append(mc, c)
	}
	slices.Sort(mc)
	binary.Write(&b, binary.BigEndian, uint32(len(mc)))
	for _, c := range mc {
		binary.Write(&b, binary.BigEndian, c)
		b.WriteByte(byte(len(multi[c])))
		binary.Write(&b, binary.BigEndian, multi[c])
	}
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	zw.Write(b.Bytes())
	zw.Close()
	if err := os.WriteFile(*out, z.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d CIDs in %d runs, %d sequences: %d bytes\n", len(one), len(runs), len(mc), z.Len())
}

func hex16(b []byte) uint16 {
	v, _ := strconv.ParseUint(string(b), 16, 16)
	return uint16(v)
}

func units(b []byte) []uint16 {
	var u []uint16
	for i := 0; i+4 <= len(b); i += 4 {
		u = append(u, hex16(b[i:i+4]))
	}
	return u
}
