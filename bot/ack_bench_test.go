package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/botstate"
	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/retrieval"
	"github.com/selfcheck/selfcheck/storage/storagetest"
)

// ackBurst is how many signed events BenchmarkAckBurst sends at once.
const ackBurst = 1000

// BenchmarkAckBurst measures the ack path against a floor: 1,000
// concurrent signed mentions, sent to a floor server (checks the
// signature, decodes the event, answers 200) and then, in the same run
// and process, to the bot with the real engine and its state on SQLite on
// disk or on PostgreSQL. It reports both servers' ack latency (request
// written → response read, over keep-alive connections) and their
// ratio, and fails only when an event is not answered exactly once.
// Target (issue 23): ack p99 ≤ 1.5× the floor's on 2 cores.
func BenchmarkAckBurst(b *testing.B) {
	eng := benchEngine(b)
	b.Run("sqlite", func(b *testing.B) {
		ackBench(b, eng, func() *botstate.Store {
			return benchStore(b, botstate.Config{Dir: b.TempDir()})
		})
	})
	b.Run("postgres", func(b *testing.B) {
		url := storagetest.URL(b)
		ackBench(b, eng, func() *botstate.Store {
			return benchStore(b, botstate.Config{DatabaseURL: url, PGSchema: storagetest.Schema(b, url)})
		})
	})
}

func benchEngine(b *testing.B) *engine.Engine {
	kb, err := knowledge.Load(knowledge.Embedded())
	if err != nil {
		b.Fatal(err)
	}
	ix, err := retrieval.Open(context.Background(), retrieval.Config{}, kb)
	if err != nil {
		b.Fatal(err)
	}
	eng, err := engine.New(engine.Config{Knowledge: kb, Index: ix})
	if err != nil {
		b.Fatal(err)
	}
	return eng
}

func benchStore(b *testing.B, cfg botstate.Config) *botstate.Store {
	st, err := botstate.Open(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// floorHandler is the least an Events API endpoint does: verify the
// signature, decode the event, answer 200.
func floorHandler(w http.ResponseWriter, r *http.Request) {
	sv, err := slack.NewSecretsVerifier(r.Header, testSecret)
	if err != nil {
		http.Error(w, "unsigned", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(io.TeeReader(http.MaxBytesReader(w, r.Body, DefaultMaxBodyBytes), &sv))
	if err != nil || sv.Ensure() != nil {
		http.Error(w, "unsigned", http.StatusUnauthorized)
		return
	}
	var outer outerEvent
	var inner innerEvent
	if json.Unmarshal(body, &outer) != nil || json.Unmarshal(outer.Event, &inner) != nil {
		http.Error(w, "bad event", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// countingSlack is a Web API that answers every call and counts the
// answers posted in each thread.
type countingSlack struct {
	mu    sync.Mutex
	posts map[string]int
}

func (c *countingSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/api/chat.postMessage" {
		_ = r.ParseForm()
		c.mu.Lock()
		c.posts[r.PostForm.Get("thread_ts")]++
		c.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"ok":true,"ts":"1700000000.000001","channel":"C1"}`)
}

func ackBench(b *testing.B, eng *engine.Engine, state func() *botstate.Store) {
	floor := httptest.NewServer(http.HandlerFunc(floorHandler))
	defer floor.Close()
	var floorP50, floorP99, botP50, botP99 time.Duration
	// One burst more than b.N, the first not counted: it pays for the
	// process warming up (heap, stacks, connections), whichever server
	// goes first.
	for i := range b.N + 1 {
		api := &countingSlack{posts: map[string]int{}}
		apiSrv := httptest.NewServer(api)
		bot, err := New(Config{
			BotToken: testBotToken, SigningSecret: testSecret, APIURL: apiSrv.URL + "/api/", BotUserID: testBotUser,
			Answerer: eng, Reviewer: eng, State: state(),
			Logger: slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo})),
		})
		if err != nil {
			b.Fatal(err)
		}
		botSrv := httptest.NewServer(bot.Handler())
		prefix := fmt.Sprintf("%d", i)
		fp50, fp99 := burstLatency(b, floor.URL, prefix)
		bp50, bp99 := burstLatency(b, botSrv.URL, prefix)
		if i > 0 {
			floorP50, floorP99, botP50, botP99 = floorP50+fp50, floorP99+fp99, botP50+bp50, botP99+bp99
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		if err := bot.Shutdown(ctx); err != nil {
			b.Fatalf("answers did not settle: %v", err)
		}
		cancel()
		botSrv.Close()
		apiSrv.Close()
		for e := range ackBurst {
			if n := api.posts[burstTS(e)]; n != 1 {
				b.Fatalf("event %d answered %d times; want once", e, n)
			}
		}
	}
	n := time.Duration(b.N)
	ms := func(d time.Duration) float64 { return float64(d/n) / float64(time.Millisecond) }
	b.ReportMetric(ms(floorP50), "floor-p50-ms")
	b.ReportMetric(ms(floorP99), "floor-p99-ms")
	b.ReportMetric(ms(botP50), "ack-p50-ms")
	b.ReportMetric(ms(botP99), "ack-p99-ms")
	b.ReportMetric(float64(botP99)/float64(max(floorP99, 1)), "p99-ratio")
	b.ReportMetric(0, "ns/op")
}

func burstTS(e int) string { return fmt.Sprintf("1700004000.%06d", e) }

// burstLatency sends ackBurst signed mentions at once to base over
// warmed keep-alive connections and returns the ack latency p50 and p99.
func burstLatency(b *testing.B, base, prefix string) (p50, p99 time.Duration) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: ackBurst, MaxConnsPerHost: ackBurst}, Timeout: time.Minute}
	defer client.CloseIdleConnections()
	bodies := make([][]byte, ackBurst)
	for e := range ackBurst {
		bodies[e] = eventBody("EvAck"+prefix+"-"+strconv.Itoa(e), mention("<@UBOT> 1.3에는 무엇이 포함되어야 하나요?", burstTS(e), ""))
	}
	// Warm the connections: one request each, all in flight at once, so
	// that the burst measures acks rather than TCP setup.
	var warm sync.WaitGroup
	for range ackBurst {
		warm.Go(func() {
			if resp, err := client.Get(base + "/healthz"); err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	warm.Wait()
	lat := make([]time.Duration, ackBurst)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for e := range ackBurst {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		req, _ := http.NewRequest(http.MethodPost, base+"/slack/events", bytes.NewReader(bodies[e]))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", sign(testSecret, ts, bodies[e]))
		wg.Go(func() {
			<-start
			var sent time.Time
			req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
				WroteRequest: func(httptrace.WroteRequestInfo) { sent = time.Now() },
			}))
			resp, err := client.Do(req)
			if err != nil {
				b.Errorf("event %d: %v", e, err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			lat[e] = time.Since(sent)
			if resp.StatusCode != http.StatusOK {
				b.Errorf("event %d: status %d", e, resp.StatusCode)
			}
		})
	}
	close(start)
	wg.Wait()
	p50, p99, _ = percentiles(lat)
	return p50, p99
}
