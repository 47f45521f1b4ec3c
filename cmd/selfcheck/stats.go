package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"

	"github.com/selfcheck/selfcheck/stats"
)

const statsUsage = `Usage:
  selfcheck stats [--json] [--days N]              questions, reviews and feedback of the last N days (default 30)
  selfcheck stats unanswered [--json] [--days N]   the masked questions the bot could not answer or only guessed at
  selfcheck stats feedback [--json] [--days N]     the 👎 with their reason, item, masked question and a link to the thread (default 7 days)
`

// defaultFeedbackDays is the period "selfcheck stats feedback" reports by
// default: the week, as the App Home shows it.
const defaultFeedbackDays = 7

// defaultStatsDays is the period "selfcheck stats" reports by default:
// the retention of question texts, so that both views cover the same days.
const defaultStatsDays = 30

func runStats(ctx context.Context, cfg config, log *slog.Logger, args []string, stdout io.Writer) error {
	sub := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "", "unanswered", "feedback":
	case "help":
		_, err := io.WriteString(stdout, statsUsage)
		return err
	default:
		return usageErr(fmt.Sprintf("stats: 알 수 없는 명령 %q입니다. selfcheck stats --help로 확인하세요.", sub), fmt.Sprintf("stats: unknown command %q; see selfcheck stats --help", sub))
	}
	fs := newFlagSet("stats")
	asJSON := fs.Bool("json", false, "print JSON")
	defDays := defaultStatsDays
	if sub == "feedback" {
		defDays = defaultFeedbackDays
	}
	days := fs.Int("days", defDays, "days to report, today included")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("stats 명령은 unanswered 외의 인수를 받지 않습니다.", "stats takes no arguments but unanswered")
	}
	if *days < 1 || *days > 3660 {
		return usageErr(fmt.Sprintf("stats: --days %d: 1~3660 사이의 일수를 쓰세요.", *days), fmt.Sprintf("stats: --days %d: want a number of days from 1 to 3660", *days))
	}
	s, err := stats.Open(ctx, statsConfig(cfg, log))
	if err != nil {
		return err
	}
	defer s.Close()
	if sub == "feedback" {
		dv, err := s.DownVotes(ctx, *days)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(stdout, feedbackJSON(dv))
		}
		renderDownVotes(stdout, dv, *days, cfg.StatsOff)
		return nil
	}
	if sub == "unanswered" {
		qs, err := s.Unanswered(ctx, *days)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(stdout, qs)
		}
		renderUnanswered(stdout, qs, *days)
		return nil
	}
	r, err := s.Report(ctx, *days)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, r)
	}
	renderStats(stdout, r, cfg.StatsOff)
	if dv, err := s.DownVotes(ctx, *days); err == nil && len(dv) > 0 {
		fmt.Fprintf(stdout, "\n이유가 남은 👎 %d개 (가려진 질문과 스레드 링크): selfcheck stats feedback --days %d\n", len(dv), *days)
	}
	return nil
}

func orNone(item string) string {
	if item == "" {
		return "-"
	}
	return item
}

