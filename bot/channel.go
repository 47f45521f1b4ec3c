package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/botstate"
	"github.com/selfcheck/selfcheck/engine"
)

// channelWord is the subcommand of /selfcheck that sets how the bot
// answers in a channel.
const channelWord = "channel"

// Texts of the channel settings.
const (
	textChannelSet    = "✅ 이 채널(<#%s>)의 답변 방식을 *%s*(으)로 바꿨어요. %s"
	textChannelIs     = "ℹ️ 이 채널(<#%s>)의 답변 방식은 *%s*예요. 바꾸려면 `/selfcheck channel auto|mention|off`."
	textChannelUsage  = "📝 `/selfcheck channel auto` (질문에 자동 답변) · `mention` (멘션에만 답변, 기본) · `off` (답변 안 함) 중 하나를 적어 주세요."
	textChannelStaff  = "🔒 채널 답변 방식은 지원 담당자만 바꿀 수 있어요."
	textChannelNoDM   = "ℹ️ 답변 방식은 채널에서 정해요. 바꾸려는 채널에서 `/selfcheck channel auto|mention|off`를 입력해 주세요."
	textChannelFailed = "⚠️ 채널 설정을 저장하지 못했어요. 잠시 후 다시 시도해 주세요."
	textHomeChannels  = "*채널별 답변 방식*"
	textHomeChanLine  = "• <#%s> — %s (<@%s>, %s)"
	textHomeChanError = "⚠️ 채널 설정을 읽지 못했어요."
	textHomeChanNone  = "• 모든 채널이 기본값(멘션에만 답변)이에요. 채널에서 `/selfcheck channel auto`로 자동 답변을 켤 수 있어요."
	textModeAutoNote  = "질문으로 보이는 메시지에 스레드로 답하고, 담당자가 먼저 답한 스레드에는 답하지 않아요."
	textModeMention   = "멘션한 메시지에만 답해요."
	textModeOffNote   = "이 채널에서는 답하지 않아요. `/selfcheck` 명령은 계속 쓸 수 있어요."
)

// modeNames are the modes as staff read them.
var modeNames = map[string]string{
	botstate.ModeAuto:    "자동 답변 (auto)",
	botstate.ModeMention: "멘션에만 답변 (mention)",
	botstate.ModeOff:     "답변 안 함 (off)",
}

var modeNotes = map[string]string{
	botstate.ModeAuto:    textModeAutoNote,
	botstate.ModeMention: textModeMention,
	botstate.ModeOff:     textModeOffNote,
}

// RelevanceJudge tells whether a message is about the checklist without
// answering it; *engine.Engine implements it. Without one, auto mode
// answers every message that reads as a question.
type RelevanceJudge interface {
	Relevance(ctx context.Context, text string) (engine.Relevance, error)
}

// channelCommand serves /selfcheck channel [auto|mention|off]: without a
// mode it says the channel's; with one it sets it, for staff only.
func (b *Bot) channelCommand(ctx context.Context, log *slog.Logger, args string, o origin) (doc, error) {
	mode := strings.ToLower(strings.TrimSpace(args))
	if isPrivate(innerEvent{Channel: o.channelID}) || o.channelID == "" {
		return renderNotice(textChannelNoDM), nil
	}
	if mode == "" {
		return renderNotice(fmt.Sprintf(textChannelIs, o.channelID, modeNames[b.channelMode(ctx, log, o.channelID)])), nil
	}
	if !botstate.ValidMode(mode) {
		return renderNotice(textChannelUsage), nil
	}
	if !b.isStaff(o.userID) {
		log.Info("channel mode refused", "user", o.userID, "channel", o.channelID, "reason", "not support staff")
		return renderNotice(textChannelStaff), nil
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stateTimeout)
	defer cancel()
	if err := b.state.SetChannelMode(sctx, o.channelID, mode, o.userID); err != nil {
		log.Error("channel mode not saved", "error", err)
		return renderNotice(textChannelFailed), nil
	}
	log.Info("channel mode set", "channel", o.channelID, "mode", mode, "user", o.userID)
	return renderNotice(fmt.Sprintf(textChannelSet, o.channelID, modeNames[mode], modeNotes[mode])), nil
}

