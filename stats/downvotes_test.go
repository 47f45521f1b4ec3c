package stats

import (
	"testing"
	"time"
)

// A 👎 with its reason is kept with the masked texts and a link, one per
// key (a changed reason replaces it, a 👍 withdraws it), only for the
// retention period and the days asked for, and never once statistics
// are turned off (ForgetQuestions).
func TestDownVotesKeptReplacedAndExpired(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := t.Context()
		c := &clock{t: today.AddDate(0, 0, -10)}
		s := openTest(t, place(), c, 7*24*time.Hour)
		must(t, s.RecordDownVote(ctx, DownVote{Key: "old", Item: "1.2", Kind: "guidance", Reason: "wrong", Question: "오래된 질문"}))
		c.set(today)
		must(t, s.RecordDownVote(ctx, DownVote{Key: "k1", Item: "1.3", Kind: "guidance", Reason: "wrong", Question: "1.3에는 [이름] 님 정보가?", Link: "https://example.slack.com/archives/D1/p1"}))
		must(t, s.RecordDownVote(ctx, DownVote{Key: "k1", Item: "1.3", Kind: "guidance", Reason: "incomplete", Comment: "예시가 없어요", Question: "1.3에는 [이름] 님 정보가?"}))
		must(t, s.RecordDownVote(ctx, DownVote{Key: "k2", Item: "3.2", Kind: "model", Reason: "unclear"}))
		must(t, s.RecordDownVote(ctx, DownVote{Key: "k2", Withdraw: true}))
		must(t, s.Flush(ctx))

		got, err := s.DownVotes(ctx, 30)
		must(t, err)
		if len(got) != 1 {
			t.Fatalf("downvotes = %+v; want k1 alone (old expired, k2 withdrawn)", got)
		}
		if d := got[0]; d.Reason != "incomplete" || d.Comment != "예시가 없어요" || d.Item != "1.3" || d.Question == "" {
			t.Errorf("downvote = %+v; want the changed reason with its comment", d)
		}
		if ReasonLabel("incomplete") != "부족해요" {
			t.Errorf("label = %q", ReasonLabel("incomplete"))
		}
		if _, err := s.ForgetQuestions(ctx); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.DownVotes(ctx, 30); len(got) != 0 {
			t.Errorf("after STATS=off: %+v; want none kept", got)
		}
	})
}
