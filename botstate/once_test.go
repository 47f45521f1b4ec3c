package botstate

import (
	"context"
	"sync"
	"testing"
	"time"
)

// Once survives a restart and outlives the event dedupe window, until
// OnceTTL.
func TestOnceSurvivesReopenAndExpires(t *testing.T) {
	eachBackend(t, testOnceSurvivesReopenAndExpires)
}

func testOnceSurvivesReopenAndExpires(t *testing.T, place func() Config) {
	ctx := context.Background()
	cfg := place()
	s := open(t, cfg)
	now := time.Unix(1_700_000_000, 0)
	s.now = func() time.Time { return now }
	if first, err := s.Once(ctx, "canned:C1/1.1/cloud-cert"); err != nil || !first {
		t.Fatalf("first Once = %v, %v; want true", first, err)
	}
	s.Close()
	s2 := open(t, cfg)
	s2.now = func() time.Time { return now.Add(30 * 24 * time.Hour) }
	if first, err := s2.Once(ctx, "canned:C1/1.1/cloud-cert"); err != nil || first {
		t.Fatalf("Once after reopen, 30 days on = %v, %v; want false", first, err)
	}
	if first, _ := s2.Once(ctx, "canned:C1/1.2/cloud-cert"); !first {
		t.Error("another thread's key was reported done")
	}
	s2.now = func() time.Time { return now.Add(30*24*time.Hour + OnceTTL + time.Minute) }
	if first, _ := s2.Once(ctx, "canned:C1/1.1/cloud-cert"); !first {
		t.Error("Once did not expire after OnceTTL")
	}
}

// A kept value is taken once, even by concurrent takers, and not after
// KeptTTL.
func TestKeepTakeOnce(t *testing.T) {
	eachBackend(t, testKeepTakeOnce)
}

func testKeepTakeOnce(t *testing.T, place func() Config) {
	ctx := context.Background()
	s := open(t, place())
	now := time.Unix(1_700_000_000, 0)
	s.now = func() time.Time { return now }
	if err := s.Keep(ctx, "full:a", `{"answer":"x"}`); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	got := 0
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			v, ok, err := s.Take(ctx, "full:a")
			if err != nil {
				t.Error(err)
			}
			if ok {
				if v != `{"answer":"x"}` {
					t.Errorf("Take = %q", v)
				}
				mu.Lock()
				got++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if got != 1 {
		t.Fatalf("value taken %d times; want once", got)
	}
	if err := s.Keep(ctx, "full:b", "y"); err != nil {
		t.Fatal(err)
	}
	s.now = func() time.Time { return now.Add(KeptTTL + time.Minute) }
	if _, ok, _ := s.Take(ctx, "full:b"); ok {
		t.Error("value taken after KeptTTL")
	}
}
