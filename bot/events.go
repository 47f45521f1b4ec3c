package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
)

// outerEvent is the envelope of the Events API. The bot decodes it itself
// rather than with slackevents.ParseEvent, which rejects inner event types
// it does not know.
type outerEvent struct {
	Type      string          `json:"type"`
	Challenge string          `json:"challenge"`
	EventID   string          `json:"event_id"`
	TeamID    string          `json:"team_id"`
	Event     json.RawMessage `json:"event"`
}

// innerEvent holds the fields of app_mention and message events the bot
// uses.
type innerEvent struct {
	Type        string `json:"type"`
	Subtype     string `json:"subtype"`
	User        string `json:"user"`
	BotID       string `json:"bot_id"`
	Text        string `json:"text"`
	TS          string `json:"ts"`
	ThreadTS    string `json:"thread_ts"`
	Channel     string `json:"channel"`
	ChannelType string `json:"channel_type"`
	// Edited is set on a message the user has edited: an app_mention of
	// an edited message, or the message inside a message_changed event.
	Edited *struct {
		TS string `json:"ts"`
	} `json:"edited"`
	// Message and PreviousMessage carry a message_changed event's message
	// after and before the change.
	Message         *innerEvent `json:"message"`
	PreviousMessage *innerEvent `json:"previous_message"`
	// AssistantThread is set on the assistant view's thread events.
	AssistantThread *assistantThread `json:"assistant_thread"`
	// Tab is the tab of an app_home_opened event ("home", "messages").
	Tab string `json:"tab"`
	// Context is what the user has open (app_context_changed,
	// app_home_opened); AppContext the same on message.im.
	Context    *appContext `json:"context"`
	AppContext *appContext `json:"app_context"`
}

// edited reports whether the event is a user's edit of a message.
func (ev innerEvent) edited() bool { return ev.Edited != nil && ev.Edited.TS != "" }

// unwrapEdit turns a message_changed event in a DM into the edited
// message itself; it reports false for changes that are not edits of the
// text (link previews unfurling, a thread gaining a reply).
func unwrapEdit(ev innerEvent) (innerEvent, bool) {
	m := ev.Message
	if m == nil || !m.edited() || (ev.PreviousMessage != nil && ev.PreviousMessage.Text == m.Text) {
		return ev, false
	}
	out := *m
	out.Type, out.Subtype = "message", ""
	out.Channel, out.ChannelType = ev.Channel, ev.ChannelType
	out.Message, out.PreviousMessage = nil, nil
	return out, true
}

// parseEvent decodes an Events API body; inner is zero for envelopes other
// than event_callback.
func parseEvent(raw []byte) (outer outerEvent, inner innerEvent, err error) {
	if err := json.Unmarshal(raw, &outer); err != nil {
		return outer, inner, fmt.Errorf("decode event envelope: %w", err)
	}
	if outer.Type == "event_callback" {
		if len(outer.Event) == 0 {
			return outer, inner, fmt.Errorf("event_callback without event")
		}
		if err := json.Unmarshal(outer.Event, &inner); err != nil {
			return outer, inner, fmt.Errorf("decode inner event: %w", err)
		}
	}
	return outer, inner, nil
}

