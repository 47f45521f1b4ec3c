package bot

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"regexp"
	"strings"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/stats"
)

// StatsStore is the support staff's statistics as the bot uses them: the
// overview on the App Home tab and the escalation counts. *stats.Store
// satisfies it.
type StatsStore interface {
	Report(ctx context.Context, days int) (stats.Report, error)
	RecordEscalation(ctx context.Context, e stats.Escalation) error
}

// Block and action IDs of the escalation controls: the "담당자에게 묻기"
// button under every answer, and the "해결됨 ✅" button on the message
// that hands a question to the support team.
const (
	blockEscalate  = "escalate"
	actionEscalate = "escalate"
	blockResolve   = "escalation"
	actionResolve  = "escalation_resolve"
)

// Texts of the escalation.
const (
	textEscalateButton  = "🙋 담당자에게 묻기"
	textResolveButton   = "해결됨 ✅"
	textEscalatePublic  = "🙋 <@%s>님이 담당자 확인을 요청했어요. %s 이 스레드의 질문을 확인해 주세요."
	textEscalateChannel = "🙋 <@%s>님이 *%s* 질문에 담당자 확인을 요청했어요."
	textEscalatePrivate = "🙋 <@%s>님이 *%s* 항목의 %s에 대해 담당자 확인을 요청했어요. 내용은 요청한 분에게만 보이는 곳에 있어 여기에는 옮기지 않았어요. <@%s>님에게 DM으로 연락해 주세요."
	textPrivateReview   = "비공개 검토"
	textPrivateQuestion = "비공개 질문"
	textQuestionLink    = "<%s|질문 보기>"
	textEscalateSent    = "🙋 담당자에게 전달했어요. 확인 후 연락드릴게요."
	textEscalateMore    = "🙋 <@%s>님이 담당자 요청에 내용을 덧붙였어요."
	textEscalateTwice   = "🙋 이 답변은 이미 담당자에게 전달했어요."
	textEscalateNoTeam  = "🚧 담당자 연결이 설정되지 않았어요. 운영자에게 SUPPORT_CHANNEL 또는 SUPPORT_STAFF_IDS 설정을 요청해 주세요."
	textResolved        = "✅ <@%s>님이 해결됨으로 표시했어요."
	textResolveStaff    = "🔒 지원 담당자만 해결됨으로 표시할 수 있어요."
	textResolvedTwice   = "✅ 이미 해결됨으로 표시된 요청이에요."
	textNoItem          = "일반"
)

// reChannelID and reGroupID match the IDs SupportChannel and SupportGroup
// take: a public (C…) or private (G…) channel, a user group (S…).
var (
	reChannelID = regexp.MustCompile(`^[CG][A-Z0-9]{4,31}$`)
	reGroupID   = regexp.MustCompile(`^S[A-Z0-9]{4,31}$`)
)

// ValidChannelID reports whether id looks like a Slack channel ID
// ("C0123ABCD"), the form Config.SupportChannel takes.
func ValidChannelID(id string) bool { return reChannelID.MatchString(id) }

// ValidGroupID reports whether id looks like a Slack user group ID
// ("S0123ABCD"), the form Config.SupportGroup takes.
func ValidGroupID(id string) bool { return reGroupID.MatchString(id) }

func (c *Config) validateSupport() error {
	switch {
	case c.SupportChannel != "" && !ValidChannelID(c.SupportChannel):
		return fmt.Errorf("bot: SupportChannel: %q is not a Slack channel ID such as C0123ABCD", c.SupportChannel)
	case c.SupportGroup != "" && !ValidGroupID(c.SupportGroup):
		return fmt.Errorf("bot: SupportGroup: %q is not a Slack user group ID such as S0123ABCD", c.SupportGroup)
	}
	return nil
}

// answerFooter is what goes under every answer and review: the feedback
// buttons and the escalation button. kind is what was asked (ask, guide,
// review, a command), answerKind what answered it (engine.Answer.Kind).
func answerFooter(kind, answerKind, item string) []slack.Block {
	btn := slack.NewButtonBlockElement(actionEscalate, kind+"|"+item+"|", plain(textEscalateButton))
	return append(feedbackButtons(kind, answerKind, item), slack.NewActionBlock(blockEscalate, btn))
}

