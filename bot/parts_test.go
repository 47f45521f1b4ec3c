package bot

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/retrieval"
)

// The engine's own answers, rendered for Slack: mrkdwn headings and hints
// as /selfcheck commands, where the command line's golden files of the
// same questions (cmd/selfcheck/testdata) have plain text and selfcheck
// commands.
func TestEngineAnswersInMrkdwn(t *testing.T) {
	kb, err := knowledge.Load(knowledge.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	ix, err := retrieval.Open(t.Context(), retrieval.Config{}, kb)
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(engine.Config{Knowledge: kb, Index: ix})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ golden, cli, question string }{
		{"engine_exemption", "ask-exemption.golden", "CSAP 보안인증을 받았으면 1.2는 안 써도 돼요?"},
		{"engine_overview_en", "ask-overview-1.3.golden", "What must 1.3 include?"},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			a, err := e.Ask(t.Context(), c.question)
			if err != nil {
				t.Fatal(err)
			}
			msgs := paginate(renderAnswer(a, "ask", ""))
			checkGolden(t, c.golden, msgs)
			text := blockTexts(blocksOf(t, msgs))
			if !strings.Contains(text, "`/selfcheck "+a.Item) || !strings.Contains(text, "*"+a.Item+" ") {
				t.Errorf("Slack rendering without mrkdwn heading or /selfcheck hint:\n%s", text)
			}
			cli, err := os.ReadFile(filepath.Join("..", "cmd", "selfcheck", "testdata", c.cli))
			if err != nil {
				t.Fatal(err)
			}
			if s := string(cli); strings.Contains(s, "/selfcheck") || strings.Contains(s, "`") || strings.Contains(s, "*"+a.Item) {
				t.Errorf("%s has Slack markup:\n%s", c.cli, s)
			}
		})
	}
}

// blocksOf decodes the blocks of every message, for blockTexts.
func blocksOf(t *testing.T, msgs []message) []map[string]any {
	t.Helper()
	var all []map[string]any
	for _, m := range msgs {
		raw, err := json.Marshal(m.Blocks)
		if err != nil {
			t.Fatal(err)
		}
		var blocks []map[string]any
		if err := json.Unmarshal(raw, &blocks); err != nil {
			t.Fatal(err)
		}
		all = append(all, blocks...)
	}
	return all
}

// A note whose default tells a command-line user to pass a flag is worded
// in Slack's terms: the review's real note for a cloud service's 3.1-c.
func TestNotesInSlackTerms(t *testing.T) {
	kb, err := knowledge.Load(knowledge.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := kb.Review("3.1", "서비스 유형: 클라우드컴퓨팅서비스(IaaS)\n조직도와 팀별 담당업무는 별첨과 같습니다.\n", knowledge.ReviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c, ok := rep.Element("3.1-c")
	if !ok || c.NoteCode == "" || !strings.Contains(c.Note, "--service support") {
		t.Fatalf("3.1-c = %+v; want a coded note whose default names --service", c)
	}
	got := blockTexts(blocksOf(t, paginate(renderReport(rep))))
	if strings.Contains(got, "--service") || !strings.Contains(got, "서비스 유형: 컨설팅") || !strings.Contains(got, "클라우드컴퓨팅서비스로 판단해") {
		t.Errorf("the Slack review says:\n%s\nwant the note in Slack's terms, without --service", got)
	}
	for code := range slackNotes() {
		if kb.NoteText(code, false, nil) == code {
			t.Errorf("bot/data/notes.yaml words %q, which knowledge/data/messages.yaml does not have", code)
		}
	}
}

// A file's heading with a number the checklist does not have is named
// as such, apart from an item without guidance.
func TestFormOverviewNumbers(t *testing.T) {
	d := renderFormOverview(engine.FormReport{UnknownSections: []string{"1.4"}, NotInChecklist: []string{"9.9"}}, "", "", "")
	got := blockTexts(blocksOf(t, paginate(d)))
	if !strings.Contains(got, "*9.9* — 체크리스트에 없는 항목 번호예요") || !strings.Contains(got, "*1.4* — 아직 안내가 없는 항목") {
		t.Errorf("overview:\n%s", got)
	}
}
