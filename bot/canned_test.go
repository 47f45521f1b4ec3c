package bot

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/canned"
)

const (
	staffID    = "USTAFF1"
	nonStaffID = "U1"
	seedName   = "cloud-cert"
	seedFirst  = "클라우드 보안인증(CSAP)은 심사의 필수 요건이 아닙니다."
	seedSecond = "자세한 기준은 심사 안내서 3장을 참고해 주세요."
)

// cannedHarness is a harness whose bot serves canned answers from a real
// store in a temporary directory, seeded with one answer.
type cannedHarness struct {
	*harness
	store     *canned.Store
	refreshes atomic.Int64
}

func newCannedHarness(t *testing.T, opts ...func(*Config)) *cannedHarness {
	t.Helper()
	store, err := canned.Open(context.Background(), canned.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Save(context.Background(), canned.Answer{Name: seedName, Item: "1.3", Text: seedFirst + "\n" + seedSecond}, canned.SaveOptions{By: "cli"}); err != nil {
		t.Fatalf("seed: %v", err)
	}
	ch := &cannedHarness{store: store}
	ch.harness = newHarness(t, append([]func(*Config){func(c *Config) {
		c.Canned = store
		c.CannedWriter = store
		c.SupportStaff = []string{staffID, "W0SECOND"}
		c.RefreshCanned = func(context.Context) error {
			ch.refreshes.Add(1)
			return nil
		}
	}}, opts...)...)
	return ch
}

// answer reads one answer back from the store; ok is false if it is gone.
func (ch *cannedHarness) answer(t *testing.T, name string) (canned.Answer, bool) {
	t.Helper()
	a, err := ch.store.Get(context.Background(), name)
	if errors.Is(err, canned.ErrNotFound) {
		return canned.Answer{}, false
	}
	if err != nil {
		t.Fatalf("get %s: %v", name, err)
	}
	return a, true
}

// slashAs sends a signed /selfcheck from user and decodes the ack.
func (h *harness) slashAs(t *testing.T, user, text, responseURL string) (int, responsePost) {
	t.Helper()
	v := url.Values{
		"command": {"/selfcheck"}, "text": {text}, "user_id": {user}, "channel_id": {"C1"},
		"team_id": {"T1"}, "response_url": {responseURL}, "trigger_id": {"trig"},
	}
	resp, body := h.do(t, h.signedRequest(t, "/slack/commands", "application/x-www-form-urlencoded", []byte(v.Encode())))
	var p responsePost
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatalf("ack body %q: %v", body, err)
		}
	}
	return resp.StatusCode, p
}

// interact sends a signed interaction payload and returns the status and
// the response body.
func (h *harness) interact(t *testing.T, payload map[string]any) (int, []byte) {
	t.Helper()
	raw, _ := json.Marshal(payload)
	body := []byte(url.Values{"payload": {string(raw)}}.Encode())
	resp, out := h.do(t, h.signedRequest(t, "/slack/interactions", "application/x-www-form-urlencoded", body))
	return resp.StatusCode, out
}

