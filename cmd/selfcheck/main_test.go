package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/knowledge"
)

var update = flag.Bool("update", false, "rewrite golden files")

// cli runs the program as a user would, with a private DATA_DIR and the
// model off, and returns stdout, stderr and the exit status.
func cli(t *testing.T, env map[string]string, stdin string, args ...string) (string, string, int) {
	t.Helper()
	vars := map[string]string{"DATA_DIR": t.TempDir()}
	for k, v := range env {
		vars[k] = v
	}
	var out, errb bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return vars[k] }, strings.NewReader(stdin), &out, &errb)
	code := exitCode(err, &errb)
	return out.String(), errb.String(), code
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test ./cmd/selfcheck -update): %v", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update if intended):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestExitCodes(t *testing.T) {
	big := strings.Repeat("가나다라마바사\n", 12000) // > 200 KB
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		msg   string // in stderr
	}{
		{"no command prints usage", "", nil, 0, ""},
		{"help", "", []string{"help"}, 0, ""},
		{"unknown command", "", []string{"frobnicate"}, 2, "unknown command"},
		{"review complete draft", "", []string{"review", "3.2", "../../testdata/drafts/3.2-draft.txt"}, 0, ""},
		{"review with missing elements is still a success", "", []string{"review", "1.2", "../../testdata/drafts/1.2-draft.txt"}, 0, ""},
		{"review from stdin", "고객센터 대표전화로 문의를 받습니다.", []string{"review", "3.2", "-"}, 0, ""},
		{"review without item", "", []string{"review"}, 2, "usage"},
		{"review unknown item", "", []string{"review", "1.4", "../../testdata/drafts/1.2-draft.txt"}, 2, "1.4"},
		{"review empty draft", "  \n", []string{"review", "1.2", "-"}, 2, "비어"},
		{"review too large", big, []string{"review", "1.2"}, 2, "too large"},
		{"review missing file", "", []string{"review", "1.2", "no/such/file.txt"}, 2, "no/such/file.txt이(가) 없습니다"},
		{"extract missing file", "", []string{"extract", "nope.pdf"}, 2, "파일 nope.pdf이(가) 없습니다. 경로를 확인해 주세요. (cannot read file nope.pdf: no such file)"},
		{"review item without guidance, in Korean", "", []string{"review", "1.4", "../../testdata/drafts/1.2-draft.txt"}, 2, "1.4 항목은 체크리스트에 번호만 있고 아직 안내가 없어"},
		{"review item the checklist lacks", "", []string{"review", "9.9", "../../testdata/drafts/1.2-draft.txt"}, 2, "체크리스트에 9.9 항목은 없습니다"},
		{"review --help", "", []string{"review", "--help"}, 0, ""},
		{"review bad service", "", []string{"review", "--service", "cloudy", "3.1", "-"}, 2, "--service"},
		{"review bad flag", "", []string{"review", "--jsn", "1.2"}, 2, "jsn"},
		{"ask without question", "", []string{"ask"}, 2, "needs a question"},
		{"ask", "", []string{"ask", "비밀번호는", "어떻게", "저장하나요?"}, 0, ""},
		{"ask unknown item is an answer", "", []string{"ask", "1.4에는 무엇이 필요한가요?"}, 0, ""},
		{"ask too long", strings.Repeat("가", 1500), []string{"ask", "-"}, 2, "질문이 너무 깁니다"},
		{"items", "", []string{"items"}, 0, ""},
		{"index", "", []string{"index"}, 0, ""},
		{"bad EMBEDDINGS", "", []string{"items"}, 2, "EMBEDDINGS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			if tt.name == "bad EMBEDDINGS" {
				env["EMBEDDINGS"] = "quantum"
			}
			_, stderr, code := cli(t, env, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d (stderr %q); want %d", code, stderr, tt.code)
			}
			if tt.msg != "" && !strings.Contains(stderr, tt.msg) {
				t.Errorf("stderr %q; want it to mention %q", stderr, tt.msg)
			}
		})
	}
}

