package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/knowledge"
)

// textStreamWaiting ends the deterministic part of a streamed review
// while the model's part is on its way.
const textStreamWaiting = "\n\n_모델 검토를 기다리는 중… 결과가 나오면 아래에 자세히 보여 드려요._"

// streamReview shows a review in a thread as a stream: the deterministic
// result at once (chat.startStream), then the full review, model
// included, when it is ready (chat.stopStream with its blocks). It
// reports false, having posted nothing, when it does not apply (no quick
// review, no thread) or Slack refuses the stream; the caller then posts
// one final message.
func (b *Bot) streamReview(ctx context.Context, log *slog.Logger, ev innerEvent, teamID, threadTS string, in intent, eventID string) bool {
	if b.cfg.QuickReview == nil || threadTS == "" || in.kind != intentReview {
		return false
	}
	dctx, cancel := b.detach(ctx, deliveryTimeout)
	defer cancel()
	quick, err := b.cfg.QuickReview(dctx, in.item, in.text)
	if err != nil {
		return false // the full review reports the error in one message
	}
	if quick.Title == "" {
		quick.Title = b.items[quick.Item].Title
	}
	ts, err := b.startStream(dctx, ev, teamID, threadTS, quickSummary(quick)+textStreamWaiting)
	if err != nil {
		log.Info("stream refused, posting one message", "method", "chat.startStream", "error", err)
		return false
	}
	log = log.With("delivery", "stream")

	wctx, wcancel := b.detach(ctx, b.cfg.WorkTimeout)
	done := make(chan []message, 1)
	b.spawn(log, "event work", func() {
		defer wcancel()
		done <- b.perform(wctx, log, in, origin{userID: ev.User, channelID: ev.Channel, conversation: &threadRef{ev.Channel, threadTS}})
	})
	msgs := b.awaitWork(wctx, done)
	b.stopStream(dctx, log, ev.Channel, threadTS, ts, msgs, msgs, eventID)
	return true
}

// startStream starts a streamed reply in a thread with its first text
// (markdown) and returns its ts. Slack streams only in threads, and
// outside DMs only to a named recipient.
func (b *Bot) startStream(ctx context.Context, ev innerEvent, teamID, threadTS, markdown string) (string, error) {
	opts := []slack.MsgOption{slack.MsgOptionTS(threadTS), slack.MsgOptionMarkdownText(markdown)}
	if !isPrivate(ev) {
		opts = append(opts, slack.MsgOptionRecipientUserID(ev.User), slack.MsgOptionRecipientTeamID(teamID))
	}
	_, ts, err := b.api.StartStreamContext(ctx, ev.Channel, opts...)
	if err == nil && ts == "" {
		err = &incompleteReply{Method: "chat.startStream", Field: "ts"}
	}
	return ts, err
}

// stopStream ends the stream ts with the blocks of msgs[0] under what was
// streamed and posts the rest of msgs in the thread. When Slack will not
// end the stream, whole (the reply as one would post it, without the
// stream) is posted instead, so that the user has the reply.
func (b *Bot) stopStream(ctx context.Context, log *slog.Logger, channel, threadTS, ts string, msgs, whole []message, eventID string) {
	_, _, err := b.api.StopStreamContext(ctx, channel, ts, slack.MsgOptionBlocks(msgs[0].Blocks...))
	if err != nil {
		log.Warn("stream not completed, posting the reply", "method", "chat.stopStream", "error", err)
		if err := b.postThread(ctx, log, channel, threadTS, whole, eventID); err != nil {
			log.Error("delivery failed", "via", "chat", "error", err)
		}
		return
	}
	if err := b.postThread(ctx, log, channel, threadTS, msgs[1:], eventID); err != nil {
		log.Error("delivery failed", "via", "chat", "error", err)
		return
	}
	log.Info("event answered", "parts", len(msgs))
}

// quickSummary is the deterministic review in a few markdown lines: the
// counts and what is missing or partial. It quotes nothing of the draft.
func quickSummary(r knowledge.Report) string {
	s := r.Summary
	var b strings.Builder
	fmt.Fprintf(&b, "**%s %s 기본 검토 결과**\n✅ 충족 %d · ⚠️ 일부 %d · ❌ 누락 %d · ➖ 해당 없음 %d",
		r.Item, r.Title, s.Present, s.Partial, s.Missing, s.NotApplicable)
	for _, e := range r.Elements {
		if e.Status == knowledge.StatusMissing || e.Status == knowledge.StatusPartial {
			fmt.Fprintf(&b, "\n- %s %s %s", statusIcon[e.Status], e.ID, e.Label)
		}
	}
	return b.String()
}
