package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"strings"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/botstate"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/stats"
)

// A 👎 asks what went wrong in a modal: one of stats.Reasons and an
// optional comment. The reason, the comment and the question the answer
// was for, both masked with knowledge.Redact, and a link to the thread go
// to the statistics (for STATS_RETENTION_DAYS, never with STATS=off),
// where staff read them in the App Home and `selfcheck stats feedback`.

// callbackFeedbackReason is the callback_id of the 👎 modal.
const callbackFeedbackReason = "feedback_reason"

// Block and action IDs of the modal's inputs.
const (
	blockFeedbackReason   = "reason"
	blockFeedbackComment  = "comment"
	actionFeedbackReason  = "reason"
	actionFeedbackComment = "comment"
)

// maxFeedbackComment bounds the comment, in characters.
const maxFeedbackComment = 1000

const (
	textFeedbackTitle    = "답변 피드백"
	textFeedbackSubmit   = "보내기"
	textFeedbackClose    = "닫기"
	textFeedbackQuestion = "무엇이 아쉬웠나요?"
	textFeedbackComment  = "더 알려 주실 내용 (선택)"
	textFeedbackHint     = "개인정보는 적지 마세요. 적으시면 가려서 보관해요."
	textFeedbackNoReason = "이유를 하나 골라 주세요."
	textFeedbackThanks   = "🙏 알려 주셔서 고마워요. 지원 담당자가 살펴볼게요. (나에게만 보여요)"
)

// DownVoteStore keeps the 👎 with their reasons; *stats.Store implements
// it. The bot uses it when Config.Stats has it (statistics on).
type DownVoteStore interface {
	RecordDownVote(ctx context.Context, d stats.DownVote) error
	DownVotes(ctx context.Context, days int) ([]stats.DownVote, error)
}

// downVotes is the store of 👎 reasons, or nil with statistics off.
func (b *Bot) downVotes() DownVoteStore {
	s, _ := b.cfg.Stats.(DownVoteStore)
	return s
}

// feedbackMeta is the modal's private_metadata: where the answer is and
// what it was about. IDs only, never text.
type feedbackMeta struct {
	Channel    string `json:"c"`
	MsgTS      string `json:"m,omitempty"`
	ThreadTS   string `json:"t,omitempty"`
	QuestionTS string `json:"q,omitempty"`
	Item       string `json:"i,omitempty"`
	Kind       string `json:"k,omitempty"`
	Key        string `json:"v"`
	Ephemeral  bool   `json:"e,omitempty"`
	// ResponseURL of a private answer, for the thank-you.
	ResponseURL string `json:"r,omitempty"`
}

// voteKey names one user's vote on one message without naming either.
func voteKey(msgKey, user string) string {
	sum := sha256.Sum256([]byte(msgKey + "\x00" + user))
	return hex.EncodeToString(sum[:16])
}

// askWhatWentWrong opens the 👎 modal; where it cannot be opened the vote
// is acknowledged privately all the same.
func (b *Bot) askWhatWentWrong(ctx context.Context, log *slog.Logger, ic slack.InteractionCallback, c click, fv feedbackVote, msgKey string) {
	meta := feedbackMeta{Channel: c.channel, MsgTS: c.msgTS, ThreadTS: c.threadTS, QuestionTS: questionTSOf(c.blocks),
		Item: fv.item, Kind: fv.answerKind, Key: voteKey(msgKey, c.user), Ephemeral: c.ephemeral, ResponseURL: c.responseURL}
	if ic.TriggerID == "" {
		b.ackVote(ctx, log, c, textThanksDown)
		return
	}
	view := feedbackModal(meta)
	b.spawn(log, "open feedback modal", func() {
		octx, cancel := b.detach(ctx, openViewTimeout)
		defer cancel()
		if _, err := b.api.OpenViewContext(octx, ic.TriggerID, view); err != nil {
			log.Warn("feedback modal not opened", "error", err)
			b.ackVote(ctx, log, c, textThanksDown)
			return
		}
		log.Info("feedback modal opened", "item", cmpItem(fv.item))
	})
}

// questionTSOf finds the ts of the question an answer was for, which
// withQuestion put in the value of its escalation button.
func questionTSOf(blocks []slack.Block) string {
	for _, bl := range blocks {
		ab, ok := bl.(*slack.ActionBlock)
		if !ok || ab.Elements == nil {
			continue
		}
		for _, el := range ab.Elements.ElementSet {
			if btn, ok := el.(*slack.ButtonBlockElement); ok && btn.ActionID == actionEscalate {
				parts := strings.Split(btn.Value, "|")
				if len(parts) >= 3 && validTS(parts[2]) {
					return parts[2]
				}
			}
		}
	}
	return ""
}

