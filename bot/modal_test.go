package bot

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/selfcheck/selfcheck/canned"
)

func messageAction(user, text, responseURL string) map[string]any {
	return map[string]any{
		"type": "message_action", "callback_id": callbackSaveCanned, "trigger_id": "trig-1",
		"user": map[string]any{"id": user}, "channel": map[string]any{"id": "C1"},
		"message":      map[string]any{"type": "message", "user": "UAPPLICANT", "ts": "1700000000.000100", "text": text},
		"response_url": responseURL,
	}
}

// viewSubmission builds a submitted save modal; an empty channel leaves
// private_metadata out.
func viewSubmission(user, channel, name, item, text string, replace bool) map[string]any {
	input := func(v string) map[string]any {
		return map[string]any{actionCannedInput: map[string]any{"type": "plain_text_input", "value": v}}
	}
	opts := []map[string]any{}
	if replace {
		opts = append(opts, map[string]any{"value": optionReplace, "text": map[string]any{"type": "plain_text", "text": "바꾸기"}})
	}
	meta := ""
	if channel != "" {
		meta = `{"channel":"` + channel + `"}`
	}
	return map[string]any{
		"type": "view_submission", "user": map[string]any{"id": user}, "trigger_id": "trig-2",
		"view": map[string]any{
			"id": "V1", "type": "modal", "callback_id": callbackSaveCanned, "private_metadata": meta,
			"state": map[string]any{"values": map[string]any{
				blockCannedName:  input(name),
				blockCannedItem:  input(item),
				blockCannedText:  input(text),
				blockCannedForce: map[string]any{actionCannedInput: map[string]any{"type": "checkboxes", "selected_options": opts}},
			}},
		},
	}
}

// viewInput finds the element of the input block blockID in a view.
func viewInput(view map[string]any, blockID string) map[string]any {
	blocks, _ := view["blocks"].([]any)
	for _, b := range blocks {
		m, _ := b.(map[string]any)
		if m["block_id"] == blockID {
			el, _ := m["element"].(map[string]any)
			return el
		}
	}
	return nil
}

func TestCannedShortcutOpensModal(t *testing.T) {
	long := strings.Repeat("가", maxModalText+10)
	cases := []struct {
		name      string
		user      string
		text      string
		wantOpen  bool
		wantValue string // initial value of the text input
		wantNote  bool   // the "cut" note
		wantReply string // private reply through response_url
	}{
		{name: "staff get the prefilled modal", user: staffID, text: "안내: &lt;링크&gt; &amp; 참고\n둘째 줄", wantOpen: true, wantValue: "안내: <링크> & 참고\n둘째 줄"},
		{name: "long message is cut", user: staffID, text: long, wantOpen: true, wantValue: long[:len("가")*maxModalText], wantNote: true},
		{name: "non-staff refused", user: nonStaffID, text: "아무 메시지", wantReply: "지원 담당자만 사용할 수 있습니다"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ch := newCannedHarness(t)
			status, body := ch.interact(t, messageAction(c.user, c.text, ch.resp.url("sc")))
			if status != http.StatusOK || len(body) != 0 {
				t.Fatalf("ack = %d %q; want an empty 200", status, body)
			}
			ch.settle(t)
			opens := ch.slack.callsOf("views.open")
			if !c.wantOpen {
				if len(opens) != 0 {
					t.Errorf("views.open called %d times; want none", len(opens))
				}
				posts := ch.resp.all()
				if len(posts) != 1 || posts[0].ResponseType != "ephemeral" || !strings.Contains(posts[0].Text, c.wantReply) {
					t.Errorf("replies = %+v; want one ephemeral %q", posts, c.wantReply)
				}
				return
			}
			if len(opens) != 1 {
				t.Fatalf("views.open called %d times; want 1", len(opens))
			}
			v := opens[0].View
			if opens[0].TriggerID != "trig-1" || v["callback_id"] != callbackSaveCanned || v["type"] != "modal" {
				t.Errorf("views.open trigger %q view %v; want trig-1, a save_canned modal", opens[0].TriggerID, v)
			}
			if got := viewInput(v, blockCannedText)["initial_value"]; got != c.wantValue {
				t.Errorf("prefilled text = %.80q; want %.80q", got, c.wantValue)
			}
			if viewInput(v, blockCannedName) == nil || viewInput(v, blockCannedItem) == nil {
				t.Errorf("modal lacks the name or item input: %v", v)
			}
			var meta modalMeta
			if err := json.Unmarshal([]byte(v["private_metadata"].(string)), &meta); err != nil || meta.Channel != "C1" {
				t.Errorf("private_metadata = %v; want the channel C1", v["private_metadata"])
			}
			raw, _ := json.Marshal(v["blocks"])
			if got := strings.Contains(string(raw), "앞부분만 채웠어요"); got != c.wantNote {
				t.Errorf("cut note shown = %v; want %v", got, c.wantNote)
			}
		})
	}
}