func TestInternalFailureExitsOne(t *testing.T) {
	if got := exitCode(errors.New("disk on fire"), &bytes.Buffer{}); got != 1 {
		t.Errorf("exit %d for an internal error; want 1", got)
	}
}

func TestKnowledgeDir(t *testing.T) {
	dir := t.TempDir()
	_, stderr, code := cli(t, map[string]string{"KNOWLEDGE_DIR": dir}, "", "items")
	if code != 2 || !strings.Contains(stderr, "usage.yaml") {
		t.Errorf("empty KNOWLEDGE_DIR: exit %d, stderr %q; want 2 naming the missing file", code, stderr)
	}
	_, stderr, code = cli(t, map[string]string{"KNOWLEDGE_DIR": filepath.Join(dir, "nope")}, "", "items")
	if code != 2 || !strings.Contains(stderr, "KNOWLEDGE_DIR") {
		t.Errorf("missing KNOWLEDGE_DIR: exit %d, stderr %q; want 2 naming the variable", code, stderr)
	}
}

func TestReviewJSONShape(t *testing.T) {
	out, stderr, code := cli(t, nil, "", "review", "--json", "1.3", "../../testdata/drafts/1.3-draft.txt")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Item     string `json:"item"`
		Title    string `json:"title"`
		Elements []struct {
			ID       string `json:"id"`
			Label    string `json:"label"`
			Status   string `json:"status"`
			Evidence string `json:"evidence"`
			Line     int    `json:"line"`
			Note     string `json:"note"`
		} `json:"elements"`
		Summary map[string]int `json:"summary"`
		LLM     *bool          `json:"llm"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, k := range []string{"item", "title", "elements", "summary", "notices", "llm", "model"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("JSON has no %q", k)
		}
	}
	if string(raw["notices"]) == "null" {
		t.Errorf("notices is null; want a list")
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Item != "1.3" || got.Title == "" || len(got.Elements) != 7 || got.LLM == nil || *got.LLM {
		t.Errorf("got item %q title %q %d elements llm %v; want 1.3, a title, 7 elements, llm false", got.Item, got.Title, len(got.Elements), got.LLM)
	}
	statuses := map[string]bool{"present": true, "partial": true, "missing": true, "not_applicable": true}
	total := 0
	for _, e := range got.Elements {
		if !statuses[e.Status] {
			t.Errorf("%s: status %q is not in the contract", e.ID, e.Status)
		}
		if e.Status == "present" && (e.Evidence == "" || e.Line == 0) {
			t.Errorf("%s: present without evidence and line", e.ID)
		}
		if e.Status == "missing" && e.Note == "" {
			t.Errorf("%s: missing without a note", e.ID)
		}
	}
	for _, k := range []string{"present", "partial", "missing", "not_applicable"} {
		total += got.Summary[k]
	}
	if total != 7 {
		t.Errorf("summary %v counts %d elements; want 7", got.Summary, total)
	}
	if d := got.Elements[3]; d.ID != "1.3-d" || d.Status != "partial" || !strings.Contains(d.Evidence, "MD5") {
		t.Errorf("1.3-d: %+v; want partial with the MD5 line as evidence", d)
	}
}

func TestAskJSONShape(t *testing.T) {
	out, stderr, code := cli(t, nil, "", "ask", "--json", "고객 문의 창구는 몇 개 필요한가요?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Item    string `json:"item"`
		Answer  string `json:"answer"`
		Sources []struct {
			Item  string   `json:"item"`
			Kind  string   `json:"kind"`
			Title string   `json:"title"`
			Score *float64 `json:"score"`
		} `json:"sources"`
		LLM *bool `json:"llm"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got.Item != "3.2" || got.Answer == "" || got.LLM == nil || *got.LLM || len(got.Sources) == 0 {
		t.Fatalf("got %+v; want item 3.2, an answer, sources, llm false", got)
	}
	for _, s := range got.Sources {
		if s.Item == "" || s.Kind == "" || s.Title == "" || s.Score == nil {
			t.Errorf("source %+v lacks item, kind, title or score", s)
		}
	}
	var raw map[string]json.RawMessage
	json.Unmarshal([]byte(out), &raw)
	for _, k := range []string{"item", "element", "answer", "sources", "known", "llm", "model", "notices"} {
		if v, ok := raw[k]; !ok || string(v) == "null" {
			t.Errorf("ask --json: %q is %s; want it present, not null (README)", k, v)
		}
	}
	out, _, _ = cli(t, nil, "", "ask", "--json", "점심 메뉴 추천해줘")
	var none struct {
		Item    string            `json:"item"`
		Sources []json.RawMessage `json:"sources"`
	}
	json.Unmarshal([]byte(out), &none)
	if none.Item != "" {
		t.Errorf("unrelated question routed to %q; want empty item", none.Item)
	}
}

