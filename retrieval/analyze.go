package retrieval

import (
	"bufio"
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/id"
	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
)

// analyzerVersion changes whenever analysis changes what terms a text gets,
// so that an index on disk built by an older version is rebuilt.
const analyzerVersion = "3"

// token is one word of a text: its lower-cased surface form, its index term
// (the stem under the text's language) and where it stands in the text. Its
// word position, counting stop words, is its index in the slice analyze
// returns, so it is not stored.
//
// Every sentence of an index keeps its tokens for ranking and spans, which
// makes them most of the serving heap (docs/scale.md), so the byte offsets
// are 32-bit: 40 bytes a token instead of 56. A text analysed is a sentence
// or a question from a corpus file of at most corpus.MaxFileSize (64 MiB),
// far below the 2 GiB that int32 offsets allow. Read them through Start and
// End, which give ints for slicing.
type token struct {
	Word  string // lower case, numbers normalised (11.000 → 11000)
	Term  string // stem; "" for a stop word
	start int32  // byte offsets in the analysed text
	end   int32
}

func newToken(word string, start, end int) token {
	return token{Word: word, start: int32(start), end: int32(end)}
}

// Start is the byte offset of the token's first byte in its text.
func (t token) Start() int { return int(t.start) }

// End is the byte offset just past the token in its text.
func (t token) End() int { return int(t.end) }

// analyzer turns text of one language into index terms. Indexing and
// question analysis use the same analyzer, so terms meet.
type analyzer struct {
	lang string
	stop map[string]bool
	stem func(string) string
}

func newAnalyzer(lang string) *analyzer {
	switch lang {
	case "en":
		return &analyzer{lang: "en", stop: englishStops, stem: stemEnglish}
	default:
		return &analyzer{lang: "id", stop: indonesianStops, stem: stemIndonesian}
	}
}

// analyze splits text into tokens: runs of letters and digits, with a
// number's inner separators kept (11.000, 6,5, 10:30) and an apostrophe's
// possessive dropped. Stop words keep their position (their index in the
// result) but get no term.
func (a *analyzer) analyze(text string) []token {
	// About one word in seven bytes, in either language.
	out := make([]token, 0, len(text)/7+1)
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		start := i
		end := wordEnd(text, i)
		raw := text[start:end]
		i = end
		word := normalizeWord(raw)
		if word == "" {
			continue
		}
		t := newToken(word, start, end)
		if !a.stop[word] {
			t.Term = a.stem(word)
		}
		out = append(out, t)
	}
	return out
}

// terms returns the non-stop index terms of text.
func (a *analyzer) terms(text string) []string {
	var out []string
	for _, t := range a.analyze(text) {
		if t.Term != "" {
			out = append(out, t.Term)
		}
	}
	return out
}

func isFormat(r rune) bool { return unicode.Is(unicode.Cf, r) }

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		// No ASCII character is a combining mark (Mn).
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// wordEnd returns where the word starting at i ends. Inside a number, "." ","
// and ":" followed by a digit continue it; inside a word, an apostrophe
// followed by a letter does (the possessive is dropped later).
func wordEnd(text string, i int) int {
	prevDigit := false
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if isWordRune(r) {
			prevDigit = unicode.IsDigit(r)
			i += size
			continue
		}
		if i+size < len(text) {
			next, _ := utf8.DecodeRuneInString(text[i+size:])
			if r >= utf8.RuneSelf && unicode.Is(unicode.Cf, r) && isWordRune(next) {
				// A zero-width space or joiner, a soft hyphen or a
				// direction mark inside a word does not split it.
				i += size
				continue
			}
			if prevDigit && (r == '.' || r == ',' || r == ':') && unicode.IsDigit(next) {
				i += size
				continue
			}
			if (r == '\'' || r == '’') && unicode.IsLetter(next) && !prevDigit {
				i += size
				continue
			}
		}
		break
	}
	return i
}

