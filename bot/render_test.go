package bot

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/usererr"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// checkGolden compares msgs, as JSON, with testdata/name.golden.
func checkGolden(t *testing.T, name string, msgs []message) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep &lt; and > readable in the golden files
	enc.SetIndent("", "  ")
	if err := enc.Encode(msgs); err != nil {
		t.Fatalf("marshal: %v", err)
	}
	got := buf.Bytes()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update if intended)\ngot:\n%s", path, got)
	}
}

func TestRenderGolden(t *testing.T) {
	report := sampleReport("1.2", 4)
	report.Elements[0].Evidence = "개인정보 보호책임자: 홍길동 <privacy@example.com> & 팀"
	report.Elements = append(report.Elements, knowledge.ElementResult{
		ID: "1.2-e", Label: "여러 줄 근거", Status: knowledge.StatusPresent,
		Evidence: "제5조 (파기)\n전자적 파일은 복구할 수 없도록 삭제합니다.", Line: 12,
	})
	report.Recount()
	report.LLM = true

	cases := []struct {
		name string
		msgs []message
	}{
		{"review", paginate(renderReport(report))},
		{"answer", paginate(renderAnswer(sampleAnswer(), "ask", ""))},
		{"answer_with_notices", paginate(renderAnswer(engine.Answer{
			Answer:  "1.1 항목은 아직 안내 자료가 없어요.",
			Notices: []string{"모델을 사용할 수 없어 검색 결과로만 답했어요."},
			LLM:     false,
		}, "ask", ""))},
		{"guide", paginate(renderAnswer(sampleAnswer(), "guide", "📘 1.3 이용자 보호 및 피해 구제 작성 안내"))},
		{"help", paginate(renderHelp(testItems))},
		{"unknown_item", paginate(renderUnknownItem("1.4", true, testItems))},
		{"no_such_item", paginate(renderUnknownItem("9.9", false, testItems))},
		{"long_question", paginate(renderUserError(usererr.New(usererr.LongQuestion, "질문이 너무 깁니다(1500자).", "question too long (4500 bytes, limit 4000)")))},
		{"draft_in_public", paginate(renderNotice("🔒 초안은 채널에 올리지 말아 주세요."))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkGolden(t, c.name, c.msgs)
			for i, m := range c.msgs {
				raw, _ := json.Marshal(m.Blocks)
				var blocks []map[string]any
				_ = json.Unmarshal(raw, &blocks)
				if code := slackLimitError(m.Text, blocks, maxBlocks); code != "" {
					t.Errorf("message %d over Slack's limits: %s", i, code)
				}
			}
		})
	}
}

func TestPaginateLimits(t *testing.T) {
	longAnswer := strings.Repeat("가나다라마바사 아자차카타파하. ", 4000) // ~68k chars
	cases := []struct {
		name    string
		doc     doc
		maxMsgs int
		wantCut bool
	}{
		{"small review", renderReport(sampleReport("1.2", 3)), 1, false},
		{"48 elements", renderReport(sampleReport("1.2", 48)), 2, false},
		{"2000 elements", renderReport(sampleReport("1.2", 2000)), maxMessages, true},
		{"huge answer", renderAnswer(engine.Answer{Answer: longAnswer}, "ask", ""), maxMessages, true},
		{"one line of 10k chars", renderAnswer(engine.Answer{Answer: strings.Repeat("가", 10000)}, "ask", ""), 1, false},
		{"emoji heavy", renderAnswer(engine.Answer{Answer: strings.Repeat("😀", 5000)}, "ask", ""), 2, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msgs := paginate(c.doc)
			if len(msgs) == 0 || len(msgs) > c.maxMsgs {
				t.Fatalf("messages = %d; want 1..%d", len(msgs), c.maxMsgs)
			}
			cut := false
			for i, m := range msgs {
				if got := len(m.Blocks); got > maxBlocks {
					t.Errorf("message %d: %d blocks; want ≤ %d", i, got, maxBlocks)
				}
				if got := textLen(m.Text); got > maxFallbackText {
					t.Errorf("message %d: text of %d; want ≤ %d", i, got, maxFallbackText)
				}
				for _, b := range m.Blocks {
					if n := blockTextLen(b); n > maxSectionText {
						t.Errorf("message %d: block text of %d; want ≤ %d", i, n, maxSectionText)
					}
				}
				if strings.Contains(blockTexts(asMaps(m.Blocks)), "뒷부분을 생략했어요") {
					cut = true
				}
			}
			if cut != c.wantCut {
				t.Errorf("cut = %v; want %v", cut, c.wantCut)
			}
			last := msgs[len(msgs)-1]
			if !strings.Contains(blockTexts(asMaps(last.Blocks)), "👍") {
				t.Errorf("last message lacks the feedback buttons")
			}
		})
	}
}

