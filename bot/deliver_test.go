package bot

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/slack-go/slack"
)

func TestDeliveryRetries(t *testing.T) {
	cases := []struct {
		name      string
		setup     func(f *fakeSlack)
		maxBlocks int
		wantPosts int // accepted chat.postMessage calls
		wantTries int // all chat.postMessage calls
		minTime   time.Duration
		wantErr   bool
		check     func(t *testing.T, c apiCall)
	}{
		{
			name:      "rate limited once waits Retry-After",
			setup:     func(f *fakeSlack) { f.rateLimit["chat.postMessage"] = 1 },
			wantPosts: 1, wantTries: 2, minTime: time.Second,
		},
		{
			name:      "server errors are bounded",
			setup:     func(f *fakeSlack) { f.failWith["chat.postMessage"] = "http500" },
			wantPosts: 0, wantTries: DefaultMaxRetries + 1, wantErr: true,
		},
		{
			name:      "permanent error not retried",
			setup:     func(f *fakeSlack) { f.failWith["chat.postMessage"] = "channel_not_found" },
			wantPosts: 0, wantTries: 1, wantErr: true,
		},
		{
			name:      "too many blocks shrinks",
			setup:     func(f *fakeSlack) { f.maxBlocks = 30 },
			wantPosts: 1, wantTries: 2,
			check: func(t *testing.T, c apiCall) {
				if len(c.Blocks) > 30 || !strings.Contains(blockTexts(c.Blocks), "길이 제한") {
					t.Errorf("shrunk message: %d blocks, note shown %v", len(c.Blocks), strings.Contains(blockTexts(c.Blocks), "길이 제한"))
				}
			},
		},
		{
			name:      "blocks refused altogether fall back to text",
			setup:     func(f *fakeSlack) { f.maxBlocks = 0 },
			wantPosts: 1, wantTries: 3,
			check: func(t *testing.T, c apiCall) {
				if len(c.Blocks) != 0 || c.Text == "" {
					t.Errorf("fallback: %d blocks, text %q; want text only", len(c.Blocks), c.Text)
				}
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.slack.set(c.setup)
				msg := paginate(renderReport(sampleReport("1.2", 44)))[0]
				start := time.Now()
				err := h.bot.postThread(t.Context(), h.bot.log, "C1", "1.1", []message{msg}, "")
				elapsed := time.Since(start)
				if (err != nil) != c.wantErr {
					t.Errorf("err = %v; want error %v", err, c.wantErr)
				}
				if elapsed < c.minTime { // the bubble's clock
					t.Errorf("returned after %v; want at least %v", elapsed, c.minTime)
				}
				var tries int
				for _, call := range h.slack.allCalls() {
					if call.Method == "chat.postMessage" {
						tries++
					}
				}
				posts := h.slack.accepted("chat.postMessage")
				if len(posts) != c.wantPosts || tries != c.wantTries {
					t.Errorf("accepted %d of %d tries; want %d of %d", len(posts), tries, c.wantPosts, c.wantTries)
				}
				if c.check != nil && len(posts) > 0 {
					c.check(t, posts[0])
				}
			})
		})
	}
}

func TestRetryAfterTooLong(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, func(c *Config) { c.MaxRetryWait = 500 * time.Millisecond })
		h.slack.set(func(f *fakeSlack) { f.rateLimit["chat.postMessage"] = 1 })
		start := time.Now()
		err := h.bot.postThread(t.Context(), h.bot.log, "C1", "1.1", paginate(renderNotice("안녕하세요")), "")
		if d := time.Since(start); err == nil || d != 0 { // the bubble's clock
			t.Errorf("err = %v after %v; want a failure at once when Retry-After exceeds MaxRetryWait", err, d)
		}
	})
}

func TestResponseURLShrinks(t *testing.T) {
	h := newHarness(t)
	// A section over 3000 characters, built around the renderer's own
	// truncation: response_url answers 400 invalid_blocks, and the
	// delivery must shrink the message rather than give up.
	msg := message{Text: "긴 답변", Blocks: []slack.Block{
		slack.NewSectionBlock(mrkdwn(strings.Repeat("가", 3500)), nil, nil),
	}}
	if _, err := h.bot.respond(t.Context(), h.bot.log, h.resp.url("shrink"), []message{msg}, true); err != nil {
		t.Fatalf("respond: %v", err)
	}
	posts := h.resp.all()
	if len(posts) != 2 || posts[0].Err != "invalid_blocks" || posts[1].Err != "" {
		t.Fatalf("posts = %+v; want one rejected, then one accepted", posts)
	}
	if !posts[1].ReplaceOriginal {
		t.Errorf("retry lost replace_original")
	}
}
