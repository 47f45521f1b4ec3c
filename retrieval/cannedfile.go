package retrieval

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sync"
)

// cannedFile holds the canned-answer index beside the knowledge index.
const cannedFile = "canned.vec"

// cannedMagic starts the file; the digit is the format version.
const cannedMagic = "selfcheck-canned-2\n"

// The file is little-endian binary, not gob or JSON: at 10,000 answers it
// holds millions of weights, and decoding them one reflected value at a
// time would take most of a CLI ask's budget. It is read in two steps: the
// header, then each dimension's postings when a search first needs them,
// so that a CLI ask reads a few hundred KB of a 9 MB file. Layout:
//
//	magic, header length (uint32), header, CRC-32 of the header,
//	then per dimension its (slot uint32, weight float32) pairs.
//
// The header holds the fingerprint, the store id (uint16 length + bytes),
// seq (int64), dims and slots (uint32), per slot name and item (uint16
// length + bytes), and per dimension the number of its pairs and their
// CRC-32 (uint32 each).
//
// A file from other knowledge, another embedding or of the wrong size is
// ignored: the index is rebuilt from the store, which is the truth.

// maxCannedHeader bounds the header read from a file.
const maxCannedHeader = 64 << 20

// Load reads the persisted index's header if it was built under the same
// knowledge and embedding; its postings are read as searches need them.
// It reports whether it did; a missing, stale or damaged file is not an
// error (the caller applies the store from scratch), only an unreadable
// one is.
func (c *CannedIndex) Load() (bool, error) {
	if c.path == "" {
		return false, nil
	}
	f, err := os.Open(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read canned index: %w", err)
	}
	st, err := decodeCanned(f, c.fp)
	if err != nil {
		f.Close()
		if errors.Is(err, errCannedFile) {
			return false, nil // stale or damaged: rebuilt from the store
		}
		return false, fmt.Errorf("read canned index: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.storeID, c.seq, c.names, c.items, c.dims = st.storeID, st.seq, st.names, st.items, st.dims
	c.post, c.lazy = make([][]posting, st.dims), st.lazy
	c.byName = make(map[string]int32, len(st.names))
	for i, n := range st.names {
		c.byName[n] = int32(i)
	}
	c.live = len(st.names)
	return true, nil
}

type cannedState struct {
	storeID      string
	seq          int64
	names, items []string
	dims         int
	lazy         *lazyPostings
}

// lazyPostings are the postings of a loaded file, read and decoded one
// dimension at a time when a search first needs it: a CLI ask searches
// once, over the few dozen dimensions of its question, and reading and
// decoding the millions of weights of 10,000 answers took half its CPU.
type lazyPostings struct {
	mu    sync.Mutex
	f     *os.File
	off   []int64 // per dimension, where its pairs start in f
	count []uint32
	sum   []uint32 // CRC-32 of each dimension's pairs
	done  []bool
	slots int
}

// dim reads dimension d into post[d] once and returns it. A dimension
// that cannot be read or fails its checksum counts as empty: its answers
// are missing from the suggestions until the next change rewrites the
// file, which is better than failing an answer over them.
func (l *lazyPostings) dim(post [][]posting, d int) []posting {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done[d] {
		return post[d]
	}
	l.done[d] = true
	n := int(l.count[d])
	if n == 0 || l.f == nil {
		return nil
	}
	b := make([]byte, 8*n)
	if _, err := l.f.ReadAt(b, l.off[d]); err != nil || crc32.ChecksumIEEE(b) != l.sum[d] {
		return nil
	}
	ps := make([]posting, 0, n)
	for i := range n {
		slot := binary.LittleEndian.Uint32(b[8*i:])
		if int(slot) >= l.slots {
			continue
		}
		ps = append(ps, posting{slot: int32(slot), w: math.Float32frombits(binary.LittleEndian.Uint32(b[8*i+4:]))})
	}
	post[d] = ps
	return ps
}

// close releases the file once every dimension is decoded.
func (l *lazyPostings) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		l.f.Close()
		l.f = nil
	}
}

var errCannedFile = errors.New("not a current canned index file")