func TestCannedSlashStaffRules(t *testing.T) {
	cases := []struct {
		name      string
		user      string
		text      string
		wantType  string   // response_type of the ack
		want      []string // in the ack's text and blocks
		not       []string
		check     func(t *testing.T, ch *cannedHarness)
		refreshes int64
		logs      []string // in the logs
		secret    string   // never in the logs
	}{
		{name: "anyone lists", user: nonStaffID, text: "canned", wantType: "ephemeral",
			want: []string{"준비된 답변 1개", "`cloud-cert`", "1.3", seedFirst}, not: []string{seedSecond, "canned post"}},
		{name: "list word", user: nonStaffID, text: "canned list", wantType: "ephemeral", want: []string{"`cloud-cert`"}},
		{name: "staff list shows how to post", user: staffID, text: "canned", wantType: "ephemeral", want: []string{"canned post"}},
		{name: "anyone shows", user: nonStaffID, text: "canned show cloud-cert", wantType: "ephemeral",
			want: []string{seedFirst, seedSecond, "항목 1.3", "게시 0회"}},
		{name: "bare name shows", user: nonStaffID, text: "canned cloud-cert", wantType: "ephemeral", want: []string{seedSecond}},
		{name: "show unknown", user: nonStaffID, text: "canned show nope", wantType: "ephemeral", want: []string{"`nope` 답변이 없어요"}},
		{name: "show bad name", user: nonStaffID, text: "canned show Bad_Name", wantType: "ephemeral", want: []string{"영문 소문자"}},
		{name: "help for staff", user: staffID, text: "canned help", wantType: "ephemeral", want: []string{"canned save", "--force", "Save as canned answer"}},
		{name: "help for others", user: nonStaffID, text: "canned help", wantType: "ephemeral", want: []string{"canned show"}, not: []string{"canned save"}},
		{name: "unknown word", user: nonStaffID, text: "canned frobnicate now", wantType: "ephemeral", want: []string{"명령이 아니에요"}},

		{name: "non-staff save refused", user: nonStaffID, text: "canned save faq-1 비밀 내용", wantType: "ephemeral",
			want: []string{"지원 담당자만 사용할 수 있습니다"},
			check: func(t *testing.T, ch *cannedHarness) {
				if _, ok := ch.answer(t, "faq-1"); ok {
					t.Errorf("faq-1 saved by a non-staff user")
				}
			},
			logs: []string{`"msg":"canned change refused"`, `"action":"save"`, `"user":"U1"`}, secret: "비밀 내용"},
		{name: "non-staff delete refused", user: nonStaffID, text: "canned delete cloud-cert", wantType: "ephemeral",
			want: []string{"지원 담당자만 사용할 수 있습니다"},
			check: func(t *testing.T, ch *cannedHarness) {
				if _, ok := ch.answer(t, seedName); !ok {
					t.Errorf("cloud-cert deleted by a non-staff user")
				}
			}},
		{name: "non-staff post refused", user: nonStaffID, text: "canned post cloud-cert", wantType: "ephemeral",
			want: []string{"지원 담당자만 사용할 수 있습니다"}, not: []string{seedFirst},
			check: func(t *testing.T, ch *cannedHarness) {
				if a, _ := ch.answer(t, seedName); a.Uses != 0 {
					t.Errorf("uses = %d after a refused post; want 0", a.Uses)
				}
			}},

		{name: "staff saves multi-line text", user: staffID, text: "canned save faq-1 첫 줄 &lt;중요&gt; &amp; 참고\n둘째 줄", wantType: "ephemeral",
			want: []string{"`faq-1` 답변을 저장했어요"},
			check: func(t *testing.T, ch *cannedHarness) {
				a, ok := ch.answer(t, "faq-1")
				if !ok {
					t.Fatalf("faq-1 not saved")
				}
				if want := "첫 줄 <중요> & 참고\n둘째 줄"; a.Text != want || a.UpdatedBy != staffID || a.CreatedBy != staffID {
					t.Errorf("saved %q by %s/%s; want %q by %s", a.Text, a.CreatedBy, a.UpdatedBy, want, staffID)
				}
			},
			refreshes: 1, logs: []string{`"msg":"canned answer changed"`, `"action":"save"`, `"name":"faq-1"`, `"user":"USTAFF1"`}, secret: "첫 줄"},
		{name: "name on its own line", user: staffID, text: "canned save faq-1\n첫 줄\n둘째 줄", wantType: "ephemeral",
			want: []string{"저장했어요"},
			check: func(t *testing.T, ch *cannedHarness) {
				if a, _ := ch.answer(t, "faq-1"); a.Text != "첫 줄\n둘째 줄" {
					t.Errorf("saved %q", a.Text)
				}
			}, refreshes: 1},
		{name: "staff saves with item", user: staffID, text: "canned save --item 2.1 faq-2 본문", wantType: "ephemeral",
			want: []string{"저장했어요"},
			check: func(t *testing.T, ch *cannedHarness) {
				if a, _ := ch.answer(t, "faq-2"); a.Item != "2.1" || a.Text != "본문" {
					t.Errorf("saved item %q text %q; want 2.1, 본문", a.Item, a.Text)
				}
			}, refreshes: 1},
		{name: "existing name needs --force", user: staffID, text: "canned save cloud-cert 새 내용", wantType: "ephemeral",
			want: []string{"이미 있어서 저장하지 않았어요", "--force"},
			check: func(t *testing.T, ch *cannedHarness) {
				if a, _ := ch.answer(t, seedName); !strings.HasPrefix(a.Text, seedFirst) {
					t.Errorf("cloud-cert overwritten without --force: %q", a.Text)
				}
			},
			logs: []string{`"msg":"canned save rejected"`, `"reason":"exists"`}, secret: "새 내용"},
		{name: "--force replaces", user: staffID, text: "canned save cloud-cert --force 새 내용", wantType: "ephemeral",
			want: []string{"새 내용으로 바꿨어요"},
			check: func(t *testing.T, ch *cannedHarness) {
				a, _ := ch.answer(t, seedName)
				if a.Text != "새 내용" || a.CreatedBy != "cli" || a.UpdatedBy != staffID {
					t.Errorf("after --force: %q created by %s updated by %s", a.Text, a.CreatedBy, a.UpdatedBy)
				}
			},
			refreshes: 1, logs: []string{`"action":"replace"`, `"user":"USTAFF1"`}, secret: "새 내용"},
		{name: "dash typed as em dash", user: staffID, text: "canned save —force cloud-cert 새 내용", wantType: "ephemeral",
			want: []string{"바꿨어요"}, refreshes: 1},
		{name: "bad name", user: staffID, text: "canned save FAQ_1 내용", wantType: "ephemeral", want: []string{"영문 소문자"},
			check: func(t *testing.T, ch *cannedHarness) {
				if list, _ := ch.store.List(context.Background()); len(list) != 1 {
					t.Errorf("answers = %d; want the seed only", len(list))
				}
			}},
		{name: "missing text", user: staffID, text: "canned save faq-1", wantType: "ephemeral", want: []string{"저장할 내용을"}},
		{name: "missing name", user: staffID, text: "canned save", wantType: "ephemeral", want: []string{"이름을 함께 적어"}},
		{name: "bad item", user: staffID, text: "canned save --item 12345678901234567 faq-1 내용", wantType: "ephemeral",
			want: []string{"항목은"}, logs: []string{`"reason":"invalid item"`}},

		{name: "staff posts in channel", user: staffID, text: "canned post cloud-cert", wantType: "in_channel",
			want: []string{seedFirst, seedSecond, "지원 담당자 확인 답변"},
			check: func(t *testing.T, ch *cannedHarness) {
				if a, _ := ch.answer(t, seedName); a.Uses != 1 {
					t.Errorf("uses = %d after a post; want 1", a.Uses)
				}
			},
			logs: []string{`"action":"post"`, `"user":"USTAFF1"`, `"channel":"C1"`}, secret: seedSecond},
		{name: "second staff member posts", user: "W0SECOND", text: "canned post cloud-cert", wantType: "in_channel", want: []string{seedFirst}},
		{name: "post unknown", user: staffID, text: "canned post nope", wantType: "ephemeral", want: []string{"`nope` 답변이 없어요"}},
		{name: "staff deletes", user: staffID, text: "canned delete cloud-cert", wantType: "ephemeral",
			want: []string{"`cloud-cert` 답변을 삭제했어요"},
			check: func(t *testing.T, ch *cannedHarness) {
				if _, ok := ch.answer(t, seedName); ok {
					t.Errorf("cloud-cert still there after delete")
				}
			},
			refreshes: 1, logs: []string{`"action":"delete"`, `"user":"USTAFF1"`}},
		{name: "delete unknown", user: staffID, text: "canned delete nope", wantType: "ephemeral", want: []string{"`nope` 답변이 없어요"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ch := newCannedHarness(t)
			status, ack := ch.slashAs(t, c.user, c.text, ch.resp.url("r"))
			if status != http.StatusOK {
				t.Fatalf("status = %d; want 200", status)
			}
			if ack.ResponseType != c.wantType {
				t.Errorf("response_type = %q; want %q", ack.ResponseType, c.wantType)
			}
			all := ack.Text + "\n" + blockTexts(ack.Blocks)
			for _, w := range c.want {
				if !strings.Contains(all, w) {
					t.Errorf("reply lacks %q:\n%s", w, all)
				}
			}
			for _, w := range c.not {
				if strings.Contains(all, w) {
					t.Errorf("reply contains %q:\n%s", w, all)
				}
			}
			if code := slackLimitError(ack.Text, ack.Blocks, maxBlocks); code != "" {
				t.Errorf("reply over Slack's limits: %s", code)
			}
			ch.settle(t)
			if c.check != nil {
				c.check(t, ch)
			}
			if got := ch.refreshes.Load(); got != c.refreshes {
				t.Errorf("RefreshCanned calls = %d; want %d", got, c.refreshes)
			}
			if got := ch.resp.all(); len(got) != 0 {
				t.Errorf("response_url posts = %d; want none for a quick reply", len(got))
			}
			logs := ch.logs.String()
			for _, w := range c.logs {
				if !strings.Contains(logs, w) {
					t.Errorf("logs lack %s", w)
				}
			}
			if c.secret != "" && strings.Contains(logs, c.secret) {
				t.Errorf("logs contain the answer text %q", c.secret)
			}
		})
	}
}

