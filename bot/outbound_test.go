package bot

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// authRecorder records the Authorization header of every request it gets.
type authRecorder struct {
	mu   sync.Mutex
	auth []string
}

func (a *authRecorder) handler() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.auth = append(a.auth, r.Header.Get("Authorization"))
		a.mu.Unlock()
		w.Write([]byte("PK\x03\x04 the file"))
	}
}

func (a *authRecorder) got() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.auth...)
}

// A file download that the file host redirects keeps the bot token only
// on the same scheme, host and port over https: another port, or https to
// http, gets no token.
func TestFileRedirectKeepsTheTokenOnlyOnItsOrigin(t *testing.T) {
	tests := []struct {
		name      string
		fromTLS   bool
		toTLS     bool
		sameSrv   bool
		wantToken bool
	}{
		{"https, same origin", true, true, true, true},
		{"https, same host, other port", true, true, false, false},
		{"https to http", true, false, false, false},
		{"http, same host, other port", false, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := &authRecorder{}
			newSrv := func(tls bool, h http.Handler) *httptest.Server {
				if tls {
					return httptest.NewTLSServer(h)
				}
				return httptest.NewServer(h)
			}
			mux := http.NewServeMux()
			mux.Handle("/files-pri/T1-F1/moved", target.handler())
			from := newSrv(tt.fromTLS, mux)
			defer from.Close()
			dest := from
			if !tt.sameSrv {
				dest = newSrv(tt.toTLS, target.handler())
				defer dest.Close()
			}
			mux.HandleFunc("/files-pri/T1-F1/download", func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, dest.URL+"/files-pri/T1-F1/moved", http.StatusFound)
			})
			// The file host is the API URL's, as slack-go sends the token nowhere else.
			h := newHarness(t, func(c *Config) { c.HTTPClient, c.APIURL = from.Client(), from.URL+"/api/" })
			var buf bytes.Buffer
			if err := h.bot.api.GetFileContext(t.Context(), from.URL+"/files-pri/T1-F1/download", &buf); err != nil {
				t.Fatalf("download: %v", err)
			}
			got := target.got()
			if len(got) != 1 {
				t.Fatalf("redirect target reached %d times; want once", len(got))
			}
			if has := got[0] == "Bearer "+testBotToken; has != tt.wantToken {
				t.Errorf("token sent to the redirect target: %v; want %v", has, tt.wantToken)
			}
		})
	}
}

func TestResponseURLAllowed(t *testing.T) {
	extra := []string{"http://127.0.0.1:8080"}
	tests := []struct {
		url  string
		want bool
	}{
		{"https://hooks.slack.com/commands/T1/123/abc", true},
		{"https://HOOKS.slack.com:443/actions/T1/123/abc", true},
		{"http://127.0.0.1:8080/resp/1", true},
		{"http://hooks.slack.com/commands/T1/123/abc", false},
		{"https://hooks.slack.com:8443/commands/T1/123/abc", false},
		{"https://hooks.slack.com.evil.example/commands", false},
		{"https://evil.example/hooks.slack.com", false},
		{"https://user@hooks.slack.com/commands", false},
		{"http://127.0.0.1:8081/resp/1", false},
		{"https://127.0.0.1:8080/resp/1", false},
		{"hooks.slack.com/commands", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := responseURLAllowed(tt.url, extra); got != tt.want {
			t.Errorf("responseURLAllowed(%q) = %v; want %v", tt.url, got, tt.want)
		}
	}
}

// A slash command whose response_url points elsewhere than Slack is never
// posted to: the reply comes privately through the Web API.
func TestResponseURLElsewhereNotPosted(t *testing.T) {
	evil := &authRecorder{}
	srv := httptest.NewServer(evil.handler())
	defer srv.Close()
	h := newHarness(t, func(c *Config) { c.AckTimeout = 1 })
	h.eng.reviewDelay = 50e6
	code, _ := h.slash(t, "1.2 제1조 유출 사실을 안 때부터 72시간 이내에 통지한다.", srv.URL+"/commands/T1/1/x")
	if code != http.StatusOK {
		t.Fatalf("ack %d", code)
	}
	h.settle(t)
	if n := len(evil.got()); n != 0 {
		t.Fatalf("the reply went to the response_url's host %d times; want never", n)
	}
	eph := h.slack.accepted("chat.postEphemeral")
	if len(eph) == 0 || !strings.Contains(blockTexts(eph[0].Blocks)+eph[0].Text, "1.2") {
		t.Errorf("ephemeral replies %+v; want the review delivered privately", eph)
	}
}
