package bot

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/botstate"
)

// clickPayload is a block_actions payload for a click on action with
// value, on the message at msgTS whose blocks are given (nil for an
// ephemeral message, whose blocks Slack does not send).
func clickPayload(user, action, value, msgTS string, blocks []map[string]any) []byte {
	return clickPayloadAt(user, action, value, "C1", msgTS, "", "https://hooks.slack.com/actions/T1/1/x", blocks)
}

// clickPayloadAt is clickPayload on a message in the thread threadTS
// ("" at the top level), with its response_url.
func clickPayloadAt(user, action, value, channel, msgTS, threadTS, responseURL string, blocks []map[string]any) []byte {
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
		"trigger_id":   "trig-" + user,
		"actions": []map[string]any{{
			"action_id": action, "block_id": "feedback", "value": value, "type": "feedback_buttons", "action_ts": "1700000100.000001",
		}},
	}
	if blocks != nil {
		m := map[string]any{"type": "message", "ts": msgTS, "text": "답변", "blocks": blocks}
		if threadTS != "" {
			m["thread_ts"] = threadTS
		}
		p["message"] = m
	}
	raw, _ := json.Marshal(p)
	return []byte(url.Values{"payload": {string(raw)}}.Encode())
}

func (h *harness) click(t *testing.T, body []byte) {
	t.Helper()
	resp, _ := h.do(t, h.signedRequest(t, "/slack/interactions", "application/x-www-form-urlencoded", body))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d; want 200", resp.StatusCode)
	}
	h.settle(t)
}

// feedbackValues returns the values of the native 👍 and 👎 buttons of
// an answer.
func feedbackValues(t *testing.T, answer apiCall) (up, down string) {
	t.Helper()
	for _, b := range answer.Blocks {
		if b["type"] == "context_actions" {
			el := b["elements"].([]any)[0].(map[string]any)
			return el["positive_button"].(map[string]any)["value"].(string), el["negative_button"].(map[string]any)["value"].(string)
		}
	}
	t.Fatalf("answer has no native feedback buttons: %v", answer.Blocks)
	return "", ""
}

// An answer carries Slack's native feedback buttons; a 👍 is acknowledged
// to the voter alone (ephemeral, in the answer's thread), no message
// shows counts, each user counts once per message, and the votes survive
// a restart.
func TestFeedbackAcknowledgedPrivatelyOncePerUser(t *testing.T) {
	dir := t.TempDir()
	st, err := botstate.Open(context.Background(), botstate.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, func(c *Config) { c.State = st })
	h.event(t, eventBody("EvFB", mention("<@UBOT> 1.3", "1700001200.000100", "")), "")
	h.settle(t)
	posts := h.slack.accepted("chat.postMessage")
	if len(posts) != 1 {
		t.Fatalf("posts = %d", len(posts))
	}
	answer := posts[0]
	up, down := feedbackValues(t, answer)

	steps := []struct {
		user, value    string
		wantUp, wantDn int
		wantAck        bool
	}{
		{"U1", up, 1, 0, true},
		{"U1", up, 1, 0, false}, // double click
		{"U2", down, 1, 1, false},
		{"U2", up, 2, 0, true}, // change of mind
	}
	for i, s := range steps {
		before := len(h.slack.accepted("chat.postEphemeral"))
		h.click(t, clickPayloadAt(s.user, actionFeedback, s.value, "C1", answer.TS, answer.ThreadTS, h.resp.url("fb"), answer.Blocks))
		if got := h.bot.FeedbackCounts(); got.Up != s.wantUp || got.Down != s.wantDn || got.ByItem["1.3"] != (Tally{Up: s.wantUp, Down: s.wantDn}) {
			t.Errorf("step %d: counts = %+v; want 👍%d 👎%d on 1.3", i, got, s.wantUp, s.wantDn)
		}
		acks := h.slack.accepted("chat.postEphemeral")
		if !s.wantAck {
			if len(acks) != before {
				t.Errorf("step %d: acknowledged a vote that changed nothing, or a 👎 without its form", i)
			}
			continue
		}
		if len(acks) != before+1 {
			t.Fatalf("step %d: acks = %d; want one more", i, len(acks))
		}
		if a := acks[len(acks)-1]; a.User != s.user || a.Channel != "C1" || a.ThreadTS != "1700001200.000100" || !strings.Contains(a.Text, "고마워요") {
			t.Errorf("step %d: ack = %+v; want a thank-you to %s alone, in the answer's thread", i, a, s.user)
		}
	}
	if got := h.slack.accepted("chat.update"); len(got) != 0 {
		t.Errorf("the answer was updated %d times; want no public counts", len(got))
	}
	if got := h.slack.accepted("chat.postMessage"); len(got) != 1 {
		t.Errorf("feedback posted %d public messages; want none", len(got)-1)
	}

	// After a restart U1's second click on 👍 still does not count.
	st.Close()
	st2, err := botstate.Open(context.Background(), botstate.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	h2 := newHarness(t, func(c *Config) { c.State = st2 })
	h2.click(t, clickPayload("U1", actionFeedback, up, answer.TS, answer.Blocks))
	if got := h2.bot.FeedbackCounts(); got.Up != 2 || got.Down != 0 {
		t.Errorf("counts after restart = %+v; want 👍2 👎0, U1 not counted again", got)
	}
	if got := h2.slack.accepted(""); len(got) != 0 {
		t.Errorf("a repeated vote after restart answered: %+v", got)
	}
}

// Clicks on ephemeral answers and on the buttons of older messages
// count; other buttons do not. On a private answer the 👍 is acknowledged
// through its response_url and the 👎 opens the form; the log names the
// vote, never text.
func TestFeedbackOtherClicks(t *testing.T) {
	h := newHarness(t)
	respURL := h.resp.url("private")
	h.click(t, clickPayloadAt("U1", actionFeedback, "up|review|1.2", "C1", "1.01", "", respURL, nil))
	h.click(t, clickPayloadAt("U2", actionFeedbackDown, "ask|", "C1", "1.02", "", respURL, nil))
	h.click(t, clickPayloadAt("U3", "other_action", "x", "C1", "1.03", "", respURL, nil))
	got := h.bot.FeedbackCounts()
	if got.Up != 1 || got.Down != 1 || got.ByItem["1.2"] != (Tally{Up: 1}) || got.ByItem["-"] != (Tally{Down: 1}) {
		t.Errorf("counts = %+v; want 1.2 👍1 and - 👎1", got)
	}
	if acks := h.resp.all(); len(acks) != 1 || acks[0].ReplaceOriginal || !strings.Contains(acks[0].Text, "고마워요") {
		t.Errorf("response_url posts = %+v; want one private thank-you that keeps the answer", acks)
	}
	if opened := h.slack.callsOf("views.open"); len(opened) != 1 || opened[0].TriggerID != "trig-U2" {
		t.Errorf("views.open = %+v; want the 👎 form for U2", opened)
	}
	if n := len(h.slack.accepted("")); n != 0 {
		t.Errorf("chat calls = %d; want none for private answers", n)
	}
	logs := h.logs.String()
	for _, want := range []string{`"msg":"feedback"`, `"action":"up"`, `"user":"U1"`, `"channel":"C1"`, `"item":"1.2"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("feedback log lacks %s", want)
		}
	}
}
