package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/usererr"
)

// FileReviewer reviews the files users send the bot.
type FileReviewer interface {
	// ReviewFile reads the text of a file (HWP, HWPX, DOCX, PDF or text,
	// told by its content) and reviews it: every item of a whole form
	// when itemID is "", else that item alone. A file that cannot be
	// read (protected, scanned, damaged, unsupported) is a
	// user error (usererr) whose message says what to fix.
	ReviewFile(ctx context.Context, data []byte, itemID string) (engine.FormReport, error)
}

// DefaultMaxFileBytes bounds a download when Config.MaxFileBytes is 0.
const DefaultMaxFileBytes = 20 << 20

// User-facing texts of the file flow.
const (
	textFileInChannel  = "🔒 파일은 채널에서 검토하지 않아요. 저에게 DM으로 보내 주시면 나에게만 보이게 검토해 드릴게요. 채널에 올린 파일은 삭제하는 것을 권장해요."
	textFilePending    = "⏳ 파일을 읽고 검토하는 중… 결과가 준비되면 이 메시지가 바뀌어요."
	textFileTooLarge   = "⚠️ 파일이 너무 커요(%d MB 초과). 검토할 부분만 나누어 보내 주세요."
	textFileNotFetched = "⚠️ 파일을 받지 못했어요. 잠시 후 다시 올려 주세요."
	textFileExternal   = "⚠️ 외부 서비스(구글 드라이브 등)에 있는 파일은 읽을 수 없어요. 파일을 직접 올려 주세요."
	textFileTooMany    = "파일이 많아 앞의 %d개만 검토했어요. 나머지는 다음 메시지로 보내 주세요."
	textFileNoItems    = "검토 항목의 제목(예: \"검토 항목 1.3\")을 찾지 못했어요. 한 항목의 초안이라면 파일과 함께 항목 번호(예: `1.3`)를 적어 보내 주세요."
)

// formWord is the /selfcheck subcommand that reviews a whole pasted form.
const formWord = "all"

const textNeedForm = "📝 자가 점검표 전체를 함께 붙여 넣어 주세요. 예: `/selfcheck all &lt;검토 항목 1.2부터 끝까지&gt;` — 파일이라면 저에게 DM으로 보내 주세요."

// formReview is "/selfcheck all <paste>": every item of a whole pasted
// form, reviewed as a file holding that text would be, in one reply: the
// overview, then each item's review.
func (b *Bot) formReview(ctx context.Context, log *slog.Logger, text string, o origin) (doc, error) {
	if b.cfg.Files == nil {
		return renderNotice(fmt.Sprintf(textNotAvailable, formWord)), nil
	}
	if strings.TrimSpace(text) == "" {
		return renderNotice(textNeedForm), nil
	}
	rep, err := b.cfg.Files.ReviewFile(ctx, []byte(text), "")
	if err != nil {
		return doc{}, err
	}
	leads := b.compareReviews(ctx, log, o.userID, rep.Items)
	d := renderFormOverview(rep, "", "", "항목별 결과가 아래에 이어져요. 자가 점검용 참고 결과이며 공식 심사 판단이 아니에요. 이 메시지는 나에게만 보여요.")
	d.Title = "자가 점검표 전체 검토 결과"
	d.Body[0] = headerBlock("📋 자가 점검표 전체 검토 결과")
	for _, r := range rep.Items {
		rd := withLead(renderReport(r), leads[r.Item])
		d.Body = append(append(d.Body, slack.NewDividerBlock()), rd.Body...)
	}
	if len(rep.Items) > 0 {
		d.Footer = answerFooter("review", "review", formWord)
		thread := ""
		if o.conversation != nil {
			thread = o.conversation.thread
		}
		d.Footer = append(d.Footer, b.offerReport(o.userID, o.channelID, thread, "", fileSource{}, rep, leads)...)
	}
	return d, nil
}

// sharedFile is a file attached to a message event, as the event carries
// it; the bot asks files.info for the rest.
type sharedFile struct {
	ID   string `json:"id"`
	Size int64  `json:"size"`
	Name string `json:"name"`
}

// eventFiles returns the files a message event shares.
func eventFiles(raw json.RawMessage) []sharedFile {
	var ev struct {
		Files []sharedFile `json:"files"`
	}
	if json.Unmarshal(raw, &ev) != nil {
		return nil
	}
	out := ev.Files[:0]
	for _, f := range ev.Files {
		if f.ID != "" {
			out = append(out, f)
		}
	}
	return out
}

// maxFilesPerMessage bounds the files of one message that are reviewed
// (Slack attaches at most 10).
const maxFilesPerMessage = 10

