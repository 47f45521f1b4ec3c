package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/canned"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/storage"
)

// callbackSaveCanned is the callback_id of the "Save as canned answer"
// message shortcut (see manifest.yaml) and of the modal it opens.
const callbackSaveCanned = "save_canned"

// Block IDs of the modal's inputs; field errors are keyed by them.
const (
	blockCannedName  = "name"
	blockCannedItem  = "item"
	blockCannedText  = "text"
	blockCannedForce = "force"
	// actionCannedInput is the action_id of the element in each input.
	actionCannedInput = "value"
	// optionReplace is the value of the "replace" checkbox.
	optionReplace = "replace"
)

// maxModalText is the most a plain_text_input takes (Slack's limit).
const maxModalText = 3000

// openViewTimeout bounds views.open; the trigger_id it needs expires 3 s
// after the click anyway.
const openViewTimeout = 5 * time.Second

const (
	textModalTitle     = "답변 저장"
	textModalCut       = "⚠️ 메시지가 %d자를 넘어 앞부분만 채웠어요. 더 긴 답변은 서버에서 `selfcheck canned add`로 저장해 주세요."
	textModalNotOpened = "⚠️ 답변 저장 창을 열지 못했어요. 메시지 메뉴에서 다시 시도해 주세요."
	textModalExists    = "같은 이름의 답변이 이미 있어요. 다른 이름을 쓰거나 아래 '같은 이름의 답변이 있으면 바꾸기'를 선택해 주세요."
	textModalFailed    = "저장하지 못했어요. 잠시 후 다시 시도해 주세요."
	textModalLate      = "⚠️ `%s` 답변을 저장하지 못했어요: %s"
)

// modalMeta is the modal's private_metadata: where the shortcut was used,
// so that the confirmation can go there (chat.postEphemeral needs the
// channel, and a view submission does not carry one).
type modalMeta struct {
	Channel string `json:"channel,omitempty"`
	// Candidate is the staff reply the modal was prefilled from
	// (candidate.go), marked saved when the answer is.
	Candidate string `json:"candidate,omitempty"`
}

// onInteraction routes an interaction and returns what to ack it with:
// field errors for a modal submission, nil (an empty ack) otherwise.
func (b *Bot) onInteraction(ctx context.Context, log *slog.Logger, ic slack.InteractionCallback) *slack.ViewSubmissionResponse {
	switch {
	case ic.Type == slack.InteractionTypeBlockActions:
		b.onFeedback(ctx, log, ic)
		b.onButtons(ctx, log, ic)
	case ic.Type == slack.InteractionTypeMessageAction && ic.CallbackID == callbackSaveCanned:
		b.onSaveShortcut(ctx, log, ic)
	case ic.Type == slack.InteractionTypeViewSubmission && ic.View.CallbackID == callbackSaveCanned:
		return b.onSaveSubmission(ctx, log, ic)
	case ic.Type == slack.InteractionTypeViewSubmission && ic.View.CallbackID == callbackFeedbackReason:
		return b.onFeedbackSubmission(ctx, log, ic)
	case ic.Type == slack.InteractionTypeViewSubmission && ic.View.CallbackID == callbackEscalate:
		return b.onEscalateSubmission(ctx, log, ic)
	default:
		log.Debug("interaction ignored", "type", string(ic.Type), "callback_id", ic.CallbackID)
	}
	return nil
}

// onSaveShortcut opens the save modal, prefilled with the message, for
// staff; anyone else gets a private refusal.
func (b *Bot) onSaveShortcut(ctx context.Context, log *slog.Logger, ic slack.InteractionCallback) {
	user, channel := ic.User.ID, ic.Channel.ID
	log = log.With("user", user, "channel", channel, "callback_id", ic.CallbackID)
	switch {
	case b.cfg.CannedWriter == nil:
		b.tellLater(ctx, log, ic.ResponseURL, channel, user, textCannedReadOnly)
		return
	case !b.isStaff(user):
		log.Info("canned change refused", "action", "shortcut", "user", user, "reason", "not support staff")
		b.tellLater(ctx, log, ic.ResponseURL, channel, user, textStaffOnly)
		return
	}
	view := cannedModal(fromSlack(ic.Message.Text), channel)
	b.spawn(log, "open canned modal", func() {
		octx, cancel := b.detach(ctx, openViewTimeout)
		defer cancel()
		if _, err := b.api.OpenViewContext(octx, ic.TriggerID, view); err != nil {
			log.Warn("canned modal not opened", "error", err)
			b.tellLater(ctx, log, ic.ResponseURL, channel, user, textModalNotOpened)
			return
		}
		log.Info("canned modal opened")
	})
}

// cannedModal builds the save form: name, optional item, the text
// prefilled from the message, and a checkbox to replace an existing
// answer. channel rides along in private_metadata.
func cannedModal(text, channel string) slack.ModalViewRequest {
	return cannedModalFor(canned.Answer{Text: text}, channel, "")
}

