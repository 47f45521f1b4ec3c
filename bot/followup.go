package bot

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/botstate"
	"github.com/selfcheck/selfcheck/engine"
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
// question, read with conversations.replies (or conversations.history at
// the top of a DM). It is nil when the bot has not answered there.
func (b *Bot) threadContext(ctx context.Context, log *slog.Logger, ev innerEvent, conv *threadRef) *engine.Thread {
	if conv.thread == "" && !isPrivate(ev) {
		return nil
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stateTimeout)
	topic, ok, err := b.state.Topic(sctx, conv.channel, conv.thread)
	cancel()
	if err != nil {
		log.Warn("thread topic unavailable", "error", err)
		return nil
	}
	if !ok {
		return nil
	}
	th := &engine.Thread{Item: topic.Item, Element: topic.Element}
	hctx, hcancel := context.WithTimeout(ctx, historyTimeout)
	defer hcancel()
	prev, err := b.previousQuestion(hctx, ev, conv)
	if err != nil {
		log.Info("thread history unavailable", "error", err)
	}
	th.Previous = prev
	log.Info("follow-up in context", "topic_item", topic.Item, "topic_element", topic.Element, "has_previous", prev != "")
	return th
}

// previousQuestion finds the user's last question before ev in the
// conversation; drafts do not count.
func (b *Bot) previousQuestion(ctx context.Context, ev innerEvent, conv *threadRef) (string, error) {
	var msgs []slack.Message
	var err error
	if conv.thread != "" {
		msgs, _, _, err = b.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
			ChannelID: conv.channel, Timestamp: conv.thread, Limit: historyLimit})
	} else {
		var h *slack.GetConversationHistoryResponse
		h, err = b.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
			ChannelID: conv.channel, Latest: ev.TS, Limit: historyLimit})
		if h != nil {
			msgs = h.Messages
		}
	}
	if err != nil {
		return "", err
	}
	best, bestTS := "", ""
	for _, m := range msgs {
		if m.User != ev.User || m.BotID != "" || m.Timestamp >= ev.TS || m.Timestamp <= bestTS {
			continue
		}
		text := strings.TrimSpace(fromSlack(stripMentions(m.Text, b.userID())))
		if text == "" || looksLikeDraft(text) {
			continue
		}
		best, bestTS = text, m.Timestamp
	}
	return best, nil
}
