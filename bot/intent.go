package bot

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
)

// intentKind is what a piece of user text asks the bot to do.
type intentKind int

const (
	intentHelp intentKind = iota
	intentGuide
	intentReview
	intentAsk
	intentCommand
	// intentNeedDraft: "1.3 검토" without the draft.
	intentNeedDraft
	// intentNeedItem: a draft-like DM that names no item.
	intentNeedItem
	// intentDraftInPublic: a draft pasted into a channel mention; it is
	// neither echoed nor reviewed there.
	intentDraftInPublic
	// intentReviewForm: "/selfcheck all <whole form>" (files.go).
	intentReviewForm
)

// String names the kind for logs.
func (k intentKind) String() string {
	switch k {
	case intentHelp:
		return "help"
	case intentGuide:
		return "guide"
	case intentReview:
		return "review"
	case intentAsk:
		return "ask"
	case intentCommand:
		return "command"
	case intentNeedDraft:
		return "need_draft"
	case intentNeedItem:
		return "need_item"
	case intentDraftInPublic:
		return "draft_in_public"
	case intentReviewForm:
		return "review_form"
	}
	return "unknown"
}

// intent is parsed user text. text is the question, the draft or the
// arguments of a command, depending on kind.
type intent struct {
	kind    intentKind
	item    string
	text    string
	command string
	// edited marks the corrected text of an edited message; the reply
	// says it answers the edit.
	edited bool
	// thread is the context of the thread a question was asked in, when
	// the bot answered there before.
	thread *engine.Thread
}

// reReviewWord recognises an explicit request for a review after the item
// number ("1.3 검토", "1.2항 리뷰해 주세요"), mirroring the prefix grammar
// of knowledge.SplitItemPrefix, which does not report whether it saw one.
var reReviewWord = regexp.MustCompile(`^\s*(?:` + knowledge.ItemNumberPattern + `|I|Ⅰ)(?:항|번)?\s+(?:검토|리뷰|review|check|점검)`)

// Thresholds of the draft heuristics, in characters. A question rarely
// runs past a couple of sentences; a draft of one item is paragraphs long.
const (
	draftBodyMinChars      = 150 // after an item prefix, one line
	draftBodyMinCharsMulti = 60  // after an item prefix, two lines or more
	draftMinChars          = 400 // no prefix, at least draftMinLines lines
	draftMinLines          = 3
	draftMinCharsAnyShape  = 1200 // no prefix, any shape
	questionMaxChars       = 100
	// In a channel a draft must not be answered in public, so a lower
	// bar applies: an item prefix and text longer than a question, lines
	// naming an item, or any text this long.
	publicDraftBodyMinChars = 100
	publicDraftMinChars     = 120 // with draftMinLines lines and an item named
	publicDraftAnyShape     = 1000
)

var helpWords = map[string]bool{"help": true, "도움말": true, "도움": true, "사용법": true, "?": true, "？": true}

// parseCommandText reads the text of /selfcheck. Everything it leads to
// is answered ephemerally, so a draft may be reviewed whatever its shape.
func parseCommandText(text string, commands map[string]CommandFunc) intent {
	text = strings.TrimSpace(text)
	if text == "" || helpWords[strings.ToLower(text)] {
		return intent{kind: intentHelp}
	}
	word, args, _ := strings.Cut(text, " ")
	if nl := strings.IndexByte(word, '\n'); nl >= 0 {
		word, args = word[:nl], word[nl+1:]+" "+args
	}
	if _, ok := commands[strings.ToLower(word)]; ok {
		return intent{kind: intentCommand, command: strings.ToLower(word), text: strings.TrimSpace(args)}
	}
	if w := strings.ToLower(word); w == formWord || w == "전체" {
		return intent{kind: intentReviewForm, text: strings.TrimSpace(args)}
	}
	id, rest, ok := knowledge.SplitItemPrefix(text)
	if !ok {
		return intent{kind: intentAsk, text: text}
	}
	explicit := reReviewWord.MatchString(text)
	switch {
	case rest == "" && explicit:
		return intent{kind: intentNeedDraft, item: id}
	case rest == "":
		return intent{kind: intentGuide, item: id}
	case !explicit && looksLikeQuestion(rest):
		// "/selfcheck 1.3 무엇이 필요한가요?" is a question about 1.3,
		// not a one-line draft.
		return intent{kind: intentAsk, item: id, text: text}
	}
	return intent{kind: intentReview, item: id, text: rest}
}

