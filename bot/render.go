package bot

import (
	"cmp"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/usererr"
)

// Per-field caps inside one element of a review, so that one verbose
// element cannot crowd out the rest.
const (
	maxEvidenceText = 400
	maxNoteText     = 800
	maxExampleText  = 400
	maxSources      = 5
)

var statusIcon = map[knowledge.Status]string{
	knowledge.StatusPresent:       "✅",
	knowledge.StatusPartial:       "⚠️",
	knowledge.StatusMissing:       "❌",
	knowledge.StatusNotApplicable: "➖",
}

// textEscaper applies the three escapes Slack requires in message text.
var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escapeText makes user text (a draft quote) inert: no mentions, no
// @channel, no links.
func escapeText(s string) string { return textEscaper.Replace(s) }

// reLink matches a link in Slack's syntax (<https://…|label>) or a bare
// URL, which Slack would turn into a link.
var reLink = regexp.MustCompile(`<(https?://[^\s<>|]+)(?:\|([^<>]*))?>|https?://[^\s<>\x60]+`)

// hostSet is the hosts whose links an answer may carry.
type hostSet map[string]bool

// sourceHosts collects the hosts of the URLs in an answer's sources.
func sourceHosts(srcs []engine.Source) hostSet {
	hosts := hostSet{}
	for _, s := range srcs {
		for _, u := range reLink.FindAllString(s.Text, -1) {
			if h := linkHost(strings.Trim(u, "<>")); h != "" {
				hosts[h] = true
			}
		}
	}
	return hosts
}

func linkHost(raw string) string {
	raw, _, _ = strings.Cut(raw, "|")
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// escapeMrkdwn escapes engine text for mrkdwn, with no links kept.
func escapeMrkdwn(s string) string { return escapeLinks(s, nil) }

// escapeLinks escapes engine text (which a model may have written) for
// mrkdwn. A link is kept only when its text is its URL and its host is
// one of hosts (the sources'); any other link is shown as plain text, in
// code so that Slack does not link it, with its real target, so that a
// label cannot lie about where it leads. Anything else in angle brackets,
// such as <!channel>, is shown literally rather than acted on.
func escapeLinks(s string, hosts hostSet) string {
	var b strings.Builder
	last := 0
	for _, m := range reLink.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(escapeText(s[last:m[0]]))
		last = m[1]
		target, label := s[m[0]:m[1]], ""
		if m[2] >= 0 {
			target = s[m[2]:m[3]]
			if m[4] >= 0 {
				label = strings.TrimSpace(s[m[4]:m[5]])
			}
		}
		if (label == "" || label == target) && hosts[linkHost(target)] {
			b.WriteString("<" + target + ">")
			continue
		}
		code := "`" + escapeText(strings.ReplaceAll(target, "`", "")) + "`"
		if label != "" && label != target {
			b.WriteString(escapeText(label) + " (" + code + ")")
			continue
		}
		b.WriteString(code)
	}
	b.WriteString(escapeText(s[last:]))
	return b.String()
}

func mrkdwn(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, text, false, false)
}

func plain(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, text, true, false)
}

func sectionBlock(text string) *slack.SectionBlock {
	if strings.TrimSpace(text) == "" {
		text = " "
	}
	return slack.NewSectionBlock(mrkdwn(truncate(text, maxSectionText)), nil, nil)
}

// sections renders text of any length as consecutive section blocks.
func sections(text string) []slack.Block {
	var out []slack.Block
	for _, chunk := range splitText(text, maxSectionText) {
		out = append(out, sectionBlock(chunk))
	}
	return out
}

func headerBlock(text string) *slack.HeaderBlock {
	return slack.NewHeaderBlock(plain(truncate(text, maxHeaderText)))
}

func contextBlock(texts ...string) *slack.ContextBlock {
	var elems []slack.MixedElement
	for _, t := range texts {
		if len(elems) == maxContextElems {
			break
		}
		if strings.TrimSpace(t) != "" {
			elems = append(elems, mrkdwn(truncate(t, maxContextText)))
		}
	}
	return slack.NewContextBlock("", elems...)
}

func quote(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = "> " + l
	}
	return strings.Join(lines, "\n")
}

