package bot

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/botstate"
	"github.com/selfcheck/selfcheck/storage/storagetest"
)

// The help channel's own examples: questions as applicants write them in
// a channel (formal, colloquial, English) and messages that must get
// nothing.
const (
	autoQuestion   = "개인정보 파기 절차는 정책서 어디에 적어야 하나요?"
	autoColloquial = "비번 암호화 방식은 뭘로 적어야 됨?"
	autoEnglish    = "Do we need a separate breach notice procedure for 1.2?"
	autoSmallTalk  = "안녕하세요, 이번 주부터 함께하게 되었어요. 잘 부탁드립니다!"
	autoAnnounce   = "[공지] 다음 주 월요일은 시스템 점검으로 접수가 없습니다."
)

// channelMsg is a message.channels event: a message posted in channel C1
// by user (in thread threadTS when set).
func channelMsg(user, text, ts, threadTS string) map[string]any {
	ev := map[string]any{"type": "message", "channel_type": "channel", "user": user, "text": text, "ts": ts, "channel": "C1", "event_ts": ts}
	if threadTS != "" {
		ev["thread_ts"] = threadTS
	}
	return ev
}

// slashIn sends /selfcheck TEXT as user in channel, and returns the
// ack's text and blocks.
func (h *harness) slashIn(t *testing.T, user, channel, text string) string {
	t.Helper()
	form := url.Values{"command": {"/selfcheck"}, "text": {text}, "user_id": {user}, "channel_id": {channel},
		"team_id": {"T1"}, "response_url": {h.resp.url("s" + user)}, "trigger_id": {"trig"}}
	resp, body := h.do(t, h.signedRequest(t, "/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode())))
	if resp.StatusCode != 200 {
		t.Fatalf("slash status = %d", resp.StatusCode)
	}
	h.settle(t)
	out := string(body)
	for _, r := range h.resp.all() {
		out += r.Text + blockTexts(r.Blocks)
	}
	return out
}

func staffHarness(t *testing.T, opts ...func(*Config)) *harness {
	return newHarness(t, append([]func(*Config){func(c *Config) { c.SupportStaff = []string{testStaff} }}, opts...)...)
}

func (h *harness) mode(t *testing.T, channel string) string {
	t.Helper()
	m, err := h.bot.state.ChannelMode(context.Background(), channel)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Only staff set a channel's mode; anyone else is refused and nothing
// changes.
func TestChannelModeStaffOnly(t *testing.T) {
	h := staffHarness(t)
	if got := h.slashIn(t, "U1", "C1", "channel auto"); !strings.Contains(got, "지원 담당자만") {
		t.Errorf("non-staff told %q; want a refusal", got)
	}
	if m := h.mode(t, "C1"); m != botstate.ModeMention {
		t.Fatalf("mode after a refused change = %q", m)
	}
	if got := h.slashIn(t, testStaff, "C1", "channel auto"); !strings.Contains(got, "자동 답변") {
		t.Errorf("staff told %q; want the new mode", got)
	}
	if m := h.mode(t, "C1"); m != botstate.ModeAuto {
		t.Errorf("mode = %q; want auto", m)
	}
	if got := h.slashIn(t, testStaff, "C1", "channel loud"); !strings.Contains(got, "auto") || h.mode(t, "C1") != botstate.ModeAuto {
		t.Errorf("a bad mode: told %q, mode %q", got, h.mode(t, "C1"))
	}
	if got := h.slashIn(t, testStaff, "D1", "channel auto"); !strings.Contains(got, "채널에서") {
		t.Errorf("in a DM: told %q", got)
	}
}

// In an auto channel a top-level question gets one threaded answer whose
// buttons call the staff at once; small talk, announcements, staff, bots
// and thread replies get nothing.
func TestAutoChannelAnswersQuestionsOnly(t *testing.T) {
	h := staffHarness(t)
	h.slashIn(t, testStaff, "C1", "channel auto")
	before := len(h.eng.called())

	for i, ev := range []map[string]any{
		channelMsg("U1", autoSmallTalk, "1700005000.000001", ""),
		channelMsg("U1", autoAnnounce, "1700005000.000002", ""),
		channelMsg(testStaff, autoQuestion, "1700005000.000003", ""),
		channelMsg("U1", autoQuestion, "1700005000.000004", "1700004000.000001"),
		func() map[string]any {
			ev := channelMsg("U2", autoQuestion, "1700005000.000005", "")
			ev["bot_id"], ev["subtype"] = "B9", "bot_message"
			return ev
		}(),
	} {
		h.event(t, eventBody("EvQuiet"+string(rune('a'+i)), ev), "")
	}
	h.settle(t)
	if posts := h.slack.accepted(""); len(posts) != 0 || len(h.eng.called()) != before {
		t.Fatalf("quiet messages got %+v (engine calls %v)", posts, h.eng.called()[before:])
	}

	for i, q := range []string{autoQuestion, autoColloquial, autoEnglish} {
		ts := "1700005100.00000" + string(rune('1'+i))
		h.event(t, eventBody("EvAuto"+ts, channelMsg("U1", q, ts, "")), "")
		h.event(t, eventBody("EvAutoRetry"+ts, channelMsg("U1", q, ts, "")), "1")
	}
	h.settle(t)
	posts := h.slack.accepted("chat.postMessage")
	if len(posts) != 3 {
		t.Fatalf("answers = %d; want one per question: %+v", len(posts), posts)
	}
	for i, p := range posts {
		if p.Channel != "C1" || p.ThreadTS == "" {
			t.Errorf("answer %d posted to %s/%q; want the question's thread", i, p.Channel, p.ThreadTS)
		}
		btn := findButton(p.Blocks, actionEscalate)
		if btn == nil || !strings.HasPrefix(btn["value"].(string), kindAuto+"|") {
			t.Errorf("answer %d escalation button = %v; want it marked auto", i, btn)
		}
	}
	if n := len(h.slack.callsOf("assistant.threads.setStatus")); n != 0 {
		t.Errorf("auto answers set the thread status %d times; want none", n)
	}
}

// A pasted draft in an auto channel gets only the private pointer, never
// a review in public.
func TestAutoChannelDraftStaysPrivate(t *testing.T) {
	h := staffHarness(t)
	h.slashIn(t, testStaff, "C1", "channel auto")
	draft := "1.3 검토\n" + strings.Repeat("당사는 개인정보를 AES-256으로 암호화하여 저장하고 파기 시 복구할 수 없도록 합니다. ", 4)
	h.event(t, eventBody("EvDraft", channelMsg("U1", draft, "1700005200.000001", "")), "")
	h.settle(t)
	for _, c := range h.slack.accepted("") {
		if c.Method != "chat.postEphemeral" {
			t.Errorf("a draft in the channel got %s", c.Method)
		}
		if strings.Contains(c.Text+blockTexts(c.Blocks), "AES-256") {
			t.Errorf("the draft was echoed: %s", c.Text)
		}
	}
	if n := len(h.slack.accepted("chat.postEphemeral")); n != 1 {
		t.Errorf("private pointers = %d; want 1", n)
	}
}

// Staff who reply in the thread before the answer is ready keep the
// thread: the bot checks before posting, and a later question in a thread
// staff answered gets nothing either.
func TestAutoChannelYieldsToStaff(t *testing.T) {
	h := staffHarness(t)
	h.slashIn(t, testStaff, "C1", "channel auto")
	const q = "1700005300.000001"
	// Staff answered in the thread; the event of their reply is not in.
	h.slack.addHistory("C1", q, "", "U1", autoQuestion)
	h.slack.addHistory("C1", "1700005300.000002", q, testStaff, "정책서 7조에 적으시면 돼요.")
	h.event(t, eventBody("EvYield", channelMsg("U1", autoQuestion, q, "")), "")
	h.settle(t)
	if posts := h.slack.accepted("chat.postMessage"); len(posts) != 0 {
		t.Fatalf("the bot answered a thread staff answered: %+v", posts)
	}

	// The staff reply's event is recorded: the thread stays theirs.
	const q2 = "1700005400.000001"
	h.event(t, eventBody("EvStaffReply", channelMsg(testStaff, "제가 확인해 드릴게요.", "1700005400.000002", q2)), "")
	h.settle(t)
	if _, ok, _ := h.bot.state.StaffReplied(context.Background(), "C1", q2); !ok {
		t.Fatal("staff reply not recorded")
	}
	h.event(t, eventBody("EvAfterStaff", channelMsg("U1", "그럼 "+autoQuestion, "1700005400.000003", q2)), "")
	h.settle(t)
	if posts := h.slack.accepted("chat.postMessage"); len(posts) != 0 {
		t.Fatalf("the bot answered in a thread staff answered: %+v", posts)
	}
}

// A mention channel behaves as before: mentions are answered, other
// messages are not; an off channel answers nothing.
func TestMentionAndOffChannels(t *testing.T) {
	h := staffHarness(t)
	h.event(t, eventBody("EvM1", channelMsg("U1", autoQuestion, "1700005500.000001", "")), "")
	h.event(t, eventBody("EvM2", mention("<@UBOT> "+autoQuestion, "1700005500.000002", "")), "")
	h.settle(t)
	posts := h.slack.accepted("chat.postMessage")
	if len(posts) != 1 || posts[0].ThreadTS != "1700005500.000002" {
		t.Fatalf("mention channel posts = %+v; want the mention answered only", posts)
	}
	if btn := findButton(posts[0].Blocks, actionEscalate); btn == nil || strings.HasPrefix(btn["value"].(string), kindAuto) {
		t.Errorf("a mention's answer is marked auto: %v", btn)
	}

	h.slashIn(t, testStaff, "C1", "channel off")
	h.event(t, eventBody("EvO1", channelMsg("U1", autoQuestion, "1700005600.000001", "")), "")
	h.event(t, eventBody("EvO2", mention("<@UBOT> "+autoQuestion, "1700005600.000002", "")), "")
	h.settle(t)
	if n := len(h.slack.accepted("chat.postMessage")); n != 1 {
		t.Errorf("an off channel answered: %d posts", n)
	}
}

// A 👎 on an auto answer calls the staff in the thread at once.
func TestAutoAnswerThumbsDownCallsStaff(t *testing.T) {
	h := staffHarness(t)
	h.slashIn(t, testStaff, "C1", "channel auto")
	const q = "1700005700.000001"
	h.event(t, eventBody("EvDown", channelMsg("U1", autoQuestion, q, "")), "")
	h.settle(t)
	answer := h.slack.waitMethod(t, "chat.postMessage", 1)[0]
	h.clickButton(t, buttonClick("U1", "C1", answer.TS, q, actionFeedback, botstate.VoteDown+"|"+kindAuto+"|1.3|ask", h.resp.url("down"), answer.Blocks))
	posts := h.slack.callsOf("chat.postMessage")
	if len(posts) != 2 {
		t.Fatalf("posts = %d; want the answer and the call to staff", len(posts))
	}
	if body := blockTexts(posts[1].Blocks); posts[1].ThreadTS != q || !strings.Contains(body, "<@"+testStaff+">") {
		t.Errorf("call to staff = %s/%s %q", posts[1].Channel, posts[1].ThreadTS, body)
	}
}

// Channel settings survive a restart and are shared by two replicas on
// one database: a mode set through one bot is the mode of the other.
func TestChannelModeSharedByReplicas(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			cfg := botstate.Config{Dir: t.TempDir()}
			if backend == "postgres" {
				u := storagetest.URL(t)
				cfg = botstate.Config{DatabaseURL: u, PGSchema: storagetest.Schema(t, u)}
			}
			openState := func() *botstate.Store {
				st, err := botstate.Open(context.Background(), cfg)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				return st
			}
			first := openState()
			a := staffHarness(t, func(c *Config) { c.State = first })
			a.slashIn(t, testStaff, "C1", "channel auto")
			first.Close() // a restart

			b := staffHarness(t, func(c *Config) { c.State = openState() })
			b.event(t, eventBody("EvRep", channelMsg("U1", autoQuestion, "1700005800.000001", "")), "")
			b.settle(t)
			if n := len(b.slack.accepted("chat.postMessage")); n != 1 {
				t.Errorf("the other replica answered %d times; want 1 (auto)", n)
			}
		})
	}
}

