package lexicon

import (
	"cmp"
	"slices"
	"strings"
)

const (
	maxCognates = 12
	// maxCognateCost bounds how far from the default spelling the enumeration
	// goes: the sum, over all ambiguous spots, of the chosen alternative's
	// index.
	maxCognateCost = 3
	// maxCognateLetters is the longest word spelled. The enumeration grows
	// as the cube of the ambiguous spots, so a 600-letter word took
	// minutes; English loanwords are shorter than 30 letters
	// (deinstitutionalization has 22).
	maxCognateLetters = 30
)

// correspondence maps an English spelling to its Indonesian spellings, most
// regular first. For letter rules, next (if set) lists the letters that must
// follow the English spelling.
type correspondence struct {
	en   string
	id   []string
	next string
}

// suffixRules are the regular correspondences of word endings, as in
// ratification → ratifikasi, university → universitas, strategic → strategis,
// comprehensive → komprehensif, instrument → instrumen, export → ekspor.
var suffixRules = []correspondence{
	{en: "ification", id: []string{"ifikasi"}},
	{en: "ization", id: []string{"isasi"}},
	{en: "isation", id: []string{"isasi"}},
	{en: "ication", id: []string{"ikasi"}},
	{en: "iament", id: []string{"emen", "iamen"}},
	{en: "ation", id: []string{"asi"}},
	{en: "ction", id: []string{"ksi"}},
	{en: "ssion", id: []string{"si"}},
	{en: "graph", id: []string{"graf"}},
	{en: "ology", id: []string{"ologi"}},
	{en: "ical", id: []string{"is", "ik", "ikal"}},
	{en: "tion", id: []string{"si"}},
	{en: "sion", id: []string{"si"}},
	{en: "ment", id: []string{"men"}},
	{en: "ence", id: []string{"ensi", "en"}},
	{en: "ance", id: []string{"ansi", "an"}},
	{en: "ency", id: []string{"ensi"}},
	{en: "ancy", id: []string{"ansi"}},
	{en: "ity", id: []string{"itas"}},
	{en: "ify", id: []string{"ifikasi", "ifi"}},
	{en: "ize", id: []string{"isasi", "is"}},
	{en: "ise", id: []string{"isasi", "is"}},
	{en: "ism", id: []string{"isme"}},
	{en: "ist", id: []string{"is"}},
	{en: "ive", id: []string{"if"}},
	{en: "ics", id: []string{"ika", "ik"}},
	{en: "ary", id: []string{"er", "ari"}},
	{en: "ery", id: []string{"eri"}},
	{en: "ory", id: []string{"ori"}},
	{en: "phy", id: []string{"fi"}},
	{en: "ear", id: []string{"ir", "ear"}},
	{en: "ous", id: []string{"us"}},
	{en: "ine", id: []string{"in", "ina"}},
	{en: "ent", id: []string{"en"}},
	{en: "ant", id: []string{"an"}},
	{en: "ate", id: []string{"asi", "at"}},
	{en: "ty", id: []string{"tas"}},
	{en: "ic", id: []string{"ik", "is"}},
	{en: "cy", id: []string{"si"}},
	{en: "gy", id: []string{"gi"}},
	{en: "ar", id: []string{"ar", "er"}},
	{en: "rt", id: []string{"r", "rt"}},
	{en: "e", id: []string{"", "e", "a"}},
	{en: "y", id: []string{"i"}},
}

// letterRules are the regular correspondences inside a word: c → k (s
// before e, i, y), ph → f, qu → kw, x → ks, and so on. Doubled consonants are
// written once unless a rule says otherwise.
var letterRules = []correspondence{
	{en: "cc", id: []string{"ks"}, next: "eiy"},
	{en: "cc", id: []string{"k"}},
	{en: "sc", id: []string{"s", "sk"}, next: "eiy"},
	{en: "ck", id: []string{"k"}},
	{en: "ch", id: []string{"k", "c"}},
	{en: "ph", id: []string{"f"}},
	{en: "qu", id: []string{"kw"}},
	{en: "sh", id: []string{"sy"}},
	{en: "th", id: []string{"t"}},
	{en: "gh", id: []string{"g", ""}},
	{en: "ee", id: []string{"i", "e"}},
	{en: "oo", id: []string{"u"}},
	{en: "ou", id: []string{"u", "o"}},
	{en: "ae", id: []string{"e"}},
	{en: "ea", id: []string{"ea", "e", "i"}},
	{en: "ti", id: []string{"si", "ti"}, next: "ao"},
	{en: "c", id: []string{"s"}, next: "eiy"},
	{en: "c", id: []string{"k"}},
	{en: "g", id: []string{"g", "j"}, next: "eiy"},
	{en: "x", id: []string{"ks"}},
	{en: "y", id: []string{"i"}},
	{en: "z", id: []string{"z", "s"}},
	{en: "v", id: []string{"v", "f"}},
}

