package bot

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/botstate"
)

// statusDelay is how long work may run before the thread shows the bot's
// status ("is working on it…"); quicker answers need none.
const statusDelay = 300 * time.Millisecond

// Texts of the thread status and of the private notes about a thread.
const (
	textStatusAnswer   = "답변을 준비하고 있어요…"
	textStatusReview   = "초안을 검토하고 있어요…"
	textNotInChannel   = "🔒 이 채널에는 제가 참여하지 않아 답을 올리지 못했어요. 채널에서 `/invite @selfcheck`로 초대하거나, 아래 답을 DM으로 확인해 주세요."
	textNotInChannelNo = "🔒 이 채널에는 제가 참여하지 않아 답을 올리지 못했어요. 채널에서 `/invite @selfcheck`로 초대해 주세요."
)

// loadingMessages rotate in the status while the bot works.
var loadingMessages = []string{"관련 지침을 찾는 중…", "필수 요소를 확인하는 중…", "답변을 정리하는 중…"}

// replyThread is where a reply to ev goes: the thread it was written in,
// or, for a message at the top level (of a channel or of the DM), a new
// thread under it. In the agent messaging experience every top-level DM
// message starts its own conversation, so status, stream, answer and
// follow-ups all live in that message's thread.
func replyThread(ev innerEvent) string {
	if ev.ThreadTS != "" {
		return ev.ThreadTS
	}
	return ev.TS
}

// answerInThread does the work for a mention or DM and posts the reply.
// While slow work goes on, the thread shows the bot's status
// (assistant.threads.setStatus) rather than a placeholder message, so
// that the notification the user gets is the answer itself.
func (b *Bot) answerInThread(ctx context.Context, log *slog.Logger, ev innerEvent, teamID, eventID string) {
	if !isPrivate(ev) && b.channelMode(ctx, log, ev.Channel) == botstate.ModeOff {
		log.Info("mention ignored", "reason", "channel off")
		return
	}
	b.answerEvent(ctx, log, ev, teamID, eventID, false)
}

// answerEvent answers ev in its thread. auto marks a message the bot
// answers unasked in an auto channel: it answers quietly (no status, no
// stream, nothing when staff replied meanwhile) and its buttons call the
// staff at once (markAuto).
func (b *Bot) answerEvent(ctx context.Context, log *slog.Logger, ev innerEvent, teamID, eventID string, auto bool) {
	text := fromSlack(stripMentions(ev.Text, b.userID()))
	in := parseMessageText(text, isPrivate(ev))
	in.edited = ev.edited()
	log = log.With("kind", in.kind.String())
	if auto {
		log = log.With("auto", true)
	}
	threadTS := replyThread(ev)
	dctx, dcancel := b.detach(ctx, deliveryTimeout)
	defer dcancel()

	if in.kind == intentDraftInPublic {
		// Nothing of a pasted draft goes to the channel, not even the
		// pointer: only its author sees it.
		msgs := b.perform(dctx, log, in, origin{userID: ev.User, channelID: ev.Channel})
		if err := b.postEphemeral(dctx, log, ev.Channel, ev.User, threadTS, msgs[0]); err != nil {
			log.Error("delivery failed", "via", "chat.postEphemeral", "error", err)
			return
		}
		log.Info("event answered", "delivery", "ephemeral")
		return
	}

	// The channel the user was looking at, for this question only.
	viewed := ev.AppContext.channel()
	if !auto {
		if remembered := b.viewing.take(ev.User); viewed == "" {
			viewed = remembered
		}
	}
	if isPrivate(ev) {
		b.setTitle(dctx, log, ev.Channel, threadTS, in)
	}
	conv := &threadRef{channel: ev.Channel, thread: threadTS}
	// A DM thread the bot meets for the first time and has never posted
	// in is a "+" thread of the split view whose assistant_thread_started
	// never came: its first message gets the greeting.
	first := b.firstInThread(dctx, log, ev, threadTS)
	greet := false
	if in.kind == intentAsk || first {
		th, spoke := b.threadContext(dctx, log, ev, conv)
		greet = first && !spoke
		if in.kind == intentAsk {
			in.thread = th
		}
	}
	if greet && in.kind == intentReview && b.cfg.QuickReview != nil {
		greet = !b.postGreeting(dctx, log, ev.Channel, threadTS)
	}
	if !auto && b.streamReview(ctx, log, ev, teamID, threadTS, in, eventID) {
		return
	}
	if !auto && b.streamForm(ctx, log, ev, teamID, threadTS, in, eventID) {
		return
	}
	// With a model, an answer streams: the status shows until its first
	// text, the final message adds the rest.
	var stream *answerStream
	if !auto {
		stream = b.answerStreamFor(dctx, log, ev, teamID, threadTS, in)
	}
	if greet && stream != nil {
		greet = !b.postGreeting(dctx, log, ev.Channel, threadTS)
	}
	wctx, cancel := b.detach(ctx, b.cfg.WorkTimeout)
	done := make(chan []message, 1)
	b.spawn(log, "event work", func() {
		defer cancel()
		done <- b.perform(wctx, log, in, origin{userID: ev.User, channelID: ev.Channel, conversation: conv, stream: stream})
	})

	var msgs []message
	statusSet := false
	timer := time.NewTimer(statusDelay)
	defer timer.Stop()
	if auto {
		// Quiet: no status, which a thread staff take over would keep.
		timer.Stop()
	}
	select {
	case msgs = <-done:
	case <-stream.startedCh():
		msgs = b.awaitWork(wctx, done)
	case <-timer.C:
		statusSet = b.setStatus(dctx, log, ev.Channel, threadTS, in)
		msgs = b.awaitWork(wctx, done)
	}
	msgs = withViewedChannel(withQuestion(msgs, ev.TS), viewed, in.text)
	if auto {
		if b.staffAnswered(dctx, log, ev.Channel, threadTS) {
			log.Info("auto answer dropped", "reason", "staff replied in the thread")
			return
		}
		msgs = markAuto(msgs)
	}
	if greet {
		msgs = withGreeting(msgs)
	}
	if stream != nil && stream.finish(dctx, log, msgs, eventID) {
		return
	}
	err := b.postThread(dctx, log, ev.Channel, threadTS, msgs, eventID)
	if err != nil && statusSet {
		// A reply clears the status; without one it would spin on.
		b.clearStatus(dctx, log, ev.Channel, threadTS)
	}
	switch {
	case err == nil:
		log.Info("event answered", "delivery", "post", "status", statusSet)
	case slackCode(err) == "not_in_channel" || slackCode(err) == "channel_not_found":
		b.tellNotInChannel(dctx, log, ev.User, msgs, in)
	default:
		log.Error("delivery failed", "via", "chat", "error", err)
	}
}

