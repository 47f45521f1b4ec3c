package bot

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/stats"
)

// homeDays is the period of the staff overview on the App Home tab.
const homeDays = 7

// homeTop bounds each list of the overview; the CLI has the rest.
const homeTop = 10

// Texts of the App Home tab.
const (
	textHomeTitle      = "📊 지난 %d일 현황 (%s ~ %s)"
	textHomeQuestions  = "*질문* 총 %d건 · 답변 %d · 연결 약함 %d · 답하지 못함 %d"
	textHomeByItem     = "*항목별 질문*"
	textHomeItemLine   = "• %s — %d건 (연결 약함 %d · 답하지 못함 %d)"
	textHomeMissed     = "*검토에서 가장 많이 빠진 요소*"
	textHomeMissedLine = "• %s · %s — 누락 %d · 일부 %d (검토 %d건)"
	textHomeAgain      = "*다시 검토한 신청자 %d명* (첫 검토 → 마지막 검토의 누락 요소 수)"
	textHomeAgainLine  = "• %s — 신청자 %d명 · 누락 %d → %d"
	textHomeUnanswered = "*답하지 못한 질문* %d건 (연결 약함 %d건). 가려진 질문 내용은 `selfcheck stats unanswered`로 볼 수 있어요. 자주 나오는 질문은 `selfcheck canned add`로 준비된 답변을 만들어 주세요."
	textHomeFeedback   = "*피드백*"
	textHomeFeedLine   = "• %s · %s — 👍 %d · 👎 %d"
	textHomeDownVotes  = "*이번 주 👎* %d건 — 무엇이 아쉬웠는지 (질문은 가려서 보여요)"
	textHomeDownLine   = "• %s · %s — %s"
	textHomeDownMore   = "그 밖의 %d건: `selfcheck stats feedback`"
	textHomeThread     = "<%s|스레드 보기>"
	textHomeEscalation = "*담당자 요청* 열림 %d · 해결 %d"
	textHomeEscLine    = "• %s — 요청 %d · 해결 %d"
	textHomeNone       = "• 아직 없어요."
	textHomeStaffNote  = "🔒 지원 담당자에게만 보이는 화면이에요. 자세한 내용: `selfcheck stats --days 7` (`--json`)."
	textHomeStatsOff   = "📊 통계가 꺼져 있어요 (STATS=off). 켜면 이 화면에 지난 7일 현황이 보여요."
	textHomeStatsError = "⚠️ 통계를 읽지 못했어요. 잠시 후 홈 탭을 다시 열어 주세요."
	textHomeGuideExtra = "• 답변 아래 *🙋 담당자에게 묻기* — 지원 담당자에게 확인 요청 (검토 초안 내용은 전달되지 않아요)"
)

// onHomeOpened publishes the App Home tab for user: the statistics
// overview for support staff, a short guide for everyone else.
func (b *Bot) onHomeOpened(ctx context.Context, log *slog.Logger, user string) {
	dctx, cancel := b.detach(ctx, deliveryTimeout)
	defer cancel()
	staff := b.isStaff(user)
	var blocks []slack.Block
	if staff {
		blocks = b.staffHome(dctx, log)
	} else {
		blocks = b.guideHome()
	}
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
	if _, err := b.api.PublishViewContext(dctx, slack.PublishViewContextRequest{UserID: user, View: view}); err != nil {
		log.Warn("home tab not published", "error", err)
		return
	}
	log.Info("home tab published", "staff", staff, "blocks", len(blocks))
}

// guideHome is the usage guide, as /selfcheck help shows it.
func (b *Bot) guideHome() []slack.Block {
	extra := []string{textHomeGuideExtra}
	if b.builtinCanned {
		extra = append(extra, cannedHelpLine)
	}
	blocks := renderHelp(b.cfg.Items, extra...).Body
	if line := guideLine(b.cfg.Guide); line != "" {
		blocks = append(blocks, contextBlock(line))
	}
	return blocks
}

// staffHome is the overview for staff, then the guide.
func (b *Bot) staffHome(ctx context.Context, log *slog.Logger) []slack.Block {
	var blocks []slack.Block
	switch {
	case b.cfg.Stats == nil:
		blocks = append(blocks, sectionBlock(textHomeStatsOff))
	default:
		r, err := b.cfg.Stats.Report(ctx, homeDays)
		if err != nil {
			log.Error("statistics unavailable for the home tab", "error", err)
			blocks = append(blocks, sectionBlock(textHomeStatsError))
			break
		}
		blocks = append(blocks, renderOverview(r)...)
		blocks = append(blocks, b.downVoteBlocks(ctx, log)...)
	}
	blocks = append(blocks, sectionBlock(b.openEscalationsHome(ctx, log)), sectionBlock(b.channelModesHome(ctx, log)))
	blocks = append(blocks, contextBlock(textHomeStaffNote), slack.NewDividerBlock())
	return append(blocks, b.guideHome()...)
}

