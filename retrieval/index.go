package retrieval

import (
	"context"
	"fmt"
	"iter"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"

	"kutip/corpus"
)

// Options configure Build. The zero value builds an in-memory index.
// How many passages an answer holds is a question's option, not the
// index's: see Index.AskTop.
type Options struct {
	// Dir keeps the index on disk in this folder and reuses it while the
	// corpus and the analyzers are unchanged. Empty means in memory.
	Dir string
	// MaxBytes refuses a corpus with more text than this (TextBytes) with
	// a *TooLargeError before indexing any of it; 0 means no cap.
	MaxBytes int64
}

// Index answers questions from a corpus. It is safe for concurrent use.
type Index struct {
	docs      []corpus.Document
	sents     []sentence
	bleve     bleve.Index
	analyzers map[string]*analyzer
	vocab     map[string]int // index term → number of sentences holding it
	// termsByInitial lists the vocabulary by first letter, sorted, for
	// fuzzy matching.
	termsByInitial map[rune][]string
	store          StoreInfo   // see store.go
	broken         brokenState // set when a search fails in bleve; see verify.go
	mainLang       string      // the language most sentences are in
	hasID, hasEN   bool        // whether any sentence is in Indonesian, in English
	otherLangs     []string    // the corpus's languages besides those two, sorted (see lang.go)
	expansions     expansionCache
	// lowerWords holds the words the corpus writes in lower case
	// somewhere: common words, as opposed to names.
	lowerWords map[string]bool
	termIDs    map[string]int32 // index term → a small integer
	// postings maps term IDs to the sentences holding them: the
	// candidates' inverted index (postings.go).
	postings  postings
	scores    sync.Pool  // *scoreScratch: one question's candidate scores
	spanCache spanCache  // sentences' typed spans, filled as questions need them (span.go)
	scopes    scopeCache // folder → its resolved filter (scope.go)
}

// sentence is one indexed sentence, kept in memory for ranking and display.
type sentence struct {
	doc, para, sent int // 0-based indices into Index.docs and its paragraphs
	kind            corpus.Kind
	lang            string
	text            string
	toks            []packedToken // read through token, tokenCount and tokens
	strs            *tokenStrings // the strings toks' words and terms index; its forms' term IDs
}

// packedToken is a token as the sentence table keeps it: its form (word
// and term) as an index into the index's tokenStrings, and its byte
// offsets in the sentence's text. Every sentence keeps its tokens for
// ranking and spans, which made 40-byte tokens with two string headers
// each most of the serving heap (docs/scale.md); packed, a token takes 8
// bytes, each distinct word and term is stored once, and the garbage
// collector never scans the tokens, which hold no pointer. The offsets
// take 16 bits: a sentence of more than maxNarrowText bytes (text with no
// sentence end) keeps two packedTokens a token, the second holding the
// offsets' high 16 bits.
type packedToken struct {
	form       uint32
	start, end uint16
}

// maxNarrowText is the longest sentence whose tokens take one packedToken
// each.
const maxNarrowText = 1<<16 - 1

// tokenStrings holds the distinct words and terms of an index's sentences,
// each once (strs[0] is "", the term of a stop word), and the distinct
// forms, pairs of a word and its term: a word has one term under each
// language's analyzer, so a corpus has few more forms than words. It is
// filled by analyzeCorpus and only read after.
type tokenStrings struct {
	strs  []string
	forms []wordForm
	// termIDs holds each form's term ID (Index.termIDs; -1 for a stop
	// word, whose term is ""). With it a sentence's content words are read
	// from its tokens (sentence.contentTerms) instead of a table of their
	// own, which took about 100 bytes a sentence (docs/scale.md); a dense
	// slice of its own, as ranking reads it for every token of every
	// candidate.
	termIDs []int32
}

// wordForm is a word and its term, as indexes into tokenStrings.strs.
type wordForm struct{ word, term uint32 }

