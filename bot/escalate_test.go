package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/stats"
)

const (
	testStaff      = "U0STAFF9"
	testSupportCh  = "C0SUPPORT"
	testDraftWords = "우리 회사는 고객 피해를 3일 안에 처리합니다"
)

// openStats opens a statistics store in a temporary directory.
func openStats(t *testing.T) *stats.Store {
	t.Helper()
	st, err := stats.Open(context.Background(), stats.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// report flushes st and returns the overview of the last 7 days.
func report(t *testing.T, st *stats.Store) stats.Report {
	t.Helper()
	if err := st.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	r, err := st.Report(context.Background(), 7)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func escalations(r stats.Report) (opened, resolved int) {
	for _, e := range r.Escalations {
		opened += e.Opened
		resolved += e.Resolved
	}
	return opened, resolved
}

// findButton returns the button with actionID in blocks, or nil.
func findButton(blocks []map[string]any, actionID string) map[string]any {
	for _, b := range blocks {
		if b["type"] != "actions" {
			continue
		}
		els, _ := b["elements"].([]any)
		for _, e := range els {
			if m, _ := e.(map[string]any); m["action_id"] == actionID {
				return m
			}
		}
	}
	return nil
}

// buttonClick is a block_actions payload for a click on a button of the
// message at msgTS in channel (in thread threadTS); blocks are the
// message's, nil for an ephemeral one.
func buttonClick(user, channel, msgTS, threadTS, action, value, responseURL string, blocks []map[string]any) map[string]any {
	container := map[string]any{"type": "message", "message_ts": msgTS, "channel_id": channel, "is_ephemeral": blocks == nil}
	if threadTS != "" {
		container["thread_ts"] = threadTS
	}
	p := map[string]any{
		"type":         "block_actions",
		"user":         map[string]any{"id": user},
		"channel":      map[string]any{"id": channel},
		"container":    container,
		"response_url": responseURL,
		"actions": []map[string]any{{
			"action_id": action, "block_id": "b", "value": value, "type": "button", "action_ts": "1700000200.000001",
		}},
	}
	if blocks != nil {
		m := map[string]any{"type": "message", "ts": msgTS, "text": "답변", "blocks": blocks}
		if threadTS != "" {
			m["thread_ts"] = threadTS
		}
		p["message"] = m
	}
	return p
}

func (h *harness) clickButton(t *testing.T, payload map[string]any) {
	t.Helper()
	if status, _ := h.interact(t, payload); status != 200 {
		t.Fatalf("interaction status = %d", status)
	}
	h.settle(t)
}

// An answer in a channel thread carries 담당자에게 묻기; a click posts in
// that thread a message mentioning the staff with the question's link,
// a copy goes to the support channel, the stats count one escalation,
// and a second click by the same user does not post again.
func TestEscalationInThread(t *testing.T) {
	st := openStats(t)
	h := newHarness(t, func(c *Config) {
		c.SupportStaff = []string{testStaff}
		c.SupportChannel = testSupportCh
		c.Stats = st
	})
	const question = "1700003000.000100"
	h.event(t, eventBody("EvEsc1", mention("<@UBOT> 피해 구제 절차는 어떻게 쓰나요?", question, "")), "")
	h.settle(t)
	answer := h.slack.waitMethod(t, "chat.postMessage", 1)[0]
	btn := findButton(answer.Blocks, actionEscalate)
	if btn == nil {
		t.Fatalf("answer has no escalation button: %s", blockTexts(answer.Blocks))
	}
	click := buttonClick("U1", "C1", answer.TS, question, actionEscalate, btn["value"].(string), h.resp.url("esc"), answer.Blocks)
	h.clickButton(t, click)

	links := h.slack.callsOf("chat.getPermalink")
	if len(links) != 1 || links[0].TS != question || links[0].Channel != "C1" {
		t.Fatalf("permalink calls = %+v; want one for the question %s", links, question)
	}
	posts := h.slack.callsOf("chat.postMessage")[1:]
	if len(posts) != 2 {
		t.Fatalf("escalation posts = %d; want the thread and the support channel: %+v", len(posts), posts)
	}
	inThread, toTeam := posts[0], posts[1]
	if toTeam.Channel == "C1" {
		inThread, toTeam = toTeam, inThread
	}
	body := blockTexts(inThread.Blocks)
	if inThread.Channel != "C1" || inThread.ThreadTS != question {
		t.Errorf("escalation posted to %s/%s; want the thread C1/%s", inThread.Channel, inThread.ThreadTS, question)
	}
	for _, want := range []string{"<@" + testStaff + ">", "<@U1>", "https://example.slack.com/archives/C1/p1700003000000100"} {
		if !strings.Contains(body, want) {
			t.Errorf("thread escalation lacks %q:\n%s", want, body)
		}
	}
	if findButton(inThread.Blocks, actionResolve) == nil {
		t.Errorf("thread escalation has no 해결됨 button")
	}
	if toTeam.Channel != testSupportCh || !strings.Contains(blockTexts(toTeam.Blocks), "archives/C1/p1700003000000100") {
		t.Errorf("support channel copy = %s %q", toTeam.Channel, blockTexts(toTeam.Blocks))
	}
	if opened, _ := escalations(report(t, st)); opened != 1 {
		t.Errorf("escalations opened = %d; want 1", opened)
	}

	h.clickButton(t, click)
	if n := len(h.slack.callsOf("chat.postMessage")); n != 3 {
		t.Errorf("posts after a second click = %d; want still 3", n)
	}
	if got := h.resp.all(); len(got) != 1 || !strings.Contains(got[0].Text, "이미") {
		t.Errorf("second click told %+v; want a private 'already sent'", got)
	}
	if opened, _ := escalations(report(t, st)); opened != 1 {
		t.Errorf("escalations opened after a second click = %d; want 1", opened)
	}
}

// A review is private: its escalation goes to the support channel (or,
// without one, to the staff by DM) with the user and the item only,
// never the draft, and nothing is posted where the review was.
func TestEscalationOfPrivateReview(t *testing.T) {
	for _, tc := range []struct {
		name, channel, wantTo string
	}{
		{"to the support channel", testSupportCh, testSupportCh},
		{"to the staff by DM", "", testStaff},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, func(c *Config) {
				c.SupportStaff = []string{testStaff}
				c.SupportChannel = tc.channel
			})
			h.event(t, eventBody("EvEscR", dm("1.3 검토\n"+testDraftWords, "1700003100.000100")), "")
			h.settle(t)
			review := h.slack.waitMethod(t, "chat.postMessage", 1)
			last := review[len(review)-1]
			btn := findButton(last.Blocks, actionEscalate)
			if btn == nil {
				t.Fatalf("review has no escalation button")
			}
			before := len(h.slack.callsOf("chat.postMessage"))
			h.clickButton(t, buttonClick("U1", "D1", last.TS, "", actionEscalate, btn["value"].(string), h.resp.url("r"), last.Blocks))

			posts := h.slack.callsOf("chat.postMessage")[before:]
			if len(posts) != 1 {
				t.Fatalf("escalation posts = %+v; want one", posts)
			}
			p := posts[0]
			text := p.Text + blockTexts(p.Blocks)
			if p.Channel != tc.wantTo {
				t.Errorf("escalation went to %s; want %s", p.Channel, tc.wantTo)
			}
			for _, want := range []string{"<@U1>", "1.3", textPrivateReview} {
				if !strings.Contains(text, want) {
					t.Errorf("escalation lacks %q: %s", want, text)
				}
			}
			for _, leak := range []string{"고객 피해", "3일", "archives", "검토 결과"} {
				if strings.Contains(text, leak) {
					t.Errorf("escalation of a private review carries %q: %s", leak, text)
				}
			}
			if n := len(h.slack.callsOf("chat.getPermalink")); n != 0 {
				t.Errorf("permalink asked for a private review")
			}
			if got := h.resp.all(); len(got) != 1 || got[0].ResponseType != "ephemeral" || !strings.Contains(got[0].Text, "전달했어요") {
				t.Errorf("user told %+v; want a private confirmation", got)
			}
		})
	}
}

