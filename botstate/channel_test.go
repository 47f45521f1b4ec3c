package botstate

import (
	"context"
	"testing"
	"time"
)

// A channel's mode is mention until staff set it; what they set survives
// a restart and is the same for a second replica on the same database.
func TestChannelModeSharedAndKept(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := context.Background()
		cfg := place()
		a, b := open(t, cfg), open(t, cfg)
		if m, err := a.ChannelMode(ctx, "C1"); err != nil || m != ModeMention {
			t.Fatalf("mode of a new channel = %q, %v; want mention", m, err)
		}
		if err := a.SetChannelMode(ctx, "C1", ModeAuto, "U0STAFF"); err != nil {
			t.Fatal(err)
		}
		if err := a.SetChannelMode(ctx, "C2", ModeOff, "U0STAFF"); err != nil {
			t.Fatal(err)
		}
		if err := a.SetChannelMode(ctx, "C3", "loud", "U0STAFF"); err != ErrBadMode {
			t.Errorf("bad mode accepted: %v", err)
		}
		if m, _ := b.ChannelMode(ctx, "C1"); m != ModeAuto {
			t.Errorf("replica b reads C1 as %q; want auto", m)
		}
		a.Close()
		c := open(t, cfg)
		list, err := c.ChannelModes(ctx)
		if err != nil || len(list) != 2 || list[0].Channel != "C1" || list[0].Mode != ModeAuto || list[1].Mode != ModeOff || list[0].By != "U0STAFF" {
			t.Fatalf("modes after reopen = %+v, %v", list, err)
		}
		if err := c.SetChannelMode(ctx, "C1", ModeMention, "U0STAFF"); err != nil {
			t.Fatal(err)
		}
		if m, _ := b.ChannelMode(ctx, "C1"); m != ModeMention {
			t.Errorf("C1 back to mention reads %q", m)
		}
	})
}

// The first staff reply of a thread is kept and times the escalation of
// that thread; later replies change nothing.
func TestStaffReplyTimesEscalation(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := context.Background()
		s := open(t, place())
		now := time.Unix(1_700_000_000, 0)
		s.now = func() time.Time { return now }
		if _, ok, _ := s.StaffReplied(ctx, "C1", "1.1"); ok {
			t.Fatal("a thread without replies reads as replied")
		}
		for _, e := range []Escalation{
			{ID: "e2", Channel: "C1", Thread: "2.2", User: "U1", Item: "1.3", Urgency: UrgencyWeek},
			{ID: "e1", Channel: "C1", Thread: "1.1", User: "U1", Item: "1.2", Urgency: UrgencyToday},
		} {
			if fresh, err := s.OpenEscalation(ctx, e); err != nil || !fresh {
				t.Fatalf("open %s = %v, %v", e.ID, fresh, err)
			}
			now = now.Add(time.Minute)
		}
		if fresh, _ := s.OpenEscalation(ctx, Escalation{ID: "e1", Channel: "C1", User: "U1"}); fresh {
			t.Error("the same escalation opened twice")
		}
		now = now.Add(10 * time.Minute)
		if first, err := s.RecordStaffReply(ctx, "C1", "1.1", "U0STAFF", "1.5"); err != nil || !first {
			t.Fatalf("first reply = %v, %v", first, err)
		}
		now = now.Add(time.Hour)
		if first, _ := s.RecordStaffReply(ctx, "C1", "1.1", "U0OTHER", "1.9"); first {
			t.Error("a second reply counted as the first")
		}
		r, ok, err := s.StaffReplied(ctx, "C1", "1.1")
		if err != nil || !ok || r.User != "U0STAFF" || r.TS != "1.5" {
			t.Fatalf("staff reply = %+v, %v, %v", r, ok, err)
		}
		open, err := s.OpenEscalations(ctx, 10)
		if err != nil || len(open) != 2 || open[0].ID != "e2" || open[1].ID != "e1" {
			t.Fatalf("open escalations = %+v, %v; want e2 then e1 (oldest first)", open, err)
		}
		if got := open[1].FirstReplyAfter(); got != 11*time.Minute || open[1].Replier != "U0STAFF" || open[1].ReplyTS != "1.5" {
			t.Errorf("e1 first reply after %v by %q; want 11m by U0STAFF", got, open[1].Replier)
		}
		if open[0].FirstReplyAfter() != 0 || open[0].Urgency != UrgencyWeek || open[0].Item != "1.3" {
			t.Errorf("e2 = %+v", open[0])
		}
		e, ok, err := s.ResolveEscalation(ctx, "e1", "U0STAFF")
		if err != nil || !ok || e.ResolvedBy != "U0STAFF" || e.ReplyTS != "1.5" {
			t.Fatalf("resolve = %+v, %v, %v", e, ok, err)
		}
		if _, ok, _ := s.ResolveEscalation(ctx, "e1", "U0STAFF"); ok {
			t.Error("resolved twice")
		}
		if open, _ := s.OpenEscalations(ctx, 10); len(open) != 1 || open[0].ID != "e2" {
			t.Errorf("open after resolve = %+v", open)
		}
		if e, ok, _ := s.EscalationOf(ctx, "C1", "2.2"); !ok || e.ID != "e2" {
			t.Errorf("escalation of thread 2.2 = %+v, %v", e, ok)
		}
		if err := s.SetEscalationUrgency(ctx, "e2", UrgencyLater, "https://x/p1"); err != nil {
			t.Fatal(err)
		}
		if e, _, _ := s.EscalationOf(ctx, "C1", "2.2"); e.Urgency != UrgencyLater || e.Link != "https://x/p1" {
			t.Errorf("after SetEscalationUrgency: %+v", e)
		}
	})
}

// Candidates are listed until saved; a second add of the same one is a
// no-op.
func TestCandidates(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := context.Background()
		cfg := place()
		s := open(t, cfg)
		c := Candidate{ID: "k1", Channel: "C1", Thread: "1.1", Staff: "U0STAFF", Item: "1.3", Text: "암호화는 AES-256으로 해 주세요."}
		if fresh, err := s.AddCandidate(ctx, c); err != nil || !fresh {
			t.Fatalf("add = %v, %v", fresh, err)
		}
		if fresh, _ := s.AddCandidate(ctx, c); fresh {
			t.Error("added twice")
		}
		if _, err := s.AddCandidate(ctx, Candidate{ID: "k2", Staff: "U0STAFF"}); err == nil {
			t.Error("a candidate without text was accepted")
		}
		s2 := open(t, cfg)
		list, err := s2.Candidates(ctx, 10)
		if err != nil || len(list) != 1 || list[0].Text != c.Text || list[0].Item != "1.3" || list[0].Saved != "" {
			t.Fatalf("candidates = %+v, %v", list, err)
		}
		if err := s2.MarkCandidateSaved(ctx, "k1", "aes-answer"); err != nil {
			t.Fatal(err)
		}
		if list, _ := s.Candidates(ctx, 10); len(list) != 0 {
			t.Errorf("saved candidate still listed: %+v", list)
		}
		if got, ok, _ := s.Candidate(ctx, "k1"); !ok || got.Saved != "aes-answer" {
			t.Errorf("candidate after save = %+v, %v", got, ok)
		}
	})
}
