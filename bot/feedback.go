package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/botstate"
)

// Action IDs of the feedback controls: Slack's native feedback buttons,
// and the 👍/👎 buttons of messages posted by earlier versions, which
// still count.
const (
	actionFeedback     = "feedback"
	actionFeedbackUp   = "feedback_up"
	actionFeedbackDown = "feedback_down"
)

// Block IDs of the feedback row and of the line with its counts.
const (
	blockFeedback      = "feedback"
	blockFeedbackTally = "feedback_tally"
)

const textFeedbackTally = "👍 %d · 👎 %d — 의견 고마워요! 더 나은 답변을 만드는 데 참고할게요."

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
// (kind and item), never the user's text.
func feedbackButtons(kind, item string) []slack.Block {
	value := kind + "|" + item
	up := slack.NewFeedbackButton(plain("👍"), botstate.VoteUp+"|"+value).WithAccessibilityLabel("도움이 됐어요")
	down := slack.NewFeedbackButton(plain("👎"), botstate.VoteDown+"|"+value).WithAccessibilityLabel("아쉬워요")
	return []slack.Block{slack.NewContextActionsBlock(blockFeedback, slack.NewFeedbackButtonsBlockElement(actionFeedback, up, down))}
}

// vote reads a feedback action: the vote, and the kind and item of the
// answer. ok is false for other actions.
func vote(a *slack.BlockAction) (v, kind, item string, ok bool) {
	if a == nil {
		return "", "", "", false
	}
	switch a.ActionID {
	case actionFeedback:
		v, rest, _ := strings.Cut(a.Value, "|")
		kind, item, _ := strings.Cut(rest, "|")
		return v, kind, item, v == botstate.VoteUp || v == botstate.VoteDown
	case actionFeedbackUp, actionFeedbackDown:
		kind, item, _ := strings.Cut(a.Value, "|")
		return strings.TrimPrefix(a.ActionID, "feedback_"), kind, item, true
	}
	return "", "", "", false
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
// moves the vote), and updates the message in place with the counts.
// Other buttons are ignored.
func (b *Bot) onFeedback(ctx context.Context, log *slog.Logger, ic slack.InteractionCallback) {
	channel := ic.Channel.ID
	if channel == "" {
		channel = ic.Container.ChannelID
	}
	msgTS := ic.Container.MessageTs
	if msgTS == "" {
		msgTS = ic.Message.Timestamp
	}
	msgKey := channel + "/" + msgTS
	if msgTS == "" {
		// Without a ts of its own the message cannot be told apart;
		// the action's ts stands in, and a double click may count twice.
		msgKey = channel + "/ephemeral/" + ic.User.ID
	}
	counted := false
	for _, a := range ic.ActionCallback.BlockActions {
		v, kind, item, ok := vote(a)
		if !ok {
			continue
		}
		if msgTS == "" {
			msgKey += "/" + a.ActionTs
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stateTimeout)
		changed, err := b.state.Vote(sctx, msgKey, ic.User.ID, item, v)
		cancel()
		if err != nil {
			log.Error("feedback not recorded", "error", err)
			continue
		}
		log.Info("feedback",
			"action", v, "user", ic.User.ID, "channel", channel, "item", cmpItem(item), "answer_kind", kind,
			"counted", changed)
		counted = counted || changed
	}
	// An ephemeral message cannot be edited by ts and its blocks do not
	// come with the click; Slack's buttons show the choice there.
	if !counted || ic.Container.IsEphemeral || msgTS == "" || len(ic.Message.Blocks.BlockSet) == 0 {
		return
	}
	blocks, text := ic.Message.Blocks.BlockSet, ic.Message.Text
	b.spawn(log, "feedback update", func() {
		dctx, cancel := b.detach(ctx, deliveryTimeout)
		defer cancel()
		t, err := b.state.MessageVotes(dctx, msgKey)
		if err != nil {
			log.Warn("feedback counts unavailable", "error", err)
			return
		}
		m := message{Text: text, Blocks: withTally(blocks, t)}
		if err := b.updateMessage(dctx, log, channel, msgTS, m); err != nil {
			log.Warn("feedback not shown on the message", "error", err)
		}
	})
}

func cmpItem(item string) string {
	if item == "" {
		return "-"
	}
	return item
}

// withTally returns blocks with the counts line after the feedback row,
// replacing an earlier one.
func withTally(blocks []slack.Block, t Tally) []slack.Block {
	line := slack.NewContextBlock(blockFeedbackTally, mrkdwn(fmt.Sprintf(textFeedbackTally, t.Up, t.Down)))
	out := make([]slack.Block, 0, len(blocks)+1)
	placed := false
	for _, bl := range blocks {
		if bl.ID() == blockFeedbackTally {
			continue
		}
		out = append(out, bl)
		if bl.ID() == blockFeedback {
			out = append(out, line)
			placed = true
		}
	}
	if !placed {
		out = append(out, line)
	}
	return out
}
