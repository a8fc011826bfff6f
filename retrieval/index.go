package retrieval

import (
	"context"
	"fmt"
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
	// postings maps term IDs to the sentences holding them, for
	// memoryCandidates; built on first use (postings.go).
	postings     postings
	postingsOnce sync.Once
	scores       sync.Pool  // *scoreScratch: one question's candidate scores
	spanCache    sync.Map   // spanKey → []span, filled as questions need them
	scopes       scopeCache // folder → its resolved filter (scope.go)
}

// sentence is one indexed sentence, kept in memory for ranking and display.
type sentence struct {
	doc, para, sent int // 0-based indices into Index.docs and its paragraphs
	kind            corpus.Kind
	lang            string
	text            string
	tokens          []token
	terms           []termAt // the content words' term IDs, in order
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
	// Sentences' tokens are packed into shared blocks: the slices analyze
	// returns grow by appending, and kept as they are they would hold up
	// to twice the tokens' memory, a slice header and an allocation each.
	var block []token
	keep := func(toks []token) []token {
		if cap(block)-len(block) < len(toks) {
			block = make([]token, 0, max(tokenChunk, len(toks)))
		}
		from := len(block)
		block = append(block, toks...)
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
					for _, t := range toks {
						if r, _ := utf8.DecodeRuneInString(s.Text[t.Start():]); unicode.IsLower(r) {
							ix.lowerWords[t.Word] = true
						}
					}
					seen := map[string]bool{}
					for _, t := range toks {
						if t.Term != "" && !seen[t.Term] {
							seen[t.Term] = true
							ix.vocab[t.Term]++
						}
					}
					ix.sents = append(ix.sents, sentence{
						doc: di, para: pi, sent: si, kind: p.Kind, lang: a.lang, text: s.Text, tokens: keep(toks),
					})
				}
			}
			chunk[i] = analysed{}
		}
	}
	// Term IDs let ranking match a sentence's words with array reads. All
	// sentences' terms live in one slab, in corpus order, so that a
	// sentence and its neighbours sit side by side in memory.
	ix.termIDs = make(map[string]int32, len(ix.vocab))
	n := 0
	for i := range ix.sents {
		for _, t := range ix.sents[i].tokens {
			if t.Term != "" {
				n++
			}
		}
	}
	slab := make([]termAt, 0, n)
	for i := range ix.sents {
		s := &ix.sents[i]
		from := len(slab)
		for k, t := range s.tokens {
			if t.Term == "" {
				continue
			}
			id, ok := ix.termIDs[t.Term]
			if !ok {
				id = int32(len(ix.termIDs))
				ix.termIDs[t.Term] = id
			}
			slab = append(slab, termAt{id: id, pos: int32(k)})
		}
		s.terms = slab[from:len(slab):len(slab)]
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
