package knowledge

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Placeholders that replace personal data. They are plain text so that a
// model or a reader sees that something was there, and what kind of thing.
const (
	MaskPhone     = "[전화번호]"
	MaskEmail     = "[이메일]"
	MaskResident  = "[주민등록번호]"
	MaskForeigner = "[외국인등록번호]"
	MaskPassport  = "[여권번호]"
	MaskLicence   = "[운전면허번호]"
	MaskCard      = "[카드번호]"
	MaskAccount   = "[계좌번호]"
	MaskIP        = "[IP주소]"
	MaskAddress   = "[주소]"
	MaskName      = "[이름]"
)

// redactFile is the data file with the words redaction needs.
const redactFile = "redact.yaml"

// redactRules is the layout of redact.yaml.
type redactRules struct {
	Titles           []string `yaml:"titles"`
	NameLabels       []string `yaml:"name_labels"`
	NameLabelsColon  []string `yaml:"name_labels_colon"`
	NameLabelsEN     []string `yaml:"name_labels_en"`
	NotNames         []string `yaml:"not_names"`
	OrgSuffixes      []string `yaml:"org_suffixes"`
	Surnames         []string `yaml:"surnames"`
	CompoundSurnames []string `yaml:"compound_surnames"`
	Particles        []string `yaml:"particles"`
	AccountContext   []string `yaml:"account_context"`
	LicenceRegions   []string `yaml:"licence_regions"`
	Provinces        []string `yaml:"provinces"`
	AddressContext   []string `yaml:"address_context"`
	VersionWords     []string `yaml:"version_words"`
	PublicContacts   []string `yaml:"public_contacts"`
	RoleEndings      []string `yaml:"role_endings"`
	RolesEN          []string `yaml:"roles_en"`
	TitlesEN         []string `yaml:"titles_en"`
	NotNamesEN       []string `yaml:"not_names_en"`
	BankShortNames   []string `yaml:"bank_short_names"`
}

// redactor masks personal data in text. Build one with newRedactor; it is
// safe for concurrent use. Every pass is a single scan (Go's regexp runs
// in linear time), so masking is linear in the length of the text.
type redactor struct {
	names        nameRules
	public       map[string]bool // contacts that stay: digits of phones, lower-case e-mails
	versionWords []string        // lower case

	// Patterns that need the words before them are looked for only where
	// their digits (or Latin name) are.
	licence, nameLat, nameKoEN, passport contextual
	// A bank account is a long digit group after an account word or a
	// bank's name (accountContext) on the same line.
	reAccount           *regexp.Regexp
	accountContext      []string
	accountContextRunes int
	bankShortNames      []string // lower case
	// English names next to a job title (Grace Holloway, Security Manager).
	english englishNames
	// An address is found from its building number back to its district
	// or the word that announces it (addressStart).
	reAddress      *regexp.Regexp
	provinces      map[string]bool
	addressContext []string

	reEmail *regexp.Regexp
}

// Patterns that do not depend on the data file. Separators are what people
// type between digit groups: dashes of any kind, dots, spaces.
const (
	dash  = `\-‐‑‒–—−`
	sepRe = `[ \t]*[.` + dash + `]?[ \t]*`
)