// Cognates returns plausible Indonesian spellings of an English loanword by
// regular spelling correspondences, most regular first, at most twelve:
// ratify, ratification → ratifikasi; military → militer; nuclear → nuklir;
// technology → teknologi; intelligence → ..., intelijen; Russia → rusia.
// The rules are a small table of ending and letter correspondences, not a
// word list, so many candidates are not words; callers keep the ones their
// vocabulary knows. Inflected words (ratified, soldiers) also yield the
// candidates of their likely lemmas, first. Input is lower-cased; words with
// characters other than ASCII letters, and words of fewer than 3 or more than
// 30 letters, give nil.
func Cognates(word string) []string {
	w := strings.ToLower(word)
	if len(w) < 3 || len(w) > maxCognateLetters || strings.IndexFunc(w, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
		return nil
	}
	var out []string
	var bases []string // likely lemmas first: ratified → ratify
	if !matchesSuffixRule(w) {
		for _, l := range englishLemmas(w) {
			if len(bases) < 2 && !slices.Contains(bases, l) {
				bases = append(bases, l)
			}
		}
	}
	bases = append(bases, w)
	for _, b := range bases {
		for _, c := range cognatesOf(b) {
			if len(out) < maxCognates && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	if len(out) < maxCognates && !slices.Contains(out, w) {
		out = append(out, w)
	}
	return out
}

// matchesSuffixRule reports whether an ending rule other than a bare letter
// applies, in which case a final s or ed is part of the ending (politics).
func matchesSuffixRule(w string) bool {
	for _, r := range suffixRules {
		if len(r.en) > 1 && strings.HasSuffix(w, r.en) {
			return true
		}
	}
	return strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "us") || strings.HasSuffix(w, "is")
}

// cognatesOf spells w by the rules, enumerating the alternatives cheapest
// first.
func cognatesOf(w string) []string {
	stem, endings := splitEnding(w)
	segs := letterSegments(stem, w)
	if endings != nil {
		segs = append(segs, endings)
	}
	type cand struct {
		s    string
		cost int
	}
	var cands []cand
	var walk func(i int, acc string, cost int)
	walk = func(i int, acc string, cost int) {
		if i == len(segs) {
			cands = append(cands, cand{acc, cost})
			return
		}
		for j, alt := range segs[i] {
			if cost+j <= maxCognateCost {
				walk(i+1, acc+alt, cost+j)
			}
		}
	}
	walk(0, "", 0)
	slices.SortStableFunc(cands, func(a, b cand) int { return cmp.Compare(a.cost, b.cost) })
	out := make([]string, 0, len(cands))
	for _, c := range cands {
		if len(c.s) >= 2 && !slices.Contains(out, c.s) {
			out = append(out, c.s)
		}
	}
	return out
}

// splitEnding returns w without its longest ending that has a rule, and the
// ending's Indonesian spellings (nil when no rule applies).
func splitEnding(w string) (stem string, endings []string) {
	for _, r := range suffixRules {
		if s, ok := strings.CutSuffix(w, r.en); ok && len(s) >= 2 {
			return s, r.id
		}
	}
	return w, nil
}

// letterSegments spells stem letter by letter; each segment lists the
// alternatives for one spot. w is the whole word, for the letter that
// follows stem.
func letterSegments(stem, w string) [][]string {
	var segs [][]string
	for i := 0; i < len(stem); {
		if i == 0 && stem[0] == 'y' { // initial y stays: york, yoga
			segs = append(segs, []string{"y"})
			i++
			continue
		}
		if r, ok := matchLetterRule(stem, w, i); ok {
			segs = append(segs, r.id)
			i += len(r.en)
			continue
		}
		segs = append(segs, []string{stem[i : i+1]})
		if i+1 < len(stem) && stem[i+1] == stem[i] && !isVowel(stem[i]) {
			i++ // doubled consonant written once
		}
		i++
	}
	return segs
}

func matchLetterRule(stem, w string, i int) (correspondence, bool) {
	for _, r := range letterRules {
		if !strings.HasPrefix(stem[i:], r.en) {
			continue
		}
		if r.next != "" {
			j := i + len(r.en)
			if j >= len(w) || strings.IndexByte(r.next, w[j]) < 0 {
				continue
			}
		}
		return r, true
	}
	return correspondence{}, false
}
