package retrieval

import (
	"fmt"
	"os"
	"testing"

	"kutip/corpus"
	"kutip/retrieval/lexicon"
)

func restem(ix *Index) {
	a := ix.analyzer("id")
	a.stem = lexicon.Stem
	clear(ix.vocab)
	for i, s := range ix.sents {
		toks := a.analyze(s.text)
		ix.sents[i].tokens = toks
		seen := map[string]bool{}
		for _, t := range toks {
			if t.Term != "" && !seen[t.Term] {
				seen[t.Term] = true
				ix.vocab[t.Term]++
			}
		}
	}
}

func TestZZSummaryDebug(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	if os.Getenv("STEM") != "" {
		restem(ix)
	}
	ids := ix.summaryCandidates(0)
	vecs := ix.summaryVectors(ids)
	g, _ := summaryGraphOf(t.Context(), vecs)
	prior := summaryPrior(len(ids))
	c, _ := g.pageRank(t.Context(), prior)
	u := make([]float64, len(ids))
	for i := range u { u[i] = 1 }
	cu, _ := g.pageRank(t.Context(), u)
	sc := summaryScores(c, prior, nil)
	for k, id := range ids {
		s := ix.sents[id]
		fmt.Printf("%2d ¶%d.%d terms=%2d deg=%.2f n=%d cent=%.2f uni=%.2f prior=%.2f score=%.2f %.60s\n", k, s.para+1, s.sent+1, len(vecs[k].terms), g.degree[k], len(g.adj[k]), c[k], cu[k], prior[k], sc[k], s.text)
	}
	for i := range vecs {
		for j := range vecs {
			fmt.Printf("%4.2f ", vecs[i].dot(vecs[j]))
		}
		fmt.Println()
	}
}