// With the real engine judging relevance, a question-shaped message that
// is small talk gets nothing, a question about the checklist its answer.
func TestAutoChannelRelevance(t *testing.T) {
	eng, _ := realEngine(t, nil)
	h := staffHarness(t, func(c *Config) { c.Answerer, c.Reviewer = eng, eng })
	h.slashIn(t, testStaff, "C1", "channel auto")
	h.event(t, eventBody("EvRel1", channelMsg("U1", "오늘 점심 메뉴 정하신 분 계신가요?", "1700009000.000001", "")), "")
	h.settle(t)
	if posts := h.slack.accepted("chat.postMessage"); len(posts) != 0 {
		t.Fatalf("small talk got %d answers", len(posts))
	}
	h.event(t, eventBody("EvRel2", channelMsg("U1", autoColloquial, "1700009000.000002", "")), "")
	h.settle(t)
	if posts := h.slack.accepted("chat.postMessage"); len(posts) != 1 || posts[0].ThreadTS != "1700009000.000002" {
		t.Fatalf("a checklist question got %+v; want one threaded answer", posts)
	}
}

// The staff Home tab lists the channels' settings.
func TestHomeTabListsChannelModes(t *testing.T) {
	h := staffHarness(t)
	h.slashIn(t, testStaff, "C1", "channel auto")
	h.event(t, homeOpened("EvHCM", testStaff, "home"), "")
	h.settle(t)
	home := h.slack.waitMethod(t, "views.publish", 1)[0]
	if body := blockTexts(home.Blocks); !strings.Contains(body, "<#C1> — 자동 답변 (auto) (<@"+testStaff+">") {
		t.Errorf("home tab lacks the channel setting:\n%s", body)
	}
}

