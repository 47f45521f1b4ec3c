package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/retrieval"
	"github.com/selfcheck/selfcheck/usererr"
)

// Config wires an engine.
type Config struct {
	Knowledge *knowledge.Checklist
	// Index may be nil for an engine that only reviews (the CLI's review
	// does not need to load or build it).
	Index  *retrieval.Index
	Logger *slog.Logger
	// Canned, when set, supplies staff-verified answers that are offered
	// first when a question matches one closely.
	Canned CannedSource
	// CannedMinScore is the similarity above which a canned answer is
	// offered. Zero means DefaultCannedMinScore.
	CannedMinScore float32
	// MinScore is the retrieval similarity below which a question is
	// considered unrelated to the checklist. Zero means DefaultMinScore.
	MinScore float32
	// Model, when set, writes answers from the retrieved sources and adds
	// its findings to reviews (checked against the draft). Nil, or a nil
	// *prompts.Client, means the engine runs offline.
	Model Model
	// Stats, when set, counts questions, reviews and feedback for support
	// staff; nil means statistics are off.
	Stats StatsRecorder
}

// DefaultMinScore separates questions about the checklist from everything
// else for the local embedding; measured on the routing tests (unrelated
// questions score below 0.07, related ones above 0.08).
const DefaultMinScore = 0.075

// Engine answers questions and reviews drafts. It is safe for concurrent
// use.
type Engine struct {
	kb       *knowledge.Checklist
	index    *retrieval.Index
	log      *slog.Logger
	minScore float32
	model    Model // nil when off
	canned   *cannedSuggester
	stats    StatsRecorder // nil when off
}

// New returns an engine.
func New(cfg Config) (*Engine, error) {
	if cfg.Knowledge == nil {
		return nil, errors.New("engine needs knowledge")
	}
	e := &Engine{kb: cfg.Knowledge, index: cfg.Index, log: cfg.Logger, minScore: cfg.MinScore, stats: cfg.Stats}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.minScore == 0 {
		e.minScore = DefaultMinScore
	}
	if !modelOff(cfg.Model) {
		e.model = cfg.Model
	}
	if cfg.Canned != nil && cfg.Index != nil {
		e.canned = newCannedSuggester(cfg, e.log)
	}
	return e, nil
}

// Items lists the items the engine has guidance for.
func (e *Engine) Items() []knowledge.ItemInfo { return e.kb.Infos() }

// MaxQuestionBytes bounds a question; longer text is a draft, not a
// question.
const MaxQuestionBytes = 4000

// Ask answers a question: a question naming an item goes straight to it,
// any other is routed by retrieval. Questions about items the knowledge
// base lacks get "no guidance yet", never an invented answer.
func (e *Engine) Ask(ctx context.Context, question string) (Answer, error) {
	ans, err := e.ask(ctx, question)
	if err != nil {
		return Answer{}, err
	}
	e.recordAsk(ctx, question, ans)
	return ans, nil
}

