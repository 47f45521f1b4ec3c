package bot

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/usererr"
)

// fileHost serves files.info and file downloads in front of the fake Web
// API, as Slack does: files.info answers the file's private URL, and the
// URL answers the content only with the bot token.
type fileHost struct {
	srv   *httptest.Server
	slack atomic.Pointer[fakeSlack]

	mu        sync.Mutex
	files     map[string][]byte
	infoSize  map[string]int    // size files.info reports, when not the real one
	names     map[string]string // names files.info reports, when not 자가점검표.hwp
	deny      map[string]bool   // downloads answered 403
	infos     []string          // file IDs asked with files.info
	downloads []string          // file IDs downloaded
}

func newFileHost(t *testing.T) *fileHost {
	fh := &fileHost{files: map[string][]byte{}, infoSize: map[string]int{}, names: map[string]string{}, deny: map[string]bool{}}
	fh.srv = httptest.NewServer(http.HandlerFunc(fh.serve))
	t.Cleanup(fh.srv.Close)
	return fh
}

func (fh *fileHost) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/api/files.info":
		r.ParseForm()
		if body, ok := fh.slack.Load().rawReply("files.info"); ok {
			fh.mu.Lock()
			fh.infos = append(fh.infos, r.Form.Get("file"))
			fh.mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(body))
			return
		}
		id := r.Form.Get("file")
		fh.mu.Lock()
		fh.infos = append(fh.infos, id)
		data, ok := fh.files[id]
		size, lie := fh.infoSize[id]
		name := cmp.Or(fh.names[id], "자가점검표.hwp")
		fh.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.Form.Get("token") != testBotToken || !ok {
			json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "file_not_found"})
			return
		}
		if !lie {
			size = len(data)
		}
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "file": map[string]any{
			"id": id, "name": name, "size": size,
			"url_private":          fh.srv.URL + "/files-pri/T1-" + id + "/view",
			"url_private_download": fh.srv.URL + "/files-pri/T1-" + id + "/download",
		}})
	case strings.HasPrefix(r.URL.Path, "/files-pri/"):
		id := strings.TrimPrefix(strings.Split(strings.TrimPrefix(r.URL.Path, "/files-pri/"), "/")[0], "T1-")
		fh.mu.Lock()
		denied := fh.deny[id]
		fh.mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer "+testBotToken || denied {
			http.Error(w, "not allowed", http.StatusForbidden)
			return
		}
		fh.mu.Lock()
		fh.downloads = append(fh.downloads, id)
		data := fh.files[id]
		fh.mu.Unlock()
		w.Write(data)
	default:
		fh.slack.Load().serve(w, r)
	}
}

func (fh *fileHost) asked() (infos, downloads []string) {
	fh.mu.Lock()
	defer fh.mu.Unlock()
	return append([]string(nil), fh.infos...), append([]string(nil), fh.downloads...)
}

// fakeFiles is a FileReviewer that records what it was given.
type fakeFiles struct {
	mu     sync.Mutex
	got    [][]byte
	items  []string
	review func(data []byte, item string) (engine.FormReport, error)
}

func (f *fakeFiles) ReviewFile(_ context.Context, data []byte, item string) (engine.FormReport, error) {
	f.mu.Lock()
	f.got = append(f.got, bytes.Clone(data))
	f.items = append(f.items, item)
	f.mu.Unlock()
	if f.review != nil {
		return f.review(data, item)
	}
	rep := engine.FormReport{Items: []knowledge.Report{sampleReport("1.2", 4), sampleReport("1.3", 4)}, NotFound: []string{"3.1"}, UnknownSections: []string{"1.4"}}
	if item != "" {
		rep = engine.FormReport{Items: []knowledge.Report{sampleReport(item, 4)}, NotFound: []string{}, UnknownSections: []string{}}
	}
	return rep, nil
}

func newFileHarness(t *testing.T, files *fakeFiles, opts ...func(*Config)) (*harness, *fileHost) {
	fh := newFileHost(t)
	h := newHarness(t, append([]func(*Config){func(c *Config) {
		c.APIURL = fh.srv.URL + "/api/"
		c.Files = files
	}}, opts...)...)
	fh.slack.Store(h.slack)
	return h, fh
}

func fileEvent(id, channel, channelType, evType, text string, files ...map[string]any) []byte {
	ev := map[string]any{"type": evType, "channel": channel, "user": "U1", "ts": "1700000000.000100", "text": text, "files": files}
	if channelType != "" {
		ev["channel_type"] = channelType
	}
	if evType == "message" {
		ev["subtype"] = "file_share"
	}
	return eventBody(id, ev)
}

