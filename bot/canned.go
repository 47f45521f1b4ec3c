package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/selfcheck/selfcheck/canned"
)

// CannedReader reads canned answers; *canned.Store satisfies it.
type CannedReader interface {
	// List returns every answer, sorted by name.
	List(ctx context.Context) ([]canned.Answer, error)
	// Get returns the answer called name, or an error matching
	// canned.ErrNotFound.
	Get(ctx context.Context, name string) (canned.Answer, error)
}

// CannedWriter changes canned answers; *canned.Store satisfies it. Its
// errors match canned.ErrExists, canned.ErrNotFound or canned.ErrInvalid
// (a *canned.FieldError) for input the user can fix.
type CannedWriter interface {
	// Save stores an answer; it refuses to replace one unless opts.Force.
	Save(ctx context.Context, a canned.Answer, opts canned.SaveOptions) (canned.Answer, error)
	// Delete removes the answer called name; by names who does it.
	Delete(ctx context.Context, name, by string) error
	// MarkUsed counts one more posting of the answer called name.
	MarkUsed(ctx context.Context, name string) error
}

// cannedWord is the subcommand word of /selfcheck for canned answers.
const cannedWord = "canned"

// reUserID matches a Slack user ID: U… for workspace users, W… for users
// of an Enterprise Grid organisation.
var reUserID = regexp.MustCompile(`^[UW][A-Z0-9]{4,31}$`)

// ValidUserID reports whether id looks like a Slack user ID ("U0123ABCD"),
// the form Config.SupportStaff takes. Mentions ("<@U0123ABCD>") and display
// names are not IDs.
func ValidUserID(id string) bool { return reUserID.MatchString(id) }

func (b *Bot) isStaff(userID string) bool { return b.staff[userID] }

// User-facing texts of the canned commands.
const (
	textStaffOnly = "🔒 지원 담당자만 사용할 수 있습니다. 답변을 저장·삭제하거나 채널에 올려야 한다면 지원 담당자에게 요청해 주세요."
	// textStaffOnlyField is the same refusal, short enough for a modal.
	textStaffOnlyField    = "지원 담당자만 사용할 수 있습니다."
	textCannedReadOnly    = "🚧 답변을 저장·삭제하거나 채널에 올리는 기능은 아직 준비 중이에요."
	textCannedEmpty       = "📭 아직 저장된 답변이 없어요."
	textCannedBadName     = "이름은 영문 소문자(a-z), 숫자, '-'만 쓸 수 있고 64자 이하여야 해요. 예: cloud-cert"
	textCannedEmptyText   = "답변 내용이 비어 있어요."
	textCannedBadItem     = "항목은 1.3처럼 공백 없는 한 단어로, 16자 이하로 적어 주세요."
	textCannedNeedName    = "📝 답변 이름을 함께 적어 주세요. 예: `/selfcheck canned %s cloud-cert`"
	textCannedNeedText    = "📝 저장할 내용을 이름 뒤에 적어 주세요. 여러 줄도 괜찮아요. 예: `/selfcheck canned save cloud-cert 클라우드 보안인증은…`"
	textCannedNotFound    = "❓ `%s` 답변이 없어요. `/selfcheck canned`로 목록을 확인해 주세요."
	textCannedExists      = "⚠️ `%s` 답변이 이미 있어서 저장하지 않았어요. 내용을 바꾸려면 `--force`를 붙여 다시 보내 주세요: `/selfcheck canned save --force %s 새 내용`"
	textCannedSaved       = "✅ `%s` 답변을 저장했어요. `/selfcheck canned post %s`로 채널에 올릴 수 있어요."
	textCannedReplaced    = "✅ `%s` 답변을 새 내용으로 바꿨어요."
	textCannedDeleted     = "🗑️ `%s` 답변을 삭제했어요."
	textCannedTooLong     = "답변이 너무 길어요. %d자까지 저장할 수 있어요."
	textCannedVerified    = "✅ 지원 담당자 확인 답변"
	textCannedUnknownWord = "❓ `canned` 다음에 올 수 있는 명령이 아니에요."
)

// cannedHelpLine is the line /selfcheck help adds when canned answers
// are served.
const cannedHelpLine = "• `/selfcheck canned` — 지원 담당자가 준비한 답변 목록 (`canned help`로 자세히)"

