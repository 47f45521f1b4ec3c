package bot

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/engine"
	reportfile "github.com/selfcheck/selfcheck/report"
)

// A whole-form or file review in a DM ends with "보고서 받기": the review
// as a Word or HTML file (package report), uploaded into the same DM
// thread with files.uploadV2 (getUploadURLExternal, the upload, then
// completeUploadExternal). Never in a channel: a review there offers no
// button, and a click from anywhere but a DM is ignored.
//
// The report is made from the review the user just saw, which is kept
// for the click in memory only: the review values (statuses, the quoted
// evidence, notes), never the draft or the file, in a bounded cache
// whose entries expire after reportTTL. Nothing of it is written to
// disk or to the bot's state, since the quotes are the applicant's
// confidential text. A click that finds nothing (after a restart, past
// the TTL, or on another replica) rebuilds the review from the file when
// the review was of a file still in Slack (its ID rides in the button;
// Config.ReportFiles reviews it again without counting it); a pasted
// form, or a file no longer there, gets "다시 검토해 주세요" rather than
// an error.

const (
	actionReport = "report_file"
	blockReport  = "report_file"
	// reportTTL is how long a review stays available for its report:
	// long enough to read it first, short enough that quotes do not sit
	// in memory for the day.
	reportTTL = 30 * time.Minute
	// maxReports bounds the reviews kept (a form's review is a few
	// kilobytes).
	maxReports = 200
	// uploadTimeout bounds the three calls of one upload.
	uploadTimeout = time.Minute
)

const (
	textReportOffer  = "📄 검토 결과를 파일로 받을 수 있어요. 이 DM 스레드에만 올라가요."
	textReportDOCX   = "📄 보고서 받기 (Word)"
	textReportHTML   = "🌐 보고서 받기 (HTML)"
	textReportGone   = "⚠️ 이 검토 결과를 더 이상 갖고 있지 않아요(검토한 지 30분이 지났거나 봇이 다시 시작됐어요). 검토 내용은 저장하지 않기 때문이에요. 파일을 다시 보내 다시 검토해 주세요."
	textReportFailed = "⚠️ 보고서를 올리지 못했어요. 잠시 후 버튼을 다시 눌러 주세요."
	textReportTitle  = "자가 점검 검토 보고서"
)

// fileSource names the file a review came from ("" for a pasted form)
// and the item asked for ("" for the whole form), for rebuilding the
// review when it is no longer kept.
type fileSource struct{ ID, Item string }

// reportEntry is one review kept for its report.
type reportEntry struct {
	user, channel, thread string
	input                 reportfile.Input
	at                    time.Time
	sent                  map[reportfile.Format]bool
}

// reportCache holds the reviews whose report may still be asked for,
// bounded in count and age.
type reportCache struct {
	mu    sync.Mutex
	now   func() time.Time
	m     map[string]*reportEntry
	order []string // tokens, oldest first
	// rebuilding holds the token|format of reports being rebuilt from
	// their file, so that a double click rebuilds once.
	rebuilding map[string]bool
}

func newReportCache(now func() time.Time) *reportCache {
	if now == nil {
		now = time.Now
	}
	return &reportCache{now: now, m: map[string]*reportEntry{}, rebuilding: map[string]bool{}}
}

// claim marks key as being rebuilt; false when it already is (or too many
// are).
func (c *reportCache) claim(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rebuilding[key] || len(c.rebuilding) >= maxReports {
		return false
	}
	c.rebuilding[key] = true
	return true
}

func (c *reportCache) release(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.rebuilding, key)
}

// put keeps e and returns the token its buttons carry.
func (c *reportCache) put(e *reportEntry) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	c.putAs(token, e)
	return token
}

