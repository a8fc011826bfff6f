package retrieval

import (
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"kutip/corpus"
)

// Weights of a question term's alternatives, relative to the term itself:
// a dictionary translation counts for less than the word as asked, a
// spelling variant (Russia/Rusia) or loanword (ratify/ratifikasi) a little
// less, and a thesaurus synonym less still.
const (
	weightExact       = 1.0
	weightTranslation = 0.8
	weightCognate     = 0.75
	weightFuzzy       = 0.7
	weightCapital     = 0.5
	weightSynonym     = 0.3
)

// Limits that keep a hostile or very long question cheap.
const (
	maxConcepts = 16
	maxAlts     = 12
	maxSynonyms = 4 // thesaurus entries are broad; the first few are the closest
	// maxSpellingVariants bounds how many translations and loanword
	// spellings are matched by edit distance.
	maxSpellingVariants = 6
	// minCognateLetters is the shortest loanword spelling matched.
	minCognateLetters = 4
)

// answerType is what kind of span answers a question.
type answerType string

const (
	typeNone   answerType = ""
	typeDate   answerType = "date"
	typeNumber answerType = "number"
	typePerson answerType = "person"
	typePlace  answerType = "place"
	typeReason answerType = "reason"
	typeName   answerType = "name" // "what is the name of …": a proper name
)

// alt is one index term that stands for a question word, with its weight.
type alt struct {
	term   string
	weight float64
}

// concept is one content word of a question with the index terms that may
// express it.
type concept struct {
	word string
	alts []alt
	idf  float64 // of its best-known alternative; high when the corpus lacks it
	// untranslatable: an English word asked of Indonesian text that
	// nothing in the corpus expresses, neither as it is nor through a
	// translation.
	untranslatable bool
	// gap: an untranslatable word written in lower case; it weighs
	// gapShare of its idf in coverage.
	gap bool
	// fullAt is the weight at which an alternative counts as a full match
	// in coverage (0: weightTranslation).
	fullAt float64
}

// credit is how much of a match at weight w counts in coverage, in [0, 1];
// scale is 1 for a match in the sentence itself, neighbourWeight for one in
// a neighbouring sentence.
func (c *concept) credit(w, scale float64) float64 {
	if c.fullAt <= 0 {
		return min(1, scale*w/weightTranslation)
	}
	return scale * min(1, w/c.fullAt)
}

// coverageIDF is how much the concept weighs in coverage.
func (c *concept) coverageIDF() float64 {
	if c.gap {
		return c.idf * gapShare
	}
	return c.idf
}

// fullTranslation is the lexicon weight at which a translation counts as a
// full match in coverage: one as trusted as a FreeDict entry alone. Below
// it (a sense the parallel corpus seldom uses) it counts in proportion.
// An English question asked of Indonesian text can only match through
// translations, and it is no less answered for that.
const fullTranslation = 0.6

// gapShare is the share of coverage an untranslatable lower-case English
// word weighs when asked of Indonesian text ("leatherback", or "mass" as
// a verb, whose dictionary sense "massa" the text does not use): its
// absence says more about the dictionary (a missing word or sense, a
// paraphrase) than about the corpus, so it counts half. A capitalised one
// is a name (Broncos, Brazil), and a name the corpus does not hold is the
// best sign it does not answer; it counts fully.
const gapShare = 0.5

type parsedQuestion struct {
	text     string
	lang     string
	qtype    answerType
	focus    int // index of the concept a "how many" question counts, or -1
	concepts []concept
	words    wordSet      // the question's own words, lower case, to keep them out of answer spans
	aliases  []aliasGroup // names given twice, "East Nusa Tenggara (NTT)" (alias.go)
}

// asks reports whether token t is one of the question's own words: as
// asked, inflected, translated or spelt otherwise (Presiden Ukraina for
// "president of Ukraine"), but not a synonym, which says something else.
func (q *parsedQuestion) asks(t token) bool {
	if q.words.has(t.Word) {
		return true
	}
	if t.Term == "" {
		return false
	}
	for _, c := range q.concepts {
		for _, a := range c.alts {
			if a.term == t.Term && a.weight > weightSynonym {
				return true
			}
		}
	}
	return false
}

// wordSet is a small set of words: a question has few enough that a
// linear scan beats hashing.
type wordSet []string

