package bot

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
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

// TestAnswerStreamsRealEngine runs the real engine and model client
// against a model server streaming server-sent events (its first text
// after 400 ms, then a chunk every 80 ms, a <think> block split across
// chunks first, reasoning_content on every chunk) behind the real Slack
// handler. Each answer streams as the model writes once its reasoning
// block is closed, never shows the reasoning, and ends with a final
// message that carries the element list and sources without repeating
// the streamed text.
func TestAnswerStreamsRealEngine(t *testing.T) {
	kb, ix := sharedKnowledge(t)
	synctest.Test(t, func(t *testing.T) { testAnswerStreamsRealEngine(t, kb, ix) })
}

func testAnswerStreamsRealEngine(t *testing.T, kb *knowledge.Checklist, ix *retrieval.Index) {
	chunks := []string{"<thi", "nk>비공개 추론", "</think>", "1.3에는 ", "개인정보 처리 목적, ", "보유 기간, ", "파기 절차를 ", "적어야 합니다 [1]."}
	var mu sync.Mutex
	var firstSent, lastSent []time.Time
	n := memnet.New()
	t.Cleanup(n.Close)
	model := n.Server(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req struct {
			Stream bool `json:"stream"`
		}
		_ = json.Unmarshal(body, &req)
		if !req.Stream {
			http.Error(w, "want a stream", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		for i, c := range chunks {
			pause := 80 * time.Millisecond
			if i == 0 {
				pause = 400 * time.Millisecond
			}
			select {
			case <-time.After(pause):
			case <-r.Context().Done():
				return
			}
			mu.Lock()
			switch i {
			case 3:
				firstSent = append(firstSent, time.Now())
			case len(chunks) - 1:
				lastSent = append(lastSent, time.Now())
			}
			mu.Unlock()
			raw, _ := json.Marshal(map[string]any{"choices": []map[string]any{{"index": 0, "delta": map[string]any{"content": c, "reasoning_content": "숨은 추론"}}}})
			fmt.Fprintf(w, "data: %s\n\n", raw)
			w.(http.Flusher).Flush()
		}
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	t.Cleanup(model.Close)
	client, err := prompts.New(prompts.Config{BaseURL: model.URL + "/v1", Model: "m", Timeout: 10 * time.Second, MaxRetries: -1, Transport: n.Transport()})
	if err != nil {
		t.Fatal(err)
	}
	eng := engineOn(t, kb, ix, client)
	h := newHarness(t, func(c *Config) { c.Answerer, c.Reviewer, c.Items = eng, eng, kb.Infos() })

	modelText := strings.Join(chunks[3:], "")
	for i, ts := range []string{"1700003000.000100", "1700003001.000100"} {
		start := time.Now()
		h.event(t, eventBody(fmt.Sprintf("EvRS%d", i), mention("<@UBOT> 1.3에는 무엇이 포함되어야 하나요?", ts, "")), "")
		started := h.slack.waitMethod(t, "chat.startStream", i+1)[i]
		inSlack := time.Since(start)
		stops := h.slack.waitMethod(t, "chat.stopStream", i+1)
		mu.Lock()
		firstWritten, lastWritten := firstSent[i].Sub(start), lastSent[i].Sub(start)
		mu.Unlock()
		t.Logf("answer %d: model's first text after %v, in Slack after %v, whole answer after %v", i+1, firstWritten, inSlack, time.Since(start))
		var streamed strings.Builder
		for _, c := range h.slack.allCalls() {
			if c.Err == "" && c.TS == started.TS && (c.Method == "chat.startStream" || c.Method == "chat.appendStream") {
				streamed.WriteString(c.Markdown)
			}
		}
		if streamed.String() != modelText {
			t.Errorf("answer %d streamed %q; want the model's text alone %q", i+1, streamed.String(), modelText)
		}
		// The bot sends up to the last space: a word waits for the next
		// chunk; the text is in Slack before the model is done.
		if inSlack >= lastWritten {
			t.Errorf("answer %d: first text in Slack after %v, the model's last chunk after %v; want it streamed", i+1, inSlack, lastWritten)
		}
		final := blockTexts(stops[i].Blocks)
		if !strings.Contains(final, "1.3-a") || !strings.Contains(final, "출처") || strings.Contains(final, "파기 절차를") {
			t.Errorf("answer %d final message:\n%s\nwant the element list and sources, not the streamed text", i+1, final)
		}
	}
	h.settle(t)
	for _, c := range h.slack.allCalls() {
		if strings.Contains(c.Markdown+blockTexts(c.Blocks), "추론") {
			t.Errorf("%s showed the reasoning: %q", c.Method, c.Markdown)
		}
	}
	if got := h.slack.accepted("chat.postMessage"); len(got) != 0 {
		t.Errorf("posted %d messages besides the streams", len(got))
	}
}
