package knowledge

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// WeakAlgorithmMarker is the phrase the deterministic review puts into the
// Note of an element whose draft names a weak cryptographic algorithm (MD5,
// SHA-1, DES …). MergeModel never lets a model upgrade such an element.
const WeakAlgorithmMarker = "취약한 알고리즘"

// MinQuoteRunes is the shortest quote, in runes without spaces, that
// MergeModel accepts as evidence: a word or two ("개인정보") occurs in any
// draft and proves nothing.
const MinQuoteRunes = 6

// maxSuggestionRunes bounds the model's suggestion appended to a Note.
const maxSuggestionRunes = 300

// Remarks MergeModel writes into notes and notices. They are shown to the
// user as they are.
const (
	noteNotBacking     = "모델은 이 요소를 %s(으)로 판단했지만, 그 근거로 든 문장이 이 요소를 있다고 말하는 문장이 아니어서(제목·부정·지시문 또는 다른 내용) 반영하지 않았습니다."
	noteUnverified     = "모델은 이 요소를 %s(으)로 판단했지만, 그 근거로 든 문장을 초안에서 확인할 수 없어 반영하지 않았습니다."
	noteWeakAlgorithm  = "모델의 상향 판단은 " + WeakAlgorithmMarker + " 사용이 확인되어 반영하지 않았습니다."
	noteVerifiedFull   = "모델이 초안에서 근거 문장을 찾았고, 그 문장이 초안에 있음을 확인했습니다."
	noteVerifiedPart   = "모델이 초안에서 관련 문장을 찾았고(초안에 있음을 확인), 일부만 충족한다고 보았습니다."
	noteSuggestion     = "모델 제안: "
	noticeInjection    = "초안에서 모델에게 보내는 지시로 보이는 문장이 발견되어 무시했습니다"
	noticeInjectionEnd = ". 이 초안에 대한 모델의 판단은 반영하지 않았고, 결정적 검토 결과만 표시합니다."
)

// ModelFinding is a model's verdict on one element of a review, in the
// JSON shape the review prompt asks for.
type ModelFinding struct {
	ID     string `json:"id"`
	Status Status `json:"status"`
	// Quote should be copied verbatim from the draft; it is checked
	// against the draft before it counts as evidence.
	Quote string `json:"quote"`
	// Suggestion is what the model advises to add or change.
	Suggestion string `json:"suggestion"`
}

// statusLabel names a status for a Korean reader.
func statusLabel(s Status) string {
	switch s {
	case StatusPresent:
		return "충족(present)"
	case StatusPartial:
		return "부분 충족(partial)"
	case StatusMissing:
		return "누락(missing)"
	}
	return "해당 없음(not_applicable)"
}

// rank orders the statuses an element can be upgraded through.
func rank(s Status) int {
	switch s {
	case StatusPresent:
		return 2
	case StatusPartial:
		return 1
	}
	return 0
}

// MergeModel folds a model's findings into the deterministic report det and
// returns a new report; det and its slices are left untouched. Evidence
// comes first:
//
//   - an element decided not_applicable deterministically stays so;
//   - the model never downgrades an element: what the deterministic review
//     found stands;
//   - the model may upgrade missing→partial/present or partial→present
//     only with a quote of at least MinQuoteRunes runes that occurs in the
//     draft after Normalize and Compact (either in the draft as written or
//     in its Redact-masked form, which is what the model saw); otherwise the
//     verdict is kept and the Note says the claim could not be verified;
//   - an element whose Note carries WeakAlgorithmMarker is never upgraded;
//   - a model's not_applicable never replaces a deterministic verdict;
//   - the model's suggestion, when given, is appended to the Note of any
//     element that is not not_applicable;
//   - findings with unknown element IDs or invalid statuses are ignored,
//     and only the first finding for an element counts;
//   - when injections is non-empty (see DetectInjection) the model's
//     findings are not used at all: no upgrade, no suggestion; a Notice
//     lists the descriptions of what was found.
//
// Without injections the model answered: LLM and Model.Used are set even
// when none of its claims held, and Model counts the upgrades and the
// refused claims. The summary is recounted.
func MergeModel(det Report, draft string, findings []ModelFinding, injections []string) Report {
	return mergeModel(det, newQuoteVerifier(newDocument(Normalize(draft))), findings, injections)
}

// MergeModelDraft is MergeModel on a prepared draft (or the part of it the
// model was given: see Checklist.Part), whose document backs the quote
// check as it is.
func MergeModelDraft(det Report, d *Draft, findings []ModelFinding, injections []string) Report {
	return mergeModel(det, newQuoteVerifier(d.doc), findings, injections)
}

func mergeModel(det Report, v *quoteVerifier, findings []ModelFinding, injections []string) Report {
	out := det
	out.Elements = append([]ElementResult(nil), det.Elements...)
	out.Notices = append([]string(nil), det.Notices...)
	out.LLM = det.LLM
	out.Model = det.Model

	if len(injections) > 0 {
		out.Notices = append(out.Notices, noticeInjection+" ("+strings.Join(injections, "; ")+")"+noticeInjectionEnd)
		out.Recount()
		return out
	}

	index := make(map[string]int, len(out.Elements))
	for i, e := range out.Elements {
		index[e.ID] = i
	}
	seen := make(map[string]bool, len(findings))
	out.LLM, out.Model.Used = true, true
	for _, f := range findings {
		i, ok := index[f.ID]
		switch {
		case seen[f.ID]:
			continue
		case !ok || !f.Status.Valid():
			out.Model.Rejected++
			continue
		}
		seen[f.ID] = true
		switch mergeElement(&out.Elements[i], f, v, det.Backs) {
		case claimUpgraded:
			out.Model.Upgraded++
		case claimRejected:
			out.Model.Rejected++
		}
	}
	out.Recount()
	return out
}

