package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/extract"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/usererr"
)

// parseByteSize reads a size such as 20971520, 20MB or 512KB (binary
// units) from the variable name.
func parseByteSize(name, v string) (int64, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	unit := int64(1)
	num := strings.ToUpper(v)
	for _, u := range []struct {
		suffix string
		n      int64
	}{{"MIB", 1 << 20}, {"KIB", 1 << 10}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if s, ok := strings.CutSuffix(num, u.suffix); ok {
			num, unit = strings.TrimSpace(s), u.n
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/unit {
		return 0, settingErr(fmt.Sprintf("%s=%q: 20971520이나 20MB 같은 크기로 설정하세요.", name, v), fmt.Sprintf("%s=%q: want a size in bytes such as 20971520 or 20MB", name, v))
	}
	return n * unit, nil
}

// openError says why a named file cannot be read, as a user error.
func openError(name string, err error) error {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return usererr.Wrap(usererr.File, fmt.Sprintf("파일 %s이(가) 없습니다. 경로를 확인해 주세요.", name), fmt.Sprintf("cannot read file %s: no such file", name), err)
	case errors.Is(err, os.ErrPermission):
		return usererr.Wrap(usererr.File, fmt.Sprintf("파일 %s을(를) 읽을 권한이 없습니다.", name), fmt.Sprintf("cannot read file %s: permission denied", name), err)
	}
	return usererr.Wrap(usererr.File, fmt.Sprintf("파일 %s을(를) 읽을 수 없습니다: %v", name, err), fmt.Sprintf("cannot read file %s: %v", name, err), err)
}

func (c config) extractConfig() extract.Config {
	return extract.Config{MaxFileBytes: c.MaxFileBytes}
}

// childArgs start this program as the extraction child (see main).
var childArgs = []string{"extract", "--child"}

// childSandbox reads untrusted files in a child process under CPU,
// memory and time limits: this program run as "selfcheck extract
// --child" (in tests, the test binary, whose TestMain serves
// extract.ChildEnv).
func childSandbox() extract.Sandbox {
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	return extract.Sandbox{Path: exe, Args: childArgs, Env: []string{extract.ChildEnv + "=1"}}
}

// readDocument reads the file named by args, or stdin for "-" or no
// argument, and extracts its text: an HWP, HWPX, DOCX or PDF file is read
// for what it says, a text file as it is. The name is the file's, "-" for
// stdin. Problems with the file are user errors (exit 2).
func readDocument(ctx context.Context, cfg config, args []string, stdin io.Reader) (string, extract.Document, error) {
	r, name := stdin, "-"
	if len(args) == 1 && args[0] != "-" {
		f, err := os.Open(args[0])
		if err != nil {
			return "", extract.Document{}, openError(args[0], err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return "", extract.Document{}, usererr.New(usererr.File, fmt.Sprintf("%s은(는) 디렉터리입니다. 파일을 지정해 주세요.", args[0]), fmt.Sprintf("cannot read %s: it is a directory", args[0]))
		}
		r, name = f, args[0]
	}
	xcfg := cfg.extractConfig()
	limit := xcfg.MaxFileBytes
	if limit <= 0 {
		limit = extract.DefaultMaxFileBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return "", extract.Document{}, fmt.Errorf("read draft %s: %w", name, err)
	}
	if name == "-" && len(bytes.TrimSpace(data)) == 0 {
		// Nothing came in: a pipe that sent nothing, or docker run
		// without -i, which gives the container an empty stdin.
		return "", extract.Document{}, usererr.New(usererr.EmptyDraft,
			"표준 입력으로 받은 초안이 비어 있습니다. 파일 이름을 주거나 초안을 파이프로 보내 주세요(docker run에는 -i가 필요합니다).",
			"the draft read from stdin is empty: name a file or pipe the draft in (docker run needs -i)")
	}
	doc, err := childSandbox().Bytes(ctx, data, xcfg)
	if err != nil {
		if name == "-" {
			return "", extract.Document{}, err
		}
		return "", extract.Document{}, fmt.Errorf("%s: %w", name, err)
	}
	return name, doc, nil
}

// readText is readDocument for the commands that only need the text.
func readText(ctx context.Context, cfg config, args []string, stdin io.Reader) (string, error) {
	_, doc, err := readDocument(ctx, cfg, args, stdin)
	return doc.Text, err
}

func runExtract(ctx context.Context, cfg config, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := newFlagSet("extract")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usageErr("파일은 하나만 지정하세요. 예: selfcheck extract testdata/drafts/1.3-draft.txt", "usage: selfcheck extract [--json] [FILE|-]")
	}
	name, doc, err := readDocument(ctx, cfg, pos, stdin)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, struct {
			File   string         `json:"file"`
			Format extract.Format `json:"format"`
			Pages  int            `json:"pages,omitempty"`
			Text   string         `json:"text"`
		}{name, doc.Format, doc.Pages, doc.Text})
	}
	_, err = io.WriteString(stdout, doc.Text)
	if err == nil && !strings.HasSuffix(doc.Text, "\n") {
		_, err = io.WriteString(stdout, "\n")
	}
	return err
}

