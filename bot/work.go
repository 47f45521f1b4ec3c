package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/storage"
	"github.com/selfcheck/selfcheck/usererr"
)

// User-facing texts that are not rendered from engine results.
const (
	textPendingReview = "⏳ 검토 중… 결과가 준비되면 이 메시지가 바뀌어요."
	textPendingAnswer = "⏳ 답변을 준비하는 중…"
	textFailed        = "⚠️ 요청을 처리하지 못했어요. 잠시 후 다시 시도해 주세요."
	textTimeout       = "⏱️ 처리 시간이 너무 오래 걸려 중단했어요. 잠시 후 다시 시도하거나 초안을 나누어 요청해 주세요."
	textNotAvailable  = "🚧 `%s` 기능은 아직 준비 중이에요."
	textNeedDraft     = "📝 검토할 초안을 함께 보내 주세요. 예: `/selfcheck %s &lt;초안&gt;` 또는 DM으로 `%s 검토` 다음 줄에 초안을 붙여 넣어 주세요."
	textNeedItem      = "📝 어느 항목의 초안인가요? 첫 줄에 `1.2 검토`처럼 항목 번호를 적고, 다음 줄에 초안을 붙여 보내 주세요."
	textRestarting    = "🔄 봇이 다시 시작되고 있어 답을 마치지 못했어요. 잠시 후 다시 요청해 주세요."
	textDrainedReview = "봇이 다시 시작되고 있어 모델 검토를 기다리지 못하고 기본 검토 결과만 보여 드려요. 잠시 후 다시 요청하면 모델 검토도 받을 수 있어요."
	textEditedAnswer  = "✏️ 수정된 질문에 다시 답해요."
	textDraftInPublic = "🔒 초안은 채널에 올리지 말아 주세요. 검토는 나에게만 보이는 `/selfcheck %s &lt;초안&gt;` 명령이나 저에게 보내는 DM(`%s 검토` 다음 줄에 초안)으로 요청해 주세요. 채널에 올린 초안은 삭제하는 것을 권장해요."
)

// origin is who asked and where, for subcommands and logs.
type origin struct {
	userID    string
	channelID string
	// conversation is set for mentions and DMs: the thread (or the DM
	// itself, thread "") whose topic the answer updates.
	conversation *threadRef
	// stream, when set, takes the model's text of an answer as it is
	// written, and the answer once it is known.
	stream *answerStream
}

// threadRef names a thread: a channel and its parent ts ("" for the top
// level of a DM).
type threadRef struct {
	channel, thread string
}

// perform does the work an intent asks for and renders the reply. It
// never fails: errors become a user-facing message and are logged here,
// once. A panic in the engine is recovered the same way.
func (b *Bot) perform(ctx context.Context, log *slog.Logger, in intent, o origin) (msgs []message) {
	start := time.Now()
	if o.userID != "" {
		// The model's queue serves users in turn: one user's burst
		// cannot starve the others.
		ctx = engine.WithUser(ctx, o.userID)
	}
	attrs := []any{"item", in.item, "text_len", utf8.RuneCountInString(in.text)}
	var err error
	defer func() {
		if r := recover(); r != nil {
			logPanic(log, "work "+in.kind.String(), r)
			msgs = paginate(renderNotice(textFailed))
			return
		}
		attrs = append(attrs, "duration_ms", time.Since(start).Milliseconds())
		if err != nil {
			if k := storage.KindOf(err); k != storage.Other {
				attrs = append(attrs, "storage", k.String())
			}
			log.Error("work failed", append(attrs, "error", err)...)
			return
		}
		log.Info("work done", attrs...)
	}()
	if pooled(in.kind) {
		release, ok := b.pool.acquire(ctx)
		if !ok {
			attrs = append(attrs, "busy", true)
			log.Warn("work refused: all workers busy", "kind", in.kind.String())
			return paginate(renderNotice(textBusy))
		}
		defer release()
		// The model's timeout counts from here, the request's arrival, not
		// from when a worker took it.
		ctx = engine.WithQueueWait(ctx, time.Since(start))
	}
	var d doc
	d, err = b.render(ctx, log, in, o)
	if err != nil {
		d = b.renderError(err)
		if usererr.Is(err) {
			// The user's mistake, already explained to them: not an error
			// of the bot.
			attrs = append(attrs, "rejected", err.Error())
			err = nil
		}
	}
	if in.edited {
		d.Body = append([]slack.Block{contextBlock(textEditedAnswer)}, d.Body...)
	}
	return b.guided(paginate(d))
}

