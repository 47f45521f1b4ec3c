package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/slack-go/slack"
)

// deliveryTimeout bounds the delivery of one reply, retries included.
const deliveryTimeout = 3 * time.Minute

// slash handles one /selfcheck invocation and returns the ack payload.
// The work gets AckTimeout to finish; if it does, its first message is the
// ack (in the channel for a canned answer posted by staff, else
// ephemeral) and the rest go via response_url, otherwise the ack is "검토 중…"
// and the whole result goes via response_url, replacing it. Either way the
// ack is never later than AckTimeout. maxAck, when positive, caps the
// ack's encoded size (Socket Mode drops larger acks). A nil ack is an
// empty one: a public reply too large for the ack goes entirely via
// response_url, with no placeholder left behind.
func (b *Bot) slash(ctx context.Context, log *slog.Logger, cmd slack.SlashCommand, maxAck int) *responsePayload {
	in := parseCommandText(fromSlack(cmd.Text), b.commands)
	log = log.With("user", cmd.UserID, "channel", cmd.ChannelID, "kind", in.kind.String())
	o := origin{userID: cmd.UserID, channelID: cmd.ChannelID}
	if b.slashFormInDM(ctx, log, cmd, in) {
		p := ephemeral(paginate(renderNotice(textFormInThread))[0], false)
		return &p
	}

	wctx, cancel := b.detach(ctx, b.cfg.WorkTimeout)
	done := make(chan []message, 1)
	b.spawn(log, "slash work", func() {
		defer cancel()
		done <- b.perform(wctx, log, in, o)
	})

	// With work already queued the result cannot come quickly: waiting
	// out AckTimeout would only push every ack of a burst towards 3 s.
	wait := b.cfg.AckTimeout
	if b.pool.backlog() {
		wait = min(wait, busyAckWait)
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case msgs := <-done:
		first := replyPayload(msgs[0], false)
		if maxAck <= 0 || payloadSize(first) <= maxAck {
			if len(msgs) > 1 {
				b.deliverLater(ctx, log, cmd.ResponseURL, o, func() []message { return msgs[1:] }, false)
			}
			log.Info("slash answered", "delivery", "inline", "parts", len(msgs))
			return &first
		}
		if msgs[0].public {
			b.deliverLater(ctx, log, cmd.ResponseURL, o, func() []message { return msgs }, false)
			return nil
		}
		b.deliverLater(ctx, log, cmd.ResponseURL, o, func() []message { return msgs }, true)
	case <-timer.C:
		b.deliverLater(ctx, log, cmd.ResponseURL, o, func() []message { return b.awaitWork(wctx, done) }, true)
	}
	p := ephemeral(pending(in), false)
	return &p
}

// drainWait is how long work may still take to deliver once a shutdown
// drains: a review with a quick result needs only to render it.
const drainWait = 200 * time.Millisecond

// awaitWork waits for the result of work running under wctx; when wctx
// ends first (timeout, forced shutdown) the user gets a timeout notice
// instead, and when a shutdown drains, a request to ask again.
func (b *Bot) awaitWork(wctx context.Context, done <-chan []message) []message {
	select {
	case msgs := <-done:
		return msgs
	case <-b.drain:
		t := time.NewTimer(drainWait)
		defer t.Stop()
		select {
		case msgs := <-done:
			return msgs
		case <-t.C:
			return paginate(renderNotice(textRestarting))
		}
	case <-wctx.Done():
	}
	// The worker sends before it cancels wctx, so a result may be waiting.
	select {
	case msgs := <-done:
		return msgs
	default:
		return paginate(renderNotice(textTimeout))
	}
}

// deliverLater sends the messages result returns via response_url in the
// background. When the response_url no longer works (it expires after 30
// minutes and five uses), the rest goes to the user privately instead.
func (b *Bot) deliverLater(ctx context.Context, log *slog.Logger, responseURL string, o origin, result func() []message, replaceFirst bool) {
	b.spawn(log, "slash delivery", func() {
		msgs := result()
		dctx, cancel := b.detach(ctx, deliveryTimeout)
		defer cancel()
		sent, err := b.respond(dctx, log, responseURL, msgs, replaceFirst)
		if err == nil {
			log.Info("slash answered", "delivery", "response_url", "parts", len(msgs))
			return
		}
		if !responseURLGone(err) {
			log.Error("delivery failed", "via", "response_url", "error", err)
			return
		}
		log.Warn("response_url unusable, delivering privately", "error", err, "parts_left", len(msgs)-sent)
		if err := b.deliverPrivately(dctx, log, o, msgs[sent:]); err != nil {
			log.Error("delivery failed", "via", "fallback", "error", err)
			return
		}
		log.Info("slash answered", "delivery", "fallback", "parts", len(msgs))
	})
}

// responseURLGone reports a response_url that will not work again: it
// expired, was used up, or was never valid.
func responseURLGone(err error) bool {
	var re *responseURLError
	if !errors.As(err, &re) {
		return errors.Is(err, errNoResponseURL) || errors.Is(err, errResponseURLHost)
	}
	switch re.Code {
	case "expired_url", "used_url", "invalid_url", "no_service", "no_active_hooks":
		return true
	}
	return re.Status == http.StatusNotFound || re.Status == http.StatusGone || re.Status == http.StatusForbidden
}

// deliverPrivately posts msgs for the user alone: ephemeral in the
// channel where they asked, or in a DM when that fails (the bot is not
// in the channel, or the channel is a DM with someone else). A public
// reply goes to the channel as the user meant.
func (b *Bot) deliverPrivately(ctx context.Context, log *slog.Logger, o origin, msgs []message) error {
	for i, m := range msgs {
		if m.public {
			if _, err := b.postMessage(ctx, log, o.channelID, "", m, ""); err != nil {
				return fmt.Errorf("post part %d/%d: %w", i+1, len(msgs), err)
			}
			continue
		}
		err := b.postEphemeral(ctx, log, o.channelID, o.userID, "", m)
		if err == nil {
			continue
		}
		log.Info("ephemeral fallback failed, sending a DM", "error", err)
		if _, err := b.postMessage(ctx, log, o.userID, "", m, ""); err != nil {
			return fmt.Errorf("dm part %d/%d: %w", i+1, len(msgs), err)
		}
	}
	return nil
}

func payloadSize(p responsePayload) int {
	raw, err := json.Marshal(p)
	if err != nil {
		return 1 << 30
	}
	return len(raw)
}

// slashFromForm reads a slash command from its form body; slack-go's
// SlashCommandParse wants the request, whose body was consumed by
// signature verification.
func slashFromForm(v url.Values) slack.SlashCommand {
	return slack.SlashCommand{
		Token:       v.Get("token"),
		TeamID:      v.Get("team_id"),
		TeamDomain:  v.Get("team_domain"),
		ChannelID:   v.Get("channel_id"),
		ChannelName: v.Get("channel_name"),
		UserID:      v.Get("user_id"),
		UserName:    v.Get("user_name"),
		Command:     v.Get("command"),
		Text:        v.Get("text"),
		ResponseURL: v.Get("response_url"),
		TriggerID:   v.Get("trigger_id"),
		APIAppID:    v.Get("api_app_id"),
	}
}
