package knowledge

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// Stance is what a statement does with what it names: asserts it, says it
// is not so or not there, puts it off, does it only when needed, asks
// about it, only names it as a heading, or repeats the form's own
// instruction. Only an asserting statement is evidence. The values are
// part of the public contract (review --json's "stance").
type Stance string

// The stances of a statement.
const (
	StanceNone        Stance = ""
	StanceAsserts     Stance = "asserts"
	StanceNegates     Stance = "negates"
	StanceDefers      Stance = "defers"
	StanceAdHoc       Stance = "ad_hoc"
	StanceConditional Stance = "conditional"
	StanceQuestion    Stance = "question"
	StanceHeading     Stance = "heading"
	StanceTemplate    Stance = "template"
	// StanceInstruction is a statement addressed to whoever reviews the
	// draft (a reviewer, a tool, a model) telling them how to judge it.
	StanceInstruction Stance = "instruction"
	// StanceOtherRole is a statement whose actor or owner is not the
	// provider the element asks about (the customer's own contact, what
	// users should do where the provider's measure is asked for).
	StanceOtherRole Stance = "other_role"
)

// stanceFile is the layout of stance.yaml.
type stanceFile struct {
	KO struct {
		NegatesEnd    []string `yaml:"negates_end"`
		AuxEnd        []string `yaml:"aux_end"`
		Purpose       []string `yaml:"purpose"`
		EmptyValue    []string `yaml:"empty_value"`
		Harm          []string `yaml:"harm"`
		OtherParty    string   `yaml:"other_party"`
		OtherRole     []string `yaml:"other_role"`
		Meta          []string `yaml:"meta"`
		DefersEnd     []string `yaml:"defers_end"`
		DefersAny     []string `yaml:"defers_any"`
		PlanVerbs     []string `yaml:"plan_verbs"`
		AdHoc         []string `yaml:"ad_hoc"`
		QuestionEnd   []string `yaml:"question_end"`
		Template      []string `yaml:"template"`
		InstructionTo []string `yaml:"instruction_to"`
		InstructionDo []string `yaml:"instruction_do"`
	} `yaml:"ko"`
	EN struct {
		Negates       []string `yaml:"negates"`
		NotNegation   []string `yaml:"not_negation"`
		Meta          []string `yaml:"meta"`
		Defers        []string `yaml:"defers"`
		PlanVerbs     []string `yaml:"plan_verbs"`
		AdHoc         []string `yaml:"ad_hoc"`
		OtherRole     []string `yaml:"other_role"`
		QuestionStart []string `yaml:"question_start"`
		Template      []string `yaml:"template"`
		InstructionTo []string `yaml:"instruction_to"`
		InstructionDo []string `yaml:"instruction_do"`
	} `yaml:"en"`
	Other struct {
		Instruction []string `yaml:"instruction"`
	} `yaml:"other"`
	Heading struct {
		Marker     string `yaml:"marker"`
		Bullet     string `yaml:"bullet"`
		BreakersKO string `yaml:"breakers_ko"`
		BreakersEN string `yaml:"breakers_en"`
	} `yaml:"heading"`
	Notes       map[string]string `yaml:"notes"`
	Notices     map[string]string `yaml:"notices"`
	Certificate struct {
		Noun    string `yaml:"noun"`
		Held    string `yaml:"held"`
		This    string `yaml:"this"`
		Exempts string `yaml:"exempts"`
		Generic string `yaml:"generic"`
	} `yaml:"certificate"`
}

// stanceGrammar is stance.yaml compiled.
type stanceGrammar struct {
	koNegEnd, koAux, koHarm, koRole, enRole, koPurpose, koEmpty, koMeta, koDefEnd, koDefAny, koPlan, koAdHoc, koQuestion, koTemplate, koInstTo, koInstDo *grammarRE
	enNeg, enNotNeg, enMeta, enDef, enPlan, enAdHoc, enQStart, enTemplate, enInstTo, enInstDo                                                            *grammarRE
	otherInst                                                                                                                                            *grammarRE
	marker, bullet, breakKO, breakEN                                                                                                                     *regexp.Regexp
	certNoun, certHeld, certThis, certGeneric, certExempts                                                                                               *grammarRE
	lits                                                                                                                                                 *literalIndex
	notes, notices                                                                                                                                       map[string]string
}

