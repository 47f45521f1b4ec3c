package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/selfcheck/selfcheck/canned"
	"github.com/selfcheck/selfcheck/retrieval"
)

// CannedSource supplies the canned answers to offer: *canned.Store, whose
// change type the engine and its index read as they are. The engine keeps
// the answers' embeddings, not their texts, and asks only for what changed.
type CannedSource interface {
	// Changes returns what changed after seq (0: everything).
	Changes(ctx context.Context, since int64) (canned.ChangeSet, error)
	// Get returns the answer called name, or an error matching
	// canned.ErrNotFound if it is gone.
	Get(ctx context.Context, name string) (canned.Answer, error)
}

// CannedRef names the canned answer an answer leads with.
type CannedRef struct {
	Name  string  `json:"name"`
	Item  string  `json:"item,omitempty"`
	Text  string  `json:"text"`
	Score float64 `json:"score"`
	// Why is the tag or phrase of the answer closest to the question, to
	// show the user why it was offered; "" when no word is shared.
	Why string `json:"why,omitempty"`
}

// DefaultCannedMinScore is the similarity above which a canned answer is
// offered with the local embedding. Measured on the suggestion tests:
// paraphrases of a canned answer's question scored 0.245 to 0.42 (Korean
// and English), questions on other topics 0.00 to 0.03; 0.15 leaves a
// margin on both sides.
const DefaultCannedMinScore = 0.15

// cannedSyncTimeout bounds one shared update of the canned index. It is
// not any caller's deadline: the first ask starts it, later ones wait on
// it, and a first caller giving up must not fail it for the others.
const cannedSyncTimeout = 5 * time.Minute

// cannedSuggester keeps the canned-answer index up to date and finds
// matches. Asks never update it once it has loaded: WatchCanned does, in
// the background, and RefreshCanned after a change made through the bot.
type cannedSuggester struct {
	src      CannedSource
	index    *retrieval.CannedIndex
	minScore float32
	log      *slog.Logger

	// embedding and embedded count the answers the update under way
	// embeds, for CannedStatus.
	embedding, embedded atomic.Int64

	mu       sync.Mutex
	inflight *cannedSync // the update under way, shared by every caller
	started  int         // updates started so far
	ready    bool        // an update has succeeded: asks search without waiting
	fileRead bool        // the persisted index was tried
}

// cannedSync is one update of the canned index; done closes when err is
// set.
type cannedSync struct {
	id   int
	done chan struct{}
	err  error
}

func newCannedSuggester(cfg Config, log *slog.Logger) *cannedSuggester {
	s := &cannedSuggester{src: cfg.Canned, index: cfg.Index.NewCannedIndex(), minScore: cfg.CannedMinScore, log: log}
	if s.minScore == 0 {
		s.minScore = DefaultCannedMinScore
	}
	return s
}

// RefreshCanned applies the changes to the canned answers now (after a
// change made through the bot), instead of at the next WatchCanned tick.
// It does not settle for an update already under way: that one may have
// read the store before the change.
func (e *Engine) RefreshCanned(ctx context.Context) error {
	if e.canned == nil {
		return nil
	}
	return e.canned.sync(ctx, true)
}

