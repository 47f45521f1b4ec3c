package knowledge

import "sort"

// findWeak returns the first weak term the draft names without ruling it
// out in the same sentence.
//
// The negations and pending words are found once in the whole draft and
// looked up by sentence: testing each sentence with the rules' patterns
// made a paste of thousands of negated lines quadratic.
//
// A negation of a harm ("복호화 불가": it cannot be decrypted) does not
// rule out the algorithm named beside it.
func findWeak(d *document, weak, negation, pending []term, harm *grammarRE) (span, bool) {
	var negs, pends []span
	for i, s := range d.findAny(weak) {
		if i == 0 {
			negs, pends = d.findAny(negation), d.findAny(pending)
			if harm != nil {
				kept := negs[:0:0]
				for _, n := range negs {
					if !harm.MatchString(d.compact[max(0, n.start-harmReach):n.start]) {
						kept = append(kept, n)
					}
				}
				negs = kept
			}
		}
		// "교체 검토 중", "replacement planned": still in use.
		if lo, hi := d.sentenceBounds(s); anyWithin(negs, lo, hi) && !anyWithin(pends, lo, hi) {
			continue
		}
		return s, true
	}
	return span{}, false
}

// harmReach is how far before a negation (compact bytes) the harm it
// negates is looked for.
const harmReach = 15

// anyWithin reports whether one of the spans (sorted by start) starts in
// [lo, hi), or on the byte before it: a pattern may take the sentence's
// end mark as the boundary in front of its word.
func anyWithin(ss []span, lo, hi int) bool {
	i := sort.Search(len(ss), func(i int) bool { return ss[i].start >= lo-1 })
	return i < len(ss) && ss[i].start < hi
}

// weakCore trims the boundary characters a weak-term pattern consumed.
func weakCore(d *document, s span) string {
	lo, hi := s.start, s.end
	for lo < hi && !isASCIIAlnum(rune(d.compact[lo])) {
		lo++
	}
	for hi > lo && !isASCIIAlnum(rune(d.compact[hi-1])) && d.compact[hi-1] != '-' {
		hi--
	}
	return d.compact[lo:hi]
}
