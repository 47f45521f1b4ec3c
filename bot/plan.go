package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/engine"
)

// A whole-form review (a file or a pasted form in the DM) streams as a
// plan (chat.startStream with task_display_mode "plan"): a task per item,
// pending, then in progress, then complete with its counts as output
// ("충족 5 · 일부 1 · 누락 2"); the stream ends with the overview and each
// item's details follow in the thread. Where Slack refuses the stream or
// its chunks, the overview message is posted and updated in place as
// before.

// Texts of the plan.
const (
	textPlanFile     = "📎 자가 점검표 파일 검토"
	textPlanForm     = "📋 자가 점검표 전체 검토"
	textTaskRead     = "파일 읽기"
	textTaskSections = "항목 찾기"
	textTaskItem     = "%s %s 검토"
	textTaskNotFound = "파일에서 찾지 못한 항목 %d개"
)

// taskRead is the ID of the first task: reading the file or the form.
const taskRead = "read"

// formPlan is a plan streaming in a thread; a nil *formPlan does nothing.
type formPlan struct {
	b                *Bot
	log              *slog.Logger
	channel, thread  string
	ts               string
	first            string // the first task's title
	broken           bool   // Slack refused a chunk: stop sending them
	shown            bool   // items sent
	appends, refused int
}

// startPlan starts the plan in the thread with its title and the first
// task in progress; nil when Slack refuses it, and the caller delivers as
// before.
func (b *Bot) startPlan(ctx context.Context, log *slog.Logger, ev innerEvent, teamID, threadTS, title, first string) *formPlan {
	if threadTS == "" {
		return nil
	}
	opts := []slack.MsgOption{slack.MsgOptionTS(threadTS), slack.MsgOptionTaskDisplayMode(slack.TaskDisplayModePlan),
		slack.MsgOptionChunks(slack.NewPlanUpdateChunk(title), taskChunk(taskRead, first, slack.TaskCardStatusInProgress, ""))}
	if !isPrivate(ev) {
		opts = append(opts, slack.MsgOptionRecipientUserID(ev.User), slack.MsgOptionRecipientTeamID(teamID))
	}
	_, ts, err := b.api.StartStreamContext(ctx, ev.Channel, opts...)
	if err == nil && ts == "" {
		err = &incompleteReply{Method: "chat.startStream", Field: "ts"}
	}
	if err != nil {
		log.Info("plan refused, updating the overview in place", "method", "chat.startStream", "error", err)
		return nil
	}
	return &formPlan{b: b, log: log.With("delivery", "plan"), channel: ev.Channel, thread: threadTS, ts: ts, first: first}
}

func taskChunk(id, title string, status slack.TaskCardStatus, output string) slack.TaskUpdateChunk {
	c := slack.NewTaskUpdateChunk(id, title)
	c.Status, c.Output = status, output
	return c
}

// send appends chunks to the plan; after a refusal it sends no more.
func (p *formPlan) send(ctx context.Context, chunks ...slack.StreamChunk) {
	if p == nil || p.broken || len(chunks) == 0 {
		return
	}
	p.appends++
	if _, _, err := p.b.api.AppendStreamContext(ctx, p.channel, p.ts, slack.MsgOptionChunks(chunks...)); err != nil {
		p.broken = true
		p.refused++
		p.log.Info("plan update refused; the overview follows", "method", "chat.appendStream", "error", err)
	}
}

// items shows the form's items as tasks: reading done, every item
// pending, then each in progress and complete with its counts. Items the
// form has no section for are one task of their own.
func (p *formPlan) items(ctx context.Context, rep engine.FormReport) {
	if p == nil {
		return
	}
	p.shown = true
	chunks := []slack.StreamChunk{taskChunk(taskRead, p.first, slack.TaskCardStatusComplete, fmt.Sprintf("항목 %d개", len(rep.Items)))}
	for _, r := range rep.Items {
		chunks = append(chunks, taskChunk(taskID(r.Item), taskTitle(r.Item, r.Title), slack.TaskCardStatusPending, ""))
	}
	p.send(ctx, chunks...)
	for _, r := range rep.Items {
		id := taskID(r.Item)
		p.send(ctx, taskChunk(id, taskTitle(r.Item, r.Title), slack.TaskCardStatusInProgress, ""))
		p.send(ctx, taskChunk(id, taskTitle(r.Item, r.Title), slack.TaskCardStatusComplete, countsLine(r.Summary.Present, r.Summary.Partial, r.Summary.Missing, r.Summary.NotApplicable)))
	}
	if n := len(rep.NotFound); n > 0 {
		p.send(ctx, taskChunk("not_found", fmt.Sprintf(textTaskNotFound, n), slack.TaskCardStatusError, strings.Join(rep.NotFound, ", ")))
	}
}

// finish ends the plan with the overview (msgs[0]) and posts the items'
// details in the thread; where Slack will not end the stream, the whole
// reply is posted.
func (p *formPlan) finish(ctx context.Context, msgs []message, key string) {
	if !p.shown {
		// The file or form could not be read: msgs say why.
		p.send(ctx, taskChunk(taskRead, p.first, slack.TaskCardStatusError, ""))
	}
	p.log.Info("plan streamed", "appends", p.appends, "refused", p.refused)
	p.b.stopStream(ctx, p.log, p.channel, p.thread, p.ts, msgs, msgs, key)
}