// renderReport renders a review: header, summary counts, one section per
// element with its evidence or what to add, then notices.
func renderReport(r knowledge.Report) doc {
	s := r.Summary
	title := strings.TrimSpace(r.Item + " " + r.Title)
	d := doc{
		Fallback: fmt.Sprintf("%s 검토 결과: 충족 %d · 일부 %d · 누락 %d · 해당 없음 %d",
			r.Item, s.Present, s.Partial, s.Missing, s.NotApplicable),
		Title: title + " 검토 결과",
	}
	d.Body = append(d.Body,
		headerBlock("📋 "+title+" 검토 결과"),
		sectionBlock(fmt.Sprintf("✅ 충족 *%d*   ⚠️ 일부 *%d*   ❌ 누락 *%d*   ➖ 해당 없음 *%d*",
			s.Present, s.Partial, s.Missing, s.NotApplicable)),
		slack.NewDividerBlock(),
	)
	for _, e := range r.Elements {
		d.Body = append(d.Body, sectionBlock(renderElement(e)))
	}
	if len(r.Notices) > 0 {
		var b strings.Builder
		b.WriteString("*참고*")
		for _, n := range r.Notices {
			b.WriteString("\n• " + escapeMrkdwn(n))
		}
		d.Body = append(d.Body, sections(b.String())...)
	}
	note := "자가 점검용 참고 결과이며 공식 심사 판단이 아니에요. 이 메시지는 나에게만 보여요."
	if r.LLM {
		note = "🤖 일부 판단에 언어 모델을 활용했어요. " + note
	}
	d.Body = append(d.Body, contextBlock(note))
	d.Footer = answerFooter("review", "review", r.Item)
	return d
}

