package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/botstate"
	"github.com/selfcheck/selfcheck/knowledge"
)

// callbackEscalate is the callback_id of the modal "담당자에게 묻기" opens.
const callbackEscalate = "escalate_modal"

// Block IDs of the escalation modal's inputs.
const (
	blockEscUnclear = "esc_unclear"
	blockEscUrgency = "esc_urgency"
)

// Bounds of what the escalation carries, in runes.
const (
	maxUnclear        = 1000
	maxQuestionToTeam = 500
)

// Texts of the escalation modal and of what it adds to the staff message.
const (
	textEscModalTitle   = "담당자에게 묻기"
	textEscModalIntro   = "어느 답변에 대한 요청인지는 자동으로 함께 전달돼요. 이름·연락처 같은 개인정보는 가려서 전달해요."
	textEscModalPublic  = "적은 내용은 질문 스레드의 요청 메시지에 함께 올라가요."
	textEscModalPrivate = "적은 내용은 지원 담당자에게만 전달돼요. 초안 내용은 전달되지 않아요."
	textEscUnclear      = "무엇이 궁금하거나 분명하지 않은가요?"
	textEscUnclearHint  = "예: 답변에 나온 보관 기간이 우리 서비스에도 해당하는지 모르겠어요."
	textEscUrgency      = "언제까지 답이 필요한가요?"
	textEscDetails      = "\n*항목* %s · *급한 정도* %s"
	textEscUnclearLine  = "\n*궁금한 점*\n%s"
	textEscQuestionLine = "\n*질문 (개인정보 가림)*\n%s"
	textEscModalFailed  = "⚠️ 요청 창을 열지 못해 바로 담당자에게 전달할게요."
	textHomeOpenEsc     = "*열린 담당자 요청* (오래된 순, %d건)"
	textHomeOpenEscLine = "• %s · %s · <@%s> · %s 요청 · %s%s"
	textHomeFirstReply  = "첫 답변까지 %s"
	textHomeNoReply     = "아직 담당자 답변 없음"
	textHomeEscError    = "⚠️ 열린 요청을 읽지 못했어요."
	textHomeThreadLink  = " · <%s|스레드>"
)

// urgencies are the modal's choices, in order, with their labels.
var urgencies = []struct{ value, label string }{
	{botstate.UrgencyToday, "오늘 마감"},
	{botstate.UrgencyWeek, "이번 주"},
	{botstate.UrgencyLater, "여유 있음"},
}

func urgencyLabel(v string) string {
	for _, u := range urgencies {
		if u.value == v {
			return u.label
		}
	}
	return "정하지 않음"
}

// escMeta is the modal's private_metadata: the click it answers, so that
// the submission can escalate what was clicked.
type escMeta struct {
	User       string `json:"u"`
	Channel    string `json:"c,omitempty"`
	MsgTS      string `json:"m,omitempty"`
	ThreadTS   string `json:"t,omitempty"`
	Ephemeral  bool   `json:"e,omitempty"`
	Kind       string `json:"k,omitempty"`
	Item       string `json:"i,omitempty"`
	QuestionTS string `json:"q,omitempty"`
	ActionTS   string `json:"a,omitempty"`
}

// openEscalationModal asks what is unclear and how urgent it is; when the
// modal cannot be opened the request goes out at once without them.
func (b *Bot) openEscalationModal(ctx context.Context, log *slog.Logger, r escalationRequest, triggerID string) {
	view := escalationModal(r)
	b.spawn(log, "open escalation modal", func() {
		octx, cancel := b.detach(ctx, openViewTimeout)
		defer cancel()
		if _, err := b.api.OpenViewContext(octx, triggerID, view); err != nil {
			log.Warn("escalation modal not opened; escalating without it", "error", err)
			if r.kind != kindAuto { // an auto answer's went out already
				b.escalate(ctx, log, r)
			}
			return
		}
		log.Info("escalation modal opened")
	})
}

