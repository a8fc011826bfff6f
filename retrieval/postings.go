package retrieval

import "math"

// A question's candidates (bleve.go) are scored without bleve's searcher,
// from an inverted index over the sentence table's term IDs, with bleve's
// TF-IDF formula: the same sentences with the same scores (rounded to
// float32 as bleve's are; among equal scores, earlier sentences first),
// for a fraction of the cost. bleve's searcher pays, for each question
// term and segment, a dictionary look-up and an iterator, and for each
// matching sentence a heap step and a pooled match; here a term is an
// array slice and a matching sentence two array writes. The postings take
// 4 bytes per distinct term of a sentence and 4 for its norm, about 60
// bytes a sentence (docs/scale.md), built with the sentence table.

// postings is the inverted index: for each term ID, the sentences that
// hold it, in corpus order, each with how often it holds it.
type postings struct {
	start []uint32 // term ID → offset in entries; one more than there are terms
	// entries are sentence<<postingTFBits | tf, tf capped at
	// postingTFMax (a sentence holding a term that often is recounted).
	entries []uint32
	// norms are the sentences' length norms, as bleve stores them: 1/√n
	// in single precision for a sentence of n terms.
	norms []float32
}

const (
	postingTFBits = 4
	postingTFMax  = 1<<postingTFBits - 1
	// postingsMaxSentences is the most sentences a posting entry can
	// name; a larger corpus gets no postings and no candidates from
	// memory.
	postingsMaxSentences = 1 << (32 - postingTFBits)
)

// buildPostings makes the inverted index of the sentences' terms (their
// tokens' forms must have their term IDs), for a vocabulary of nterms term IDs.
func buildPostings(sents []sentence, nterms int) postings {
	p := postings{start: make([]uint32, nterms+1), norms: make([]float32, len(sents))}
	for i := range sents {
		p.norms[i] = float32(1 / math.Sqrt(float64(sents[i].contentTermCount())))
	}
	// last[id] is 1 + the last sentence counted for term id.
	last := make([]uint32, nterms)
	for i := range sents {
		for t := range sents[i].contentTerms() {
			if last[t.id] != uint32(i)+1 {
				last[t.id] = uint32(i) + 1
				p.start[t.id+1]++
			}
		}
	}
	for id := range nterms {
		p.start[id+1] += p.start[id]
	}
	p.entries = make([]uint32, p.start[nterms])
	next := make([]uint32, nterms) // written entries per term
	clear(last)
	for i := range sents {
		for t := range sents[i].contentTerms() {
			at := p.start[t.id] + next[t.id]
			if last[t.id] != uint32(i)+1 {
				last[t.id] = uint32(i) + 1
				p.entries[at] = uint32(i)<<postingTFBits | 1
				next[t.id]++
				continue
			}
			if e := &p.entries[at-1]; *e&postingTFMax < postingTFMax {
				*e++
			}
		}
	}
	return p
}

// of returns the posting entries of term id.
func (p *postings) of(id int32) []uint32 { return p.entries[p.start[id]:p.start[id+1]] }

// termFreq is how often sentence s holds term id, from its posting entry e.
func termFreq(s *sentence, id int32, e uint32) int {
	if tf := int(e & postingTFMax); tf < postingTFMax {
		return tf
	}
	n := 0
	for t := range s.contentTerms() {
		if t.id == id {
			n++
		}
	}
	return n
}

// scoreScratch is one question's working memory for memoryCandidates,
// pooled per index: accumulators over the sentence table, cleared where
// used.
type scoreScratch struct {
	sum     []float64
	matched []uint16
	touched []int32
	terms   []queryTerm
}

// queryTerm is one term of the question's query: its ID, its idf and its
// boost.
type queryTerm struct {
	id         int32
	idf, boost float64
}

// memoryCandidates scores the sentences that hold any of the question's
// query terms (queryTerms) as bleve's TF-IDF scores a disjunction of
// one term query per term, boosted by b, on the terms field:
//
//	idf(t)   = 1 + ln(sentences / (sentences holding t + 1))
//	norm     = 1 / √(Σ (b·idf)²) over the question's terms
//	score(s) = matched/terms · Σ √tf(t,s) · lengthNorm(s) · idf(t) · b·idf(t)·norm
//
// and returns the best maxCandidates, best first, earlier first on ties.
// A non-nil f keeps only its documents' sentences; like bleve's unscored
// filter, it changes no score.
func (ix *Index) memoryCandidates(q *parsedQuestion, f *docFilter) []hit {
	if ix.postings.start == nil {
		return nil
	}
	sc, _ := ix.scores.Get().(*scoreScratch)
	if sc == nil {
		sc = &scoreScratch{sum: make([]float64, len(ix.sents)), matched: make([]uint16, len(ix.sents))}
	}
	defer ix.scores.Put(sc)
	// The query's terms in the order the question's words name them, so
	// that scores add up in the same order every time.
	terms := sc.terms[:0]
	for _, a := range ix.queryTerms(q) {
		if id, ok := ix.termIDs[a.term]; ok {
			terms = append(terms, queryTerm{id: id, boost: a.weight})
		}
	}
	sc.terms = terms
	if len(terms) == 0 {
		return nil
	}
	total := float64(len(ix.sents))
	var sumSquares float64
	for k := range terms {
		t := &terms[k]
		t.idf = 1 + math.Log(total/float64(len(ix.postings.of(t.id))+1))
		sumSquares += (t.boost * t.idf) * (t.boost * t.idf)
	}
	queryNorm := 1 / math.Sqrt(sumSquares)
	norms := ix.postings.norms
	touched := sc.touched[:0]
	for _, t := range terms {
		qw := t.boost * t.idf * queryNorm
		for _, e := range ix.postings.of(t.id) {
			n := e >> postingTFBits
			tf := sqrtTF[e&postingTFMax]
			if e&postingTFMax == postingTFMax {
				tf = math.Sqrt(float64(termFreq(&ix.sents[n], t.id, e)))
			}
			score := tf * float64(norms[n]) * t.idf
			if qw != 1 {
				score *= qw
			}
			if sc.matched[n] == 0 {
				touched = append(touched, int32(n))
			}
			sc.sum[n] += score
			sc.matched[n]++
		}
	}
	hits := make([]hit, 0, maxCandidates)
	nq := float64(len(terms))
	for _, n := range touched {
		score := steadyScore(sc.sum[n] * (float64(sc.matched[n]) / nq))
		sc.sum[n], sc.matched[n] = 0, 0
		if f != nil && !f.docs[ix.sents[n].doc] {
			continue
		}
		if len(hits) == maxCandidates && score < hits[maxCandidates-1].score {
			continue
		}
		hits = keepBest(hits, hit{id: int(n), score: score}, maxCandidates)
	}
	sc.touched = touched
	return hits
}

// sqrtTF is √tf for the counts a posting entry holds.
var sqrtTF = func() (t [postingTFMax + 1]float64) {
	for n := range t {
		t[n] = math.Sqrt(float64(n))
	}
	return t
}()

// keepBest adds h to hits, the best k so far, best first and earlier
// first on ties, when it belongs there.
func keepBest(hits []hit, h hit, k int) []hit {
	better := func(a, b hit) bool { return a.score > b.score || a.score == b.score && a.id < b.id }
	if len(hits) == k && !better(h, hits[k-1]) {
		return hits
	}
	at := len(hits)
	for at > 0 && better(h, hits[at-1]) {
		at--
	}
	if len(hits) < k {
		hits = append(hits, hit{})
	}
	copy(hits[at+1:], hits[at:])
	hits[at] = h
	return hits
}