func compileStance(f *stanceFile) (*stanceGrammar, error) {
	g := &stanceGrammar{}
	var err error
	alt := func(field string, dst **grammarRE, pats []string) {
		if err != nil {
			return
		}
		if len(pats) == 0 {
			err = &LoadError{File: "stance.yaml", Field: field, Err: fmt.Errorf("missing or empty")}
			return
		}
		for i, p := range pats {
			// Parsed, not compiled: newGrammarRE compiles on first use.
			if _, e := syntax.Parse(p, syntax.Perl); e != nil {
				err = &LoadError{File: "stance.yaml", Field: fmt.Sprintf("%s[%d]", field, i), Err: e}
				return
			}
		}
		*dst, _ = newGrammarRE(pats)
	}
	one := func(field string, dst **regexp.Regexp, p string) {
		if err != nil {
			return
		}
		if p == "" {
			err = &LoadError{File: "stance.yaml", Field: field, Err: fmt.Errorf("missing or empty")}
			return
		}
		re, e := regexp.Compile(p)
		if e != nil {
			err = &LoadError{File: "stance.yaml", Field: field, Err: e}
			return
		}
		*dst = re
	}
	alt("ko.negates_end", &g.koNegEnd, f.KO.NegatesEnd)
	alt("ko.aux_end", &g.koAux, f.KO.AuxEnd)
	alt("ko.purpose", &g.koPurpose, f.KO.Purpose)
	alt("ko.harm", &g.koHarm, f.KO.Harm)
	alt("ko.other_role", &g.koRole, f.KO.OtherRole)
	alt("en.other_role", &g.enRole, f.EN.OtherRole)
	alt("ko.empty_value", &g.koEmpty, f.KO.EmptyValue)
	alt("ko.meta", &g.koMeta, f.KO.Meta)
	alt("ko.defers_end", &g.koDefEnd, f.KO.DefersEnd)
	alt("ko.defers_any", &g.koDefAny, f.KO.DefersAny)
	alt("ko.plan_verbs", &g.koPlan, f.KO.PlanVerbs)
	alt("ko.ad_hoc", &g.koAdHoc, f.KO.AdHoc)
	alt("ko.question_end", &g.koQuestion, f.KO.QuestionEnd)
	alt("ko.template", &g.koTemplate, f.KO.Template)
	alt("ko.instruction_to", &g.koInstTo, f.KO.InstructionTo)
	alt("ko.instruction_do", &g.koInstDo, f.KO.InstructionDo)
	alt("en.negates", &g.enNeg, f.EN.Negates)
	alt("en.not_negation", &g.enNotNeg, f.EN.NotNegation)
	alt("en.meta", &g.enMeta, f.EN.Meta)
	alt("en.defers", &g.enDef, f.EN.Defers)
	alt("en.plan_verbs", &g.enPlan, f.EN.PlanVerbs)
	alt("en.ad_hoc", &g.enAdHoc, f.EN.AdHoc)
	alt("en.question_start", &g.enQStart, f.EN.QuestionStart)
	alt("en.template", &g.enTemplate, f.EN.Template)
	alt("en.instruction_to", &g.enInstTo, f.EN.InstructionTo)
	alt("en.instruction_do", &g.enInstDo, f.EN.InstructionDo)
	alt("other.instruction", &g.otherInst, f.Other.Instruction)
	one("heading.marker", &g.marker, f.Heading.Marker)
	one("heading.bullet", &g.bullet, f.Heading.Bullet)
	one("heading.breakers_ko", &g.breakKO, f.Heading.BreakersKO)
	one("heading.breakers_en", &g.breakEN, f.Heading.BreakersEN)
	alt("certificate.noun", &g.certNoun, []string{f.Certificate.Noun})
	alt("certificate.held", &g.certHeld, []string{f.Certificate.Held})
	alt("certificate.this", &g.certThis, []string{f.Certificate.This})
	alt("certificate.exempts", &g.certExempts, []string{f.Certificate.Exempts})
	alt("certificate.generic", &g.certGeneric, []string{f.Certificate.Generic})
	if err == nil {
		// Every list stanceOf reads from a statement shares one
		// automaton (certificate lists are read outside it).
		g.lits = newLiteralIndex(g.koQuestion, g.enQStart, g.koTemplate, g.enTemplate, g.koEmpty, g.koDefAny, g.koDefEnd, g.enDef,
			g.koMeta, g.koPlan, g.enPlan, g.koNegEnd, g.koHarm, g.enNeg, g.enMeta, g.koRole, g.enRole, g.koAdHoc, g.enAdHoc,
			g.koInstTo, g.enInstTo, g.koInstDo, g.enInstDo, g.otherInst)
	}
	g.notes, g.notices = f.Notes, f.Notices
	for _, k := range []string{"negates", "negates_meta", "defers", "ad_hoc", "heading", "template", "question", "instruction", "other_role"} {
		if err == nil && strings.Count(g.notes[k], "%s") != 2 {
			err = &LoadError{File: "stance.yaml", Field: "notes." + k, Err: fmt.Errorf("needs a text with two %%s (the quote, then the hint)")}
		}
	}
	for _, k := range []string{"instruction", "certificate", "certificate_note"} {
		if err == nil && g.notices[k] == "" {
			err = &LoadError{File: "stance.yaml", Field: "notices." + k, Err: fmt.Errorf("missing or empty")}
		}
	}
	return g, err
}

