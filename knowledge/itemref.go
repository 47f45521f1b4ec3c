package knowledge

import (
	"regexp"
	"strings"
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

// reItemRef finds an item number in free text: "1.3", "1.3항", "1-3",
// "3 . 2". The digits must not be part of a longer number (a version 1.0,
// a phone number, SHA-256) so both sides are bounded by non-digits.
var reItemRef = regexp.MustCompile(`(?:^|[^0-9.\-])([1-9])\s?[.\-·]\s?([1-9])(?:[^0-9.]|$)`)

// reSectionI finds a reference to section I (service classification).
var reSectionI = regexp.MustCompile(`(?:^|[^A-Za-z])(?:I|Ⅰ)\s*(?:\.|장|번|항|섹션|section)|(?i)section\s+(?:I|1)\b|(?:섹션|파트)\s*(?:I|Ⅰ|1)\b`)

// FindItemRef returns the first item number named in text ("1.3"), or ""
// when it names none. It does not check that the item exists.
func FindItemRef(text string) string {
	if m := reItemRef.FindStringSubmatch(text); m != nil {
		return m[1] + "." + m[2]
	}
	if reSectionI.MatchString(text) {
		return "I"
	}
	return ""
}

// reItemPrefix matches an item number standing alone at the start of a
// command or message, optionally followed by 항/번 and a word that says a
// review is wanted (검토, 리뷰, review, check).
var reItemPrefix = regexp.MustCompile(`^\s*([1-9]\s?[.\-·]\s?[1-9]|I|Ⅰ)(?:항|번)?(?:\s+(?:검토|리뷰|review|check|점검)(?:해\s?줘|해\s?주세요|요청)?)?(?:\s*[:：]\s*|\s+|$)`)

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