// cannedModalFor is cannedModal with the name and item prefilled too, and
// the candidate it comes from ("" for none) in private_metadata.
func cannedModalFor(a canned.Answer, channel, candidate string) slack.ModalViewRequest {
	text := strings.TrimSpace(a.Text)
	cut := textLen(text) > maxModalText
	if cut {
		text = cutUnits(text, maxModalText)
	}

	name := slack.NewPlainTextInputBlockElement(plain("예: cloud-cert"), actionCannedInput)
	name.MaxLength = canned.MaxNameLen
	name.FocusOnLoad = true
	name.InitialValue = a.Name
	item := slack.NewPlainTextInputBlockElement(plain("예: 1.3"), actionCannedInput)
	item.MaxLength = canned.MaxItemLen
	item.InitialValue = a.Item
	body := slack.NewPlainTextInputBlockElement(nil, actionCannedInput)
	body.Multiline = true
	body.MaxLength = maxModalText
	body.InitialValue = text
	replace := slack.NewCheckboxGroupsBlockElement(actionCannedInput,
		slack.NewOptionBlockObject(optionReplace, plain("같은 이름의 답변이 있으면 바꾸기"), nil))

	blocks := []slack.Block{
		slack.NewInputBlock(blockCannedName, plain("이름"),
			plain("영문 소문자, 숫자, '-'만 (64자 이하). /selfcheck canned post 이름 으로 올릴 때 씁니다."), name),
		slack.NewInputBlock(blockCannedItem, plain("항목"), plain("이 답변이 속한 점검 항목이 있으면 적어 주세요."), item).WithOptional(true),
		slack.NewInputBlock(blockCannedText, plain("답변 내용"), nil, body),
		slack.NewInputBlock(blockCannedForce, plain("덮어쓰기"), nil, replace).WithOptional(true),
	}
	if cut {
		blocks = append(blocks, contextBlock(fmt.Sprintf(textModalCut, maxModalText)))
	}
	meta, _ := json.Marshal(modalMeta{Channel: channel, Candidate: candidate}) // a struct of strings always marshals
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      callbackSaveCanned,
		Title:           plain(textModalTitle),
		Submit:          plain("저장"),
		Close:           plain("취소"),
		Blocks:          slack.Blocks{BlockSet: blocks},
		PrivateMetadata: string(meta),
	}
}

// modalValue is the value of one input of a submitted modal.
func modalValue(ic slack.InteractionCallback, blockID string) slack.BlockAction {
	if ic.View.State == nil {
		return slack.BlockAction{}
	}
	return ic.View.State.Values[blockID][actionCannedInput]
}

// onSaveSubmission validates and saves a submitted modal. Field errors
// keep the modal open with the error under the field; otherwise the
// modal closes and the outcome follows as a private message. The save
// gets AckTimeout: if the store is slower, the modal closes at once and
// the outcome, success or not, still arrives as a message.
func (b *Bot) onSaveSubmission(ctx context.Context, log *slog.Logger, ic slack.InteractionCallback) *slack.ViewSubmissionResponse {
	var meta modalMeta
	_ = json.Unmarshal([]byte(ic.View.PrivateMetadata), &meta) // missing or odd: confirm by DM
	user := ic.User.ID
	log = log.With("user", user, "channel", meta.Channel, "callback_id", ic.View.CallbackID)
	switch {
	case b.cfg.CannedWriter == nil:
		return slack.NewErrorsViewSubmissionResponse(map[string]string{blockCannedName: textCannedReadOnly})
	case !b.isStaff(user):
		log.Info("canned change refused", "action", "save", "user", user, "reason", "not support staff")
		return slack.NewErrorsViewSubmissionResponse(map[string]string{blockCannedName: textStaffOnlyField})
	}

	a := canned.Answer{
		Name: strings.TrimSpace(modalValue(ic, blockCannedName).Value),
		Item: strings.TrimSpace(modalValue(ic, blockCannedItem).Value),
		// Modal input is not HTML-escaped, but it may be NFD from a
		// macOS paste or carry CRLF; Normalize makes it match the rest.
		Text: knowledge.Normalize(modalValue(ic, blockCannedText).Value),
	}
	force := false
	for _, o := range modalValue(ic, blockCannedForce).SelectedOptions {
		force = force || o.Value == optionReplace
	}

	// Checked here first so that the usual mistakes need no store call.
	errs := map[string]string{}
	if !canned.ValidName(a.Name) {
		errs[blockCannedName] = textCannedBadName
	}
	switch t := strings.TrimSpace(a.Text); {
	case t == "":
		errs[blockCannedText] = textCannedEmptyText
	case utf8.RuneCountInString(t) > canned.MaxTextLen:
		errs[blockCannedText] = fmt.Sprintf(textCannedTooLong, canned.MaxTextLen)
	}
	if len(errs) > 0 {
		log.Info("canned save rejected", "user", user, "reason", "invalid input", "fields", len(errs))
		return slack.NewErrorsViewSubmissionResponse(errs)
	}

	type outcome struct {
		saved   canned.Answer
		existed bool
		err     error
	}
	wctx, cancel := b.detach(ctx, b.cfg.WorkTimeout)
	done := make(chan outcome, 1)
	b.spawn(log, "canned save", func() {
		defer cancel()
		var o outcome
		o.saved, o.existed, o.err = b.saveCanned(wctx, log, a, force, user)
		done <- o
	})

	timer := time.NewTimer(b.cfg.AckTimeout)
	defer timer.Stop()
	select {
	case o := <-done:
		if o.err != nil {
			return b.submissionErrors(log, o.err, a.Text)
		}
		b.markCandidateSaved(ctx, log, meta.Candidate, o.saved.Name)
		b.notifyUser(ctx, log, meta.Channel, user, savedText(o.saved.Name, o.existed))
		return nil
	case <-timer.C:
	}
	log.Warn("canned save slower than the ack deadline; closing the modal first")
	b.spawn(log, "canned save outcome", func() {
		var o outcome
		select {
		case o = <-done:
		case <-wctx.Done():
			select { // the worker sends before it cancels wctx
			case o = <-done:
			default:
				o.err = wctx.Err()
			}
		}
		text := savedText(o.saved.Name, o.existed)
		if o.err != nil {
			text = fmt.Sprintf(textModalLate, a.Name, lateReason(o.err, a.Text))
		} else {
			b.markCandidateSaved(ctx, log, meta.Candidate, o.saved.Name)
		}
		b.notifyUser(ctx, log, meta.Channel, user, text)
	})
	return nil
}

