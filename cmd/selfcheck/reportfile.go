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
			return "", usageError{msg: "--report: " + fe.Error()}
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
		return usageError{msg: fmt.Sprintf("--report %s: cannot write there: %v", path, err)}
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
		return usageError{msg: fmt.Sprintf("--report %s: %v", path, err)}
	}
	return nil
}
