package bot

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/botstate"
	"github.com/selfcheck/selfcheck/canned"
	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/retrieval"
)

// withTrigger adds the trigger_id Slack sends with a click, which
// views.open needs.
func withTrigger(p map[string]any) map[string]any {
	p["trigger_id"] = "trig-esc"
	return p
}

// escalationSubmission is the submitted escalation modal: the view as the
// bot opened it, with what the user chose and wrote.
func escalationSubmission(user string, view map[string]any, urgency, unclear string) map[string]any {
	return map[string]any{
		"type": "view_submission", "user": map[string]any{"id": user}, "trigger_id": "trig-3",
		"view": map[string]any{
			"id": "V2", "type": "modal", "callback_id": callbackEscalate, "private_metadata": view["private_metadata"],
			"state": map[string]any{"values": map[string]any{
				blockEscUnclear: map[string]any{actionCannedInput: map[string]any{"type": "plain_text_input", "value": unclear}},
				blockEscUrgency: map[string]any{actionCannedInput: map[string]any{"type": "radio_buttons",
					"selected_option": map[string]any{"value": urgency, "text": map[string]any{"type": "plain_text", "text": urgency}}}},
			}},
		},
	}
}

// "담당자에게 묻기" opens a modal; its answers reach staff with the item,
// the urgency, what is unclear and the question, masked, with the thread's
// link; the Home tab lists the request, and the first staff reply in the
// thread is timed.
func TestEscalationModalCarriesContext(t *testing.T) {
	h := staffHarness(t, func(c *Config) { c.SupportChannel = testSupportCh })
	const q = "1700007000.000100"
	question := "<@UBOT> 담당자 박지민 010-1234-5678 입니다. 개인정보 파기 절차는 정책서 어디에 적나요?"
	h.slack.addHistory("C1", q, "", "U1", question)
	h.event(t, eventBody("EvEM", mention(question, q, "")), "")
	h.settle(t)
	answer := h.slack.waitMethod(t, "chat.postMessage", 1)[0]
	btn := findButton(answer.Blocks, actionEscalate)
	h.clickButton(t, withTrigger(buttonClick("U1", "C1", answer.TS, q, actionEscalate, btn["value"].(string), h.resp.url("em"), answer.Blocks)))

	if n := len(h.slack.callsOf("chat.postMessage")); n != 1 {
		t.Fatalf("posts before the modal is submitted = %d; want only the answer", n)
	}
	opened := h.slack.waitMethod(t, "views.open", 1)[0]
	if opened.TriggerID != "trig-esc" || opened.View["callback_id"] != callbackEscalate ||
		viewInput(opened.View, blockEscUnclear) == nil || viewInput(opened.View, blockEscUrgency) == nil {
		t.Fatalf("modal = %v", opened.View)
	}
	if status, _ := h.interact(t, escalationSubmission("U1", opened.View, botstate.UrgencyToday,
		"보관 기간이 우리 서비스에도 해당하는지 모르겠어요. 제 번호는 010-9876-5432예요.")); status != 200 {
		t.Fatalf("submission status = %d", status)
	}
	h.settle(t)
	posts := h.slack.callsOf("chat.postMessage")[1:]
	if len(posts) != 2 {
		t.Fatalf("escalation posts = %d; want the thread and the support channel", len(posts))
	}
	for _, p := range posts {
		body := blockTexts(p.Blocks)
		for _, want := range []string{"오늘 마감", "1.3", "보관 기간이 우리 서비스에도", "archives/C1/p1700007000000100"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: escalation lacks %q:\n%s", p.Channel, want, body)
			}
		}
		for _, leak := range []string{"010-9876-5432", "010-1234-5678"} {
			if strings.Contains(body, leak) {
				t.Errorf("%s: escalation carries %q unmasked:\n%s", p.Channel, leak, body)
			}
		}
		if p.Channel == testSupportCh && !strings.Contains(body, "파기 절차는 정책서 어디에") {
			t.Errorf("support channel copy lacks the masked question:\n%s", body)
		}
	}

	home := func(id string) string {
		h.event(t, homeOpened(id, testStaff, "home"), "")
		h.settle(t)
		views := h.slack.callsOf("views.publish")
		return blockTexts(views[len(views)-1].Blocks)
	}
	if body := home("EvEH1"); !strings.Contains(body, "열린 담당자 요청") || !strings.Contains(body, "오늘 마감 · <@U1>") ||
		!strings.Contains(body, textHomeNoReply) {
		t.Errorf("home tab lacks the open request:\n%s", body)
	}

	h.event(t, eventBody("EvEMReply", channelMsg(testStaff, "7조 파기 절차에 적으시면 됩니다.", "1700007100.000200", q)), "")
	h.settle(t)
	open, err := h.bot.state.OpenEscalations(context.Background(), 10)
	if err != nil || len(open) != 1 || open[0].FirstReplyAt.IsZero() || open[0].Replier != testStaff || open[0].Urgency != botstate.UrgencyToday {
		t.Fatalf("open escalations = %+v, %v; want one with its first staff reply", open, err)
	}
	if body := home("EvEH2"); !strings.Contains(body, "첫 답변까지") {
		t.Errorf("home tab lacks the time to first reply:\n%s", body)
	}
}

