package bot

import (
	"context"
	"log/slog"
	"regexp"
	"strings"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/botstate"
	"github.com/selfcheck/selfcheck/canned"
	"github.com/selfcheck/selfcheck/knowledge"
)

// Block and action IDs of the offer to save a staff reply as a canned
// answer.
const (
	blockSaveCandidate  = "save_candidate"
	actionSaveCandidate = "save_candidate"
)

// Texts of the offer.
const (
	textCandidateOffer   = "💡 이 스레드에 남긴 답변을 다음 질문에도 쓸 수 있게 *지원 답변*으로 저장할까요? 이름·항목·내용은 저장 창에서 고칠 수 있고, 저장하기 전에는 아무것도 바뀌지 않아요. (개인정보는 가려 두었어요)"
	textCandidateButton  = "이 답변을 지원 답변으로 저장"
	textCandidateGone    = "📄 이 답변은 이미 지원 답변으로 저장했거나 더 이상 없어요. `selfcheck canned candidates`로 남은 후보를 볼 수 있어요."
	textCandidateFailed  = "⚠️ 저장할 답변을 읽지 못했어요. 잠시 후 다시 시도해 주세요."
	textCandidateNotMine = "🔒 답변을 남긴 지원 담당자만 저장할 수 있어요."
)

// offerCandidate follows a resolved escalation: when a staff member
// replied in its thread, their reply (masked) is kept as a candidate and
// they are offered, privately, to save it as a canned answer. Nothing is
// saved until they submit the modal.
func (b *Bot) offerCandidate(ctx context.Context, log *slog.Logger, id, resolver string) {
	b.spawn(log, "candidate offer", func() {
		dctx, cancel := b.detach(ctx, deliveryTimeout)
		defer cancel()
		sctx, scancel := context.WithTimeout(dctx, stateTimeout)
		e, ok, err := b.state.ResolveEscalation(sctx, id, resolver)
		scancel()
		switch {
		case err != nil:
			log.Warn("resolution not recorded", "error", err)
			return
		case !ok || e.Thread == "" || b.cfg.CannedWriter == nil:
			return
		}
		if e.ReplyTS == "" {
			// A staff reply before the escalation counts as well.
			sctx, scancel := context.WithTimeout(dctx, stateTimeout)
			r, ok, _ := b.state.StaffReplied(sctx, e.Channel, e.Thread)
			scancel()
			if !ok {
				return
			}
			e.Replier, e.ReplyTS = r.User, r.TS
		}
		text := b.staffReplyText(dctx, log, e.Channel, e.Thread, e.ReplyTS)
		if text == "" {
			return
		}
		sctx, scancel = context.WithTimeout(dctx, stateTimeout)
		_, err = b.state.AddCandidate(sctx, botstate.Candidate{ID: id, Channel: e.Channel, Thread: e.Thread, Staff: e.Replier, Item: e.Item, Text: text})
		scancel()
		if err != nil {
			log.Warn("candidate not kept", "error", err)
			return
		}
		m := message{Text: textCandidateButton, Blocks: []slack.Block{
			sectionBlock(textCandidateOffer),
			slack.NewActionBlock(blockSaveCandidate, slack.NewButtonBlockElement(actionSaveCandidate, id, plain(textCandidateButton)).WithStyle(slack.StylePrimary)),
		}}
		if err := b.postEphemeral(dctx, log, e.Channel, e.Replier, e.Thread, m); err != nil {
			log.Info("candidate offer not shown in the thread, sending a DM", "error", err)
			if _, err := b.postMessage(dctx, log, e.Replier, "", m, ""); err != nil {
				log.Warn("candidate offer not delivered", "error", err)
				return
			}
		}
		log.Info("candidate offered", "staff", e.Replier, "text_len", len(text))
	})
}

// staffReplyText reads a staff reply from the thread and masks it: it is
// staff text, but it may still quote an applicant's name or number.
func (b *Bot) staffReplyText(ctx context.Context, log *slog.Logger, channel, thread, ts string) string {
	hctx, cancel := context.WithTimeout(ctx, historyTimeout)
	defer cancel()
	msgs, _, _, err := b.api.GetConversationRepliesContext(hctx, &slack.GetConversationRepliesParameters{
		ChannelID: channel, Timestamp: thread, Limit: historyLimit * 10})
	if err != nil {
		log.Info("staff reply not read", "error", err)
		return ""
	}
	for _, m := range msgs {
		if m.Timestamp == ts {
			t := knowledge.Redact(knowledge.Normalize(fromSlack(stripMentions(m.Text, b.userID()))))
			return cutUnits(strings.TrimSpace(t), min(maxModalText, canned.MaxTextLen))
		}
	}
	return ""
}

// onSaveCandidate opens the canned-answer modal prefilled with the
// candidate: for the staff member it was offered to.
func (b *Bot) onSaveCandidate(ctx context.Context, log *slog.Logger, ic slack.InteractionCallback, a *slack.BlockAction) {
	c := clickOf(ic)
	log = log.With("action", "save_candidate", "user", c.user, "channel", c.channel)
	if b.cfg.CannedWriter == nil || !b.isStaff(c.user) {
		b.tellLater(ctx, log, c.responseURL, c.channel, c.user, textStaffOnly)
		return
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stateTimeout)
	cand, ok, err := b.state.Candidate(sctx, a.Value)
	cancel()
	switch {
	case err != nil:
		log.Warn("candidate unavailable", "error", err)
		b.tellLater(ctx, log, c.responseURL, c.channel, c.user, textCandidateFailed)
		return
	case !ok || cand.Saved != "":
		b.tellLater(ctx, log, c.responseURL, c.channel, c.user, textCandidateGone)
		return
	case cand.Staff != c.user:
		b.tellLater(ctx, log, c.responseURL, c.channel, c.user, textCandidateNotMine)
		return
	}
	view := cannedModalFor(canned.Answer{Name: candidateName(cand), Item: cand.Item, Text: cand.Text}, cand.Channel, cand.ID)
	b.spawn(log, "open canned modal", func() {
		octx, cancel := b.detach(ctx, openViewTimeout)
		defer cancel()
		if _, err := b.api.OpenViewContext(octx, ic.TriggerID, view); err != nil {
			log.Warn("canned modal not opened", "error", err)
			b.tellLater(ctx, log, c.responseURL, c.channel, c.user, textModalNotOpened)
			return
		}
		log.Info("canned modal opened", "candidate", true)
	})
}

var reNameUnsafe = regexp.MustCompile(`[^a-z0-9]+`)

// candidateName suggests a name for a candidate: its item and a short
// part of its ID, as canned.ValidName wants (staff change it at will).
func candidateName(c botstate.Candidate) string {
	id := c.ID
	if len(id) > 6 {
		id = id[:6]
	}
	item := strings.Trim(reNameUnsafe.ReplaceAllString(strings.ToLower(c.Item), "-"), "-")
	name := strings.Trim("staff-"+item+"-"+reNameUnsafe.ReplaceAllString(id, ""), "-")
	name = strings.ReplaceAll(name, "--", "-")
	if !canned.ValidName(name) {
		return ""
	}
	return name
}

// markCandidateSaved records that a candidate became the answer name.
func (b *Bot) markCandidateSaved(ctx context.Context, log *slog.Logger, id, name string) {
	if id == "" {
		return
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stateTimeout)
	defer cancel()
	if err := b.state.MarkCandidateSaved(sctx, id, name); err != nil {
		log.Warn("candidate not marked saved", "error", err)
		return
	}
	log.Info("candidate saved", "name", name)
}
