package knowledge

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// injectionPattern is an instruction-like passage aimed at a model, with a
// short description that is safe to show (it never contains the user's
// text).
type injectionPattern struct {
	re   *regexp.Regexp
	desc string
}

// englishInjections are matched against the draft lower-cased, with every
// run of spaces collapsed to one; " ?" lets words run together.
var englishInjections = []injectionPattern{
	{regexp.MustCompile(`\b(ignore|forget|override) ?(all ?)?(of ?)?(the ?|your ?|any ?)?(previous|prior|above|earlier|preceding|former) ?(instructions?|directions?|prompts?|rules|guidelines|messages?)`),
		"이전 지시를 무시하라는 영문 지시 (ignore previous instructions)"},
	{regexp.MustCompile(`\bdisregard ?(all ?)?(of ?)?(the ?|your ?)?(above|previous|prior|preceding|earlier|instructions?|rules)`),
		"앞의 내용을 무시하라는 영문 지시 (disregard the above)"},
	{regexp.MustCompile(`\byou are now ?(a |an |the )?(helpful |different |new |unrestricted |jailbroken |evil )?(ai|assistant|model|chatbot|reviewer|evaluator|auditor|examiner|grader|judge|dan|gpt|chatgpt|llm|in developer mode)\b`),
		"모델의 역할을 바꾸려는 영문 지시 (you are now …)"},
	{regexp.MustCompile(`\bsystem ?prompt\b`),
		"시스템 프롬프트를 언급하는 영문 문장 (system prompt)"},
	{regexp.MustCompile(`\bmark ?(all|every|each) ?(of ?)?(the ?)?(items?|elements?|requirements?|criteria|checks?) ?(as ?)?(present|satisfied|compliant|met|passed|complete)`),
		"모든 항목을 충족으로 표시하라는 영문 지시 (mark all items as present)"},
	{regexp.MustCompile(`\b(respond|reply|answer|output) ?(only ?)?with ?(only ?)?(json|\{|"|'|the word|exactly|present|"present"|yes|ok)`),
		"응답 형식을 지정하는 영문 지시 (respond with …)"},
}

// koreanInjections are matched against the draft compacted (NFKC,
// lower-cased, no spaces), so that spacing and Unicode-form tricks do not
// evade them.
var koreanInjections = []injectionPattern{
	{regexp.MustCompile(`(이전|앞|앞선|위|기존|상기|지금까지)의?(모든)?지시(사항|문|내용)?(들)?(을|를|은|는|도)?(모두|전부|다|일절)?무시`),
		"이전 지시를 무시하라는 문장"},
	{regexp.MustCompile(`위의?내용(을|은|는|들)?(모두|전부|다)?무시`),
		"위 내용을 무시하라는 문장"},
	{regexp.MustCompile(`(모든|전체|전부의?)(검토)?(항목|요소|요건|기준)(을|를|은|는|이|들을)?(모두|전부|다)?(충족|present|만족|적합|통과)(으로|로|이라고|한것으로)?(표시|판단|처리|평가|출력|기재|분류|간주|응답)`),
		"모든 항목을 충족으로 표시하라는 문장"},
	{regexp.MustCompile(`(모두|전부|전체|다)(를|들)?"?present"?(로|으로)`),
		"모두 present로 답하라는 문장"},
	{regexp.MustCompile(`시스템프롬프트`),
		"시스템 프롬프트를 언급하는 문장"},
	{regexp.MustCompile(`충족(으로|이라고|된다고|한다고|한것으로)?(판단|표시|평가|처리|기재|출력|응답|분류)(하라|하시오|할것|해라|해주세요|해주십시오|하세요|하십시오|해야한다|해야합니다)`),
		"충족으로 판단하라는 문장"},
	{regexp.MustCompile(`검토결과.{0,20}((로|으로)출력(하라|하시오|할것|해라|하세요|해주세요|하십시오|해야)|(json|present|충족).{0,10}(로|으로)출력)`),
		"검토 결과의 출력 형식을 지시하는 문장"},
	{regexp.MustCompile(`(너|당신|귀하)(는|은)이제.{0,10}(ai|모델|어시스턴트|심사위원|평가자|검토자|챗봇|gpt)`),
		"모델의 역할을 바꾸려는 문장"},
}

// DetectInjection looks for passages of draft that address a model rather
// than a reviewer: "ignore previous instructions", "모든 항목을 충족으로
// 표시", "시스템 프롬프트" and the like. It returns one short description
// per kind of passage found, in a fixed order, never the user's text; nil
// when there is none. The draft is normalised first (Normalize, NFKC,
// invisible format characters removed), and the Korean patterns are
// matched on the compacted text, so that spacing, full-width letters,
// zero-width characters or decomposed Hangul do not evade them.
func DetectInjection(draft string) []string {
	text := injectionText(draft)
	english := strings.Join(strings.Fields(text), " ")
	compact := Compact(text)
	var found []string
	for _, p := range englishInjections {
		if p.re.MatchString(english) {
			found = append(found, p.desc)
		}
	}
	for _, p := range koreanInjections {
		if p.re.MatchString(compact) {
			found = append(found, p.desc)
		}
	}
	return found
}

// injectionText normalises draft for detection: Normalize, then NFKC so
// that full-width Latin letters become ASCII, with format characters
// (zero-width joiners, soft hyphens, bidi marks) removed and everything
// lower-cased.
func injectionText(draft string) string {
	s := norm.NFKC.String(Normalize(draft))
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
	// NFKC may recompose differently after the removal of format
	// characters placed between jamo; normalise once more.
	return norm.NFC.String(s)
}