func TestCannedModalSubmission(t *testing.T) {
	cases := []struct {
		name       string
		submission map[string]any
		setup      func(ch *cannedHarness)
		wantErrors map[string]string // block_id → substring; nil: modal closes
		check      func(t *testing.T, ch *cannedHarness)
		refreshes  int64
		confirm    string // method and target of the confirmation, "chat.postEphemeral C1"
	}{
		{name: "bad name", submission: viewSubmission(staffID, "C1", "Bad Name", "", "내용", false),
			wantErrors: map[string]string{blockCannedName: "영문 소문자"}},
		{name: "empty text", submission: viewSubmission(staffID, "C1", "faq-1", "", "  \n ", false),
			wantErrors: map[string]string{blockCannedText: "비어 있어요"}},
		{name: "both wrong", submission: viewSubmission(staffID, "C1", "", "", "", false),
			wantErrors: map[string]string{blockCannedName: "영문 소문자", blockCannedText: "비어 있어요"}},
		{name: "bad item", submission: viewSubmission(staffID, "C1", "faq-1", "1.3 and 2.1", "내용", false),
			wantErrors: map[string]string{blockCannedItem: "항목은"}},
		{name: "existing name", submission: viewSubmission(staffID, "C1", seedName, "", "새 내용", false),
			wantErrors: map[string]string{blockCannedName: "이미 있어요"},
			check: func(t *testing.T, ch *cannedHarness) {
				if a, _ := ch.answer(t, seedName); a.Text == "새 내용" {
					t.Errorf("existing answer overwritten without the checkbox")
				}
			}},
		{name: "non-staff", submission: viewSubmission(nonStaffID, "C1", "faq-1", "", "내용", false),
			wantErrors: map[string]string{blockCannedName: "지원 담당자만"},
			check: func(t *testing.T, ch *cannedHarness) {
				if _, ok := ch.answer(t, "faq-1"); ok {
					t.Errorf("saved for a non-staff user")
				}
			}},
		{name: "valid", submission: viewSubmission(staffID, "C1", "faq-1", "2.1", "첫 줄\r\n둘째 줄", false),
			check: func(t *testing.T, ch *cannedHarness) {
				a, ok := ch.answer(t, "faq-1")
				if !ok || a.Text != "첫 줄\n둘째 줄" || a.Item != "2.1" || a.CreatedBy != staffID {
					t.Errorf("stored %+v (found %v); want faq-1, item 2.1, by %s", a, ok, staffID)
				}
			},
			refreshes: 1, confirm: "chat.postEphemeral C1 " + staffID},
		{name: "replace checked", submission: viewSubmission(staffID, "C1", seedName, "", "새 내용", true),
			check: func(t *testing.T, ch *cannedHarness) {
				if a, _ := ch.answer(t, seedName); a.Text != "새 내용" {
					t.Errorf("text = %q; want replaced", a.Text)
				}
			},
			refreshes: 1, confirm: "chat.postEphemeral C1 " + staffID},
		{name: "ephemeral refused, DM instead", submission: viewSubmission(staffID, "C1", "faq-1", "", "내용", false),
			setup: func(ch *cannedHarness) {
				ch.slack.set(func(f *fakeSlack) { f.failWith["chat.postEphemeral"] = "channel_not_found" })
			},
			refreshes: 1, confirm: "chat.postMessage " + staffID},
		{name: "no channel, DM", submission: viewSubmission(staffID, "", "faq-1", "", "내용", false),
			refreshes: 1, confirm: "chat.postMessage " + staffID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ch := newCannedHarness(t)
			if c.setup != nil {
				c.setup(ch)
			}
			status, body := ch.interact(t, c.submission)
			if status != http.StatusOK {
				t.Fatalf("status = %d; want 200", status)
			}
			if c.wantErrors == nil {
				if len(body) != 0 {
					t.Errorf("body = %s; want empty (close the modal)", body)
				}
			} else {
				var resp struct {
					ResponseAction string            `json:"response_action"`
					Errors         map[string]string `json:"errors"`
				}
				if err := json.Unmarshal(body, &resp); err != nil {
					t.Fatalf("body %q: %v", body, err)
				}
				if resp.ResponseAction != "errors" || len(resp.Errors) != len(c.wantErrors) {
					t.Errorf("response = %+v; want errors on %v", resp, c.wantErrors)
				}
				for block, want := range c.wantErrors {
					if !strings.Contains(resp.Errors[block], want) {
						t.Errorf("error on %q = %q; want %q", block, resp.Errors[block], want)
					}
				}
			}
			ch.settle(t)
			if c.check != nil {
				c.check(t, ch)
			}
			if got := ch.refreshes.Load(); got != c.refreshes {
				t.Errorf("RefreshCanned calls = %d; want %d", got, c.refreshes)
			}
			var confirms []string
			for _, call := range ch.slack.allCalls() {
				if call.Err == "" && strings.HasPrefix(call.Method, "chat.") {
					confirms = append(confirms, strings.TrimSpace(call.Method+" "+call.Channel+" "+call.User))
					if !strings.Contains(call.Text, "저장했어요") && !strings.Contains(call.Text, "바꿨어요") {
						t.Errorf("confirmation %q does not confirm", call.Text)
					}
				}
			}
			want := []string{}
			if c.confirm != "" {
				want = append(want, c.confirm)
			}
			if strings.Join(confirms, "|") != strings.Join(want, "|") {
				t.Errorf("confirmations = %q; want %q", confirms, want)
			}
			if strings.Contains(ch.logs.String(), "둘째 줄") {
				t.Errorf("logs contain the answer text")
			}
		})
	}
}

