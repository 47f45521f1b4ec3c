package bot

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/internal/memnet"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/prompts"
	"github.com/selfcheck/selfcheck/retrieval"
)

// TestSlashAckWithSlowModel runs the real engine with a model that takes
// 5 s to answer (a fake speaking the OpenAI protocol) behind the real Slack
// handler: the ack must come at the AckTimeout, well under Slack's 3 s,
// and the review arrive once through response_url when the model is done.
// It runs on a synctest clock, so the 5 s take none.
func TestSlashAckWithSlowModel(t *testing.T) {
	kb, ix := sharedKnowledge(t)
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		n := memnet.New()
		t.Cleanup(n.Close)
		model := n.Server(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/v1/chat/completions" {
				http.NotFound(w, r)
				return
			}
			calls.Add(1)
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"id":"c1","object":"chat.completion","created":0,"model":"slow-model","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"{\"elements\":[],\"summary\":\"검토했습니다\"}"}}]}`))
		}))
		t.Cleanup(model.Close)

		client, err := prompts.New(prompts.Config{BaseURL: model.URL + "/v1", Model: "slow-model", Timeout: 10 * time.Second, MaxRetries: -1, Transport: n.Transport()})
		if err != nil {
			t.Fatal(err)
		}
		eng := engineOn(t, kb, ix, client)
		h := newHarness(t, func(c *Config) {
			c.Answerer, c.Reviewer, c.Items = eng, eng, kb.Infos()
		})

		start := time.Now()
		status, ack := h.slash(t, "1.2 검토\n침해사고 발생 시 이용자에게 전자우편으로 통지한다.\n통지에는 발생내용과 담당부서 연락처를 포함한다.", h.resp.url("slow-model"))
		ackAfter := time.Since(start)
		if status != http.StatusOK {
			t.Fatalf("status = %d; want 200", status)
		}
		if ackAfter != DefaultAckTimeout {
			t.Errorf("ack after %v with a 5 s model; want it at the %v AckTimeout", ackAfter, DefaultAckTimeout)
		}
		if ack.ResponseType != "ephemeral" || !strings.Contains(ack.Text, "검토 중") {
			t.Errorf("ack = %q (%s); want the ephemeral 검토 중… placeholder", ack.Text, ack.ResponseType)
		}
		posts := h.resp.wait(t, 1)
		h.settle(t)
		if n := len(h.resp.all()); n != 1 {
			t.Fatalf("response_url posts = %d; want exactly 1", n)
		}
		if got := blockTexts(posts[0].Blocks); !strings.Contains(got, "1.2-a") {
			t.Errorf("delivered result lacks the review:\n%s", got)
		}
		if calls.Load() != 1 {
			t.Errorf("model called %d times; want 1", calls.Load())
		}
	})
}

// TestLoadSlashReviewsRealEngine is the same burst with the real engine
// and its deterministic review (no model): reviews take about a
// millisecond, so all are answered in the ack itself (200 with
// SELFCHECK_LOAD=1).
func TestLoadSlashReviewsRealEngine(t *testing.T) {
	eng, kb := realEngine(t, nil)
	h := newHarness(t, func(c *Config) { c.Answerer, c.Reviewer, c.Items = eng, eng, kb.Infos() })
	slashBurst(t, h, burstSize(200),
		func(i int) string {
			return fmt.Sprintf("1.2 검토\n[문서 %d] 침해사고 발생 시 이용자에게 전자우편으로 통지한다.\n통지에는 발생내용, 발생원인, 담당부서 연락처를 포함한다.", i)
		},
		func(i int, text string) bool { return strings.Contains(text, "1.2-a") })
}

// realEngine builds the real engine on the embedded knowledge, with the
// model given (nil: off).
func realEngine(t *testing.T, model engine.Model) (*engine.Engine, *knowledge.Checklist) {
	t.Helper()
	kb, ix := sharedKnowledge(t)
	return engineOn(t, kb, ix, model), kb
}

// The embedded knowledge and its index, loaded once for the package's
// tests: a load takes a good part of a second, and nothing changes them.
var (
	knowledgeOnce sync.Once
	knowledgeKB   *knowledge.Checklist
	knowledgeIx   *retrieval.Index
	knowledgeErr  error
)

// sharedKnowledge returns the embedded knowledge and its index. Call it
// outside a synctest bubble: what a bubble creates may not be used by
// another.
func sharedKnowledge(t *testing.T) (*knowledge.Checklist, *retrieval.Index) {
	t.Helper()
	knowledgeOnce.Do(func() {
		if knowledgeKB, knowledgeErr = knowledge.Load(knowledge.Embedded()); knowledgeErr != nil {
			return
		}
		knowledgeIx, knowledgeErr = retrieval.Open(context.Background(), retrieval.Config{}, knowledgeKB)
	})
	if knowledgeErr != nil {
		t.Fatal(knowledgeErr)
	}
	return knowledgeKB, knowledgeIx
}

// engineOn builds an engine over kb and ix with the model given (nil: off).
func engineOn(t *testing.T, kb *knowledge.Checklist, ix *retrieval.Index, model engine.Model) *engine.Engine {
	t.Helper()
	cfg := engine.Config{Knowledge: kb, Index: ix}
	if model != nil {
		cfg.Model = model
	}
	eng, err := engine.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return eng
}