// validTS accepts a Slack message ts ("1700000000.000100") only.
func validTS(ts string) bool {
	sec, frac, ok := strings.Cut(ts, ".")
	if !ok || len(sec) == 0 || len(sec) > 12 || len(frac) == 0 || len(frac) > 8 {
		return false
	}
	for _, r := range sec + frac {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// feedbackModal builds the "what went wrong?" form.
func feedbackModal(meta feedbackMeta) slack.ModalViewRequest {
	var opts []*slack.OptionBlockObject
	for _, r := range stats.Reasons {
		opts = append(opts, slack.NewOptionBlockObject(r.Code, plain(r.Label), nil))
	}
	reasons := slack.NewRadioButtonsBlockElement(actionFeedbackReason, opts...)
	reasonBlock := slack.NewInputBlock(blockFeedbackReason, plain(textFeedbackQuestion), nil, reasons)
	comment := slack.NewPlainTextInputBlockElement(nil, actionFeedbackComment)
	comment.Multiline = true
	comment.MaxLength = maxFeedbackComment
	commentBlock := slack.NewInputBlock(blockFeedbackComment, plain(textFeedbackComment), plain(textFeedbackHint), comment)
	commentBlock.Optional = true
	raw, _ := json.Marshal(meta)
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: callbackFeedbackReason, PrivateMetadata: string(raw),
		Title: plain(textFeedbackTitle), Submit: plain(textFeedbackSubmit), Close: plain(textFeedbackClose),
		Blocks: slack.Blocks{BlockSet: []slack.Block{reasonBlock, commentBlock}},
	}
}

// onFeedbackSubmission takes the modal's answer: the reason must be one
// of the offered ones; the rest happens in the background, so that the
// modal closes at once.
func (b *Bot) onFeedbackSubmission(ctx context.Context, log *slog.Logger, ic slack.InteractionCallback) *slack.ViewSubmissionResponse {
	var meta feedbackMeta
	if err := json.Unmarshal([]byte(ic.View.PrivateMetadata), &meta); err != nil || meta.Key == "" {
		log.Warn("feedback submission without its metadata")
		return nil
	}
	values := ic.View.State.Values
	reason := values[blockFeedbackReason][actionFeedbackReason].SelectedOption.Value
	if stats.ReasonLabel(reason) == reason {
		return slack.NewErrorsViewSubmissionResponse(map[string]string{blockFeedbackReason: textFeedbackNoReason})
	}
	comment := []rune(strings.TrimSpace(values[blockFeedbackComment][actionFeedbackComment].Value))
	comment = comment[:min(len(comment), maxFeedbackComment)]
	user := ic.User.ID
	log = log.With("user", user, "item", cmpItem(meta.Item), "reason", reason)
	b.spawn(log, "feedback reason", func() {
		dctx, cancel := b.detach(ctx, deliveryTimeout)
		defer cancel()
		b.keepDownVote(dctx, log, meta, user, reason, string(comment))
		c := click{user: user, channel: meta.Channel, msgTS: meta.MsgTS, threadTS: meta.ThreadTS, responseURL: meta.ResponseURL, ephemeral: meta.Ephemeral}
		b.ackVote(ctx, log, c, textFeedbackThanks)
	})
	return nil
}

// keepDownVote stores the 👎 with its reason when statistics are on and
// the user's vote on the message is still 👎: the comment and the
// question masked, and a link to the answer.
func (b *Bot) keepDownVote(ctx context.Context, log *slog.Logger, meta feedbackMeta, user, reason, comment string) {
	store := b.downVotes()
	if store == nil {
		log.Info("feedback reason not kept", "why", "statistics off")
		return
	}
	msgKey := meta.Channel + "/" + meta.MsgTS
	if meta.MsgTS != "" {
		sctx, cancel := context.WithTimeout(ctx, stateTimeout)
		v, err := b.state.UserVote(sctx, msgKey, user)
		cancel()
		if err == nil && v != botstate.VoteDown {
			log.Info("feedback reason not kept", "why", "vote changed")
			return
		}
	}
	d := stats.DownVote{Key: meta.Key, Item: meta.Item, Kind: meta.Kind, Reason: reason, Comment: knowledge.Redact(comment)}
	if q := b.questionText(ctx, log, meta); q != "" {
		d.Question = knowledge.Redact(q)
	}
	if meta.MsgTS != "" && !meta.Ephemeral {
		if link, err := b.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: meta.Channel, Ts: meta.MsgTS}); err == nil {
			d.Link = link
		} else {
			log.Info("no link to the answer", "error", err)
		}
	}
	if err := store.RecordDownVote(ctx, d); err != nil {
		log.Warn("feedback reason not kept", "error", err)
		return
	}
	log.Info("feedback reason kept", "comment", comment != "", "question", d.Question != "")
}

// questionText reads the question an answer was for from its thread, or
// "" when it cannot be found (a private answer has no question message).
func (b *Bot) questionText(ctx context.Context, log *slog.Logger, meta feedbackMeta) string {
	if meta.QuestionTS == "" || meta.Ephemeral {
		return ""
	}
	root := meta.ThreadTS
	if root == "" {
		root = meta.QuestionTS
	}
	hctx, cancel := context.WithTimeout(ctx, historyTimeout)
	defer cancel()
	msgs, _, _, err := b.api.GetConversationRepliesContext(hctx, &slack.GetConversationRepliesParameters{
		ChannelID: meta.Channel, Timestamp: root, Limit: historyLimit})
	if err != nil {
		log.Info("question of a 👎 not read", "error", err)
		return ""
	}
	for _, m := range msgs {
		if m.Timestamp == meta.QuestionTS && m.BotID == "" {
			return strings.TrimSpace(fromSlack(stripMentions(m.Text, b.userID())))
		}
	}
	return ""
}

// withdrawDownVote removes a 👎's reason once the user changed it to 👍.
func (b *Bot) withdrawDownVote(ctx context.Context, log *slog.Logger, msgKey, user string) {
	if store := b.downVotes(); store != nil {
		if err := store.RecordDownVote(ctx, stats.DownVote{Key: voteKey(msgKey, user), Withdraw: true}); err != nil {
			log.Warn("withdrawn 👎 not removed", "error", err)
		}
	}
}