// TestFileInDMReviewedPrivately: a file sent in a DM is fetched with
// files.info and the bot token, reviewed whole, and answered in the DM's
// thread: the overview replaces the placeholder, each item follows.
func TestFileInDMReviewedPrivately(t *testing.T) {
	files := &fakeFiles{}
	h, fh := newFileHarness(t, files)
	content := []byte("PK\x03\x04 the uploaded document")
	fh.files["F1"] = content
	if code := h.event(t, fileEvent("Ev1", "D1", "im", "message", "", map[string]any{"id": "F1", "size": len(content)}), ""); code != http.StatusOK {
		t.Fatalf("event: %d", code)
	}
	h.settle(t)

	infos, downloads := fh.asked()
	if len(infos) != 1 || len(downloads) != 1 || infos[0] != "F1" {
		t.Fatalf("files.info %v, downloads %v; want F1 once each", infos, downloads)
	}
	if len(files.got) != 1 || !bytes.Equal(files.got[0], content) || files.items[0] != "" {
		t.Fatalf("reviewer got %d files (item %q); want the uploaded bytes, whole form", len(files.got), files.items)
	}
	calls := h.slack.accepted("")
	if len(calls) < 4 {
		t.Fatalf("calls %+v; want placeholder, overview, two item reviews", calls)
	}
	for _, c := range calls {
		if c.Channel != "D1" || c.Method == "chat.postEphemeral" {
			t.Errorf("%s in %s; everything goes to the DM", c.Method, c.Channel)
		}
		if c.Method == "chat.postMessage" && c.ThreadTS != "1700000000.000100" {
			t.Errorf("post outside the message's thread: %+v", c)
		}
	}
	if calls[0].Method != "chat.postMessage" || !strings.Contains(calls[0].Text, "파일을 읽고") {
		t.Errorf("first call %s %q; want the placeholder", calls[0].Method, calls[0].Text)
	}
	overview := blockTexts(calls[1].Blocks)
	if calls[1].Method != "chat.update" || !strings.Contains(overview, "파일 검토 결과") ||
		!strings.Contains(overview, "*1.2*") || !strings.Contains(overview, "*3.1* — 파일에서 찾지 못했어요") || !strings.Contains(overview, "*1.4* — 아직 안내가 없는") {
		t.Errorf("overview %s: %q", calls[1].Method, overview)
	}
	if !strings.Contains(blockTexts(calls[2].Blocks), "1.2") || !strings.Contains(blockTexts(calls[3].Blocks), "1.3") {
		t.Errorf("details: %q / %q; want 1.2 then 1.3", blockTexts(calls[2].Blocks), blockTexts(calls[3].Blocks))
	}
}

// TestSeveralFilesInDM: a DM with three files gets three reviews, in the
// message's order, each in replies of its own in the thread, titled with
// its file's name; a file that cannot be read says which one it is.
func TestSeveralFilesInDM(t *testing.T) {
	files := &fakeFiles{}
	h, fh := newFileHarness(t, files)
	names := map[string]string{"F1": "1차 점검표.hwp", "F2": "개인정보 정책.docx", "F3": "고객대응.pdf"}
	for id, n := range names {
		fh.files[id] = []byte("PK\x03\x04 " + id)
		fh.names[id] = n
	}
	fh.deny["F4"] = true
	fh.files["F4"] = []byte("x")
	fh.names["F4"] = "깨진 파일.hwp"
	var shared []map[string]any
	for _, id := range []string{"F1", "F2", "F3", "F4"} {
		shared = append(shared, map[string]any{"id": id, "size": len(fh.files[id]), "name": fh.names[id]})
	}
	h.event(t, fileEvent("Ev7", "D1", "im", "message", "", shared...), "")
	h.settle(t)

	if len(files.got) != 3 {
		t.Fatalf("%d files reviewed; want 3", len(files.got))
	}
	for i, id := range []string{"F1", "F2", "F3"} {
		if string(files.got[i]) != "PK\x03\x04 "+id {
			t.Errorf("review %d read %q; want %s, in the message's order", i+1, files.got[i], id)
		}
	}
	var overviews []string
	placeholders := 0
	for _, c := range h.slack.accepted("") {
		text := blockTexts(c.Blocks)
		if c.Channel != "D1" || c.Method == "chat.postMessage" && c.ThreadTS != "1700000000.000100" {
			t.Errorf("%s outside the DM's thread: %+v", c.Method, c)
		}
		if c.Method == "chat.postMessage" && strings.Contains(text, "파일을 읽고") {
			placeholders++
		}
		if c.Method == "chat.update" {
			overviews = append(overviews, text)
		}
	}
	if placeholders != 4 || len(overviews) != 4 {
		t.Fatalf("%d placeholders, %d updates; want one of each per file", placeholders, len(overviews))
	}
	for i, id := range []string{"F1", "F2", "F3"} {
		if !strings.Contains(overviews[i], "파일 검토 결과 — "+names[id]) {
			t.Errorf("reply %d: %q; want the review of %s", i+1, overviews[i], names[id])
		}
	}
	if !strings.Contains(overviews[3], "깨진 파일.hwp") || !strings.Contains(overviews[3], "파일을 받지 못했어요") {
		t.Errorf("the fourth reply %q; want it to name the file it could not fetch", overviews[3])
	}
	if strings.Contains(h.logs.String(), "점검표") || strings.Contains(h.logs.String(), "정책.docx") {
		t.Errorf("the logs name a file")
	}
}

