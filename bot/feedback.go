package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync"

	"github.com/slack-go/slack"
)

// Action IDs of the feedback buttons.
const (
	actionFeedbackUp   = "feedback_up"
	actionFeedbackDown = "feedback_down"
)

const textFeedbackThanks = "🙏 의견 고마워요! 더 나은 답변을 만드는 데 참고할게요."

// Tally counts 👍 and 👎 clicks.
type Tally struct {
	Up   int `json:"up"`
	Down int `json:"down"`
}

// FeedbackCounts is the feedback received since the bot started: totals
// and per item ("1.3"; "-" for answers not tied to an item).
type FeedbackCounts struct {
	Tally
	ByItem map[string]Tally `json:"by_item,omitempty"`
}

// feedbackBook counts votes. It remembers each user's last vote on each
// message (bounded) so that clicking twice is not counted twice and
// changing one's mind moves the vote.
type feedbackBook struct {
	mu     sync.Mutex
	total  Tally
	byItem map[string]Tally
	votes  map[string]string // user|message → action
	order  []string
	max    int
}

func newFeedbackBook(max int) *feedbackBook {
	return &feedbackBook{byItem: map[string]Tally{}, votes: map[string]string{}, max: max}
}

// record counts a vote and reports whether it changed anything.
func (f *feedbackBook) record(voter, action, item string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	prev, seen := f.votes[voter]
	if seen && prev == action {
		return false
	}
	if !seen {
		f.order = append(f.order, voter)
		if len(f.order) > f.max {
			delete(f.votes, f.order[0])
			f.order = f.order[1:]
		}
	}
	f.votes[voter] = action
	t := f.byItem[item]
	if seen {
		f.total.add(prev, -1)
		t.add(prev, -1)
	}
	f.total.add(action, 1)
	t.add(action, 1)
	f.byItem[item] = t
	return true
}

func (t *Tally) add(action string, n int) {
	switch action {
	case actionFeedbackUp:
		t.Up += n
	case actionFeedbackDown:
		t.Down += n
	}
}

// FeedbackCounts returns a snapshot of the 👍/👎 counts.
func (b *Bot) FeedbackCounts() FeedbackCounts {
	b.feedback.mu.Lock()
	defer b.feedback.mu.Unlock()
	return FeedbackCounts{Tally: b.feedback.total, ByItem: maps.Clone(b.feedback.byItem)}
}

func parseInteraction(raw []byte) (slack.InteractionCallback, error) {
	var ic slack.InteractionCallback
	if err := json.Unmarshal(raw, &ic); err != nil {
		return ic, fmt.Errorf("decode interaction: %w", err)
	}
	return ic, nil
}

// onFeedback counts feedback clicks and thanks the user privately.
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
	counted := false
	for _, a := range ic.ActionCallback.BlockActions {
		if a == nil || (a.ActionID != actionFeedbackUp && a.ActionID != actionFeedbackDown) {
			continue
		}
		kind, item, _ := strings.Cut(a.Value, "|")
		if item == "" {
			item = "-"
		}
		// Ephemeral messages have no ts of their own; the action's own
		// ts then stands in, and a double click may count twice.
		key := ic.User.ID + "|" + channel + "|" + msgTS
		if msgTS == "" {
			key += "|" + a.ActionTs
		}
		changed := b.feedback.record(key, a.ActionID, item)
		log.Info("feedback",
			"action", strings.TrimPrefix(a.ActionID, "feedback_"),
			"user", ic.User.ID, "channel", channel, "item", item, "answer_kind", kind,
			"counted", changed)
		counted = counted || changed
	}
	if counted && ic.ResponseURL != "" {
		b.spawn(log, "feedback thanks", func() {
			dctx, cancel := b.detach(ctx, deliveryTimeout)
			defer cancel()
			thanks := paginate(renderNotice(textFeedbackThanks))
			if _, err := b.respond(dctx, log, ic.ResponseURL, thanks, false); err != nil {
				log.Warn("feedback thanks not delivered", "error", err)
			}
		})
	}
}
