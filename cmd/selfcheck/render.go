package main

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
)

var statusIcon = map[knowledge.Status]string{
	knowledge.StatusPresent:       "✅",
	knowledge.StatusPartial:       "⚠️",
	knowledge.StatusMissing:       "❌",
	knowledge.StatusNotApplicable: "➖",
}

var statusName = map[knowledge.Status]string{
	knowledge.StatusPresent:       "충족",
	knowledge.StatusPartial:       "일부",
	knowledge.StatusMissing:       "누락",
	knowledge.StatusNotApplicable: "해당 없음",
}

// style is how the CLI marks headings: bold on a terminal, nothing in a
// pipe, a file or with NO_COLOR set (https://no-color.org).
type style struct{ color bool }

// styleFor is the style for output to w.
func styleFor(w io.Writer, cfg config) style {
	f, ok := w.(*os.File)
	if !ok || cfg.NoColor {
		return style{}
	}
	st, err := f.Stat()
	return style{color: err == nil && st.Mode()&os.ModeCharDevice != 0}
}

// strong marks s as a heading.
func (s style) strong(t string) string {
	if !s.color || t == "" {
		return t
	}
	return "\x1b[1m" + t + "\x1b[0m"
}

// renderReport prints a review for a terminal: a summary line, then per
// element its verdict with the evidence or what to add.
func renderReport(w io.Writer, r knowledge.Report, st style) {
	s := r.Summary
	fmt.Fprintf(w, "%s — 충족 %d · 일부 %d · 누락 %d · 해당 없음 %d\n",
		st.strong(r.Item+" "+r.Title), s.Present, s.Partial, s.Missing, s.NotApplicable)
	for _, e := range r.Elements {
		fmt.Fprintf(w, "\n%s %s %s [%s]\n", statusIcon[e.Status], e.ID, e.Label, statusName[e.Status])
		if e.Evidence != "" {
			fmt.Fprintf(w, "   %d행: \"%s\"\n", e.Line, e.Evidence)
		}
		if e.Note != "" && e.Status != knowledge.StatusPresent {
			fmt.Fprintf(w, "   %s\n", e.Note)
		}
		if e.Example != "" {
			fmt.Fprintf(w, "   예시: \"%s\"\n", e.Example)
		}
	}
	if len(r.Notices) > 0 {
		fmt.Fprintln(w, "\n참고:")
		for _, n := range r.Notices {
			fmt.Fprintf(w, "• %s\n", n)
		}
	}
	if r.LLM {
		fmt.Fprintln(w, "\n(모델의 판단을 증거 확인 후 반영했습니다.)")
	}
}

// renderAnswer prints an answer and its sources in plain text: its parts
// with hints as selfcheck commands (engine.PlainText), never Slack's
// markup.
func renderAnswer(w io.Writer, a engine.Answer, st style) {
	en := a.Language == "en"
	text := a.Answer
	if len(a.Parts) > 0 {
		text = engine.PlainText(a.Parts, en, st.strong)
	}
	fmt.Fprintln(w, strings.TrimSpace(text))
	note, sources := "참고", "출처"
	if en {
		note, sources = "Note", "Sources"
	}
	for _, n := range a.Notices {
		fmt.Fprintf(w, "\n%s: %s\n", note, n)
	}
	if len(a.Sources) > 0 {
		fmt.Fprintf(w, "\n%s:\n", st.strong(sources))
		for _, s := range a.Sources {
			fmt.Fprintf(w, "[%d] %s (%s)", s.N, s.Title, cmp.Or(s.KindName, s.Kind))
			if s.URL != "" {
				fmt.Fprintf(w, " %s", s.URL)
			}
			fmt.Fprintln(w)
		}
	}
}