func asMaps(blocks any) []map[string]any {
	raw, _ := json.Marshal(blocks)
	var out []map[string]any
	_ = json.Unmarshal(raw, &out)
	return out
}

func TestSplitText(t *testing.T) {
	cases := []struct {
		name string
		in   string
		max  int
		want []string
	}{
		{"fits", "a\nb", 10, []string{"a\nb"}},
		{"at line breaks", "aaaa\nbbbb\ncccc", 10, []string{"aaaa\nbbbb", "cccc"}},
		{"long line cut", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"korean counted by character", "가나다라마바", 4, []string{"가나다라", "마바"}},
		{"emoji count twice", "😀😀😀", 4, []string{"😀😀", "😀"}},
		{"blank lines dropped", "\n\n\n", 4, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := splitText(c.in, c.max)
			if strings.Join(got, "|") != strings.Join(c.want, "|") || len(got) != len(c.want) {
				t.Errorf("splitText(%q, %d) = %q; want %q", c.in, c.max, got, c.want)
			}
		})
	}
}

func TestEscape(t *testing.T) {
	cases := []struct {
		name, in, wantText, wantMrkdwn string
	}{
		{"plain", "보유 기간 1년", "보유 기간 1년", "보유 기간 1년"},
		{"broadcast", "<!channel> 확인", "&lt;!channel&gt; 확인", "&lt;!channel&gt; 확인"},
		{"mention", "<@U123> 님", "&lt;@U123&gt; 님", "&lt;@U123&gt; 님"},
		{"link with a label", "<https://law.go.kr|법령>", "&lt;https://law.go.kr|법령&gt;", "법령 (`https://law.go.kr`)"},
		{"ampersand", "A & B", "A &amp; B", "A &amp; B"},
		{"comparison", "5 < 10 > 3", "5 &lt; 10 &gt; 3", "5 &lt; 10 &gt; 3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := escapeText(c.in); got != c.wantText {
				t.Errorf("escapeText(%q) = %q; want %q", c.in, got, c.wantText)
			}
			if got := escapeMrkdwn(c.in); got != c.wantMrkdwn {
				t.Errorf("escapeMrkdwn(%q) = %q; want %q", c.in, got, c.wantMrkdwn)
			}
		})
	}
}

func TestShrink(t *testing.T) {
	big := paginate(renderReport(sampleReport("1.2", 40)))[0]
	first, ok := shrink(big)
	if !ok || len(first.Blocks) > maxBlocks/2+1 || !first.shrunk() {
		t.Fatalf("first shrink: ok=%v blocks=%d; want ≤ %d blocks, marked", ok, len(first.Blocks), maxBlocks/2+1)
	}
	second, ok := shrink(first)
	if !ok || len(second.Blocks) != 0 || textLen(second.Text) > 1000 {
		t.Fatalf("second shrink: ok=%v blocks=%d text=%d; want text only", ok, len(second.Blocks), textLen(second.Text))
	}
	if _, ok := shrink(second); ok {
		t.Errorf("third shrink still ok; want the end of shrinking")
	}
}

