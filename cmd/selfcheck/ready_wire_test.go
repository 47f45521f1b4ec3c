package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/bot"
	"github.com/selfcheck/selfcheck/canned"
	"github.com/selfcheck/selfcheck/storage"
)

// pingErr is a store whose database fails as err says.
type pingErr struct{ err error }

func (p pingErr) Ping(context.Context) error { return p.err }

// /readyz answers 503 while a store's database cannot be reached, naming
// the store and the kind of failure (not the database's address), and
// 200 with the stores answering.
func TestReadyzFollowsTheStores(t *testing.T) {
	_, down := storage.Open(t.Context(), storage.Target{URL: "postgres://selfcheck@127.0.0.1:1/selfcheck?connect_timeout=2", Schema: "canned"})
	if down == nil {
		t.Fatal("PostgreSQL on port 1 answered")
	}
	store, err := canned.Open(t.Context(), canned.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	tests := []struct {
		name       string
		canned     pinger
		wantStatus int
		want       string
	}{
		{"stores answering", store, http.StatusOK, `"canned_store":"ok"`},
		{"PostgreSQL unreachable", pingErr{down}, http.StatusServiceUnavailable, `"canned_store":"database unavailable"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := bot.New(bot.Config{BotToken: "xoxb-1", SigningSecret: "s", BotUserID: "UBOT",
				Answerer: stubEngine{}, Reviewer: stubEngine{}, Ready: storeChecks(slog.New(slog.DiscardHandler), tt.canned, store, nil)})
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			b.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			body := rec.Body.String()
			if rec.Code != tt.wantStatus || !strings.Contains(body, tt.want) || strings.Contains(body, "127.0.0.1") {
				t.Errorf("/readyz = %d %s; want %d with %s and no address", rec.Code, body, tt.wantStatus, tt.want)
			}
			var r map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
				t.Errorf("not JSON: %v", err)
			}
		})
	}
}
