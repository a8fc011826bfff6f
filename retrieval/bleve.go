package retrieval

// Every call into bleve is in this file: the mapping of a sentence
// document, building an index, opening one from disk and checking it, and
// the one query that proposes candidates. Elsewhere the package only holds
// a bleve.Index, passes it along and closes it, and works on sentence
// numbers (bleve document IDs are positions in Index.sents).

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Field names of a sentence document in the bleve index.
const (
	fieldTerms = "terms" // the sentence's index terms, analysed by kutip's own analyzers (see analyze.go)
	fieldDoc   = "doc"
	fieldPara  = "para"
	fieldSent  = "sent"
	fieldKind  = "kind"
	fieldLang  = "lang"
	// fieldFolder holds the folders the sentence's file is in, below the
	// corpus root: "a/b/x.txt" has "a" and "a/b". A scope is one term of
	// it (scope.go).
	fieldFolder = "folder"
	fieldText   = "text" // the sentence as written, stored, not indexed

	// preAnalyzed splits the space-separated terms kutip's analyzers have
	// already produced, so bleve indexes exactly those terms.
	preAnalyzed = "kutip_terms"
)

// sentenceDoc is what is indexed for one sentence. Its bleve document ID
// is the sentence's position in Index.sents.
type sentenceDoc struct {
	Terms string `json:"terms"`
	Doc   string `json:"doc"`
	Para  int    `json:"para"`
	Sent  int    `json:"sent"`
	Kind  string `json:"kind"`
	Lang  string `json:"lang"`
	Text  string `json:"text"`
	// Folder lists the folders of the document's file (fieldFolder).
	Folder []string `json:"folder,omitempty"`
}

// newMapping builds the index mapping: the sentence's terms pre-analysed,
// the document ID and folders as keywords, the citation and the text
// stored.
func newMapping() (mapping.IndexMapping, error) {
	m := bleve.NewIndexMapping()
	if err := m.AddCustomAnalyzer(preAnalyzed, map[string]any{
		"type":      custom.Name,
		"tokenizer": whitespace.Name,
	}); err != nil {
		return nil, err
	}
	terms := bleve.NewTextFieldMapping()
	terms.Analyzer = preAnalyzed
	terms.Store = false
	// No term vectors: kutip asks bleve for no positions (its own tokens
	// have them), and they were a third of the build's work and of the
	// index on disk.
	terms.IncludeTermVectors = false
	terms.IncludeInAll = false

	kw := bleve.NewKeywordFieldMapping()
	kw.Analyzer = keyword.Name
	kw.IncludeInAll = false

	// The citation's fields are stored, for whoever reads the index with
	// bleve's tools, but not indexed: no query reads them (kutip's
	// sentence table has them), and numeric fields are indexed as several
	// prefix terms each.
	num := bleve.NewNumericFieldMapping()
	num.IncludeInAll = false
	num.Index = false
	num.DocValues = false

	stored := bleve.NewKeywordFieldMapping()
	stored.IncludeInAll = false
	stored.Index = false
	stored.DocValues = false

	text := bleve.NewTextFieldMapping()
	text.Index = false
	text.IncludeInAll = false
	text.IncludeTermVectors = false

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldTerms, terms)
	doc.AddFieldMappingsAt(fieldDoc, kw)
	doc.AddFieldMappingsAt(fieldKind, stored)
	doc.AddFieldMappingsAt(fieldLang, stored)
	doc.AddFieldMappingsAt(fieldFolder, kw)
	doc.AddFieldMappingsAt(fieldPara, num)
	doc.AddFieldMappingsAt(fieldSent, num)
	doc.AddFieldMappingsAt(fieldText, text)
	m.DefaultMapping = doc
	m.DefaultAnalyzer = preAnalyzed
	return m, nil
}

