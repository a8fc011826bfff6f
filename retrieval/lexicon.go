package retrieval

import "kutip/retrieval/lexicon"

// The language data behind analysis and question expansion, from Debian's
// hunspell-id, dict-freedict-eng-ind and mythes-id (see lexicon).

// stemIndonesian reduces an Indonesian word to its root.
func stemIndonesian(w string) string { return lexicon.Stem(w) }

// isIndonesianRoot reports whether w is a root of the Indonesian
// dictionary.
func isIndonesianRoot(w string) bool { return lexicon.IsRoot(w) }

// countriesOf gives the English names of the country whose capital is
// the English word w.
func countriesOf(w string) []string { return lexicon.CountriesOf(w) }

// translate gives Indonesian translations of an English word. The
// answers are cached, shared: callers must not modify them. Question
// words come back in question after question, and a look-up searches the
// dictionary and the learned table (spell.go and keyword.go ask it of
// every word of some questions).
func translate(w string) []string {
	if trs, ok := translations.get(w); ok {
		return trs
	}
	trs := lexicon.Translate(w)
	translations.put(w, trs, maxCachedExpansions)
	return trs
}

// translations and synonymsOf cache translate and synonyms.
var translations, synonymsOf boundedCache[string, []string]

// translateWeighted gives Indonesian translations of an English word with
// how far each can be trusted, in (0, 1].
func translateWeighted(w string) []lexicon.Translation { return lexicon.TranslateWeighted(w) }

// translatePhrase gives Indonesian translations of a two-word English
// unit, or nil.
func translatePhrase(first, second string) []lexicon.Translation {
	return lexicon.TranslatePhrase(first, second)
}

// cognates gives Indonesian spellings of an English loanword.
func cognates(w string) []string { return lexicon.Cognates(w) }

// synonyms gives Indonesian synonyms of an Indonesian word, cached like
// translate's: callers must not modify them.
func synonyms(w string) []string {
	if syns, ok := synonymsOf.get(w); ok {
		return syns
	}
	syns := lexicon.Synonyms(w)
	synonymsOf.put(w, syns, maxCachedExpansions)
	return syns
}
