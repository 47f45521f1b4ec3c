package prompts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/selfcheck/selfcheck/knowledge"
)

// Limits on what a review prompt carries besides the draft (whose budget
// is Config.ContextChars).
const (
	// MaxExamples is the number of example passages sent with a review.
	MaxExamples = 3
	// maxExampleRunes bounds one example passage.
	maxExampleRunes = 500
	// maxEvidenceRunes bounds the deterministic evidence of one element.
	maxEvidenceRunes = 300
	// maxCriteriaRunes bounds the item's criteria.
	maxCriteriaRunes = 3000
)

var (
	// reDelimiter finds the review delimiters, however spaced or cased, in
	// a draft that tries to close its own quotation.
	reDelimiter = regexp.MustCompile(`(?i)<<<\s*draft_(begin|end)\s*>>>`)
)

// ReviewElement is one required element of the item under review, with
// the deterministic verdict on it.
type ReviewElement struct {
	ID          string
	Label       string
	Description string
	// Status is the deterministic verdict (present, partial, missing,
	// not_applicable), empty when there is none.
	Status string
	// Evidence is the deterministic evidence quoted from the draft.
	Evidence string
}

// ReviewRequest is a draft to review against one checklist item.
type ReviewRequest struct {
	ItemID   string
	Title    string
	Criteria string
	Elements []ReviewElement
	// Examples are short passages from example submissions.
	Examples []string
	Draft    string
}

// ReviewResult is the model's review. Its findings are claims to check
// with knowledge.MergeModel, never verdicts to show as they are.
type ReviewResult struct {
	Elements []knowledge.ModelFinding
	Summary  string
	// Trimmed says the draft was longer than Config.ContextChars and only
	// its most relevant paragraphs were sent.
	Trimmed bool
	// PromptVersion names the system and user templates used
	// ("review-system-v1/review-v1").
	PromptVersion string
}

// Review asks the model to judge req.Draft element by element. Everything
// sent is masked with knowledge.Redact; a draft longer than
// Config.ContextChars is cut to its most relevant paragraphs (Trimmed).
// The answer is requested as JSON (a json_schema response format, falling
// back to json_object on servers that refuse it) and parsed tolerantly. On
// a nil Client it returns ErrDisabled; when the pool is full, ErrBusy.
func (c *Client) Review(ctx context.Context, req ReviewRequest) (ReviewResult, error) {
	if c == nil {
		return ReviewResult{}, ErrDisabled
	}
	version := promptVersion(c.tmpl.ReviewSystem, c.tmpl.ReviewUser)
	res := ReviewResult{PromptVersion: version}
	if strings.TrimSpace(req.Draft) == "" {
		return res, fmt.Errorf("review %s: empty draft", req.ItemID)
	}
	data := prepareReview(req, c.cfg.ContextChars)
	res.Trimmed = data.Trimmed
	sys, usr, err := renderPair(c.tmpl.ReviewSystem, c.tmpl.ReviewUser, data)
	if err != nil {
		return res, fmt.Errorf("review %s: %w", req.ItemID, err)
	}
	text, err := c.complete(ctx, call{
		op:          "review",
		version:     version,
		system:      sys,
		user:        usr,
		schema:      c.tmpl.ReviewSchema,
		temperature: 0.1,
	})
	if err != nil {
		return res, fmt.Errorf("review %s: %w", req.ItemID, err)
	}
	res.Elements, res.Summary, err = parseReview(text)
	if err != nil {
		return res, fmt.Errorf("review %s: %w", req.ItemID, err)
	}
	return res, nil
}

// prepareReview masks and bounds everything the review prompt carries and
// trims the draft to budget runes.
func prepareReview(req ReviewRequest, budget int) reviewData {
	d := reviewData{
		ItemID:   mask(req.ItemID, 20),
		Title:    mask(req.Title, 200),
		Criteria: mask(req.Criteria, maxCriteriaRunes),
		Gap:      gapMarker,
	}
	var terms []string
	for _, e := range req.Elements {
		d.Elements = append(d.Elements, ReviewElement{
			ID:          mask(e.ID, 40),
			Label:       mask(e.Label, 200),
			Description: mask(e.Description, 500),
			Status:      mask(e.Status, 20),
			Evidence:    mask(e.Evidence, maxEvidenceRunes),
		})
		terms = append(terms, e.Label, e.Description)
	}
	for _, ex := range req.Examples {
		if len(d.Examples) == MaxExamples {
			break
		}
		if ex = mask(ex, maxExampleRunes); ex != "" {
			d.Examples = append(d.Examples, strings.Join(strings.Fields(ex), " "))
		}
	}
	draft := reDelimiter.ReplaceAllString(mask(req.Draft, 0), "[구분자 제거]")
	d.Draft, d.Trimmed = trimDraft(draft, terms, budget)
	return d
}

// flexString decodes a JSON string, or a number written where a string was
// asked for (local models write "id": 1).
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexString(n.String())
	return nil
}

// parseReview reads the model's JSON answer. It tolerates reasoning
// (<think> blocks), ``` fences, prose around the object (also with braces),
// numeric IDs, and statuses written in Korean or with spaces; it does not
// judge the findings (MergeModel does).
func parseReview(text string) ([]knowledge.ModelFinding, string, error) {
	obj, ok := reviewObject(text)
	if !ok {
		return nil, "", errors.New("parse model answer: no JSON object with the review")
	}
	var out struct {
		Elements []struct {
			ID         flexString `json:"id"`
			Status     string     `json:"status"`
			Quote      string     `json:"quote"`
			Suggestion string     `json:"suggestion"`
		} `json:"elements"`
		Summary string `json:"summary"`
	}
	dec := json.NewDecoder(bytes.NewReader(obj))
	if err := dec.Decode(&out); err != nil {
		return nil, "", fmt.Errorf("parse model answer: %w", err)
	}
	findings := make([]knowledge.ModelFinding, 0, len(out.Elements))
	for _, e := range out.Elements {
		findings = append(findings, knowledge.ModelFinding{
			ID:         strings.TrimSpace(string(e.ID)),
			Status:     parseStatus(e.Status),
			Quote:      strings.TrimSpace(e.Quote),
			Suggestion: strings.TrimSpace(e.Suggestion),
		})
	}
	return findings, strings.TrimSpace(out.Summary), nil
}

// parseStatus maps the ways a model writes a status onto the four values;
// anything else is returned as written (and is invalid).
func parseStatus(s string) knowledge.Status {
	k := strings.ToLower(strings.TrimSpace(s))
	k = strings.NewReplacer(" ", "_", "-", "_").Replace(k)
	switch k {
	case "present", "충족":
		return knowledge.StatusPresent
	case "partial", "부분_충족", "부분충족", "일부_충족", "일부충족":
		return knowledge.StatusPartial
	case "missing", "누락", "미충족", "없음":
		return knowledge.StatusMissing
	case "not_applicable", "n/a", "na", "해당_없음", "해당없음":
		return knowledge.StatusNotApplicable
	}
	return knowledge.Status(s)
}
