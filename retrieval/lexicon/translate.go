package lexicon

import (
	"slices"
	"strings"
)

const (
	maxTranslations        = 8
	maxDerivedTranslations = 3
)

// Translate returns Indonesian translations of a lower-case English word,
// best first, at most eight; each is a word or short phrase as the
// dictionary gives it (treaty → perjanjian, traktat; sign → tanda,
// menandatangani). It returns nil when nothing is found.
//
// Lookups go, in order, to the word itself, its British/American spelling
// variants (defence → defense) and its lemmas (troops → troop, ratified →
// ratify, worried → worry), then to inflected forms of it (worry → worried),
// since the dictionary lists some words only in one form. If none of these
// is a headword, Translate falls back to Cognates that are known Indonesian
// words (ratify → ratifikasi), and then to the translations of the word
// without an English derivational suffix (leader → lead → pimpin).
func Translate(word string) []string {
	ts := TranslateWeighted(word)
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, t.Text)
	}
	return out
}

// IsEnglishWord reports whether FreeDict or the table learned from
// parallel news has the lower-case word (or its base form) as an English
// headword, whatever it translates to: transfer is English as well as
// Indonesian, senjata only Indonesian (Translate gives it back through the
// loanword rules, which know no headwords).
func IsEnglishWord(word string) bool {
	if len(learnedTranslations(word)) > 0 {
		return true
	}
	d := translateTable()
	for _, f := range englishForms(word) {
		if len(d.lookupList(f, 1)) > 0 {
			return true
		}
	}
	return false
}

// dictTranslate is Translate from FreeDict alone, in the dictionary's
// order.
func dictTranslate(word string) []string {
	d := translateTable()
	var out []string
	add := func(w string) {
		for _, t := range d.lookupList(w, maxTranslations) {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	forms := englishForms(word)
	for _, f := range forms {
		add(f)
	}
	if len(out) == 0 {
		for _, f := range englishInflections(word) {
			add(f)
		}
	}
	if len(out) == 0 {
		for _, c := range Cognates(word) {
			if isIndonesian(c) && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	if len(out) == 0 {
		for _, base := range englishDerivationBases(word) {
			for _, f := range englishForms(base) {
				add(f)
			}
		}
		// A base has senses the derived word lacks (lead: pimpin, but also
		// timbal, the metal); its first translations are the common ones.
		out = out[:min(len(out), maxDerivedTranslations)]
	}
	return out[:min(len(out), maxTranslations)]
}

// isIndonesian reports whether w is a hunspell root or a thesaurus headword.
func isIndonesian(w string) bool {
	if _, ok := rootTable()[w]; ok {
		return true
	}
	_, ok := synonymTable().lookup(w)
	return ok
}

// englishForms returns w, its spelling variants and its possible lemmas,
// most likely first, without duplicates. Lemmas are guesses from regular
// inflection; Translate keeps only those that are headwords.
func englishForms(w string) []string {
	out := []string{w}
	add := func(s string) {
		if len(s) >= 2 && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	// Irregular forms first (sent → send, fought → fight): no rule below
	// reaches them.
	for _, l := range irregularTable().lookupList(w, maxIrregularLemmas) {
		add(l)
	}
	for _, l := range englishLemmas(w) {
		add(l)
	}
	for _, f := range slices.Clone(out) {
		for _, v := range spellingVariants(f) {
			add(v)
		}
	}
	return out
}

// maxIrregularLemmas bounds the lemmas of one irregular form (left: leave,
// left).
const maxIrregularLemmas = 3

// englishLemmas undoes regular plural, past and -ing inflection.
func englishLemmas(w string) []string {
	var out []string
	n := len(w)
	switch {
	case strings.HasSuffix(w, "ies") && n > 4: // worries → worry
		out = append(out, w[:n-3]+"y")
	case strings.HasSuffix(w, "ves") && n > 4: // wolves → wolf, knives → knife
		out = append(out, w[:n-3]+"f", w[:n-3]+"fe")
	case strings.HasSuffix(w, "men") && n > 4: // servicemen → serviceman
		out = append(out, w[:n-3]+"man")
	}
	if strings.HasSuffix(w, "es") && n > 3 {
		out = append(out, w[:n-2]) // boxes → box
	}
	if strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") &&
		!strings.HasSuffix(w, "is") && n > 3 {
		out = append(out, w[:n-1]) // soldiers → soldier
	}
	if strings.HasSuffix(w, "ied") && n > 4 { // ratified → ratify
		out = append(out, w[:n-3]+"y")
	}
	if strings.HasSuffix(w, "ed") && n > 3 {
		stem := w[:n-2]
		out = append(out, stem, w[:n-1]) // signed → sign, used → use
		if undoubled, ok := undouble(stem); ok {
			out = append(out, undoubled) // stopped → stop
		}
	}
	if strings.HasSuffix(w, "ing") && n > 5 {
		stem := w[:n-3]
		out = append(out, stem, stem+"e") // fighting → fight, making → make
		if undoubled, ok := undouble(stem); ok {
			out = append(out, undoubled) // running → run
		}
	}
	return out
}

// undouble removes a doubled final consonant: stopp → stop.
func undouble(s string) (string, bool) {
	n := len(s)
	if n < 3 || s[n-1] != s[n-2] || isVowel(s[n-1]) || strings.IndexByte("sflz", s[n-1]) >= 0 {
		return "", false
	}
	return s[:n-1], true
}

// englishInflections returns regular inflected forms of a lemma, for
// dictionaries that list a word only in one of them (worry → worried).
func englishInflections(w string) []string {
	n := len(w)
	if n < 3 {
		return nil
	}
	var out []string
	if w[n-1] == 'y' && !isVowel(w[n-2]) {
		out = append(out, w[:n-1]+"ied", w[:n-1]+"ies")
	} else if w[n-1] == 'e' {
		out = append(out, w+"d", w+"s")
	} else {
		out = append(out, w+"ed", w+"s", w+"es")
	}
	return append(out, strings.TrimSuffix(w, "e")+"ing")
}

// englishDerivationBases strips one English derivational suffix: leader →
// lead, movement → move, darkness → dark, quickly → quick.
func englishDerivationBases(w string) []string {
	var out []string
	for _, s := range []struct{ suffix, base string }{
		{"ers", ""}, {"er", ""}, {"er", "e"}, {"ors", ""}, {"or", ""}, {"or", "e"},
		{"ment", ""}, {"ments", ""}, {"ness", ""}, {"ly", ""}, {"ship", ""}, {"hood", ""},
	} {
		if b, ok := strings.CutSuffix(w, s.suffix); ok && len(b) >= 3 {
			out = append(out, b+s.base)
		}
	}
	return out
}

// spellingVariants maps between British and American spellings.
func spellingVariants(w string) []string {
	var out []string
	for _, p := range [][2]string{
		{"ence", "ense"}, {"our", "or"}, {"ise", "ize"}, {"isation", "ization"}, {"yse", "yze"},
		{"tre", "ter"}, {"ogue", "og"}, {"lled", "led"}, {"lling", "ling"},
	} {
		for _, dir := range [][2]string{p, {p[1], p[0]}} {
			if b, ok := strings.CutSuffix(w, dir[0]); ok && len(b) >= 2 {
				out = append(out, b+dir[1])
			}
		}
	}
	return out
}