// decodeCanned checks the file and reads its header; the postings stay
// in f until a search needs them (lazyPostings).
func decodeCanned(f *os.File, fp string) (cannedState, error) {
	var st cannedState
	info, err := f.Stat()
	if err != nil {
		return st, err
	}
	pre := make([]byte, len(cannedMagic)+4)
	if _, err := io.ReadFull(f, pre); err != nil || string(pre[:len(cannedMagic)]) != cannedMagic {
		return st, errCannedFile
	}
	hlen := int64(binary.LittleEndian.Uint32(pre[len(cannedMagic):]))
	if hlen > maxCannedHeader || int64(len(pre))+hlen+4 > info.Size() {
		return st, errCannedFile
	}
	header := make([]byte, hlen+4)
	if _, err := io.ReadFull(f, header); err != nil {
		return st, errCannedFile
	}
	if crc32.ChecksumIEEE(header[:hlen]) != binary.LittleEndian.Uint32(header[hlen:]) {
		return st, errCannedFile
	}
	r := reader{b: header[:hlen]}
	if r.str() != fp {
		return st, errCannedFile
	}
	st.storeID = r.str()
	st.seq = int64(r.u64())
	st.dims = int(r.u32())
	slots := int(r.u32())
	if r.bad || st.dims > 1<<20 || slots > len(r.b) {
		return st, errCannedFile
	}
	st.names, st.items = make([]string, slots), make([]string, slots)
	for i := range slots {
		st.names[i], st.items[i] = r.str(), r.str()
	}
	l := &lazyPostings{f: f, off: make([]int64, st.dims), count: make([]uint32, st.dims), sum: make([]uint32, st.dims),
		done: make([]bool, st.dims), slots: slots}
	at := int64(len(pre)) + hlen + 4
	for d := range st.dims {
		l.count[d], l.sum[d] = r.u32(), r.u32()
		l.off[d] = at
		at += 8 * int64(l.count[d])
	}
	if r.bad || len(r.b) != 0 || at != info.Size() {
		return st, errCannedFile
	}
	st.lazy = l
	return st, nil
}

// save writes the index through a temporary file and a rename, so that
// a reader (the CLI, while the server saves) sees the old file or the new
// one. Deleted slots are left out.
func (c *CannedIndex) save() error {
	c.saveMu.Lock()
	defer c.saveMu.Unlock()
	c.mu.RLock()
	data := c.encode()
	c.mu.RUnlock()
	dir := filepath.Dir(c.path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("save canned index: %w", err)
	}
	f, err := os.CreateTemp(dir, cannedFile+".*.tmp")
	if err != nil {
		return fmt.Errorf("save canned index: %w", err)
	}
	defer os.Remove(f.Name()) // after the rename, a no-op
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil { // CreateTemp makes 0600; readable like index.gob, for a CLI run as another user
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), c.path)
	}
	if err != nil {
		return fmt.Errorf("save canned index: %w", err)
	}
	return nil
}

// encode lays out the file (see cannedMagic); the caller holds mu and
// the index is materialized.
func (c *CannedIndex) encode() []byte {
	renum := make([]int32, len(c.names))
	var live []int
	for slot, n := range c.names {
		renum[slot] = -1
		if n != "" {
			renum[slot] = int32(len(live))
			live = append(live, slot)
		}
	}
	le := binary.LittleEndian
	var blob []byte
	counts, sums := make([]uint32, c.dims), make([]uint32, c.dims)
	for d := range c.dims {
		start := len(blob)
		for _, p := range c.post[d] {
			if r := renum[p.slot]; r >= 0 {
				blob = le.AppendUint32(blob, uint32(r))
				blob = le.AppendUint32(blob, math.Float32bits(p.w))
			}
		}
		counts[d] = uint32((len(blob) - start) / 8)
		sums[d] = crc32.ChecksumIEEE(blob[start:])
	}
	str := func(b []byte, s string) []byte { return append(le.AppendUint16(b, uint16(len(s))), s...) }
	h := str(nil, c.fp)
	h = str(h, c.storeID)
	h = le.AppendUint64(h, uint64(c.seq))
	h = le.AppendUint32(h, uint32(c.dims))
	h = le.AppendUint32(h, uint32(len(live)))
	for _, slot := range live {
		h = str(h, c.names[slot])
		h = str(h, c.items[slot])
	}
	for d := range c.dims {
		h = le.AppendUint32(h, counts[d])
		h = le.AppendUint32(h, sums[d])
	}
	out := make([]byte, 0, len(cannedMagic)+4+len(h)+4+len(blob))
	out = append(out, cannedMagic...)
	out = le.AppendUint32(out, uint32(len(h)))
	out = append(out, h...)
	out = le.AppendUint32(out, crc32.ChecksumIEEE(h))
	return append(out, blob...)
}

// reader decodes the file's fields, remembering whether it ran short.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) take(n int) []byte {
	if r.bad || n > len(r.b) {
		r.bad = true
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) u32() uint32 {
	if b := r.take(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (r *reader) u64() uint64 {
	if b := r.take(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (r *reader) str() string {
	b := r.take(2)
	if b == nil {
		return ""
	}
	return string(r.take(int(binary.LittleEndian.Uint16(b))))
}
