package knowledge

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// ItemInfo names an item for listings (help texts, "known items").
type ItemInfo struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Infos lists the items the knowledge base has guidance for.
func (c *Checklist) Infos() []ItemInfo {
	out := make([]ItemInfo, 0, len(c.Items))
	for _, it := range c.Items {
		out = append(out, ItemInfo{ID: it.ID, Title: it.Title})
	}
	return out
}

// itemNumber is the grammar of an item number, written once: "1.3",
// "1-3", "1·3", "3 . 2".
const itemNumber = `[1-9]\s?[.\-·]\s?[1-9]`

// ItemNumberPattern is the item grammar for other packages' patterns (a
// message that is only an item number, a command that starts with one).
const ItemNumberPattern = itemNumber

// reItemRef finds candidate item numbers in free text. The digits must
// not be part of a longer number (a version 1.0.2, a phone number,
// SHA-256): both sides are bounded by non-digits.
var reItemRef = regexp.MustCompile(`(?:^|[^0-9.\-])(` + itemNumber + `)(?:[^0-9.]|$)`)

// reSectionI finds a reference to section I (service classification).
var reSectionI = regexp.MustCompile(`(?:^|[^A-Za-z])(?:I|Ⅰ)\s*(?:\.|장|번|항|섹션|section)|(?i)section\s+(?:I|1)\b|(?:섹션|파트)\s*(?:I|Ⅰ|1)\b`)

// reVersionBefore finds the word right before a number. Glued to it
// (TLS1.2, v1.3) or a name written with capitals or digits (TLS 1.2,
// OpenSSL 3.2, Redmine 3.1), it makes the number a version rather than an
// item; an ordinary word of an English sentence ("What must 1.2 include")
// does not.
var reVersionBefore = regexp.MustCompile(`([A-Za-z][A-Za-z0-9_+\-]*)(\s?)$`)

// sentenceWords are English words that may stand right before an item
// number, capitalised at the start of a sentence or not.
var sentenceWords = map[string]bool{"item": true, "items": true, "section": true, "no": true, "question": true, "part": true,
	"is": true, "does": true, "do": true, "what": true, "about": true, "in": true, "for": true, "of": true, "and": true,
	"or": true, "to": true, "must": true, "should": true, "can": true, "under": true, "how": true, "which": true, "re": true}

// reVersionAfter finds a version written after the number (3.2 버전).
var reVersionAfter = regexp.MustCompile(`^\s?(?:버전|version|ver\b|이상|이하|미만|초과)`)

// reZeroVersion finds a dotted number no item has (1.0, 2.0): numbers
// listed next to one are versions too ("1.0이랑 1.1은 꺼놨어요").
var reZeroVersion = regexp.MustCompile(`(?:^|[^0-9])[0-9]+\.0(?:[^0-9]|$)`)

// FindItemRef returns the first item number named in text ("1.3"), or ""
// when it names none. A number only counts when it looks like an item in
// context: not a version after a product name (TLS 1.2, OpenSSL 3.2, v1.3)
// nor one of a list of versions. It does not check that the item exists.
func FindItemRef(text string) string {
	for _, m := range reItemRef.FindAllStringSubmatchIndex(text, -1) {
		if looksLikeVersion(text, m[2], m[3]) {
			continue
		}
		return canonicalItemID(text[m[2]:m[3]])
	}
	if reSectionI.MatchString(text) {
		return "I"
	}
	return ""
}

func looksLikeVersion(text string, from, to int) bool {
	if w := reVersionBefore.FindStringSubmatch(text[:from]); w != nil && !sentenceWords[strings.ToLower(w[1])] {
		glued := w[2] == ""
		// A product name (TLS, OpenSSL, Redmine, NCP) ends in a letter;
		// a code ending in digits ("PLAN-7781 3.2 고객대응") is not one.
		last := w[1][len(w[1])-1]
		named := strings.ToLower(w[1]) != w[1] && (last < '0' || last > '9')
		if glued || named || w[1] == "v" || w[1] == "ver" || w[1] == "version" {
			return true
		}
	}
	if reVersionAfter.MatchString(text[to:]) {
		return true
	}
	lo, hi := max(0, from-16), min(len(text), to+16)
	for lo > 0 && !utf8.RuneStart(text[lo]) {
		lo--
	}
	for hi < len(text) && !utf8.RuneStart(text[hi]) {
		hi++
	}
	return reZeroVersion.MatchString(text[lo:from]) || reZeroVersion.MatchString(text[to:hi])
}

// reItemPrefix matches an item number standing alone at the start of a
// command or message, optionally followed by 항/번 and a word that says a
// review is wanted (검토, 리뷰, review, check).
var reItemPrefix = regexp.MustCompile(`^\s*(` + itemNumber + `|I|Ⅰ)(?:항|번)?(?:\s+(?:검토|리뷰|review|check|점검)(?:해\s?줘|해\s?주세요|요청)?)?(?:\s*[:：]\s*|\s+|$)`)

// SplitItemPrefix splits text that starts with an item number standing
// alone ("1.2 <draft>", "1.3 검토\n<draft>") into the item ID and the rest.
// Text that merely begins with a number inside a sentence ("1.3에는 무엇이
// …") is a question, not a prefix: ok is false.
func SplitItemPrefix(text string) (id, rest string, ok bool) {
	loc := reItemPrefix.FindStringSubmatchIndex(text)
	if loc == nil {
		return "", text, false
	}
	id = canonicalItemID(text[loc[2]:loc[3]])
	return id, strings.TrimSpace(text[loc[1]:]), true
}
