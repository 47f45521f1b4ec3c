package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/extract/extracttest"
	"github.com/selfcheck/selfcheck/usererr"
)

// writeFile writes data to a file named name in a fresh directory.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// formFiles are the whole form in each binary format, under names whose
// extension is wrong on purpose: the content decides.
func formFiles(t *testing.T) map[string]string {
	blocks := extracttest.Blocks(extracttest.Form)
	return map[string]string{
		"docx": writeFile(t, "자가점검표.pdf", extracttest.DOCX(blocks)),
		"hwpx": writeFile(t, "자가점검표.docx", extracttest.HWPX(extracttest.Split(blocks, 2)...)),
		"hwp":  writeFile(t, "자가점검표.txt", extracttest.HWP(extracttest.HWPOptions{}, extracttest.Split(blocks, 2)...)),
	}
}

// TestReviewFile: a file in any format is reviewed like its text pasted,
// one item or the whole form, and extract prints what was read.
func TestReviewFile(t *testing.T) {
	for format, path := range formFiles(t) {
		t.Run(format, func(t *testing.T) {
			out, stderr, code := cli(t, nil, "", "extract", path)
			if code != 0 || out != extracttest.Form {
				t.Errorf("extract: exit %d (%s), text differs from the form:\n%s", code, stderr, out)
			}
			fromFile, stderr, code := cli(t, nil, "", "review", "1.3", path)
			if code != 0 {
				t.Fatalf("review 1.3: exit %d: %s", code, stderr)
			}
			pasted, _, _ := cli(t, nil, extracttest.Form, "review", "1.3", "-")
			if fromFile != pasted {
				t.Errorf("review 1.3 of the file differs from the pasted form:\n%s\n---\n%s", fromFile, pasted)
			}
			all, stderr, code := cli(t, nil, "", "review", "all", path)
			if code != 0 {
				t.Fatalf("review all: exit %d: %s", code, stderr)
			}
			if !strings.Contains(all, pasted) {
				t.Errorf("review all does not hold the 1.3 review as pasted:\n%s", all)
			}
		})
	}
}