func (ws wordSet) has(w string) bool { return slices.Contains(ws, w) }

// parseQuestion reads a question as plain text: its language, the answer
// type its question word asks for, and its content words with their
// alternatives in the index's languages.
func (ix *Index) parseQuestion(text string) *parsedQuestion {
	if utf8.RuneCountInString(text) > maxQuestionRunes {
		text = string([]rune(text)[:maxQuestionRunes])
	}
	text = normalizeChat(strings.ToValidUTF8(text, " "), ix.knownWord)
	q := &parsedQuestion{text: text, focus: -1}
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) })
	q.lang = corpus.DetectLangWords(words)
	if l := ix.otherQuestionLang(words); l != "" {
		q.lang = l
	}
	var focusWord string
	q.qtype, focusWord = questionType(words)
	if q.lang == "" {
		q.lang = guessLang(words)
	}
	if q.lang == "" {
		q.lang = ix.mainLang
	}
	qa := ix.analyzer(q.lang)
	toks := qa.analyze(text)
	// The question's words and the content words seen so far, cut from
	// one slab; the concepts, at most one a word.
	wordSlab := make(wordSet, 0, 2*len(toks))
	q.words = wordSlab[:0:len(toks)]
	seen := wordSlab[len(toks):len(toks)]
	q.concepts = make([]concept, 0, min(len(toks), maxConcepts))
	afterQuestionWord := false
	prev, prevPos := -1, -2 // the last concept and its word's position
	tokConcept := make([]int, len(toks))
	for i := range tokConcept {
		tokConcept[i] = -1
	}
	for ti, t := range toks {
		q.words = append(q.words, t.Word)
		if isQuestionWord(t.Word) {
			afterQuestionWord = true
			continue
		}
		if t.Term == "" || questionFillers[t.Word] {
			continue
		}
		if seen.has(t.Word) {
			tokConcept[ti] = slices.IndexFunc(q.concepts, func(c concept) bool { return c.word == t.Word })
			continue
		}
		tokConcept[ti] = len(q.concepts)
		seen = append(seen, t.Word)
		if focusWord != "" && t.Word == focusWord {
			// The X of "which X": what the answer's name carries.
			q.focus = len(q.concepts)
		} else if (afterQuestionWord || q.qtype == typeName && focusWord == "") && q.focus < 0 {
			// The word right after "berapa" or "how many" is what is
			// counted: "Berapa penumpang …" wants "84 penumpang".
			q.focus = len(q.concepts)
		}
		afterQuestionWord = false
		// A concept the corpus has no term for stays: it adds nothing to
		// the query but counts against coverage, which is how a question
		// about something the corpus never mentions is told apart.
		c := ix.expand(q.lang, t)
		c.gap = c.untranslatable && !capitalized(text[t.Start():t.End()])
		if prev >= 0 && prevPos == ti-1 && q.lang == "en" && ix.hasID {
			ix.addPhrase(&q.concepts[prev], &c, q.concepts[prev].word, t.Word)
		}
		prev, prevPos = len(q.concepts), ti
		q.concepts = append(q.concepts, c)
		if len(q.concepts) == maxConcepts {
			break
		}
	}
	q.aliases = aliasGroups(text, toks, tokConcept)
	return q
}

// addPhrase gives two adjacent English question words the translations
// of the unit they make (energy agency → badan tenaga, take part → ikut
// serta), as alternatives of both: a sentence with the unit expresses
// each word.
func (ix *Index) addPhrase(a, b *concept, first, second string) {
	alts := ix.phraseAlts(first, second)
	if len(alts) == 0 {
		return
	}
	for _, c := range []*concept{a, b} {
		// The alternatives may be shared with the expansion cache.
		c.alts = slices.Clone(c.alts)
		for _, pa := range alts {
			if hasAlt(*c, pa.term) || len(c.alts) >= maxAlts+2 {
				continue
			}
			c.alts = append(c.alts, pa)
			if c.fullAt == 0 {
				c.fullAt = weightTranslation * fullTranslation
			}
			c.untranslatable, c.gap = false, false
		}
		c.idf = ix.idf(*c)
	}
}

// phraseLang is the language under which the expansion cache holds
// two-word English units (phraseAlts); no analyzer has it.
const phraseLang = "en phrase"