// Without a support team configured the button explains that instead of
// doing nothing.
func TestEscalationWithoutTeam(t *testing.T) {
	h := newHarness(t)
	h.event(t, eventBody("EvEscN", mention("<@UBOT> 1.3", "1700003200.000100", "")), "")
	h.settle(t)
	answer := h.slack.waitMethod(t, "chat.postMessage", 1)[0]
	btn := findButton(answer.Blocks, actionEscalate)
	h.clickButton(t, buttonClick("U1", "C1", answer.TS, "1700003200.000100", actionEscalate, btn["value"].(string), h.resp.url("n"), answer.Blocks))
	if n := len(h.slack.callsOf("chat.postMessage")); n != 1 {
		t.Errorf("posts = %d; want only the answer", n)
	}
	if got := h.resp.all(); len(got) != 1 || !strings.Contains(got[0].Text, "SUPPORT_CHANNEL") {
		t.Errorf("user told %+v; want 'not set up'", got)
	}
}

// 해결됨 is for staff: anyone else is refused privately and nothing
// changes; staff resolve it once, the message shows who did, and the
// stats count one resolved.
func TestResolveStaffOnly(t *testing.T) {
	st := openStats(t)
	h := newHarness(t, func(c *Config) {
		c.SupportStaff = []string{testStaff}
		c.Stats = st
	})
	const question = "1700003300.000100"
	h.event(t, eventBody("EvRes", mention("<@UBOT> 1.3", question, "")), "")
	h.settle(t)
	answer := h.slack.waitMethod(t, "chat.postMessage", 1)[0]
	btn := findButton(answer.Blocks, actionEscalate)
	h.clickButton(t, buttonClick("U1", "C1", answer.TS, question, actionEscalate, btn["value"].(string), h.resp.url("e"), answer.Blocks))
	esc := h.slack.waitMethod(t, "chat.postMessage", 2)[1]
	rb := findButton(esc.Blocks, actionResolve)
	if rb == nil {
		t.Fatalf("escalation has no 해결됨 button: %s", blockTexts(esc.Blocks))
	}

	for _, user := range []string{"U1", "U0OTHER1"} {
		h.clickButton(t, buttonClick(user, "C1", esc.TS, question, actionResolve, rb["value"].(string), h.resp.url("x"+user), esc.Blocks))
	}
	if n := len(h.slack.callsOf("chat.update")); n != 0 {
		t.Errorf("non-staff click updated the message")
	}
	refusals := h.resp.all()
	if len(refusals) != 2 {
		t.Fatalf("refusals = %+v; want one per non-staff click", refusals)
	}
	for _, r := range refusals {
		if r.ResponseType != "ephemeral" || !strings.Contains(r.Text, "지원 담당자만") {
			t.Errorf("refusal = %+v", r)
		}
	}
	if _, resolved := escalations(report(t, st)); resolved != 0 {
		t.Errorf("resolved after non-staff clicks = %d; want 0", resolved)
	}

	staffClick := buttonClick(testStaff, "C1", esc.TS, question, actionResolve, rb["value"].(string), h.resp.url("s"), esc.Blocks)
	h.clickButton(t, staffClick)
	ups := h.slack.waitMethod(t, "chat.update", 1)
	if body := blockTexts(ups[0].Blocks); !strings.Contains(body, "<@"+testStaff+">님이 해결됨") || findButton(ups[0].Blocks, actionResolve) != nil {
		t.Errorf("resolved message = %s", body)
	}
	h.clickButton(t, staffClick)
	if n := len(h.slack.callsOf("chat.update")); n != 1 {
		t.Errorf("updates after a second resolve = %d; want 1", n)
	}
	opened, resolved := escalations(report(t, st))
	if opened != 1 || resolved != 1 {
		t.Errorf("escalations opened %d, resolved %d; want 1 and 1", opened, resolved)
	}
}