// stride is how many packedTokens each of s's tokens takes.
func (s *sentence) stride() int {
	if len(s.text) > maxNarrowText {
		return 2
	}
	return 1
}

// tokenCount returns how many tokens s has.
func (s *sentence) tokenCount() int { return len(s.toks) / s.stride() }

// packed returns s's i-th token's form and offsets.
func (s *sentence) packed(i int) (form uint32, start, end int32) {
	if len(s.text) <= maxNarrowText {
		p := s.toks[i]
		return p.form, int32(p.start), int32(p.end)
	}
	p, hi := s.toks[2*i], s.toks[2*i+1]
	return p.form, int32(p.start) | int32(hi.start)<<16, int32(p.end) | int32(hi.end)<<16
}

// token returns s's i-th token.
func (s *sentence) token(i int) token {
	form, start, end := s.packed(i)
	f := s.strs.forms[form]
	return token{Word: s.strs.strs[f.word], Term: s.strs.strs[f.term], start: start, end: end}
}

// contentTerms yields s's content words, in order: each one's term ID and
// position among s's tokens.
func (s *sentence) contentTerms() iter.Seq[termAt] {
	return func(yield func(termAt) bool) {
		ids := s.strs.termIDs
		if len(s.text) <= maxNarrowText {
			for k, p := range s.toks {
				if id := ids[p.form]; id >= 0 && !yield(termAt{id: id, pos: int32(k)}) {
					return
				}
			}
			return
		}
		for k := 0; 2*k < len(s.toks); k++ {
			if id := ids[s.toks[2*k].form]; id >= 0 && !yield(termAt{id: id, pos: int32(k)}) {
				return
			}
		}
	}
}

// contentTermCount returns how many content words s has.
func (s *sentence) contentTermCount() int {
	n := 0
	for range s.contentTerms() {
		n++
	}
	return n
}

// tokens returns all of s's tokens in a new slice, for code that reads a
// sentence's tokens as a question's (typedSpans, bestAlt). Reading one
// token at a time, token allocates nothing: per-question code should.
func (s *sentence) tokens() []token {
	out := make([]token, s.tokenCount())
	for i := range out {
		out[i] = s.token(i)
	}
	return out
}

// interner gives each distinct string and form an index into a
// tokenStrings, for analyzeCorpus; it is dropped when the build is done.
type interner struct {
	ids   map[string]uint32
	forms map[wordForm]uint32
	strs  *tokenStrings
}

func newInterner() *interner {
	return &interner{ids: map[string]uint32{"": 0}, forms: map[wordForm]uint32{}, strs: &tokenStrings{strs: []string{""}}}
}

// form returns the index of t's form, adding it if it is new.
func (in *interner) form(t token) uint32 {
	f := wordForm{word: in.id(t.Word), term: in.id(t.Term)}
	if id, ok := in.forms[f]; ok {
		return id
	}
	id := uint32(len(in.strs.forms))
	in.forms[f] = id
	in.strs.forms = append(in.strs.forms, f)
	return id
}

// id returns s's index, adding s if it is new.
func (in *interner) id(s string) uint32 {
	if id, ok := in.ids[s]; ok {
		return id
	}
	id := uint32(len(in.strs.strs))
	in.ids[s] = id
	in.strs.strs = append(in.strs.strs, s)
	return id
}

// pack interns toks' words and terms and appends them packed to into, in
// place of the tokens' own strings: two packedTokens a token when wide
// (for a sentence of more than maxNarrowText bytes; see packedToken).
func (in *interner) pack(toks []token, wide bool, into []packedToken) []packedToken {
	for _, t := range toks {
		into = append(into, packedToken{form: in.form(t), start: uint16(t.start), end: uint16(t.end)})
		if wide {
			into = append(into, packedToken{start: uint16(t.start >> 16), end: uint16(t.end >> 16)})
		}
	}
	return into
}