// A staff reply that resolved a request becomes a canned answer: 해결됨
// offers its author (privately) to save it, the modal comes prefilled with
// the masked reply, nothing is saved before they submit, and once saved it
// is offered first for the same question in another thread.
func TestResolvedStaffReplyBecomesCannedAnswer(t *testing.T) {
	ctx := context.Background()
	store, err := canned.Open(ctx, canned.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	kb, err := knowledge.Load(knowledge.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	ix, err := retrieval.Open(ctx, retrieval.Config{}, kb)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(engine.Config{Knowledge: kb, Index: ix, Canned: store})
	if err != nil {
		t.Fatal(err)
	}
	h := staffHarness(t, func(c *Config) {
		c.Answerer, c.Reviewer = eng, eng
		c.Canned, c.CannedWriter = store, store
		c.RefreshCanned = eng.RefreshCanned
	})

	const q1, reply = "1700008000.000100", "1700008000.000300"
	question := "<@UBOT> 고객 문의 채널이 몇 개 있어야 하나요?"
	staffText := "고객의견 수렴채널은 1개 이상이면 됩니다. FAQ, 1:1 문의, 고객센터 대표전화 중 운영하는 채널을 모두 적으세요. 문의는 010-2222-3333으로 주셔도 돼요."
	h.event(t, eventBody("EvC1", mention(question, q1, "")), "")
	h.settle(t)
	answer := h.slack.waitMethod(t, "chat.postMessage", 1)[0]
	if strings.Contains(blockTexts(answer.Blocks), "담당자 확인 답변") {
		t.Fatalf("a canned answer was offered before any was saved")
	}
	btn := findButton(answer.Blocks, actionEscalate)
	h.clickButton(t, buttonClick("U1", "C1", answer.TS, q1, actionEscalate, btn["value"].(string), h.resp.url("c1"), answer.Blocks))
	esc := h.slack.waitMethod(t, "chat.postMessage", 2)[1]

	h.slack.addHistory("C1", reply, q1, testStaff, staffText)
	h.event(t, eventBody("EvC1Reply", channelMsg(testStaff, staffText, reply, q1)), "")
	h.settle(t)
	rb := findButton(esc.Blocks, actionResolve)
	h.clickButton(t, withTrigger(buttonClick(testStaff, "C1", esc.TS, q1, actionResolve, rb["value"].(string), h.resp.url("r1"), esc.Blocks)))

	offers := h.slack.accepted("chat.postEphemeral")
	if len(offers) != 1 || offers[0].User != testStaff || offers[0].ThreadTS != q1 {
		t.Fatalf("offers = %+v; want one, to the staff member who replied, in the thread", offers)
	}
	save := findButton(offers[0].Blocks, actionSaveCandidate)
	if save == nil {
		t.Fatalf("offer has no save button: %s", blockTexts(offers[0].Blocks))
	}
	if list, _ := store.List(ctx); len(list) != 0 {
		t.Fatalf("saved before the modal was submitted: %+v", list)
	}
	cands, _ := h.bot.state.Candidates(ctx, 10)
	if len(cands) != 1 {
		t.Fatalf("candidates = %+v; want the reply", cands)
	}

	h.clickButton(t, withTrigger(buttonClick(testStaff, "C1", "", q1, actionSaveCandidate, save["value"].(string), h.resp.url("s1"), nil)))
	modal := h.slack.waitMethod(t, "views.open", 1)[0]
	name := viewInput(modal.View, blockCannedName)["initial_value"].(string)
	text := viewInput(modal.View, blockCannedText)["initial_value"].(string)
	if modal.View["callback_id"] != callbackSaveCanned || !canned.ValidName(name) || !strings.Contains(text, "수렴채널은 1개 이상") || strings.Contains(text, "010-2222-3333") {
		t.Fatalf("prefilled modal: name %q text %q", name, text)
	}
	var meta modalMeta
	_ = json.Unmarshal([]byte(modal.View["private_metadata"].(string)), &meta)
	sub := viewSubmission(testStaff, "C1", "feedback-channels", "3.2", text, false)
	sub["view"].(map[string]any)["private_metadata"] = modal.View["private_metadata"]
	if status, body := h.interact(t, sub); status != 200 || len(body) > 0 && strings.Contains(string(body), "errors") {
		t.Fatalf("save submission = %d %s", status, body)
	}
	h.settle(t)
	if a, err := store.Get(ctx, "feedback-channels"); err != nil || a.Item != "3.2" {
		t.Fatalf("saved answer = %+v, %v", a, err)
	}
	if cands, _ := h.bot.state.Candidates(ctx, 10); len(cands) != 0 || meta.Candidate == "" {
		t.Errorf("candidates after saving = %+v (meta %+v); want none left", cands, meta)
	}

	const q2 = "1700008100.000100"
	h.event(t, eventBody("EvC2", mention(question, q2, "")), "")
	h.settle(t)
	var second []apiCall
	for _, p := range h.slack.callsOf("chat.postMessage") {
		if p.ThreadTS == q2 {
			second = append(second, p)
		}
	}
	if len(second) == 0 || !strings.Contains(blockTexts(second[0].Blocks), "feedback-channels") {
		t.Fatalf("the same question in another thread did not get the saved answer: %+v", second)
	}
}
