package retrieval

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"

	"github.com/philippgille/chromem-go"
)

// CannedIndex is a chromem-go collection of staff-verified canned answers,
// next to the knowledge index and embedded the same way. It is rebuilt in
// memory whenever the set of answers changes; embeddings of unchanged
// answers are reused, so a remote embedding API is not asked twice for
// the same text. It is safe for concurrent use.
type CannedIndex struct {
	embed chromem.EmbeddingFunc

	mu    sync.RWMutex
	coll  *chromem.Collection
	docs  map[string]Doc
	stamp [32]byte
	cache map[[32]byte][]float32
}

// NewCannedIndex returns an empty canned-answer index that embeds with the
// knowledge index's embedding.
func (ix *Index) NewCannedIndex() *CannedIndex {
	return &CannedIndex{embed: ix.embed, cache: map[[32]byte][]float32{}}
}

// Set replaces the indexed answers. It does nothing when they are the
// same as last time.
func (c *CannedIndex) Set(ctx context.Context, docs []Doc) error {
	h := sha256.New()
	for _, d := range docs {
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00", d.ID, d.Item, d.Text)
	}
	var stamp [32]byte
	copy(stamp[:], h.Sum(nil))
	c.mu.RLock()
	same := c.coll != nil && stamp == c.stamp
	c.mu.RUnlock()
	if same {
		return nil
	}

	coll, err := chromem.NewDB().CreateCollection("canned", nil, c.embed)
	if err != nil {
		return fmt.Errorf("create canned collection: %w", err)
	}
	byID := make(map[string]Doc, len(docs))
	cache := make(map[[32]byte][]float32, len(docs))
	cdocs := make([]chromem.Document, 0, len(docs))
	for _, d := range docs {
		key := sha256.Sum256([]byte(d.Text))
		c.mu.RLock()
		v, ok := c.cache[key]
		c.mu.RUnlock()
		if !ok {
			if v, err = c.embed(ctx, d.Text); err != nil {
				return fmt.Errorf("embed canned answer %s: %w", d.ID, err)
			}
		}
		cache[key] = v
		byID[d.ID] = d
		cdocs = append(cdocs, chromem.Document{ID: d.ID, Content: d.Text, Embedding: v})
	}
	if len(cdocs) > 0 {
		if err := coll.AddDocuments(ctx, cdocs, 1); err != nil {
			return fmt.Errorf("index canned answers: %w", err)
		}
	}
	c.mu.Lock()
	c.coll, c.docs, c.stamp, c.cache = coll, byID, stamp, cache
	c.mu.Unlock()
	return nil
}

// Search returns up to n canned answers closest to the query, best first.
func (c *CannedIndex) Search(ctx context.Context, query string, n int) ([]Hit, error) {
	c.mu.RLock()
	coll, docs := c.coll, c.docs
	c.mu.RUnlock()
	if coll == nil || coll.Count() == 0 {
		return nil, nil
	}
	res, err := coll.Query(ctx, query, min(n, coll.Count()), nil, nil)
	if err != nil {
		return nil, fmt.Errorf("search canned answers: %w", err)
	}
	hits := make([]Hit, 0, len(res))
	for _, r := range res {
		if d, ok := docs[r.ID]; ok {
			hits = append(hits, Hit{Doc: d, Score: r.Similarity})
		}
	}
	return hits, nil
}
