package retrieval

import (
	"slices"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis/lang/da"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/id"
	"github.com/blevesearch/bleve/v2/analysis/lang/it"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/analysis/lang/pt"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/bleve/v2/analysis/lang/sv"
	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/danish"
	"github.com/blevesearch/snowballstem/dutch"
	"github.com/blevesearch/snowballstem/french"
	"github.com/blevesearch/snowballstem/german"
	"github.com/blevesearch/snowballstem/italian"
	"github.com/blevesearch/snowballstem/portuguese"
	"github.com/blevesearch/snowballstem/russian"
	"github.com/blevesearch/snowballstem/spanish"
	"github.com/blevesearch/snowballstem/swedish"
)

// Languages besides Indonesian and English. kutip specialises in those two
// (its lexicon translates English questions into Indonesian), but a corpus
// in another language bleve has an analyzer for is analysed with that
// language's stop words and Snowball stemmer, as bleve's own analyzer
// would: German text through the Indonesian stemmer matched worse than
// plain bleve.
var otherLanguages = map[string]struct {
	stops []byte
	stem  func(*snowballstem.Env) bool
}{
	"da": {da.DanishStopWords, danish.Stem},
	"de": {de.GermanStopWords, german.Stem},
	"es": {es.SpanishStopWords, spanish.Stem},
	"fr": {fr.FrenchStopWords, french.Stem},
	"it": {it.ItalianStopWords, italian.Stem},
	"nl": {nl.DutchStopWords, dutch.Stem},
	"pt": {pt.PortugueseStopWords, portuguese.Stem},
	"ru": {ru.RussianStopWords, russian.Stem},
	"sv": {sv.SwedishStopWords, swedish.Stem},
}

// otherAnalyzer returns the analyzer of a language of otherLanguages, or
// nil.
func otherAnalyzer(lang string) *analyzer {
	l, ok := otherLanguages[lang]
	if !ok {
		return nil
	}
	return &analyzer{lang: lang, stop: readStops(l.stops), stem: func(w string) string {
		return snowballStem(&otherStems, stemKey{lang, w}, w, l.stem)
	}}
}

type stemKey struct{ lang, word string }

var otherStems boundedCache[stemKey, string]

// languageStops are the stop-word lists of every language kutip analyses,
// as profiles for telling languages apart.
var languageStops = func() map[string]map[string]bool {
	m := map[string]map[string]bool{"en": readStops(en.EnglishStopWords), "id": readStops(id.IndonesianStopWords)}
	for lang, l := range otherLanguages {
		m[lang] = readStops(l.stops)
	}
	return m
}()

// minDetectWords is how many stop words a document needs before
// detection believes it; a question needs one.
const minDetectWords = 3

// detectLanguage returns the language among candidates whose stop words
// make up most of words, or "" when none has least of them or two tie. A word that is a stop word in several of the languages counts
// for each: the function words that set languages apart decide.
func detectLanguage(words []string, candidates []string, least int) string {
	best, bestN, tie := "", 0, false
	for _, lang := range candidates {
		n := stopCount(words, lang)
		switch {
		case n > bestN:
			best, bestN, tie = lang, n, false
		case n == bestN:
			tie = true
		}
	}
	if bestN < max(least, 1) || tie {
		return ""
	}
	return best
}

// maxDetectWords bounds how much of a document its language is read from.
const maxDetectWords = 200

// documentLanguage returns the language a document is analysed in: the
// one it declares or was detected as when that is a language of
// otherLanguages, English or Indonesian, unless its text reads clearly as
// another language of otherLanguages (the corpus package tells only
// Indonesian from English, so German text without a lang field arrives
// as "en"). Clearly means more than twice the declared language's stop
// words.
func documentLanguage(lang string, paragraphs []string) string {
	if _, ok := otherLanguages[lang]; ok {
		return lang
	}
	var words []string
	for _, p := range paragraphs {
		for _, w := range strings.FieldsFunc(strings.ToLower(p), func(r rune) bool { return !unicode.IsLetter(r) }) {
			words = append(words, w)
		}
		if len(words) >= maxDetectWords {
			break
		}
	}
	candidates := make([]string, 0, len(otherLanguages))
	for l := range otherLanguages {
		candidates = append(candidates, l)
	}
	slices.Sort(candidates)
	other := detectLanguage(words, candidates, minDetectWords)
	if other == "" {
		return lang
	}
	declared := lang
	if declared != "en" {
		declared = "id"
	}
	if stopCount(words, other) > 2*stopCount(words, declared) {
		return other
	}
	return lang
}

// otherQuestionLang returns the language of otherLanguages a question's
// words are in, or "" for Indonesian, English or unknown: the corpus's
// other language with the most stop words among them, where a tie with
// Indonesian or English goes to the corpus's main language when that is
// the other one ("¿A cuántos habitantes abastecerá?" shares "a" with
// English). corpus.DetectLangWords knows Indonesian and English only.
func (ix *Index) otherQuestionLang(words []string) string {
	if len(ix.otherLangs) == 0 {
		return ""
	}
	if l := detectLanguage(words, append([]string{"id", "en"}, ix.otherLangs...), 1); l != "" {
		if l == "id" || l == "en" {
			return ""
		}
		return l
	}
	if !slices.Contains(ix.otherLangs, ix.mainLang) {
		return ""
	}
	n := stopCount(words, ix.mainLang)
	if n == 0 || n < stopCount(words, "id") || n < stopCount(words, "en") {
		return ""
	}
	return ix.mainLang
}

// stopCount is how many of words are stop words of lang.
func stopCount(words []string, lang string) int {
	n := 0
	for _, w := range words {
		if languageStops[lang][w] {
			n++
		}
	}
	return n
}