func TestGoldenOutput(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		stdin string
	}{
		{"review-1.2.golden", []string{"review", "1.2", "../../testdata/drafts/1.2-draft.txt"}, ""},
		{"review-1.3-no-personal-data.golden", []string{"review", "1.3", "../../testdata/drafts/1.3-no-personal-data.txt"}, ""},
		{"review-3.1.golden", []string{"review", "3.1", "-"}, "서비스유형: 컨설팅\n조직도와 팀별 담당업무는 별첨과 같습니다.\n"},
		{"ask-password.golden", []string{"ask", "비밀번호는 어떻게 저장해야 하나요?"}, ""},
		{"ask-1.4.golden", []string{"ask", "1.4에는 무엇이 포함되어야 하나요?"}, ""},
		{"ask-9.9.golden", []string{"ask", "9.9 항목에는 뭐가 들어가요?"}, ""},
		{"help-review.golden", []string{"review", "--help"}, ""},
		// Focused answers: the part asked about first, then a pointer.
		{"ask-exemption.golden", []string{"ask", "CSAP 보안인증을 받았으면 1.2는 안 써도 돼요?"}, ""},
		{"ask-legal-article.golden", []string{"ask", "정보통신망법 제48조의4는 체크리스트의 어느 항목과 관련 있나요?"}, ""},
		{"ask-transit-version.golden", []string{"ask", "TLS 1.2 이상만 열어뒀는데 전송구간 암호화는 어떻게 적어요?"}, ""},
		{"ask-english-training.golden", []string{"ask", "How do we show that our engineers completed cloud training?"}, ""},
		{"ask-feedback-flow.golden", []string{"ask", "고객 문의 받아서 답변까지 처리하는 절차는 어떻게 써요?"}, ""},
		{"ask-overview-1.3.golden", []string{"ask", "What must 1.3 include?"}, ""},
		{"items.golden", []string{"items"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := cli(t, nil, tt.stdin, tt.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			golden(t, tt.name, out)
		})
	}
}