// cannedUsage explains the subcommands; staff see the ones that change
// answers too.
func cannedUsage(staff bool) string {
	lines := []string{
		"*준비된 답변 (`/selfcheck canned`)*",
		"• `/selfcheck canned` — 답변 목록",
		"• `/selfcheck canned show 이름` — 답변 내용 보기",
	}
	if staff {
		lines = append(lines,
			"• `/selfcheck canned post 이름` — 이 채널에 답변 올리기 (모두에게 보여요)",
			"• `/selfcheck canned save 이름 내용` — 답변 저장 (여러 줄 가능, 항목은 `--item 1.3`, 같은 이름을 바꾸려면 `--force`)",
			"• `/selfcheck canned delete 이름` — 답변 삭제",
			"• 메시지의 ⋮ 메뉴 → *Save as canned answer* — 메시지를 답변으로 저장",
		)
	}
	return strings.Join(lines, "\n")
}

// cannedCommand serves /selfcheck canned ARGS. Reading is open to anyone;
// saving, deleting and posting are for support staff. Mistakes the user
// can fix become a notice with a nil error; only a broken store is an
// error (logged by perform, shown as a generic failure).
func (b *Bot) cannedCommand(ctx context.Context, log *slog.Logger, args string, o origin) (doc, error) {
	sub, rest := nextWord(args)
	switch strings.ToLower(sub) {
	case "", "list", "ls", "목록":
		return b.cannedList(ctx, o)
	case "show", "보기":
		return b.cannedShow(ctx, rest, o)
	case "help", "도움말", "사용법":
		return renderNotice(cannedUsage(b.isStaff(o.userID))), nil
	case "post", "게시", "올리기":
		return b.staffOnly(log, "post", o, func() (doc, error) { return b.cannedPost(ctx, log, rest, o) })
	case "save", "add", "저장":
		return b.staffOnly(log, "save", o, func() (doc, error) { return b.cannedSave(ctx, log, rest, o) })
	case "delete", "rm", "remove", "삭제":
		return b.staffOnly(log, "delete", o, func() (doc, error) { return b.cannedDelete(ctx, log, rest, o) })
	}
	if canned.ValidName(sub) && strings.TrimSpace(rest) == "" {
		// "/selfcheck canned cloud-cert" is the quickest way to look one up.
		return b.cannedShow(ctx, sub, o)
	}
	return renderNotice(textCannedUnknownWord + "\n" + cannedUsage(b.isStaff(o.userID))), nil
}

// staffOnly runs change unless the user is not support staff or changes
// are not configured; the refusal is logged with the user's ID.
func (b *Bot) staffOnly(log *slog.Logger, action string, o origin, change func() (doc, error)) (doc, error) {
	switch {
	case b.cfg.CannedWriter == nil:
		return renderNotice(textCannedReadOnly), nil
	case !b.isStaff(o.userID):
		log.Info("canned change refused", "action", action, "user", o.userID, "reason", "not support staff")
		return renderNotice(textStaffOnly), nil
	}
	return change()
}

// nextWord splits off the first word of s. The rest keeps its line
// breaks, since it may be the multi-line text of an answer.
func nextWord(s string) (word, rest string) {
	s = strings.TrimLeft(s, " \n")
	i := strings.IndexAny(s, " \n")
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i+1:]
}

// flagWord returns the name of a "--flag" word, or "" for an ordinary
// word. Slack clients may turn "--" into a dash, so "—force" counts too.
func flagWord(w string) string {
	for _, p := range []string{"--", "—", "–"} {
		if name, ok := strings.CutPrefix(w, p); ok && name != "" {
			return name
		}
	}
	return ""
}

// nameArg reads the single answer name a command takes. ok is false, with
// the notice to show, when it is missing or malformed.
func nameArg(sub, args string) (name string, notice doc, ok bool) {
	name, rest := nextWord(args)
	switch {
	case name == "":
		return "", renderNotice(fmt.Sprintf(textCannedNeedName, sub)), false
	case !canned.ValidName(name) || strings.TrimSpace(rest) != "":
		return "", renderNotice("⚠️ " + textCannedBadName), false
	}
	return name, doc{}, true
}

func (b *Bot) cannedList(ctx context.Context, o origin) (doc, error) {
	list, err := b.cfg.Canned.List(ctx)
	if err != nil {
		return doc{}, err
	}
	if len(list) == 0 {
		return renderNotice(textCannedEmpty + "\n" + cannedUsage(b.isStaff(o.userID))), nil
	}
	return renderCannedList(list, b.isStaff(o.userID)), nil
}

// cannedNamed reads the answer a command names. When ok is false, notice
// is what to reply instead (usage, or "no such answer"), or err is set.
func (b *Bot) cannedNamed(ctx context.Context, verb, args string) (a canned.Answer, notice doc, ok bool, err error) {
	name, notice, ok := nameArg(verb, args)
	if !ok {
		return canned.Answer{}, notice, false, nil
	}
	a, err = b.cfg.Canned.Get(ctx, name)
	if errors.Is(err, canned.ErrNotFound) {
		return canned.Answer{}, renderNotice(fmt.Sprintf(textCannedNotFound, name)), false, nil
	} else if err != nil {
		return canned.Answer{}, doc{}, false, err
	}
	return a, doc{}, true, nil
}

