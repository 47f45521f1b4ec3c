package botstate

import (
	"context"
	"testing"
	"time"
)

func open(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// A Slack retry that arrives after a restart must still be recognised.
func TestFirstSeenSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir)
	if first, err := s.FirstSeen(ctx, "event:Ev1", time.Hour); err != nil || !first {
		t.Fatalf("first FirstSeen = %v, %v; want true", first, err)
	}
	s.Close()
	s2 := open(t, dir)
	if first, err := s2.FirstSeen(ctx, "event:Ev1", time.Hour); err != nil || first {
		t.Fatalf("FirstSeen after reopen = %v, %v; want false", first, err)
	}
	if first, _ := s2.FirstSeen(ctx, "event:Ev2", time.Hour); !first {
		t.Error("another key was reported seen")
	}
}

func TestFirstSeenExpires(t *testing.T) {
	ctx := context.Background()
	s := open(t, "")
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
}

func TestVotesOncePerUserAcrossReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir)
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
	s = open(t, dir)
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
}

func TestTopic(t *testing.T) {
	ctx := context.Background()
	s := open(t, "")
	if _, ok, err := s.Topic(ctx, "C1", "1.1"); ok || err != nil {
		t.Fatalf("Topic of an unknown thread = %v, %v", ok, err)
	}
	s.SetTopic(ctx, "C1", "1.1", Topic{Item: "1.3", Element: "1.3-d"})
	s.SetTopic(ctx, "C1", "1.1", Topic{Item: "3.2"})
	got, ok, err := s.Topic(ctx, "C1", "1.1")
	if err != nil || !ok || got != (Topic{Item: "3.2"}) {
		t.Errorf("Topic = %+v, %v, %v; want the latest, 3.2", got, ok, err)
	}
}
