package bot

import (
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
)

var testGuide = knowledge.GuideVersion{Title: "시험용 자가 점검표", Basis: "시험 고시 별표1", Round: "3차", Date: "2025-02-01"}

// Every answer and review names the guide it follows in one line above
// its buttons: a mention, an auto answer, a /selfcheck reply, a review in a
// DM; the Home tab names it too.
func TestEveryAnswerNamesTheGuide(t *testing.T) {
	h := staffHarness(t, func(c *Config) { c.Guide = testGuide })
	want := "시험용 자가 점검표」 (3차 · 2025-02-01)"

	h.event(t, eventBody("EvG1", mention("<@UBOT> "+autoQuestion, "1700006000.000001", "")), "")
	h.event(t, eventBody("EvG2", dm("1.3 검토\n"+testDraftWords, "1700006000.000002")), "")
	h.slashIn(t, testStaff, "C1", "channel auto")
	h.event(t, eventBody("EvG3", channelMsg("U1", autoEnglish, "1700006000.000003", "")), "")
	h.settle(t)
	posts := h.slack.accepted("chat.postMessage")
	if len(posts) < 3 {
		t.Fatalf("posts = %d; want a mention answer, a review and an auto answer", len(posts))
	}
	for i, p := range posts {
		if findButton(p.Blocks, actionEscalate) == nil {
			continue // not the last part of an answer
		}
		if body := blockTexts(p.Blocks); !strings.Contains(body, want) {
			t.Errorf("answer %d lacks the guide line:\n%s", i, body)
		}
	}
	ack := h.slashIn(t, "U1", "C1", "1.3")
	if !strings.Contains(ack, want) {
		t.Errorf("/selfcheck 1.3 lacks the guide line: %s", ack)
	}

	h.event(t, homeOpened("EvGH", "U1", "home"), "")
	h.settle(t)
	home := h.slack.waitMethod(t, "views.publish", 1)[0]
	if body := blockTexts(home.Blocks); !strings.Contains(body, want) {
		t.Errorf("home tab lacks the guide line:\n%s", body)
	}
}

// A source with a public page in the knowledge data links to it; others
// stay plain text.
func TestSourceLinksToPublicPage(t *testing.T) {
	d := renderAnswer(engine.Answer{Answer: "심사 절차는 네 단계예요.", Known: true, Sources: []engine.Source{
		{Kind: "about", KindName: "심사 일반", Title: "심사 절차", URL: "https://digitalmarket.kr"},
		{Kind: "guidance", KindName: "작성 지침", Title: "침해사고 대응", URL: "javascript:alert(1)"},
	}}, "ask", "")
	body := blockTexts(toMaps(t, d.Body))
	if !strings.Contains(body, "<https://digitalmarket.kr|심사 일반 · 심사 절차>") {
		t.Errorf("procedure source not linked:\n%s", body)
	}
	if strings.Contains(body, "javascript") {
		t.Errorf("an unsafe address became a link:\n%s", body)
	}
}
