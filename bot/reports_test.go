package bot

import (
	"archive/zip"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/progress"
	reportfile "github.com/selfcheck/selfcheck/report"
)

const fileMsgTS = "1700000000.000100" // the ts fileEvent gives the message with the file

// reviewFileInDM sends a file in the DM D1 and returns the bot's last
// post in the thread (where the report buttons are).
func reviewFileInDM(t *testing.T, h *harness, fh *fileHost, evID, ts string) apiCall {
	t.Helper()
	fh.mu.Lock()
	fh.files["F1"] = []byte("PK\x03\x04 a form")
	fh.mu.Unlock()
	ev := map[string]any{"type": "message", "subtype": "file_share", "channel": "D1", "channel_type": "im", "user": "U1", "ts": ts,
		"files": []map[string]any{{"id": "F1", "size": 14}}}
	if code := h.event(t, eventBody(evID, ev), ""); code != http.StatusOK {
		t.Fatalf("event: %d", code)
	}
	h.settle(t)
	posts := h.slack.accepted("chat.postMessage")
	if len(posts) == 0 {
		t.Fatal("nothing posted")
	}
	return posts[len(posts)-1]
}

// reportButtons returns the values of the report buttons in blocks.
func reportButtons(blocks []map[string]any) []string {
	var out []string
	for _, b := range blocks {
		els, _ := b["elements"].([]any)
		for _, e := range els {
			if m, _ := e.(map[string]any); m["action_id"] == actionReport {
				out = append(out, m["value"].(string))
			}
		}
	}
	return out
}

// TestReportButtonUploadsIntoDMThread: a file review in a DM ends with
// the report buttons; a click uploads the report, as a file of that
// format holding every element, into the same DM thread through
// getUploadURLExternal, the upload and completeUploadExternal; a double
// click uploads once.
func TestReportButtonUploadsIntoDMThread(t *testing.T) {
	h, fh := newFileHarness(t, &fakeFiles{}, func(c *Config) { c.ChecklistVersion = "v-test" })
	last := reviewFileInDM(t, h, fh, "EvR1", fileMsgTS)
	values := reportButtons(last.Blocks)
	if len(values) != 2 || !strings.Contains(values[0], "|docx|F1|") || !strings.Contains(values[1], "|html|F1|") {
		t.Fatalf("last post has report buttons %v; want DOCX and HTML", values)
	}
	for _, v := range append(values, values[0]) { // the DOCX twice
		h.clickButton(t, buttonClick("U1", "D1", last.TS, fileMsgTS, actionReport, v, "", last.Blocks))
	}
	done := h.slack.callsOf("files.completeUploadExternal")
	if len(done) != 2 {
		t.Fatalf("%d uploads completed, want 2 (DOCX once, HTML): %+v", len(done), done)
	}
	for i, c := range done {
		if c.Channel != "D1" || c.ThreadTS != fileMsgTS {
			t.Errorf("upload %d shared in %s thread %q; want the DM thread %s", i, c.Channel, c.ThreadTS, fileMsgTS)
		}
		u, ok := h.slack.uploaded(c.TS)
		if !ok || !u.Done {
			t.Fatalf("upload %d: file %s not received", i, c.TS)
		}
		text := string(u.Data)
		if strings.HasSuffix(u.Name, ".docx") {
			z, err := zip.NewReader(bytes.NewReader(u.Data), int64(len(u.Data)))
			if err != nil {
				t.Fatalf("the DOCX is not a zip: %v", err)
			}
			f, err := z.Open("word/document.xml")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(f)
			text = string(b)
		} else if !strings.HasSuffix(u.Name, ".html") || !strings.Contains(text, "<table") {
			t.Errorf("upload %d: %s is not the HTML report", i, u.Name)
		}
		for _, id := range []string{"1.2-a", "1.2-d", "1.3-a", "1.3-d", "자가점검표.hwp", "v-test"} {
			if !strings.Contains(text, id) {
				t.Errorf("%s does not hold %s", u.Name, id)
			}
		}
	}
}

// TestReportAfterRestart: a click whose review the bot no longer holds
// (it restarted, or the review expired) uploads nothing and asks, in the
// thread, to review again; another user's click on a button gets nothing
// of the review either.
func TestReportAfterRestart(t *testing.T) {
	h, fh := newFileHarness(t, &fakeFiles{})
	last := reviewFileInDM(t, h, fh, "EvR2", fileMsgTS)
	values := reportButtons(last.Blocks)
	if len(values) == 0 {
		t.Fatal("no report button")
	}
	before := len(h.slack.accepted("chat.postMessage"))
	h.clickButton(t, buttonClick("U1", "D1", last.TS, fileMsgTS, actionReport, "0123456789abcdef01234567|docx", "", last.Blocks))
	h.clickButton(t, buttonClick("U2", "D1", last.TS, fileMsgTS, actionReport, values[0], "", last.Blocks))
	if n := len(h.slack.callsOf("files.getUploadURLExternal")); n != 0 {
		t.Errorf("%d uploads started for reviews not held", n)
	}
	posts := h.slack.accepted("chat.postMessage")[before:]
	if len(posts) != 2 {
		t.Fatalf("%d notices, want 2", len(posts))
	}
	for _, p := range posts {
		if !strings.Contains(blockTexts(p.Blocks), "다시 검토해 주세요") || p.Channel != "D1" || p.ThreadTS != fileMsgTS {
			t.Errorf("notice %q in %s/%s; want \"다시 검토해 주세요\" in the DM thread", blockTexts(p.Blocks), p.Channel, p.ThreadTS)
		}
	}
}

