package knowledge

import (
	"regexp"
	"sort"
	"strings"
)

// Patterns of the rules that change how elements are matched. They run on
// compact text (spaces removed, lower case).
var (
	// A passage about notifying users starts where the draft speaks of
	// telling users (통지, 통보, 고지 …) of an incident.
	reNotifyAnchor = mustPattern(`통지|통보|고지|notif|inform(the)?users`)
	// "이용자에게 … 알린다" anchors a passage as well.
	nearNotifyAnchor = mustNear("이용자|고객|사용자|정보주체|회원>22>알림|알리|알려|공지|안내")
	// It ends where the response procedure or another article begins.
	reNotifyStop = mustPattern(`대응절차|대응방안|사후관리|대응체계|처리절차|^\d+\.침해사고대응|responseprocedure`)

	// An explicit statement that the service processes no personal data or
	// has nothing to encrypt.
	reNoPersonalData = mustPattern(`개인정보(를|은|는)?(일체|전혀|별도로)?(수집|처리|저장|보관|보유|취급)(하지않|않|하지)|개인정보(의)?(수집|처리)(를|은)?(하지않|없)|개인정보(가|를)?(전혀|일체)?(없|취급하지않)|암호화(할|해야할)?대상(이|은|정보가)?(없|존재하지않)|(no|not)(process|collect|store)(any)?personal|nopersonal(data|information)`)
	// Conditional phrasing quotes the criteria rather than declaring.
	reConditional = regexp.MustCompile(`^(거나|는|은|을|으면|면|다면)|^.{0,24}(경우|때에는|때는)|^.{0,60}(반드시명시|명시하여야|명시해야)`)

	// Words that rule out a weak algorithm named in the same sentence
	// ("MD5는 사용하지 않는다").
	reWeakNegation = regexp.MustCompile(`사용하지않|사용금지|금지|사용불가|허용하지않|허용안|사용을제한|제외|폐기|교체|대체|사용하지말|미사용|notuse|prohibit|forbid|never|deprecated`)

	// A draft that says it has a security certificate (for the 1.2–1.5
	// exemption).
	reCertificate = mustPattern(`보안인증(서|을|를)?(획득|취득|보유|받|제출)|csap|클라우드보안인증`)
)

// serviceKind markers, compact text.
var (
	reSupportService = mustPattern(`(매니지드|컨설팅|운영관리|마이그레이션|기술지원)서비스(를|로)?(제공|유형|수행)|지원서비스(유형|로|를제공|입니다)|서비스유형.{0,6}(매니지드|컨설팅|운영관리|마이그레이션)|/(매니지드|컨설팅|운영관리|마이그레이션)|\bmsp\b|클라우드(전환|도입)(컨설팅|지원)`)
	reCloudService   = mustPattern(`iaas|paas|saas|클라우드컴퓨팅서비스(를|로)?(제공|유형)|서비스유형.{0,6}(클라우드컴퓨팅서비스|iaas|paas|saas)`)
	reConvergence    = mustPattern(`융합서비스(에)?(해당|유형)|서비스유형.{0,6}융합`)
)

// rulePatterns lists the rules' patterns, whose literals the draft index
// must know.
func rulePatterns() []pattern {
	return []pattern{reNotifyAnchor, reNotifyStop, reNoPersonalData, reCertificate, reSupportService, reCloudService, reConvergence}
}

// ServiceKind is the kind of digital service a draft is for, as far as
// the review can tell.
type ServiceKind string

// Kinds of service, as in section I of the checklist.
const (
	KindUnknown     ServiceKind = ""
	KindCloud       ServiceKind = "cloud"
	KindSupport     ServiceKind = "support"
	KindConvergence ServiceKind = "convergence"
)

// serviceKindName is how a kind is named in review notes.
var serviceKindName = map[ServiceKind]string{
	KindCloud: "클라우드컴퓨팅서비스", KindSupport: "지원서비스", KindConvergence: "융합서비스",
}