// normalizeWord lower-cases a word, drops an English possessive, and writes
// numbers without thousands separators so that 11.000 and 11,000 meet.
func normalizeWord(raw string) string {
	if w, ok := asciiLetters(raw); ok {
		// Most words: nothing below changes a word of ASCII letters
		// but its case.
		return w
	}
	w := strings.ToLower(raw)
	if strings.IndexFunc(w, isFormat) >= 0 {
		w = strings.Map(func(r rune) rune {
			if isFormat(r) {
				return -1
			}
			return r
		}, w)
	}
	w = strings.ReplaceAll(w, "’", "'")
	if strings.HasSuffix(w, "'s") {
		w = w[:len(w)-2]
	}
	if isNumber(w) {
		return normalizeNumber(w)
	}
	return strings.ReplaceAll(w, "'", "")
}

// asciiLetters returns raw in lower case when it is made of ASCII letters
// only.
func asciiLetters(raw string) (string, bool) {
	upper := false
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case 'a' <= c && c <= 'z':
		case 'A' <= c && c <= 'Z':
			upper = true
		default:
			return "", false
		}
	}
	if upper {
		return strings.ToLower(raw), true
	}
	return raw, true
}

func isNumber(w string) bool {
	if w == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsDigit(r) {
		return false
	}
	for _, r := range w {
		if !unicode.IsDigit(r) && r != '.' && r != ',' && r != ':' {
			return false
		}
	}
	return true
}

// normalizeNumber removes thousands separators: a "." or "," followed by
// exactly three digits and then a separator or the end. Decimal parts stay
// (6,5 → 6,5; 2.5 → 2.5).
func normalizeNumber(w string) string {
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		c := w[i]
		if (c == '.' || c == ',') && i+4 <= len(w) && allDigits(w[i+1:i+4]) && (i+4 == len(w) || w[i+4] == '.' || w[i+4] == ',') {
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

var (
	indonesianStops = readStops(id.IndonesianStopWords)
	englishStops    = withWords(readStops(en.EnglishStopWords), englishFillers)
)

// englishFillers are words of English questions that carry no topic:
// reporting verbs, modals and hedges missing from Snowball's stop list.
// Left in, they would count against a question's coverage whenever a
// dictionary lacks them.
var englishFillers = []string{"said", "say", "says", "told", "tell", "might", "may", "must", "shall",
	"according", "also", "ever", "still", "just", "yet", "even", "like", "much", "many", "whose", "whom",
	"kind", "sort", "type", "one", "ones", "thing", "things"}

func withWords(m map[string]bool, words []string) map[string]bool {
	for _, w := range words {
		m[w] = true
	}
	return m
}

// readStops parses a bleve stop-word list: one word a line, "#" and "|"
// start comments.
func readStops(data []byte) map[string]bool {
	m := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexAny(line, "#|"); i >= 0 {
			line = line[:i]
		}
		for _, w := range strings.Fields(line) {
			m[strings.ToLower(w)] = true
		}
	}
	return m
}

// stemEnglish is the Snowball (Porter 2) English stemmer. Stems are
// remembered, up to maxCachedStems words, as the Indonesian stemmer's are:
// the same words come back sentence after sentence and question after
// question.
func stemEnglish(w string) string { return snowballStem(&englishStems, w, w, english.Stem) }

// snowballStem stems w with a Snowball stemmer, remembering the stem under
// key in cache (up to maxCachedStems words). Numbers and words under three
// letters are their own stems.
func snowballStem[K comparable](cache *boundedCache[K, string], key K, w string, stem func(*snowballstem.Env) bool) string {
	if isNumber(w) || utf8.RuneCountInString(w) < 3 {
		return w
	}
	if s, ok := cache.get(key); ok {
		return s
	}
	env := snowballstem.NewEnv(w)
	stem(env)
	s := env.Current()
	cache.put(key, s, maxCachedStems)
	return s
}

const maxCachedStems = 1 << 17

var englishStems boundedCache[string, string] // word → stem
