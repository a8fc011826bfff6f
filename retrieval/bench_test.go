package retrieval

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"kutip/corpus"
)

// BenchmarkAsk times the full pipeline (question parsing and expansion,
// bleve candidates, reranking, answer spans) against one plain bleve
// MatchQuery of the question's analysed terms on the same index, in the
// same loop, and reports the ratio as x-plain. The bar is x-plain ≤ 2.
// x-plain-cpu is the same ratio in the thread's CPU time, which waiting for
// a core on a loaded machine does not inflate (Linux; elsewhere it is
// wall-clock time too); ask-cpu-ns/q and plain-cpu-ns/q are those CPU
// times per question, which show a change that makes both cheaper.
func BenchmarkAsk(b *testing.B) { benchAskAgainstPlain(b, false) }

// BenchmarkAskCold is BenchmarkAsk as a freshly started kutip meets a
// stream of new questions: each pass over a set starts with empty
// question-word caches (expansions, English stems, translations,
// synonyms), so the first sight of a word pays for its translation,
// spelling and typo look-ups, which BenchmarkAsk's repeated passes hide. x-plain is against the same plain
// bleve query.
func BenchmarkAskCold(b *testing.B) { benchAskAgainstPlain(b, true) }

// benchAskAgainstPlain runs every bench set, timing Ask and the plain query
// of each question in turn; cold empties the question-word caches before
// each pass.
func benchAskAgainstPlain(b *testing.B, cold bool) {
	for _, set := range benchSets {
		b.Run(set.name, func(b *testing.B) {
			ix, qs := loadEval(b, evalTestdata, set.corpus, set.questions)
			ctx := context.Background()
			plain := plainQueries(ix, qs)
			var askTime, plainTime, askCPU, plainCPU time.Duration
			n := 0
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			if !cold {
				b.ReportAllocs()
			}
			for b.Loop() {
				if cold {
					ix.expansions = expansionCache{}
					englishStems = boundedCache[string, string]{}
					translations = boundedCache[string, []string]{}
					synonymsOf = boundedCache[string, []string]{}
				}
				for i, q := range qs {
					start, startCPU := time.Now(), threadCPU()
					if _, err := ix.bleve.SearchInContext(ctx, plain[i]); err != nil {
						b.Fatal(err)
					}
					mid, midCPU := time.Now(), threadCPU()
					if _, err := ix.Ask(ctx, q.Question); err != nil {
						b.Fatal(err)
					}
					askTime += time.Since(mid)
					askCPU += threadCPU() - midCPU
					plainTime += mid.Sub(start)
					plainCPU += midCPU - startCPU
					n++
				}
			}
			b.ReportMetric(float64(askTime.Nanoseconds())/float64(n), "ask-ns/q")
			b.ReportMetric(float64(plainTime.Nanoseconds())/float64(n), "plain-ns/q")
			b.ReportMetric(float64(askCPU.Nanoseconds())/float64(n), "ask-cpu-ns/q")
			b.ReportMetric(float64(plainCPU.Nanoseconds())/float64(n), "plain-cpu-ns/q")
			b.ReportMetric(float64(askTime)/float64(plainTime), "x-plain")
			b.ReportMetric(float64(askCPU)/float64(plainCPU), "x-plain-cpu")
		})
	}
}

// benchSets are the question sets the Ask benchmarks run, from eval/testdata:
// the embedded article's dev questions and casual ones (chat spellings,
// typos; issue 14's cost per question), FacQA's in Indonesian and English,
// XQuAD's.
var benchSets = []struct{ name, corpus, questions string }{
	{"article", "", "article/questions.jsonl"},
	{"casual", "", "casual/questions.jsonl"},
	{"facqa", "facqa/corpus.jsonl", "facqa/dev.jsonl"},
	{"facqa-en", "facqa/corpus.jsonl", "facqa-en/dev.jsonl"},
	{"xquad-en", "xquad-en/corpus.jsonl", "xquad-en/dev.jsonl"},
}

// plainQueries are the plain bleve baseline of each question: one
// MatchQuery of its analysed terms.
func plainQueries(ix *Index, qs []evalQuestion) []*bleve.SearchRequest {
	plain := make([]*bleve.SearchRequest, len(qs))
	for i, q := range qs {
		a := ix.analyzer(corpus.DetectLang(q.Question))
		mq := bleve.NewMatchQuery(strings.Join(a.terms(q.Question), " "))
		mq.SetField(fieldTerms)
		plain[i] = bleve.NewSearchRequestOptions(mq, 10, 0, false)
	}
	return plain
}

// BenchmarkStartup is what kutip does before it can answer with no files:
// parse the embedded article and index it in memory. The bar is 200 ms.
func BenchmarkStartup(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		ix, err := Build(ctx, corpus.Default(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ix.Ask(ctx, "when did Russia ratify?"); err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}