// submissionErrors turns a failed save into errors under the fields; a
// broken store is logged and reported under the text, which keeps what
// the user typed in the modal for another try.
func (b *Bot) submissionErrors(log *slog.Logger, err error, text string) *slack.ViewSubmissionResponse {
	var fe *canned.FieldError
	switch {
	case errors.Is(err, canned.ErrExists):
		return slack.NewErrorsViewSubmissionResponse(map[string]string{blockCannedName: textModalExists})
	case errors.As(err, &fe) && (fe.Field == blockCannedName || fe.Field == blockCannedItem || fe.Field == blockCannedText):
		return slack.NewErrorsViewSubmissionResponse(map[string]string{fe.Field: fieldMessage(fe, text)})
	}
	log.Error("canned save failed", "error", err, "storage", storage.KindOf(err).String())
	if s := storageText(err); s != "" {
		return slack.NewErrorsViewSubmissionResponse(map[string]string{blockCannedText: s})
	}
	return slack.NewErrorsViewSubmissionResponse(map[string]string{blockCannedText: textModalFailed})
}

// lateReason says why a save that outlived the ack failed.
func lateReason(err error, text string) string {
	var fe *canned.FieldError
	switch {
	case errors.Is(err, canned.ErrExists):
		return "같은 이름의 답변이 이미 있어요."
	case errors.As(err, &fe):
		return fieldMessage(fe, text)
	}
	return textModalFailed
}

func savedText(name string, existed bool) string {
	if existed {
		return fmt.Sprintf(textCannedReplaced, name)
	}
	return fmt.Sprintf(textCannedSaved, name, name)
}

// tellLater sends text privately to the user in the background: through
// responseURL when the interaction has one, else as in notifyUser.
func (b *Bot) tellLater(ctx context.Context, log *slog.Logger, responseURL, channel, user, text string) {
	if responseURL == "" || !responseURLAllowed(responseURL, b.cfg.ResponseURLOrigins) {
		b.notifyUser(ctx, log, channel, user, text)
		return
	}
	b.spawn(log, "interaction reply", func() {
		dctx, cancel := b.detach(ctx, deliveryTimeout)
		defer cancel()
		if _, err := b.respond(dctx, log, responseURL, paginate(renderNotice(text)), false); err != nil {
			log.Warn("interaction reply not delivered", "via", "response_url", "error", err)
		}
	})
}

// notifyUser sends text privately to the user in the background: as an
// ephemeral message in channel, or by DM when there is no channel or the
// bot cannot post there (not a member, say).
func (b *Bot) notifyUser(ctx context.Context, log *slog.Logger, channel, user, text string) {
	b.spawn(log, "notify user", func() {
		dctx, cancel := b.detach(ctx, deliveryTimeout)
		defer cancel()
		m := paginate(renderNotice(text))[0]
		if channel != "" {
			err := b.withRetry(dctx, log, "chat.postEphemeral", m, func(ctx context.Context, m message) error {
				_, err := b.api.PostEphemeralContext(ctx, channel, user, msgOptions(m, "")...)
				return err
			})
			if err == nil {
				return
			}
			log.Info("ephemeral not delivered, sending a DM", "error", err)
		}
		if _, err := b.postMessage(dctx, log, user, "", m, ""); err != nil {
			log.Warn("user not notified", "via", "dm", "error", err)
		}
	})
}