// Without a store the subcommand stays "not available"; without a writer
// anyone can read but nobody can change anything.
func TestCannedNotConfigured(t *testing.T) {
	h := newHarness(t)
	if _, ack := h.slashAs(t, staffID, "canned", ""); !strings.Contains(ack.Text, "아직 준비 중") {
		t.Errorf("no store: ack = %q; want not available", ack.Text)
	}
	ch := newCannedHarness(t, func(c *Config) { c.CannedWriter = nil })
	if _, ack := ch.slashAs(t, staffID, "canned save faq-1 내용", ""); !strings.Contains(blockTexts(ack.Blocks), "준비 중") {
		t.Errorf("read-only: save ack = %s; want not available", blockTexts(ack.Blocks))
	}
	if _, ack := ch.slashAs(t, nonStaffID, "canned", ""); !strings.Contains(blockTexts(ack.Blocks), seedName) {
		t.Errorf("read-only: list ack = %s; want the list", blockTexts(ack.Blocks))
	}
	if _, ack := ch.slashAs(t, nonStaffID, "", ""); !strings.Contains(blockTexts(ack.Blocks), "/selfcheck canned") {
		t.Errorf("help does not mention /selfcheck canned")
	}
}

func TestCannedConfigChecked(t *testing.T) {
	base := Config{BotToken: testBotToken, SigningSecret: testSecret, Answerer: &fakeEngine{}, Reviewer: &fakeEngine{}}
	for _, c := range []struct {
		name   string
		change func(*Config)
	}{
		{"mention as staff ID", func(c *Config) { c.SupportStaff = []string{"<@U0123ABCD>"} }},
		{"lowercase staff ID", func(c *Config) { c.SupportStaff = []string{"u0123abcd"} }},
		{"channel ID as staff", func(c *Config) { c.SupportStaff = []string{"C0123ABCD"} }},
		{"writer without reader", func(c *Config) { c.CannedWriter = nopWriter{} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := base
			c.change(&cfg)
			if _, err := New(cfg); err == nil {
				t.Errorf("New = nil error; want the config refused")
			}
		})
	}
}