// A link in model text is kept only when its text is its URL and its host
// is one of the sources'; otherwise it is shown as plain text naming its
// real target, so a label cannot lie about where it leads.
func TestLinksInModelText(t *testing.T) {
	hosts := hostSet{"www.digital.go.kr": true}
	cases := []struct {
		name, in, want string
	}{
		{"lying label", "<https://evil.example/x|https://www.digital.go.kr/guide>",
			"https://www.digital.go.kr/guide (`https://evil.example/x`)"},
		{"honest link to a source host", "<https://www.digital.go.kr/guide>", "<https://www.digital.go.kr/guide>"},
		{"label equal to the URL", "<https://www.digital.go.kr/a|https://www.digital.go.kr/a>", "<https://www.digital.go.kr/a>"},
		{"honest link elsewhere", "<https://evil.example/>", "`https://evil.example/`"},
		{"bare URL elsewhere", "참고: https://evil.example/p 입니다", "참고: `https://evil.example/p` 입니다"},
		{"bare URL of a source host", "https://www.digital.go.kr/x", "<https://www.digital.go.kr/x>"},
		{"host spoof with userinfo", "<https://www.digital.go.kr@evil.example/>", "`https://www.digital.go.kr@evil.example/`"},
		{"word label", "<https://www.digital.go.kr/a|여기>", "여기 (`https://www.digital.go.kr/a`)"},
		{"broadcast stays inert", "<!channel> <https://evil.example|x>", "&lt;!channel&gt; x (`https://evil.example`)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := escapeLinks(c.in, hosts); got != c.want {
				t.Errorf("escapeLinks(%q) = %q; want %q", c.in, got, c.want)
			}
		})
	}
}

// The hosts an answer may link to are those its sources mention.
func TestAnswerLinksOnlyToSourceHosts(t *testing.T) {
	a := sampleAnswer()
	a.Sources[0].Text = "자세한 내용은 https://www.digital.go.kr/guide 참고"
	a.Answer = "<https://www.digital.go.kr/guide> 와 <https://evil.example|https://www.digital.go.kr/>"
	got := blockTexts(toMaps(t, paginate(renderAnswer(a, "ask", ""))[0].Blocks))
	if !strings.Contains(got, "<https://www.digital.go.kr/guide>") {
		t.Errorf("the link to the source's host was dropped:\n%s", got)
	}
	if strings.Contains(got, "<https://evil.example") {
		t.Errorf("a lying link survived:\n%s", got)
	}
}

// toMaps turns blocks into the JSON maps the fake Slack sees.
func toMaps(t *testing.T, blocks []slack.Block) []map[string]any {
	t.Helper()
	raw, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// A long fallback text of a multi-part reply is cut before its "(n/N)"
// suffix, which notifications then still show.
func TestFallbackSuffixSurvivesTruncation(t *testing.T) {
	d := doc{Fallback: strings.Repeat("가", 5000), Title: "긴 답변"}
	for range 120 {
		d.Body = append(d.Body, sectionBlock("본문"))
	}
	msgs := paginate(d)
	if len(msgs) < 2 {
		t.Fatalf("pages = %d; want several", len(msgs))
	}
	for i, m := range msgs {
		want := fmt.Sprintf("(%d/%d)", i+1, len(msgs))
		if !strings.HasSuffix(m.Text, want) || textLen(m.Text) > maxFallbackText {
			t.Errorf("part %d text ends %q (len %d); want the suffix %s within %d", i+1, m.Text[len(m.Text)-20:], textLen(m.Text), want, maxFallbackText)
		}
	}
}

// chat.update from a text-only message clears the old blocks.
func TestUpdateOfTextOnlySendsEmptyBlocks(t *testing.T) {
	h := newHarness(t)
	if err := h.bot.updateMessage(t.Context(), h.bot.log, "C1", "1.1", message{Text: "짧은 글"}); err != nil {
		t.Fatal(err)
	}
	u := h.slack.accepted("chat.update")
	if len(u) != 1 || u[0].Blocks == nil || len(u[0].Blocks) != 0 {
		t.Errorf("update = %+v; want blocks: []", u)
	}
}
