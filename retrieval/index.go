package retrieval

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"kutip/corpus"
)

// Options configure Build. The zero value builds an in-memory index.
type Options struct {
	// Dir keeps the index on disk in this folder and reuses it while the
	// corpus and the analyzers are unchanged. Empty means in memory.
	Dir string
	// Top is how many passages Ask returns at most. Default 3.
	Top int
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
	top            int
	store          StoreInfo // see store.go
	mainLang       string    // the language most sentences are in
	hasID, hasEN   bool      // whether any sentence is in Indonesian, in English
	expansions     expansionCache
	// lowerWords holds the words the corpus writes in lower case
	// somewhere: common words, as opposed to names.
	lowerWords map[string]bool
	termIDs    map[string]int32 // index term → a small integer
	spanCache  sync.Map         // spanKey → []span, filled as questions need them
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
	ix := &Index{
		docs:       docs,
		analyzers:  map[string]*analyzer{"id": newAnalyzer("id"), "en": newAnalyzer("en")},
		vocab:      map[string]int{},
		lowerWords: map[string]bool{},
		top:        opts.Top,
	}
	if ix.top <= 0 {
		ix.top = 3
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

// Reused reports whether Build opened an index already on disk.
func (ix *Index) Reused() bool { return ix.store.Reused }

// SentenceCount returns how many sentences are indexed.
func (ix *Index) SentenceCount() int { return len(ix.sents) }

// analyzer returns the analyzer for lang: English for "en", Indonesian
// for anything else. The analyzers are made in Build and only read after,
// so this is safe for concurrent use.
func (ix *Index) analyzer(lang string) *analyzer {
	if lang != "en" {
		lang = "id"
	}
	return ix.analyzers[lang]
}

// analyzeCorpus fills the sentence table and the vocabulary.
func (ix *Index) analyzeCorpus() {
	for di, d := range ix.docs {
		a := ix.analyzer(d.Lang)
		for pi, p := range d.Paragraphs {
			for si, s := range p.Sentences {
				toks := a.analyze(s.Text)
				for _, t := range toks {
					if r, _ := utf8.DecodeRuneInString(s.Text[t.Start:]); unicode.IsLower(r) {
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
					doc: di, para: pi, sent: si, kind: p.Kind, lang: a.lang, text: s.Text, tokens: toks,
				})
			}
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
	ix.mainLang = "id"
	if perLang["en"] > perLang["id"] {
		ix.mainLang = "en"
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

// newBleve creates a scorch index at path ("" = in memory) and indexes every
// sentence. Scorch in memory queries several times faster than bleve's
// NewMemOnly (upside_down).
func (ix *Index) newBleve(ctx context.Context, path string) (bleve.Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("index mapping: %w", err)
	}
	b, err := bleve.NewUsing(path, m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	if err := ix.fill(ctx, b); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

func (ix *Index) fill(ctx context.Context, b bleve.Index) error {
	const batchSize = 1000
	batch := b.NewBatch()
	titleTerms := make([]string, len(ix.docs))
	for i, d := range ix.docs {
		titleTerms[i] = strings.Join(ix.analyzer(d.Lang).terms(d.Title), " ")
	}
	for i, s := range ix.sents {
		d := ix.docs[s.doc]
		doc := sentenceDoc{
			Terms: strings.Join(termsOf(s.tokens), " "),
			Title: titleTerms[s.doc],
			Doc:   d.ID,
			Para:  s.para + 1,
			Sent:  s.sent + 1,
			Kind:  string(s.kind),
			Lang:  s.lang,
			Text:  s.text,
		}
		if err := batch.Index(strconv.Itoa(i), doc); err != nil {
			return fmt.Errorf("index sentence %s ¶%d.%d: %w", d.ID, doc.Para, doc.Sent, err)
		}
		if batch.Size() >= batchSize {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := b.Batch(batch); err != nil {
				return fmt.Errorf("index batch: %w", err)
			}
			batch = b.NewBatch()
		}
	}
	if batch.Size() > 0 {
		if err := b.Batch(batch); err != nil {
			return fmt.Errorf("index batch: %w", err)
		}
	}
	return nil
}

func termsOf(toks []token) []string {
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		if t.Term != "" {
			out = append(out, t.Term)
		}
	}
	return out
}