func escalationModal(r escalationRequest) slack.ModalViewRequest {
	unclear := slack.NewPlainTextInputBlockElement(plain(textEscUnclearHint), actionCannedInput)
	unclear.Multiline = true
	unclear.MaxLength = maxUnclear
	unclear.FocusOnLoad = true
	var opts []*slack.OptionBlockObject
	for _, u := range urgencies {
		opts = append(opts, slack.NewOptionBlockObject(u.value, plain(u.label), nil))
	}
	urgency := slack.NewRadioButtonsBlockElement(actionCannedInput, opts...)
	urgency.InitialOption = opts[1]
	where := textEscModalPublic
	if r.private() {
		where = textEscModalPrivate
	}
	meta, _ := json.Marshal(escMeta{User: r.user, Channel: r.channel, MsgTS: r.msgTS, ThreadTS: r.threadTS, Ephemeral: r.ephemeral,
		Kind: r.kind, Item: r.item, QuestionTS: r.questionTS, ActionTS: r.actionTS}) // strings and a bool always marshal
	return slack.ModalViewRequest{
		Type:       slack.VTModal,
		CallbackID: callbackEscalate,
		Title:      plain(textEscModalTitle),
		Submit:     plain("보내기"),
		Close:      plain("취소"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			contextBlock(textEscModalIntro + " " + where),
			slack.NewInputBlock(blockEscUnclear, plain(textEscUnclear), nil, unclear).WithOptional(true),
			slack.NewInputBlock(blockEscUrgency, plain(textEscUrgency), nil, urgency),
		}},
		PrivateMetadata: string(meta),
	}
}

// onEscalateSubmission sends the request with what the user wrote: masked,
// and bounded. The modal closes at once; the staff message follows.
func (b *Bot) onEscalateSubmission(ctx context.Context, log *slog.Logger, ic slack.InteractionCallback) *slack.ViewSubmissionResponse {
	var m escMeta
	if err := json.Unmarshal([]byte(ic.View.PrivateMetadata), &m); err != nil || m.User == "" {
		log.Warn("escalation modal without its request", "error", err)
		return nil
	}
	if m.User != ic.User.ID {
		log.Warn("escalation modal submitted by another user")
		return nil
	}
	urgency := modalValue(ic, blockEscUrgency).SelectedOption.Value
	if urgencyLabel(urgency) == urgencyLabel("") {
		urgency = botstate.UrgencyWeek
	}
	unclear := strings.TrimSpace(knowledge.Normalize(modalValue(ic, blockEscUnclear).Value))
	unclear = knowledge.Redact(cutUnits(unclear, maxUnclear))
	r := escalationRequest{
		click: click{user: m.User, channel: m.Channel, msgTS: m.MsgTS, threadTS: m.ThreadTS, ephemeral: m.Ephemeral},
		kind:  m.Kind, item: m.Item, questionTS: m.QuestionTS, actionTS: m.ActionTS,
		urgency: urgency, unclear: unclear,
	}
	b.escalate(ctx, log, r)
	return nil
}

// details is what the modal added, for the staff message: item, urgency
// and what is unclear (masked already).
func (r escalationRequest) details(itemLabel string) string {
	if r.urgency == "" && strings.TrimSpace(r.unclear) == "" {
		return ""
	}
	s := fmt.Sprintf(textEscDetails, itemLabel, urgencyLabel(r.urgency))
	if u := strings.TrimSpace(r.unclear); u != "" {
		s += fmt.Sprintf(textEscUnclearLine, quote(escapeText(u)))
	}
	return s
}

// questionLink is the permalink of the question and its mrkdwn link, or
// "" when Slack gives none.
func (b *Bot) questionLink(ctx context.Context, log *slog.Logger, channel, ts string) (link, text string) {
	pl, err := b.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: channel, Ts: ts})
	if err != nil {
		log.Warn("question link unavailable", "error", err)
		return "", ""
	}
	return pl, " " + fmt.Sprintf(textQuestionLink, pl)
}

