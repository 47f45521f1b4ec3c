package bot

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/url"
	"time"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/knowledge"
)

// deliveryTimeout bounds the delivery of one reply, retries included.
const deliveryTimeout = 3 * time.Minute

// slash handles one /selfcheck invocation and returns the ack payload.
// The work gets AckTimeout to finish; if it does, its first message is the
// ack (in the channel for a canned answer posted by staff, else
// ephemeral) and the rest go via response_url, otherwise the ack is "검토 중…"
// and the whole result goes via response_url, replacing it. Either way the
// ack is never later than AckTimeout. maxAck, when positive, caps the
// ack's encoded size (Socket Mode drops larger acks).
func (b *Bot) slash(ctx context.Context, log *slog.Logger, cmd slack.SlashCommand, maxAck int) responsePayload {
	in := parseCommandText(knowledge.Normalize(cmd.Text), b.commands)
	log = log.With("user", cmd.UserID, "channel", cmd.ChannelID, "kind", in.kind.String())
	o := origin{userID: cmd.UserID, channelID: cmd.ChannelID}

	wctx, cancel := b.detach(ctx, b.cfg.WorkTimeout)
	done := make(chan []message, 1)
	b.spawn(log, "slash work", func() {
		defer cancel()
		done <- b.perform(wctx, log, in, o)
	})

	timer := time.NewTimer(b.cfg.AckTimeout)
	defer timer.Stop()
	select {
	case msgs := <-done:
		first := replyPayload(msgs[0], false)
		if maxAck <= 0 || payloadSize(first) <= maxAck {
			if len(msgs) > 1 {
				b.deliverLater(ctx, log, cmd.ResponseURL, func() []message { return msgs[1:] }, false)
			}
			log.Info("slash answered", "delivery", "inline", "parts", len(msgs))
			return first
		}
		b.deliverLater(ctx, log, cmd.ResponseURL, func() []message { return msgs }, true)
	case <-timer.C:
		b.deliverLater(ctx, log, cmd.ResponseURL, func() []message { return awaitWork(wctx, done) }, true)
	}
	return ephemeral(pending(in), false)
}

// awaitWork waits for the result of work running under wctx; when wctx
// ends first (timeout, shutdown) the user gets a timeout notice instead.
func awaitWork(wctx context.Context, done <-chan []message) []message {
	select {
	case msgs := <-done:
		return msgs
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
// background.
func (b *Bot) deliverLater(ctx context.Context, log *slog.Logger, responseURL string, result func() []message, replaceFirst bool) {
	b.spawn(log, "slash delivery", func() {
		msgs := result()
		dctx, cancel := b.detach(ctx, deliveryTimeout)
		defer cancel()
		if err := b.respond(dctx, log, responseURL, msgs, replaceFirst); err != nil {
			log.Error("delivery failed", "via", "response_url", "error", err)
			return
		}
		log.Info("slash answered", "delivery", "response_url", "parts", len(msgs))
	})
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