func (b *Bot) render(ctx context.Context, log *slog.Logger, in intent, o origin) (doc, error) {
	switch in.kind {
	case intentHelp:
		if b.builtinCanned {
			return renderHelp(b.cfg.Items, cannedHelpLine), nil
		}
		return renderHelp(b.cfg.Items), nil
	case intentNeedDraft:
		return renderNotice(fmt.Sprintf(textNeedDraft, in.item, in.item)), nil
	case intentNeedItem:
		return renderNotice(textNeedItem), nil
	case intentReviewForm:
		return b.formReview(ctx, log, in.text, o)
	case intentDraftInPublic:
		item := in.item
		if item == "" {
			item = "1.2"
		}
		return renderNotice(fmt.Sprintf(textDraftInPublic, item, item)), nil
	case intentCommand:
		if in.command == cannedWord && b.builtinCanned {
			return b.cannedCommand(ctx, log, in.text, o)
		}
		f := b.commands[in.command]
		if in.command == channelWord && f == nil {
			return b.channelCommand(ctx, log, in.text, o)
		}
		if f == nil {
			return renderNotice(fmt.Sprintf(textNotAvailable, in.command)), nil
		}
		a, err := f(ctx, CommandRequest{Args: in.text, UserID: o.userID, ChannelID: o.channelID})
		if err != nil {
			return doc{}, err
		}
		return renderAnswer(a, in.command, ""), nil
	case intentGuide:
		if err := b.checkItem(in.item); err != nil {
			return doc{}, err
		}
		a, err := b.cfg.Answerer.Guide(ctx, in.item)
		if err != nil {
			return doc{}, err
		}
		b.rememberTopic(ctx, log, o, a.Item, a.Element)
		return renderAnswer(a, "guide", "📘 "+b.itemTitle(in.item)+" 작성 안내"), nil
	case intentReview:
		if err := b.checkItem(in.item); err != nil {
			return doc{}, err
		}
		r, err := b.review(ctx, log, in)
		if err != nil {
			return doc{}, err
		}
		if r.Item == "" {
			r.Item = in.item
		}
		if r.Title == "" {
			r.Title = b.items[r.Item].Title
		}
		b.rememberTopic(ctx, log, o, r.Item, "")
		leads := b.compareReviews(ctx, log, o.userID, []knowledge.Report{r})
		return withLead(renderReport(r), leads[r.Item]), nil
	default:
		a, err := b.ask(ctx, in, o)
		if err != nil {
			return doc{}, err
		}
		b.rememberTopic(ctx, log, o, a.Item, a.Element)
		return b.renderAsk(ctx, log, a, o), nil
	}
}

// ask answers a question, with the thread's context when there is one,
// and streams the model's text into o.stream when it is set.
func (b *Bot) ask(ctx context.Context, in intent, o origin) (engine.Answer, error) {
	ta, inThread := b.cfg.Answerer.(ThreadAsker)
	inThread = inThread && in.thread != nil
	if sa, ok := b.cfg.Answerer.(StreamAsker); ok && o.stream != nil {
		var a engine.Answer
		var err error
		if inThread {
			a, err = sa.AskInThreadStream(ctx, in.text, *in.thread, o.stream.add)
		} else {
			a, err = sa.AskStream(ctx, in.text, o.stream.add)
		}
		o.stream.settle(a, err)
		return a, err
	}
	if inThread {
		return ta.AskInThread(ctx, in.text, *in.thread)
	}
	return b.cfg.Answerer.Ask(ctx, in.text)
}

// checkItem rejects items missing from Config.Items before the engine is
// called; with no Items configured the engine decides.
func (b *Bot) checkItem(id string) error {
	if len(b.items) == 0 {
		return nil
	}
	if _, ok := b.items[id]; ok {
		return nil
	}
	known := make([]string, 0, len(b.cfg.Items))
	for _, it := range b.cfg.Items {
		known = append(known, it.ID)
	}
	numbered := b.cfg.Numbers == nil || b.cfg.Numbers(id)
	return &knowledge.UnknownItemError{ID: id, Known: known, Numbered: numbered}
}

func (b *Bot) itemTitle(id string) string {
	if it, ok := b.items[id]; ok && it.Title != "" {
		return id + " " + it.Title
	}
	return id
}

// renderError turns an error into what the user may see: for a user
// error (usererr) what to fix, a generic line for anything internal.
func (b *Bot) renderError(err error) doc {
	var ue *knowledge.UnknownItemError
	user, isUser := usererr.As(err)
	switch {
	case errors.As(err, &ue):
		known := b.cfg.Items
		if len(known) == 0 {
			for _, id := range ue.Known {
				known = append(known, knowledge.ItemInfo{ID: id})
			}
		} else if len(ue.Known) > 0 {
			known = slices.DeleteFunc(slices.Clone(known), func(it knowledge.ItemInfo) bool {
				return !slices.Contains(ue.Known, it.ID)
			})
		}
		return renderUnknownItem(ue.ID, ue.Numbered, known)
	case isUser:
		return renderUserError(user)
	case errors.Is(err, context.DeadlineExceeded):
		return renderNotice(textTimeout)
	case storageText(err) != "":
		return renderNotice(storageText(err))
	}
	return renderNotice(textFailed)
}

// pending is the placeholder shown while slow work goes on.
func pending(in intent) message {
	if in.kind == intentReview || in.kind == intentReviewForm {
		return paginate(renderNotice(textPendingReview))[0]
	}
	return paginate(renderNotice(textPendingAnswer))[0]
}

// review runs the review. With a QuickReview it also watches for a
// shutdown draining: the review still waiting on the model then gives way
// to the deterministic result, with a notice, so that the user gets a
// review rather than nothing.
func (b *Bot) review(ctx context.Context, log *slog.Logger, in intent) (knowledge.Report, error) {
	if b.cfg.QuickReview == nil {
		return b.cfg.Reviewer.Review(ctx, in.item, in.text)
	}
	type result struct {
		r   knowledge.Report
		err error
	}
	res := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				logPanic(log, "review", r)
				res <- result{err: errors.New("review panicked")}
			}
		}()
		r, err := b.cfg.Reviewer.Review(ctx, in.item, in.text)
		res <- result{r, err}
	}()
	select {
	case out := <-res:
		return out.r, out.err
	case <-b.drain:
	}
	r, err := b.cfg.QuickReview(ctx, in.item, in.text)
	if err != nil {
		return r, err
	}
	log.Warn("review delivered without the model", "reason", "shutdown")
	r.Notices = append(r.Notices, textDrainedReview)
	return r, nil
}
