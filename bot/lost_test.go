package bot

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/internal/memnet"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/prompts"
)

// Tests that no reply is lost: shutdown, expired response_urls, public
// replies in Socket Mode.

// shutdown does what Run does at SIGTERM once its HTTP server has stopped
// (TestRunHTTPGracefulShutdown covers that wiring): it waits up to the
// grace period for the replies in flight, the waiting work delivering what
// it has near the end. It returns how long that took; in a synctest
// bubble, exactly what the bot made it.
func (h *harness) shutdown(t *testing.T) time.Duration {
	t.Helper()
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), h.bot.cfg.ShutdownGrace)
	defer cancel()
	if err := h.bot.Shutdown(ctx); err != nil {
		t.Logf("shutdown: %v", err) // Run only logs it too
	}
	return time.Since(start)
}

// On SIGTERM a review waiting on a slow model is delivered within the
// grace period with the deterministic result and a notice, by
// response_url for /selfcheck and in the DM for a DM.
func TestShutdownDeliversDeterministicReview(t *testing.T) {
	synctest.Test(t, testShutdownDeliversDeterministicReview)
}

func testShutdownDeliversDeterministicReview(t *testing.T) {
	const grace = 2 * time.Second
	h := newHarness(t, func(c *Config) {
		c.AckTimeout = 50 * time.Millisecond
		c.ShutdownGrace = grace
		c.QuickReview = func(_ context.Context, item, _ string) (knowledge.Report, error) {
			return sampleReport(item, 3), nil
		}
	})
	h.eng.reviewDelay = time.Minute // the model that never answers in time

	req := h.signedRequest(t, "/slack/commands", "application/x-www-form-urlencoded", slashForm("1.2 제1조 수집 항목: 이름\n제2조 보유 기간", h.resp.url("review")))
	if resp, body := h.do(t, req); resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "검토 중") {
		t.Fatalf("ack = %d %s; want the placeholder", resp.StatusCode, body)
	}
	h.do(t, h.signedRequest(t, "/slack/events", "application/json", eventBody("EvSIG", dm("1.2 검토\n제1조 수집 항목: 이름", "1700000600.000100"))))
	synctest.Wait()

	if took := h.shutdown(t); took > grace {
		t.Errorf("shutdown took %v; want within the %v grace", took, grace)
	}
	posts := h.resp.all()
	if len(posts) != 1 || !posts[0].ReplaceOriginal {
		t.Fatalf("response_url posts = %+v; want the placeholder replaced once", posts)
	}
	for name, text := range map[string]string{"slash": blockTexts(posts[0].Blocks), "dm": dmText(h)} {
		if !strings.Contains(text, "검토 결과") || !strings.Contains(text, "기본 검토 결과만") {
			t.Errorf("%s delivery lacks the deterministic review with its notice:\n%s", name, text)
		}
	}
}

func dmText(h *harness) string {
	var b strings.Builder
	for _, c := range h.slack.accepted("") {
		if c.Channel == "D1" {
			b.WriteString(c.Markdown + blockTexts(c.Blocks))
		}
	}
	return b.String()
}

// A question still waiting at the end of the grace period gets a request
// to ask again, not silence.
func TestShutdownAnswersWaitingQuestion(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, func(c *Config) { c.ShutdownGrace = time.Second })
		h.eng.delay = time.Minute
		h.do(t, h.signedRequest(t, "/slack/events", "application/json", eventBody("EvSIG2", mention("<@UBOT> 심사 기간은?", "1700000601.000100", ""))))
		synctest.Wait()
		h.shutdown(t)
		posts := h.slack.accepted("chat.postMessage")
		if len(posts) != 1 || !strings.Contains(posts[0].Text, "다시 시작") {
			t.Errorf("posts = %+v; want one asking to try again", posts)
		}
	})
}