func (b *Bot) cannedShow(ctx context.Context, args string, o origin) (doc, error) {
	a, notice, ok, err := b.cannedNamed(ctx, "show", args)
	if !ok {
		return notice, err
	}
	return renderCannedShow(a, b.isStaff(o.userID)), nil
}

// cannedPost replies in the channel with the answer, for everyone to see,
// and counts the use.
func (b *Bot) cannedPost(ctx context.Context, log *slog.Logger, args string, o origin) (doc, error) {
	a, notice, ok, err := b.cannedNamed(ctx, "post", args)
	if !ok {
		return notice, err
	}
	// The post goes out with the ack; a lost count must not hold it back.
	if err := b.cfg.CannedWriter.MarkUsed(ctx, a.Name); err != nil {
		log.Warn("canned use not counted", "name", a.Name, "error", err)
	}
	log.Info("canned answer changed", "via", "slack", "action", "post", "name", a.Name, "user", o.userID, "channel", o.channelID)
	return renderCannedPost(a), nil
}

// cannedSave reads "[--force] [--item ITEM] NAME TEXT…" and saves.
func (b *Bot) cannedSave(ctx context.Context, log *slog.Logger, args string, o origin) (doc, error) {
	var a canned.Answer
	force := false
	rest := args
	for {
		w, r := nextWord(rest)
		switch flagWord(w) {
		case "force", "f":
			force, rest = true, r
			continue
		case "item":
			a.Item, rest = nextWord(r)
			continue
		}
		if item, ok := strings.CutPrefix(flagWord(w), "item="); ok {
			a.Item, rest = item, r
			continue
		}
		if a.Name == "" && w != "" {
			a.Name, rest = w, r
			continue
		}
		break
	}
	a.Text = rest
	switch {
	case a.Name == "":
		return renderNotice(fmt.Sprintf(textCannedNeedName, "save")), nil
	case !canned.ValidName(a.Name):
		return renderNotice("⚠️ " + textCannedBadName), nil
	case strings.TrimSpace(a.Text) == "":
		return renderNotice(textCannedNeedText), nil
	}
	saved, existed, err := b.saveCanned(ctx, log, a, force, o.userID)
	var fe *canned.FieldError
	switch {
	case errors.Is(err, canned.ErrExists):
		return renderNotice(fmt.Sprintf(textCannedExists, a.Name, a.Name)), nil
	case errors.As(err, &fe):
		return renderNotice("⚠️ " + fieldMessage(fe, a.Text)), nil
	case err != nil:
		return doc{}, err
	case existed:
		return renderNotice(fmt.Sprintf(textCannedReplaced, saved.Name)), nil
	}
	return renderNotice(fmt.Sprintf(textCannedSaved, saved.Name, saved.Name)), nil
}

func (b *Bot) cannedDelete(ctx context.Context, log *slog.Logger, args string, o origin) (doc, error) {
	name, notice, ok := nameArg("delete", args)
	if !ok {
		return notice, nil
	}
	err := b.cfg.CannedWriter.Delete(ctx, name, o.userID)
	if errors.Is(err, canned.ErrNotFound) {
		return renderNotice(fmt.Sprintf(textCannedNotFound, name)), nil
	} else if err != nil {
		return doc{}, err
	}
	log.Info("canned answer changed", "via", "slack", "action", "delete", "name", name, "user", o.userID)
	b.refreshCanned(ctx, log)
	return renderNotice(fmt.Sprintf(textCannedDeleted, name)), nil
}

// saveCanned saves a on behalf of user, logs the change (never the text)
// and refreshes the suggestions. existed reports whether an answer of that
// name was replaced, which only force allows.
func (b *Bot) saveCanned(ctx context.Context, log *slog.Logger, a canned.Answer, force bool, user string) (saved canned.Answer, existed bool, err error) {
	if force {
		// Only to tell the user "replaced" from "saved"; Save decides.
		_, gerr := b.cfg.Canned.Get(ctx, a.Name)
		existed = gerr == nil
	}
	saved, err = b.cfg.CannedWriter.Save(ctx, a, canned.SaveOptions{Force: force, By: user})
	if err != nil {
		if errors.Is(err, canned.ErrExists) || errors.Is(err, canned.ErrInvalid) {
			log.Info("canned save rejected", "name", a.Name, "user", user, "reason", rejectReason(err))
		}
		return canned.Answer{}, false, err
	}
	action := "save"
	if existed {
		action = "replace"
	}
	log.Info("canned answer changed", "via", "slack", "action", action, "name", saved.Name, "item", saved.Item,
		"user", user, "text_len", utf8.RuneCountInString(saved.Text))
	b.refreshCanned(ctx, log)
	return saved, existed, nil
}

