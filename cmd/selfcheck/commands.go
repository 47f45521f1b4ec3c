package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/prompts"
	"github.com/selfcheck/selfcheck/retrieval"
)

// newFlagSet returns a flag set whose errors come back as usage errors
// instead of exiting.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseArgs parses flags that may come before, between or after the
// positional arguments ("review 1.2 --json draft.txt"); after "--"
// everything is positional, even what looks like a flag. Errors are the
// flag package's, flag.ErrHelp included.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// parseFlags is parseArgs with errors as usage errors.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	pos, err := parseArgs(fs, args)
	if err != nil {
		return nil, usageErr(fmt.Sprintf("%s: 잘못된 옵션입니다(%v). selfcheck %s --help로 사용법을 확인하세요.", fs.Name(), err, fs.Name()),
			fmt.Sprintf("%s: %v; see selfcheck %s --help", fs.Name(), err, fs.Name()))
	}
	return pos, nil
}

func indexConfig(cfg config, log *slog.Logger) retrieval.Config {
	return retrieval.Config{
		Dir:           filepath.Join(cfg.DataDir, "index"),
		Embeddings:    cfg.Embeddings,
		OpenAIBaseURL: cfg.OpenAIBaseURL,
		OpenAIKey:     cfg.OpenAIKey,
		OpenAIModel:   cfg.OpenAIEmbeddingModel,
		Logger:        log,
	}
}

// newEngine loads the knowledge and, when withIndex, the search index,
// and connects the model when one is configured; canned, when not nil,
// supplies staff-verified answers to offer, and rec, when not nil, counts
// questions and reviews.
func newEngine(ctx context.Context, cfg config, log *slog.Logger, withIndex bool, canned engine.CannedSource, rec engine.StatsRecorder) (*engine.Engine, *knowledge.Checklist, error) {
	model, err := newModel(cfg, log)
	if err != nil {
		return nil, nil, err
	}
	kb, err := loadKnowledge(cfg)
	if err != nil {
		return nil, nil, err
	}
	var ix *retrieval.Index
	if withIndex {
		if ix, err = retrieval.Open(ctx, indexConfig(cfg, log), kb); err != nil {
			return nil, nil, fmt.Errorf("open index in %s: %w", cfg.DataDir, err)
		}
	}
	e, err := engine.New(engine.Config{Knowledge: kb, Index: ix, Logger: log, Model: model, Canned: canned, Stats: rec})
	if err != nil {
		return nil, nil, err
	}
	return e, kb, nil
}

// newModel returns the model client, or nil when no model is configured.
// It makes no network call.
func newModel(cfg config, log *slog.Logger) (engine.Model, error) {
	pc, err := cfg.modelConfig(log)
	if err != nil {
		return nil, err
	}
	c, err := prompts.New(pc)
	if err != nil {
		return nil, fmt.Errorf("model client: %w", err)
	}
	if c == nil {
		// Off. Returned as is, the nil *prompts.Client would make a
		// non-nil engine.Model.
		return nil, nil
	}
	return c, nil
}

// itemsJSON is what `items --json` prints: the guide the knowledge
// follows and the items it has guidance for.
type itemsJSON struct {
	Version knowledge.GuideVersion `json:"version"`
	Items   []knowledge.ItemInfo   `json:"items"`
}

func runItems(_ context.Context, cfg config, args []string, stdout io.Writer) error {
	fs := newFlagSet("items")
	asJSON := fs.Bool("json", false, "print JSON")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageErr("items 명령은 인수를 받지 않습니다.", "items takes no arguments")
	}
	kb, err := loadKnowledge(cfg)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, itemsJSON{Version: kb.Guide, Items: append(kb.Infos(), kb.SectionI(false))})
	}
	fmt.Fprintf(stdout, "안내 기준: %s\n\n", kb.Guide.Label())
	for _, it := range kb.Items {
		fmt.Fprintf(stdout, "%s  %s (%d개 요소)\n", it.ID, it.Title, len(it.Elements))
	}
	fmt.Fprintf(stdout, "I    %s\n", kb.SectionI(false).Title)
	return nil
}

