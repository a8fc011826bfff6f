package retrieval

import "strings"

// Derivations of one root. Indonesian makes nouns and verbs from one root
// with affixes, and the stemmer takes them all back to it: penduduk
// (population) and menduduki (occupy) are both duduk (sit), pemimpin
// (leader) and memimpin (lead) both pimpin. A question's noun of the
// pe(N)- kind names a person or thing; a sentence that has only the bare
// root or a verb of it ("sambil duduk", "menduduki wilayah") says
// something else. So where a question word comes to a term only through
// such a noun, a sentence word of another derivation does not express it.

// peNoun reports whether w is a pe(N)- derivation of its stem: it starts
// with "pe" and is not the stem itself (pesawat is a root, not a noun of
// sawat).
func peNoun(w, stem string) bool {
	return w != stem && strings.HasPrefix(w, "pe") && len(w) > len(stem)
}

// askedForms returns the Indonesian words through which a question word
// of language lang came to index term term: the word itself for an
// Indonesian question, its one-word translations for an English one.
func askedForms(lang, word, term string) []string {
	if lang == "id" {
		if stemIndonesian(word) == term {
			return []string{word}
		}
		return nil
	}
	var out []string
	for _, tr := range translate(word) {
		if !strings.Contains(tr, " ") && stemIndonesian(tr) == term {
			out = append(out, tr)
		}
	}
	return out
}

// nounOnly reports whether every word through which the question word
// came to term is a pe(N)- noun: then only a sentence word of that kind
// expresses it.
func nounOnly(lang, word, term string) bool {
	key := nounKey{lang, word, term}
	if only, ok := nounOnlies.get(key); ok {
		return only
	}
	forms := askedForms(lang, word, term)
	only := len(forms) > 0
	for _, f := range forms {
		if !peNoun(f, term) {
			only = false
			break
		}
	}
	nounOnlies.put(key, only, maxCachedExpansions)
	return only
}

type nounKey struct{ lang, word, term string }

// nounOnlies remembers nounOnly: every question asks it of each of its
// words.
var nounOnlies boundedCache[nounKey, bool]

// writesNoun reports whether the corpus writes one of the pe(N)- nouns
// through which c came to term, bare or with a suffix (penduduk,
// penduduknya, pendudukan).
func (ix *Index) writesNoun(lang string, c *concept, term string) bool {
	for _, f := range askedForms(lang, c.word, term) {
		for _, suffix := range []string{"", "nya", "an", "annya"} {
			if ix.lowerWords[f+suffix] {
				return true
			}
		}
	}
	return false
}

// expressesAt reports whether the sentence word w, whose term is term,
// expresses concept c of a question in lang: the term is one of c's
// alternatives, better than a synonym and not a far less trusted
// translation (leastWeight), and, where c came to it only through a pe(N)-
// noun, w is such a noun too.
func (ix *Index) expressesAt(lang string, c *concept, term, w string) bool {
	least := leastWeight(lang, c)
	for _, a := range c.alts {
		if a.term == term && a.weight > weightSynonym && a.weight >= least {
			return !nounOnly(lang, c.word, term) || peNoun(w, term)
		}
	}
	return false
}