// channelMode is the mode of a channel; a store that cannot be read
// counts as mention, the behaviour of a bot without settings.
func (b *Bot) channelMode(ctx context.Context, log *slog.Logger, channel string) string {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stateTimeout)
	defer cancel()
	mode, err := b.state.ChannelMode(sctx, channel)
	if err != nil {
		log.Warn("channel mode unavailable; answering mentions only", "error", err)
		return botstate.ModeMention
	}
	return mode
}

// acceptChannelMessage takes a message posted in a channel (events
// message.channels and message.groups): a staff reply in a thread is
// recorded, and in an auto channel a top-level question is answered in
// its thread. It returns at once; the work runs in the background.
func (b *Bot) acceptChannelMessage(ctx context.Context, log *slog.Logger, outer outerEvent, ev innerEvent) {
	if reason := b.commonIgnoreReason(ev); reason != "" {
		log.Debug("channel message ignored", "reason", reason)
		return
	}
	b.takeOn(log, "channel message", func() { b.onChannelMessage(ctx, log, outer, ev) }, prefixed("event:", outer.EventID))
}

// onChannelMessage decides what a channel message gets. Staff and
// threads get nothing but a record of the staff reply; a mention is left
// to its app_mention event; in an auto channel a question about the
// checklist gets a threaded answer and a pasted draft the private
// pointer a mention of it gets.
func (b *Bot) onChannelMessage(ctx context.Context, log *slog.Logger, outer outerEvent, ev innerEvent) {
	threaded := ev.ThreadTS != "" && ev.ThreadTS != ev.TS
	if b.isStaff(ev.User) {
		if threaded {
			b.recordStaffReply(ctx, log, ev)
		}
		return
	}
	if threaded {
		return
	}
	if id := b.userID(); id != "" && strings.Contains(ev.Text, "<@"+id) {
		return
	}
	if len(eventFiles(outer.Event)) > 0 || b.channelMode(ctx, log, ev.Channel) != botstate.ModeAuto {
		return
	}
	text := fromSlack(ev.Text)
	in := parseMessageText(text, false)
	switch {
	case in.kind == intentDraftInPublic:
	case in.kind != intentAsk || readsAsAnnouncement(text):
		log.Debug("auto: not a question", "kind", in.kind.String())
		return
	case !b.asksAboutChecklist(ctx, log, text):
		log.Debug("auto: not a question about the checklist")
		return
	}
	if !b.claimNow(log, prefixed("msg:"+ev.Channel+":", ev.TS)) || !b.once(ctx, log, "auto:"+ev.Channel+"/"+ev.TS, "auto answer") {
		log.Info("duplicate event dropped")
		return
	}
	b.answerEvent(ctx, log, ev, outer.TeamID, outer.EventID, true)
}

// asksAboutChecklist reports whether text reads as a question about the
// checklist: the shape of a question and a topic of the checklist, or a
// match strong enough whatever its shape (a canned answer, an item).
func (b *Bot) asksAboutChecklist(ctx context.Context, log *slog.Logger, text string) bool {
	question := readsAsQuestion(text)
	judge, ok := b.cfg.Answerer.(RelevanceJudge)
	if !ok {
		return question
	}
	rctx, cancel := context.WithTimeout(ctx, b.cfg.WorkTimeout)
	defer cancel()
	r, err := judge.Relevance(rctx, text)
	if err != nil {
		log.Warn("relevance unavailable; reading the shape alone", "error", err)
		return question
	}
	return r.Strong || (question && r.Topic)
}

