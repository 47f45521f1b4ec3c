package bot

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/engine"
)

// Block and action IDs of the "전체 답변 보기" button under a canned answer
// shown first.
const (
	blockCannedFull  = "canned_full"
	actionCannedFull = "canned_full"
)

// Texts of a canned answer shown first in a thread.
const (
	textCannedFirst      = "✅ *담당자 확인 답변* (`%s`)"
	textCannedWhy        = "🔎 질문과 가장 가까운 표현: “%s”"
	textCannedFullBtn    = "전체 답변 보기"
	textCannedFullNote   = "봇이 찾은 전체 답변은 아래 버튼으로 볼 수 있어요."
	textCannedFullPosted = "📄 전체 답변을 스레드에 올렸어요."
	textCannedFullGone   = "📄 전체 답변은 이미 올렸거나, 시간이 지나 더 볼 수 없어요. 질문을 다시 보내 주세요."
)

// renderAsk renders the answer to a question. In a conversation (a
// thread, a DM), an answer led by a canned answer shows the canned
// answer alone, why it matched, and a button that posts the bot's own
// answer; a canned answer already offered in that conversation is not
// offered again, and the bot's own answer comes alone. Elsewhere (a
// /selfcheck reply) the answer is rendered as the engine composed it.
func (b *Bot) renderAsk(ctx context.Context, log *slog.Logger, a engine.Answer, o origin) doc {
	if a.Canned == nil || o.conversation == nil {
		return renderAnswer(a, "ask", "")
	}
	own, ok := ownAnswer(a)
	if !ok {
		return renderAnswer(a, "ask", "")
	}
	conv := o.conversation
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stateTimeout)
	defer cancel()
	first, err := b.state.Once(sctx, "canned:"+conv.channel+"/"+conv.thread+"/"+a.Canned.Name)
	if err != nil {
		// Offering it again is the lesser harm.
		log.Warn("canned offers unavailable", "error", err)
		first = true
	}
	if !first {
		log.Info("canned answer not offered again", "name", a.Canned.Name)
		return renderAnswer(own, "ask", "")
	}
	raw, err := json.Marshal(own)
	if err != nil {
		return renderAnswer(a, "ask", "")
	}
	key := newKey()
	if err := b.state.Keep(sctx, "full:"+key, string(raw)); err != nil {
		log.Warn("full answer not kept; shown with the canned answer", "error", err)
		return renderAnswer(a, "ask", "")
	}
	log.Info("canned answer offered", "name", a.Canned.Name, "why", a.Canned.Why != "")
	return renderCannedFirst(a, key)
}

// ownAnswer is a minus the canned answer it leads with: the bot's own
// answer. The engine puts the canned text first, then the answer; ok is
// false when a does not have that shape.
func ownAnswer(a engine.Answer) (engine.Answer, bool) {
	text := strings.TrimSpace(a.Canned.Text)
	i := strings.Index(a.Answer, text)
	if text == "" || i < 0 {
		return a, false
	}
	own := a
	own.Canned = nil
	own.Answer = strings.TrimSpace(a.Answer[i+len(text):])
	own.Parts = slices.DeleteFunc(slices.Clone(a.Parts), func(p engine.Part) bool { return p.Kind == engine.PartCanned })
	return own, true
}

// renderCannedFirst shows the canned answer of a, why it matched, and
// the button that posts the rest (kept under key).
func renderCannedFirst(a engine.Answer, key string) doc {
	ref := a.Canned
	text := fmt.Sprintf(textCannedFirst, ref.Name) + "\n" + escapeMrkdwn(strings.TrimSpace(ref.Text))
	d := doc{Fallback: truncate(escapeMrkdwn(ref.Text), maxFallbackText), Title: ref.Name}
	d.Body = append(d.Body, sections(text)...)
	notes := []string{}
	if ref.Why != "" {
		notes = append(notes, fmt.Sprintf(textCannedWhy, escapeText(ref.Why)))
	}
	notes = append(notes, textCannedFullNote)
	d.Body = append(d.Body, contextBlock(strings.Join(notes, "\n")),
		slack.NewActionBlock(blockCannedFull, slack.NewButtonBlockElement(actionCannedFull, key, plain(textCannedFullBtn))))
	d.Footer = answerFooter("ask", a.Kind(), cmp.Or(a.Item, ref.Item))
	return d
}

// newKey is a random key for a kept answer; it rides in a button value.
func newKey() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// onCannedFull posts the bot's own answer behind a canned answer in the
// thread, once: the kept answer is taken, so a second click (or a second
// user) finds nothing and is told so privately.
func (b *Bot) onCannedFull(ctx context.Context, log *slog.Logger, c click, a *slack.BlockAction) {
	log = log.With("action", "canned_full", "user", c.user, "channel", c.channel)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stateTimeout)
	raw, ok, err := b.state.Take(sctx, "full:"+a.Value)
	cancel()
	if err != nil {
		log.Error("full answer unavailable", "error", err)
		b.tellLater(ctx, log, c.responseURL, c.channel, c.user, textFailed)
		return
	}
	var own engine.Answer
	if ok {
		ok = json.Unmarshal([]byte(raw), &own) == nil
	}
	if !ok {
		log.Info("full answer already posted or expired")
		b.tellLater(ctx, log, c.responseURL, c.channel, c.user, textCannedFullGone)
		return
	}
	msgs := b.guided(paginate(renderAnswer(own, "ask", "")))
	b.spawn(log, "canned full answer", func() {
		dctx, cancel := b.detach(ctx, deliveryTimeout)
		defer cancel()
		if err := b.postThread(dctx, log, c.channel, c.threadTS, msgs, ""); err != nil {
			log.Error("full answer not posted", "error", err)
			return
		}
		log.Info("full answer posted")
		if c.msgTS == "" || len(c.blocks) == 0 {
			return
		}
		blocks := replaceBlock(c.blocks, blockCannedFull, contextBlock(textCannedFullPosted))
		if err := b.updateMessage(dctx, log, c.channel, c.msgTS, message{Text: textCannedFullPosted, Blocks: blocks}); err != nil {
			log.Info("canned message not updated", "error", err)
		}
	})
}
