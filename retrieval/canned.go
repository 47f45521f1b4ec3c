package retrieval

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/philippgille/chromem-go"

	"github.com/selfcheck/selfcheck/canned"
)

// CannedIndex finds the staff-verified canned answers closest to a
// question. It is built for many answers (10,000 and more) that change a
// few at a time:
//
//   - vectors are kept as an inverted index (for each dimension, the
//     answers with a non-zero weight there), so a search touches only the
//     dimensions the question has: the local embedding of a question has
//     a few dozen, of an answer a few hundred out of LocalDims, and a
//     dense copy of every vector would take 16 KB per answer;
//   - the texts are not kept: a hit names the answer, and the caller reads
//     its text from the store, so memory does not grow with answer length;
//   - Apply takes only what changed since a cursor of the store, and the
//     index with its cursor persists next to the knowledge index, so a new
//     process embeds nothing that has not changed.
//
// It is safe for concurrent use.
type CannedIndex struct {
	embed chromem.EmbeddingFunc
	path  string // "" keeps it in memory only
	fp    string // the knowledge index's fingerprint: vectors are only comparable under the same one

	mu      sync.RWMutex
	storeID string
	seq     int64
	names   []string // by slot; "" marks a deleted slot
	items   []string
	byName  map[string]int32
	live    int
	post    [][]posting // by dimension
	dims    int
	// lazy, while set, holds the postings of the loaded file not decoded
	// yet: post[d] is valid only once lazy.dim decoded it. Any change
	// decodes the rest first (materialize).
	lazy *lazyPostings

	saveMu sync.Mutex
}

// posting is one answer's weight in one dimension.
type posting struct {
	slot int32
	w    float32
}

// embeddedText is what is embedded for an answer: its name and tags,
// often the question in a few words ("channel-count", "보안인증"), with
// its text.
func embeddedText(a canned.Answer) string {
	return strings.ReplaceAll(a.Name, "-", " ") + "\n" + strings.Join(a.Tags, " ") + "\n" + a.Text
}

// progressEvery is how many embedded answers pass between Progress calls.
const progressEvery = 250

// NewCannedIndex returns the canned-answer index that embeds with the
// knowledge index's embedding. With a data directory it starts from what
// was persisted there by any process under the same knowledge and
// embedding (see Load); otherwise it starts empty.
func (ix *Index) NewCannedIndex() *CannedIndex {
	c := &CannedIndex{embed: ix.embed, fp: ix.fp, byName: map[string]int32{}}
	if ix.dir != "" {
		c.path = ix.dir + "/" + cannedFile
	}
	return c
}

// Cursor is the store and change counter the index is up to date with;
// "" and 0 before anything was applied.
func (c *CannedIndex) Cursor() (storeID string, seq int64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.storeID, c.seq
}

// Len is the number of answers indexed.
func (c *CannedIndex) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.live
}

// Reset forgets every answer and the cursor (the store was replaced).
func (c *CannedIndex) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reset()
}

func (c *CannedIndex) reset() {
	c.storeID, c.seq = "", 0
	c.names, c.items, c.byName, c.live = nil, nil, map[string]int32{}, 0
	if c.lazy != nil {
		c.lazy.close()
	}
	c.post, c.dims, c.lazy = nil, 0, nil
}

// Apply embeds the changed answers, removes the deleted ones, moves the
// cursor to ch's and, when something changed, persists the index. ch is
// what canned.Store.Changes returned after the index's Cursor; with
// ch.Full whatever the index holds is replaced. progress, when set, is told
// how many of ch.Changed are embedded so far, every progressEvery of them
// and at the end (from several goroutines, one call at a time). Embedding
// runs outside the lock: searches go on with the previous answers
// meanwhile.
func (c *CannedIndex) Apply(ctx context.Context, ch canned.ChangeSet, progress func(done int)) error {
	vecs, err := c.embedAll(ctx, ch.Changed, progress)
	if err != nil {
		return err
	}
	c.mu.Lock()
	if ch.Full || (ch.StoreID != c.storeID && c.storeID != "") {
		c.reset()
	}
	changed := len(ch.Changed)+len(ch.Deleted) > 0 || ch.StoreID != c.storeID || ch.Seq != c.seq
	if changed {
		c.materialize()
	}
	for _, name := range ch.Deleted {
		c.remove(name)
	}
	for i, e := range ch.Changed {
		if err := c.add(e, vecs[i]); err != nil {
			c.mu.Unlock()
			return err
		}
	}
	c.storeID, c.seq = ch.StoreID, ch.Seq
	if dead := len(c.names) - c.live; dead > 64 && dead > c.live/4 {
		c.compact()
	}
	c.mu.Unlock()
	if changed && c.path != "" {
		if err := c.save(); err != nil {
			return fmt.Errorf("%w: %w", ErrCannedNotSaved, err)
		}
	}
	return nil
}

// ErrCannedNotSaved is matched by an Apply error when the answers were
// applied in memory but could not be persisted (a read-only DATA_DIR):
// searches work, the next process embeds them again.
var ErrCannedNotSaved = errors.New("canned index applied but not saved")

// embedSafely embeds one answer's text with a panic turned into an error:
// it runs on a worker goroutine, and staff write the text.
func (c *CannedIndex) embedSafely(ctx context.Context, text string) (v []float32, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("embedding panicked: %v", r)
		}
	}()
	return c.embed(ctx, text)
}