type nopWriter struct{}

func (nopWriter) Save(context.Context, canned.Answer, canned.SaveOptions) (canned.Answer, error) {
	return canned.Answer{}, nil
}
func (nopWriter) Delete(context.Context, string, string) error { return nil }
func (nopWriter) MarkUsed(context.Context, string) error       { return nil }

// slowStore delays every store call, to push the work past the ack.
type slowStore struct {
	*canned.Store
	delay time.Duration
}

func (s slowStore) Get(ctx context.Context, name string) (canned.Answer, error) {
	time.Sleep(s.delay)
	return s.Store.Get(ctx, name)
}

func (s slowStore) Save(ctx context.Context, a canned.Answer, opts canned.SaveOptions) (canned.Answer, error) {
	time.Sleep(s.delay)
	return s.Store.Save(ctx, a, opts)
}

// A post that misses the ack deadline still reaches the channel: as a new
// in_channel message, since the ephemeral placeholder cannot become one.
func TestCannedSlowPost(t *testing.T) {
	// Options run after the store is set, so they can wrap it.
	ch := newCannedHarness(t, func(c *Config) {
		c.AckTimeout = 50 * time.Millisecond
		c.Canned = slowStore{Store: c.Canned.(*canned.Store), delay: 300 * time.Millisecond}
	})
	_, ack := ch.slashAs(t, staffID, "canned post cloud-cert", ch.resp.url("slow"))
	if ack.ResponseType != "ephemeral" || !strings.Contains(ack.Text, "준비하는 중") {
		t.Errorf("ack = %q %q; want the ephemeral placeholder", ack.ResponseType, ack.Text)
	}
	posts := ch.resp.wait(t, 1, 10*time.Second)
	p := posts[0]
	if p.ResponseType != "in_channel" || p.ReplaceOriginal || !strings.Contains(blockTexts(p.Blocks), seedFirst) {
		t.Errorf("delivered %q replace=%v %s; want the answer in_channel as a new message", p.ResponseType, p.ReplaceOriginal, blockTexts(p.Blocks))
	}
}

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
			ch := newCannedHarness(t, func(cfg *Config) {
				cfg.AckTimeout = 50 * time.Millisecond
				cfg.CannedWriter = slowStore{Store: cfg.Canned.(*canned.Store), delay: 300 * time.Millisecond}
			})
			start := time.Now()
			status, body := ch.interact(t, viewSubmission(staffID, "C1", c.answer, "", "내용", false))
			if status != http.StatusOK || len(body) != 0 {
				t.Errorf("ack = %d %s; want an empty 200", status, body)
			}
			if d := time.Since(start); d > 250*time.Millisecond {
				t.Errorf("acked after %v; want about AckTimeout", d)
			}
			calls := ch.slack.waitMethod(t, "chat.postEphemeral", 1)
			if !strings.Contains(calls[0].Text, c.confirm) {
				t.Errorf("outcome = %q; want %q", calls[0].Text, c.confirm)
			}
		})
	}
}

// Over Socket Mode a modal's field errors travel in the ack.
func TestCannedSocketModeSubmission(t *testing.T) {
	ch := newCannedHarness(t, func(c *Config) {
		c.AppToken = testAppToken
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

	deadline := time.After(10 * time.Second)
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