// An expired response_url does not swallow the reply: it goes to the
// user as an ephemeral message, or by DM when that fails too.
func TestExpiredResponseURLFallsBack(t *testing.T) {
	cases := []struct {
		name        string
		ephemeral   string // error of chat.postEphemeral, "" for success
		wantMethod  string
		wantChannel string
	}{
		{"ephemeral in the channel", "", "chat.postEphemeral", "C1"},
		{"dm when the bot is not in the channel", "not_in_channel", "chat.postMessage", "U1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, func(cfg *Config) { cfg.AckTimeout = 30 * time.Millisecond })
			if c.ephemeral != "" {
				h.slack.set(func(f *fakeSlack) { f.failWith["chat.postEphemeral"] = c.ephemeral })
			}
			h.eng.reviewDelay = 200 * time.Millisecond
			h.slash(t, "1.2 제1조 수집 항목: 이름\n제2조 보유 기간", h.resp.srv.URL+"/expired/T1/123/abc")
			h.settle(t)
			got := h.slack.accepted(c.wantMethod)
			if len(got) != 1 || got[0].Channel != c.wantChannel || !strings.Contains(blockTexts(got[0].Blocks), "검토 결과") {
				t.Fatalf("%s calls = %+v; want the review in %s", c.wantMethod, got, c.wantChannel)
			}
			if c.wantMethod == "chat.postEphemeral" && got[0].User != "U1" {
				t.Errorf("ephemeral for %q; want U1", got[0].User)
			}
		})
	}
}

// A public canned post too large for a Socket Mode ack is acked empty and
// posted by response_url: no "⏳" placeholder is left behind.
func TestPublicReplyTooLargeForAckLeavesNoPlaceholder(t *testing.T) {
	ch := newCannedHarness(t)
	cmd := slack.SlashCommand{Command: "/selfcheck", Text: "canned post " + seedName, UserID: staffID, ChannelID: "C1", ResponseURL: ch.resp.url("big")}
	ack := ch.bot.slash(t.Context(), ch.bot.log, cmd, 64)
	if ack != nil {
		t.Errorf("ack = %+v; want an empty ack", ack)
	}
	posts := ch.resp.wait(t, 1)
	ch.settle(t)
	if posts[0].ResponseType != "in_channel" || !strings.Contains(blockTexts(posts[0].Blocks), seedFirst) {
		t.Errorf("posted %+v; want the canned answer in_channel", posts[0])
	}
	for _, p := range ch.resp.all() {
		if strings.Contains(p.Text, "⏳") {
			t.Errorf("a placeholder was posted: %+v", p)
		}
	}
}

// The same with the real engine and a model that never answers in time:
// the deterministic review, as cmd/selfcheck wires QuickReview, reaches
// the user within the grace period.
func TestShutdownWithRealEngineAndSlowModel(t *testing.T) {
	kb, ix := sharedKnowledge(t)
	synctest.Test(t, func(t *testing.T) {
		n := memnet.New()
		t.Cleanup(n.Close)
		model := n.Server(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// Answers long after the grace period, unless the bot gives up.
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}))
		t.Cleanup(model.Close)
		client, err := prompts.New(prompts.Config{BaseURL: model.URL + "/v1", Model: "slow", Timeout: time.Minute, MaxRetries: -1, Transport: n.Transport()})
		if err != nil {
			t.Fatal(err)
		}
		eng := engineOn(t, kb, ix, client)
		h := newHarness(t, func(c *Config) {
			c.Answerer, c.Reviewer, c.Items = eng, eng, kb.Infos()
			c.ShutdownGrace = 2 * time.Second
			c.QuickReview = func(ctx context.Context, item, draft string) (knowledge.Report, error) {
				return kb.Review(item, draft, knowledge.ReviewOptions{})
			}
		})
		req := h.signedRequest(t, "/slack/commands", "application/x-www-form-urlencoded",
			slashForm("1.2 검토\n침해사고 발생 시 이용자에게 전자우편으로 통지한다.\n통지에는 발생내용과 담당부서 연락처를 포함한다.", h.resp.url("real")))
		if resp, _ := h.do(t, req); resp.StatusCode != http.StatusOK {
			t.Fatalf("ack status %d", resp.StatusCode)
		}
		if took := h.shutdown(t); took > 2*time.Second {
			t.Errorf("shutdown took %v; want within the 2 s grace", took)
		}
		posts := h.resp.all()
		if len(posts) != 1 {
			t.Fatalf("response_url posts = %d; want 1", len(posts))
		}
		text := blockTexts(posts[0].Blocks)
		if !strings.Contains(text, "1.2-a") || !strings.Contains(text, "기본 검토 결과만") {
			t.Errorf("delivered:\n%s\nwant the deterministic 1.2 review with the notice", text)
		}
	})
}