// numberTerms gives every term of the interned forms an ID, in the order
// of the forms' first use, fills tokenStrings.termIDs, and returns the IDs
// by term.
func (in *interner) numberTerms() map[string]int32 {
	idOf := make([]int32, len(in.strs.strs)) // interned string → its term ID + 1
	ids := map[string]int32{}
	in.strs.termIDs = make([]int32, len(in.strs.forms))
	for i, f := range in.strs.forms {
		if f.term != 0 && idOf[f.term] == 0 {
			idOf[f.term] = int32(len(ids)) + 1
			ids[in.strs.strs[f.term]] = idOf[f.term] - 1
		}
		in.strs.termIDs[i] = idOf[f.term] - 1
	}
	return ids
}

// newSentence returns a sentence of text with the given tokens, for tests
// of code that reads sentences.
func newSentence(text, lang string, toks []token) *sentence {
	in := newInterner()
	s := &sentence{text: text, lang: lang, toks: in.pack(toks, len(text) > maxNarrowText, nil), strs: in.strs}
	in.numberTerms()
	return s
}

// termAt is a content word of a sentence: its term ID (see Index.termIDs)
// and its position among the sentence's tokens.
type termAt struct{ id, pos int32 }

// Build indexes docs. With opts.Dir it reuses an index there built from the
// same corpus, and otherwise builds one in a temporary folder renamed into
// place. ctx cancels a long build.
func Build(ctx context.Context, docs []corpus.Document, opts Options) (*Index, error) {
	if len(docs) == 0 {
		return nil, fmt.Errorf("build index: %w", corpus.ErrNoText)
	}
	if err := checkSize(docs, opts.MaxBytes); err != nil {
		return nil, err
	}
	ix := &Index{
		docs:       docs,
		analyzers:  map[string]*analyzer{"id": newAnalyzer("id"), "en": newAnalyzer("en")},
		vocab:      map[string]int{},
		lowerWords: map[string]bool{},
	}
	ix.analyzeCorpus()
	if err := ix.openStore(ctx, opts.Dir); err != nil {
		return nil, err
	}
	return ix, nil
}

// Close releases the bleve index.
func (ix *Index) Close() error { return ix.bleve.Close() }

// Documents returns the corpus the index was built from.
func (ix *Index) Documents() []corpus.Document { return ix.docs }

// SentenceCount returns how many sentences are indexed.
func (ix *Index) SentenceCount() int { return len(ix.sents) }

// analyzer returns the analyzer for lang: English for "en", a language of
// the corpus's otherLangs for its own, Indonesian for anything else. The
// analyzers are made in Build and only read after, so this is safe for
// concurrent use.
func (ix *Index) analyzer(lang string) *analyzer {
	if a, ok := ix.analyzers[lang]; ok {
		return a
	}
	return ix.analyzers["id"]
}

// tokenChunk is how many tokens one block of the sentence table's token
// storage holds.
const tokenChunk = 1 << 16

