package memnet_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/selfcheck/selfcheck/internal/memnet"
)

// A handler that sleeps ten seconds answers in a bubble at once, and the
// bubble's clock says ten seconds passed; a client deadline shorter than the
// handler's sleep fires at its time.
func TestServerInBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := memnet.New()
		t.Cleanup(n.Close)
		srv := n.Server(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(10 * time.Second):
			case <-r.Context().Done():
				return
			}
			_, _ = io.WriteString(w, "late")
		}))
		t.Cleanup(srv.Close)

		start := time.Now()
		resp, err := n.Client().Get(srv.URL + "/x")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "late" || time.Since(start) != 10*time.Second {
			t.Errorf("got %q after %s; want \"late\" after exactly 10s of the bubble's clock", body, time.Since(start))
		}

		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/y", nil)
		if _, err := n.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v; want the client's deadline", err)
		}
	})
}

func TestUnknownAndClosedHosts(t *testing.T) {
	n := memnet.New()
	defer n.Close()
	if _, err := n.Client().Get("http://nowhere.memnet.test/"); !errors.Is(err, memnet.ErrUnknownHost) {
		t.Errorf("unknown host: err = %v; want ErrUnknownHost", err)
	}
	srv := n.Server(http.NotFoundHandler())
	srv.Close()
	if _, err := n.Client().Get(srv.URL); err == nil {
		t.Error("closed server: no error; want the connection refused")
	}
}