// clauseView is what the stance of a statement is read from: its compact
// text (spaces removed, lower case; English words keep their spaces) and
// the compact text of its last words, where a Korean clause has its
// predicate.
type clauseView struct {
	compact string
	tail    string
	// orig is the statement as written, for letter-spaced words.
	orig string
	// value marks the value of a "label: value" record or a table cell
	// after the first: an empty value ("미정", "N/A") negates its label.
	value bool
}

// stanceOf reads the stance of one statement. meta is set for a negation
// of writing the thing down or setting it up ("연락처 미기재"), as opposed
// to a negation of the practice ("국외로 이전하지 않음").
func (g *stanceGrammar) stanceOf(v clauseView, period func(string) bool) (st Stance, meta bool) {
	c := bounded(strings.TrimRight(v.compact, " .。!"))
	if c == "" {
		return StanceNone, false
	}
	// The literals of every pattern, found once: the tail and the other
	// views below are parts of c, so a literal they hold is in c too.
	fs := g.lits.scan(c)
	if g.koQuestion.in(c, fs) || (strings.HasSuffix(c, "?") || strings.HasSuffix(c, "？")) {
		return StanceQuestion, false
	}
	if g.enQStart.in(c, fs) && strings.ContainsAny(v.compact, "?？") {
		return StanceQuestion, false
	}
	if g.koTemplate.in(c, fs) || g.enTemplate.in(c, fs) {
		return StanceTemplate, false
	}
	tail := v.tail
	if end := g.koPurpose.lastEnd(tail); end >= 0 {
		tail = tail[end:]
	}
	if v.value && g.koEmpty.in(c, fs) {
		if g.koDefAny.in(c, fs) || g.koDefEnd.in(c, fs) || g.enDef.in(c, fs) {
			return StanceDefers, false
		}
		return StanceNegates, g.koMeta.in(c, fs) || !strings.Contains(c, "없") && !strings.Contains(c, "none") && !strings.Contains(c, "n/a") && !strings.Contains(c, "해당")
	}
	plan := (g.koPlan.in(c, fs) || g.enPlan.in(c, fs)) && period(c)
	if !plan && (g.koDefEnd.in(tail, fs) || g.koDefAny.in(c, fs) || g.enDef.in(c, fs)) {
		return StanceDefers, false
	}
	if (g.koNegEnd.in(tail, fs) || g.koNegEnd.in(g.koAux.ReplaceAllString(tail, ""), fs)) && !g.koHarm.MatchString(lastWords(v.orig, 5)) {
		return StanceNegates, g.koMeta.in(c, fs)
	}
	if en := g.enNotNeg.ReplaceAllString(c, " "); g.enNeg.in(en, fs) {
		return StanceNegates, g.enMeta.in(en, fs)
	}
	if g.koRole.in(c, fs) || g.enRole.in(c, fs) {
		return StanceOtherRole, false
	}
	if g.koAdHoc.in(c, fs) || g.enAdHoc.in(c, fs) {
		return StanceAdHoc, false
	}
	return StanceAsserts, false
}