// "담당자에게 묻기" on an auto answer calls the staff at once and still
// opens the modal, whose answers follow as an addition.
func TestAutoAnswerEscalatesAtOnce(t *testing.T) {
	h := staffHarness(t)
	h.slashIn(t, testStaff, "C1", "channel auto")
	const q = "1700009100.000001"
	h.event(t, eventBody("EvAE", channelMsg("U1", autoQuestion, q, "")), "")
	h.settle(t)
	answer := h.slack.waitMethod(t, "chat.postMessage", 1)[0]
	btn := findButton(answer.Blocks, actionEscalate)
	h.clickButton(t, withTrigger(buttonClick("U1", "C1", answer.TS, q, actionEscalate, btn["value"].(string), h.resp.url("ae"), answer.Blocks)))
	posts := h.slack.callsOf("chat.postMessage")
	if len(posts) != 2 || !strings.Contains(blockTexts(posts[1].Blocks), "<@"+testStaff+">") {
		t.Fatalf("posts after the click = %d; want the staff called at once", len(posts))
	}
	opened := h.slack.waitMethod(t, "views.open", 1)[0]
	h.interact(t, escalationSubmission("U1", opened.View, botstate.UrgencyLater, "예시가 더 필요해요"))
	h.settle(t)
	posts = h.slack.callsOf("chat.postMessage")
	if len(posts) != 3 || !strings.Contains(blockTexts(posts[2].Blocks), "여유 있음") || !strings.Contains(blockTexts(posts[2].Blocks), "덧붙였어요") {
		t.Fatalf("after the modal: %d posts; want the addition with the urgency", len(posts))
	}
}
