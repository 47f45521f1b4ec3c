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
	p := map[string]any{
		"type":         "block_actions",
		"user":         map[string]any{"id": user},
		"channel":      map[string]any{"id": "C1"},
		"container":    map[string]any{"type": "message", "message_ts": msgTS, "channel_id": "C1", "is_ephemeral": blocks == nil},
		"response_url": "https://hooks.slack.com/actions/T1/1/x",
		"actions": []map[string]any{{
			"action_id": action, "block_id": "feedback", "value": value, "type": "feedback_buttons", "action_ts": "1700000100.000001",
		}},
	}
	if blocks != nil {
		p["message"] = map[string]any{"type": "message", "ts": msgTS, "text": "답변", "blocks": blocks}
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

// An answer carries Slack's native feedback buttons; a click updates the
// message in place with the counts (no extra message), each user counts
// once per message, and the votes survive a restart.
func TestFeedbackUpdatedInPlaceOncePerUser(t *testing.T) {
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
	var row map[string]any
	for _, b := range answer.Blocks {
		if b["type"] == "context_actions" {
			row = b
		}
	}
	if row == nil {
		t.Fatalf("answer has no native feedback buttons: %v", answer.Blocks)
	}
	el := row["elements"].([]any)[0].(map[string]any)
	up := el["positive_button"].(map[string]any)["value"].(string)
	down := el["negative_button"].(map[string]any)["value"].(string)

	steps := []struct {
		user, value     string
		wantUp, wantDn  int
		wantUpdateTally string // "" when the click changes nothing
	}{
		{"U1", up, 1, 0, "👍 1 · 👎 0"},
		{"U1", up, 1, 0, ""}, // double click
		{"U2", down, 1, 1, "👍 1 · 👎 1"},
		{"U2", up, 2, 0, "👍 2 · 👎 0"}, // change of mind
	}
	blocks := answer.Blocks
	for i, s := range steps {
		before := len(h.slack.accepted("chat.update"))
		h.click(t, clickPayload(s.user, actionFeedback, s.value, answer.TS, blocks))
		if got := h.bot.FeedbackCounts(); got.Up != s.wantUp || got.Down != s.wantDn || got.ByItem["1.3"] != (Tally{Up: s.wantUp, Down: s.wantDn}) {
			t.Errorf("step %d: counts = %+v; want 👍%d 👎%d on 1.3", i, got, s.wantUp, s.wantDn)
		}
		updates := h.slack.accepted("chat.update")
		if s.wantUpdateTally == "" {
			if len(updates) != before {
				t.Errorf("step %d: an unchanged vote updated the message", i)
			}
			continue
		}
		if len(updates) != before+1 {
			t.Fatalf("step %d: updates = %d; want one more", i, len(updates))
		}
		u := updates[len(updates)-1]
		text := blockTexts(u.Blocks)
		if u.TS != answer.TS || u.Channel != "C1" || !strings.Contains(text, s.wantUpdateTally) || !strings.Contains(text, "피해 구제") {
			t.Errorf("step %d: update %s/%s:\n%s\nwant the answer kept, with %q", i, u.Channel, u.TS, text, s.wantUpdateTally)
		}
		if strings.Count(text, "의견 고마워요") != 1 {
			t.Errorf("step %d: the counts line is repeated:\n%s", i, text)
		}
		blocks = u.Blocks
	}
	if got := h.slack.accepted("chat.postMessage"); len(got) != 1 {
		t.Errorf("feedback posted %d extra messages; want none", len(got)-1)
	}
	if got := h.slack.accepted("chat.postEphemeral"); len(got) != 0 {
		t.Errorf("feedback posted %d ephemeral messages; want none", len(got))
	}

	// After a restart U1's second click on 👍 still does not count.
	st.Close()
	st2, err := botstate.Open(context.Background(), botstate.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	h2 := newHarness(t, func(c *Config) { c.State = st2 })
	h2.click(t, clickPayload("U1", actionFeedback, up, answer.TS, blocks))
	if got := h2.bot.FeedbackCounts(); got.Up != 2 || got.Down != 0 {
		t.Errorf("counts after restart = %+v; want 👍2 👎0, U1 not counted again", got)
	}
	if got := h2.slack.accepted("chat.update"); len(got) != 0 {
		t.Errorf("a repeated vote after restart updated the message")
	}
}

// Clicks on ephemeral answers and on the buttons of older messages
// count; other buttons do not; the log names the vote, never text.
func TestFeedbackOtherClicks(t *testing.T) {
	h := newHarness(t)
	h.click(t, clickPayload("U1", actionFeedback, "up|review|1.2", "1.01", nil))
	h.click(t, clickPayload("U2", actionFeedbackDown, "ask|", "1.02", nil))
	h.click(t, clickPayload("U3", "other_action", "x", "1.03", nil))
	got := h.bot.FeedbackCounts()
	if got.Up != 1 || got.Down != 1 || got.ByItem["1.2"] != (Tally{Up: 1}) || got.ByItem["-"] != (Tally{Down: 1}) {
		t.Errorf("counts = %+v; want 1.2 👍1 and - 👎1", got)
	}
	if n := len(h.slack.allCalls()); n != 0 {
		t.Errorf("Slack calls = %d; want none for ephemeral answers", n)
	}
	logs := h.logs.String()
	for _, want := range []string{`"msg":"feedback"`, `"action":"up"`, `"user":"U1"`, `"channel":"C1"`, `"item":"1.2"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("feedback log lacks %s", want)
		}
	}
}
