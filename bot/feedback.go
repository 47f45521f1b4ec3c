package bot

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/botstate"
	"github.com/selfcheck/selfcheck/engine"
)

// Action IDs of the feedback controls: Slack's native feedback buttons,
// and the 👍/👎 buttons of messages posted by earlier versions, which
// still count.
const (
	actionFeedback     = "feedback"
	actionFeedbackUp   = "feedback_up"
	actionFeedbackDown = "feedback_down"
)

// blockFeedback is the block ID of the feedback row.
const blockFeedback = "feedback"

// Texts of the private acknowledgements of a vote.
const (
	textThanksUp   = "👍 의견 고마워요! 더 나은 답변을 만드는 데 참고할게요. (나에게만 보여요)"
	textThanksDown = "👎 의견 고마워요. 무엇이 아쉬웠는지 알려 주시면 지원 담당자가 살펴볼게요. (나에게만 보여요)"
)

// Tally counts 👍 and 👎 votes.
type Tally = botstate.Tally

// FeedbackCounts is the feedback received: totals and per item ("1.3";
// "-" for answers not tied to an item). Votes are kept in the bot's
// State, so with a State under DATA_DIR they survive restarts.
type FeedbackCounts struct {
	Tally
	ByItem map[string]Tally `json:"by_item,omitempty"`
}

// FeedbackCounts returns the 👍/👎 counts, or zero counts when the State
// cannot be read (logged).
func (b *Bot) FeedbackCounts() FeedbackCounts {
	ctx, cancel := context.WithTimeout(context.Background(), stateTimeout)
	defer cancel()
	items, err := b.state.ItemVotes(ctx)
	if err != nil {
		b.log.Error("feedback counts unavailable", "error", err)
		return FeedbackCounts{}
	}
	out := FeedbackCounts{ByItem: map[string]Tally{}}
	for item, t := range items {
		if item == "" {
			item = "-"
		}
		out.ByItem[item] = t
		out.Up += t.Up
		out.Down += t.Down
	}
	return out
}

// feedbackButtons is the row under every answer: Slack's native feedback
// buttons. Their values carry the vote and what the answer was about
// (kind, item and the kind of answer), never the user's text.
func feedbackButtons(kind, answerKind, item string) []slack.Block {
	value := kind + "|" + item + "|" + answerKind
	up := slack.NewFeedbackButton(plain("👍"), botstate.VoteUp+"|"+value).WithAccessibilityLabel("도움이 됐어요")
	down := slack.NewFeedbackButton(plain("👎"), botstate.VoteDown+"|"+value).WithAccessibilityLabel("아쉬워요")
	return []slack.Block{slack.NewContextActionsBlock(blockFeedback, slack.NewFeedbackButtonsBlockElement(actionFeedback, up, down))}
}

// FeedbackRecorder counts the feedback votes for the statistics;
// *engine.Engine satisfies it. It must return at once.
type FeedbackRecorder interface {
	RecordFeedback(ctx context.Context, ev engine.FeedbackEvent)
}

// feedbackVote is one feedback click: the vote and what the answer was.
type feedbackVote struct {
	vote, kind, item string
	// answerKind is the engine's kind of answer (engine.KindCanned …);
	// messages of earlier versions lack it and use kind.
	answerKind string
}

// vote reads a feedback action. ok is false for other actions.
func vote(a *slack.BlockAction) (fv feedbackVote, ok bool) {
	if a == nil {
		return fv, false
	}
	switch a.ActionID {
	case actionFeedback:
		v, rest, _ := strings.Cut(a.Value, "|")
		fv.vote = v
		fv.kind, rest, _ = strings.Cut(rest, "|")
		fv.item, fv.answerKind, _ = strings.Cut(rest, "|")
		ok = v == botstate.VoteUp || v == botstate.VoteDown
	case actionFeedbackUp, actionFeedbackDown:
		fv.vote = strings.TrimPrefix(a.ActionID, "feedback_")
		fv.kind, fv.item, _ = strings.Cut(a.Value, "|")
		ok = true
	default:
		return fv, false
	}
	fv.answerKind = cmp.Or(fv.answerKind, fv.kind)
	return fv, ok
}

