package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/stats"
)

func homeOpened(eventID, user, tab string) []byte {
	return eventBody(eventID, map[string]any{"type": "app_home_opened", "user": user, "channel": "D1", "tab": tab, "event_ts": "1700004000.000100"})
}

// The App Home tab shows staff the last 7 days (questions per item, the
// most missed elements, the unanswered count with the CLI hint, feedback,
// escalations) and everyone else the usage guide, without any counts.
func TestHomeTabStaffAndOthers(t *testing.T) {
	st := openStats(t)
	ctx := context.Background()
	for _, a := range []stats.Ask{
		{Item: "1.3", Kind: "guidance", Outcome: stats.OutcomeAnswered},
		{Item: "1.3", Kind: "guidance", Outcome: stats.OutcomeAnswered},
		{Item: "1.2", Kind: "guidance", Outcome: stats.OutcomeWeak, Masked: "개인정보 [이름]"},
		{Kind: "no_match", Outcome: stats.OutcomeUnanswered, Masked: "환불 규정"},
	} {
		_ = st.RecordAsk(ctx, a)
	}
	_ = st.RecordReview(ctx, stats.Review{Item: "1.2", Elements: map[string]string{"1.2.3": "missing", "1.2.1": "present"}})
	_ = st.RememberReview(ctx, "U7", "1.2", map[string]string{"1.2-c": "missing", "1.2-f": "missing"})
	_ = st.RememberReview(ctx, "U7", "1.2", map[string]string{"1.2-c": "missing", "1.2-f": "present"})
	_ = st.RecordFeedback(ctx, stats.Feedback{Item: "1.3", Kind: "guidance", Helpful: false})
	_ = st.RecordEscalation(ctx, stats.Escalation{Item: "1.3"})
	_ = st.RecordEscalation(ctx, stats.Escalation{Item: "1.2"})
	_ = st.RecordEscalation(ctx, stats.Escalation{Item: "1.2", Resolved: true})
	report(t, st) // flushed

	h := newHarness(t, func(c *Config) {
		c.SupportStaff = []string{testStaff}
		c.Stats = st
	})
	h.event(t, homeOpened("EvHome1", testStaff, "home"), "")
	h.event(t, homeOpened("EvHome2", "U1", "home"), "")
	h.event(t, homeOpened("EvHome3", "U1", "messages"), "") // not the home tab
	h.settle(t)
	views := h.slack.waitMethod(t, "views.publish", 2)
	if len(views) != 2 {
		t.Fatalf("views published = %d; want 2 (the messages tab needs none)", len(views))
	}
	byUser := map[string]string{}
	for _, v := range views {
		byUser[v.User] = blockTexts(v.Blocks)
	}
	staff := byUser[testStaff]
	for _, want := range []string{
		"지난 7일", "총 4건", "• 1.3 — 2건", "1.2 · 1.2.3 — 누락 1", "*답하지 못한 질문* 1건",
		"selfcheck stats unanswered", "1.3 · guidance — 👍 0 · 👎 1", "열림 1 · 해결 1", "사용법",
		"다시 검토한 신청자 1명", "• 1.2 — 신청자 1명 · 누락 2 → 1",
	} {
		if !strings.Contains(staff, want) {
			t.Errorf("staff home lacks %q:\n%s", want, staff)
		}
	}
	if strings.Contains(staff, "환불") || strings.Contains(staff, "[이름]") {
		t.Errorf("staff home shows question text:\n%s", staff)
	}
	other := byUser["U1"]
	if !strings.Contains(other, "사용법") || !strings.Contains(other, "담당자에게 묻기") {
		t.Errorf("guide home = %s", other)
	}
	for _, leak := range []string{"지난 7일", "총 4건", "selfcheck stats", "열림"} {
		if strings.Contains(other, leak) {
			t.Errorf("non-staff home shows %q:\n%s", leak, other)
		}
	}
}

// With statistics off, staff are told so rather than shown zeros.
func TestHomeTabStatsOff(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.SupportStaff = []string{testStaff} })
	h.event(t, homeOpened("EvHomeOff", testStaff, "home"), "")
	h.settle(t)
	v := h.slack.waitMethod(t, "views.publish", 1)[0]
	if body := blockTexts(v.Blocks); !strings.Contains(body, "STATS=off") || strings.Contains(body, "총 0건") {
		t.Errorf("staff home without stats = %s", body)
	}
}