// withQuestion records in the escalation buttons of msgs the ts of the
// question they answer, for the link staff get. Only the ts goes in,
// never the text.
func withQuestion(msgs []message, questionTS string) []message {
	for _, m := range msgs {
		for _, bl := range m.Blocks {
			ab, ok := bl.(*slack.ActionBlock)
			if !ok || ab.BlockID != blockEscalate || ab.Elements == nil {
				continue
			}
			for _, el := range ab.Elements.ElementSet {
				if btn, ok := el.(*slack.ButtonBlockElement); ok && btn.ActionID == actionEscalate {
					kind, rest, _ := strings.Cut(btn.Value, "|")
					item, _, _ := strings.Cut(rest, "|")
					btn.Value = kind + "|" + item + "|" + questionTS
				}
			}
		}
	}
	return msgs
}

// click is where a button was clicked.
type click struct {
	user, channel, msgTS, threadTS, responseURL string
	ephemeral                                   bool
	blocks                                      []slack.Block
}

func clickOf(ic slack.InteractionCallback) click {
	return click{
		user:        ic.User.ID,
		channel:     cmp.Or(ic.Channel.ID, ic.Container.ChannelID),
		msgTS:       cmp.Or(ic.Container.MessageTs, ic.Message.Timestamp),
		threadTS:    cmp.Or(ic.Container.ThreadTs, ic.Message.ThreadTimestamp),
		responseURL: ic.ResponseURL,
		ephemeral:   ic.Container.IsEphemeral,
		blocks:      ic.Message.Blocks.BlockSet,
	}
}

// onButtons handles the escalation and canned-answer buttons; feedback
// has its own handler and other actions are ignored.
func (b *Bot) onButtons(ctx context.Context, log *slog.Logger, ic slack.InteractionCallback) {
	for _, a := range ic.ActionCallback.BlockActions {
		if a == nil {
			continue
		}
		switch a.ActionID {
		case actionEscalate:
			b.onEscalate(ctx, log, clickOf(ic), a, ic.TriggerID)
		case actionResolve:
			b.onResolve(ctx, log, clickOf(ic), a)
		case actionCannedFull:
			b.onCannedFull(ctx, log, clickOf(ic), a)
		case actionSaveCandidate:
			b.onSaveCandidate(ctx, log, ic, a)
		case actionReport:
			b.onReport(ctx, log, clickOf(ic), a)
		}
	}
}

// teamMention is how a message calls the support team: the user group,
// else the staff by name; "" when neither is configured.
func (b *Bot) teamMention() string {
	if b.cfg.SupportGroup != "" {
		return "<!subteam^" + b.cfg.SupportGroup + ">"
	}
	var ids []string
	for _, id := range b.cfg.SupportStaff {
		ids = append(ids, "<@"+id+">")
	}
	return strings.Join(ids, " ")
}

// onEscalate answers a click on "담당자에게 묻기": with a trigger_id it
// opens the modal that asks what is unclear and how urgent it is
// (escalatemodal.go), and the escalation goes out when it is submitted;
// an auto answer calls the staff at once as well. Without a trigger_id (a
// 👎 on an auto answer) or when the modal does not open, the escalation
// goes out at once without them.
func (b *Bot) onEscalate(ctx context.Context, log *slog.Logger, c click, a *slack.BlockAction, triggerID string) {
	kind, rest, _ := strings.Cut(a.Value, "|")
	item, questionTS, _ := strings.Cut(rest, "|")
	req := escalationRequest{click: c, kind: kind, item: item, questionTS: questionTS, actionTS: a.ActionTs}
	if triggerID == "" || !b.canEscalate(req) {
		b.escalate(ctx, log, req)
		return
	}
	if kind == kindAuto {
		b.escalate(ctx, log, req)
	}
	b.openEscalationModal(ctx, log, req, triggerID)
}

// escalationRequest is one request for staff: where the answer was, what
// it was about, and what the user added in the modal.
type escalationRequest struct {
	click
	kind, item, questionTS, actionTS string
	// urgency (botstate.Urgency…) and unclear (masked) come from the
	// modal; empty when the request went out without it.
	urgency, unclear string
}

