package report

import (
	"context"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/knowledge"
)

// a4Width is A4's width in CSS pixels (210 mm at 96 px per inch).
const a4Width = 794

// layoutProbe is added to a copy of the page (the report itself has no
// scripts): it lists every element whose box reaches past the window's
// right edge, and the page's scroll width, into an attribute that
// --dump-dom prints.
const layoutProbe = `<script>
(function () {
  var w = window.innerWidth, bad = [];
  var all = document.body.getElementsByTagName('*');
  for (var i = 0; i < all.length; i++) {
    var r = all[i].getBoundingClientRect();
    if (r.right > w + 0.5) bad.push(all[i].tagName + '.' + all[i].className + ':' + Math.round(r.right));
  }
  document.documentElement.setAttribute('data-probe',
    'inner=' + w + ';scroll=' + document.documentElement.scrollWidth + ';tables=' + document.getElementsByTagName('table').length + ';over=' + bad.slice(0, 5).join(','));
})();
</script>`

var probeRe = regexp.MustCompile(`data-probe="inner=(\d+);scroll=(\d+);tables=(\d+);over=([^"]*)"`)

func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set but Chromium is not installed; .ci/run installs it (apt-get install chromium)")
	}
	t.Skip("no Chromium installed (apt-get install chromium); .ci/run installs it")
	return ""
}

// browserRun runs headless Chromium at A4 width on a page with args,
// bounded in time so that a stuck browser fails the test instead of
// hanging it.
func browserRun(t *testing.T, bin string, page string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
		"--no-first-run", "--user-data-dir=" + t.TempDir(), "--window-size=" + strconv.Itoa(a4Width) + ",1123"}
	cmd := exec.CommandContext(ctx, bin, append(append(base, args...), "file://"+page)...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %v: %v", args, err)
	}
	return out
}

// longInput is every sample review in one report, with a quote no
// browser can break at a space (a long URL), the hardest case for the
// page's width.
func longInput(t *testing.T) Input {
	samples := sampleReviews(t)
	names := slices.Sorted(maps.Keys(samples))
	in := samples[names[0]]
	in.Items = nil
	for _, n := range names {
		in.Items = append(in.Items, samples[n].Items...)
	}
	in.File = "자가점검표_최종본_" + strings.Repeat("가", 60) + ".hwpx"
	in.Items = append(in.Items, knowledge.Report{Item: "9.9", Title: "긴 근거", Elements: []knowledge.ElementResult{{
		ID: "9.9-a", Label: "긴 주소", Status: knowledge.StatusPartial, Line: 1,
		Evidence: "https://example.com/" + strings.Repeat("abcdefghij", 30), Note: strings.Repeat("보완", 80), Example: strings.Repeat("x", 200),
	}}})
	return in
}

// TestHTMLLayoutA4 opens the HTML report in headless Chromium at A4
// width and checks that it shows its tables and that nothing reaches
// past the page's right edge (no horizontal scrolling, nothing cut off
// when printed). It saves a screenshot to look at, in
// $REPORT_SCREENSHOT_DIR when set.
func TestHTMLLayoutA4(t *testing.T) {
	bin := chromium(t)
	in := longInput(t)
	page, err := Render(HTML, in)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ToLower(string(page)), "<script") {
		t.Fatal("the report has a script")
	}
	dir := t.TempDir()
	plain := filepath.Join(dir, "report.html")
	probed := filepath.Join(dir, "probed.html")
	if err := os.WriteFile(plain, page, 0o644); err != nil {
		t.Fatal(err)
	}
	withProbe := strings.Replace(string(page), "</body>", layoutProbe+"\n</body>", 1)
	if err := os.WriteFile(probed, []byte(withProbe), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := browserRun(t, bin, probed, "--dump-dom")
	m := probeRe.FindSubmatch(dom)
	if m == nil {
		t.Fatalf("the layout probe did not run; dump starts %q", firstBytes(dom, 300))
	}
	inner, scroll, tables, over := string(m[1]), string(m[2]), string(m[3]), string(m[4])
	t.Logf("window %spx, page scroll width %spx, %s tables", inner, scroll, tables)
	if inner != strconv.Itoa(a4Width) {
		t.Errorf("window is %spx wide, want %d", inner, a4Width)
	}
	if scroll != inner {
		t.Errorf("page scrolls sideways: %spx wide in a %spx window", scroll, inner)
	}
	if over != "" {
		t.Errorf("elements past the right edge: %s", over)
	}
	if want := strconv.Itoa(1 + len(in.Items)); tables != want {
		t.Errorf("%s tables shown, want %s (cover and one per item)", tables, want)
	}
	shotDir := os.Getenv("REPORT_SCREENSHOT_DIR")
	if shotDir == "" {
		shotDir = dir
	}
	shot := filepath.Join(shotDir, "report-a4.png")
	browserRun(t, bin, plain, "--screenshot="+shot)
	if st, err := os.Stat(shot); err != nil || st.Size() == 0 {
		t.Errorf("no screenshot: %v", err)
	}
	t.Logf("screenshot: %s", shot)
}

func firstBytes(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}

// wordRe reads a word's box from pdftotext -bbox.
var wordRe = regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="[0-9.]+" xMax="([0-9.]+)" yMax="[0-9.]+">([^<]*)</word>`)

// TestHTMLPrintsOnA4 prints the HTML report to PDF with headless
// Chromium, as a user's "Print → Save as PDF" would, and checks that the
// pages are A4 and that no word reaches into the right margin or past
// the paper: the page's print CSS keeps every table within the page.
func TestHTMLPrintsOnA4(t *testing.T) {
	bin := chromium(t)
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but pdftotext is not installed; .ci/run installs poppler-utils")
		}
		t.Skip("pdftotext not installed")
	}
	in := longInput(t)
	page, err := Render(HTML, in)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src, pdf := filepath.Join(dir, "report.html"), filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(src, page, 0o644); err != nil {
		t.Fatal(err)
	}
	browserRun(t, bin, src, "--no-pdf-header-footer", "--print-to-pdf="+pdf)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, pdftotext, "-bbox", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := regexp.MustCompile(`<page width="([0-9.]+)" height="([0-9.]+)">`).FindAllSubmatch(out, -1)
	if len(pages) < 1+len(in.Items) {
		t.Fatalf("%d pages printed, want the cover and a page per item at least", len(pages))
	}
	for _, p := range pages {
		w, _ := strconv.ParseFloat(string(p[1]), 64)
		h, _ := strconv.ParseFloat(string(p[2]), 64)
		if math.Abs(w-595.28) > 2 || math.Abs(h-841.89) > 2 {
			t.Errorf("page %.1f × %.1f pt, want A4 (595.3 × 841.9)", w, h)
		}
	}
	const rightEdge = 595.28 - 12*72/25.4 + 1 // the @page margin, and a point of slack
	words := wordRe.FindAllSubmatch(out, -1)
	seen := map[string]bool{}
	for _, w := range words {
		xMax, _ := strconv.ParseFloat(string(w[2]), 64)
		if xMax > rightEdge {
			t.Errorf("%q reaches %.1f pt, past the right margin at %.1f pt", w[3], xMax, rightEdge)
		}
		seen[string(w[3])] = true
	}
	for _, r := range in.Items {
		for _, e := range r.Elements {
			if !seen[e.ID] {
				t.Errorf("%s not printed", e.ID)
			}
		}
	}
}