// detectServiceKind decides from the draft which kind of service it is for
// and says why. Support wins over cloud only when it is declared more
// often: a cloud provider's document mentions consulting staff too.
func detectServiceKind(d *document) (ServiceKind, string) {
	sup := d.findPattern(reSupportService)
	cld := d.findPattern(reCloudService)
	con := d.findPattern(reConvergence)
	switch {
	case len(con) > 0 && len(con) >= len(sup) && len(con) >= len(cld):
		return KindConvergence, `초안에 융합서비스라는 표현이 있습니다: "` + d.quote(con[0]) + `"`
	case len(sup) > 0 && len(sup) >= len(cld):
		return KindSupport, `초안이 지원서비스를 설명합니다: "` + d.quote(sup[0]) + `"`
	case len(cld) > 0:
		return KindCloud, `초안이 클라우드컴퓨팅서비스를 설명합니다: "` + d.quote(cld[0]) + `"`
	}
	return KindUnknown, ""
}

// notificationRanges returns the passages of the draft that speak about
// notifying users, as compact offsets.
func notificationRanges(d *document) []span {
	const maxLen = 1500 // bytes of compact text, roughly 500 Hangul syllables
	var out []span
	stops := append(d.findPattern(reNotifyStop), d.articleHeadings()...)
	sort.Slice(stops, func(i, j int) bool { return stops[i].start < stops[j].start })
	anchors := append(d.findPattern(reNotifyAnchor), d.findNear(nearNotifyAnchor)...)
	sort.Slice(anchors, func(i, j int) bool { return anchors[i].start < anchors[j].start })
	for _, a := range anchors {
		loc := [2]int{a.start, a.end}
		// The passage starts with the anchor's line ("이용자에게 전자우편으로
		// 통지한다" names the channel before the verb), or a little before
		// the anchor when the whole draft is one long line.
		start := max(d.cline[d.line(loc[0])-1], loc[0]-300)
		end := min(len(d.compact), loc[1]+maxLen)
		if i := sort.Search(len(stops), func(i int) bool { return stops[i].start >= loc[1] }); i < len(stops) && stops[i].start < end {
			end = stops[i].start
		}
		if n := len(out); n > 0 && start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, end)
			continue
		}
		out = append(out, span{start, end})
	}
	return out
}

// articleHeadings finds "제8조" — a new article of a regulation ends the
// passage before it. A scan for 제 beats a regexp whose only literal is
// one common syllable.
func (d *document) articleHeadings() []span {
	var out []span
	for _, at := range d.occurrences("제") {
		i := at + len("제")
		j := i
		for j < len(d.compact) && d.compact[j] >= '0' && d.compact[j] <= '9' {
			j++
		}
		if j > i && strings.HasPrefix(d.compact[j:], "조") {
			out = append(out, span{at, j + len("조")})
		}
	}
	return out
}

// declaresNoPersonalData finds an explicit "we process no personal data"
// or "nothing to encrypt" statement.
func declaresNoPersonalData(d *document) (span, bool) {
	for _, s := range d.findPattern(reNoPersonalData) {
		if reConditional.MatchString(d.compact[s.end:min(len(d.compact), s.end+200)]) {
			continue
		}
		return s, true
	}
	return span{}, false
}

// sentenceAround returns the compact text of the sentence holding s.
func (d *document) sentenceAround(s span) string {
	lo := strings.LastIndexAny(d.compact[:s.start], ".。!?;") + 1
	hi := strings.IndexAny(d.compact[s.end:], ".。!?;")
	if hi < 0 {
		hi = len(d.compact)
	} else {
		hi += s.end
	}
	// A period inside "sha-1." or "1.2" is not a sentence end worth
	// honouring for long runs; cap the sentence at a line's worth.
	lo = max(lo, s.start-240)
	hi = min(hi, s.end+240)
	return d.compact[lo:hi]
}