func (r escalationRequest) private() bool {
	c := r.click
	return c.ephemeral || c.channel == "" || c.msgTS == "" || isPrivate(innerEvent{Channel: c.channel}) || r.kind == "review"
}

// key names the request for its once-only check: one per user and answer.
func (r escalationRequest) key() string {
	return "escalate:" + r.channel + "/" + cmp.Or(r.msgTS, "eph/"+r.actionTS) + "/" + r.user
}

// thread is the thread the request is about ("" for a private answer).
func (r escalationRequest) thread() string {
	if r.private() {
		return ""
	}
	return cmp.Or(r.threadTS, r.msgTS)
}

// canEscalate reports whether a support team is configured to take r.
func (b *Bot) canEscalate(r escalationRequest) bool {
	team := b.teamMention()
	noTeam := team == "" && b.cfg.SupportChannel == ""
	// A private request goes to a channel or to people, not to a group.
	noPrivateRoute := r.private() && b.cfg.SupportChannel == "" && len(b.cfg.SupportStaff) == 0
	return !noTeam && !noPrivateRoute
}

// escalate hands the answered question to the support team, once per
// user and answer. An answer in a channel thread gets a message in that
// thread mentioning the team, with the question's link (and a copy in
// SupportChannel naming the item, the urgency and the masked question);
// an answer only its reader can see (a review, a DM, a /selfcheck reply)
// goes to SupportChannel or to the staff by DM with the user, the item
// and what they wrote in the modal, never the question or draft. A second
// request with details from the modal adds them to the first.
func (b *Bot) escalate(ctx context.Context, log *slog.Logger, r escalationRequest) {
	c := r.click
	private := r.private()
	log = log.With("action", "escalate", "user", c.user, "channel", c.channel, "item", cmpItem(r.item), "private", private,
		"urgency", r.urgency)
	if !b.canEscalate(r) {
		log.Warn("escalation not possible: no support team configured")
		b.tellLater(ctx, log, c.responseURL, c.channel, c.user, textEscalateNoTeam)
		return
	}
	key := r.key()
	// The resolve button names the escalation by a digest of its key: the
	// same on every copy, so that one click resolves it.
	sum := sha256.Sum256([]byte(key))
	id := hex.EncodeToString(sum[:8])
	first := b.once(ctx, log, key, "escalation")
	if !first && r.urgency == "" && r.unclear == "" {
		b.tellLater(ctx, log, c.responseURL, c.channel, c.user, textEscalateTwice)
		return
	}
	if first {
		b.recordEscalation(ctx, log, r.item, false)
	}
	resolve := slack.NewActionBlock(blockResolve,
		slack.NewButtonBlockElement(actionResolve, r.item+"|"+id, plain(textResolveButton)).WithStyle(slack.StylePrimary))
	itemLabel := escapeText(cmp.Or(r.item, textNoItem))
	team := b.teamMention()
	b.spawn(log, "escalation", func() {
		dctx, cancel := b.detach(ctx, deliveryTimeout)
		defer cancel()
		details := r.details(itemLabel)
		if private {
			if first {
				b.openRecord(dctx, log, r, id, "")
			}
			what := textPrivateQuestion
			if r.kind == "review" {
				what = textPrivateReview
			}
			text := fmt.Sprintf(textEscalatePrivate, c.user, itemLabel, what, c.user) + details
			if !first {
				text = fmt.Sprintf(textEscalateMore, c.user) + details
			}
			b.notifyTeam(dctx, log, strings.TrimSpace(team+" "+text), resolve)
			b.tellUser(ctx, log, r, textEscalateSent)
			return
		}
		link, linkText := b.questionLink(dctx, log, c.channel, cmp.Or(r.questionTS, c.threadTS, c.msgTS))
		if first {
			b.openRecord(dctx, log, r, id, link)
		} else {
			b.setUrgency(dctx, log, id, r.urgency)
		}
		text := fmt.Sprintf(textEscalatePublic, c.user, cmp.Or(team, "<#"+b.cfg.SupportChannel+">")) + linkText + details
		if !first {
			text = fmt.Sprintf(textEscalateMore, c.user) + details
		}
		m := message{Text: text, Blocks: []slack.Block{sectionBlock(text)}}
		if first {
			m.Blocks = append(m.Blocks, resolve)
		}
		if _, err := b.postMessage(dctx, log, c.channel, cmp.Or(c.threadTS, c.msgTS), m, ""); err != nil {
			log.Error("escalation not posted in the thread", "error", err)
		}
		if b.cfg.SupportChannel != "" {
			ct := fmt.Sprintf(textEscalateChannel, c.user, itemLabel) + linkText + details +
				b.maskedQuestion(dctx, log, c.channel, cmp.Or(r.questionTS, c.threadTS, c.msgTS))
			if !first {
				ct = fmt.Sprintf(textEscalateMore, c.user) + linkText + details
			}
			cm := message{Text: ct, Blocks: []slack.Block{sectionBlock(ct), resolve}}
			if _, err := b.postMessage(dctx, log, b.cfg.SupportChannel, "", cm, ""); err != nil {
				log.Error("escalation not posted to the support channel", "error", err)
			}
		}
		if r.urgency != "" || r.unclear != "" {
			b.tellUser(ctx, log, r, textEscalateSent)
		}
		log.Info("escalation opened", "first", first)
	})
}