// TestReportRebuiltFromFile: a click whose review is no longer kept (the
// bot restarted) rebuilds the review from the file, still in Slack,
// with ReportFiles and uploads it into the thread, once for a double
// click; once the file is gone, the user is asked to review again.
func TestReportRebuiltFromFile(t *testing.T) {
	again := &fakeFiles{}
	h, fh := newFileHarness(t, &fakeFiles{}, func(c *Config) { c.ReportFiles = again })
	last := reviewFileInDM(t, h, fh, "EvRB1", fileMsgTS)
	values := reportButtons(last.Blocks)
	if len(values) != 2 {
		t.Fatal("no report buttons")
	}
	h.bot.reports = newReportCache(nil) // a restart: nothing kept
	for range 2 {
		h.clickButton(t, buttonClick("U1", "D1", last.TS, fileMsgTS, actionReport, values[0], "", last.Blocks))
	}
	done := h.slack.callsOf("files.completeUploadExternal")
	if len(done) != 1 || done[0].Channel != "D1" || done[0].ThreadTS != fileMsgTS {
		t.Fatalf("uploads %+v; want one into the DM thread", done)
	}
	if len(again.got) != 1 {
		t.Errorf("file reviewed again %d times for the report, want 1", len(again.got))
	}
	u, _ := h.slack.uploaded(done[0].TS)
	z, err := zip.NewReader(bytes.NewReader(u.Data), int64(len(u.Data)))
	if err != nil {
		t.Fatalf("not a DOCX: %v", err)
	}
	f, _ := z.Open("word/document.xml")
	doc, _ := io.ReadAll(f)
	if !strings.Contains(string(doc), "1.3-d") {
		t.Error("the rebuilt report lacks the review")
	}

	h.bot.reports = newReportCache(nil)
	fh.mu.Lock()
	delete(fh.files, "F1")
	fh.mu.Unlock()
	before := len(h.slack.accepted("chat.postMessage"))
	h.clickButton(t, buttonClick("U1", "D1", last.TS, fileMsgTS, actionReport, values[1], "", last.Blocks))
	posts := h.slack.accepted("chat.postMessage")[before:]
	if len(posts) != 1 || !strings.Contains(blockTexts(posts[0].Blocks), "다시 검토해 주세요") {
		t.Errorf("file gone: posts %+v; want the review-again notice", posts)
	}
	if n := len(h.slack.callsOf("files.completeUploadExternal")); n != 1 {
		t.Errorf("%d uploads, want still 1", n)
	}
}

// TestChannelReviewOffersNoReport: a whole form reviewed from a channel
// (/selfcheck all) offers no report button, and a click claiming to come
// from a channel is ignored.
func TestChannelReviewOffersNoReport(t *testing.T) {
	h, _ := newFileHarness(t, &fakeFiles{})
	_, ack := h.slash(t, "all 검토 항목 1.2 ...", h.resp.url("all"))
	h.settle(t)
	var blocks []map[string]any
	blocks = append(blocks, ack.Blocks...)
	for _, p := range h.resp.all() {
		blocks = append(blocks, p.Blocks...)
	}
	if !strings.Contains(blockTexts(blocks), "1.2") {
		t.Fatalf("no review came back: %q", blockTexts(blocks))
	}
	if v := reportButtons(blocks); len(v) != 0 {
		t.Errorf("a channel review offers report buttons %v", v)
	}
	h.clickButton(t, buttonClick("U1", "C1", "1700000001.000001", "", actionReport, "0123456789abcdef01234567|docx", "", nil))
	if n := len(h.slack.callsOf("files.getUploadURLExternal")) + len(h.slack.accepted("")); n != 0 {
		t.Errorf("a click from a channel made %d calls", n)
	}
}

// memHistory is a ReviewHistory in memory.
type memHistory struct {
	mu    sync.Mutex
	snaps map[string][]progress.Snapshot
}

func (m *memHistory) Previous(_ context.Context, user, item string) (progress.Snapshot, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.snaps[user]
	for i := len(s) - 1; i >= 0; i-- {
		if s[i].Item == item {
			return s[i], true, nil
		}
	}
	return progress.Snapshot{}, false, nil
}

func (m *memHistory) Remember(_ context.Context, user string, s progress.Snapshot) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.snaps == nil {
		m.snaps = map[string][]progress.Snapshot{}
	}
	m.snaps[user] = append(m.snaps[user], s)
	return nil
}

