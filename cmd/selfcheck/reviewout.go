package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/progress"
	"github.com/selfcheck/selfcheck/report"
)

// reviewOutput is what review prints and writes besides the review: the
// comparison with the previous review of each item (kept in DATA_DIR
// unless --no-history) and the --report file.
type reviewOutput struct {
	json           bool
	reportPath     string
	reportFormat   report.Format
	history        bool
	stdout, stderr io.Writer
	now            func() time.Time // nil: time.Now
	style          style            // how headings are marked on stdout
}

// reviewJSON is a review as review --json prints it: the report, and
// what changed since the previous review when there is one.
type reviewJSON struct {
	knowledge.Report
	Previous *progress.Previous `json:"previous,omitempty"`
}

// formJSON is review --json all: the form's report with each item's
// previous review.
type formJSON struct {
	File            string       `json:"file"`
	Items           []reviewJSON `json:"items"`
	NotFound        []string     `json:"not_found"`
	UnknownSections []string     `json:"unknown_sections"`
	NotInChecklist  []string     `json:"not_in_checklist"`
}

// write compares, prints, keeps and writes a review (one item, or a
// whole form when form).
func (o reviewOutput) write(cfg config, kb *knowledge.Checklist, rep engine.FormReport, form bool) error {
	now := time.Now()
	if o.now != nil {
		now = o.now()
	}
	prev := map[string]*progress.Previous{}
	leads := map[string]string{}
	hist := progress.FileStore{Path: filepath.Join(cfg.DataDir, progress.FileName)}
	if o.history {
		for _, r := range rep.Items {
			s, ok, err := hist.Previous(r.Item, now)
			if err != nil {
				return err
			}
			if ok {
				p := progress.Compare(s, r)
				prev[r.Item], leads[r.Item] = &p, p.Lead()
			}
		}
	}
	if err := o.print(kb, rep, form, prev, leads); err != nil {
		return err
	}
	if o.history && len(rep.Items) > 0 {
		for _, r := range rep.Items {
			if err := hist.Remember(progress.Of(r, now), now); err != nil {
				return err
			}
		}
		fmt.Fprintf(o.stderr, "검토 결과의 요소별 상태만(초안 내용은 아님) %s에 남겨 다음 검토와 비교합니다. 남기지 않으려면 --no-history. (only each element's status, never the draft, is kept in %s to compare with the next review; --no-history keeps nothing)\n", hist.Path, hist.Path)
	}
	if o.reportPath != "" {
		if err := writeReportFile(o.reportPath, o.reportFormat, rep, kb, leads, now); err != nil {
			return err
		}
		fmt.Fprintf(o.stderr, "보고서를 %s에 저장했습니다. (report written to %s)\n", o.reportPath, o.reportPath)
	}
	return nil
}

func (o reviewOutput) print(kb *knowledge.Checklist, rep engine.FormReport, form bool, prev map[string]*progress.Previous, leads map[string]string) error {
	if o.json {
		items := make([]reviewJSON, len(rep.Items))
		for i, r := range rep.Items {
			items[i] = reviewJSON{Report: r, Previous: prev[r.Item]}
		}
		if !form {
			return writeJSON(o.stdout, items[0])
		}
		return writeJSON(o.stdout, formJSON{File: rep.File, Items: items, NotFound: rep.NotFound, UnknownSections: rep.UnknownSections, NotInChecklist: rep.NotInChecklist})
	}
	if !form {
		printLead(o.stdout, leads[rep.Items[0].Item])
		renderReport(o.stdout, rep.Items[0], o.style)
		return nil
	}
	renderForm(o.stdout, rep, kb, leads, o.style)
	return nil
}

// printLead prints the comparison with the previous review, first.
func printLead(w io.Writer, lead string) {
	if lead != "" {
		fmt.Fprintf(w, "📈 %s\n\n", strings.TrimSpace(lead))
	}
}
