package retrieval

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// TestBuildPostings checks the inverted index on a hand-made table: each
// term lists its sentences once, in order, with how often each holds it,
// also past the entry's own count.
func TestBuildPostings(t *testing.T) {
	// Form i has term ID i, and form 5 is a stop word's (no term ID),
	// which the postings skip.
	strs := &tokenStrings{forms: make([]wordForm, 6), termIDs: []int32{0, 1, 2, 3, 4, -1}}
	const stop = 5
	terms := func(forms ...int32) sentence {
		toks := make([]packedToken, len(forms))
		for i, f := range forms {
			toks[i] = packedToken{form: uint32(f)}
		}
		return sentence{toks: toks, strs: strs}
	}
	many := make([]int32, 20) // term 3, twenty times
	for i := range many {
		many[i] = 3
	}
	sents := []sentence{
		terms(0, stop, 1, 0),
		terms(),
		terms(stop, 1, 2, stop),
		terms(append(many, 0)...),
	}
	p := buildPostings(sents, 5)
	type entry struct{ sent, tf int }
	for _, tc := range []struct {
		term int32
		want []entry
	}{
		{0, []entry{{0, 2}, {3, 1}}},
		{1, []entry{{0, 1}, {2, 1}}},
		{2, []entry{{2, 1}}},
		{3, []entry{{3, 20}}},
		{4, nil},
	} {
		var got []entry
		for _, e := range p.of(tc.term) {
			n := int(e >> postingTFBits)
			got = append(got, entry{n, termFreq(&sents[n], tc.term, e)})
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("postings of term %d = %v, want %v", tc.term, got, tc.want)
		}
	}
}

// TestMemoryCandidatesMatchBleve checks the candidates scored from the
// postings against those bleve's searcher returns for the same question
// (the path of a corpus too large for postings), on every dev set, over
// the whole corpus and within a scope of every other document: the same
// sentences in the same order with the same scores.
func TestMemoryCandidatesMatchBleve(t *testing.T) {
	for _, set := range benchSets {
		t.Run(set.name, func(t *testing.T) {
			ix, qs := loadEval(t, evalTestdata, set.corpus, set.questions)
			half := &docFilter{docs: make([]bool, len(ix.docs))}
			var docQueries []query.Query
			for i, d := range ix.docs {
				if i%2 == 0 {
					half.docs[i] = true
					tq := bleve.NewTermQuery(d.ID)
					tq.SetField(fieldDoc)
					docQueries = append(docQueries, tq)
				}
			}
			half.query = bleve.NewDisjunctionQuery(docQueries...)
			for _, f := range []*docFilter{nil, half} {
				for _, q := range qs {
					pq := ix.parseQuestion(q.Question)
					want := bleveCandidates(t, ix, pq, f)
					got := ix.memoryCandidates(pq, f)
					if !slices.Equal(got, want) {
						t.Errorf("%q (scoped %v):\n got %v\nwant %v", q.Question, f != nil, got, want)
					}
				}
			}
		})
	}
}

// bleveCandidates returns the candidates bleve's searcher finds for q:
// those of an index without postings.
func bleveCandidates(tb testing.TB, ix *Index, q *parsedQuestion, f *docFilter) []hit {
	tb.Helper()
	saved := ix.postings
	ix.postings = postings{}
	defer func() { ix.postings = saved }()
	hits, err := ix.candidates(context.Background(), q, f)
	if err != nil {
		tb.Fatal(err)
	}
	return hits
}

// TestCandidateTerms checks which alternatives of a question's words the
// candidate query holds: the three strongest of each word, none under
// queryAltShare of its strongest, each term once at its largest boost.
func TestCandidateTerms(t *testing.T) {
	q := &parsedQuestion{concepts: []concept{
		{word: "landing", idf: 2, alts: []alt{
			{"landing", 1}, {"darat", 0.7}, {"tanah", 0.63}, {"negara", 0.48}, {"landa", 0.75},
		}},
		{word: "airport", idf: 3, alts: []alt{{"bandara", 0.61}, {"udara", 0.49}, {"labuh", 0.48}, {"bandar", 0.49}}},
		{word: "land", idf: 1, alts: []alt{{"darat", 0.8}, {"tanah", 0.8}}},
		{word: "xyz", idf: 9},
	}}
	want := []alt{
		{"landing", 2}, {"landa", 1.5}, {"darat", 1.4},
		{"bandara", 1.83}, {"udara", 1.47}, {"bandar", 1.47},
		{"tanah", 0.8},
	}
	got := candidateTerms(q)
	same := len(got) == len(want)
	for i := 0; same && i < len(got); i++ {
		same = got[i].term == want[i].term && math.Abs(got[i].weight-want[i].weight) < 1e-9
	}
	if !same {
		t.Errorf("candidateTerms = %v, want %v", got, want)
	}
}

// TestQueryTerms checks that a large corpus's common terms stay out of the
// candidate query unless nothing else is left, and that a small corpus
// keeps them.
func TestQueryTerms(t *testing.T) {
	ix := &Index{sents: make([]sentence, 2000), vocab: map[string]int{"rare": 3, "edge": 200, "common": 201}}
	q := &parsedQuestion{concepts: []concept{
		{word: "rare", idf: 1, alts: []alt{{"rare", 1}}},
		{word: "edge", idf: 1, alts: []alt{{"edge", 1}}},
		{word: "common", idf: 1, alts: []alt{{"common", 1}}},
	}}
	only := &parsedQuestion{concepts: q.concepts[2:]}
	small := &Index{sents: make([]sentence, 999), vocab: ix.vocab}
	for _, tc := range []struct {
		name string
		ix   *Index
		q    *parsedQuestion
		want []string
	}{
		{"common term dropped", ix, q, []string{"rare", "edge"}},
		{"nothing else left", ix, only, []string{"common"}},
		{"small corpus", small, q, []string{"rare", "edge", "common"}},
	} {
		var got []string
		for _, a := range tc.ix.queryTerms(tc.q) {
			got = append(got, a.term)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: queryTerms = %v, want %v", tc.name, got, tc.want)
		}
	}
}
