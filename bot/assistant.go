package bot

import (
	"context"
	"log/slog"
	"strings"

	"github.com/slack-go/slack"
)

// Texts of the assistant view (Slack's split view for AI apps).
const (
	textGreeting      = "안녕하세요! 디지털서비스 심사 자가 점검을 도와드려요. 항목 번호(예: `1.3`)로 작성 안내를 받거나, 질문하거나, `1.2 검토` 다음 줄에 초안을 붙여 보내 검토받을 수 있어요. 초안은 이 대화에서만 다뤄요."
	textPromptsTitle  = "이렇게 시작해 보세요"
	maxTitleChars     = 60
	maxSuggestPrompts = 4 // Slack shows at most four
)

// suggestedPrompts are offered when a user opens an assistant thread:
// a title the user sees and the message sent when they pick it.
var suggestedPrompts = []slack.AssistantThreadsPrompt{
	{Title: "1.3에 들어갈 내용", Message: "1.3에는 무엇이 포함되어야 하나요?"},
	{Title: "초안 검토하는 법", Message: "초안은 어떻게 검토받나요?"},
	{Title: "보안인증서가 있으면?", Message: "보안인증서가 있으면 어떤 항목을 생략할 수 있나요?"},
	{Title: "심사 절차", Message: "디지털서비스 심사는 어떻게 진행되나요?"},
}

// assistantThread is the assistant_thread of assistant_thread_started and
// assistant_thread_context_changed events.
type assistantThread struct {
	UserID    string `json:"user_id"`
	ChannelID string `json:"channel_id"`
	ThreadTS  string `json:"thread_ts"`
}

// setTitle names an assistant thread after its first request: one the
// bot has not answered in yet (it has no topic). A review is named by its
// item, never by the draft.
func (b *Bot) setTitle(ctx context.Context, log *slog.Logger, channel, threadTS string, in intent) {
	if threadTS == "" {
		return
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stateTimeout)
	_, answered, err := b.state.Topic(sctx, channel, threadTS)
	cancel()
	if err != nil || answered {
		return
	}
	var title string
	switch in.kind {
	case intentReview, intentNeedDraft:
		title = in.item + " 초안 검토"
	case intentGuide:
		title = b.itemTitle(in.item) + " 작성 안내"
	case intentAsk:
		title = strings.Join(strings.Fields(in.text), " ")
	default:
		return
	}
	if r := []rune(title); len(r) > maxTitleChars {
		title = string(r[:maxTitleChars-1]) + "…"
	}
	// In the background: the answer must not wait for the title.
	b.spawn(log, "thread title", func() {
		tctx, cancel := b.detach(ctx, deliveryTimeout)
		defer cancel()
		err := b.api.SetAssistantThreadsTitleContext(tctx, slack.AssistantThreadsSetTitleParameters{ChannelID: channel, ThreadTS: threadTS, Title: title})
		if err != nil {
			log.Info("thread title not set", "error", err)
		}
	})
}