// analyzeCorpus fills the sentence table and the vocabulary.
func (ix *Index) analyzeCorpus() {
	// Sentences' tokens are packed (packedToken) into shared blocks: the
	// slices analyze returns grow by appending, and kept as they are they
	// would hold up to twice the tokens' memory, a slice header and an
	// allocation each.
	in := newInterner()
	var lastSeen []int // interned string → the last sentence holding it as a term, for vocab
	var block []packedToken
	keep := func(toks []token, wide bool) []packedToken {
		n := len(toks)
		if wide {
			n *= 2
		}
		if cap(block)-len(block) < n {
			block = make([]packedToken, 0, max(tokenChunk, n))
		}
		from := len(block)
		block = in.pack(toks, wide, block)
		return block[from:len(block):len(block)]
	}
	total := 0
	for i := range ix.docs {
		total += ix.docs[i].SentenceCount()
	}
	ix.sents = make([]sentence, 0, total)
	// Analysis is most of the work, and documents are independent: each
	// chunk of documents is analysed on every core, then entered into the
	// tables in corpus order, so they come out as a single pass would
	// make them. A chunk at a time keeps the analysed tokens waiting to be
	// packed to a chunk's worth.
	type analysed struct {
		lang string
		toks [][]token // per sentence, in order
	}
	chunk := make([]analysed, 0, analysisChunk)
	for from := 0; from < len(ix.docs); from += analysisChunk {
		docs := ix.docs[from:min(from+analysisChunk, len(ix.docs))]
		chunk = chunk[:len(docs)]
		parallel(len(docs), func(i int) {
			texts := make([]string, 0, len(docs[i].Paragraphs))
			for _, p := range docs[i].Paragraphs {
				texts = append(texts, p.Text)
			}
			chunk[i] = analysed{lang: documentLanguage(docs[i].Lang, texts)}
		})
		for _, c := range chunk {
			if _, ok := ix.analyzers[c.lang]; !ok {
				if a := otherAnalyzer(c.lang); a != nil {
					ix.analyzers[c.lang] = a
					ix.otherLangs = append(ix.otherLangs, c.lang)
				}
			}
		}
		parallel(len(docs), func(i int) {
			a := ix.analyzer(chunk[i].lang)
			toks := make([][]token, 0, docs[i].SentenceCount())
			for _, p := range docs[i].Paragraphs {
				for _, s := range p.Sentences {
					toks = append(toks, a.analyze(s.Text))
				}
			}
			chunk[i].toks = toks
		})
		for i, c := range chunk {
			di, a, k := from+i, ix.analyzer(c.lang), 0
			for pi, p := range docs[i].Paragraphs {
				for si, s := range p.Sentences {
					toks := c.toks[k]
					k++
					ix.sents = append(ix.sents, sentence{
						doc: di, para: pi, sent: si, kind: p.Kind, lang: a.lang, text: s.Text,
						toks: keep(toks, len(s.Text) > maxNarrowText), strs: in.strs,
					})
					sent := &ix.sents[len(ix.sents)-1]
					for len(lastSeen) < len(in.strs.strs) {
						lastSeen = append(lastSeen, -1)
					}
					for k := range sent.tokenCount() {
						form, start, _ := sent.packed(k)
						f := in.strs.forms[form]
						if r, _ := utf8.DecodeRuneInString(s.Text[start:]); unicode.IsLower(r) {
							ix.lowerWords[in.strs.strs[f.word]] = true
						}
						if f.term != 0 && lastSeen[f.term] != len(ix.sents)-1 {
							lastSeen[f.term] = len(ix.sents) - 1
							ix.vocab[in.strs.strs[f.term]]++
						}
					}
				}
			}
			chunk[i] = analysed{}
		}
	}
	// Term IDs let ranking match a sentence's words with array reads;
	// each form carries its term's ID, numbered in corpus order.
	ix.termIDs = in.numberTerms()
	if len(ix.sents) < postingsMaxSentences {
		ix.postings = buildPostings(ix.sents, len(ix.termIDs))
	}
	perLang := map[string]int{}
	for _, s := range ix.sents {
		perLang[s.lang]++
	}
	sort.Strings(ix.otherLangs)
	ix.mainLang = "id"
	for _, lang := range append([]string{"en"}, ix.otherLangs...) {
		if perLang[lang] > perLang[ix.mainLang] {
			ix.mainLang = lang
		}
	}
	ix.hasID, ix.hasEN = perLang["id"] > 0, perLang["en"] > 0
	ix.termsByInitial = map[rune][]string{}
	for term := range ix.vocab {
		r, _ := utf8.DecodeRuneInString(term)
		ix.termsByInitial[r] = append(ix.termsByInitial[r], term)
	}
	for _, terms := range ix.termsByInitial {
		sort.Strings(terms)
	}
}

// analysisChunk is how many documents analyzeCorpus analyses at once.
const analysisChunk = 256

// parallel calls f(0) … f(n-1) on as many goroutines as there are cores
// to run them, and returns when all have returned.
func parallel(n int, f func(i int)) {
	workers := min(n, runtime.GOMAXPROCS(0))
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				f(i)
			}
		})
	}
	wg.Wait()
}
