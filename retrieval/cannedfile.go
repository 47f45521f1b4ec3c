package retrieval

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
)

// cannedFile holds the canned-answer index beside the knowledge index.
const cannedFile = "canned.vec"

// cannedMagic starts the file; the digit is the format version.
const cannedMagic = "selfcheck-canned-1\n"

// The file is little-endian binary, not gob or JSON: at 10,000 answers it
// holds millions of weights, and decoding them one reflected value at a
// time would take most of a CLI ask's budget. Layout:
//
//	magic, fingerprint, store id (uint16 length + bytes), seq (int64),
//	dims, slots (uint32), per slot name and item (uint16 length + bytes),
//	per dimension a count (uint32) and that many (slot uint32, weight
//	float32), then the CRC-32 of everything before it.
//
// A file from other knowledge, another embedding or a torn write is
// ignored: the index is rebuilt from the store, which is the truth.

// Load reads the persisted index if it was built under the same
// knowledge and embedding. It reports whether it did; a missing, stale or
// damaged file is not an error (the caller applies the store from
// scratch), only an unreadable one is.
func (c *CannedIndex) Load() (bool, error) {
	if c.path == "" {
		return false, nil
	}
	raw, err := os.ReadFile(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read canned index: %w", err)
	}
	st, err := decodeCanned(raw, c.fp)
	if err != nil {
		return false, nil //nolint:nilerr // stale or damaged: rebuilt from the store
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.storeID, c.seq, c.names, c.items, c.post, c.dims = st.storeID, st.seq, st.names, st.items, st.post, st.dims
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
	post         [][]posting
	dims         int
}

var errCannedFile = errors.New("not a current canned index file")

func decodeCanned(raw []byte, fp string) (cannedState, error) {
	var st cannedState
	if len(raw) < len(cannedMagic)+4 || string(raw[:len(cannedMagic)]) != cannedMagic {
		return st, errCannedFile
	}
	body, sum := raw[:len(raw)-4], binary.LittleEndian.Uint32(raw[len(raw)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return st, errCannedFile
	}
	r := reader{b: body[len(cannedMagic):]}
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
	st.post = make([][]posting, st.dims)
	for d := range st.dims {
		n := int(r.u32())
		if r.bad || n > len(r.b)/8 {
			return st, errCannedFile
		}
		if n == 0 {
			continue
		}
		ps := make([]posting, n)
		for i := range ps {
			slot := r.u32()
			if int(slot) >= slots {
				return st, errCannedFile
			}
			ps[i] = posting{slot: int32(slot), w: math.Float32frombits(r.u32())}
		}
		st.post[d] = ps
	}
	if r.bad || len(r.b) != 0 {
		return st, errCannedFile
	}
	return st, nil
}

// save writes the index through a temporary file and a rename, so that
// a reader (the CLI, while the server saves) sees the old file or the new
// one. Deleted slots are left out.
func (c *CannedIndex) save() error {
	c.saveMu.Lock()
	defer c.saveMu.Unlock()
	dir := filepath.Dir(c.path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("save canned index: %w", err)
	}
	f, err := os.CreateTemp(dir, cannedFile+".*.tmp")
	if err != nil {
		return fmt.Errorf("save canned index: %w", err)
	}
	defer os.Remove(f.Name()) // after the rename, a no-op
	h := crc32.NewIEEE()
	bw := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<16)
	c.mu.RLock()
	err = c.encode(bw)
	c.mu.RUnlock()
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = binary.Write(f, binary.LittleEndian, h.Sum32())
	}
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

func (c *CannedIndex) encode(w *bufio.Writer) error {
	renum := make([]int32, len(c.names))
	var live []int
	for slot, n := range c.names {
		renum[slot] = -1
		if n != "" {
			renum[slot] = int32(len(live))
			live = append(live, slot)
		}
	}
	var buf [8]byte
	u32 := func(v uint32) { binary.LittleEndian.PutUint32(buf[:4], v); w.Write(buf[:4]) }
	str := func(s string) {
		binary.LittleEndian.PutUint16(buf[:2], uint16(len(s)))
		w.Write(buf[:2])
		w.WriteString(s)
	}
	w.WriteString(cannedMagic)
	str(c.fp)
	str(c.storeID)
	binary.LittleEndian.PutUint64(buf[:], uint64(c.seq))
	w.Write(buf[:])
	u32(uint32(c.dims))
	u32(uint32(len(live)))
	for _, slot := range live {
		str(c.names[slot])
		str(c.items[slot])
	}
	for d := range c.dims {
		var n uint32
		for _, p := range c.post[d] {
			if renum[p.slot] >= 0 {
				n++
			}
		}
		u32(n)
		for _, p := range c.post[d] {
			if r := renum[p.slot]; r >= 0 {
				u32(uint32(r))
				u32(math.Float32bits(p.w))
			}
		}
	}
	return nil
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