// renderOverview renders the statistics report: counts and item IDs only,
// as the report holds no text of anyone's.
func renderOverview(r stats.Report) []slack.Block {
	q := r.Question
	out := []slack.Block{
		headerBlock(fmt.Sprintf(textHomeTitle, r.Days, r.From, r.To)),
		sectionBlock(fmt.Sprintf(textHomeQuestions, q.Total, q.Answered, q.Weak, q.Unanswered)),
	}

	var lines []string
	for _, it := range r.ByItem[:min(len(r.ByItem), homeTop)] {
		lines = append(lines, fmt.Sprintf(textHomeItemLine, itemName(it.Item), it.Total, it.Weak, it.Unanswered))
	}
	out = append(out, sectionBlock(listText(textHomeByItem, lines)))

	type miss struct {
		item    string
		reviews int
		stats.ElementMisses
	}
	var misses []miss
	for _, ir := range r.Reviews {
		for _, e := range ir.Elements {
			if e.Missing+e.Partial > 0 {
				misses = append(misses, miss{ir.Item, ir.Reviews, e})
			}
		}
	}
	slices.SortStableFunc(misses, func(a, b miss) int {
		return cmp.Or(cmp.Compare(b.Missing+b.Partial, a.Missing+a.Partial), cmp.Compare(b.Missing, a.Missing))
	})
	lines = nil
	for _, m := range misses[:min(len(misses), homeTop)] {
		lines = append(lines, fmt.Sprintf(textHomeMissedLine, itemName(m.item), escapeText(m.Element), m.Missing, m.Partial, m.reviews))
	}
	out = append(out, sectionBlock(listText(textHomeMissed, lines)))

	lines = nil
	for _, p := range r.Progress[:min(len(r.Progress), homeTop)] {
		first, last := 0, 0
		for _, e := range p.Elements {
			first += e.MissingFirst
			last += e.MissingLast
		}
		lines = append(lines, fmt.Sprintf(textHomeAgainLine, itemName(p.Item), p.Applicants, first, last))
	}
	out = append(out, sectionBlock(listText(fmt.Sprintf(textHomeAgain, r.ReviewedAgain), lines)))

	out = append(out, sectionBlock(fmt.Sprintf(textHomeUnanswered, q.Unanswered, q.Weak)))

	fb := slices.Clone(r.Feedback)
	slices.SortStableFunc(fb, func(a, b stats.FeedbackCount) int { return cmp.Compare(b.Down, a.Down) })
	lines = nil
	for _, f := range fb[:min(len(fb), homeTop)] {
		lines = append(lines, fmt.Sprintf(textHomeFeedLine, itemName(f.Item), escapeText(f.Kind), f.Up, f.Down))
	}
	out = append(out, sectionBlock(listText(textHomeFeedback, lines)))

	opened, resolved := 0, 0
	lines = nil
	for _, e := range r.Escalations {
		opened += e.Opened
		resolved += e.Resolved
		if len(lines) < homeTop {
			lines = append(lines, fmt.Sprintf(textHomeEscLine, itemName(e.Item), e.Opened, e.Resolved))
		}
	}
	open := max(opened-resolved, 0)
	out = append(out, sectionBlock(listText(fmt.Sprintf(textHomeEscalation, open, resolved), lines)))
	return out
}

func itemName(item string) string { return escapeText(cmp.Or(item, textNoItem)) }

func listText(title string, lines []string) string {
	if len(lines) == 0 {
		lines = []string{textHomeNone}
	}
	return title + "\n" + strings.Join(lines, "\n")
}

// downVoteBlocks lists the week's 👎 with their reason, item, masked
// question and comment, and a link to the thread, for staff.
func (b *Bot) downVoteBlocks(ctx context.Context, log *slog.Logger) []slack.Block {
	store := b.downVotes()
	if store == nil {
		return nil
	}
	dv, err := store.DownVotes(ctx, homeDays)
	if err != nil {
		log.Warn("👎 reasons unavailable for the home tab", "error", err)
		return nil
	}
	var lines []string
	for _, d := range dv[:min(len(dv), homeTop)] {
		what := cmp.Or(quoteLine(d.Question), "(질문 없음)")
		if d.Comment != "" {
			what += " · 의견: " + quoteLine(d.Comment)
		}
		line := fmt.Sprintf(textHomeDownLine, itemName(d.Item), escapeText(stats.ReasonLabel(d.Reason)), what)
		if strings.HasPrefix(d.Link, "https://") {
			line += " " + fmt.Sprintf(textHomeThread, d.Link)
		}
		lines = append(lines, line)
	}
	if len(dv) > homeTop {
		lines = append(lines, fmt.Sprintf(textHomeDownMore, len(dv)-homeTop))
	}
	return []slack.Block{sectionBlock(listText(fmt.Sprintf(textHomeDownVotes, len(dv)), lines))}
}

// quoteLine is a kept text on one short line, escaped for mrkdwn.
func quoteLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 120 {
		s = string(r[:119]) + "…"
	}
	if s == "" {
		return ""
	}
	return "“" + escapeText(s) + "”"
}