// With a user group configured, the thread message mentions the group
// rather than the staff one by one.
func TestEscalationMentionsGroup(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.SupportStaff = []string{testStaff}
		c.SupportGroup = "S0TEAM1"
	})
	const question = "1700003400.000100"
	h.event(t, eventBody("EvEscG", mention("<@UBOT> 1.3", question, "")), "")
	h.settle(t)
	answer := h.slack.waitMethod(t, "chat.postMessage", 1)[0]
	btn := findButton(answer.Blocks, actionEscalate)
	h.clickButton(t, buttonClick("U1", "C1", answer.TS, question, actionEscalate, btn["value"].(string), h.resp.url("g"), answer.Blocks))
	posts := h.slack.callsOf("chat.postMessage")
	if len(posts) != 2 {
		t.Fatalf("posts = %d; want the answer and the escalation", len(posts))
	}
	body := blockTexts(posts[1].Blocks)
	if !strings.Contains(body, "<!subteam^S0TEAM1>") || strings.Contains(body, "<@"+testStaff+">") {
		t.Errorf("escalation = %s; want the group mentioned, not the staff", body)
	}
}

// Support settings that are not Slack IDs are refused by New.
func TestSupportConfigChecked(t *testing.T) {
	for _, cfg := range []Config{
		{SupportChannel: "#support"},
		{SupportChannel: "U0123ABCD"},
		{SupportGroup: "@support"},
	} {
		cfg.BotToken, cfg.SigningSecret = testBotToken, testSecret
		cfg.Answerer, cfg.Reviewer = &fakeEngine{}, &fakeEngine{}
		if _, err := New(cfg); err == nil {
			t.Errorf("New accepted channel %q group %q", cfg.SupportChannel, cfg.SupportGroup)
		}
	}
}
