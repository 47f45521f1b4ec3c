package bot

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// questionData is bot/data/question.yaml: the words by which the help
// channel's auto mode reads a message as a question or an announcement.
//
//go:embed data/question.yaml
var questionData []byte

// questionWords are the words of question.yaml.
type questionWords struct {
	Marks            []string `yaml:"marks"`
	EndingsKO        []string `yaml:"endings_ko"`
	WhEN             []string `yaml:"wh_en"`
	AuxEN            []string `yaml:"aux_en"`
	AnnouncePrefixes []string `yaml:"announce_prefixes"`
	AnnounceMarks    []string `yaml:"announce_marks"`
}

// questions is question.yaml, read on first use (see slackNotes); a
// broken file is a build mistake, caught by the tests of readsAsQuestion.
var questions = sync.OnceValue(func() questionWords { return mustQuestionWords(questionData) })

func mustQuestionWords(raw []byte) questionWords {
	var w questionWords
	if err := yaml.Unmarshal(raw, &w); err != nil {
		panic(fmt.Sprintf("bot: data/question.yaml: %v", err))
	}
	if len(w.Marks) == 0 || len(w.EndingsKO) == 0 || len(w.WhEN) == 0 {
		panic("bot: data/question.yaml: marks, endings_ko and wh_en are required")
	}
	return w
}

// maxAutoQuestion bounds what auto mode reads as a question, in runes:
// longer text is a post or a draft, not a question.
const maxAutoQuestion = 600

// readsAsQuestion reports whether text, a channel message, has the shape
// of a question: its last sentence ends with a question mark or a Korean
// question ending, or starts like an English question.
func readsAsQuestion(text string) bool {
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > maxAutoQuestion {
		return false
	}
	for _, m := range questions().Marks {
		if strings.Contains(text, m) {
			return true
		}
	}
	last := lastSentence(text)
	for _, e := range questions().EndingsKO {
		if endsWithKO(last, e) {
			return true
		}
	}
	first := strings.ToLower(strings.Trim(firstWord(last), ",:"))
	for _, w := range append(questions().WhEN, questions().AuxEN...) {
		if first == w {
			return true
		}
	}
	return false
}

// readsAsAnnouncement reports a message that announces rather than asks:
// it starts with a notice marker or calls the whole channel.
func readsAsAnnouncement(text string) bool {
	t := strings.TrimSpace(text)
	for _, m := range questions().AnnounceMarks {
		if strings.Contains(t, m) {
			return true
		}
	}
	lower := strings.ToLower(t)
	for _, p := range questions().AnnouncePrefixes {
		if strings.HasPrefix(lower, strings.ToLower(p)) {
			return true
		}
	}
	return false
}

// lastSentence is the last non-blank line of text, with trailing
// punctuation, laughter and emoji cut, and of that line the part after
// its last full stop.
func lastSentence(text string) string {
	lines := strings.Split(text, "\n")
	line := ""
	for i := len(lines) - 1; i >= 0 && line == ""; i-- {
		line = strings.TrimSpace(lines[i])
	}
	line = trimTail(line)
	if i := strings.LastIndexAny(line, ".!。"); i >= 0 {
		line = strings.TrimSpace(line[i+1:])
	}
	return line
}

// trimTail cuts what follows the words at the end of a sentence:
// punctuation, ㅠㅠ, ㅎㅎ, emoji and Slack's :emoji: codes.
func trimTail(s string) string {
	for {
		t := strings.TrimRightFunc(s, func(r rune) bool {
			return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) ||
				r == 'ㅠ' || r == 'ㅜ' || r == 'ㅎ' || r == 'ㅋ' || r == '\uFE0F' || r == '\u200D'
		})
		// A :emoji: code lost its closing colon above: cut the rest.
		if j := strings.LastIndex(t, ":"); j >= 0 && len(t) < len(s) && isEmojiCode(t[j+1:]) {
			t = t[:j]
		}
		if t == s {
			return s
		}
		s = t
	}
}

func isEmojiCode(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '+') {
			return false
		}
	}
	return true
}

func firstWord(s string) string {
	w, _, _ := strings.Cut(strings.TrimSpace(s), " ")
	return w
}

// The range of precomposed Hangul syllables.
const (
	hangulFirst = 0xAC00
	hangulLast  = 0xD7A3
)

// finalIndex is the index of a final consonant (jongseong) in a Hangul
// syllable, by the compatibility jamo a data file writes it as.
var finalIndex = map[rune]int{'ㄱ': 1, 'ㄴ': 4, 'ㄹ': 8, 'ㅁ': 16, 'ㅂ': 17, 'ㅅ': 19, 'ㅆ': 20, 'ㅇ': 21}

// endsWithKO reports whether s ends with the Korean ending e. An ending
// that starts with a lone consonant (ㄹ까) matches a syllable that ends in
// that consonant and is followed by the rest (할까).
func endsWithKO(s, e string) bool {
	first, size := utf8.DecodeRuneInString(e)
	fi, jamo := finalIndex[first]
	if !jamo {
		return strings.HasSuffix(s, e)
	}
	rest := e[size:]
	if !strings.HasSuffix(s, rest) {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:len(s)-len(rest)])
	return r >= hangulFirst && r <= hangulLast && int(r-hangulFirst)%28 == fi
}