// WatchCanned loads the canned answers at once, then applies their
// changes every interval until ctx ends (the CLI may change them while
// the server runs). Polling costs one indexed query when nothing changed.
// Errors are logged; the suggestions stay as they were.
func (e *Engine) WatchCanned(ctx context.Context, every time.Duration) {
	if e.canned == nil {
		return
	}
	if every <= 0 {
		every = 15 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := e.canned.sync(ctx, false); err != nil && ctx.Err() == nil {
			e.log.Warn("canned answers not updated", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sync brings the index up to date with the store. Concurrent callers
// share one update (a hand-written singleflight: one key, and x/sync
// would add a module for thirty lines); each waits at most until its own
// ctx ends. With fresh, only an update started after the call will do.
func (s *cannedSuggester) sync(ctx context.Context, fresh bool) error {
	s.mu.Lock()
	after := s.started
	for {
		run := s.inflight
		if run != nil && fresh && run.id <= after {
			// Started before this call: wait for it, then start anew.
			s.mu.Unlock()
			select {
			case <-run.done:
			case <-ctx.Done():
				return ctx.Err()
			}
			s.mu.Lock()
			continue
		}
		if run == nil {
			s.started++
			run = &cannedSync{id: s.started, done: make(chan struct{})}
			s.inflight = run
			go s.update(context.WithoutCancel(ctx), run)
		}
		s.mu.Unlock()
		select {
		case <-run.done:
			return run.err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *cannedSuggester) update(ctx context.Context, run *cannedSync) {
	ctx, cancel := context.WithTimeout(ctx, cannedSyncTimeout)
	defer cancel()
	start := time.Now()
	n, err := s.applySafely(ctx)
	if err == nil {
		s.log.Debug("canned answers updated", "changed", n, "answers", s.index.Len(), "duration", time.Since(start))
	}
	s.mu.Lock()
	run.err = err
	s.inflight = nil
	s.ready = s.ready || err == nil
	s.mu.Unlock()
	close(run.done)
}

// applySafely is apply with a panic turned into the update's error, so
// that a bad answer fails one update, not the server (it runs in a
// goroutine of its own).
func (s *cannedSuggester) applySafely(ctx context.Context) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("canned answers update panicked: %v", r)
		}
	}()
	return s.apply(ctx)
}

// apply reads the changes after the index's cursor and applies them; it
// returns how many answers changed.
func (s *cannedSuggester) apply(ctx context.Context) (int, error) {
	if !s.fileRead {
		s.fileRead = true // only ever touched by the one update running
		if _, err := s.index.Load(); err != nil {
			s.log.Warn("persisted canned index unreadable, rebuilding", "err", err)
		}
	}
	id, seq := s.index.Cursor()
	ch, err := s.src.Changes(ctx, seq)
	if err == nil && id != "" && ch.StoreID != id && !ch.Full {
		// Another store (a restored backup of another file): its counter
		// says nothing about what the index holds.
		ch, err = s.src.Changes(ctx, 0)
	}
	if err != nil {
		return 0, fmt.Errorf("load canned answers: %w", err)
	}
	progress := s.progress(len(ch.Changed))
	defer s.embedding.Store(0)
	err = s.index.Apply(ctx, ch, progress)
	if errors.Is(err, retrieval.ErrCannedNotSaved) {
		// Suggestions work from memory; only the next start is slower.
		s.log.Warn("canned answers' embeddings not persisted", "answers", s.index.Len(), "err", err)
		err = nil
	}
	if err != nil {
		return 0, fmt.Errorf("index canned answers: %w", err)
	}
	return len(ch.Changed) + len(ch.Deleted), nil
}

// cannedRebuildAt is how many answers to embed at once make an update a
// rebuild worth a line in the log: a start that finds canned.vec missing
// or far behind the store (canned import and add keep it current).
const cannedRebuildAt = 200

// cannedProgressEvery is how often a rebuild logs its progress.
const cannedProgressEvery = 2 * time.Second

// progress counts the answers an update embeds and, for a rebuild, logs
// its start, its progress and its end.
func (s *cannedSuggester) progress(n int) func(done int) {
	s.embedded.Store(0)
	s.embedding.Store(int64(n))
	if n < cannedRebuildAt {
		return func(done int) { s.embedded.Store(int64(done)) }
	}
	start := time.Now()
	last := start
	s.log.Info("canned answers' index: embedding answers missing from canned.vec; not ready until done", "answers", n)
	return func(done int) {
		s.embedded.Store(int64(done))
		switch {
		case done == n:
			s.log.Info("canned answers' index: embedded", "answers", n, "duration", time.Since(start).Round(time.Millisecond))
		case time.Since(last) >= cannedProgressEvery:
			last = time.Now()
			s.log.Info("canned answers' index: embedding", "done", done, "of", n)
		}
	}
}

// CannedStatus is the state of the canned answers' index, for readiness.
type CannedStatus struct {
	// Ready is set once the index has loaded; with no canned answers
	// configured there is nothing to wait for.
	Ready bool
	// Answers is how many answers are indexed.
	Answers int
	// Embedding and Embedded count the answers of the update under way,
	// when it embeds any.
	Embedding, Embedded int
}

// CannedStatus reports whether asks can be offered canned answers
// without waiting for the index.
func (e *Engine) CannedStatus() CannedStatus {
	if e.canned == nil {
		return CannedStatus{Ready: true}
	}
	s := e.canned
	s.mu.Lock()
	ready := s.ready
	s.mu.Unlock()
	return CannedStatus{Ready: ready, Answers: s.index.Len(),
		Embedding: int(s.embedding.Load()), Embedded: int(s.embedded.Load())}
}

// match returns the canned answer closest to the question, if it is close
// enough. Before the first load has finished, an ask waits for it (shared
// with every other ask); after that it only searches. A store that cannot
// be read is logged and skipped: the answer goes out without a suggestion
// rather than not at all.
func (s *cannedSuggester) match(ctx context.Context, q string) (CannedRef, bool) {
	s.mu.Lock()
	ready := s.ready
	s.mu.Unlock()
	if !ready {
		s.log.Info("ask waits for the canned answers' index")
		if err := s.sync(ctx, false); err != nil {
			s.log.Warn("canned answers unavailable", "err", err)
			return CannedRef{}, false
		}
	}
	hits, err := s.index.Search(ctx, q, 1)
	if err != nil || len(hits) == 0 || hits[0].Score < s.minScore {
		return CannedRef{}, false
	}
	a, err := s.src.Get(ctx, hits[0].Ref)
	if errors.Is(err, canned.ErrNotFound) { // deleted since the last update
		return CannedRef{}, false
	}
	if err != nil {
		s.log.Warn("canned answer unavailable", "name", hits[0].Ref, "err", err)
		return CannedRef{}, false
	}
	return CannedRef{Name: a.Name, Item: a.Item, Text: a.Text, Score: round(float64(hits[0].Score)), Why: cannedWhy(q, a)}, true
}

// offerCanned puts a closely matching canned answer first, marked as
// staff-verified, followed by the usual answer and sources.
func (e *Engine) offerCanned(ctx context.Context, q string, ans Answer, l lang) Answer {
	if e.canned == nil {
		return ans
	}
	ref, ok := e.canned.match(ctx, q)
	if !ok {
		return ans
	}
	ans.Canned = &ref
	canned := Part{Kind: PartCanned, Label: e.label("staff_verified", l), Source: ref.Name, Text: strings.TrimSpace(ref.Text)}
	ans.Parts = append([]Part{canned}, ans.Parts...)
	// The canned answer is not one of the numbered sources: a model's
	// [n] citations refer to the sources it was given, in their order.
	if !ans.Known {
		ans.Known = true
		if ans.Item == "" {
			ans.Item = ref.Item
		}
	}
	return ans
}
