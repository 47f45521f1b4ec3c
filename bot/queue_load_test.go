package bot

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/selfcheck/selfcheck/internal/memnet"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/prompts"
	"github.com/selfcheck/selfcheck/retrieval"
)

// TestLoadQueuedReviewsWithinTimeout: twenty users ask for a review at
// once; the model server answers one request at a time, 2 s each, and
// OPENAI_TIMEOUT is 10 s. Every user gets a review (the model's, or the
// deterministic one with a notice) within the timeout, counted from their
// request: time in the bot's and the model client's queues counts against
// the timeout. It runs on a synctest clock over in-memory servers, so the
// durations are the bot's own, exact on any machine, and take no real time.
func TestLoadQueuedReviewsWithinTimeout(t *testing.T) {
	kb, ix := sharedKnowledge(t)
	synctest.Test(t, func(t *testing.T) { testLoadQueuedReviewsWithinTimeout(t, kb, ix) })
}

func testLoadQueuedReviewsWithinTimeout(t *testing.T, kb *knowledge.Checklist, ix *retrieval.Index) {
	const timeout, users = 10 * time.Second, 20
	turn := make(chan struct{}, 1)
	n := memnet.New()
	t.Cleanup(n.Close)
	model := n.Server(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case turn <- struct{}{}:
		case <-r.Context().Done():
			return
		}
		defer func() { <-turn }()
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"{\"elements\":[],\"summary\":\"검토함\"}"},"finish_reason":"stop"}]}`)
	}))
	t.Cleanup(model.Close)
	client, err := prompts.New(prompts.Config{BaseURL: model.URL + "/v1", Model: "m", Timeout: timeout, Transport: n.Transport()})
	if err != nil {
		t.Fatal(err)
	}
	eng := engineOn(t, kb, ix, client)
	h := newHarness(t, func(c *Config) { c.Answerer, c.Reviewer = eng, eng })

	sent := make([]time.Time, users)
	var wg sync.WaitGroup
	for i := range users {
		form := url.Values{
			"command": {"/selfcheck"}, "text": {"1.2 유출 사실을 안 때부터 72시간 이내에 이용자에게 전자우편으로 통지한다."},
			"user_id": {fmt.Sprintf("U%03d", i)}, "channel_id": {"C1"}, "team_id": {"T1"},
			"response_url": {h.resp.url(fmt.Sprintf("q-%d", i))}, "trigger_id": {"trig"},
		}
		req := h.signedRequest(t, "/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode()))
		wg.Go(func() {
			sent[i] = time.Now()
			resp, err := h.client.Do(req)
			if err != nil {
				t.Errorf("request %d: %v", i, err)
				return
			}
			resp.Body.Close()
		})
	}
	wg.Wait()
	h.resp.wait(t, users)
	var took []time.Duration
	notices := 0
	for _, p := range h.resp.all() {
		var i int
		if _, err := fmt.Sscanf(p.Path, "/resp/q-%d", &i); err != nil || p.Err != "" {
			continue
		}
		text := blockTexts(p.Blocks)
		if !strings.Contains(text, "1.2") {
			t.Errorf("user %d got %q; want the review", i, text)
		}
		if strings.Contains(text, "기본 검토 결과만") {
			notices++
		}
		took = append(took, p.At.Sub(sent[i]))
	}
	slices.Sort(took)
	if len(took) != users {
		t.Fatalf("%d answers for %d users", len(took), users)
	}
	t.Logf("%d reviews, model one at a time (2 s), OPENAI_TIMEOUT=%v: answered after p50 %v, max %v; %d without the model, with a notice",
		users, timeout, took[users/2].Round(10*time.Millisecond), took[users-1].Round(10*time.Millisecond), notices)
	if worst := took[users-1]; worst > timeout {
		t.Errorf("the last user waited %v; want within OPENAI_TIMEOUT", worst)
	}
}