// TestFileNamedItem: "1.3" in the message reviews that item alone; an
// item without guidance is refused before the file is fetched.
func TestFileNamedItem(t *testing.T) {
	files := &fakeFiles{}
	h, fh := newFileHarness(t, files)
	fh.files["F2"] = []byte("draft")
	h.event(t, fileEvent("Ev2", "D1", "im", "message", "1.3 검토해 주세요", map[string]any{"id": "F2", "size": 5}), "")
	h.settle(t)
	if len(files.items) != 1 || files.items[0] != "1.3" {
		t.Fatalf("items %v; want [1.3]", files.items)
	}

	files = &fakeFiles{}
	h, fh = newFileHarness(t, files)
	fh.files["F2"] = []byte("draft")
	h.event(t, fileEvent("Ev3", "D1", "im", "message", "2.1", map[string]any{"id": "F2", "size": 5}), "")
	h.settle(t)
	calls := h.slack.accepted("")
	if len(files.got) != 0 || len(calls) != 2 || !strings.Contains(blockTexts(calls[1].Blocks), "2.1* 항목은 안내할 수 있는 내용이 없어요") {
		t.Errorf("2.1: %d reviews, calls %+v; want the no-guidance reply", len(files.got), calls)
	}
	if infos, _ := fh.asked(); len(infos) != 0 {
		t.Errorf("files.info asked for an item without guidance")
	}
}

// TestFileInChannelAsksForDM: a file shared with a mention in a channel is
// never downloaded or reviewed; only its sender is told to use a DM.
func TestFileInChannelAsksForDM(t *testing.T) {
	files := &fakeFiles{}
	h, fh := newFileHarness(t, files)
	fh.files["F3"] = []byte("secret draft")
	h.event(t, fileEvent("Ev4", "C1", "channel", "app_mention", "<@UBOT> 검토해 줘", map[string]any{"id": "F3", "size": 12}), "")
	// Without a mention a channel message is not even seen.
	h.event(t, fileEvent("Ev5", "C1", "channel", "message", "", map[string]any{"id": "F3", "size": 12}), "")
	h.settle(t)
	infos, downloads := fh.asked()
	if len(infos)+len(downloads)+len(files.got) != 0 {
		t.Errorf("files.info %v, downloads %v, reviews %d; want none for a channel", infos, downloads, len(files.got))
	}
	calls := h.slack.accepted("")
	if len(calls) != 1 || calls[0].Method != "chat.postEphemeral" || calls[0].User != "U1" || !strings.Contains(calls[0].Text, "DM") {
		t.Fatalf("calls %+v; want one ephemeral to U1 asking for a DM", calls)
	}
	if strings.Contains(calls[0].Text, "secret") {
		t.Errorf("the reply echoes the file")
	}
}

