package bot

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/botstate"
	"github.com/selfcheck/selfcheck/knowledge"
)

// TestLoadSlashReviews fires 200 concurrent signed slash reviews over
// loopback HTTP. Reviews take 0–40 ms against an AckTimeout of 20 ms, so
// some are answered inline and the rest via response_url. Every request
// must be acked with 200 and answered exactly once; ack latency p50/p99
// are reported (target p99 < 50 ms), never asserted. Half the requests
// wait the whole AckTimeout on purpose, which is most of their latency.
func TestLoadSlashReviews(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.AckTimeout = 20 * time.Millisecond })
	h.eng.review = func(id, draft string) (knowledge.Report, error) {
		var i int
		fmt.Sscanf(draft, "LOAD-%d", &i)
		time.Sleep(time.Duration(i%5) * 10 * time.Millisecond)
		r := sampleReport(id, 6)
		r.Title = fmt.Sprintf("LOAD-%d", i)
		return r, nil
	}
	slashBurst(t, h, burstSize(200),
		func(i int) string {
			return fmt.Sprintf("1.2 LOAD-%d 제1조 수집 항목: 이름\n제2조 보유 기간: 1년", i)
		},
		func(i int, text string) bool { return strings.Contains(text, fmt.Sprintf("LOAD-%d 검토 결과", i)) })
}