// A store slower than the ack deadline does not keep the modal waiting:
// it closes at once and the outcome follows as a message.
func TestCannedModalSlowSave(t *testing.T) {
	cases := []struct {
		name    string
		answer  string
		confirm string
	}{
		{"saved late", "faq-1", "저장했어요"},
		{"refused late", seedName, "저장하지 못했어요"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				const ackTimeout = 50 * time.Millisecond
				ch := newCannedHarness(t, func(cfg *Config) {
					cfg.AckTimeout = ackTimeout
					cfg.CannedWriter = slowStore{Store: cfg.Canned.(*canned.Store), delay: 300 * time.Millisecond}
				})
				start := time.Now()
				status, body := ch.interact(t, viewSubmission(staffID, "C1", c.answer, "", "내용", false))
				if status != http.StatusOK || len(body) != 0 {
					t.Errorf("ack = %d %s; want an empty 200", status, body)
				}
				if d := time.Since(start); d != ackTimeout { // the bubble's clock
					t.Errorf("acked after %v; want it at the %v AckTimeout", d, ackTimeout)
				}
				calls := ch.slack.waitMethod(t, "chat.postEphemeral", 1)
				if !strings.Contains(calls[0].Text, c.confirm) {
					t.Errorf("outcome = %q; want %q", calls[0].Text, c.confirm)
				}
			})
		})
	}
}

// Over Socket Mode a modal's field errors travel in the ack.
func TestCannedSocketModeSubmission(t *testing.T) {
	ch := newCannedHarness(t, func(c *Config) {
		c.AppToken = testAppToken
		c.ListenAddr = "127.0.0.1:0" // /healthz; never the default :3000 in tests
		c.SigningSecret = ""
	})
	envs := []map[string]any{
		envelope("M1", "interactive", viewSubmission(staffID, "C1", "Bad Name", "", "내용", false), 0),
		envelope("M2", "interactive", viewSubmission(staffID, "C1", "faq-9", "", "내용", false), 0),
	}
	sock := newFakeSocket(t, envs)
	ch.slack.set(func(f *fakeSlack) { f.wsURL = sock.url() })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- ch.bot.Run(ctx) }()

	deadline := time.After(patience)
	for len(sock.ackCounts()) < len(envs) {
		select {
		case <-sock.notify:
		case err := <-runErr:
			t.Fatalf("Run returned early: %v", err)
		case <-deadline:
			t.Fatalf("acked %v; want both envelopes", sock.ackCounts())
		}
	}
	ch.slack.waitMethod(t, "chat.postEphemeral", 1)
	cancel()
	if err := <-runErr; err != nil {
		t.Errorf("Run = %v", err)
	}
	sock.mu.Lock()
	bad, good := sock.acks["M1"][0], sock.acks["M2"][0]
	sock.mu.Unlock()
	var resp struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
	}
	if err := json.Unmarshal(bad, &resp); err != nil || resp.ResponseAction != "errors" || resp.Errors[blockCannedName] == "" {
		t.Errorf("ack of a bad name = %s; want errors on %q", bad, blockCannedName)
	}
	if s := strings.TrimSpace(string(good)); s != "" && s != "null" && s != "{}" {
		t.Errorf("ack of a valid submission = %s; want empty", good)
	}
	if _, ok := ch.answer(t, "faq-9"); !ok {
		t.Errorf("faq-9 not saved over Socket Mode")
	}
}
