package botstate

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A claim whose answer was lost (a timeout after the write) is retried
// with its token and found to be its own; another claim of the same event
// is not.
func TestClaimRetriedWithItsTokenIsItsOwn(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := context.Background()
		s := open(t, place())
		mine, other := NewClaimToken(), NewClaimToken()
		for i, want := range []bool{true, true} {
			if got, err := s.Claim(ctx, "event:EvTok", mine, time.Hour); err != nil || got != want {
				t.Fatalf("claim %d with the same token = %v, %v; want %v", i+1, got, err, want)
			}
		}
		if got, err := s.Claim(ctx, "event:EvTok", other, time.Hour); err != nil || got {
			t.Errorf("another claim of the event = %v, %v; want false", got, err)
		}
		if _, err := s.Claim(ctx, "event:EvTok", "", time.Hour); err == nil {
			t.Error("a claim without a token was accepted")
		}
	})
}

// A burst of claims, each event claimed by two callers at once (the
// delivery and Slack's retry), commits in groups and gives every event
// to exactly one of them.
func TestBurstOfClaimsGivesEachEventOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := context.Background()
		s := open(t, place())
		const events = 400
		var won [events]atomic.Int32
		var wg sync.WaitGroup
		for i := range events {
			for range 2 {
				wg.Go(func() {
					first, err := s.FirstSeen(ctx, fmt.Sprintf("event:EvB%d", i), time.Hour)
					if err != nil {
						t.Error(err)
						return
					}
					if first {
						won[i].Add(1)
					}
				})
			}
		}
		wg.Wait()
		for i := range events {
			if n := won[i].Load(); n != 1 {
				t.Errorf("event %d claimed %d times; want once", i, n)
			}
		}
	})
}

// A claim made after Close fails rather than hanging or counting as new.
func TestClaimAfterCloseFails(t *testing.T) {
	s, err := Open(context.Background(), Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	first, err := s.FirstSeen(ctx, "event:EvClosed", time.Hour)
	if err == nil || first {
		t.Errorf("claim after Close = %v, %v; want an error", first, err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("claim after Close waited for its deadline: %v", err)
	}
}
