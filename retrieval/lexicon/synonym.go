package lexicon

import "strings"

const maxSynonyms = 8

// Synonyms returns Indonesian synonyms of a lower-case Indonesian word from
// the mythes-id thesaurus, best first, at most eight: tentara → angkatan,
// laskar, legiun, militer, pasukan, prajurit, ... Antonyms are left out.
// The generator ranks a synonym higher when several senses list it and when
// its own entry lists the word back.
//
// The thesaurus has entries for roots and for some derived forms. Synonyms
// tries the word itself, then the meN- and di- forms of a bare verb (sahkan →
// mengesahkan, disahkan), then the word's root (Stem), and returns the first
// entry found, or nil.
func Synonyms(word string) []string {
	t := synonymTable()
	if s := t.lookupList(word, maxSynonyms); s != nil {
		return s
	}
	root := Stem(word)
	bare := root
	if bare == word { // some bare verbs are dictionary words themselves: sahkan
		for _, suf := range []string{"kan", "i"} {
			if b, ok := strings.CutSuffix(word, suf); ok && IsRoot(b) {
				bare = b
				break
			}
		}
	}
	if bare != word && strings.HasPrefix(word, bare) { // bare verb: root plus suffix
		for _, f := range verbForms(word, bare) {
			if s := t.lookupList(f, maxSynonyms); s != nil {
				return s
			}
		}
	}
	return t.lookupList(root, maxSynonyms)
}

// verbForms returns the meN- and di- forms of w, whose root is root:
// sahkan → mengesahkan, disahkan.
func verbForms(w, root string) []string {
	var me string
	c := w[0]
	switch {
	case syllables(root) == 1:
		me = "menge" + w
	case strings.IndexByte("lmnrwy", c) >= 0:
		me = "me" + w
	case strings.IndexByte("bfv", c) >= 0:
		me = "mem" + w
	case c == 'p':
		me = "mem" + w[1:]
	case strings.IndexByte("cdjz", c) >= 0:
		me = "men" + w
	case c == 't':
		me = "men" + w[1:]
	case c == 's':
		me = "meny" + w[1:]
	case c == 'k' && !strings.HasPrefix(w, "kh"):
		me = "meng" + w[1:]
	default:
		me = "meng" + w
	}
	return []string{me, "di" + w}
}

// syllables counts vowel groups, a fair syllable count for Indonesian.
func syllables(w string) int {
	n := 0
	prev := false
	for i := range len(w) {
		v := isVowel(w[i])
		if v && !prev {
			n++
		}
		prev = v
	}
	return n
}