// acceptEvent filters an event, drops one this replica has already taken
// on, and answers the others in the background once their durable claim
// is won (claim.go); it returns at once, touching no database, so that
// the ack is immediate. retry is Slack's X-Slack-Retry-Num (or Socket
// Mode retry_attempt), for logs.
func (b *Bot) acceptEvent(ctx context.Context, log *slog.Logger, outer outerEvent, ev innerEvent, retry string) {
	log = log.With("event_id", outer.EventID, "event_type", ev.Type, "channel", ev.Channel, "user", ev.User)
	if retry != "" && retry != "0" {
		log = log.With("retry_num", retry)
	}
	switch ev.Type {
	case "assistant_thread_started":
		if ev.AssistantThread == nil {
			return
		}
		at := *ev.AssistantThread
		b.takeOn(log, "assistant thread", func() { b.onThreadStarted(ctx, log, at) }, prefixed("event:", outer.EventID))
		return
	case "app_home_opened":
		if ev.User == "" || (ev.Tab != "home" && ev.Tab != "messages") {
			return
		}
		user, channel := ev.User, ev.Channel
		if ev.Tab == "messages" {
			b.viewing.set(user, ev.Context.channel())
			b.takeOn(log, "dm opened", func() { b.onMessagesOpened(ctx, log, user, channel) }, prefixed("event:", outer.EventID))
			return
		}
		b.takeOn(log, "home tab", func() { b.onHomeOpened(ctx, log, user) }, prefixed("event:", outer.EventID))
		return
	case "app_context_changed":
		// Kept in memory for the user's next question only; the channel
		// is never logged, and the bot does not read it.
		if ev.User != "" {
			b.viewing.set(ev.User, ev.Context.channel())
		}
		log.Debug("app context changed")
		return
	case "assistant_thread_context_changed":
		// The split view's context: the bot does not read other channels.
		log.Debug("assistant context changed")
		return
	}
	if ev.Type == "message" && !isPrivate(ev) {
		// message.channels / message.groups: the help channel (channel.go).
		b.acceptChannelMessage(ctx, log, outer, ev)
		return
	}
	if ev.Type == "message" && ev.Subtype == "message_changed" && isPrivate(ev) {
		if inner, ok := unwrapEdit(ev); ok {
			ev = inner
		}
	}
	if reason := b.ignoreReason(ev); reason != "" {
		log.Debug("event ignored", "reason", reason)
		return
	}
	// Slack retries carry the same event_id. A DM that also mentions the
	// bot can arrive as two events for one message, hence the second key;
	// it includes the time of an edit, so that the corrected question of
	// an edited message is answered once more.
	msgKey := prefixed("msg:"+ev.Channel+":", ev.TS)
	if ev.edited() {
		msgKey += "@" + ev.Edited.TS
		log = log.With("edited", true)
	}
	keys := []string{prefixed("event:", outer.EventID), msgKey}
	if files := eventFiles(outer.Event); len(files) > 0 && b.cfg.Files != nil {
		b.takeOn(log, "file", func() { b.reviewFiles(ctx, log, ev, files) }, keys...)
		return
	}
	b.takeOn(log, "event", func() { b.answerInThread(ctx, log, ev, outer.TeamID, outer.EventID) }, keys...)
}

// claimNow claims keys in work already in the background: memory first,
// then the durable claim. It reports whether this replica answers.
func (b *Bot) claimNow(log *slog.Logger, keys ...string) bool {
	if !b.claims.take(keys...) {
		return false
	}
	return b.claim(context.Background(), log, keys...) == claimWon
}

// takeOn runs work in the background for an event claimed by keys: at
// once dropped when this replica's memory has one of them, else after
// the durable claim is won.
func (b *Bot) takeOn(log *slog.Logger, what string, work func(), keys ...string) {
	if !b.claims.take(keys...) {
		log.Info("duplicate event dropped", "by", "memory")
		return
	}
	b.spawn(log, what, func() {
		b.acking.yield()
		// The claim is not the request's: its context ends with the ack.
		switch b.claim(context.Background(), log, keys...) {
		case claimDuplicate:
			log.Info("duplicate event dropped", "by", "state")
		case claimWon:
			work()
		}
	})
}

// prefixed namespaces a dedup key; an empty value stays empty so that it
// is never deduplicated.
func prefixed(prefix, v string) string {
	if v == "" {
		return ""
	}
	return prefix + v
}

func (b *Bot) ignoreReason(ev innerEvent) string {
	if reason := b.commonIgnoreReason(ev); reason != "" {
		return reason
	}
	if ev.Type == "message" && !isPrivate(ev) {
		// Channel messages are the help channel's (channel.go).
		return "not_im"
	}
	return ""
}

// commonIgnoreReason says why an event asks nothing of the bot wherever
// it comes from: not a message, a bot's, the bot's own, an edit, a join.
func (b *Bot) commonIgnoreReason(ev innerEvent) string {
	switch {
	case ev.Type != "app_mention" && ev.Type != "message":
		return "type"
	case ev.BotID != "" || ev.Subtype == "bot_message":
		return "bot"
	case ev.User == "":
		return "no_user"
	case ev.User == b.userID():
		return "self"
	case ev.Subtype != "" && ev.Subtype != "file_share" && ev.Subtype != "thread_broadcast":
		// Edits, deletions, joins: nothing was asked.
		return "subtype"
	}
	return ""
}

func isPrivate(ev innerEvent) bool {
	return ev.ChannelType == "im" || (ev.ChannelType == "" && strings.HasPrefix(ev.Channel, "D"))
}