// notifyTeam posts text to SupportChannel, else to every staff member by
// DM.
func (b *Bot) notifyTeam(ctx context.Context, log *slog.Logger, text string, extra ...slack.Block) {
	m := message{Text: text, Blocks: append([]slack.Block{sectionBlock(text)}, extra...)}
	targets := b.cfg.SupportStaff
	if b.cfg.SupportChannel != "" {
		targets = []string{b.cfg.SupportChannel}
	}
	for _, to := range targets {
		if _, err := b.postMessage(ctx, log, to, "", m, ""); err != nil {
			log.Error("escalation not delivered", "to", to, "error", err)
			continue
		}
	}
	log.Info("escalation opened", "targets", len(targets))
}

// onResolve marks an escalation handled: staff only, once. The message
// clicked shows who resolved it instead of the button.
func (b *Bot) onResolve(ctx context.Context, log *slog.Logger, c click, a *slack.BlockAction) {
	item, id, _ := strings.Cut(a.Value, "|")
	log = log.With("action", "resolve", "user", c.user, "channel", c.channel, "item", cmpItem(item))
	if !b.isStaff(c.user) {
		log.Info("resolve refused", "reason", "not support staff")
		b.tellLater(ctx, log, c.responseURL, c.channel, c.user, textResolveStaff)
		return
	}
	if !b.once(ctx, log, "resolved:"+id, "resolve") {
		b.tellLater(ctx, log, c.responseURL, c.channel, c.user, textResolvedTwice)
		return
	}
	b.recordEscalation(ctx, log, item, true)
	log.Info("escalation resolved")
	b.offerCandidate(ctx, log, id, c.user)
	if c.ephemeral || c.msgTS == "" || len(c.blocks) == 0 {
		return
	}
	text := fmt.Sprintf(textResolved, c.user)
	blocks := replaceBlock(c.blocks, blockResolve, contextBlock(text))
	b.spawn(log, "resolve update", func() {
		dctx, cancel := b.detach(ctx, deliveryTimeout)
		defer cancel()
		if err := b.updateMessage(dctx, log, c.channel, c.msgTS, message{Text: text, Blocks: blocks}); err != nil {
			log.Warn("resolution not shown on the message", "error", err)
		}
	})
}

func (b *Bot) recordEscalation(ctx context.Context, log *slog.Logger, item string, resolved bool) {
	if b.cfg.Stats == nil {
		return
	}
	if err := b.cfg.Stats.RecordEscalation(ctx, stats.Escalation{Item: item, Resolved: resolved}); err != nil {
		log.Warn("escalation not counted", "resolved", resolved, "error", err)
	}
}

// replaceBlock returns blocks with the block whose ID is id replaced by
// with.
func replaceBlock(blocks []slack.Block, id string, with slack.Block) []slack.Block {
	out := make([]slack.Block, 0, len(blocks))
	for _, bl := range blocks {
		if bl.ID() == id {
			out = append(out, with)
			continue
		}
		out = append(out, bl)
	}
	return out
}