// runReviewForm is "review all FILE": every item the file has a section
// for, an overview first.
func runReviewForm(ctx context.Context, cfg config, log *slog.Logger, args []string, opts knowledge.ReviewOptions, stdin io.Reader, out reviewOutput) error {
	if len(args) > 1 {
		return usageErr("review all에는 파일을 하나만 지정하세요. 예: selfcheck review all 자가점검표.hwp", "usage: selfcheck review [--json] [--service KIND] [--report FILE] all [FILE|-]")
	}
	e, kb, err := newEngine(ctx, cfg, log, false, nil, nil)
	if err != nil {
		return err
	}
	name, doc, err := readDocument(ctx, cfg, args, stdin)
	if err != nil {
		return err
	}
	rep, err := e.ReviewForm(ctx, doc.Text, opts)
	if err != nil {
		return err
	}
	rep.File = name
	return out.write(cfg, kb, rep, true)
}

// fileReviewer reviews the files users send the Slack bot with the same
// extraction and review as review FILE and review all FILE.
type fileReviewer struct {
	e   *engine.Engine
	cfg extract.Config
}

// ReviewFile implements bot.FileReviewer.
func (f fileReviewer) ReviewFile(ctx context.Context, data []byte, itemID string) (engine.FormReport, error) {
	doc, err := childSandbox().Bytes(ctx, data, f.cfg)
	if err != nil {
		return engine.FormReport{}, err
	}
	if itemID == "" {
		return f.e.ReviewForm(ctx, doc.Text, knowledge.ReviewOptions{})
	}
	rep, err := f.e.Review(ctx, itemID, doc.Text)
	if err != nil {
		return engine.FormReport{}, err
	}
	return engine.FormReport{Items: []knowledge.Report{rep}, NotFound: []string{}, UnknownSections: []string{}, NotInChecklist: []string{}}, nil
}

// renderForm prints the review of a whole form: one line per item (its
// counts, or that it was not found, or that there is no guidance for it),
// then each item's review.
func renderForm(w io.Writer, r engine.FormReport, kb *knowledge.Checklist, leads map[string]string, st style) {
	file := r.File
	if file == "-" {
		file = "표준 입력"
	}
	fmt.Fprintf(w, "%s — 검토한 항목 %d개\n\n", file, len(r.Items))
	for _, it := range r.Items {
		s := it.Summary
		fmt.Fprintf(w, "%s %s — 충족 %d · 일부 %d · 누락 %d · 해당 없음 %d\n", it.Item, it.Title, s.Present, s.Partial, s.Missing, s.NotApplicable)
	}
	for _, id := range r.NotFound {
		title := ""
		if it, ok := kb.Item(id); ok {
			title = " " + it.Title
		}
		fmt.Fprintf(w, "%s%s — 문서에서 찾지 못했습니다(\"검토 항목 %s\" 제목이 없음)\n", id, title, id)
	}
	for _, id := range r.UnknownSections {
		fmt.Fprintf(w, "%s — 아직 안내가 없는 항목입니다(체크리스트에 번호만 있음). 검토하지 않았습니다.\n", id)
	}
	for _, id := range r.NotInChecklist {
		fmt.Fprintf(w, "%s — 체크리스트에 없는 항목 번호입니다. 제목의 번호를 확인해 주세요. 검토하지 않았습니다.\n", id)
	}
	if len(r.Items) == 0 {
		fmt.Fprintln(w, "\n검토 항목의 제목을 찾지 못했습니다. 한 항목의 초안이라면 selfcheck review 항목번호 파일 로 검토하세요 (예: selfcheck review 1.3 draft.hwp).")
		return
	}
	for _, it := range r.Items {
		fmt.Fprintf(w, "\n%s\n", strings.Repeat("─", 40))
		printLead(w, leads[it.Item])
		renderReport(w, it, st)
	}
}