// phraseAlts returns the index terms of the translations of the English
// unit first second that the corpus holds, each weighted as a translation,
// in the lexicon's order. Every adjacent pair of an English question's
// words is looked up, most of them no unit, and a look-up stems both words
// and searches the learned table: it was a third of parsing a question, so
// the answer is cached with the words' expansions.
func (ix *Index) phraseAlts(first, second string) []alt {
	// The key is built on the stack for the look-up, and for keeps only
	// when the pair is new.
	if c, ok := ix.expansions.get(expansionKey{phraseLang, first + " " + second}); ok {
		return c.alts
	}
	key := expansionKey{phraseLang, first + " " + second}
	var alts []alt
	id := ix.analyzer("id")
	for _, tr := range translatePhrase(first, second) {
		for _, term := range id.terms(tr.Text) {
			if ix.vocab[term] > 0 {
				alts = append(alts, alt{term: term, weight: weightTranslation * tr.Weight})
			}
		}
	}
	ix.expansions.put(key, concept{word: key.word, alts: alts}, maxCachedExpansions)
	return alts
}

// expand finds the index terms that may express one question word.
func (ix *Index) expand(lang string, t token) concept {
	key := expansionKey{lang, t.Word}
	if c, ok := ix.expansions.get(key); ok {
		return c
	}
	c := ix.expandUncached(lang, t)
	ix.expansions.put(key, c, maxCachedExpansions)
	return c
}

func (ix *Index) expandUncached(lang string, t token) concept {
	c := concept{word: t.Word}
	add := func(term string, w float64) {
		if term == "" || ix.vocab[term] == 0 {
			return
		}
		for i, a := range c.alts {
			if a.term == term {
				c.alts[i].weight = math.Max(a.weight, w)
				return
			}
		}
		if len(c.alts) < maxAlts {
			c.alts = append(c.alts, alt{term: term, weight: w})
		}
	}
	// The word under each language's analyzer: names, numbers and shared
	// words match whatever the language.
	if ix.hasID {
		add(ix.analyzer("id").stem(t.Word), weightExact)
	}
	if ix.hasEN {
		add(ix.analyzer("en").stem(t.Word), weightExact)
	}
	for _, l := range ix.otherLangs {
		add(ix.analyzer(l).stem(t.Word), weightExact)
	}
	id := ix.analyzer("id")
	var translations []string
	translated := false // a translation the corpus uses
	if lang == "en" && ix.hasID {
		// Each translation weighs as much as the lexicon trusts it: one
		// the parallel news corpus nearly always uses and FreeDict
		// agrees with counts as fully as a translation can.
		for _, tr := range translateWeighted(t.Word) {
			translations = append(translations, tr.Text)
			w := weightTranslation * tr.Weight
			for _, term := range id.terms(tr.Text) {
				translated = translated || ix.vocab[term] > 0
				add(term, w)
			}
			// A two-word translation is written as one word once affixed:
			// "tanda tangan" / "menandatangani".
			if strings.Contains(tr.Text, " ") {
				add(id.stem(strings.ReplaceAll(tr.Text, " ", "")), w)
			}
		}
		for _, cg := range cognates(t.Word) {
			// A loanword spelling shorter than four letters is mostly
			// another word (times → tim, games → gam, take → tak).
			if st := id.stem(cg); utf8.RuneCountInString(st) >= minCognateLetters {
				add(st, weightCognate)
			}
		}
	}
	// The same number written otherwise: 22nd, 22, XXII (ordinal.go).
	for _, f := range numberForms(t.Word) {
		add(f, weightCognate)
	}
	if len(c.alts) == 0 && !isNumber(t.Word) && !isOrdinal(t.Word) {
		// An Indonesian word the dictionary knows is spelt as meant: its
		// neighbours that are roots too are other words (kota/kata,
		// harga/hargai is no variant), not its spelling in the corpus.
		known := lang == "id" && lexiconKnows("id", t.Word)
		for _, term := range ix.fuzzy(t.Word) {
			if known && isIndonesianRoot(term) {
				continue
			}
			add(term, weightFuzzy)
		}
	}
	// Still nothing: the dictionary's or the loanword rules' spelling may
	// differ from the corpus's by a letter (dekret/dekrit, relis/rilis).
	// Not a spelling of under minTypoLen letters, which one letter makes
	// another word as often as a variant (china → kina: kena, kcna), as
	// with typing slips (spell.go).
	if lang == "en" && ix.hasID && len(c.alts) == 0 {
		var spellings []string
		for _, tr := range translations {
			if !strings.Contains(tr, " ") {
				spellings = append(spellings, tr)
			}
		}
		spellings = append(spellings, cognates(t.Word)...)
		for i, sp := range spellings {
			if i == maxSpellingVariants {
				break
			}
			st := id.stem(sp)
			if utf8.RuneCountInString(st) < minTypoLen {
				continue
			}
			for _, term := range ix.fuzzy(st) {
				add(term, weightFuzzy*weightTranslation)
			}
		}
	}
	// Still nothing: a typing slip ("soliders", "ratfy"; see spell.go).
	if lang == "en" && len(c.alts) == 0 && !isNumber(t.Word) {
		for _, term := range ix.typoTerms(t.Word) {
			add(term, weightTypo)
		}
	}
	// A national capital stands for its government ("Moscow ratified"):
	// the country's one-word names count as a partial match (capital.go).
	ix.addCountries(lang, t.Word, add)
	// Synonyms only stand in for a word the corpus does not use as asked
	// (or, for an English word, whose translations it does not use): the
	// thesaurus mixes senses, so where the word itself matches they add
	// mostly noise.
	if ix.hasID && !translated && !c.hasStrong() {
		nsyn := 0
		bases := append([]string{t.Word, id.stem(t.Word)}, translations...)
		for _, base := range bases {
			for _, syn := range synonyms(base) {
				if nsyn == maxSynonyms {
					break
				}
				for _, term := range id.terms(syn) {
					if ix.vocab[term] > 0 {
						nsyn++
					}
					add(term, weightSynonym)
				}
			}
		}
	}
	c.untranslatable = lang == "en" && ix.hasID && len(c.alts) == 0
	if translated {
		c.fullAt = weightTranslation * fullTranslation
	}
	c.idf = ix.idf(c)
	return c
}

