package engine

import (
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/retrieval"
)

// GuideVersion is the checklist the knowledge base follows, as it
// states itself (knowledge/data/guide.yaml); answers name it.
func (e *Engine) GuideVersion() knowledge.GuideVersion { return e.kb.Guide }

// sourceURL is the public page of a source, where the knowledge data has
// one: facts about the review link to where they can be read.
func (e *Engine) sourceURL(s Source) string {
	if s.Kind != retrieval.KindAbout {
		return ""
	}
	for _, a := range e.kb.About {
		if a.Title == s.Title {
			return a.URL
		}
	}
	return ""
}
