package report

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDOCXOpensInLibreOffice converts a report with LibreOffice, an
// office suite that, like Word and Hancom Office, refuses or repairs a
// document it cannot read, and checks the PDF it makes: A4 pages holding
// every element. It skips when LibreOffice or pdftotext is not installed
// (CI does not install LibreOffice; run it where it is).
func TestDOCXOpensInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice not installed")
	}
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext not installed")
	}
	in := sampleReviews(t)["1.3-draft"]
	data, err := Render(DOCX, in)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "report.docx")
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "pdf", "--outdir", dir, src)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	out, err := exec.CommandContext(ctx, pdftotext, "-layout", filepath.Join(dir, "report.pdf"), "-").Output()
	if err != nil {
		t.Fatalf("no PDF from LibreOffice: %v", err)
	}
	got := string(out)
	for _, e := range in.Items[0].Elements {
		if !strings.Contains(got, e.ID) {
			t.Errorf("LibreOffice's rendering lacks %s", e.ID)
		}
	}
	if !strings.Contains(got, text.Title) {
		t.Error("LibreOffice's rendering lacks the title")
	}
}
