package knowledge

import (
	"fmt"
	"strings"
)

// Messages are what answers and reviews say (messages.yaml), by code, in
// Korean and English: labels of answers and notes of reviews. A front end
// renders the parts of an answer with these words, and may word a note's
// code in its own terms.
type Messages struct {
	Labels map[string]KindName `yaml:"labels"`
	Notes  map[string]KindName `yaml:"notes"`
}

// Label returns the answer label code in Korean or English with its
// {name} arguments filled in from args ("item", "1.3", …). An unknown
// code returns the code itself, so that a missing label shows and a test
// catches it.
func (c *Checklist) Label(code string, english bool, args ...string) string {
	return fill(c.messages.Labels, code, english, args)
}

// NoteText renders a review note's code and arguments, as notes have
// them (ElementResult.NoteCode, NoteArgs).
func (c *Checklist) NoteText(code string, english bool, args map[string]string) string {
	var kv []string
	for k, v := range args {
		kv = append(kv, k, v)
	}
	return fill(c.messages.Notes, code, english, kv)
}

func fill(m map[string]KindName, code string, english bool, args []string) string {
	n, ok := m[code]
	if !ok {
		return code
	}
	s := n.KO
	if english && n.EN != "" {
		s = n.EN
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+args[i]+"}", args[i+1])
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// validateMessages checks that every message has its Korean text (English
// may be left out only where Korean alone is meant).
func validateMessages(m Messages) error {
	for section, msgs := range map[string]map[string]KindName{"labels": m.Labels, "notes": m.Notes} {
		if len(msgs) == 0 {
			return &LoadError{File: "messages.yaml", Field: section, Err: fmt.Errorf("missing or empty")}
		}
		for code, n := range msgs {
			if n.KO == "" && n.EN == "" {
				return &LoadError{File: "messages.yaml", Field: section + "." + code, Err: fmt.Errorf("missing or empty")}
			}
		}
	}
	return nil
}
