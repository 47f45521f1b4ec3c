package bot

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/stats"
)

func feedbackSubmission(user string, view map[string]any, reason, comment string) []byte {
	values := map[string]any{
		"comment": map[string]any{"comment": map[string]any{"type": "plain_text_input", "value": comment}},
	}
	if reason != "" {
		values["reason"] = map[string]any{"reason": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": reason}}}
	}
	p := map[string]any{
		"type": "view_submission",
		"user": map[string]any{"id": user},
		"view": map[string]any{"id": "V1", "type": "modal", "callback_id": view["callback_id"], "private_metadata": view["private_metadata"],
			"state": map[string]any{"values": values}},
	}
	raw, _ := json.Marshal(p)
	return []byte(url.Values{"payload": {string(raw)}}.Encode())
}

// A 👎 opens a form (views.open with the click's trigger_id) asking what
// went wrong; its answer, with the comment and the question masked and a
// link to the thread, is what staff see in `stats feedback` and on the
// Home tab. The voter alone is thanked.
func TestDownVoteWithReasonReachesStaff(t *testing.T) {
	st, err := stats.Open(context.Background(), stats.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h := newHarness(t, func(c *Config) { c.Stats = st; c.SupportStaff = []string{"USTAFF1"} })
	const q = "1700004000.000100"
	question := "1.3에는 무엇이 포함되어야 하나요? 제 번호는 010-1234-5678이에요"
	h.slack.addHistory("D1", q, "", "U1", question)
	h.event(t, eventBody("EvDV1", dm(question, q)), "")
	h.settle(t)
	answer := h.slack.accepted("chat.postMessage")[0]
	_, down := feedbackValues(t, answer)

	h.click(t, clickPayloadAt("U1", actionFeedback, down, "D1", answer.TS, answer.ThreadTS, h.resp.url("fb"), answer.Blocks))
	opened := h.slack.callsOf("views.open")
	if len(opened) != 1 || opened[0].TriggerID != "trig-U1" || opened[0].View["callback_id"] != callbackFeedbackReason {
		t.Fatalf("views.open = %+v; want the 👎 form for the click", opened)
	}
	form := blockTextsAny(opened[0].View["blocks"])
	for _, r := range stats.Reasons {
		if !strings.Contains(form, r.Label) {
			t.Errorf("form lacks the reason %q:\n%s", r.Label, form)
		}
	}
	if got := h.slack.accepted("chat.postEphemeral"); len(got) != 0 {
		t.Errorf("thanked before the form was sent: %+v", got)
	}

	// No reason picked: the form says so and nothing is kept.
	resp, body := h.do(t, h.signedRequest(t, "/slack/interactions", "application/x-www-form-urlencoded", feedbackSubmission("U1", opened[0].View, "", "")))
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"response_action":"errors"`) {
		t.Errorf("submission without a reason: %d %s; want a field error", resp.StatusCode, body)
	}
	h.click(t, feedbackSubmission("U1", opened[0].View, "incomplete", "예시가 없어요. 연락은 010-9876-5432로"))
	if err := st.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	dv, err := st.DownVotes(context.Background(), 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(dv) != 1 {
		t.Fatalf("downvotes = %+v; want one", dv)
	}
	d := dv[0]
	if d.Reason != "incomplete" || d.Item != "1.3" || !strings.Contains(d.Comment, "예시가 없어요") || !strings.Contains(d.Question, "1.3에는") {
		t.Errorf("downvote = %+v; want the reason, item, comment and question", d)
	}
	if strings.Contains(d.Comment+d.Question, "010-") {
		t.Errorf("downvote keeps a phone number: %+v", d)
	}
	if !strings.HasPrefix(d.Link, "https://") || !strings.Contains(d.Link, "D1") {
		t.Errorf("link = %q; want the answer's permalink", d.Link)
	}
	acks := h.slack.accepted("chat.postEphemeral")
	if len(acks) != 1 || acks[0].User != "U1" || acks[0].ThreadTS != q {
		t.Errorf("acks = %+v; want one thank-you to U1 in the answer's thread", acks)
	}

	// Staff see it on the Home tab.
	h.event(t, eventBody("EvDV2", map[string]any{"type": "app_home_opened", "user": "USTAFF1", "channel": "D9", "tab": "home"}), "")
	h.settle(t)
	pub := h.slack.callsOf("views.publish")
	if len(pub) != 1 {
		t.Fatalf("views.publish = %d", len(pub))
	}
	home := blockTexts(pub[0].Blocks)
	if !strings.Contains(home, "부족해요") || !strings.Contains(home, "스레드 보기") || !strings.Contains(home, "예시가 없어요") || strings.Contains(home, "010-") {
		t.Errorf("home tab:\n%s\nwant the 👎 with reason, masked texts and a link", home)
	}
	if got := h.slack.accepted("chat.update"); len(got) != 0 {
		t.Errorf("the answer was updated: %+v; want no public tallies", got)
	}
}

// With statistics off (no Stats) a 👎's reason is not kept anywhere; the
// voter is still thanked.
func TestDownVoteReasonNotKeptWithStatsOff(t *testing.T) {
	h := newHarness(t)
	h.event(t, eventBody("EvDV3", dm("1.3", "1700004100.000100")), "")
	h.settle(t)
	answer := h.slack.accepted("chat.postMessage")[0]
	_, down := feedbackValues(t, answer)
	h.click(t, clickPayloadAt("U1", actionFeedback, down, "D1", answer.TS, answer.ThreadTS, h.resp.url("fb"), answer.Blocks))
	view := h.slack.callsOf("views.open")[0].View
	h.click(t, feedbackSubmission("U1", view, "wrong", "틀린 내용이 있어요"))
	if acks := h.slack.accepted("chat.postEphemeral"); len(acks) != 1 {
		t.Errorf("acks = %d; want the thank-you", len(acks))
	}
	if strings.Contains(h.logs.String(), "틀린 내용") {
		t.Error("the comment reached the logs")
	}
}

// blockTextsAny is blockTexts for blocks decoded as []any.
func blockTextsAny(v any) string {
	list, _ := v.([]any)
	var bs []map[string]any
	for _, b := range list {
		m, _ := b.(map[string]any)
		bs = append(bs, m)
	}
	return blockTexts(bs)
}