// claim is what became of a model's claim about one element.
type claim int

const (
	claimKept     claim = iota // no upgrade claimed: the verdict stands
	claimUpgraded              // upgraded with a verified quote
	claimRejected              // an upgrade refused
)

// mergeElement applies one finding to e and says what became of it.
func mergeElement(e *ElementResult, f ModelFinding, v *quoteVerifier, backs func(id string, line int) bool) claim {
	if e.Status == StatusNotApplicable {
		return claimKept
	}
	result := claimKept
	if f.Status != StatusNotApplicable && rank(f.Status) > rank(e.Status) {
		result = claimRejected
		switch {
		case strings.Contains(e.Note, WeakAlgorithmMarker):
			e.Note = joinNote(e.Note, noteWeakAlgorithm)
		default:
			quote, line, ok := v.verify(f.Quote)
			if !ok {
				e.Note = joinNote(e.Note, fmt.Sprintf(noteUnverified, statusLabel(f.Status)))
				break
			}
			if !backs(e.ID, line) {
				// The quote is in the draft, but it is not a statement
				// that asserts this element: a heading, a negation, an
				// instruction, or a line about something else.
				e.Note = joinNote(e.Note, fmt.Sprintf(noteNotBacking, statusLabel(f.Status)))
				break
			}
			if f.Status == StatusPresent {
				e.Note = noteVerifiedFull
			} else {
				e.Note = joinNote(e.Note, noteVerifiedPart)
			}
			e.Status = f.Status
			e.Evidence = quote
			e.Line = line
			result = claimUpgraded
		}
	}
	if s := cleanSuggestion(f.Suggestion); s != "" {
		e.Note = joinNote(e.Note, noteSuggestion+s)
	}
	return result
}

// joinNote appends remark to note with a space.
func joinNote(note, remark string) string {
	note = strings.TrimSpace(note)
	if note == "" {
		return remark
	}
	return note + " " + remark
}

// cleanSuggestion puts a model's suggestion on one line and bounds it.
func cleanSuggestion(s string) string {
	s = strings.Join(strings.Fields(Normalize(s)), " ")
	if utf8.RuneCountInString(s) <= maxSuggestionRunes {
		return s
	}
	r := []rune(s)
	return string(r[:maxSuggestionRunes]) + "…"
}

// quoteVerifier finds quotes in a draft regardless of spacing, Unicode
// form and masking. It compacts the draft the way the review does (one
// document per view), so a quote is found exactly where the review would
// find the same words: "Passwords are hashed" keeps its word spaces in
// both.
type quoteVerifier struct {
	views []*document
}

func newQuoteVerifier(doc *document) *quoteVerifier {
	v := &quoteVerifier{views: []*document{doc}}
	if masked := Redact(doc.text); masked != doc.text {
		v.views = append(v.views, newDocument(masked))
	}
	return v
}

// verify reports whether quote occurs in the draft, and returns the quote
// tidied for display and the line where it starts.
func (v *quoteVerifier) verify(quote string) (string, int, bool) {
	q := Normalize(quote)
	q = strings.Trim(strings.TrimSpace(q), `"'“”‘’「」『』`)
	// A quote may run over a line break of the draft; the document joins
	// lines with a newline, so compare with the quote's lines joined the
	// same way and, failing that, line by line from its first line.
	cq := Compact(strings.Join(strings.Fields(q), " "))
	if utf8.RuneCountInString(cq) < MinQuoteRunes {
		return "", 0, false
	}
	for k, d := range v.views {
		i := strings.Index(d.compact, cq)
		if i < 0 {
			i = indexAcrossLines(d.compact, cq)
		}
		if i < 0 {
			continue
		}
		ln := d.line(i)
		if k > 0 {
			// Found in the masked view, which is what the model saw: the
			// user is shown their own text, the lines the quote is on
			// (masking keeps lines where they are).
			return v.views[0].linesFrom(ln, strings.Count(q, "\n")+1), ln, true
		}
		return strings.Join(strings.Fields(q), " "), ln, true
	}
	return "", 0, false
}

// lines_ returns n lines of the draft from line ln (1-based), each with
// its spaces tidied, joined by a space.
func (d *document) linesFrom(ln, n int) string {
	var out []string
	for l := ln; l < ln+n && l >= 1 && l <= len(d.lines); l++ {
		end := len(d.text)
		if l < len(d.lines) {
			end = d.lines[l]
		}
		if f := strings.Fields(d.text[d.lines[l-1]:end]); len(f) > 0 {
			out = append(out, strings.Join(f, " "))
		}
	}
	return strings.Join(out, " ")
}

// indexAcrossLines finds sub in s where s may hold a line break (and the
// spaces compaction keeps) wherever sub has none.
func indexAcrossLines(s, sub string) int {
	flat := strings.NewReplacer("\n", "", " ", "").Replace(sub)
	var b strings.Builder
	pos := make([]int, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' || s[i] == ' ' {
			continue
		}
		b.WriteByte(s[i])
		pos = append(pos, i)
	}
	if i := strings.Index(b.String(), flat); i >= 0 {
		return pos[i]
	}
	return -1
}