// capitalized reports whether a word as written starts with an upper-case
// letter.
func capitalized(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// expansionCache remembers how question words expand, per index: the
// same words come back in question after question. It stops growing at
// maxCachedExpansions, so hostile input cannot fill memory.
//
// It keeps a map of words per language rather than one map keyed by both,
// as boundedCache would: a look-up then hashes and compares one string in
// a map of a few languages and one in a map of words, which costs about
// half a look-up by a two-string key (a question makes two or three a
// word).
type expansionCache struct {
	mu     sync.RWMutex
	byLang map[string]map[string]concept
	n      int64
}

func (c *expansionCache) get(key expansionKey) (concept, bool) {
	c.mu.RLock()
	v, ok := c.byLang[key.lang][key.word]
	c.mu.RUnlock()
	return v, ok
}

// put stores v under key unless the key is stored already (the first
// value stays) or limit keys are.
func (c *expansionCache) put(key expansionKey, v concept, limit int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n >= limit {
		return
	}
	if c.byLang == nil {
		c.byLang = map[string]map[string]concept{}
	}
	words := c.byLang[key.lang]
	if words == nil {
		words = map[string]concept{}
		c.byLang[key.lang] = words
	}
	if _, ok := words[key.word]; !ok {
		words[key.word] = v
		c.n++
	}
}

const maxCachedExpansions = 20000

type expansionKey struct{ lang, word string }

// boundedCache is a concurrent map that stops taking new keys at a limit:
// for results worth remembering whose keys come from outside (question
// words, corpus words). Its zero value is empty and ready.
//
// It is a map under a read-write lock rather than a sync.Map: a question
// reads these caches many times (every word's expansion, stems,
// translations, trusts) and almost never writes them, and a typed map's
// look-up, lock included, costs about a quarter of sync.Map's, which
// hashes and compares its keys as interfaces (on the casual set they were
// a seventh of kutip's CPU a question).
type boundedCache[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
}

func (c *boundedCache[K, V]) get(key K) (V, bool) {
	c.mu.RLock()
	v, ok := c.m[key]
	c.mu.RUnlock()
	return v, ok
}

// put stores v under key unless the key is stored already (the first
// value stays) or limit keys are.
func (c *boundedCache[K, V]) put(key K, v V, limit int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if int64(len(c.m)) >= limit {
		return
	}
	if c.m == nil {
		c.m = map[K]V{}
	}
	if _, ok := c.m[key]; !ok {
		c.m[key] = v
	}
}

// hasStrong reports whether the concept has an alternative at the weight
// of a translation or better.
func (c concept) hasStrong() bool {
	for _, a := range c.alts {
		if a.weight >= weightTranslation {
			return true
		}
	}
	return false
}

// idf is the inverse sentence frequency of a concept's strongest
// alternative (the most common one among equals), so that a rare synonym
// does not make a common word look rare; a concept the corpus lacks gets
// the highest idf, so that missing it weighs as much as missing a rare word.
//
// For a translated English word every alternative that counts as a full
// match is as good as any other, so the commonest of them sets the idf:
// "world" is rare in Indonesian text as written (World Health
// Organization) but common as "dunia".
func (ix *Index) idf(c concept) float64 {
	n := float64(len(ix.sents))
	bestW, df := 0.0, 0
	for _, a := range c.alts {
		d := ix.vocab[a.term]
		if c.fullAt > 0 && a.weight >= c.fullAt {
			if bestW < c.fullAt || d > df {
				bestW, df = a.weight, d
			}
			continue
		}
		if bestW >= c.fullAt && c.fullAt > 0 {
			continue
		}
		if a.weight > bestW || a.weight == bestW && d > df {
			bestW, df = a.weight, d
		}
	}
	if df == 0 {
		return math.Log(1 + n)
	}
	return math.Log(1 + n/float64(df))
}

// fuzzy returns index terms within a small edit distance of word (one edit
// for words of 4–7 letters, two from 8), sharing its first letter: spelling
// variants of names across languages, such as russia/rusia or
// ukraine/ukraina.
func (ix *Index) fuzzy(word string) []string {
	n := utf8.RuneCountInString(word)
	if n < 4 {
		return nil
	}
	maxDist := 1
	if n >= 8 {
		maxDist = 2
	}
	first, _ := utf8.DecodeRuneInString(word)
	key := spellingKey(word)
	var out []string
	for _, term := range ix.termsByInitial[first] {
		tn := utf8.RuneCountInString(term)
		if tn < n-maxDist-1 || tn > n+maxDist+1 {
			continue
		}
		if tn >= n-maxDist && tn <= n+maxDist && editDistance(word, term, maxDist) <= maxDist || sameSpelling(key, term) {
			out = append(out, term)
			if len(out) == 4 {
				break
			}
		}
	}
	return out
}

// spellingKey folds the vowel spellings that transliterations of one name
// differ by: y and i, ie and i, doubled letters (Kyiv and Kiev are both
// "kiv", Zelenskyy and Zelensky "zelenski"). Two words with the same key
// are taken as one name spelt two ways.
func spellingKey(w string) string {
	var b strings.Builder
	b.Grow(len(w))
	foldSpelling(w, func(r rune) bool { b.WriteRune(r); return true })
	return b.String()
}

// sameSpelling reports whether word's spelling key is key, without
// building it: fuzzy matching tries it on every term of the vocabulary
// that starts alike.
func sameSpelling(key, word string) bool {
	i := 0
	ok := foldSpelling(word, func(r rune) bool {
		c, size := utf8.DecodeRuneInString(key[i:])
		if size == 0 || c != r {
			return false
		}
		i += size
		return true
	})
	return ok && i == len(key)
}

// foldSpelling calls yield with the runes of w's spelling key, stopping
// and returning false when yield does.
func foldSpelling(w string, yield func(rune) bool) bool {
	var last rune
	for _, r := range w {
		if r == 'y' {
			r = 'i'
		}
		if r == last || r == 'e' && last == 'i' {
			continue
		}
		if !yield(r) {
			return false
		}
		last = r
	}
	return true
}

// editDistance is the Levenshtein distance between a and b, or limit+1 once
// it is sure to exceed limit. Words are compared byte-wise when both are
// ASCII, which most index terms are, and rune-wise otherwise.
func editDistance(a, b string, limit int) int {
	if isASCII(a) && isASCII(b) {
		return levenshtein([]byte(a), []byte(b), limit)
	}
	return levenshtein([]rune(a), []rune(b), limit)
}

func levenshtein[T byte | rune](a, b []T, limit int) int {
	var buf [2 * 64]int
	var prev, cur []int
	if len(b)+1 <= 64 {
		prev, cur = buf[:len(b)+1], buf[64:64+len(b)+1]
	} else {
		prev, cur = make([]int, len(b)+1), make([]int, len(b)+1)
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// questionWords carry the question's type, not its topic.
var questionWords = map[string]bool{
	"what": true, "when": true, "where": true, "who": true, "whom": true, "whose": true, "which": true,
	"why": true, "how": true, "many": true, "much": true,
	"apa": true, "apakah": true, "kapan": true, "dimana": true, "mana": true, "siapa": true, "siapakah": true,
	"berapa": true, "berapakah": true, "mengapa": true, "kenapa": true, "bagaimana": true, "bilamana": true,
}

// isQuestionWord reports whether w is a question word, with or without
// the Indonesian question particle -kah (siapakah, dimanakah).
func isQuestionWord(w string) bool {
	if questionWords[w] {
		return true
	}
	base, ok := strings.CutSuffix(w, "kah")
	return ok && questionWords[base]
}

// questionFillers frame a question without naming its topic: "Apa nama
// …", "Sebutkan …", "What is the name of …".
// "will" is one too: in a question it is the modal ("Who will the
// electricity be sold to?"), not the noun, and Snowball's stop list keeps
// it for the noun's sake.
var questionFillers = map[string]bool{"nama": true, "sebutkan": true, "name": true, "named": true, "will": true}

// questionType reads the answer type from the question word, and the
// noun of a "which X" question ("Which region …", "Provinsi apakah …",
// "Di pulau manakah …"), whose answer is a name, often one that carries X.
func questionType(words []string) (answerType, string) {
	t := questionWordType(words)
	if t != typeNone && t != typeName {
		return t, ""
	}
	if noun := whichNoun(words); noun != "" {
		return typeName, noun
	}
	return t, ""
}

// whichNoun returns X in "which X" (English) or "X apa(kah)"/"X mana(kah)"
// (Indonesian), or "". English "what X" is left out: its answers are as
// often common nouns ("What color …" → "gold"), and on XQuAD treating them
// as names cost 1.4 points of top-1.
func whichNoun(words []string) string {
	content := func(w string) bool {
		return w != "" && !indonesianStops[w] && !englishStops[w] && !isQuestionWord(w) && !questionFillers[w]
	}
	for i, w := range words {
		switch w {
		case "which":
			if i+1 < len(words) && content(words[i+1]) {
				return words[i+1]
			}
		case "apa", "apakah", "mana", "manakah":
			if i > 0 && content(words[i-1]) {
				return words[i-1]
			}
		}
	}
	return ""
}

// questionWordType reads the answer type from the question word alone.
func questionWordType(words []string) answerType {
	bases := make([]string, len(words))
	for i, w := range words {
		bases[i] = w
		if isQuestionWord(w) {
			bases[i] = strings.TrimSuffix(w, "kah")
		}
	}
	has := func(ws ...string) bool {
		for _, w := range ws {
			if slices.Contains(bases, w) {
				return true
			}
		}
		return false
	}
	// The cue that comes first decides: "How many seconds were left when
	// the Broncos intercepted the pass?" counts, it does not ask when.
	for i, w := range bases {
		for _, c := range cuesByFirstWord[w] {
			if i+len(c.seq) <= len(bases) && slices.Equal(bases[i:i+len(c.seq)], c.seq) && (c.also == nil || has(c.also...)) {
				return c.t
			}
		}
	}
	return typeNone
}

// cuesByFirstWord indexes typeCues by their first word, keeping their
// order.
var cuesByFirstWord = func() map[string][]typeCue {
	m := map[string][]typeCue{}
	for _, c := range typeCues {
		m[c.seq[0]] = append(m[c.seq[0]], c)
	}
	return m
}()

// typeCues are the words that ask for each answer type, in order of
// precedence where two start at the same word. A cue with also counts
// only when the question holds one of those words too.
type typeCue struct {
	t    answerType
	seq  []string
	also []string
}

var typeCues = []typeCue{
	{typeDate, []string{"kapan"}, nil},
	{typeDate, []string{"bilamana"}, nil},
	{typeDate, []string{"when"}, nil},
	{typeDate, []string{"what", "year"}, nil},
	{typeDate, []string{"what", "date"}, nil},
	{typeDate, []string{"what", "time"}, nil},
	{typeDate, []string{"which", "year"}, nil},
	{typeDate, []string{"tahun", "berapa"}, nil},
	{typeDate, []string{"tanggal", "berapa"}, nil},
	{typeDate, []string{"pukul", "berapa"}, nil},
	{typeDate, []string{"jam", "berapa"}, nil},
	{typeNumber, []string{"how", "many"}, nil},
	{typeNumber, []string{"how", "much"}, nil},
	{typeNumber, []string{"how", "long"}, nil},
	{typeNumber, []string{"how", "old"}, nil},
	{typeNumber, []string{"how", "far"}, nil},
	{typeNumber, []string{"what", "percentage"}, nil},
	{typeNumber, []string{"berapa"}, nil},
	{typePerson, []string{"who"}, nil},
	{typePerson, []string{"whom"}, nil},
	{typePerson, []string{"whose"}, nil},
	{typePerson, []string{"siapa"}, nil},
	{typePlace, []string{"where"}, nil},
	{typePlace, []string{"dimana"}, nil},
	{typePlace, []string{"di", "mana"}, nil},
	{typePlace, []string{"ke", "mana"}, nil},
	{typePlace, []string{"kemana"}, nil},
	{typePlace, []string{"dari", "mana"}, nil},
	{typePlace, []string{"in", "which"}, []string{"country", "city", "region"}},
	{typeReason, []string{"why"}, nil},
	{typeReason, []string{"mengapa"}, nil},
	{typeReason, []string{"kenapa"}, nil},
	{typeName, []string{"name"}, nil},
	{typeName, []string{"named"}, nil},
	{typeName, []string{"called"}, nil},
	{typeName, []string{"apa"}, []string{"nama", "julukan", "disebut"}},
	// The question words of the other languages bleve analyses
	// (lang.go), so that their questions ask for a type too. Dutch "wie"
	// (who) is left out: it is German "how".
	{typeNumber, []string{"wie", "viel"}, nil},
	{typeNumber, []string{"wie", "viele"}, nil},
	{typeNumber, []string{"wie", "lang"}, nil},
	{typeNumber, []string{"combien"}, nil},
	{typeNumber, []string{"cuánto"}, nil},
	{typeNumber, []string{"cuánta"}, nil},
	{typeNumber, []string{"cuántos"}, nil},
	{typeNumber, []string{"cuántas"}, nil},
	{typeNumber, []string{"quanto"}, nil},
	{typeNumber, []string{"quanta"}, nil},
	{typeNumber, []string{"quanti"}, nil},
	{typeNumber, []string{"quante"}, nil},
	{typeNumber, []string{"quantos"}, nil},
	{typeNumber, []string{"quantas"}, nil},
	{typeNumber, []string{"hoeveel"}, nil},
	{typeNumber, []string{"hoe", "lang"}, nil},
	{typeNumber, []string{"сколько"}, nil},
	{typeDate, []string{"wann"}, nil},
	{typeDate, []string{"quand"}, nil},
	{typeDate, []string{"cuándo"}, nil},
	{typeDate, []string{"quando"}, nil},
	{typeDate, []string{"wanneer"}, nil},
	{typeDate, []string{"когда"}, nil},
	{typePerson, []string{"wer"}, nil},
	{typePerson, []string{"qui"}, nil},
	{typePerson, []string{"quién"}, nil},
	{typePerson, []string{"chi"}, nil},
	{typePerson, []string{"quem"}, nil},
	{typePerson, []string{"кто"}, nil},
	{typePlace, []string{"wo"}, nil},
	{typePlace, []string{"où"}, nil},
	{typePlace, []string{"dónde"}, nil},
	{typePlace, []string{"dove"}, nil},
	{typePlace, []string{"onde"}, nil},
	{typePlace, []string{"waar"}, nil},
	{typePlace, []string{"где"}, nil},
}
