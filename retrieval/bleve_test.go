package retrieval

import (
	"context"
	"strconv"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// TestSearchBleveAsRequest checks that searchBleve, which runs bleve's
// searcher itself, returns what a bleve SearchRequest of the same query
// and size returns: the same sentences, in the same order, with the same
// scores, for every question of the article's, the casual and the FacQA
// (Indonesian and English) sets, with and without a scope's filter.
func TestSearchBleveAsRequest(t *testing.T) {
	ctx := context.Background()
	sets := []struct{ corpus, questions string }{
		{"", "article/questions.jsonl"},
		{"", "casual/questions.jsonl"},
		{"facqa/corpus.jsonl", "facqa/dev.jsonl"},
		{"facqa/corpus.jsonl", "facqa-en/dev.jsonl"},
	}
	if testing.Short() {
		sets = sets[:2]
	}
	for _, set := range sets {
		ix, qs := loadEval(t, evalTestdata, set.corpus, set.questions)
		// The whole corpus, and a filter to the first document.
		tq := bleve.NewTermQuery(ix.docs[0].ID)
		tq.SetField(fieldDoc)
		filters := []*docFilter{nil, {query: tq}}
		checked := 0
		for _, q := range qs {
			pq := ix.parseQuestion(q.Question)
			for _, f := range filters {
				match := ix.candidateQuery(pq, f)
				if match == nil {
					continue
				}
				k := min(maxCandidates+tieMargin, len(ix.sents))
				got, err := ix.searchBleve(ctx, match, k)
				if err != nil {
					t.Fatal(err)
				}
				res, err := ix.bleve.SearchInContext(ctx, bleve.NewSearchRequestOptions(match, k, 0, false))
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(res.Hits) {
					t.Errorf("%s %q: searchBleve returns %d sentences, the request %d", set.questions, q.Question, len(got), len(res.Hits))
					continue
				}
				for i, h := range res.Hits {
					if id := strconv.Itoa(got[i].id); id != h.ID || got[i].score != h.Score {
						t.Errorf("%s %q: hit %d is %s at %v, the request's %s at %v", set.questions, q.Question, i, id, got[i].score, h.ID, h.Score)
						break
					}
				}
				checked++
			}
		}
		if checked < len(qs)/2 {
			t.Errorf("%s: only %d of %d questions had a query", set.questions, checked, len(qs))
		}
	}
}