// TestAskOffersCannedAnswer: an answer saved with 'canned add' is offered
// by 'ask' for a question on its topic, and not for another.
func TestAskOffersCannedAnswer(t *testing.T) {
	env := map[string]string{"DATA_DIR": t.TempDir()}
	text := "고객의견 수렴채널은 1개 이상이면 됩니다. FAQ, 1:1 문의, 고객센터 중 운영하는 채널을 모두 적으세요."
	if _, stderr, code := cli(t, env, text, "canned", "add", "feedback-channel-count", "--item", "3.2", "--tags", "수렴채널"); code != 0 {
		t.Fatalf("canned add: exit %d: %s", code, stderr)
	}
	out, stderr, code := cli(t, env, "", "ask", "--json", "고객의견 수렴채널은 몇 개 필요해요?")
	if code != 0 {
		t.Fatalf("ask: exit %d: %s", code, stderr)
	}
	var got struct {
		Canned *struct {
			Name string `json:"name"`
		} `json:"canned"`
		Sources []struct {
			Kind string `json:"kind"`
		} `json:"sources"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Canned == nil || got.Canned.Name != "feedback-channel-count" || len(got.Sources) == 0 || got.Sources[0].Kind == "canned" {
		t.Errorf("got %s; want the canned answer offered first, outside the numbered sources", out)
	}
	out, _, _ = cli(t, env, "", "ask", "--json", "비밀번호는 어떻게 저장하나요?")
	if strings.Contains(out, `"canned"`) {
		t.Errorf("canned answer offered for an unrelated question: %s", out)
	}
}

// TestKnowledgeDirOverridesEmbedded: a copy of the data files, edited, is
// what the CLI uses when KNOWLEDGE_DIR points at it.
func TestKnowledgeDirOverridesEmbedded(t *testing.T) {
	dir := t.TempDir()
	err := fs.WalkDir(knowledge.Embedded(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, p), 0o755)
		}
		b, err := fs.ReadFile(knowledge.Embedded(), p)
		if err != nil {
			return err
		}
		if p == "items/3.2.yaml" {
			b = bytes.Replace(b, []byte("title: 고객대응 관리체계"), []byte("title: 고객대응 관리체계 (사내 개정판)"), 1)
		}
		return os.WriteFile(filepath.Join(dir, p), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	out, stderr, code := cli(t, map[string]string{"KNOWLEDGE_DIR": dir}, "", "items")
	if code != 0 || !strings.Contains(out, "고객대응 관리체계 (사내 개정판)") {
		t.Errorf("exit %d, output %q (%s); want the edited title from KNOWLEDGE_DIR", code, out, stderr)
	}
}

// TestServeFailsFastOnSettings: a missing token stops 'serve' at once,
// naming the variable, before the index is built in DATA_DIR.
func TestServeFailsFastOnSettings(t *testing.T) {
	dataDir := t.TempDir()
	_, stderr, code := cli(t, map[string]string{"DATA_DIR": dataDir}, "", "serve")
	if code != 2 || !strings.Contains(stderr, "SLACK_BOT_TOKEN") {
		t.Errorf("exit %d, stderr %q; want 2 naming SLACK_BOT_TOKEN", code, stderr)
	}
	if entries, _ := os.ReadDir(dataDir); len(entries) != 0 {
		t.Errorf("DATA_DIR has %d entries; want nothing built before the settings are checked", len(entries))
	}
}

// items --json names the guide the knowledge follows, as the checklist
// states it, next to the items.
func TestItemsJSONHasVersion(t *testing.T) {
	out, stderr, code := cli(t, nil, "", "items", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Version struct {
			Title, Basis, Round, Date string
		} `json:"version"`
		Items []struct{ ID string } `json:"items"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("items --json: %v\n%s", err, out)
	}
	if got.Version.Title == "" || got.Version.Basis == "" || len(got.Items) == 0 || got.Items[len(got.Items)-1].ID != "I" {
		t.Errorf("items --json = %+v; want the guide's title and basis and the items, section I last", got)
	}
}

// The command line says things in its own terms: no golden file of its
// output has Slack's markup (*bold*, `code`, /selfcheck hints).
func TestCLIGoldensHaveNoSlackMarkup(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.golden"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	markup := regexp.MustCompile("\\*[^*\\s][^*\\n]*\\*|`|/selfcheck")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := markup.Find(b); m != nil {
			t.Errorf("%s has Slack markup %q", f, m)
		}
	}
}

// Bold only on a terminal, and never with NO_COLOR.
func TestStyle(t *testing.T) {
	if st := styleFor(&bytes.Buffer{}, config{}); st.color {
		t.Error("colour into a buffer")
	}
	if st := styleFor(os.Stdout, config{NoColor: true}); st.color {
		t.Error("colour with NO_COLOR set")
	}
	if got := (style{color: true}).strong("1.3"); got != "\x1b[1m1.3\x1b[0m" {
		t.Errorf("strong = %q", got)
	}
	if got := (style{}).strong("1.3"); got != "1.3" {
		t.Errorf("strong without colour = %q", got)
	}
	cfg, err := loadConfig(func(k string) string { return map[string]string{"NO_COLOR": "1"}[k] })
	if err != nil || !cfg.NoColor {
		t.Errorf("NO_COLOR=1: %+v, %v", cfg.NoColor, err)
	}
}
