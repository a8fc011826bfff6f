package retrieval

import (
	"slices"
	"strings"
)

// Typo correction for English questions about an Indonesian corpus. A
// misspelt English word ("soliders", "ratfy", "anounced") has no
// translation, so the question loses a concept and kutip refuses. When a
// word is unknown everywhere (no corpus term, no translation, no loanword,
// no near spelling in the corpus), correctEnglish looks for the English
// word one edit away (a letter deleted, inserted or replaced, or two
// neighbours swapped) whose translations the corpus holds, preferring the
// one it holds most. A word that translates to nothing the corpus has is
// no correction, so a name the corpus does not know is never turned into
// another word the corpus has by chance of spelling.

// minTypoLen is the shortest word corrected: a short word one edit away
// from a dictionary word is as likely a name or an abbreviation.
const minTypoLen = 5

// maxTypoCandidates bounds the edits tried for one word (a 20-letter word
// has about two hundred).
const maxTypoCandidates = 400

// correctWord returns the word one edit from w with the highest support,
// or "" when no edit has any. support reports how well the corpus supports
// a candidate: 0 for a candidate that is not a known word or whose meaning
// the corpus lacks. Ties go to the edit tried first (see editsOne), so
// that the commonest typing slips win.
func correctWord(w string, support func(string) int) string {
	if len(w) < minTypoLen || !isLowerASCII(w) {
		return ""
	}
	best, bestSupport := "", 0
	tried := 0
	try := func(c string) bool {
		tried++
		if s := support(c); s > bestSupport {
			best, bestSupport = c, s
		}
		return tried < maxTypoCandidates
	}
	editsOne(w, try)
	return best
}

// editsOne calls yield with words one edit from w, until yield returns
// false: the slips people make when typing fast, commonest first: two
// neighbours swapped (soliders), a vowel or a doubled letter left out
// (ratfy, anounced, agression), a vowel typed for another (parliment),
// a letter typed twice or once too many (weaponss). Other replacements and insertions
// are left out: each candidate is a dictionary lookup, and the full set of
// single edits is five times larger for few more real typos.
func editsOne(w string, yield func(string) bool) {
	b := []byte(w)
	buf := make([]byte, 0, len(w)+1)
	for i := 0; i+1 < len(b); i++ {
		if b[i] == b[i+1] {
			continue
		}
		buf = append(buf[:0], b...)
		buf[i], buf[i+1] = buf[i+1], buf[i]
		if !yield(string(buf)) {
			return
		}
	}
	var inserts [8]byte
	for i := 0; i <= len(b); i++ {
		ins := append(inserts[:0], typoVowels...)
		if i > 0 {
			ins = append(ins, b[i-1])
		}
		if i < len(b) {
			ins = append(ins, b[i])
		}
		for k, c := range ins {
			if i > 0 && b[i-1] == c || slices.Contains(ins[:k], c) {
				continue // inserting c after a c is inserting it before
			}
			buf = append(append(append(buf[:0], b[:i]...), c), b[i:]...)
			if !yield(string(buf)) {
				return
			}
		}
	}
	for i := range b {
		if !isVowelByte(b[i]) {
			continue
		}
		for _, c := range []byte(typoVowels) {
			if c == b[i] {
				continue
			}
			buf = append(buf[:0], b...)
			buf[i] = c
			if !yield(string(buf)) {
				return
			}
		}
	}
	for i := range b {
		if i > 0 && b[i] == b[i-1] {
			continue // deleting either of a double letter gives the same word
		}
		buf = append(append(buf[:0], b[:i]...), b[i+1:]...)
		if !yield(string(buf)) {
			return
		}
	}
}

// typoVowels are the letters most often left out or confused.
const typoVowels = "aeiouy"

func isVowelByte(c byte) bool { return strings.IndexByte(typoVowels, c) >= 0 }

// typoSupport is how well an Indonesian corpus supports an English word:
// the number of sentences holding the commonest of its translations' terms,
// 0 when the dictionary does not know the word or the corpus has none of
// them. A word the dictionary lists outranks any that the dictionary only
// spells as a loanword (agression → agresi): the loanword rules accept
// misspellings too.
func (ix *Index) typoSupport(word string) int {
	id := ix.analyzer("id")
	best := 0
	trs := translate(word)
	for _, tr := range trs {
		for _, term := range id.terms(tr) {
			best = max(best, ix.vocab[term])
		}
		if strings.Contains(tr, " ") {
			best = max(best, ix.vocab[id.stem(strings.ReplaceAll(tr, " ", ""))])
		}
	}
	if best == 0 {
		return 0
	}
	if listed(trs, cognates(word)) {
		return best + dictionaryWord
	}
	return best
}

// dictionaryKnows reports whether the dictionary translates word other
// than by the loanword rules, which accept misspellings too (soliders →
// solider).
func dictionaryKnows(word string) bool {
	trs := translate(word)
	return len(trs) > 0 && listed(trs, cognates(word))
}

// listed reports whether a translation is not among the loanword
// spellings: the dictionary lists the word.
func listed(translations, cognates []string) bool {
	for _, tr := range translations {
		if !slices.Contains(cognates, tr) {
			return true
		}
	}
	return false
}

// dictionaryWord lifts the support of a word the dictionary lists above
// any sentence count.
const dictionaryWord = 1 << 30

// weightTypo is the weight of a corrected word's translations: as sure as
// a near spelling of a corpus word (weightFuzzy).
const weightTypo = weightFuzzy

// typoTerms returns the index terms of the translations of a misspelt
// English word's correction, or nil when it has none.
func (ix *Index) typoTerms(word string) []string {
	fixed := ix.correctEnglish(word)
	if fixed == "" {
		return nil
	}
	id := ix.analyzer("id")
	var out []string
	for _, tr := range translate(fixed) {
		out = append(out, id.terms(tr)...)
		if strings.Contains(tr, " ") {
			out = append(out, id.stem(strings.ReplaceAll(tr, " ", "")))
		}
	}
	return out
}

// correctEnglish returns the correction of an English question word that
// the corpus does not know, or "" (see correctWord).
func (ix *Index) correctEnglish(word string) string {
	// A word the dictionary knows is no typo, even when the corpus lacks
	// its meaning: most English questions about an Indonesian corpus that
	// does not answer them are made of such words.
	if !ix.hasID {
		return ""
	}
	if dictionaryKnows(word) {
		// Unless it is known only through a guessed lemma whose meaning
		// the corpus lacks (soliders → "solid"): then two neighbours
		// swapped, the commonest slip and the one that rarely makes
		// another real word, may still give a word the dictionary lists
		// and the corpus supports.
		if ix.typoSupport(word) > 0 {
			return ""
		}
		return correctSwap(word, ix.typoSupport)
	}
	return correctWord(word, ix.typoSupport)
}

// correctSwap is correctWord for one slip only, two neighbours swapped,
// and only to a word the dictionary lists (support ≥ dictionaryWord).
func correctSwap(w string, support func(string) int) string {
	if len(w) < minTypoLen || !isLowerASCII(w) {
		return ""
	}
	b := []byte(w)
	best, bestSupport := "", dictionaryWord-1
	for i := 0; i+1 < len(b); i++ {
		if b[i] == b[i+1] {
			continue
		}
		b[i], b[i+1] = b[i+1], b[i]
		if s := support(string(b)); s > bestSupport {
			best, bestSupport = string(b), s
		}
		b[i], b[i+1] = b[i+1], b[i]
	}
	return best
}