// newBleve creates a scorch index at path ("" = in memory) and indexes every
// sentence. Scorch in memory queries several times faster than bleve's
// NewMemOnly (upside_down).
//
// In memory, scorch keeps one segment per batch and never merges them, and
// a search by bleve's searcher (a corpus too large for postings, see
// candidates) pays a dictionary look-up and a postings iterator per term
// and segment. A corpus of up to memoryBuildMax sentences therefore goes
// in as one batch, one segment.
func (ix *Index) newBleve(ctx context.Context, path string) (bleve.Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("index mapping: %w", err)
	}
	b, err := bleve.NewUsing(path, m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	batchSize := indexBatch
	if path == "" && len(ix.sents) <= memoryBuildMax {
		batchSize = memoryBuildMax
	}
	if err := ix.fill(ctx, b, batchSize); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// writeBleve builds the index in folder path and closes it, merged into
// as few segments as scorch makes of a forced merge: each segment is
// searched separately, once per query term, and kutip's queries have many
// terms (every question word's alternatives).
func (ix *Index) writeBleve(ctx context.Context, path string) error {
	b, err := ix.newBleve(ctx, path)
	if err != nil {
		return err
	}
	if err := forceMerge(ctx, b); err != nil {
		b.Close()
		return err
	}
	if err := b.Close(); err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	return dropUnusedSegments(path)
}

// forceMerge merges an index on disk into one segment, or as few as scorch
// manages.
func forceMerge(ctx context.Context, b bleve.Index) error {
	adv, err := b.Advanced()
	if err != nil {
		return fmt.Errorf("merge index: %w", err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	if err := s.ForceMerge(ctx, &mergeplan.SingleSegmentMergePlanOptions); err != nil {
		return fmt.Errorf("merge index: %w", err)
	}
	// The merged segments reach the index's persisted root a little
	// later; closed before that, the index reopens unmerged (and
	// dropUnusedSegments then removes the merged files).
	epoch := func(name string) uint64 {
		v, _ := s.StatsMap()[name].(uint64)
		return v
	}
	// Never wait long for it: an unmerged index answers the same.
	giveUp := time.Now().Add(time.Minute)
	for target := epoch("CurRootEpoch"); epoch("LastPersistedEpoch") < target && time.Now().Before(giveUp); {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return nil
}

// dropUnusedSegments removes the segment files of the closed index in path
// that its latest snapshot does not use: scorch removes a merge's inputs in
// the background, and an index closed right after a merge keeps them.
func dropUnusedSegments(path string) error {
	b, err := bleve.OpenUsing(path, map[string]any{"read_only": true})
	if err != nil {
		return fmt.Errorf("open index to clean: %w", err)
	}
	used := map[string]bool{}
	adv, err := b.Advanced()
	if err == nil {
		var r index.IndexReader
		if r, err = adv.Reader(); err == nil {
			if snap, ok := r.(*scorch.IndexSnapshot); ok {
				for _, seg := range snap.Segments() {
					if p, ok := seg.Segment().(interface{ Path() string }); ok {
						used[filepath.Base(p.Path())] = true
					}
				}
			}
			r.Close()
		}
	}
	if cerr := b.Close(); err == nil {
		err = cerr
	}
	if err != nil || len(used) == 0 {
		return err
	}
	files, err := filepath.Glob(filepath.Join(path, "store", "*.zap"))
	if err != nil {
		return err
	}
	for _, f := range files {
		if !used[filepath.Base(f)] {
			if err := os.Remove(f); err != nil {
				return fmt.Errorf("remove unused segment: %w", err)
			}
		}
	}
	return nil
}

// fill indexes every sentence into b, batchSize sentences a batch; ctx is
// checked before each batch.
func (ix *Index) fill(ctx context.Context, b bleve.Index, batchSize int) error {
	batch := b.NewBatch()
	folders := make([][]string, len(ix.docs))
	for i, d := range ix.docs {
		folders[i] = docFolders(d)
	}
	for i, s := range ix.sents {
		d := ix.docs[s.doc]
		doc := sentenceDoc{
			Terms: strings.Join(termsOf(s.tokens()), " "),
			Doc:   d.ID,
			Para:  s.para + 1,
			Sent:  s.sent + 1,
			Kind:  string(s.kind),
			Lang:  s.lang,
			Text:  s.text,

			Folder: folders[s.doc],
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
		if err := ctx.Err(); err != nil {
			return err
		}
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

// openBleve opens a finished bleve index read-only and verifies it.
// Damaged segment files can make bleve panic rather than fail; that is
// reported as an error like any other damage.
func (ix *Index) openBleve(path string) (b bleve.Index, err error) {
	defer func() {
		if r := recover(); r != nil {
			closeQuietly(b)
			b, err = nil, fmt.Errorf("read bleve index: panic: %v", r)
		}
	}()
	b, err = bleve.OpenUsing(path, map[string]any{
		"read_only":    true,
		"bolt_timeout": openTimeout,
	})
	if err != nil {
		return nil, fmt.Errorf("open bleve index: %w", err)
	}
	if err := ix.verify(b); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// verify checks an opened index against the corpus: cheap checks that
// catch a truncated or mixed-up index, not a proof.
func (ix *Index) verify(b bleve.Index) error {
	n, err := b.DocCount()
	if err != nil {
		return fmt.Errorf("count documents: %w", err)
	}
	if n != uint64(len(ix.sents)) {
		return fmt.Errorf("holds %d sentences, want %d", n, len(ix.sents))
	}
	for _, i := range []int{0, len(ix.sents) - 1} {
		if i < 0 {
			continue
		}
		doc, err := b.Document(strconv.Itoa(i))
		if err != nil {
			return fmt.Errorf("read sentence %d: %w", i, err)
		}
		if doc == nil {
			return fmt.Errorf("sentence %d is missing", i)
		}
		var text string
		doc.VisitFields(func(f index.Field) {
			if f.Name() == fieldText {
				text = string(f.Value())
			}
		})
		if text != ix.sents[i].text {
			return fmt.Errorf("sentence %d reads %.40q, want %.40q", i, text, ix.sents[i].text)
		}
	}
	return nil
}

// hit is a candidate sentence bleve proposed: its position in Index.sents
// and bleve's score.
type hit struct {
	id    int
	score float64
}

// Which of a question word's alternatives the candidate query holds: its
// strongest, at most queryAltsPerWord of them and none weaker than
// queryAltShare of the strongest. A question word's weaker alternatives
// (a third translation, a broad sense such as "negara" for "landing", a
// synonym) are common words whose postings cost bleve most of its time
// and rarely bring a sentence the strong ones miss; ranking still credits
// every alternative in the candidates it gets. On every dev set and FacQA
// train the answers are the same (one facqa-en question in 311 leaves the
// top three); on facqa-en the query has 11.3 terms where it had 15.0 and
// bleve reads a quarter fewer postings.
const (
	queryAltsPerWord = 3
	queryAltShare    = 0.6
)

// A term more than queryCommonShare of the sentences hold stays out of the
// candidate query of a corpus of queryCommonMin or more, unless the
// query would be left empty: bleve reads every sentence that holds a
// query term, and such a term costs the most and, with the lowest idf,
// moves candidates least (ranking still credits it). On FacQA dev it
// reads a fifth fewer postings (facqa-en 5%, XQuAD none), with the same
// top-1 on every dev set and FacQA train (facqa-en recall@3 −1 of 311); at
// 0.05 XQuAD lost one question. Small corpora are cheap to search in full.
const (
	queryCommonShare = 0.1
	queryCommonMin   = 1000
)

// queryTerms returns the candidate query's terms: candidateTerms without
// the corpus's common terms.
func (ix *Index) queryTerms(q *parsedQuestion) []alt {
	terms := candidateTerms(q)
	if len(ix.sents) < queryCommonMin {
		return terms
	}
	limit := int(queryCommonShare * float64(len(ix.sents)))
	rare := make([]alt, 0, len(terms))
	for _, t := range terms {
		if ix.vocab[t.term] <= limit {
			rare = append(rare, t)
		}
	}
	if len(rare) == 0 {
		return terms
	}
	return rare
}

// candidateTerms returns the terms of the candidate query, each once with
// the largest boost a question word gives it (its weight times the word's
// idf), in the order of the question's words.
func candidateTerms(q *parsedQuestion) []alt {
	var out []alt
	for _, c := range q.concepts {
		var strongest [queryAltsPerWord]alt
		n := 0
		for _, a := range c.alts {
			// Insert a among the strongest so far, earlier first on ties.
			at := n
			for at > 0 && a.weight > strongest[at-1].weight {
				at--
			}
			if at == queryAltsPerWord {
				continue
			}
			n = min(n+1, queryAltsPerWord)
			copy(strongest[at+1:n], strongest[at:n-1])
			strongest[at] = a
		}
	terms:
		for _, a := range strongest[:n] {
			if a.weight < queryAltShare*strongest[0].weight {
				break
			}
			b := a.weight * c.idf
			for i := range out {
				if out[i].term == a.term {
					out[i].weight = max(out[i].weight, b)
					continue terms
				}
			}
			out = append(out, alt{term: a.term, weight: b})
		}
	}
	return out
}

// candidateQuery is the query candidates asks bleve: one term query per
// question term (queryTerms), boosted, in a disjunction, limited to f's
// documents by an unscored filter when f is not nil; nil when the question
// has no term.
func (ix *Index) candidateQuery(q *parsedQuestion, f *docFilter) query.Query {
	var qs []query.Query
	for _, t := range ix.queryTerms(q) {
		tq := bleve.NewTermQuery(t.term)
		tq.SetField(fieldTerms)
		tq.SetBoost(t.weight)
		qs = append(qs, tq)
	}
	if len(qs) == 0 {
		return nil
	}
	var match query.Query = bleve.NewDisjunctionQuery(qs...)
	if f != nil {
		match = f.restrict(match)
	}
	return match
}

// candidates returns the sentences that best match the question's weighted
// terms (queryTerms) by bleve's TF-IDF, at most maxCandidates, best first,
// earlier sentences first on ties. A non-nil f keeps only its documents'
// sentences, inside the search, so that a scope's best sentences are never
// crowded out by others (see scope.go).
//
// They are scored from the index's postings in memory (postings.go): the
// same sentences with the same scores as bleve's searcher on the same
// query (TestMemoryCandidatesMatchBleve, and every eval set answers alike),
// at half of kutip's CPU a question on FacQA asked in English, because a
// question term costs an array slice there instead of a dictionary look-up
// and an iterator per segment. bleve's searcher runs the query only for a
// corpus too large for the postings (postingsMaxSentences).
func (ix *Index) candidates(ctx context.Context, q *parsedQuestion, f *docFilter) ([]hit, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if ix.postings.start != nil {
		return ix.memoryCandidates(q, f), nil
	}
	if ix.broken.get() != nil {
		// Damaged files and nothing in memory to score from: no
		// candidates until Live has rebuilt the index.
		return nil, nil
	}
	match := ix.candidateQuery(q, f)
	if match == nil {
		return nil, nil
	}
	// bleve sorts by score alone (a tie-break on _id would load the
	// external ID of every matching sentence), and which of several equal
	// scores at the cut it returns varies from run to run with its
	// segments. So it is asked for tieMargin more, and the cut made here,
	// earlier sentences first on ties as memoryCandidates does: the same
	// question gets the same candidates every time.
	k := min(maxCandidates+tieMargin, len(ix.sents))
	hits, err := ix.searchBleve(ctx, match, k)
	if err != nil {
		if ctx.Err() == nil {
			// Not a cancellation: the index files are damaged.
			ix.broken.mark(err)
			return nil, nil
		}
		return nil, fmt.Errorf("search: %w", err)
	}
	for i := range hits {
		hits[i].score = steadyScore(hits[i].score)
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	return hits[:min(len(hits), maxCandidates)], nil
}

// steadyScore rounds a bleve score to float32 precision. Two sentences
// that score the same can get scores a bit or two apart in one build of
// the in-memory index and equal in another, which flipped their order
// from run to run; rounded, they tie, and ties go to the earlier
// sentence, at the cut and in ranking alike.
func steadyScore(s float64) float64 { return float64(float32(s)) }

// searchBleve returns the k sentences that score best on match, as
// bleve's SearchInContext with a request of size k returns them: the same
// searcher and scores, the best k by score, earlier in the index first on
// ties. It runs the searcher itself and keeps the best k in a small sorted
// array, and leaves out what a request adds that candidates does not read:
// a collector with a new pool of matches every search (its largest
// allocation), loading each hit's stored fields (none are asked for), cost
// accounting and the context values that carry it. On the casual set that
// was a fifth of kutip's CPU a question. A panic, which damaged segment
// data can cause, is returned as an error.
func (ix *Index) searchBleve(ctx context.Context, match query.Query, k int) (hits []hit, err error) {
	defer func() {
		if r := recover(); r != nil {
			hits, err = nil, fmt.Errorf("bleve panicked: %v", r)
		}
	}()
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("open index reader: %w", err)
	}
	defer r.Close()
	s, err := match.Searcher(ctx, r, ix.bleve.Mapping(), search.SearcherOptions{})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	sc := searchScratchPool.Get().(*searchScratch)
	defer searchScratchPool.Put(sc)
	sc.reset()
	sctx := &search.SearchContext{DocumentMatchPool: sc.matches, IndexReader: r}
	for n := 0; ; n++ {
		if n%checkDoneEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		dm, err := s.Next(sctx)
		if err != nil {
			return nil, err
		}
		if dm == nil {
			break
		}
		sc.offer(dm.Score, dm.IndexInternalID, k)
		sc.matches.Put(dm)
	}
	hits = make([]hit, 0, len(sc.top))
	for _, t := range sc.top {
		id, err := r.ExternalID(sc.ids[t.from:t.to])
		if err != nil {
			return nil, err
		}
		n, err := strconv.Atoi(id)
		if err != nil || n < 0 || n >= len(ix.sents) {
			continue
		}
		hits = append(hits, hit{id: n, score: t.score})
	}
	return hits, nil
}

// checkDoneEvery is how many matches searchBleve reads between checks of
// its context, as bleve's collector does.
const checkDoneEvery = 1024

// searchScratch is one search's working memory, pooled: bleve's pool of
// matches, which the searcher takes its matches from and searchBleve
// returns them to, and the best matches so far.
type searchScratch struct {
	matches *search.DocumentMatchPool
	top     []topMatch // best first; on equal scores, the earlier match first
	ids     []byte     // the internal IDs of top's matches
}

// topMatch is one of the best matches so far: its score and its internal
// ID, searchScratch.ids[from:to].
type topMatch struct {
	score    float64
	from, to int
}

var searchScratchPool = sync.Pool{New: func() any {
	return &searchScratch{matches: search.NewDocumentMatchPool(32, 0)}
}}

func (sc *searchScratch) reset() {
	sc.top, sc.ids = sc.top[:0], sc.ids[:0]
}

// offer keeps a match among the best k: it enters only with a higher score
// than the k-th, after every match of the same score (which came earlier).
func (sc *searchScratch) offer(score float64, id []byte, k int) {
	n := len(sc.top)
	if n == k && !(score > sc.top[n-1].score) {
		return
	}
	at := n
	for at > 0 && score > sc.top[at-1].score {
		at--
	}
	from := len(sc.ids)
	sc.ids = append(sc.ids, id...)
	if n < k {
		sc.top = append(sc.top, topMatch{})
	}
	copy(sc.top[at+1:], sc.top[at:])
	sc.top[at] = topMatch{score: score, from: from, to: len(sc.ids)}
}
