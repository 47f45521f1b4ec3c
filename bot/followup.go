package bot

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/botstate"
	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
)

// ThreadAsker answers a question with the context of the thread it was
// asked in. *engine.Engine implements it; an Answerer without it answers
// every question on its own.
type ThreadAsker interface {
	AskInThread(ctx context.Context, question string, th engine.Thread) (engine.Answer, error)
}

// historyLimit is how many messages of a thread the bot reads for the
// previous question.
const historyLimit = 20

// historyTimeout bounds reading the thread; without it the question is
// still answered, with the topic alone.
const historyTimeout = 3 * time.Second

// rememberTopic records the item and element of an answer for the
// conversation it was given in, so that a follow-up there is read in
// context. Failures are logged: the answer itself stands.
func (b *Bot) rememberTopic(ctx context.Context, log *slog.Logger, o origin, item, element string) {
	if o.conversation == nil || item == "" {
		return
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stateTimeout)
	defer cancel()
	if err := b.state.SetTopic(sctx, o.conversation.channel, o.conversation.thread, botstate.Topic{Item: item, Element: element}); err != nil {
		log.Warn("thread topic not remembered", "error", err)
	}
}

// threadContext returns the context of the thread a question was asked
// in: the topic of the bot's last answer there and the user's previous
// question, read with conversations.replies. In a thread the bot has no
// topic for (its state lost, another replica on SQLite, a thread from
// before an upgrade), the thread itself says what it was about: the
// newest message there that names an item. It is nil for a message at
// the top level (its thread starts with it) and when nothing in the thread
// names an item. spoke reports whether the bot has posted in the thread
// (false too when the thread was not read).
func (b *Bot) threadContext(ctx context.Context, log *slog.Logger, ev innerEvent, conv *threadRef) (th *engine.Thread, spoke bool) {
	if ev.ThreadTS == "" || conv.thread == "" {
		return nil, false
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stateTimeout)
	topic, ok, err := b.state.Topic(sctx, conv.channel, conv.thread)
	cancel()
	if err != nil {
		log.Warn("thread topic unavailable", "error", err)
	}
	hctx, hcancel := context.WithTimeout(ctx, historyTimeout)
	defer hcancel()
	h, err := b.readThread(hctx, ev, conv)
	if err != nil {
		log.Info("thread history unavailable", "error", err)
	}
	if !ok {
		if h.item == "" {
			return nil, h.botSpoke
		}
		topic = botstate.Topic{Item: h.item}
		b.rememberTopic(ctx, log, origin{conversation: conv}, h.item, "")
		log.Info("thread topic recovered from the thread", "topic_item", h.item)
	}
	th = &engine.Thread{Item: topic.Item, Element: topic.Element, Previous: h.previous}
	log.Info("follow-up in context", "topic_item", topic.Item, "topic_element", topic.Element, "has_previous", h.previous != "")
	return th, h.botSpoke || ok
}

// threadHistory is what the bot read of a thread before a message.
type threadHistory struct {
	// previous is the user's last question; drafts do not count.
	previous string
	// item is the item the newest message naming one is about.
	item string
	// botSpoke is set when the bot has posted in the thread.
	botSpoke bool
}

// readThread reads the thread before ev with conversations.replies.
func (b *Bot) readThread(ctx context.Context, ev innerEvent, conv *threadRef) (threadHistory, error) {
	var h threadHistory
	msgs, _, _, err := b.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
		ChannelID: conv.channel, Timestamp: conv.thread, Limit: historyLimit})
	if err != nil {
		return h, err
	}
	prevTS, itemTS := "", ""
	for _, m := range msgs {
		if m.Timestamp >= ev.TS {
			continue
		}
		mine := m.User == b.userID() || m.BotID != ""
		if mine && m.User == b.userID() {
			h.botSpoke = true
		}
		text := strings.TrimSpace(fromSlack(stripMentions(m.Text, b.userID())))
		if text == "" {
			continue
		}
		if (mine || m.User == ev.User) && m.Timestamp > itemTS {
			if item := knowledge.FindItemRef(text); item != "" {
				h.item, itemTS = item, m.Timestamp
			}
		}
		if m.User != ev.User || m.BotID != "" || m.Timestamp <= prevTS || looksLikeDraft(text) {
			continue
		}
		h.previous, prevTS = text, m.Timestamp
	}
	return h, nil
}