// parseMessageText reads a mention or DM (mention already stripped). In
// a DM drafts are reviewed; in a channel they are turned away, because a
// review there would quote the draft to everyone.
func parseMessageText(text string, private bool) intent {
	text = strings.TrimSpace(text)
	if text == "" || helpWords[strings.ToLower(text)] {
		return intent{kind: intentHelp}
	}
	id, rest, ok := knowledge.SplitItemPrefix(text)
	explicit := ok && reReviewWord.MatchString(text)
	if !private {
		switch {
		case looksLikeDraft(text) || explicit || looksLikeDraftInPublic(text):
			return intent{kind: intentDraftInPublic, item: id}
		case ok && rest == "":
			return intent{kind: intentGuide, item: id}
		}
		return intent{kind: intentAsk, item: id, text: text}
	}
	if word, body, _ := strings.Cut(text, " "); (strings.EqualFold(word, formWord) || word == "전체") && looksLikeDraft(strings.TrimSpace(body)) {
		return intent{kind: intentReviewForm, text: strings.TrimSpace(body)}
	}
	if !explicit && looksLikeForm(text) {
		// A whole form pasted in the DM: every item, as a file would be.
		return intent{kind: intentReviewForm, text: text}
	}
	switch {
	case ok && rest == "" && explicit:
		return intent{kind: intentNeedDraft, item: id}
	case ok && rest == "":
		return intent{kind: intentGuide, item: id}
	case ok && (explicit || looksLikeDraftBody(rest)):
		return intent{kind: intentReview, item: id, text: rest}
	case !ok && looksLikeDraft(text):
		return intent{kind: intentNeedItem}
	}
	return intent{kind: intentAsk, item: id, text: text}
}

// looksLikeDraft guesses whether text is a pasted draft rather than a
// question: an item number standing alone followed by long text, or long
// multi-line text.
func looksLikeDraft(text string) bool {
	if _, rest, ok := knowledge.SplitItemPrefix(text); ok && looksLikeDraftBody(rest) {
		return true
	}
	n := utf8.RuneCountInString(text)
	return n >= draftMinCharsAnyShape || (n >= draftMinChars && countLines(text) >= draftMinLines)
}

// looksLikeDraftInPublic is the lower bar for channel mentions: there a
// draft answered as a question would be quoted back to everyone.
func looksLikeDraftInPublic(text string) bool {
	n := utf8.RuneCountInString(text)
	if n >= publicDraftAnyShape {
		return true
	}
	if _, rest, ok := knowledge.SplitItemPrefix(text); ok && utf8.RuneCountInString(rest) >= publicDraftBodyMinChars && !looksLikeQuestion(rest) {
		return true
	}
	return n >= publicDraftMinChars && countLines(text) >= draftMinLines && knowledge.FindItemRef(text) != ""
}

// formHeadingPrefixes may stand before an item number at the start of a
// form's section heading.
var formHeadingPrefixes = []string{"검토 항목", "검토항목", "항목", "#"}

// formHeadingMaxChars bounds a heading line.
const formHeadingMaxChars = 80

// looksLikeForm guesses whether text is a whole pasted form: a draft in
// which at least two lines start with the headings of different items.
func looksLikeForm(text string) bool {
	if !looksLikeDraft(text) {
		return false
	}
	seen := map[string]bool{}
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		if utf8.RuneCountInString(line) > formHeadingMaxChars {
			continue // a paragraph, not a heading
		}
		for _, p := range formHeadingPrefixes {
			line = strings.TrimSpace(strings.TrimPrefix(line, p))
		}
		if id, _, ok := knowledge.SplitItemPrefix(line); ok && id != "I" {
			seen[id] = true
		}
	}
	return len(seen) >= 2
}

func looksLikeDraftBody(rest string) bool {
	n := utf8.RuneCountInString(rest)
	return n >= draftBodyMinChars || (n >= draftBodyMinCharsMulti && countLines(rest) >= 2)
}

// questionEndings are how Korean questions and requests typically end.
var questionEndings = []string{"?", "？", "나요", "까요", "가요", "는지", "뭐야", "뭐예요", "알려줘", "알려 줘", "알려주세요", "알려 주세요"}

func looksLikeQuestion(s string) bool {
	if strings.Contains(s, "\n") || utf8.RuneCountInString(s) > questionMaxChars {
		return false
	}
	s = strings.TrimRight(s, " .!")
	for _, e := range questionEndings {
		if strings.HasSuffix(s, e) {
			return true
		}
	}
	return false
}

// countLines counts the non-blank lines of s.
func countLines(s string) int {
	n := 0
	for line := range strings.SplitSeq(s, "\n") {
		if strings.TrimSpace(line) != "" {
			n++
		}
	}
	return n
}

// reMention matches a user mention as Slack encodes it: <@U123> or
// <@U123|name>.
var reMention = regexp.MustCompile(`<@([A-Z0-9]+)(?:\|[^>]*)?>`)

// stripMentions removes mentions of the bot. Without the bot's ID it
// removes a leading mention only, which in an app_mention is the bot's.
func stripMentions(text, botID string) string {
	if botID == "" {
		loc := reMention.FindStringIndex(strings.TrimLeft(text, " "))
		if loc != nil && loc[0] == 0 {
			text = strings.TrimLeft(text, " ")[loc[1]:]
		}
		return strings.TrimSpace(text)
	}
	text = reMention.ReplaceAllStringFunc(text, func(m string) string {
		if reMention.FindStringSubmatch(m)[1] == botID {
			return ""
		}
		return m
	})
	return strings.TrimSpace(text)
}
