package prompts

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
)

var (
	// reThinkBlock finds a whole reasoning block as Qwen3, DeepSeek-R1 and
	// EXAONE write it into the content when the server does not separate
	// it.
	reThinkBlock = regexp.MustCompile(`(?is)<(?:think|thinking|reasoning)>.*?</(?:think|thinking|reasoning)>`)
	reThinkClose = regexp.MustCompile(`(?i)</(?:think|thinking|reasoning)>`)
	reThinkOpen  = regexp.MustCompile(`(?i)<(?:think|thinking|reasoning)>`)
	// reFences finds the ``` blocks of an answer.
	reFences = regexp.MustCompile("(?s)```[a-zA-Z]*[ \t]*\n?(.*?)```")
)

// maxObjectStarts bounds the '{' tried as the start of the review object,
// so that an answer full of braces costs little.
const maxObjectStarts = 64

// stripReasoning removes a model's reasoning from the content of its
// answer, which must never be shown or parsed: whole <think>…</think>
// blocks; everything before a lone </think> (chat templates that open the
// block in the prompt); and an unclosed block at the end (the model ran
// out of tokens while thinking). Reasoning sent in separate fields
// (reasoning, reasoning_content) is never read in the first place.
func stripReasoning(s string) string {
	s = reThinkBlock.ReplaceAllString(s, "")
	if loc := reThinkClose.FindAllStringIndex(s, -1); loc != nil {
		s = s[loc[len(loc)-1][1]:]
	}
	if loc := reThinkOpen.FindStringIndex(s); loc != nil {
		s = s[:loc[0]]
	}
	return strings.TrimSpace(s)
}

// reviewObject finds the review in a model's answer: the first JSON object
// with an "elements" field, inside a ``` fence or in the text around it.
// A sketch in a fence or prose with braces does not hide the real object.
func reviewObject(text string) ([]byte, bool) {
	text = stripReasoning(text)
	var candidates []string
	for _, m := range reFences.FindAllStringSubmatch(text, -1) {
		candidates = append(candidates, m[1])
	}
	candidates = append(candidates, text)
	tried := 0
	for _, c := range candidates {
		for i := 0; i < len(c) && tried < maxObjectStarts; i++ {
			j := strings.IndexByte(c[i:], '{')
			if j < 0 {
				break
			}
			i += j
			tried++
			var obj map[string]json.RawMessage
			dec := json.NewDecoder(strings.NewReader(c[i:]))
			if err := dec.Decode(&obj); err != nil {
				continue
			}
			if _, ok := obj["elements"]; ok {
				return bytes.TrimSpace([]byte(c[i : i+int(dec.InputOffset())])), true
			}
		}
	}
	return nil, false
}