// TestFileProblems: every file that cannot be reviewed gets a clear reply
// in the DM.
func TestFileProblems(t *testing.T) {
	tests := []struct {
		name      string
		size      int // in the event
		data      []byte
		infoSize  int // what files.info says, 0: the real size
		missing   bool
		denied    bool
		review    func([]byte, string) (engine.FormReport, error)
		want      string
		downloads int
	}{
		{name: "too large in the event", size: 30 << 20, data: []byte("x"), want: "파일이 너무 커요(20 MB 초과)"},
		{name: "too large in files.info", size: 10, data: []byte("x"), infoSize: 21 << 20, want: "파일이 너무 커요"},
		{name: "larger than files.info said", size: 10, infoSize: 10, data: bytes.Repeat([]byte("x"), 2<<20), want: "파일이 너무 커요(1 MB 초과)", downloads: 1},
		{name: "gone", size: 10, missing: true, want: "파일을 받지 못했어요"},
		{name: "download refused", size: 10, data: []byte("x"), denied: true, want: "파일을 받지 못했어요"},
		{name: "protected", size: 10, data: []byte("x"), want: "this file is protected", downloads: 1,
			review: func([]byte, string) (engine.FormReport, error) {
				return engine.FormReport{}, usererr.New(usererr.File, "보호된 HWP 파일입니다.", "this file is protected; save it as a normal HWP/HWPX/PDF")
			}},
		{name: "no headings", size: 10, data: []byte("x"), want: "검토 항목의 제목", downloads: 1,
			review: func([]byte, string) (engine.FormReport, error) {
				return engine.FormReport{Items: []knowledge.Report{}, NotFound: []string{"1.2"}, UnknownSections: []string{}}, nil
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			max := int64(0)
			if tt.name == "larger than files.info said" {
				max = 1 << 20
			}
			files := &fakeFiles{review: tt.review}
			h, fh := newFileHarness(t, files, func(c *Config) { c.MaxFileBytes = max })
			if !tt.missing {
				fh.files["F9"] = tt.data
			}
			if tt.infoSize > 0 {
				fh.infoSize["F9"] = tt.infoSize
			}
			fh.deny["F9"] = tt.denied
			h.event(t, fileEvent("Ev9", "D1", "im", "message", "", map[string]any{"id": "F9", "size": tt.size}), "")
			h.settle(t)
			calls := h.slack.accepted("")
			if len(calls) != 2 || calls[1].Method != "chat.update" {
				t.Fatalf("calls %+v; want the placeholder replaced by the reason", calls)
			}
			if got := blockTexts(calls[1].Blocks); !strings.Contains(got, tt.want) {
				t.Errorf("reply %q; want %q", got, tt.want)
			}
			if _, downloads := fh.asked(); len(downloads) != tt.downloads {
				t.Errorf("%d downloads; want %d", len(downloads), tt.downloads)
			}
			if strings.Contains(h.logs.String(), "자가점검표") {
				t.Errorf("the logs name the file")
			}
		})
	}
}

func TestEventFiles(t *testing.T) {
	raw := json.RawMessage(`{"type":"message","files":[{"id":"F1","size":3},{"id":""},{"id":"F2","size":4}]}`)
	got := eventFiles(raw)
	if len(got) != 2 || got[0].ID != "F1" || got[1].ID != "F2" || got[1].Size != 4 {
		t.Errorf("got %+v", got)
	}
	if eventFiles(json.RawMessage(`{"type":"message"}`)) != nil && len(eventFiles(json.RawMessage(`{}`))) != 0 {
		t.Errorf("no files: want none")
	}
	for text, want := range map[string]string{"": "", "1.3": "1.3", "1.3 검토해 주세요": "1.3", "전체 검토": "", "3-2 봐주세요": "3.2", "I. 해당여부": ""} {
		if got := fileItem(text); got != want {
			t.Errorf("fileItem(%q) = %q; want %q", text, got, want)
		}
	}
}

// TestSlashAll: "/selfcheck all <paste>" reviews the whole pasted form,
// privately: the overview, then each item, in the ephemeral reply.
func TestSlashAll(t *testing.T) {
	files := &fakeFiles{}
	h, _ := newFileHarness(t, files)
	form := "검토 항목\t1.2 침해사고 대응 절차\n내용\n검토 항목\t1.3 개인정보\n내용"
	code, ack := h.slash(t, "all\n"+form, h.resp.url("r1"))
	if code != http.StatusOK {
		t.Fatalf("ack %d", code)
	}
	h.settle(t)
	if len(files.got) != 1 || string(files.got[0]) != knowledge.Normalize(form) || files.items[0] != "" {
		t.Fatalf("reviewer got %q (items %v); want the pasted form, whole", files.got, files.items)
	}
	texts := blockTexts(ack.Blocks)
	for _, p := range h.resp.all() {
		texts += blockTexts(p.Blocks)
	}
	for _, want := range []string{"자가 점검표 전체 검토 결과", "*1.4* — 아직 안내가 없는", "1.2", "1.3"} {
		if !strings.Contains(texts, want) {
			t.Errorf("reply lacks %q:\n%s", want, texts)
		}
	}
	if ack.ResponseType == "in_channel" {
		t.Errorf("the review of a form is for its sender only")
	}

	_, ack = h.slash(t, "all", h.resp.url("r2"))
	if !strings.Contains(blockTexts(ack.Blocks), "전체를 함께 붙여 넣어") {
		t.Errorf("all without a form: %q", blockTexts(ack.Blocks))
	}
}

func TestSlashAllParsing(t *testing.T) {
	for text, want := range map[string]intentKind{"all 검토 항목 1.2": intentReviewForm, "ALL\n검토 항목": intentReviewForm, "전체 검토 항목 1.2": intentReviewForm, "all": intentReviewForm, "1.2": intentGuide} {
		if got := parseCommandText(text, nil).kind; got != want {
			t.Errorf("%q: %s; want %s", text, got, want)
		}
	}
}
