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
	posts := ch.resp.wait(t, 2)
	if !posts[0].DeleteOriginal {
		t.Errorf("first post = %+v; want the ephemeral placeholder deleted, not left stale", posts[0])
	}
	p := posts[1]
	if p.ResponseType != "in_channel" || p.ReplaceOriginal || !strings.Contains(blockTexts(p.Blocks), seedFirst) {
		t.Errorf("delivered %q replace=%v %s; want the answer in_channel as a new message", p.ResponseType, p.ReplaceOriginal, blockTexts(p.Blocks))
	}
}
