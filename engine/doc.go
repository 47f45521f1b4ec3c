// Package engine answers questions and reviews drafts: it routes a question
// to a checklist item (by its number, else by retrieval), composes a
// grounded answer with its sources, and runs the deterministic review of
// package knowledge. The CLI and the Slack bot both call it; a model, when
// configured, adds nuance but never overrules evidence.
package engine