// recordStaffReply notes a staff member's reply in a thread: the bot no
// longer answers there, and an escalation of the thread gets its first
// reply time.
func (b *Bot) recordStaffReply(ctx context.Context, log *slog.Logger, ev innerEvent) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stateTimeout)
	defer cancel()
	first, err := b.state.RecordStaffReply(sctx, ev.Channel, ev.ThreadTS, ev.User, ev.TS)
	if err != nil {
		log.Warn("staff reply not recorded", "error", err)
		return
	}
	log.Info("staff reply recorded", "first", first)
}

// staffAnswered reports whether staff have replied in a thread: as the
// bot's state knows from message events, else as Slack shows the thread
// now (an event may still be on its way). Unknown counts as not.
func (b *Bot) staffAnswered(ctx context.Context, log *slog.Logger, channel, thread string) bool {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stateTimeout)
	_, ok, err := b.state.StaffReplied(sctx, channel, thread)
	cancel()
	if err != nil {
		log.Warn("staff replies unavailable", "error", err)
	}
	if ok || len(b.staff) == 0 {
		return ok
	}
	hctx, hcancel := context.WithTimeout(ctx, historyTimeout)
	defer hcancel()
	msgs, _, _, err := b.api.GetConversationRepliesContext(hctx, &slack.GetConversationRepliesParameters{
		ChannelID: channel, Timestamp: thread, Limit: historyLimit * 10})
	if err != nil {
		log.Info("thread not read before answering", "error", err)
		return false
	}
	for _, m := range msgs {
		if m.Timestamp != thread && b.isStaff(m.User) {
			return true
		}
	}
	return false
}

// markAuto marks the buttons of an auto answer, so that a 👎 or
// "담당자에게 묻기" on it calls the staff at once.
func markAuto(msgs []message) []message {
	for _, m := range msgs {
		for _, bl := range m.Blocks {
			switch bl := bl.(type) {
			case *slack.ActionBlock:
				if bl.BlockID != blockEscalate || bl.Elements == nil {
					continue
				}
				for _, el := range bl.Elements.ElementSet {
					if btn, ok := el.(*slack.ButtonBlockElement); ok && btn.ActionID == actionEscalate {
						_, rest, _ := strings.Cut(btn.Value, "|")
						btn.Value = kindAuto + "|" + rest
					}
				}
			case *slack.ContextActionsBlock:
				if bl.BlockID != blockFeedback {
					continue
				}
				for _, el := range bl.Elements.ElementSet {
					fb, ok := el.(*slack.FeedbackButtonsBlockElement)
					if !ok {
						continue
					}
					for _, btn := range []*slack.FeedbackButton{fb.PositiveButton, fb.NegativeButton} {
						if btn == nil {
							continue
						}
						vote, rest, _ := strings.Cut(btn.Value, "|")
						_, rest, _ = strings.Cut(rest, "|")
						btn.Value = vote + "|" + kindAuto + "|" + rest
					}
				}
			}
		}
	}
	return msgs
}

// kindAuto is the kind of an answer given unasked in an auto channel.
const kindAuto = "auto"

// channelModesHome is the Home tab's list of channel settings, for staff.
func (b *Bot) channelModesHome(ctx context.Context, log *slog.Logger) string {
	list, err := b.state.ChannelModes(ctx)
	if err != nil {
		log.Warn("channel modes unavailable for the home tab", "error", err)
		return textHomeChannels + "\n" + textHomeChanError
	}
	var lines []string
	for _, c := range list {
		if len(lines) == homeTop {
			break
		}
		lines = append(lines, fmt.Sprintf(textHomeChanLine, c.Channel, modeNames[c.Mode], c.By, c.At.In(kst).Format("2006-01-02")))
	}
	if len(lines) == 0 {
		lines = []string{textHomeChanNone}
	}
	return textHomeChannels + "\n" + strings.Join(lines, "\n")
}

// kst is the time zone staff read dates in.
var kst = time.FixedZone("KST", 9*60*60)
