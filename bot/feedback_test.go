package bot

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func clickPayload(user, action, value, msgTS, responseURL string) []byte {
	p := map[string]any{
		"type":         "block_actions",
		"user":         map[string]any{"id": user},
		"channel":      map[string]any{"id": "C1"},
		"container":    map[string]any{"type": "message", "message_ts": msgTS, "channel_id": "C1"},
		"response_url": responseURL,
		"actions": []map[string]any{{
			"action_id": action, "block_id": "feedback", "value": value, "type": "button", "action_ts": "1700000100.000001",
		}},
	}
	raw, _ := json.Marshal(p)
	return []byte(url.Values{"payload": {string(raw)}}.Encode())
}

func TestFeedbackClicks(t *testing.T) {
	h := newHarness(t)
	steps := []struct {
		name     string
		user     string
		action   string
		value    string
		msgTS    string
		wantUp   int
		wantDown int
		thanks   bool
	}{
		{"first 👍", "U1", actionFeedbackUp, "ask|1.3", "1.01", 1, 0, true},
		{"double click not counted twice", "U1", actionFeedbackUp, "ask|1.3", "1.01", 1, 0, false},
		{"change of mind moves the vote", "U1", actionFeedbackDown, "ask|1.3", "1.01", 0, 1, true},
		{"another user", "U2", actionFeedbackUp, "ask|1.3", "1.01", 1, 1, true},
		{"another message", "U1", actionFeedbackUp, "guide|1.2", "1.02", 2, 1, true},
		{"answer without item", "U3", actionFeedbackUp, "ask|", "1.03", 3, 1, true},
		{"unrelated button ignored", "U4", "other_action", "x", "1.04", 3, 1, false},
	}
	thanks := 0
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			before := len(h.resp.all())
			body := clickPayload(s.user, s.action, s.value, s.msgTS, h.resp.url("fb"))
			resp, _ := h.do(t, h.signedRequest(t, "/slack/interactions", "application/x-www-form-urlencoded", body))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d; want 200", resp.StatusCode)
			}
			got := h.bot.FeedbackCounts()
			if got.Up != s.wantUp || got.Down != s.wantDown {
				t.Errorf("counts = 👍%d 👎%d; want 👍%d 👎%d", got.Up, got.Down, s.wantUp, s.wantDown)
			}
			h.settle(t)
			if s.thanks {
				thanks++
			}
			if got := len(h.resp.all()) - before; got != map[bool]int{true: 1, false: 0}[s.thanks] {
				t.Errorf("thank-you posts = %d; want %v", got, s.thanks)
			}
		})
	}
	got := h.bot.FeedbackCounts()
	if got.ByItem["1.3"] != (Tally{Up: 1, Down: 1}) || got.ByItem["1.2"] != (Tally{Up: 1}) || got.ByItem["-"] != (Tally{Up: 1}) {
		t.Errorf("by item = %+v; want 1.3 👍1 👎1, 1.2 👍1, - 👍1", got.ByItem)
	}
	for _, p := range h.resp.all() {
		if p.ResponseType != "ephemeral" || p.ReplaceOriginal {
			t.Errorf("thank-you = %q replace=%v; want an ephemeral that keeps the answer", p.ResponseType, p.ReplaceOriginal)
		}
	}
	logs := h.logs.String()
	for _, want := range []string{`"msg":"feedback"`, `"action":"up"`, `"user":"U1"`, `"channel":"C1"`, `"item":"1.3"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("feedback log lacks %s", want)
		}
	}
}