// rejectReason names why a save was refused, for the log: the field, or
// "exists". FieldError messages may quote input, so they stay out.
func rejectReason(err error) string {
	var fe *canned.FieldError
	if errors.As(err, &fe) {
		return "invalid " + fe.Field
	}
	return "exists"
}

// fieldMessage says in Korean what is wrong with a field; text is what
// the user submitted, to tell an empty answer from an overlong one.
func fieldMessage(fe *canned.FieldError, text string) string {
	switch fe.Field {
	case "name":
		return textCannedBadName
	case "item":
		return textCannedBadItem
	case "text":
		switch t := strings.TrimSpace(text); {
		case t == "":
			return textCannedEmptyText
		case utf8.RuneCountInString(t) > canned.MaxTextLen:
			return fmt.Sprintf(textCannedTooLong, canned.MaxTextLen)
		}
		return "답변 내용을 저장할 수 없어요. 내용을 확인해 주세요."
	}
	return "입력한 내용을 저장할 수 없어요. 내용을 확인해 주세요."
}

// refreshCanned asks the Answerer to re-read the answers, in the
// background: with remote embeddings it may take longer than an ack may.
func (b *Bot) refreshCanned(ctx context.Context, log *slog.Logger) {
	if b.cfg.RefreshCanned == nil {
		return
	}
	b.spawn(log, "canned refresh", func() {
		rctx, cancel := b.detach(ctx, b.cfg.WorkTimeout)
		defer cancel()
		if err := b.cfg.RefreshCanned(rctx); err != nil {
			log.Warn("canned suggestions not refreshed", "error", err)
		}
	})
}

// Display limits of the canned list.
const (
	maxListFirstLine = 80
	maxListItem      = 16
)

// renderCannedList shows one line per answer: name, item and the first
// line of its text.
func renderCannedList(list []canned.Answer, staff bool) doc {
	var sb strings.Builder
	for i, a := range list {
		if i > 0 {
			sb.WriteString("\n")
		}
		line := "• `" + a.Name + "`"
		if a.Item != "" {
			line += " · " + escapeText(truncate(a.Item, maxListItem))
		}
		first, _, _ := strings.Cut(strings.TrimSpace(a.Text), "\n")
		line += " — " + escapeText(truncate(strings.TrimSpace(first), maxListFirstLine))
		sb.WriteString(line)
	}
	title := fmt.Sprintf("📚 준비된 답변 %d개", len(list))
	d := doc{Fallback: title, Title: title}
	d.Body = append(d.Body, headerBlock(title))
	d.Body = append(d.Body, sections(sb.String())...)
	hint := "`/selfcheck canned show 이름`으로 내용을 볼 수 있어요."
	if staff {
		hint += " `/selfcheck canned post 이름`으로 이 채널에 올리고, `/selfcheck canned help`로 저장·삭제 방법을 볼 수 있어요."
	}
	d.Body = append(d.Body, contextBlock(hint))
	return d
}

// renderCannedShow shows one answer privately, as it would be posted.
func renderCannedShow(a canned.Answer, staff bool) doc {
	d := doc{Fallback: a.Name + " 답변", Title: a.Name}
	d.Body = append(d.Body, headerBlock("📄 "+a.Name))
	d.Body = append(d.Body, sections(escapeMrkdwn(a.Text))...)
	meta := []string{}
	if a.Item != "" {
		meta = append(meta, "항목 "+escapeText(a.Item))
	}
	meta = append(meta, fmt.Sprintf("게시 %d회", a.Uses))
	if !a.UpdatedAt.IsZero() {
		meta = append(meta, "마지막 수정 "+a.UpdatedAt.Format("2006-01-02"))
	}
	d.Body = append(d.Body, contextBlock(strings.Join(meta, " · ")))
	if staff {
		d.Body = append(d.Body, contextBlock("`/selfcheck canned post "+a.Name+"`으로 이 채널에 올릴 수 있어요."))
	}
	return d
}

// renderCannedPost is the answer as the channel sees it. Links are kept;
// anything else in angle brackets, such as <!channel>, is shown literally.
func renderCannedPost(a canned.Answer) doc {
	text := escapeMrkdwn(a.Text)
	d := doc{Fallback: truncate(text, maxFallbackText), Title: a.Name, Public: true}
	d.Body = append(d.Body, sections(text)...)
	label := textCannedVerified
	if a.Item != "" {
		label += " · " + escapeText(a.Item)
	}
	d.Body = append(d.Body, contextBlock(label))
	return d
}
