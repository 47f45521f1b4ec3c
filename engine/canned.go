package engine

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/selfcheck/selfcheck/retrieval"
)

// CannedAnswer is a staff-verified answer the engine may offer.
type CannedAnswer struct {
	Name string
	Item string
	Text string
	Tags []string
}

// CannedSource supplies the canned answers to offer (the canned store,
// adapted in main).
type CannedSource interface {
	CannedAnswers(ctx context.Context) ([]CannedAnswer, error)
}

// CannedRef names the canned answer an answer leads with.
type CannedRef struct {
	Name  string  `json:"name"`
	Item  string  `json:"item,omitempty"`
	Text  string  `json:"text"`
	Score float64 `json:"score"`
}

// DefaultCannedMinScore is the similarity above which a canned answer is
// offered with the local embedding. Measured on the suggestion tests:
// paraphrases of a canned answer's question scored 0.245 to 0.42 (Korean
// and English), questions on other topics 0.00 to 0.03; 0.15 leaves a
// margin on both sides.
const DefaultCannedMinScore = 0.15

// cannedSuggester keeps the canned-answer index fresh and finds matches.
type cannedSuggester struct {
	src      CannedSource
	index    *retrieval.CannedIndex
	refresh  time.Duration
	minScore float32
	log      *slog.Logger

	mu     sync.Mutex
	loaded time.Time
}

func newCannedSuggester(cfg Config, log *slog.Logger) *cannedSuggester {
	s := &cannedSuggester{src: cfg.Canned, index: cfg.Index.NewCannedIndex(), refresh: cfg.CannedRefresh, minScore: cfg.CannedMinScore, log: log}
	if s.refresh == 0 {
		s.refresh = 15 * time.Second
	}
	if s.minScore == 0 {
		s.minScore = DefaultCannedMinScore
	}
	return s
}

// RefreshCanned re-reads the canned answers now (after a change made
// through the bot), instead of at the next refresh interval.
func (e *Engine) RefreshCanned(ctx context.Context) error {
	if e.canned == nil {
		return nil
	}
	return e.canned.load(ctx)
}

func (s *cannedSuggester) load(ctx context.Context) error {
	answers, err := s.src.CannedAnswers(ctx)
	if err != nil {
		return fmt.Errorf("load canned answers: %w", err)
	}
	docs := make([]retrieval.Doc, 0, len(answers))
	for _, a := range answers {
		docs = append(docs, retrieval.Doc{
			ID: "canned:" + a.Name, Item: a.Item, Kind: retrieval.KindCanned, Ref: a.Name, Title: a.Name,
			// The name and tags are often the question in a few words
			// ("channel-count", "보안인증"), so they are indexed with the text.
			Text: strings.ReplaceAll(a.Name, "-", " ") + "\n" + strings.Join(a.Tags, " ") + "\n" + a.Text,
		})
	}
	if err := s.index.Set(ctx, docs); err != nil {
		return err
	}
	s.mu.Lock()
	s.loaded = time.Now()
	s.mu.Unlock()
	return nil
}

// match returns the canned answer closest to the question, if it is close
// enough. A store that cannot be read is logged and skipped: the answer
// goes out without a suggestion rather than not at all.
func (s *cannedSuggester) match(ctx context.Context, q string) (retrieval.Hit, bool) {
	s.mu.Lock()
	stale := time.Since(s.loaded) > s.refresh
	s.mu.Unlock()
	if stale {
		if err := s.load(ctx); err != nil {
			s.log.Warn("canned answers unavailable", "err", err)
		}
	}
	hits, err := s.index.Search(ctx, q, 1)
	if err != nil || len(hits) == 0 {
		return retrieval.Hit{}, false
	}
	return hits[0], hits[0].Score >= s.minScore
}

// offerCanned puts a closely matching canned answer first, marked as
// staff-verified, followed by the usual answer and sources.
func (e *Engine) offerCanned(ctx context.Context, q string, ans Answer, l lang) Answer {
	if e.canned == nil {
		return ans
	}
	hit, ok := e.canned.match(ctx, q)
	if !ok {
		return ans
	}
	text := hit.Text
	if _, after, found := strings.Cut(text, "\n"); found { // drop the indexed name line
		if _, body, found := strings.Cut(after, "\n"); found {
			text = body
		}
	}
	ans.Canned = &CannedRef{Name: hit.Ref, Item: hit.Item, Text: text, Score: round(float64(hit.Score))}
	label := "✅ *담당자 확인 답변*"
	if l == langEnglish {
		label = "✅ *Staff-verified answer*"
	}
	ans.Answer = fmt.Sprintf("%s (`%s`)\n%s\n\n%s", label, hit.Ref, strings.TrimSpace(text), ans.Answer)
	// The canned answer is not one of the numbered sources: a model's
	// [n] citations refer to the sources it was given, in their order.
	if !ans.Known {
		ans.Known = true
		if ans.Item == "" {
			ans.Item = hit.Item
		}
	}
	return ans
}
