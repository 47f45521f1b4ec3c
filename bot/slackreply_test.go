package bot

import (
	"context"
	"strings"
	"testing"
	"time"
)

// replyMethods are the Web API methods a question streamed in a channel
// thread and a file sent in a DM call, whose replies the fuzz test
// replaces.
var replyMethods = []string{
	"chat.startStream", "chat.appendStream", "chat.stopStream", "chat.postMessage", "chat.update",
	"chat.delete", "chat.postEphemeral", "assistant.threads.setStatus", "conversations.replies",
	"conversations.history", "files.info",
}

// oddReplies are replies Slack should never send but a proxy, an outage
// page or a changed API might: ok without the fields, fields of the wrong
// type, no object at all.
var oddReplies = []string{
	`{"ok": true}`,
	`{}`,
	`null`,
	`[]`,
	`{"ok": "true", "ts": 17}`,
	`{"ok": true, "ts": "", "channel": ""}`,
	`{"ok": true, "ts": {"a": 1}, "channel": [1], "message": "x"}`,
	`{"ok": true, "messages": [null, 1, {"ts": 5, "metadata": "x"}], "has_more": "no"}`,
	`{"ok": true, "file": null}`,
	`{"ok": true, "file": {"size": "big", "url_private": 3}}`,
	`{"ok": true, "file": {"url_private_download": "file:///etc/passwd", "size": 10}}`,
	`{"ok": false}`,
	`{"ok": false, "error": {"code": 1}}`,
	`not json`,
	`{"ok": true, "ts": "1700000000.000001"`,
}

// FuzzSlackReplies answers one Web API method with an odd reply while
// the bot answers a question in a channel thread (streamed, the model on)
// and a file in a DM. Whatever the reply, nothing panics (a recovered
// panic is logged and fails the test too) and the bot finishes its work:
// an unusable reply is an error for that request.
func FuzzSlackReplies(f *testing.F) {
	for _, m := range replyMethods {
		for _, r := range oddReplies {
			f.Add(m, r)
		}
	}
	f.Fuzz(func(t *testing.T, method, reply string) {
		files := &fakeFiles{}
		se := &streamEngine{deltas: modelDeltas[:4], fakeEngine: &fakeEngine{}}
		h, fh := newFileHarness(t, files, func(c *Config) { c.Answerer = se })
		fh.files["F1"] = []byte("PK\x03\x04 자가점검표")
		h.slack.set(func(f *fakeSlack) { f.raw[method] = reply })
		h.event(t, eventBody("EvFZ1", mention("<@UBOT> 1.3에는 무엇이 포함되어야 하나요?", "1700003000.000100", "1700002999.000100")), "")
		h.event(t, fileEvent("EvFZ2", "D1", "im", "message", "1.3", map[string]any{"id": "F1", "size": 20}), "")
		h.settle(t)
		if logs := h.logs.String(); strings.Contains(logs, "panic recovered") {
			t.Fatalf("%s answering %q panicked:\n%s", method, reply, logs)
		}
	})
}

// A reply that says ok but lacks what the bot needs is an error naming
// the method and the field, for that request alone.
func TestIncompleteSlackReplies(t *testing.T) {
	tests := []struct {
		name, method, reply, want string
	}{
		{"stream start without ts", "chat.startStream", `{"ok": true}`, "chat.startStream: reply without ts"},
		{"stream start with an empty ts", "chat.startStream", `{"ok": true, "ts": ""}`, "chat.startStream: reply without ts"},
		{"auth.test without the bot's user", "auth.test", `{"ok": true, "team_id": "T1"}`, "auth.test: reply without user_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, func(c *Config) { c.BotUserID = "" })
			h.slack.set(func(f *fakeSlack) { f.raw[tt.method] = tt.reply })
			var err error
			switch tt.method {
			case "chat.startStream":
				_, err = h.bot.startStream(t.Context(), innerEvent{Channel: "D1", User: "U1"}, "T1", "1700000000.000100", "텍스트")
			case "auth.test":
				// Bounded only so that a Run that goes on serving ends the test.
				ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
				defer cancel()
				h.bot.cfg.ListenAddr = "127.0.0.1:0"
				err = h.bot.Run(ctx)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v; want %q", err, tt.want)
			}
		})
	}
}