// reviewFiles answers a message that shares files. In a DM each file is
// downloaded and reviewed in turn, in the message's order, and each gets
// replies of its own in the message's thread, named by the file: a
// placeholder, replaced by the overview, then each item's review. One
// file at a time takes a worker of the pool. In a channel nothing is
// downloaded: only the sender is told, ephemerally, to send it in a DM,
// so that nothing of the file shows in the channel.
func (b *Bot) reviewFiles(ctx context.Context, log *slog.Logger, ev innerEvent, files []sharedFile) {
	log = log.With("kind", "file", "files", len(files))
	dctx, dcancel := b.detach(ctx, deliveryTimeout)
	defer dcancel()
	if !isPrivate(ev) {
		m := paginate(renderNotice(textFileInChannel))[0]
		err := b.withRetry(dctx, log, "chat.postEphemeral", m, func(ctx context.Context, m message) error {
			_, err := b.api.PostEphemeralContext(ctx, ev.Channel, ev.User, msgOptions(m, ev.ThreadTS)...)
			return err
		})
		if err != nil {
			log.Error("delivery failed", "via", "ephemeral", "error", err)
			return
		}
		log.Info("file in channel refused")
		return
	}
	threadTS := ev.ThreadTS
	if threadTS == "" {
		threadTS = ev.TS
	}
	item := fileItem(fromSlack(stripMentions(ev.Text, b.userID())))
	if item != "" && b.checkItem(item) != nil {
		files = files[:1] // one reply says the item has no guidance
	}
	extra := 0
	if len(files) > maxFilesPerMessage {
		files, extra = files[:maxFilesPerMessage], len(files)-maxFilesPerMessage
	}
	for i, f := range files {
		key := "file:" + ev.TS
		if i > 0 {
			key += fmt.Sprintf("#%d", i+1)
		}
		fl := fileLabel{name: f.Name, n: i + 1, of: len(files)}
		// The review streams as a plan; where Slack refuses it, a
		// placeholder is updated in place with the overview.
		plan := b.startPlan(dctx, log, ev, "", threadTS, fl.prefix()+textPlanFile, textTaskRead)
		var ts string
		if plan == nil {
			var err error
			ts, err = b.postMessage(dctx, log, ev.Channel, threadTS, paginate(renderNotice(fl.prefix() + textFilePending))[0], "")
			if err != nil {
				log.Warn("placeholder not posted", "error", err)
			}
		}
		wctx, wcancel := b.detach(ctx, b.cfg.WorkTimeout)
		msgs := b.fileWork(wctx, log, ev, f, item, fl, plan)
		wcancel()
		if i == len(files)-1 && extra > 0 {
			msgs = append(msgs, paginate(renderNotice(fmt.Sprintf(textFileTooMany, maxFilesPerMessage)))...)
		}
		if plan != nil {
			plan.finish(dctx, msgs, key)
			log.Info("file answered", "file", i+1, "parts", len(msgs))
			continue
		}
		var err error
		if ts != "" {
			if err = b.updateMessage(dctx, log, ev.Channel, ts, msgs[0]); err == nil {
				err = b.postThread(dctx, log, ev.Channel, threadTS, msgs[1:], key)
			}
		} else {
			err = b.postThread(dctx, log, ev.Channel, threadTS, msgs, key)
		}
		if err != nil {
			log.Error("delivery failed", "via", "chat", "file", i+1, "error", err)
			return
		}
		log.Info("file answered", "file", i+1, "parts", len(msgs))
	}
}

// fileLabel names a file in its replies when a message shares several:
// by its name, or its place among them.
type fileLabel struct {
	name  string
	n, of int
}

// prefix starts a notice about the file; "" for a message's only file.
func (l fileLabel) prefix() string {
	if l.of <= 1 {
		return ""
	}
	if l.name != "" {
		return "📎 *" + escapeText(l.name) + "* — "
	}
	return fmt.Sprintf("📎 파일 %d/%d — ", l.n, l.of)
}