func parseInteraction(raw []byte) (slack.InteractionCallback, error) {
	var ic slack.InteractionCallback
	if err := json.Unmarshal(raw, &ic); err != nil {
		return ic, fmt.Errorf("decode interaction: %w", err)
	}
	return ic, nil
}

// onFeedback records feedback clicks, one vote per user per message (a
// second click on the same button does not count again, the other one
// moves the vote; the State is shared by replicas), and answers the voter
// alone: a 👍 with a private thank-you, a 👎 with a form asking what went
// wrong (views.open with the click's trigger_id). No message shows
// counts. Other buttons are ignored.
func (b *Bot) onFeedback(ctx context.Context, log *slog.Logger, ic slack.InteractionCallback) {
	c := clickOf(ic)
	channel, msgTS := c.channel, c.msgTS
	msgKey := channel + "/" + msgTS
	if msgTS == "" {
		// Without a ts of its own the message cannot be told apart;
		// the action's ts stands in, and a double click may count twice.
		msgKey = channel + "/ephemeral/" + ic.User.ID
	}
	for _, a := range ic.ActionCallback.BlockActions {
		fv, ok := vote(a)
		if !ok {
			continue
		}
		if msgTS == "" {
			msgKey += "/" + a.ActionTs
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stateTimeout)
		prev, perr := b.state.UserVote(sctx, msgKey, ic.User.ID)
		changed, err := b.state.Vote(sctx, msgKey, ic.User.ID, fv.item, fv.vote)
		cancel()
		if changed {
			b.feedbackChanged()
		}
		if err != nil {
			log.Error("feedback not recorded", "error", err)
			continue
		}
		log.Info("feedback",
			"action", fv.vote, "user", ic.User.ID, "channel", channel, "item", cmpItem(fv.item), "answer_kind", fv.answerKind,
			"counted", changed)
		if changed && b.cfg.Feedback != nil {
			if perr != nil {
				log.Warn("earlier vote unknown", "error", perr)
			}
			b.cfg.Feedback.RecordFeedback(ctx, engine.FeedbackEvent{Item: fv.item, Kind: fv.answerKind,
				Helpful: fv.vote == botstate.VoteUp, Changed: prev != "" && prev != fv.vote})
		}
		if changed && fv.vote == botstate.VoteDown && fv.kind == kindAuto {
			// A 👎 on an answer nobody asked the bot for calls the staff
			// at once (channel.go).
			b.onEscalate(ctx, log, clickOf(ic), &slack.BlockAction{ActionID: actionEscalate, Value: kindAuto + "|" + fv.item + "|", ActionTs: a.ActionTs}, "")
		}
		if fv.vote == botstate.VoteUp {
			if changed && prev == botstate.VoteDown {
				b.withdrawDownVote(ctx, log, msgKey, ic.User.ID)
			}
			if changed {
				b.ackVote(ctx, log, c, textThanksUp)
			}
			continue
		}
		b.askWhatWentWrong(ctx, log, ic, c, fv, msgKey)
	}
}

// ackVote tells the voter alone that the vote counted: an ephemeral
// message in the answer's thread, or through the response_url of a
// private answer.
func (b *Bot) ackVote(ctx context.Context, log *slog.Logger, c click, text string) {
	if c.ephemeral || c.msgTS == "" {
		b.tellLater(ctx, log, c.responseURL, c.channel, c.user, text)
		return
	}
	b.spawn(log, "feedback ack", func() {
		dctx, cancel := b.detach(ctx, deliveryTimeout)
		defer cancel()
		if err := b.postEphemeral(dctx, log, c.channel, c.user, c.threadTS, paginate(renderNotice(text))[0]); err != nil {
			log.Info("feedback ack not delivered", "error", err)
		}
	})
}

func cmpItem(item string) string {
	if item == "" {
		return "-"
	}
	return item
}
