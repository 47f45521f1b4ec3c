package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/selfcheck/selfcheck/knowledge"
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

// acceptEvent filters and deduplicates an event and answers it in the
// background; it returns at once so that the ack is immediate. retry is
// Slack's X-Slack-Retry-Num (or Socket Mode retry_attempt), for logs.
func (b *Bot) acceptEvent(ctx context.Context, log *slog.Logger, outer outerEvent, ev innerEvent, retry string) {
	log = log.With("event_id", outer.EventID, "event_type", ev.Type, "channel", ev.Channel, "user", ev.User)
	if retry != "" && retry != "0" {
		log = log.With("retry_num", retry)
	}
	if reason := b.ignoreReason(ev); reason != "" {
		log.Debug("event ignored", "reason", reason)
		return
	}
	// Slack retries carry the same event_id. A DM that also mentions the
	// bot can arrive as two events for one message, hence the second key.
	if !b.events.firstTime(prefixed("event:", outer.EventID)) || !b.events.firstTime(prefixed("msg:"+ev.Channel+":", ev.TS)) {
		log.Info("duplicate event dropped")
		return
	}
	if files := eventFiles(outer.Event); len(files) > 0 && b.cfg.Files != nil {
		b.spawn(log, "file", func() { b.reviewFiles(ctx, log, ev, files) })
		return
	}
	b.spawn(log, "event", func() { b.answerInThread(ctx, log, ev) })
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
	case ev.Type == "message" && !isPrivate(ev):
		// Channel messages reach the bot only as app_mention.
		return "not_im"
	}
	return ""
}

func isPrivate(ev innerEvent) bool {
	return ev.ChannelType == "im" || (ev.ChannelType == "" && strings.HasPrefix(ev.Channel, "D"))
}

// answerInThread does the work for a mention or DM and replies in its
// thread. Quick answers are posted once; slow ones first post a
// placeholder that is then updated in place, so the user sees the bot
// has heard them.
func (b *Bot) answerInThread(ctx context.Context, log *slog.Logger, ev innerEvent) {
	text := knowledge.Normalize(stripMentions(ev.Text, b.userID()))
	in := parseMessageText(text, isPrivate(ev))
	log = log.With("kind", in.kind.String())
	threadTS := ev.ThreadTS
	if threadTS == "" {
		threadTS = ev.TS
	}

	wctx, cancel := b.detach(ctx, b.cfg.WorkTimeout)
	done := make(chan []message, 1)
	b.spawn(log, "event work", func() {
		defer cancel()
		done <- b.perform(wctx, log, in, origin{userID: ev.User, channelID: ev.Channel})
	})
	dctx, dcancel := b.detach(ctx, deliveryTimeout)
	defer dcancel()

	timer := time.NewTimer(b.cfg.AckTimeout)
	defer timer.Stop()
	var err error
	delivery := "post"
	select {
	case msgs := <-done:
		err = b.postThread(dctx, log, ev.Channel, threadTS, msgs)
	case <-timer.C:
		delivery = "update"
		ts, perr := b.postMessage(dctx, log, ev.Channel, threadTS, pending(in))
		msgs := awaitWork(wctx, done)
		if perr != nil || ts == "" {
			log.Warn("placeholder not posted", "error", perr)
			err = b.postThread(dctx, log, ev.Channel, threadTS, msgs)
			break
		}
		if err = b.updateMessage(dctx, log, ev.Channel, ts, msgs[0]); err != nil {
			break
		}
		err = b.postThread(dctx, log, ev.Channel, threadTS, msgs[1:])
	}
	if err != nil {
		log.Error("delivery failed", "via", "chat", "error", err)
		return
	}
	log.Info("event answered", "delivery", delivery)
}

// seenCache remembers keys (event IDs) for a while so that Slack's retries
// of an event are answered once. It is bounded both in time and in size:
// a flood of distinct IDs evicts the oldest rather than growing memory.
type seenCache struct {
	mu    sync.Mutex
	ttl   time.Duration
	max   int
	seen  map[string]time.Time
	queue []string // insertion order, oldest first from head
	head  int
	now   func() time.Time
}

func newSeenCache(ttl time.Duration, max int) *seenCache {
	return &seenCache{ttl: ttl, max: max, seen: map[string]time.Time{}, now: time.Now}
}

// firstTime records key and reports whether it was not already recorded
// within the TTL. An empty key is never deduplicated.
func (c *seenCache) firstTime(key string) bool {
	if key == "" {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	c.evict(now)
	if t, ok := c.seen[key]; ok && now.Sub(t) < c.ttl {
		return false
	}
	c.seen[key] = now
	c.queue = append(c.queue, key)
	return true
}

func (c *seenCache) evict(now time.Time) {
	for c.head < len(c.queue) {
		k := c.queue[c.head]
		t, ok := c.seen[k]
		if ok && now.Sub(t) < c.ttl && len(c.seen) < c.max {
			break
		}
		delete(c.seen, k)
		c.head++
	}
	// Compact once the dead prefix dominates, to keep appends amortised O(1).
	if c.head > 1024 && c.head*2 > len(c.queue) {
		c.queue = append([]string(nil), c.queue[c.head:]...)
		c.head = 0
	}
}

// len reports the number of remembered keys.
func (c *seenCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}