var (
	// Resident and foreigner registration numbers: a valid birth date, a
	// dash or space, and the digit that gives sex and century (1-4 for
	// citizens, 5-8 for foreigners) with six more.
	reResident = regexp.MustCompile(`\b\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[ \t]*[` + dash + `]?[ \t]*([1-8])\d{6}\b`)
	// Partly masked registration numbers (900101-1******) still give the
	// birth date and sex.
	reResidentPart = regexp.MustCompile(`\b\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[ \t]*[` + dash + `][ \t]*([1-8*xX●○•])[0-9*xX●○•]{0,5}[*xX●○•]`)
	// Card numbers: 13 to 19 digits in groups (4-4-4-4, 4-6-5 …), kept
	// only when the Luhn check passes.
	reCard = regexp.MustCompile(`\b\d{4}[ \t` + dash + `]?\d{4,6}[ \t` + dash + `]?\d{4,5}(?:[ \t` + dash + `]?\d{1,4})?\b`)
	// Phone numbers: area codes, mobile, 050x and 070 (0 and up to three
	// digits, or in parentheses), +82 with or without the 0, and the
	// nationwide 15xx/16xx/18xx numbers.
	rePhone = regexp.MustCompile(
		`(?:\(?\+[ \t]*82\)?[ \t]*(?:\(0\)[ \t]*)?[` + dash + `.]?[ \t]*0?\d{1,3}|\(0\d{1,3}\)|\b0\d{1,3})` + sepRe + `\d{3,4}` + sepRe + `\d{4}\b` +
			`|\b1[5-9]\d{2}(?:[ \t]*[.` + dash + `][ \t]*|[ \t]+)\d{4}\b`)
	// Korean passports: a letter and eight digits, or since 2021 a
	// letter, three digits, a letter and four digits.
	rePassport = regexp.MustCompile(`\b[MSRODG]\d{8}\b|\b[MSRODG]\d{3}[A-Z]\d{4}\b`)
	reIPv4     = regexp.MustCompile(`\b\d{1,3}(?:\.\d{1,3}){3}\b`)
	reIPv6     = regexp.MustCompile(`[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}`)
)