func taskID(item string) string { return "item-" + strings.ReplaceAll(item, ".", "_") }

func taskTitle(item, title string) string {
	return strings.TrimSpace(fmt.Sprintf(textTaskItem, item, title))
}

// countsLine is a task's output: "충족 5 · 일부 1 · 누락 2", and the
// elements that do not apply when there are some.
func countsLine(present, partial, missing, na int) string {
	s := fmt.Sprintf("충족 %d · 일부 %d · 누락 %d", present, partial, missing)
	if na > 0 {
		s += fmt.Sprintf(" · 해당 없음 %d", na)
	}
	return s
}

// textFormNote says where the details of a pasted form's review follow.
const textFormNote = "항목별 결과가 이어서 이 스레드에 올라와요. 자가 점검용 참고 결과이며 공식 심사 판단이 아니에요."

// streamForm reviews a whole form pasted in the DM as a plan in its
// thread; it reports false, having sent nothing, when it does not apply
// or Slack refuses the plan, and the caller answers as before.
func (b *Bot) streamForm(ctx context.Context, log *slog.Logger, ev innerEvent, teamID, threadTS string, in intent, eventID string) bool {
	if in.kind != intentReviewForm || !isPrivate(ev) || b.cfg.Files == nil || strings.TrimSpace(in.text) == "" {
		return false
	}
	dctx, cancel := b.detach(ctx, deliveryTimeout)
	defer cancel()
	plan := b.startPlan(dctx, log, ev, teamID, threadTS, textPlanForm, textTaskSections)
	if plan == nil {
		return false
	}
	wctx, wcancel := b.detach(ctx, b.cfg.WorkTimeout)
	defer wcancel()
	var msgs []message
	func() {
		defer func() {
			if r := recover(); r != nil {
				logPanic(log, "work form", r)
				msgs = paginate(renderNotice(textFailed))
			}
		}()
		release, ok := b.pool.acquire(wctx)
		if !ok {
			msgs = paginate(renderNotice(textBusy))
			return
		}
		defer release()
		rep, err := b.cfg.Files.ReviewFile(engine.WithUser(wctx, ev.User), []byte(in.text), "")
		if err != nil {
			msgs = paginate(b.renderError(err))
			return
		}
		plan.items(wctx, rep)
		leads := b.compareReviews(wctx, log, ev.User, rep.Items)
		d := renderFormOverview(rep, "", "", textFormNote)
		d.Body[0] = headerBlock("📋 자가 점검표 전체 검토 결과")
		msgs = paginate(d)
		for _, r := range rep.Items {
			msgs = append(msgs, paginate(withLead(renderReport(r), leads[r.Item]))...)
		}
		msgs = withReportOffer(b.guided(msgs), b.offerReport(ev.User, ev.Channel, threadTS, "", fileSource{}, rep, leads))
		log.Info("form reviewed", "items", len(rep.Items), "text_len", len(in.text))
	}()
	plan.finish(dctx, msgs, eventID)
	return true
}

// Texts of /selfcheck all typed in the app's DM.
const (
	textFormInThread = "📋 자가 점검표 전체를 검토하고 있어요. 결과는 이 DM의 스레드에서 항목별로 보여 드릴게요."
	textFormAnchor   = "📋 자가 점검표 전체 검토 (/selfcheck all)"
)

// slashFormInDM reviews "/selfcheck all <form>" typed in a DM as a plan
// in a thread of that DM, under a message the bot posts there; it reports
// false when it does not apply. In a DM the bot is not part of the post
// fails and the result comes through response_url as usual.
func (b *Bot) slashFormInDM(ctx context.Context, log *slog.Logger, cmd slack.SlashCommand, in intent) bool {
	if in.kind != intentReviewForm || !strings.HasPrefix(cmd.ChannelID, "D") || b.cfg.Files == nil || strings.TrimSpace(in.text) == "" {
		return false
	}
	o := origin{userID: cmd.UserID, channelID: cmd.ChannelID}
	b.spawn(log, "form plan", func() {
		dctx, cancel := b.detach(ctx, deliveryTimeout)
		defer cancel()
		root, err := b.postMessage(dctx, log, cmd.ChannelID, "", paginate(renderNotice(textFormAnchor))[0], "")
		if err != nil {
			log.Info("not the app's DM, answering privately", "error", err)
			b.deliverLater(ctx, log, cmd.ResponseURL, o, func() []message { return b.perform(dctx, log, in, o) }, true)
			return
		}
		ev := innerEvent{Type: "message", ChannelType: "im", Channel: cmd.ChannelID, User: cmd.UserID, TS: root}
		if b.streamForm(ctx, log, ev, cmd.TeamID, root, in, "") {
			return
		}
		o.conversation = &threadRef{channel: cmd.ChannelID, thread: root}
		if err := b.postThread(dctx, log, cmd.ChannelID, root, b.perform(dctx, log, in, o), ""); err != nil {
			log.Error("delivery failed", "via", "chat", "error", err)
		}
	})
	return true
}
