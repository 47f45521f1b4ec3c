package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/report"
	"github.com/selfcheck/selfcheck/usererr"
)

// reportFormat checks a --report file name before anything is reviewed:
// its format comes from its extension.
func reportFormat(path string) (report.Format, error) {
	if path == "" {
		return "", nil
	}
	f, err := report.FormatOf(path)
	if err != nil {
		var fe *report.FormatError
		if errors.As(err, &fe) {
			return "", usererr.Wrap(usererr.Usage, fmt.Sprintf("--report %q: 보고서 파일 이름은 .docx, .md 또는 .html로 끝나야 합니다.", fe.Name), "--report: "+fe.Error(), err)
		}
		return "", err
	}
	return f, nil
}

// writeReportFile writes the review as a report file (--report), through a
// temporary file in the same directory so that a failed write leaves no
// half a document under the name.
func writeReportFile(path string, f report.Format, rep engine.FormReport, kb *knowledge.Checklist, progress map[string]string, now time.Time) error {
	in := report.FromForm(rep, kb, now)
	in.Progress = progress
	data, err := report.Render(f, in)
	if err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".selfcheck-report-*")
	if err != nil {
		return usererr.Wrap(usererr.File, fmt.Sprintf("--report %s: 그곳에 파일을 쓸 수 없습니다: %v", path, err), fmt.Sprintf("--report %s: cannot write there: %v", path, err), err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return usererr.Wrap(usererr.File, fmt.Sprintf("--report %s: 파일을 쓸 수 없습니다: %v", path, err), fmt.Sprintf("--report %s: %v", path, err), err)
	}
	return nil
}