// fileWork downloads and reviews one file (a worker of the pool held
// meanwhile) and renders the reply. Like perform it never fails:
// problems become a message for the user, and are logged (sizes and IDs,
// never the file's name or content).
func (b *Bot) fileWork(ctx context.Context, log *slog.Logger, ev innerEvent, f sharedFile, item string, fl fileLabel, plan *formPlan) (msgs []message) {
	start := time.Now()
	attrs := []any{"file", f.ID, "item", item}
	defer func() {
		if r := recover(); r != nil {
			logPanic(log, "work file", r)
			msgs = paginate(renderNotice(fl.prefix() + textFailed))
			return
		}
		log.Info("file work done", append(attrs, "duration_ms", time.Since(start).Milliseconds())...)
	}()
	notice := func(text string) []message { return paginate(renderNotice(fl.prefix() + text)) }
	if item != "" {
		if err := b.checkItem(item); err != nil {
			return paginate(b.renderError(err))
		}
	}
	if b.pool != nil {
		release, ok := b.pool.acquire(ctx)
		if !ok {
			attrs = append(attrs, "busy", true)
			log.Warn("work refused: all workers busy", "kind", "file")
			return notice(textBusy)
		}
		defer release()
	}
	data, name, failure, rejected := b.fetchFile(ctx, log, f.ID, f.Size)
	if name != "" {
		fl.name = name
	}
	if failure != "" {
		if rejected != "" {
			attrs = append(attrs, "rejected", rejected)
		}
		return notice(failure)
	}
	attrs = append(attrs, "bytes", len(data))
	rep, err := b.cfg.Files.ReviewFile(ctx, data, item)
	if err != nil {
		if usererr.Is(err) {
			attrs = append(attrs, "rejected", "unreadable")
		} else {
			log.Error("file review failed", "file", f.ID, "error", err)
		}
		d := b.renderError(err)
		if p := fl.prefix(); p != "" {
			d.Body = append([]slack.Block{sectionBlock(strings.TrimSuffix(p, " — "))}, d.Body...)
		}
		return paginate(d)
	}
	attrs = append(attrs, "items", len(rep.Items))
	plan.items(ctx, rep)
	leads := b.compareReviews(ctx, log, ev.User, rep.Items)
	out := paginate(renderFormOverview(rep, item, fl.name, "항목별 결과가 이어서 이 스레드에 올라와요. 자가 점검용 참고 결과이며 공식 심사 판단이 아니에요."))
	for _, r := range rep.Items {
		out = append(out, paginate(withLead(renderReport(r), leads[r.Item]))...)
	}
	thread := ev.ThreadTS
	if thread == "" {
		thread = ev.TS
	}
	return withReportOffer(b.guided(out), b.offerReport(ev.User, ev.Channel, thread, name, fileSource{ID: f.ID, Item: item}, rep, leads))
}

// fileItem is the item a message with a file names ("1.3", "1.3 검토"),
// or "" for the whole form.
func fileItem(text string) string {
	if id := knowledge.FindItemRef(text); id != "I" {
		return id
	}
	return ""
}

// renderFormOverview is the first message of a file's review, titled
// with the file's name: a line per item with its counts, the items the
// file has no section for and those without guidance. It stays one
// message: a line per checklist item. note says where the details
// follow.
func renderFormOverview(r engine.FormReport, item, name string, note string) doc {
	var b strings.Builder
	for _, it := range r.Items {
		s := it.Summary
		fmt.Fprintf(&b, "• *%s* %s — ✅ %d · ⚠️ %d · ❌ %d · ➖ %d\n", escapeText(it.Item), escapeText(it.Title), s.Present, s.Partial, s.Missing, s.NotApplicable)
	}
	for _, id := range r.NotFound {
		fmt.Fprintf(&b, "• *%s* — 파일에서 찾지 못했어요\n", escapeText(id))
	}
	for _, id := range r.UnknownSections {
		fmt.Fprintf(&b, "• *%s* — 아직 안내가 없는 항목이라 검토하지 않았어요\n", escapeText(id))
	}
	for _, id := range r.NotInChecklist {
		fmt.Fprintf(&b, "• *%s* — 체크리스트에 없는 항목 번호예요. 제목의 번호를 확인해 주세요\n", escapeText(id))
	}
	if len(r.Items) == 0 && item == "" {
		b.WriteString("\n" + textFileNoItems)
	}
	title := "📎 파일 검토 결과"
	if item != "" {
		title = "📎 파일 검토 결과 (" + escapeText(item) + ")"
	}
	if name != "" {
		title += " — " + name // a header is plain text: no escaping
	}
	d := doc{
		Fallback: fmt.Sprintf("파일 검토 결과: %d개 항목", len(r.Items)),
		Title:    "파일 검토 결과",
		Body:     []slack.Block{headerBlock(title)},
	}
	d.Body = append(d.Body, sections(strings.TrimSpace(b.String()))...)
	if len(r.Items) > 0 {
		d.Body = append(d.Body, contextBlock(note))
	}
	return d
}

var errFileTooLarge = errors.New("file over the size limit")

// downloadFailure says why a download failed without quoting its URL.
func downloadFailure(err error) string {
	var sce slack.StatusCodeError
	switch {
	case errors.As(err, &sce):
		return fmt.Sprintf("http %d", sce.Code)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return "timeout"
	case strings.Contains(err.Error(), "sign-in page"):
		return "no access (sign-in redirect)"
	}
	return "transport"
}

// cappedBuffer collects a download and fails past max bytes, so that a
// file larger than files.info said is not read into memory whole.
type cappedBuffer struct {
	b   []byte
	max int64
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if int64(len(c.b)+len(p)) > c.max {
		return 0, errFileTooLarge
	}
	c.b = append(c.b, p...)
	return len(p), nil
}