// newRedactor builds a redactor from the rules of a redact.yaml file.
func newRedactor(r redactRules) (*redactor, error) {
	for field, list := range map[string][]string{
		"titles": r.Titles, "name_labels": r.NameLabels, "surnames": r.Surnames, "particles": r.Particles,
		"account_context": r.AccountContext, "licence_regions": r.LicenceRegions, "provinces": r.Provinces,
		"address_context": r.AddressContext, "role_endings": r.RoleEndings, "roles_en": r.RolesEN,
		"titles_en": r.TitlesEN, "not_names_en": r.NotNamesEN, "bank_short_names": r.BankShortNames,
	} {
		if len(list) == 0 {
			return nil, &LoadError{File: redactFile, Field: field, Err: fmt.Errorf("missing or empty")}
		}
	}
	for _, s := range r.Surnames {
		if utf8.RuneCountInString(s) != 1 {
			return nil, &LoadError{File: redactFile, Field: "surnames", Err: fmt.Errorf("%q is not one syllable", s)}
		}
	}
	rd := &redactor{names: newNameRules(r), public: map[string]bool{}}
	for _, w := range r.VersionWords {
		rd.versionWords = append(rd.versionWords, strings.ToLower(w))
	}
	for _, c := range r.PublicContacts {
		rd.public[contactKey(c)] = true
	}
	digitsRe := `\d[\d \t` + dash + `]{6,22}\d\b`
	rd.reAccount = regexp.MustCompile(digitsRe)
	for _, c := range r.AccountContext {
		rd.accountContext = append(rd.accountContext, strings.ToLower(c))
		rd.accountContextRunes = max(rd.accountContextRunes, utf8.RuneCountInString(c))
	}
	for _, b := range r.BankShortNames {
		rd.bankShortNames = append(rd.bankShortNames, strings.ToLower(b))
	}
	rd.english = newEnglishNames(r)
	rd.licence = newContextual(`\d{2}[ \t`+dash+`]\d{6}[ \t`+dash+`]\d{2}\b|\b\d{12}\b`,
		`(?:(?:`+alternation(r.LicenceRegions)+`)[ \t]?\d{2}|\b(?:1[1-9]|2[0-8])[ \t`+dash+`]\d{2})[ \t`+dash+`]\d{6}[ \t`+dash+`]\d{2}\b`+
			`|(?:운전면허|면허번호)[^\n\d]{0,12}?\b(\d{12})\b`, 60)
	rd.passport = newContextual(`\b[A-Z]{1,2}\d{7,8}\b`, `(?i:여권|passport)[^\n]{0,15}?\b([A-Z]{1,2}\d{7,8})\b`, 60)
	rd.reAddress = regexp.MustCompile(`(?:대로|로|길|동|리|가|읍|면)(?:[ \t]*\d{1,4}(?:번길|번안길|가길))?` +
		`[ \t]*(?:산[ \t]*)?\d{1,5}(?:-\d{1,5})?(?:번지)?(?:[ \t]*,?[ \t]*(?:\d{1,4}[ \t]*(?:층|호|동)|\([가-힣0-9, ]{1,20}\)))*`)
	rd.provinces = map[string]bool{}
	for _, p := range r.Provinces {
		rd.provinces[p] = true
	}
	rd.addressContext = r.AddressContext
	labels := slices.Concat(r.NameLabels, r.NameLabelsColon, r.NameLabelsEN)
	latin := `[A-Z][a-z]+(?:[ \t][A-Z][a-z]+){1,2}\b`
	rd.nameLat = newContextual(`[:：][ \t]*`+latin, `(?i:`+alternation(labels)+`)[ \t]*[:：][ \t]*(`+latin+`)`, 60)
	rd.nameKoEN = newContextual(`[:：][ \t]*[가-힣]{2,4}`, `(?i:`+alternation(r.NameLabelsEN)+`)[ \t]*[:：][ \t]*([가-힣]{2,4})`, 60)
	rd.reEmail = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+`)
	return rd, nil
}

// alternation joins words into a regexp alternation, longest first so that
// the longer word wins.
func alternation(words []string) string {
	ws := slices.Clone(words)
	slices.SortStableFunc(ws, func(a, b string) int { return len(b) - len(a) })
	for i, w := range ws {
		ws[i] = strings.ReplaceAll(regexp.QuoteMeta(w), " ", `[ \t]*`)
	}
	return strings.Join(ws, "|")
}

// defaultRedactor is built once from the embedded redact.yaml. Masking
// never reads a KNOWLEDGE_DIR: a copy without the file, or with fewer
// words, must not let personal data out.
var defaultRedactor = sync.OnceValue(func() *redactor {
	rd, err := loadRedactor()
	if err != nil {
		panic(err) // the embedded file is tested (TestRedactDataLoads)
	}
	return rd
})

// loadRedactor reads and validates the embedded redact.yaml.
func loadRedactor() (*redactor, error) {
	data, err := dataFS.ReadFile("data/" + redactFile)
	if err != nil {
		return nil, &LoadError{File: redactFile, Err: err}
	}
	var r redactRules
	if err := decodeStrict(redactFile, data, &r); err != nil {
		return nil, err
	}
	return newRedactor(r)
}

// Redact masks personal data in s with the embedded rules: e-mail
// addresses (any domain, Korean ones too), resident and foreigner
// registration numbers (also partly masked), passport and driver's licence
// numbers, card numbers (Luhn-valid), bank accounts after an account word
// or a bank's name, phone numbers (mobile, landline, 050x, 15xx, +82,
// full-width digits), IPv4 and IPv6 addresses, street and lot addresses
// with a building number, and names in context (님, 씨, a label such as
// 담당자:, a job title before or after). The review's public helpdesk
// stays. It is applied to every text before it leaves the process and was
// used to mask the example submissions the knowledge base ships.
func Redact(s string) string { return defaultRedactor().Redact(s) }

// Redact masks personal data in s; see the package function Redact.
func (rd *redactor) Redact(s string) string {
	s = foldWidth(s)
	// Each pass is skipped when the text lacks what it needs (an @, a
	// digit, a colon): most of the cost of masking is the scans.
	if strings.Contains(s, "@") {
		s = rd.reEmail.ReplaceAllStringFunc(s, func(m string) string {
			if rd.public[contactKey(m)] {
				return m
			}
			return MaskEmail
		})
	}
	if strings.ContainsAny(s, "0123456789") {
		s = rd.maskNumbers(s)
	}
	if strings.ContainsAny(s, ":：") {
		s = rd.nameLat.replace(s, MaskName, always)
		// A Korean name after an English label (Name: 홍길동).
		s = rd.nameKoEN.replace(s, MaskName, func(s string, i, j int) bool {
			next, _ := utf8.DecodeRuneInString(s[j:])
			return !isSyllable(next) && rd.names.isName([]rune(s[i:j]), false)
		})
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r >= 'A' && r <= 'Z' }) {
		s = rd.english.mask(s)
	}
	return rd.names.mask(s)
}

// maskNumbers masks what is written with digits: accounts, registration,
// passport, licence and card numbers, phones, IP and street addresses.
func (rd *redactor) maskNumbers(s string) string {
	// An account number after its bank's name may look like anything
	// else (a registration number, a card): the context decides.
	s = replaceGroupIf(rd.reAccount, s, MaskAccount, func(s string, i, j int) bool {
		d := digits(s[i:j])
		if len(d) < 10 || len(d) > 16 || isMobile(d) {
			return false
		}
		return rd.afterAccountWord(s, i) || rd.afterBankShortName(s, i) && !isPhone(s[i:j])
	})
	s = reResident.ReplaceAllStringFunc(s, residentMask)
	s = reResidentPart.ReplaceAllStringFunc(s, residentMask)
	s = rePassport.ReplaceAllString(s, MaskPassport)
	s = rd.passport.replace(s, MaskPassport, always)
	s = rd.licence.replace(s, MaskLicence, always)
	var phones [][]int // found once, for the first card candidate
	phonesFound := false
	s = replaceGroupIf(reCard, s, MaskCard, func(s string, i, j int) bool {
		if d := digits(s[i:j]); len(d) < 13 || len(d) > 19 || !luhn(d) {
			return false
		}
		// Digits that run into a phone number on either side are phones
		// in a row, not a card: the phone pass masks each.
		if !phonesFound {
			phones, phonesFound = rePhone.FindAllStringIndex(s, -1), true
		}
		return !phonesInRow(phones, i, j)
	})
	s = rePhone.ReplaceAllStringFunc(s, func(m string) string {
		if rd.public[contactKey(m)] {
			return m
		}
		return MaskPhone
	})
	s = rd.maskIPs(s)
	return rd.maskAddresses(s)
}

// afterAccountWord reports whether an account word or a bank's name ends
// at most 20 characters before i, with no digit or line break between.
func (rd *redactor) afterAccountWord(s string, i int) bool {
	from := i
	for n := 0; from > 0 && n < 20+rd.accountContextRunes; n++ {
		r, size := utf8.DecodeLastRuneInString(s[:from])
		if r == '\n' || unicode.IsDigit(r) {
			break
		}
		from -= size
	}
	window := strings.ToLower(s[from:i])
	for _, c := range rd.accountContext {
		if k := strings.LastIndex(window, c); k >= 0 && utf8.RuneCountInString(window[k+len(c):]) <= 20 {
			return true
		}
	}
	return false
}

// afterBankShortName reports whether a bank's short name (국민, 신한, IBK)
// stands right before i, with only a space or a colon between, as a word
// of its own: 국민 123-456-789012, not 우리 회사 1234567890.
func (rd *redactor) afterBankShortName(s string, i int) bool {
	// Only the end of the text before i is read: a bank's name and a colon.
	from := max(0, i-40)
	for from < i && !utf8.RuneStart(s[from]) {
		from++
	}
	before := strings.TrimRight(s[from:i], " \t")
	before = strings.TrimRight(strings.TrimSuffix(strings.TrimSuffix(before, ":"), "："), " \t")
	low := strings.ToLower(before)
	for _, b := range rd.bankShortNames {
		rest, ok := strings.CutSuffix(low, b)
		if !ok {
			continue
		}
		if r, _ := utf8.DecodeLastRuneInString(rest); rest == "" && from == 0 || rest != "" && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// isPhone reports whether m is a phone number as a whole.
func isPhone(m string) bool {
	loc := rePhone.FindStringIndex(strings.TrimSpace(m))
	return loc != nil && loc[0] == 0 && loc[1] == len(strings.TrimSpace(m))
}

// phonesInRow reports whether s[i:j], which passes the card check, is
// phone numbers in a row: a phone among phones (sorted, apart) overlaps it
// and reaches outside it ("02 4922 5029 01080602420"), or phones fill it
// from start to end ("1588-2991 1588-6257").
func phonesInRow(phones [][]int, i, j int) bool {
	k := sort.Search(len(phones), func(k int) bool { return phones[k][1] > i })
	if k == len(phones) || phones[k][0] >= j {
		return false
	}
	first, last := phones[k], phones[k]
	for ; k < len(phones) && phones[k][0] < j; k++ {
		if phones[k][0] < i || phones[k][1] > j {
			return true
		}
		last = phones[k]
	}
	return first[0] == i && last[1] == j
}

// residentMask names a registration number by the digit after the dash.
func residentMask(m string) string {
	sub := reResident.FindStringSubmatch(m)
	if sub == nil {
		sub = reResidentPart.FindStringSubmatch(m)
	}
	if sub != nil && sub[1] >= "5" && sub[1] <= "8" {
		return MaskForeigner
	}
	return MaskResident
}

// always keeps every match.
func always(string, int, int) bool { return true }

// replaceGroupIf is replaceGroup for the matches whose masked part
// s[i:j] passes keep.
func replaceGroupIf(re *regexp.Regexp, s, mask string, keep func(s string, i, j int) bool) string {
	idx := re.FindAllStringSubmatchIndex(s, -1)
	if idx == nil {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, m := range idx {
		start, end := maskedPart(m)
		if !keep(s, start, end) {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString(mask)
		last = end
	}
	b.WriteString(s[last:])
	return b.String()
}

// maskedPart returns the first non-empty capture group of a match (or the
// whole match when no group took part).
func maskedPart(m []int) (int, int) {
	for g := 2; g+1 < len(m); g += 2 {
		if m[g] >= 0 && m[g+1] > m[g] {
			return m[g], m[g+1]
		}
	}
	return m[0], m[1]
}

// contextual is a pattern whose costly part, the words before it, is
// tried only in a short window before each match of its cheap anchor; so
// a long alternation of words costs nothing where there are no digits.
type contextual struct {
	anchor *regexp.Regexp
	full   *regexp.Regexp // the whole pattern, ending where the anchor does
	before int            // bytes of context before the anchor
}

func newContextual(anchor, full string, before int) contextual {
	return contextual{anchor: regexp.MustCompile(anchor), full: regexp.MustCompile(`(?:` + full + `)\z`), before: before}
}

// replace masks, where the window before an anchor match ends with a match
// of the full pattern, its first non-empty group (or the whole match) if
// keep agrees.
func (c contextual) replace(s, mask string, keep func(s string, i, j int) bool) string {
	idx := c.anchor.FindAllStringIndex(s, -1)
	if idx == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, a := range idx {
		from := max(last, a[0]-c.before)
		for from < a[0] && !utf8.RuneStart(s[from]) {
			from++
		}
		m := c.full.FindStringSubmatchIndex(s[from:a[1]])
		if m == nil {
			continue
		}
		start, end := maskedPart(m)
		start, end = start+from, end+from
		if start < last || !keep(s, start, end) {
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[last:start])
		b.WriteString(mask)
		last = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// foldWidth turns full-width ASCII (０１０－３４５６, ｈｏｎｇ＠…) into ASCII,
// as typed on Korean and Japanese keyboards, so that the patterns see
// digits. Text sent out is masked anyway; nothing else changes.
func foldWidth(s string) string {
	if !strings.ContainsFunc(s, isFullWidth) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isFullWidth(r) {
			return r - 0xFF01 + '!'
		}
		return r
	}, s)
}

func isFullWidth(r rune) bool { return r >= 0xFF01 && r <= 0xFF5E }

// digits returns the ASCII digits of s.
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// contactKey is how a public contact is compared: an e-mail address in
// lower case, a phone number by its digits.
func contactKey(s string) string {
	if strings.Contains(s, "@") {
		return strings.ToLower(strings.TrimSpace(s))
	}
	return digits(s)
}

// isMobile reports whether d (digits only) is a Korean mobile number,
// which the phone pattern masks as such.
func isMobile(d string) bool {
	return (len(d) == 10 || len(d) == 11) && strings.HasPrefix(d, "01")
}

// luhn reports whether the digits d pass the Luhn check of card numbers.
func luhn(d string) bool {
	sum, double := 0, false
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if double {
			if n *= 2; n > 9 {
				n -= 9
			}
		}
		sum += n
		double = !double
	}
	return sum%10 == 0
}