// renderStats prints the overview for support staff.
func renderStats(w io.Writer, r stats.Report, off bool) {
	fmt.Fprintf(w, "selfcheck 통계 — 최근 %d일 (%s ~ %s, UTC)\n", r.Days, r.From, r.To)
	if off {
		fmt.Fprintln(w, "STATS=off: 지금은 새로 기록하지 않습니다 (statistics are off; these are earlier counts).")
	}
	q := r.Question
	fmt.Fprintf(w, "\n질문 %d개: 답변 %d · 약한 연결 %d · 답변 못 함 %d\n", q.Total, q.Answered, q.Weak, q.Unanswered)
	if r.KeptQuestions > 0 {
		fmt.Fprintf(w, "  답변 못 했거나 약하게 연결된 질문 %d개(마스킹됨): selfcheck stats unanswered\n", r.KeptQuestions)
	}
	if len(r.ByItem) > 0 {
		fmt.Fprintln(w, "\n항목별 질문 (item: questions, weak, unanswered)")
		for _, it := range r.ByItem {
			fmt.Fprintf(w, "  %-4s %5d   약함 %d · 못 함 %d\n", orNone(it.Item), it.Total, it.Weak, it.Unanswered)
		}
	}
	if len(r.ByDay) > 0 {
		fmt.Fprintln(w, "\n일별 질문 (per day)")
		for _, d := range r.ByDay {
			fmt.Fprintf(w, "  %s %5d\n", d.Day, d.Questions)
		}
	}
	if len(r.ByKind) > 0 {
		fmt.Fprint(w, "\n답변 종류별 (by kind of answer):")
		for _, k := range sortedKeys(r.ByKind) {
			fmt.Fprintf(w, " %s %d", k, r.ByKind[k])
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "\n검토 (reviews; 초안 내용은 저장하지 않고 요소별 결과만 셉니다)")
	if len(r.Reviews) == 0 {
		fmt.Fprintln(w, "  없음 (none)")
	}
	for _, rv := range r.Reviews {
		fmt.Fprintf(w, "  %-4s 검토 %d회\n", rv.Item, rv.Reviews)
		for _, el := range rv.Elements {
			fmt.Fprintf(w, "       %-7s 누락 %d · 일부 %d\n", el.Element, el.Missing, el.Partial)
		}
	}
	fmt.Fprintf(w, "\n다시 검토한 신청자 %d명 (applicants who reviewed an item again; 첫 검토 → 마지막 검토의 누락 수)\n", r.ReviewedAgain)
	for _, p := range r.Progress {
		fmt.Fprintf(w, "  %-4s 신청자 %d명\n", p.Item, p.Applicants)
		for _, el := range p.Elements {
			if el.MissingFirst == 0 && el.MissingLast == 0 {
				continue
			}
			fmt.Fprintf(w, "       %-7s 누락 %d → %d\n", el.Element, el.MissingFirst, el.MissingLast)
		}
	}
	fmt.Fprintln(w, "\n피드백 (feedback: item, kind of answer, 👍, 👎)")
	if len(r.Feedback) == 0 {
		fmt.Fprintln(w, "  없음 (none)")
	}
	for _, f := range r.Feedback {
		fmt.Fprintf(w, "  %-4s %-11s 👍 %d  👎 %d\n", orNone(f.Item), f.Kind, f.Up, f.Down)
	}
	if len(r.Escalations) > 0 {
		fmt.Fprintln(w, "\n담당자 호출 (escalations: item, opened, resolved)")
		for _, e := range r.Escalations {
			fmt.Fprintf(w, "  %-4s 요청 %d · 해결 %d\n", orNone(e.Item), e.Opened, e.Resolved)
		}
	}
}

// renderUnanswered prints one masked question a line, newest first, with
// a hint to turn one into a canned answer.
func renderUnanswered(w io.Writer, qs []stats.Question, days int) {
	if len(qs) == 0 {
		fmt.Fprintf(w, "최근 %d일 동안 답변 못 했거나 약하게 연결된 질문이 없습니다 (none in the last %d days).\n", days, days)
		return
	}
	for _, q := range qs {
		text := strings.Join(strings.Fields(q.Text), " ")
		fmt.Fprintf(w, "%s  %-10s %-4s %s\n", q.At.UTC().Format("2006-01-02 15:04"), q.Outcome, orNone(q.Item), text)
	}
	fmt.Fprintf(w, "\n%d개. 자주 나오는 질문은 canned answer로 만들어 두세요: selfcheck canned add NAME --item ITEM --text \"…\"\n", len(qs))
}

// downVoteJSON is one 👎 in `stats feedback --json`: the stored fields
// and the reason's label.
type downVoteJSON struct {
	stats.DownVote
	ReasonLabel string `json:"reason_label"`
}

func feedbackJSON(dv []stats.DownVote) []downVoteJSON {
	out := make([]downVoteJSON, 0, len(dv))
	for _, d := range dv {
		out = append(out, downVoteJSON{DownVote: d, ReasonLabel: stats.ReasonLabel(d.Reason)})
	}
	return out
}

// renderDownVotes prints the 👎 newest first: when, item, reason, the
// masked question and comment, and the link to the thread.
func renderDownVotes(w io.Writer, dv []stats.DownVote, days int, off bool) {
	if off {
		fmt.Fprintln(w, "STATS=off: 👎의 이유는 기록하지도 보관하지도 않습니다 (statistics are off).")
	}
	if len(dv) == 0 {
		fmt.Fprintf(w, "최근 %d일 동안 이유가 남은 👎가 없습니다 (none in the last %d days).\n", days, days)
		return
	}
	for _, d := range dv {
		fmt.Fprintf(w, "%s  %-4s %s", d.At.UTC().Format("2006-01-02 15:04"), orNone(d.Item), stats.ReasonLabel(d.Reason))
		if d.Kind != "" {
			fmt.Fprintf(w, " (%s)", d.Kind)
		}
		fmt.Fprintln(w)
		if d.Question != "" {
			fmt.Fprintf(w, "    질문: %s\n", strings.Join(strings.Fields(d.Question), " "))
		}
		if d.Comment != "" {
			fmt.Fprintf(w, "    의견: %s\n", strings.Join(strings.Fields(d.Comment), " "))
		}
		if d.Link != "" {
			fmt.Fprintf(w, "    스레드: %s\n", d.Link)
		}
	}
	fmt.Fprintf(w, "\n👎 %d개 (최근 %d일, UTC). 질문과 의견은 가려서 보관합니다.\n", len(dv), days)
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