// embedAll embeds the entries on every core: a first load of thousands
// of answers is bound by the embedding.
func (c *CannedIndex) embedAll(ctx context.Context, entries []canned.Answer, progress func(int)) ([]sparse, error) {
	out := make([]sparse, len(entries))
	errs := make([]error, len(entries))
	var pmu sync.Mutex
	done := 0
	tick := func() {
		if progress == nil {
			return
		}
		pmu.Lock()
		defer pmu.Unlock()
		done++
		if done%progressEvery == 0 || done == len(entries) {
			progress(done)
		}
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), max(1, len(entries))) {
		wg.Go(func() {
			for i := range next {
				if errs[i] = ctx.Err(); errs[i] != nil {
					continue
				}
				v, err := c.embedSafely(ctx, embeddedText(entries[i]))
				if err != nil {
					errs[i] = fmt.Errorf("embed canned answer %s: %w", entries[i].Name, err)
					continue
				}
				out[i] = sparsify(v)
				tick()
			}
		})
	}
	for i := range entries {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// sparse is a vector as its non-zero weights: what an answer's embedding
// costs while waiting to be indexed (a dense local vector is 16 KB).
type sparse struct {
	dims int
	idx  []int32
	w    []float32
}

func sparsify(v []float32) sparse {
	v = unit(v)
	s := sparse{dims: len(v)}
	for d, w := range v {
		if w != 0 {
			s.idx, s.w = append(s.idx, int32(d)), append(s.w, w)
		}
	}
	return s
}

func (c *CannedIndex) remove(name string) {
	slot, ok := c.byName[name]
	if !ok {
		return
	}
	// The slot's postings stay until the next compaction; a deleted slot
	// scores but is never returned.
	delete(c.byName, name)
	c.names[slot], c.items[slot] = "", ""
	c.live--
}

func (c *CannedIndex) add(e canned.Answer, v sparse) error {
	c.remove(e.Name)
	if c.post == nil {
		c.dims, c.post = v.dims, make([][]posting, v.dims)
	}
	if v.dims != c.dims {
		return fmt.Errorf("embed canned answer %s: %d dimensions, the index has %d", e.Name, v.dims, c.dims)
	}
	slot := int32(len(c.names))
	c.names, c.items = append(c.names, e.Name), append(c.items, e.Item)
	c.byName[e.Name] = slot
	c.live++
	for i, d := range v.idx {
		c.post[d] = append(c.post[d], posting{slot: slot, w: v.w[i]})
	}
	return nil
}

// materialize decodes what a loaded file still holds, before a change;
// the caller holds mu for writing.
func (c *CannedIndex) materialize() {
	if c.lazy == nil {
		return
	}
	for d := range c.dims {
		c.lazy.dim(c.post, d)
	}
	c.lazy.close()
	c.lazy = nil
}

// postings returns dimension d's postings, decoding them on first use;
// the caller holds mu.
func (c *CannedIndex) postings(d int) []posting {
	if c.lazy == nil {
		return c.post[d]
	}
	return c.lazy.dim(c.post, d)
}

// compact drops deleted slots and renumbers the others.
func (c *CannedIndex) compact() {
	renum := make([]int32, len(c.names))
	names, items := make([]string, 0, c.live), make([]string, 0, c.live)
	for slot, name := range c.names {
		renum[slot] = -1
		if name != "" {
			renum[slot] = int32(len(names))
			names, items = append(names, name), append(items, c.items[slot])
			c.byName[name] = renum[slot]
		}
	}
	for d, ps := range c.post {
		kept := ps[:0]
		for _, p := range ps {
			if r := renum[p.slot]; r >= 0 {
				kept = append(kept, posting{slot: r, w: p.w})
			}
		}
		c.post[d] = slices.Clip(kept)
	}
	c.names, c.items = names, items
}

// scorePool recycles the per-search score arrays (one float per answer).
var scorePool = sync.Pool{New: func() any { return new([]float32) }}

// Search returns up to n canned answers closest to the query, best first,
// with their name (Ref) and item; their text is the caller's to fetch.
func (c *CannedIndex) Search(ctx context.Context, query string, n int) ([]Hit, error) {
	c.mu.RLock()
	empty := c.live == 0
	c.mu.RUnlock()
	if empty || n <= 0 {
		return nil, nil
	}
	q, err := c.embed(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("search canned answers: %w", err)
	}
	q = unit(q)

	c.mu.RLock()
	defer c.mu.RUnlock()
	if len(q) != c.dims {
		return nil, fmt.Errorf("search canned answers: query has %d dimensions, the index %d", len(q), c.dims)
	}
	sp := scorePool.Get().(*[]float32)
	defer scorePool.Put(sp)
	scores := slices.Grow((*sp)[:0], len(c.names))[:len(c.names)]
	clear(scores)
	*sp = scores
	for d, qw := range q {
		if qw == 0 {
			continue
		}
		for _, p := range c.postings(d) {
			scores[p.slot] += qw * p.w
		}
	}
	type cand struct {
		slot  int32
		score float32
	}
	var top []cand // n is small: keep it sorted by insertion
	for slot, s := range scores {
		if c.names[slot] == "" || (len(top) == n && s <= top[n-1].score) {
			continue
		}
		// after the equal scores: the earlier slot wins a tie
		i, _ := slices.BinarySearchFunc(top, s, func(a cand, s float32) int {
			if a.score >= s {
				return -1
			}
			return 1
		})
		top = slices.Insert(top, i, cand{int32(slot), s})
		if len(top) > n {
			top = top[:n]
		}
	}
	hits := make([]Hit, len(top))
	for i, t := range top {
		name := c.names[t.slot]
		hits[i] = Hit{Doc: Doc{ID: "canned:" + name, Item: c.items[t.slot], Kind: KindCanned, Ref: name, Title: name}, Score: t.score}
	}
	return hits, nil
}
