package bot

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/selfcheck/selfcheck/knowledge"
)

// notesData is bot/data/notes.yaml: the bot's wording of review notes
// whose default tells a command-line user what to type.
//
//go:embed data/notes.yaml
var notesData []byte

// slackNotes are notes.yaml, read on first use (not at start: a CLI
// command that never posts to Slack does not pay for it); a broken file
// is a build mistake, caught by the tests that render notes.
var slackNotes = sync.OnceValue(func() map[string]string { return mustNotes(notesData) })

func mustNotes(raw []byte) map[string]string {
	var m map[string]string
	if err := yaml.Unmarshal(raw, &m); err != nil || len(m) == 0 {
		panic(fmt.Sprintf("bot: data/notes.yaml: %v (or empty)", err))
	}
	return m
}

// noteText is an element's note as the bot says it: its code's Slack
// wording when notes.yaml has one, else the note as the review wrote it.
func noteText(e knowledge.ElementResult) string {
	text, ok := slackNotes()[e.NoteCode]
	if !ok || e.NoteCode == "" {
		return e.Note
	}
	pairs := make([]string, 0, 2*len(e.NoteArgs))
	for k, v := range e.NoteArgs {
		pairs = append(pairs, "{"+k+"}", v)
	}
	return strings.NewReplacer(pairs...).Replace(text)
}