// slashBurst sends n signed slash commands at once over keep-alive
// connections, checks that every one is acked with 200 and answered
// exactly once (inline or through its response_url; answers says whether
// a rendered text is request i's answer), and reports ack latency.
func slashBurst(t *testing.T, h *harness, n int, text func(i int) string, answers func(i int, text string) bool) {
	t.Helper()
	// Slack reuses keep-alive connections to the app. /warm-up holds every
	// request until n are in, which leaves n connections in the client's
	// pool, so that the burst measures acks rather than TCP setup.
	var arrived sync.WaitGroup
	arrived.Add(n)
	mux := http.NewServeMux()
	mux.Handle("/", h.bot.Handler())
	mux.HandleFunc("/warm-up", func(http.ResponseWriter, *http.Request) {
		arrived.Done()
		arrived.Wait()
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}}
	defer client.CloseIdleConnections()
	var warm sync.WaitGroup
	for range n {
		warm.Go(func() {
			resp, err := client.Get(srv.URL + "/warm-up")
			if err != nil {
				t.Errorf("warm-up: %v", err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		})
	}
	warm.Wait()

	type result struct {
		status  int
		total   time.Duration // from Do, connection setup included
		latency time.Duration // from the request written to the response read
		inline  bool
		err     error
	}
	results := make([]result, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	begin := time.Now()
	for i := range n {
		req := h.signedRequest(t, "/slack/commands", "application/x-www-form-urlencoded",
			slashForm(text(i), h.resp.url(fmt.Sprintf("load-%d", i))))
		req.URL.Host = strings.TrimPrefix(srv.URL, "http://")
		wg.Go(func() {
			<-start
			t0 := time.Now()
			var sent time.Time
			req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
				WroteRequest: func(httptrace.WroteRequestInfo) { sent = time.Now() },
			}))
			resp, err := client.Do(req)
			if err != nil {
				results[i] = result{err: err}
				return
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			results[i] = result{
				status:  resp.StatusCode,
				total:   time.Since(t0),
				latency: time.Since(sent),
				inline:  answers(i, string(body)),
			}
		})
	}
	close(start)
	wg.Wait()
	h.settle(t)
	elapsed := time.Since(begin)

	answered := make([]int, n)
	for _, p := range h.resp.all() {
		var i int
		if _, err := fmt.Sscanf(p.Path, "/resp/load-%d", &i); err != nil {
			t.Errorf("post to unexpected path %s", p.Path)
			continue
		}
		if p.Err != "" {
			t.Errorf("request %d: response_url rejected: %s", i, p.Err)
		}
		if p.ResponseType != "ephemeral" {
			t.Errorf("request %d: response_type %q; want ephemeral", i, p.ResponseType)
		}
		if answers(i, blockTexts(p.Blocks)) {
			answered[i]++
		}
	}
	var lat, total []time.Duration
	inline := 0
	for i, r := range results {
		if r.err != nil || r.status != http.StatusOK {
			t.Errorf("request %d: status %d, err %v; want 200", i, r.status, r.err)
			continue
		}
		lat, total = append(lat, r.latency), append(total, r.total)
		if r.inline {
			inline++
			answered[i]++
		}
		if answered[i] != 1 {
			t.Errorf("request %d answered %d times; want exactly 1", i, answered[i])
		}
	}
	if len(lat) == 0 {
		t.Fatal("no successful requests")
	}
	p50, p99, worst := percentiles(lat)
	t50, t99, tworst := percentiles(total)
	t.Logf("%d concurrent slash reviews in %v: %d inline, %d via response_url", n, elapsed.Round(time.Millisecond), inline, n-inline)
	t.Logf("ack latency (request sent → ack): p50=%v p99=%v max=%v", p50, p99, worst)
	t.Logf("with connection setup:           p50=%v p99=%v max=%v", t50, t99, tworst)
	if p99 >= 50*time.Millisecond {
		t.Logf("p99 ack latency misses the 50 ms target (%d CPUs, race detector %v)", runtime.NumCPU(), raceEnabled)
	}
	// Slack's bound is 3 s for an ack; the figures above are reported,
	// not asserted: a busy machine would fail a good bot.
}

// burstSize is n with SELFCHECK_LOAD=1 (.ci/run's load step, whose
// figures are the targets' measure), a fifth of it otherwise: enough
// concurrent requests for a lost or doubled answer to show in every go
// test run, in a fifth of the time.
func burstSize(n int) int {
	if loadTests() {
		return n
	}
	return n / 5
}

func percentiles(d []time.Duration) (p50, p99, worst time.Duration) {
	s := slices.Clone(d)
	slices.Sort(s)
	r := func(x time.Duration) time.Duration { return x.Round(10 * time.Microsecond) }
	return r(s[len(s)*50/100]), r(s[min(len(s)*99/100, len(s)-1)]), r(s[len(s)-1])
}

// TestBurst300Signed20KBReviews is the acceptance burst: 300 signed slash
// reviews of 20 KB drafts at once against the real engine, through the
// bounded worker pool. Every review must be acked with 200 and delivered
// exactly once; the ack latencies (target: well under Slack's 3 s) are
// reported. It is a load test, run with SELFCHECK_LOAD=1 (.ci/run does).
func TestBurst300Signed20KBReviews(t *testing.T) {
	if os.Getenv("SELFCHECK_LOAD") == "" {
		t.Skip("load test: set SELFCHECK_LOAD=1")
	}
	eng, kb := realEngine(t, nil)
	h := newHarness(t, func(c *Config) { c.Answerer, c.Reviewer, c.Items = eng, eng, kb.Infos() })
	para := "침해사고 발생 시 이용자에게 전자우편과 문자로 지체 없이 통지한다. 통지에는 발생내용, 발생원인, 피해 확산 방지 조치, 담당부서 연락처를 포함한다.\n"
	body := strings.Repeat(para, 20*1024/len(para)+1)[:20*1024]
	body = strings.ToValidUTF8(body, "")
	n := 300
	if raceEnabled {
		// The race detector makes each review ten times slower; on a
		// shared 2-CPU machine 300 of them measure the machine, not the
		// bot. The acceptance figure is the run without -race.
		n = 100
	}
	slashBurst(t, h, n,
		func(i int) string { return fmt.Sprintf("1.2 검토\n[문서 %d]\n%s", i, body) },
		func(i int, text string) bool { return strings.Contains(text, "1.2-a") })
}

// TestBurstEventsWithPersistedDedupe sends 300 signed mentions at once to
// a bot whose dedupe is SQLite on disk, on the ack path: every mention is
// acked with 200 and answered once (the ack latencies are reported).
func TestBurstEventsWithPersistedDedupe(t *testing.T) {
	st, err := botstate.Open(context.Background(), botstate.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h := newHarness(t, func(c *Config) { c.State = st })
	n := burstSize(300)
	if raceEnabled {
		n = min(n, 100) // see TestBurst300Signed20KBReviews
	}
	lat := make([]time.Duration, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		body := eventBody(fmt.Sprintf("EvBurst%d", i), mention("<@UBOT> 1.3", fmt.Sprintf("1700002000.%06d", i), ""))
		req := h.signedRequest(t, "/slack/events", "application/json", body)
		wg.Go(func() {
			<-start
			t0 := time.Now()
			resp, err := h.client.Do(req)
			if err != nil {
				t.Errorf("event %d: %v", i, err)
				return
			}
			resp.Body.Close()
			lat[i] = time.Since(t0)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("event %d: status %d", i, resp.StatusCode)
			}
		})
	}
	close(start)
	wg.Wait()
	h.settle(t)
	p50, p99, worst := percentiles(lat)
	t.Logf("%d concurrent mentions: ack p50=%v p99=%v max=%v (reported, not asserted)", n, p50, p99, worst)
	if got := len(h.slack.accepted("chat.postMessage")); got != n {
		t.Errorf("answers = %d; want %d", got, n)
	}
}