func (e *Engine) ask(ctx context.Context, question string) (Answer, error) {
	start := time.Now()
	q := strings.TrimSpace(knowledge.Normalize(question))
	if q == "" {
		return Answer{}, usererr.New(usererr.EmptyQuestion, "질문이 비어 있습니다. 예: \"1.3에는 무엇이 포함되어야 하나요?\"", "empty question; for example: \"What must 1.3 include?\"")
	}
	if len(q) > MaxQuestionBytes {
		return Answer{}, usererr.New(usererr.LongQuestion,
			fmt.Sprintf("질문이 너무 깁니다(%d자). 질문은 한글 약 %d자(%d바이트)까지이니 짧게 줄여 주세요. 초안을 점검하려면 질문 대신 항목 번호와 함께 검토를 요청하세요.", utf8.RuneCountInString(q), MaxQuestionBytes/3, MaxQuestionBytes),
			fmt.Sprintf("question too long (%d bytes, limit %d): shorten it, or send a draft for review with its item number instead", len(q), MaxQuestionBytes))
	}
	lang := languageOf(q)
	named := knowledge.FindItemRef(q)
	ref := named
	hints := e.kb.Route(q)
	if ref == "" {
		// "정보통신망법 48조의3" names an item through its legal basis.
		ref = hints.LegalItem
	}
	if ref != "" && ref != "I" {
		if _, ok := e.kb.Item(ref); !ok {
			e.log.Debug("ask", "item", ref, "known", false, "bytes", len(q), "duration", time.Since(start))
			return e.noGuidance(ref, lang).finished(lang), nil
		}
	}

	if it, ok := e.kb.Item(named); ok && !e.isOverviewQuestion(q) && e.kb.Uses("examples_request", knowledge.Redact(q)) {
		// "1.3 작성 예시 보여줘": the item's examples, as in a thread
		// (an address at example.com asks for none).
		return e.examplesAnswer(it, "", lang), nil
	}
	query := q
	if it, ok := e.kb.Item(ref); ok {
		// A named item's title steers retrieval to its own documents even
		// when the rest of the question says little ("3.1은요?").
		query = q + "\n" + it.ID + " " + it.Title
	}
	hits, err := e.search(ctx, query, 12)
	if err != nil {
		return Answer{}, fmt.Errorf("ask: %w", err)
	}
	item, topic := route(hits, ref, e.minScore, hints)
	var ans Answer
	switch {
	case topic == topicNone:
		ans = e.noMatch(lang)
	case topic == topicAbout:
		ans = e.aboutAnswer(hits, lang)
	case item == "I":
		ans = e.classificationAnswer(hits, lang)
	default:
		it, _ := e.kb.Item(item)
		ans = e.itemAnswer(it, q, hits, named != "" && e.isOverviewQuestion(q), lang)
	}
	ans.Sources = sources(hits, ans.Item, topic)
	leadWith(ans.Sources, ans.Element)
	e.nameKinds(ans.Sources, lang)
	if ans, err = e.answerWithModel(ctx, q, ans, lang); err != nil {
		return Answer{}, fmt.Errorf("ask: %w", err)
	}
	ans = e.offerCanned(ctx, q, ans, lang)
	e.log.Debug("ask", "item", ans.Item, "known", ans.Known, "llm", ans.LLM, "bytes", len(q), "duration", time.Since(start))
	return ans.finished(lang), nil
}

// Guide answers "what must ITEM include?": every required element, the
// evidence documents and the rules. Unknown items give an
// *knowledge.UnknownItemError.
func (e *Engine) Guide(ctx context.Context, itemID string) (Answer, error) {
	if strings.TrimSpace(itemID) == "I" {
		hits, err := e.search(ctx, "디지털서비스 해당여부 서비스 유형 분류", 8)
		if err != nil {
			return Answer{}, fmt.Errorf("guide I: %w", err)
		}
		a := e.classificationAnswer(hits, langKorean)
		a.Sources = sources(hits, "I", topicItem)
		e.nameKinds(a.Sources, langKorean)
		return a.finished(langKorean), nil
	}
	it, ok := e.kb.Item(itemID)
	if !ok {
		return Answer{}, e.kb.UnknownItem(itemID)
	}
	hits, err := e.search(ctx, it.ID+" "+it.Title, 12)
	if err != nil {
		return Answer{}, fmt.Errorf("guide %s: %w", it.ID, err)
	}
	a := e.itemAnswer(it, "", hits, true, langKorean)
	a.Sources = sources(hits, it.ID, topicItem)
	e.nameKinds(a.Sources, langKorean)
	return a.finished(langKorean), nil
}

// Review checks a draft against an item, element by element.
func (e *Engine) Review(ctx context.Context, itemID, draft string) (knowledge.Report, error) {
	return e.ReviewWith(ctx, itemID, draft, knowledge.ReviewOptions{})
}

// ReviewWith is Review with options (the kind of service). With a model,
// the deterministic review comes first and stays authoritative; the
// model's findings are merged with knowledge.MergeModel, and a failing
// model leaves the deterministic report with a notice.
func (e *Engine) ReviewWith(ctx context.Context, itemID, draft string, opts knowledge.ReviewOptions) (knowledge.Report, error) {
	start := time.Now()
	if err := ctx.Err(); err != nil {
		return knowledge.Report{}, err
	}
	if _, ok := e.kb.Item(itemID); !ok {
		return knowledge.Report{}, e.kb.UnknownItem(itemID)
	}
	// The draft is prepared once; the review and the model's part read it.
	dr, err := e.kb.PrepareDraft(draft)
	if err != nil {
		return knowledge.Report{}, err
	}
	return e.reviewDraft(ctx, start, itemID, dr, opts)
}