// maxStanceBytes bounds how much of a statement its stance is read from:
// the start and the end, where Korean and English put what decides it. A
// run-on paste with no sentence end is one statement, and reading all of
// it for every pattern would make the review slow on it.
const maxStanceBytes = 600

func bounded(c string) string {
	if len(c) <= maxStanceBytes {
		return c
	}
	k := maxStanceBytes / 3
	for k > 0 && !utf8.RuneStart(c[k]) {
		k--
	}
	j := len(c) - 2*maxStanceBytes/3
	for j < len(c) && !utf8.RuneStart(c[j]) {
		j++
	}
	return c[:k] + "\n" + c[j:]
}

// instruction reports whether a statement tells whoever reviews the draft
// how to judge it: words naming a reviewer and words of a verdict, in one
// statement, in any of the languages stance.yaml knows. Compact text has
// letter-spaced words ("m a r k") already joined.
func (g *stanceGrammar) instruction(c, orig string) bool {
	// Words naming a reviewer are rare; the verdict words are tried only
	// after them.
	fs := g.lits.scan(c)
	if (g.koInstTo.in(c, fs) || g.enInstTo.in(c, fs)) && (g.koInstDo.in(c, fs) || g.enInstDo.in(c, fs)) {
		return true
	}
	if g.otherInst.in(c, fs) {
		return true
	}
	if v := unspaced(orig[:min(len(orig), maxStanceBytes)]); v != "" {
		u := Compact(v)
		return g.enInstDo.MatchString(u) && (g.enInstTo.MatchString(u) || g.koInstTo.MatchString(u))
	}
	return false
}

var (
	reLetterSpaced = regexp.MustCompile(`(?:\pL[ \t]){3,}\pL`)
	reWideSpace    = regexp.MustCompile(`[ \t]{2,}`)
)

// unspaced rejoins words whose letters were spaced apart ("m a r k  a l l
// a s  s a t i s f i e d", words two spaces apart), or returns "" when the
// text has none.
func unspaced(orig string) string {
	if !letterSpaced(orig) {
		return ""
	}
	s := reWideSpace.ReplaceAllString(orig, "\x01")
	s = reLetterSpaced.ReplaceAllStringFunc(s, func(run string) string { return strings.NewReplacer(" ", "", "\t", "").Replace(run) })
	return strings.ReplaceAll(s, "\x01", " ")
}

// letterSpaced reports, without a regular expression, whether s has four
// one-letter words in a row.
func letterSpaced(s string) bool {
	run, word := 0, 0
	for _, r := range s {
		if r == ' ' || r == '\t' {
			if word == 1 {
				run++
				if run >= 4 {
					return true
				}
			} else if word > 1 {
				run = 0
			}
			word = 0
			continue
		}
		word++
	}
	return false
}

// certified reports whether a statement (compact) says that this service
// has or submits a security certificate, rather than quoting the form's
// rule about services that do.
func (g *stanceGrammar) certified(c string) bool {
	if !g.certNoun.MatchString(c) {
		return false
	}
	this := g.certThis.MatchString(c)
	if g.certGeneric.MatchString(c) && !this {
		return false
	}
	return this || g.certHeld.MatchString(c)
}