// TestReviewAllOverview: the overview comes first, one line per item,
// then the details; golden file review-all.golden.
func TestReviewAllOverview(t *testing.T) {
	path := formFiles(t)["hwp"]
	out, stderr, code := cli(t, nil, "", "review", "all", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	out = strings.ReplaceAll(out, path, "자가점검표.hwp")
	lines := strings.Split(out, "\n")
	wantStart := []string{"1.2 침해사고", "1.3 개인정보", "3.2 고객대응", "3.1 조직", "1.4 — 아직 안내가 없는"}
	for i, w := range wantStart {
		if !strings.HasPrefix(lines[2+i], w) {
			t.Errorf("overview line %d = %q; want it to start with %q", i+1, lines[2+i], w)
		}
	}
	golden(t, "review-all.golden", out)

	// A heading with a number the checklist does not have is told apart
	// from an item it numbers without guidance.
	out, _, code = cli(t, nil, "검토 항목 1.3 개인정보·데이터 관리정책\n비밀번호는 bcrypt로 저장합니다.\n검토 항목 9.9 기타\n검토 항목 1.4 서비스 가용성\n", "review", "all", "-")
	if code != 0 || !strings.Contains(out, "9.9 — 체크리스트에 없는 항목 번호입니다") || !strings.Contains(out, "1.4 — 아직 안내가 없는 항목입니다") {
		t.Errorf("a form with headings 9.9 and 1.4: exit %d:\n%s", code, out)
	}

	out, _, code = cli(t, nil, "고객센터 대표전화로 문의를 받습니다.\n", "review", "all", "-")
	if code != 0 || !strings.Contains(out, "selfcheck review 1.3 draft.hwp") {
		t.Errorf("a draft without headings: exit %d, %q; want a hint to review one item", code, out)
	}
}

func TestReviewAllJSON(t *testing.T) {
	path := formFiles(t)["docx"]
	out, stderr, code := cli(t, nil, "", "review", "--json", "all", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"file", "items", "not_found", "not_in_checklist", "unknown_sections"}; !slices.Equal(keys, want) {
		t.Errorf("keys %v; want %v", keys, want)
	}
	var got struct {
		File  string `json:"file"`
		Items []struct {
			Item     string `json:"item"`
			Elements []struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			} `json:"elements"`
		} `json:"items"`
		NotFound []string `json:"not_found"`
		Unknown  []string `json:"unknown_sections"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	var items []string
	for _, it := range got.Items {
		items = append(items, it.Item)
	}
	if got.File != path || !slices.Equal(items, []string{"1.2", "1.3", "3.2"}) || !slices.Equal(got.NotFound, []string{"3.1"}) || !slices.Equal(got.Unknown, []string{"1.4"}) {
		t.Errorf("got file %q, items %v, not found %v, unknown %v", got.File, items, got.NotFound, got.Unknown)
	}
	// Each item report is the same as review --json of that item.
	one, _, _ := cli(t, nil, "", "review", "--json", "3.2", path)
	var rep3 map[string]any
	var all struct {
		Items []map[string]any `json:"items"`
	}
	json.Unmarshal([]byte(one), &rep3)
	json.Unmarshal([]byte(out), &all)
	a, _ := json.Marshal(all.Items[2])
	b, _ := json.Marshal(rep3)
	if string(a) != string(b) {
		t.Errorf("3.2 in review all:\n%s\nreview 3.2:\n%s", a, b)
	}
}

// TestBadFileExitCodes: every file that cannot be read is an input error
// (exit 2) with a message saying what is wrong.
func TestBadFileExitCodes(t *testing.T) {
	blocks := extracttest.Blocks(extracttest.Form)
	docx := extracttest.DOCX(blocks)
	tests := []struct {
		name string
		data []byte
		env  map[string]string
		msg  string
	}{
		{"0 bytes.docx", nil, nil, "the file is empty"},
		{"cut short.docx", docx[:len(docx)/2], nil, "damaged or truncated"},
		{"zip bomb.docx", extracttest.ZipBomb(200<<20, false), nil, "unpacks to more than 128 MB"},
		{"protected.hwp", extracttest.HWP(extracttest.HWPOptions{Password: true}, blocks), nil, "this file is protected"},
		{"scanned.pdf", extracttest.ScannedPDF(), nil, "this looks like a scanned image"},
		{"image with a docx name.docx", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"), nil, "unsupported file type"},
		{"over MAX_FILE_BYTES.docx", docx, map[string]string{"MAX_FILE_BYTES": "1KB"}, "the limit is 1 KB"},
		{"bad MAX_FILE_BYTES.docx", docx, map[string]string{"MAX_FILE_BYTES": "lots"}, "MAX_FILE_BYTES"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.name, tt.data)
			for _, args := range [][]string{{"review", "all", path}, {"review", "1.2", path}, {"extract", path}} {
				out, stderr, code := cli(t, tt.env, "", args...)
				if code != 2 || !strings.Contains(stderr, tt.msg) {
					t.Errorf("%v: exit %d, stderr %q; want 2 and %q", args[:2], code, stderr, tt.msg)
				}
				if out != "" {
					t.Errorf("%v: printed %q on a bad file", args[:2], out)
				}
			}
		})
	}
	_, stderr, code := cli(t, nil, "", "review", "all", "no/such/file.hwp")
	if code != 2 || !strings.Contains(stderr, "no/such/file.hwp이(가) 없습니다") {
		t.Errorf("missing file: exit %d, %q", code, stderr)
	}
	_, stderr, code = cli(t, nil, "", "review", "all", "a", "b")
	if code != 2 || !strings.Contains(stderr, "usage") {
		t.Errorf("two files: exit %d, %q", code, stderr)
	}
}

func TestParseByteSize(t *testing.T) {
	for v, want := range map[string]int64{"": 0, "1048576": 1 << 20, "20MB": 20 << 20, "512 KB": 512 << 10, "2m": 2 << 20, "100B": 100} {
		if got, err := parseByteSize("X", v); err != nil || got != want {
			t.Errorf("%q: got %d, %v; want %d", v, got, err, want)
		}
	}
	for _, v := range []string{"0", "-5", "lots", "1.5MB", "99999999999TB"} {
		if _, err := parseByteSize("X", v); err == nil || !usererr.Is(err) {
			t.Errorf("%q: got %v; want a usage error", v, err)
		}
	}
}

// TestFileReviewerForSlack: the bot's file reviews are the CLI's: the
// whole form or one item, each report as the pasted text's.
func TestFileReviewerForSlack(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg, err := loadConfig(func(k string) string {
		if k == "DATA_DIR" {
			return dir
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	e, _, err := newEngine(ctx, cfg, slog.New(slog.DiscardHandler), false, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	fr := fileReviewer{e: e, cfg: cfg.extractConfig()}
	blocks := extracttest.Blocks(extracttest.Form)

	rep, err := fr.ReviewFile(ctx, extracttest.HWP(extracttest.HWPOptions{}, blocks), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Items) != 3 || !slices.Equal(rep.NotFound, []string{"3.1"}) || !slices.Equal(rep.UnknownSections, []string{"1.4"}) {
		t.Fatalf("got %d items, not found %v, unknown %v", len(rep.Items), rep.NotFound, rep.UnknownSections)
	}
	for _, r := range rep.Items {
		pasted, _ := e.Review(ctx, r.Item, extracttest.Form)
		if !reflect.DeepEqual(r, pasted) {
			t.Errorf("%s differs from the pasted review", r.Item)
		}
	}
	one, err := fr.ReviewFile(ctx, extracttest.DOCX(blocks), "1.3")
	if err != nil || len(one.Items) != 1 || one.Items[0].Item != "1.3" {
		t.Fatalf("one item: %v, %+v", err, one)
	}
	_, err = fr.ReviewFile(ctx, extracttest.HWP(extracttest.HWPOptions{Distribution: true}, blocks), "")
	if ue, ok := usererr.As(err); !ok || ue.Code != usererr.File || !strings.Contains(err.Error(), "protected") {
		t.Errorf("distribution document: got %v; want the protected-file user error", err)
	}
}