// TestReviewLeadsWithProgress: a second file review of an improved draft
// leads each item's review with what changed; the first has nothing to
// compare with; the history holds statuses only.
func TestReviewLeadsWithProgress(t *testing.T) {
	hist := &memHistory{}
	round := 0
	files := &fakeFiles{review: func([]byte, string) (engine.FormReport, error) {
		round++
		r := sampleReport("1.2", 4) // present, partial, missing, not applicable
		if round == 2 {
			r.Elements[1].Status, r.Elements[1].Note = knowledge.StatusPresent, ""
			r.Recount()
		}
		return engine.FormReport{Items: []knowledge.Report{r}, NotFound: []string{}, UnknownSections: []string{}}, nil
	}}
	h, fh := newFileHarness(t, files, func(c *Config) { c.History = hist })
	first := reviewFileInDM(t, h, fh, "EvP1", fileMsgTS)
	if strings.Contains(blockTexts(first.Blocks), "지난 검토") {
		t.Errorf("first review compares with nothing: %q", blockTexts(first.Blocks))
	}
	second := reviewFileInDM(t, h, fh, "EvP2", "1700000500.000100")
	blocks := second.Blocks
	const want = "📈 지난 검토보다 1개 좋아졌어요: 1.2-b 일부 → 충족 · 여전히 누락: 1.2-c"
	if len(blocks) < 2 || !strings.Contains(blockTexts(blocks[1:2]), want) {
		t.Errorf("second review does not lead with %q:\n%q", want, blockTexts(blocks))
	}
	for _, s := range hist.snaps["U1"] {
		if len(s.Statuses) != 4 {
			t.Errorf("snapshot %+v", s)
		}
	}
}

// TestFormReviewInDMOffersReport: /selfcheck all typed in the DM ends
// with the report buttons, and a click uploads the report into that DM
// (the thread the review came in: the bot reviews it there, plan.go).
func TestFormReviewInDMOffersReport(t *testing.T) {
	h, _ := newFileHarness(t, &fakeFiles{})
	v := url.Values{
		"command": {"/selfcheck"}, "text": {"all 검토 항목 1.2 ..."}, "user_id": {"U1"}, "channel_id": {"D1"},
		"team_id": {"T1"}, "response_url": {h.resp.url("dm")}, "trigger_id": {"trig"},
	}
	resp, body := h.do(t, h.signedRequest(t, "/slack/commands", "application/x-www-form-urlencoded", []byte(v.Encode())))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("slash: %d", resp.StatusCode)
	}
	h.settle(t)
	var ack responsePost
	_ = json.Unmarshal(body, &ack)
	blocks := ack.Blocks
	for _, p := range h.resp.all() {
		blocks = append(blocks, p.Blocks...)
	}
	thread := ""
	for _, p := range h.slack.accepted("chat.postMessage") {
		if p.Channel == "D1" {
			blocks = append(blocks, p.Blocks...)
			thread = cmp.Or(p.ThreadTS, thread)
		}
	}
	values := reportButtons(blocks)
	if len(values) != 2 {
		t.Fatalf("a form review in the DM offers %v; want the DOCX and HTML buttons", values)
	}
	h.clickButton(t, buttonClick("U1", "D1", "", "", actionReport, values[1], h.resp.url("click"), nil))
	done := h.slack.callsOf("files.completeUploadExternal")
	if len(done) != 1 || done[0].Channel != "D1" || done[0].ThreadTS != thread {
		t.Fatalf("uploads %+v; want one into the DM", done)
	}
	if u, _ := h.slack.uploaded(done[0].TS); !strings.Contains(string(u.Data), "1.3-d") {
		t.Error("the uploaded HTML does not hold the review")
	}
}

// TestReportCacheBounds: a review is kept for reportTTL and no longer,
// for its own user only, and at most maxReports are kept (the oldest go
// first).
func TestReportCacheBounds(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := newReportCache(func() time.Time { return now })
	tok := c.put(&reportEntry{user: "U1", channel: "D1"})
	if _, found, _ := c.take(tok, "U2", reportfile.DOCX); found {
		t.Error("another user's click found the review")
	}
	now = now.Add(reportTTL - time.Second)
	if _, found, first := c.take(tok, "U1", reportfile.DOCX); !found || !first {
		t.Error("review gone before its TTL")
	}
	if _, _, first := c.take(tok, "U1", reportfile.DOCX); first {
		t.Error("a second click would upload again")
	}
	now = now.Add(2 * time.Second)
	if _, found, _ := c.take(tok, "U1", reportfile.HTML); found {
		t.Error("review kept past its TTL")
	}
	var toks []string
	for range maxReports + 5 {
		toks = append(toks, c.put(&reportEntry{user: "U1"}))
	}
	if len(c.m) != maxReports || len(c.order) != maxReports {
		t.Errorf("%d reviews kept, want %d", len(c.m), maxReports)
	}
	if _, found, _ := c.take(toks[0], "U1", reportfile.DOCX); found {
		t.Error("the oldest review was not dropped")
	}
	if _, found, _ := c.take(toks[len(toks)-1], "U1", reportfile.DOCX); !found {
		t.Error("the newest review was dropped")
	}
}
