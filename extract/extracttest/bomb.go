package extracttest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
)

// ZipBomb returns a DOCX whose document part unpacks to about n bytes (a
// paragraph of n spaces) while the file stays a few KB: the deflate
// stream repeats one block that expands to 1 MB. With lie, the zip
// header claims the part is 1 KB.
func ZipBomb(n int64, lie bool) []byte {
	const chunk = 1 << 20
	prefix := []byte(`<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>`)
	suffix := []byte(`</w:t></w:r></w:p></w:body></w:document>`)
	spaces := bytes.Repeat([]byte{' '}, chunk)

	var data bytes.Buffer
	flush := func(b []byte) {
		// Each piece is a fresh compressor's non-final blocks: its back
		// references reach only its own output, and a block of spaces
		// starts with a literal space, so the pieces can be repeated and
		// joined.
		w, _ := flate.NewWriter(&data, flate.BestCompression)
		w.Write(b)
		w.Flush()
	}
	flush(prefix)
	var block bytes.Buffer
	{
		w, _ := flate.NewWriter(&block, flate.BestCompression)
		w.Write(spaces)
		w.Flush()
	}
	crc := crc32.NewIEEE()
	crc.Write(prefix)
	count := n / chunk
	for i := int64(0); i < count; i++ {
		data.Write(block.Bytes())
		crc.Write(spaces)
	}
	flush(suffix)
	crc.Write(suffix)
	w, _ := flate.NewWriter(&data, flate.BestCompression)
	w.Close() // the final, empty block

	size := uint64(len(prefix)) + uint64(count)*chunk + uint64(len(suffix))
	if lie {
		size = 1024
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, e := range DOCXParts() {
		f, _ := zw.Create(e.Name)
		f.Write([]byte(e.Data))
	}
	f, err := zw.CreateRaw(&zip.FileHeader{Name: "word/document.xml", Method: zip.Deflate, CRC32: crc.Sum32(),
		CompressedSize64: uint64(data.Len()), UncompressedSize64: size})
	if err != nil {
		panic(err)
	}
	f.Write(data.Bytes())
	zw.Close()
	return out.Bytes()
}
