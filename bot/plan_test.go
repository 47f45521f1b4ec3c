package bot

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// planTasks follows the task_update chunks of the plan's stream: each
// task's statuses in order, and its last output.
func planTasks(h *harness) (statuses map[string][]string, outputs map[string]string, order []string) {
	statuses, outputs = map[string][]string{}, map[string]string{}
	for _, c := range h.slack.allCalls() {
		if c.Err != "" || (c.Method != "chat.startStream" && c.Method != "chat.appendStream") {
			continue
		}
		for _, ch := range c.Chunks {
			if ch["type"] != "task_update" {
				continue
			}
			id, _ := ch["id"].(string)
			if _, ok := statuses[id]; !ok {
				order = append(order, id)
			}
			st, _ := ch["status"].(string)
			statuses[id] = append(statuses[id], st)
			if out, _ := ch["output"].(string); out != "" {
				outputs[id] = out
			}
		}
	}
	return statuses, outputs, order
}

// A file in the DM streams its review as a plan: one task per item,
// pending → in progress → complete with its counts as output, under
// task_display_mode plan; the stream ends with the overview and each
// item's details follow in the thread. No placeholder is posted.
func TestFileReviewStreamsAsPlan(t *testing.T) {
	files := &fakeFiles{}
	h, fh := newFileHarness(t, files)
	h.slack.set(func(f *fakeSlack) { f.chunks = true })
	fh.files["F1"] = []byte("PK\x03\x04 document")
	if code := h.event(t, fileEvent("EvPlan1", "D1", "im", "message", "", map[string]any{"id": "F1", "size": 16}), ""); code != http.StatusOK {
		t.Fatalf("event: %d", code)
	}
	h.settle(t)

	starts := h.slack.accepted("chat.startStream")
	if len(starts) != 1 || starts[0].Mode != "plan" || starts[0].ThreadTS != "1700000000.000100" {
		t.Fatalf("stream starts = %+v; want one in the message's thread, task_display_mode plan", starts)
	}
	if c := starts[0].Chunks; len(c) == 0 || c[0]["type"] != "plan_update" {
		t.Errorf("first chunks = %v; want the plan's title first", c)
	}
	statuses, outputs, order := planTasks(h)
	for _, item := range []string{"1.2", "1.3"} {
		id := taskID(item)
		if got := strings.Join(statuses[id], " → "); got != "pending → in_progress → complete" {
			t.Errorf("task %s: %s; want pending → in_progress → complete", item, got)
		}
		// sampleReport(item, 4): one element of each status.
		if want := "충족 1 · 일부 1 · 누락 1 · 해당 없음 1"; outputs[id] != want {
			t.Errorf("task %s output %q; want %q", item, outputs[id], want)
		}
	}
	if len(order) < 3 || order[0] != taskRead || statuses[taskRead][len(statuses[taskRead])-1] != "complete" {
		t.Errorf("tasks %v (%v); want reading the file first, complete", order, statuses[taskRead])
	}
	stops := h.slack.accepted("chat.stopStream")
	if len(stops) != 1 || !strings.Contains(blockTexts(stops[0].Blocks), "파일 검토 결과") {
		t.Fatalf("stream stops = %+v; want the overview at the end of the plan", stops)
	}
	posts := h.slack.accepted("chat.postMessage")
	if len(posts) != 2 || !strings.Contains(blockTexts(posts[0].Blocks), "1.2") || !strings.Contains(blockTexts(posts[1].Blocks), "1.3") {
		t.Fatalf("posts = %d; want each item's details, 1.2 then 1.3, and no placeholder", len(posts))
	}
	for _, p := range posts {
		if p.ThreadTS != "1700000000.000100" {
			t.Errorf("details outside the thread: %+v", p)
		}
	}
	if got := h.slack.accepted("chat.update"); len(got) != 0 {
		t.Errorf("updated %d messages; want none with a plan", len(got))
	}
}

// Where Slack refuses the chunks, the overview message is updated in
// place as before (placeholder, chat.update, details).
func TestFileReviewPlanRefusedFallsBack(t *testing.T) {
	files := &fakeFiles{}
	h, fh := newFileHarness(t, files) // the fake refuses chunks unless told
	fh.files["F1"] = []byte("PK\x03\x04 document")
	h.event(t, fileEvent("EvPlan2", "D1", "im", "message", "", map[string]any{"id": "F1", "size": 16}), "")
	h.settle(t)
	if got := h.slack.accepted("chat.startStream"); len(got) != 0 {
		t.Fatalf("stream accepted: %+v", got)
	}
	calls := h.slack.accepted("")
	if len(calls) < 4 || calls[0].Method != "chat.postMessage" || calls[1].Method != "chat.update" ||
		!strings.Contains(blockTexts(calls[1].Blocks), "파일 검토 결과") {
		t.Fatalf("calls = %+v; want the placeholder updated with the overview, then the details", calls)
	}
}

