package main

import (
	"cmp"
	"fmt"
	"io"
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

// renderReport prints a review for a terminal: a summary line, then per
// element its verdict with the evidence or what to add.
func renderReport(w io.Writer, r knowledge.Report) {
	s := r.Summary
	fmt.Fprintf(w, "%s %s — 충족 %d · 일부 %d · 누락 %d · 해당 없음 %d\n",
		r.Item, r.Title, s.Present, s.Partial, s.Missing, s.NotApplicable)
	for _, e := range r.Elements {
		fmt.Fprintf(w, "\n%s %s %s [%s]\n", statusIcon[e.Status], e.ID, e.Label, statusName[e.Status])
		if e.Evidence != "" {
			fmt.Fprintf(w, "   %d행: \"%s\"\n", e.Line, e.Evidence)
		}
		if e.Note != "" && e.Status != knowledge.StatusPresent {
			fmt.Fprintf(w, "   %s\n", engine.PlainLinks(e.Note))
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

// renderAnswer prints an answer and its sources.
func renderAnswer(w io.Writer, a engine.Answer) {
	fmt.Fprintln(w, strings.TrimSpace(a.Answer))
	for _, n := range a.Notices {
		fmt.Fprintf(w, "\n참고: %s\n", n)
	}
	if len(a.Sources) > 0 {
		fmt.Fprintln(w, "\n출처:")
		for _, s := range a.Sources {
			fmt.Fprintf(w, "[%d] %s (%s)\n", s.N, s.Title, cmp.Or(s.KindName, s.Kind))
		}
	}
}