// putAs keeps e under token.
func (c *reportCache) putAs(token string, e *reportEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.at.IsZero() {
		e.at = c.now()
	}
	if e.sent == nil {
		e.sent = map[reportfile.Format]bool{}
	}
	c.evict()
	for len(c.order) >= maxReports {
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
	if _, ok := c.m[token]; !ok {
		c.order = append(c.order, token)
	}
	c.m[token] = e
}

// evict drops expired entries; the caller holds mu.
func (c *reportCache) evict() {
	now := c.now()
	for len(c.order) > 0 {
		e := c.m[c.order[0]]
		if e != nil && now.Sub(e.at) <= reportTTL {
			return
		}
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
}

// take returns the entry of token for user, and marks format sent so
// that a double click uploads once. first is false when it was sent.
func (c *reportCache) take(token, user string, f reportfile.Format) (e reportEntry, found, first bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.evict()
	p := c.m[token]
	if p == nil || p.user != user {
		return reportEntry{}, false, false
	}
	first = !p.sent[f]
	p.sent[f] = true
	return *p, true, first
}

// unsend lets a failed upload be tried again.
func (c *reportCache) unsend(token string, f reportfile.Format) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p := c.m[token]; p != nil {
		delete(p.sent, f)
	}
}

// offerReport keeps a review for its report and returns the blocks that
// offer it, or nil outside a DM (a channel review offers no button).
func (b *Bot) offerReport(user, channel, thread, file string, src fileSource, rep engine.FormReport, leads map[string]string) []slack.Block {
	if !isPrivate(innerEvent{Channel: channel}) || user == "" || len(rep.Items) == 0 {
		return nil
	}
	token := b.reports.put(&reportEntry{user: user, channel: channel, thread: thread, input: b.reportInput(file, rep, leads)})
	value := func(f reportfile.Format) string { return token + "|" + string(f) + "|" + src.ID + "|" + src.Item }
	return []slack.Block{
		contextBlock(textReportOffer),
		slack.NewActionBlock(blockReport,
			slack.NewButtonBlockElement(actionReport, value(reportfile.DOCX), plain(textReportDOCX)),
			slack.NewButtonBlockElement(actionReport, value(reportfile.HTML), plain(textReportHTML))),
	}
}

// reportInput is what a report of rep shows.
func (b *Bot) reportInput(file string, rep engine.FormReport, leads map[string]string) reportfile.Input {
	in := reportfile.Input{File: file, Version: b.cfg.ChecklistVersion, Items: rep.Items, NotFound: rep.NotFound,
		Unknown: rep.UnknownSections, NotInChecklist: rep.NotInChecklist, Titles: map[string]string{}, Progress: leads}
	for _, id := range rep.NotFound {
		in.Titles[id] = b.items[id].Title
	}
	return in
}

// withReportOffer appends the offer to the last message of a reply.
func withReportOffer(msgs []message, offer []slack.Block) []message {
	if len(offer) == 0 || len(msgs) == 0 {
		return msgs
	}
	last := &msgs[len(msgs)-1]
	if len(last.Blocks)+len(offer) > maxBlocks {
		return append(msgs, message{Text: textReportOffer, Blocks: offer})
	}
	last.Blocks = append(last.Blocks, offer...)
	return msgs
}

// onReport uploads the report a button asks for into the review's DM
// thread; when the review is no longer kept it rebuilds it from its file,
// or tells the user to review again.
func (b *Bot) onReport(ctx context.Context, log *slog.Logger, c click, a *slack.BlockAction) {
	parts := strings.SplitN(a.Value, "|", 4)
	for len(parts) < 4 {
		parts = append(parts, "")
	}
	token, format, src := parts[0], reportfile.Format(parts[1]), fileSource{ID: parts[2], Item: parts[3]}
	log = log.With("action", "report", "user", c.user, "channel", c.channel, "format", parts[1])
	if !isPrivate(innerEvent{Channel: c.channel}) || (format != reportfile.DOCX && format != reportfile.HTML) {
		log.Warn("report click ignored", "reason", "not a DM or unknown format")
		return
	}
	e, found, first := b.reports.take(token, c.user, format)
	b.spawn(log, "report upload", func() {
		dctx, cancel := b.detach(ctx, uploadTimeout)
		defer cancel()
		if found && !first {
			log.Info("report already sent")
			return
		}
		if !found {
			key := token + "|" + string(format)
			if !b.reports.claim(key) {
				log.Info("report already being rebuilt")
				return
			}
			defer b.reports.release(key)
			var ok bool
			if e, ok = b.rebuildReview(dctx, log, c, src); !ok {
				log.Info("report unavailable", "reason", "review no longer kept", "file", src.ID != "")
				if _, err := b.postMessage(dctx, log, c.channel, c.threadTS, paginate(renderNotice(textReportGone))[0], ""); err != nil {
					log.Warn("report: notice not posted", "error", err)
				}
				return
			}
			e.sent = map[reportfile.Format]bool{format: true}
			b.reports.putAs(token, &e)
		}
		if err := b.uploadReport(dctx, e, format); err != nil {
			b.reports.unsend(token, format)
			log.Warn("report not uploaded", "error", err)
			if _, err := b.postMessage(dctx, log, e.channel, e.thread, paginate(renderNotice(textReportFailed))[0], ""); err != nil {
				log.Warn("report: notice not posted", "error", err)
			}
			return
		}
		log.Info("report uploaded", "items", len(e.input.Items), "rebuilt", !found)
	})
}

// rebuildReview reviews a report's file again, for a click whose review
// is no longer kept: false when the review was of a pasted form, or the
// file cannot be had or read any more.
func (b *Bot) rebuildReview(ctx context.Context, log *slog.Logger, c click, src fileSource) (reportEntry, bool) {
	if src.ID == "" || b.cfg.ReportFiles == nil || (src.Item != "" && b.checkItem(src.Item) != nil) {
		return reportEntry{}, false
	}
	data, name, failure, _ := b.fetchFile(ctx, log, src.ID, 0)
	if failure != "" {
		return reportEntry{}, false
	}
	rep, err := b.cfg.ReportFiles.ReviewFile(ctx, data, src.Item)
	if err != nil || len(rep.Items) == 0 {
		log.Warn("report: file not reviewed again", "file", src.ID, "error", err)
		return reportEntry{}, false
	}
	e := reportEntry{user: c.user, channel: c.channel, thread: c.threadTS, input: b.reportInput(name, rep, nil)}
	e.at = b.reports.now()
	return e, true
}

// uploadReport renders the report and uploads it into the entry's DM
// thread (files.uploadV2).
func (b *Bot) uploadReport(ctx context.Context, e reportEntry, f reportfile.Format) error {
	in := e.input
	in.Date = e.at
	data, err := reportfile.Render(f, in)
	if err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	name := fmt.Sprintf("selfcheck-report-%s.%s", e.at.Format("20060102-1504"), f)
	_, err = b.api.UploadFileContext(ctx, slack.UploadFileParameters{
		Reader: bytes.NewReader(data), FileSize: len(data), Filename: name, Title: textReportTitle,
		Channel: e.channel, ThreadTimestamp: e.thread,
	})
	if err != nil {
		return fmt.Errorf("upload report: %w", err)
	}
	return nil
}