func renderElement(e knowledge.ElementResult) string {
	icon, ok := statusIcon[e.Status]
	if !ok {
		icon = "•"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s *%s* %s", icon, escapeText(e.ID), escapeText(e.Label))
	if ev := strings.TrimSpace(e.Evidence); ev != "" {
		b.WriteString("\n" + quote(escapeText(truncate(ev, maxEvidenceText))))
		if e.Line > 0 {
			fmt.Fprintf(&b, "\n_(%d행)_", e.Line)
		}
	}
	if note := strings.TrimSpace(noteText(e)); note != "" {
		switch e.Status {
		case knowledge.StatusPartial:
			b.WriteString("\n💡 보완할 점: ")
		case knowledge.StatusMissing:
			b.WriteString("\n💡 추가할 내용: ")
		default:
			b.WriteString("\n")
		}
		b.WriteString(escapeMrkdwn(truncate(note, maxNoteText)))
	}
	if ex := strings.TrimSpace(e.Example); ex != "" && e.Status != knowledge.StatusPresent {
		b.WriteString("\n📝 예시: " + escapeMrkdwn(truncate(ex, maxExampleText)))
	}
	return b.String()
}

// renderAnswer renders an answer or an item guide: the text, its notices
// and sources, and the feedback buttons. header is empty for questions.
func renderAnswer(a engine.Answer, kind, header string) doc {
	text := strings.TrimSpace(a.Answer)
	if len(a.Parts) > 0 {
		text = strings.TrimSpace(partsMrkdwn(a.Parts, a.Language == "en"))
	}
	if text == "" {
		text = "답변을 찾지 못했어요. 질문을 조금 바꾸어 다시 물어봐 주세요."
	}
	hosts := sourceHosts(a.Sources)
	d := doc{Fallback: truncate(escapeLinks(text, hosts), maxFallbackText), Title: cmp.Or(header, "답변")}
	if header != "" {
		d.Body = append(d.Body, headerBlock(header))
	}
	d.Body = append(d.Body, sections(escapeLinks(text, hosts))...)
	var ctx []string
	if len(a.Notices) > 0 {
		var b strings.Builder
		for i, n := range a.Notices {
			if i > 0 {
				b.WriteString("\n")
			}
			b.WriteString("ℹ️ " + escapeMrkdwn(n))
		}
		ctx = append(ctx, b.String())
	}
	if len(a.Sources) > 0 {
		var b strings.Builder
		b.WriteString("📚 *출처*")
		for i, s := range a.Sources {
			if i == maxSources {
				break
			}
			kind := cmp.Or(s.KindName, s.Kind)
			line := escapeText(strings.Join(nonEmpty(s.Item, kind, s.Title), " · "))
			if safeLink(s.URL) {
				// The knowledge data's own address of the source's public page.
				line = "<" + s.URL + "|" + strings.ReplaceAll(line, "|", "¦") + ">"
			}
			b.WriteString("\n• " + line)
		}
		ctx = append(ctx, b.String())
	}
	if a.LLM {
		ctx = append(ctx, "🤖 언어 모델이 답변 작성에 참여했어요.")
	}
	for _, c := range ctx {
		d.Body = append(d.Body, contextBlock(c))
	}
	d.Footer = answerFooter(kind, a.Kind(), a.Item)
	return d
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// renderHelp lists the ways to use the bot and the items it knows; extra
// usage lines (mrkdwn) describe optional features that are switched on.
func renderHelp(items []knowledge.ItemInfo, extra ...string) doc {
	usage := strings.Join(append([]string{
		"*사용법*",
		"• `/selfcheck 1.3` — 항목에 무엇이 들어가야 하는지(필수 요소, 증빙 자료) 안내",
		"• `/selfcheck 1.2 &lt;초안&gt;` — 초안을 요소별로 검토 (결과는 나에게만 보여요)",
		"• `/selfcheck &lt;질문&gt;` — 심사 준비에 관한 질문",
		"• 채널에서 `@selfcheck &lt;질문&gt;` — 스레드로 답변",
		"• 저에게 DM으로 `1.2 검토` 다음 줄에 초안 — DM에서 검토",
	}, extra...), "\n")
	d := doc{Fallback: "selfcheck 사용법", Title: "selfcheck 사용법"}
	d.Body = append(d.Body, headerBlock("selfcheck 사용법"))
	d.Body = append(d.Body, sections(usage)...)
	if len(items) > 0 {
		d.Body = append(d.Body, sections("*안내할 수 있는 항목*\n"+itemList(items))...)
	}
	d.Body = append(d.Body, contextBlock("🔒 초안은 채널에 올리지 말고 `/selfcheck` 명령이나 DM을 이용해 주세요."))
	return d
}

func itemList(items []knowledge.ItemInfo) string {
	lines := make([]string, 0, len(items))
	for _, it := range items {
		lines = append(lines, "• *"+escapeText(it.ID)+"* "+escapeText(it.Title))
	}
	return strings.Join(lines, "\n")
}

// renderUnknownItem tells the user the item has no guidance and lists the
// items that do.
// A number the checklist does not have (9.9) is told apart from an item
// it numbers without guidance here (1.4).
func renderUnknownItem(id string, numbered bool, known []knowledge.ItemInfo) doc {
	fallback := escapeText(id) + " 항목은 안내할 수 있는 내용이 없어요."
	text := fmt.Sprintf("❓ *%s* 항목은 안내할 수 있는 내용이 없어요.", escapeText(id))
	if !numbered {
		fallback = "체크리스트에 " + escapeText(id) + " 항목은 없어요."
		text = fmt.Sprintf("❓ 체크리스트에 *%s* 항목은 없어요. 항목 번호를 확인해 주세요.", escapeText(id))
	}
	if len(known) > 0 {
		text += "\n*안내할 수 있는 항목*\n" + itemList(known)
	}
	return doc{Fallback: fallback, Body: sections(text)}
}

// renderUserError tells the user what to fix, in Korean with the English
// after it; a question too long to be one is pointed at the review.
func renderUserError(e *usererr.Error) doc {
	text := "⚠️ " + escapeText(e.Korean)
	if e.Code == usererr.LongQuestion {
		text += "\n초안 점검: `/selfcheck 1.2 &lt;초안&gt;`처럼 항목 번호 뒤에 붙여 넣거나, 파일을 DM으로 보내 주세요."
	}
	blocks := []slack.Block{sectionBlock(text)}
	if e.English != "" {
		blocks = append(blocks, contextBlock(escapeText(e.English)))
	}
	return doc{Fallback: "⚠️ " + escapeText(e.Korean), Body: blocks}
}

// renderNotice is a one-section reply: errors, pointers, "검토 중…".
func renderNotice(text string) doc {
	return doc{Fallback: text, Body: []slack.Block{sectionBlock(text)}}
}