// setStatus shows the bot at work in the thread; it reports whether
// Slack took it. Slack accepts it in assistant threads and, with
// chat:write, in channel threads too.
func (b *Bot) setStatus(ctx context.Context, log *slog.Logger, channel, threadTS string, in intent) bool {
	if threadTS == "" {
		return false
	}
	status := textStatusAnswer
	if in.kind == intentReview {
		status = textStatusReview
	}
	err := b.api.SetAssistantThreadsStatusContext(ctx, slack.AssistantThreadsSetStatusParameters{
		ChannelID: channel, ThreadTS: threadTS, Status: status, LoadingMessages: loadingMessages})
	if err != nil {
		log.Info("status not shown", "error", err)
		return false
	}
	return true
}

func (b *Bot) clearStatus(ctx context.Context, log *slog.Logger, channel, threadTS string) {
	err := b.api.SetAssistantThreadsStatusContext(ctx, slack.AssistantThreadsSetStatusParameters{ChannelID: channel, ThreadTS: threadTS})
	if err != nil {
		log.Info("status not cleared", "error", err)
	}
}

// postEphemeral shows m to one user in a channel (in a thread when
// threadTS is set).
func (b *Bot) postEphemeral(ctx context.Context, log *slog.Logger, channel, user, threadTS string, m message) error {
	return b.withRetry(ctx, log, "chat.postEphemeral", m, func(ctx context.Context, m message) error {
		_, err := b.api.PostEphemeralContext(ctx, channel, user, msgOptions(m, threadTS)...)
		return err
	})
}

// tellNotInChannel tells the user in a DM that the bot could not post
// where they asked, with the answer unless it is a review (a review is
// never posted outside where it was asked for).
func (b *Bot) tellNotInChannel(ctx context.Context, log *slog.Logger, user string, msgs []message, in intent) {
	note := paginate(renderNotice(textNotInChannelNo))
	if in.kind != intentReview {
		note = append(paginate(renderNotice(textNotInChannel)), msgs...)
	}
	// Posting to a user ID writes in the app's DM with them; it needs
	// chat:write only.
	if err := b.postThread(ctx, log, user, "", note, ""); err != nil {
		log.Error("delivery failed", "via", "dm", "reason", "not_in_channel", "error", err)
		return
	}
	log.Warn("bot not in channel; told the user privately")
}

// slackCode is the Web API error code of err, or "".
func slackCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	// slack-go returns some codes as plain errors.
	msg := err.Error()
	for _, code := range []string{"not_in_channel", "channel_not_found"} {
		if strings.HasSuffix(msg, code) {
			return code
		}
	}
	return ""
}