func runAsk(ctx context.Context, cfg config, log *slog.Logger, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := newFlagSet("ask")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	var q string
	switch {
	case len(pos) == 1 && pos[0] == "-":
		b, err := io.ReadAll(io.LimitReader(stdin, engine.MaxQuestionBytes+1))
		if err != nil {
			return fmt.Errorf("read question from stdin: %w", err)
		}
		q = string(b)
	case len(pos) > 0:
		q = strings.Join(pos, " ")
	default:
		return usageErr("질문을 함께 적어 주세요. 예: selfcheck ask \"1.3에는 무엇이 포함되어야 하나요?\"", "ask needs a question: selfcheck ask \"What must 1.3 include?\"")
	}
	store, err := openCannedIfPresent(ctx, cfg, log)
	if err != nil {
		return err
	}
	var src engine.CannedSource
	if store != nil {
		defer store.Close()
		src = store
	}
	e, _, err := newEngine(ctx, cfg, log, true, src, nil)
	if err != nil {
		return err
	}
	ans, err := e.Ask(ctx, q)
	if err != nil {
		return err
	}
	if *asJSON {
		// The model's links are shown by their targets, as in Slack
		// (the answer's text has them so already).
		for i := range ans.Parts {
			ans.Parts[i].Text = engine.PlainLinks(ans.Parts[i].Text)
		}
		return writeJSON(stdout, ans)
	}
	renderAnswer(stdout, ans, styleFor(stdout, cfg))
	return nil
}

func runReview(ctx context.Context, cfg config, log *slog.Logger, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("review")
	asJSON := fs.Bool("json", false, "print JSON")
	service := fs.String("service", "", "kind of service: support, cloud or convergence (default: read from the draft)")
	reportPath := fs.String("report", "", "also write the review as a report file: NAME.docx, NAME.md or NAME.html")
	noHistory := fs.Bool("no-history", false, "do not compare with, or keep, this review's element statuses in DATA_DIR")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 || len(pos) > 2 {
		return usageErr("검토할 항목과 파일을 적어 주세요. 예: selfcheck review 1.2 testdata/drafts/1.2-draft.txt (selfcheck review --help)", "usage: selfcheck review [--json] [--service KIND] [--report FILE.docx|FILE.md|FILE.html] [--no-history] ITEM|all [FILE|-]")
	}
	var opts knowledge.ReviewOptions
	switch k := knowledge.ServiceKind(*service); k {
	case knowledge.KindUnknown, knowledge.KindSupport, knowledge.KindCloud, knowledge.KindConvergence:
		opts.Service = k
	default:
		return usageErr(fmt.Sprintf("--service %q: support, cloud, convergence 중 하나를 쓰세요.", *service), fmt.Sprintf("--service %q: want support, cloud or convergence", *service))
	}
	out := reviewOutput{json: *asJSON, reportPath: *reportPath, history: !*noHistory, stdout: stdout, stderr: stderr, style: styleFor(stdout, cfg)}
	if out.reportFormat, err = reportFormat(*reportPath); err != nil {
		return err
	}
	if pos[0] == "all" {
		return runReviewForm(ctx, cfg, log, pos[1:], opts, stdin, out)
	}
	e, kb, err := newEngine(ctx, cfg, log, false, nil, nil)
	if err != nil {
		return err
	}
	if _, ok := kb.Item(pos[0]); !ok {
		return kb.UnknownItem(pos[0])
	}
	name, doc, err := readDocument(ctx, cfg, pos[1:], stdin)
	if err != nil {
		return err
	}
	rep, err := e.ReviewWith(ctx, pos[0], doc.Text, opts)
	if err != nil {
		return err
	}
	form := engine.FormReport{File: name, Items: []knowledge.Report{rep}, NotFound: []string{}, UnknownSections: []string{}, NotInChecklist: []string{}}
	return out.write(cfg, kb, form, false)
}

func runIndex(ctx context.Context, cfg config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) > 0 {
		return usageErr("index 명령은 인수를 받지 않습니다.", "index takes no arguments")
	}
	kb, err := loadKnowledge(cfg)
	if err != nil {
		return err
	}
	start := time.Now()
	icfg := indexConfig(cfg, log)
	ix, err := retrieval.Rebuild(ctx, icfg, kb)
	if err != nil {
		return fmt.Errorf("build index in %s: %w", icfg.Dir, err)
	}
	fmt.Fprintf(stdout, "검색 색인을 만들었습니다: 문서 %d개, %s (index built: %d documents in %s, %s)\n", ix.Len(), icfg.Dir, ix.Len(), icfg.Dir, time.Since(start).Round(time.Millisecond))
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