// maskedQuestion reads the question of a channel thread from Slack and
// returns it masked (knowledge.Redact) and shortened, for the support
// channel; "" when it cannot be read. Nothing of it is logged or stored.
func (b *Bot) maskedQuestion(ctx context.Context, log *slog.Logger, channel, ts string) string {
	hctx, cancel := context.WithTimeout(ctx, historyTimeout)
	defer cancel()
	msgs, _, _, err := b.api.GetConversationRepliesContext(hctx, &slack.GetConversationRepliesParameters{
		ChannelID: channel, Timestamp: ts, Limit: historyLimit, Inclusive: true})
	if err != nil {
		log.Info("question not read for the support channel", "error", err)
		return ""
	}
	for _, m := range msgs {
		if m.Timestamp != ts {
			continue
		}
		q := strings.TrimSpace(knowledge.Redact(fromSlack(stripMentions(m.Text, b.userID()))))
		if q == "" {
			return ""
		}
		return fmt.Sprintf(textEscQuestionLine, quote(escapeText(truncate(q, maxQuestionToTeam))))
	}
	return ""
}

// openRecord keeps the escalation for the Home tab and the first staff
// reply; a store that fails loses only that.
func (b *Bot) openRecord(ctx context.Context, log *slog.Logger, r escalationRequest, id, link string) {
	sctx, cancel := context.WithTimeout(ctx, stateTimeout)
	defer cancel()
	e := botstate.Escalation{ID: id, Channel: r.channel, Thread: r.thread(), Item: r.item, Urgency: r.urgency, User: r.user, Link: link}
	if e.Channel == "" {
		e.Channel = r.user // a request from nowhere in particular: the user's DM
	}
	if _, err := b.state.OpenEscalation(sctx, e); err != nil {
		log.Warn("escalation not recorded", "error", err)
	}
}

func (b *Bot) setUrgency(ctx context.Context, log *slog.Logger, id, urgency string) {
	if urgency == "" {
		return
	}
	sctx, cancel := context.WithTimeout(ctx, stateTimeout)
	defer cancel()
	if err := b.state.SetEscalationUrgency(sctx, id, urgency, ""); err != nil {
		log.Warn("escalation urgency not recorded", "error", err)
	}
}

// tellUser confirms a request privately: through its response_url when
// the click had one, else in the channel or by DM.
func (b *Bot) tellUser(ctx context.Context, log *slog.Logger, r escalationRequest, text string) {
	channel := r.channel
	if r.ephemeral && strings.HasPrefix(channel, "D") {
		channel = ""
	}
	b.tellLater(ctx, log, r.responseURL, channel, r.user, text)
}

// openEscalationsHome lists the open escalations for staff, oldest first,
// with how long the first staff reply took.
func (b *Bot) openEscalationsHome(ctx context.Context, log *slog.Logger) string {
	list, err := b.state.OpenEscalations(ctx, homeTop)
	if err != nil {
		log.Warn("open escalations unavailable for the home tab", "error", err)
		return textHomeEscError
	}
	var lines []string
	for _, e := range list {
		reply := textHomeNoReply
		if !e.FirstReplyAt.IsZero() {
			reply = fmt.Sprintf(textHomeFirstReply, humanDuration(e.FirstReplyAfter()))
		}
		link := ""
		if safeLink(e.Link) {
			link = fmt.Sprintf(textHomeThreadLink, e.Link)
		}
		lines = append(lines, fmt.Sprintf(textHomeOpenEscLine, itemName(e.Item), urgencyLabel(e.Urgency), e.User,
			e.OpenedAt.In(kst).Format("01-02 15:04"), reply, link))
	}
	return listText(fmt.Sprintf(textHomeOpenEsc, len(list)), lines)
}

// humanDuration says d in Korean units: 45초, 12분, 3시간 5분, 2일 4시간.
func humanDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d초", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d분", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d시간 %d분", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d일 %d시간", int(d.Hours())/24, int(d.Hours())%24)
}