// A whole form pasted in the DM is reviewed item by item as a plan, the
// same way as a file; an explicit "1.3 검토" with the same text reviews
// 1.3 alone.
func TestPastedFormStreamsAsPlan(t *testing.T) {
	files := &fakeFiles{}
	h, _ := newFileHarness(t, files)
	h.slack.set(func(f *fakeSlack) { f.chunks = true })
	form := pastedForm()
	h.event(t, eventBody("EvPlan3", dm(form, "1700005000.000100")), "")
	h.settle(t)
	if len(files.got) != 1 || files.items[0] != "" || !strings.Contains(string(files.got[0]), "1.3 개인정보") {
		t.Fatalf("reviewer got %d texts (items %q); want the whole form once", len(files.got), files.items)
	}
	starts := h.slack.accepted("chat.startStream")
	if len(starts) != 1 || starts[0].Mode != "plan" || starts[0].ThreadTS != "1700005000.000100" {
		t.Fatalf("stream starts = %+v; want a plan in the message's thread", starts)
	}
	statuses, outputs, _ := planTasks(h)
	if got := strings.Join(statuses[taskID("1.3")], " → "); got != "pending → in_progress → complete" || outputs[taskID("1.3")] == "" {
		t.Errorf("task 1.3: %s %q", got, outputs[taskID("1.3")])
	}
	stops := h.slack.accepted("chat.stopStream")
	if len(stops) != 1 || !strings.Contains(blockTexts(stops[0].Blocks), "전체 검토 결과") {
		t.Errorf("stops = %+v; want the overview", stops)
	}

	// Explicitly one item: the old single review, not the plan.
	h2 := newHarness(t)
	h2.event(t, eventBody("EvPlan4", dm("1.3 검토\n"+form, "1700005000.000200")), "")
	h2.settle(t)
	if got := h2.eng.called(); len(got) != 1 || !strings.HasPrefix(got[0], "review:1.3:") {
		t.Errorf("engine calls = %q; want a review of 1.3", got)
	}
}

// pastedForm is a short self-check form with three item sections.
func pastedForm() string {
	var b strings.Builder
	for _, s := range []struct{ id, title, body string }{
		{"1.2", "침해사고 대응 절차", "침해사고가 발생하면 보안팀이 24시간 안에 이용자에게 이메일로 알립니다. 원인을 분석하고 재발 방지 대책을 세웁니다."},
		{"1.3", "개인정보·데이터 관리정책", "수집한 개인정보는 AES-256으로 암호화하여 저장하고, 보유 기간이 지나면 지체 없이 파기합니다."},
		{"3.2", "고객대응 관리체계", "고객 문의는 헬프데스크에서 접수하고 영업일 기준 2일 안에 답변합니다. 처리 결과를 고객에게 회신합니다."},
	} {
		fmt.Fprintf(&b, "검토 항목 %s %s\n%s\n%s\n\n", s.id, s.title, s.body, s.body)
	}
	return b.String()
}

// "/selfcheck all <form>" typed in the app's DM is acked at once and
// reviewed as a plan in a thread of the DM, under a message the bot
// posts; typed in a channel it is answered privately as before.
func TestSlashFormInDMStreamsAsPlan(t *testing.T) {
	files := &fakeFiles{}
	h, _ := newFileHarness(t, files)
	h.slack.set(func(f *fakeSlack) { f.chunks = true })
	form := url.Values{"command": {"/selfcheck"}, "text": {"all " + pastedForm()}, "user_id": {"U1"}, "channel_id": {"D1"},
		"team_id": {"T1"}, "response_url": {h.resp.url("all")}, "trigger_id": {"trig"}}
	resp, body := h.do(t, h.signedRequest(t, "/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode())))
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "스레드") {
		t.Fatalf("ack = %d %s; want a private note that the review comes in the DM's thread", resp.StatusCode, body)
	}
	h.settle(t)
	posts := h.slack.accepted("chat.postMessage")
	if len(posts) == 0 || posts[0].Channel != "D1" || posts[0].ThreadTS != "" {
		t.Fatalf("posts = %+v; want the thread's first message at the top of the DM", posts)
	}
	root := posts[0].TS
	starts := h.slack.accepted("chat.startStream")
	if len(starts) != 1 || starts[0].Mode != "plan" || starts[0].ThreadTS != root {
		t.Fatalf("stream starts = %+v; want the plan in the thread of %s", starts, root)
	}
	statuses, _, _ := planTasks(h)
	if got := strings.Join(statuses[taskID("1.2")], " → "); got != "pending → in_progress → complete" {
		t.Errorf("task 1.2: %s", got)
	}
	if got := h.resp.all(); len(got) != 0 {
		t.Errorf("response_url posts = %+v; want the result in the DM's thread only", got)
	}
}