// reviewDraft reviews a prepared draft, with the model when it is on.
func (e *Engine) reviewDraft(ctx context.Context, start time.Time, itemID string, dr *knowledge.Draft, opts knowledge.ReviewOptions) (knowledge.Report, error) {
	rep, err := e.kb.ReviewDraft(itemID, dr, opts)
	if err != nil {
		return knowledge.Report{}, err
	}
	if e.model != nil {
		if rep, err = e.reviewWithModel(ctx, dr, rep); err != nil {
			return knowledge.Report{}, fmt.Errorf("review %s: %w", rep.Item, err)
		}
	}
	if rep.Notices == nil {
		rep.Notices = []string{} // review --json always has the list
	}
	e.recordReview(ctx, rep)
	e.log.Debug("review", "item", rep.Item, "bytes", len(dr.Text()), "present", rep.Summary.Present,
		"partial", rep.Summary.Partial, "missing", rep.Summary.Missing, "llm", rep.LLM, "duration", time.Since(start))
	return rep, nil
}

var errNoIndex = errors.New("engine has no index")

func (e *Engine) search(ctx context.Context, q string, n int) ([]retrieval.Hit, error) {
	if e.index == nil {
		return nil, errNoIndex
	}
	return e.index.Search(ctx, q, n)
}

type topic int

const (
	topicNone topic = iota
	topicItem
	topicAbout
)

// kindWeight says how much a document of each kind counts when routing:
// examples talk about many things at once and count less.
var kindWeight = map[string]float32{
	retrieval.KindElement: 1, retrieval.KindGuidance: 1, retrieval.KindRule: 0.85,
	retrieval.KindEvidence: 0.9, retrieval.KindExample: 0.7, retrieval.KindClassification: 1,
	// Facts about the procedure mention service types and items in
	// passing; the checklist's own entries win a close call.
	retrieval.KindAbout: 0.85, retrieval.KindUsage: 1, retrieval.KindCanned: 0,
}

// conceptWeight is what one concept of an item that a question uses
// adds to the item's retrieval score: about what a well-matching document
// scores, so that two concepts outweigh a keyword of another item.
const conceptWeight = 0.12

// route picks the item a question is about: the named one, else the item
// whose best two documents score highest together, with the concepts the
// question uses (hints) added to each item's score.
func route(hits []retrieval.Hit, ref string, minScore float32, hints knowledge.RouteHints) (string, topic) {
	if ref != "" {
		return ref, topicItem
	}
	related := len(hits) > 0 && hits[0].Score >= minScore
	if _, s := hints.Best(); !related && s < 1 {
		return "", topicNone
	}
	type agg struct {
		best, second float32
	}
	scores := map[string]*agg{}
	for _, h := range hits {
		key := h.Item
		if h.Kind == retrieval.KindAbout || h.Kind == retrieval.KindUsage {
			key = "" // the review in general
		}
		s := h.Score * kindWeight[h.Kind]
		a := scores[key]
		if a == nil {
			a = &agg{}
			scores[key] = a
		}
		switch {
		case s > a.best:
			a.best, a.second = s, a.best
		case s > a.second:
			a.second = s
		}
	}
	for k := range hints.Scores {
		if scores[k] == nil {
			scores[k] = &agg{}
		}
	}
	keys := make([]string, 0, len(scores))
	for k := range scores {
		keys = append(keys, k)
	}
	slices.Sort(keys) // deterministic ties
	bestKey, bestScore := "", float32(-1)
	for _, k := range keys {
		s := scores[k].best + 0.5*scores[k].second + conceptWeight*float32(hints.Scores[k])
		if s > bestScore {
			bestKey, bestScore = k, s
		}
	}
	if bestKey == "" {
		return "", topicAbout
	}
	return bestKey, topicItem
}
