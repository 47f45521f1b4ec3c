package botstate

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/storage/storagetest"
)

// eachBackend runs a contract test once per backend; place returns a new,
// empty place for the state each time (see canned's eachBackend).
func eachBackend(t *testing.T, f func(t *testing.T, place func() Config)) {
	t.Run("sqlite", func(t *testing.T) {
		f(t, func() Config { return Config{Dir: t.TempDir()} })
	})
	t.Run("postgres", func(t *testing.T) {
		url := storagetest.URL(t)
		f(t, func() Config {
			return Config{DatabaseURL: url, PGSchema: storagetest.Schema(t, url)}
		})
	})
}

func open(t *testing.T, cfg Config) *Store {
	t.Helper()
	s, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// A Slack retry that arrives after a restart must still be recognised.
func TestFirstSeenSurvivesReopen(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := context.Background()
		cfg := place()
		s := open(t, cfg)
		if first, err := s.FirstSeen(ctx, "event:Ev1", time.Hour); err != nil || !first {
			t.Fatalf("first FirstSeen = %v, %v; want true", first, err)
		}
		s.Close()
		s2 := open(t, cfg)
		if first, err := s2.FirstSeen(ctx, "event:Ev1", time.Hour); err != nil || first {
			t.Fatalf("FirstSeen after reopen = %v, %v; want false", first, err)
		}
		if first, _ := s2.FirstSeen(ctx, "event:Ev2", time.Hour); !first {
			t.Error("another key was reported seen")
		}
	})
}

func TestFirstSeenExpires(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := context.Background()
		s := open(t, place())
		now := time.Unix(1_700_000_000, 0)
		s.now = func() time.Time { return now }
		s.FirstSeen(ctx, "k", time.Hour)
		now = now.Add(59 * time.Minute)
		if first, _ := s.FirstSeen(ctx, "k", time.Hour); first {
			t.Error("seen again within the hour")
		}
		now = now.Add(2 * time.Hour)
		if first, _ := s.FirstSeen(ctx, "k", time.Hour); !first {
			t.Error("still seen after the TTL")
		}
	})
}

func TestVotesOncePerUserAcrossReopen(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := context.Background()
		cfg := place()
		s := open(t, cfg)
		steps := []struct {
			user, vote  string
			wantChanged bool
		}{
			{"U1", VoteUp, true},
			{"U1", VoteUp, false},
			{"U2", VoteUp, true},
			{"U1", VoteDown, true},
		}
		for i, st := range steps {
			changed, err := s.Vote(ctx, "C1/1.1", st.user, "1.3", st.vote)
			if err != nil || changed != st.wantChanged {
				t.Errorf("step %d: Vote = %v, %v; want %v", i, changed, err, st.wantChanged)
			}
		}
		s.Close()
		s = open(t, cfg)
		if changed, _ := s.Vote(ctx, "C1/1.1", "U2", "1.3", VoteUp); changed {
			t.Error("a repeated vote after reopen counted again")
		}
		got, err := s.MessageVotes(ctx, "C1/1.1")
		if err != nil || got != (Tally{Up: 1, Down: 1}) {
			t.Errorf("MessageVotes = %+v, %v; want 1 up 1 down", got, err)
		}
		items, _ := s.ItemVotes(ctx)
		if items["1.3"] != (Tally{Up: 1, Down: 1}) {
			t.Errorf("ItemVotes = %+v", items)
		}
		if v, _ := s.UserVote(ctx, "C1/1.1", "U1"); v != VoteDown {
			t.Errorf("UserVote = %q; want down", v)
		}
		if _, err := s.Vote(ctx, "m", "U1", "", "sideways"); err == nil {
			t.Error("a bad vote was accepted")
		}
	})
}

func TestTopic(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := context.Background()
		s := open(t, place())
		if _, ok, err := s.Topic(ctx, "C1", "1.1"); ok || err != nil {
			t.Fatalf("Topic of an unknown thread = %v, %v", ok, err)
		}
		s.SetTopic(ctx, "C1", "1.1", Topic{Item: "1.3", Element: "1.3-d"})
		s.SetTopic(ctx, "C1", "1.1", Topic{Item: "3.2"})
		got, ok, err := s.Topic(ctx, "C1", "1.1")
		if err != nil || !ok || got != (Topic{Item: "3.2"}) {
			t.Errorf("Topic = %+v, %v, %v; want the latest, 3.2", got, ok, err)
		}
	})
}

// Replicas claiming the same events at once (Slack's delivery and its
// retries reaching both): every event is claimed exactly once, and votes
// clicked through either count once.
func TestReplicasClaimOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := context.Background()
		cfg := place()
		replicas := []*Store{open(t, cfg), open(t, cfg), open(t, cfg)}
		const events = 100
		claims := make(chan string, events*len(replicas)*2)
		var wg sync.WaitGroup
		for _, s := range replicas {
			for range 2 { // the delivery and a retry
				wg.Go(func() {
					for i := range events {
						key := fmt.Sprintf("event:Ev%d", i)
						first, err := s.FirstSeen(ctx, key, time.Hour)
						if err != nil {
							t.Error(err)
							return
						}
						if first {
							claims <- key
						}
					}
				})
			}
		}
		wg.Wait()
		close(claims)
		got := map[string]int{}
		for k := range claims {
			got[k]++
		}
		for i := range events {
			if n := got[fmt.Sprintf("event:Ev%d", i)]; n != 1 {
				t.Errorf("event %d claimed %d times; want once", i, n)
			}
		}
		for _, s := range replicas {
			if _, err := s.Vote(ctx, "C1/2.2", "U1", "1.3", VoteUp); err != nil {
				t.Fatal(err)
			}
		}
		if tally, err := replicas[1].MessageVotes(ctx, "C1/2.2"); err != nil || tally != (Tally{Up: 1}) {
			t.Errorf("one user's click through three replicas: %+v, %v; want one up", tally, err)
		}
	})
}
