package retrieval

import "math"

// Ranking. bleve proposes candidates by tf-idf over the question's weighted
// terms; each candidate is then scored by:
//   - coverage: the idf-weighted share of the question's concepts the
//     sentence expresses, each at its best alternative's weight (a word as
//     asked counts fully, a translation or synonym less); a concept found
//     only in a neighbouring sentence of the same paragraph counts at
//     neighbourWeight, so a question whose terms are split over two sentences
//     still finds them;
//   - answer type: whether the sentence holds a span of the type the
//     question word asks for (a date for "when"), outside the question's own
//     words;
//   - proximity: how close together the matched words stand;
//   - bleve's own score, normalised, as a tie-breaker;
//   - a penalty for captions and headings.
// Coverage alone decides whether the corpus answers at all (see
// answerThreshold).

const (
	neighbourWeight = 0.4
	typeBonus       = 0.12
	proximityBonus  = 0.06
	bleveBonus      = 0.06
	captionPenalty  = 0.1
)

// Abstention thresholds on coverage, calibrated on the dev sets (see
// README): below answerThreshold the corpus is taken not to answer; at or
// above relatedThreshold the best sentence is still offered as maybe
// related.
const (
	answerThreshold  = 0.5
	relatedThreshold = 0.3
)

// scored is a candidate sentence with its score.
type scored struct {
	id         int
	score      float64
	confidence float64 // coverage, the basis of abstention
	span       string
}

type hit struct {
	id    int
	score float64
}

func (ix *Index) rank(q *parsedQuestion, hits []hit) []scored {
	if len(hits) == 0 {
		return nil
	}
	maxBleve := hits[0].score
	var total float64
	for _, c := range q.concepts {
		total += c.idf
	}
	m := newMatcher(q)
	out := make([]scored, 0, len(hits))
	for _, h := range hits {
		s := ix.sents[h.id]
		weights, positions := m.match(s.tokens)
		var before, after []float64
		var covered float64
		var matched []int
		for ci, c := range q.concepts {
			w := weights[ci]
			if w > 0 {
				matched = append(matched, positions[ci])
			} else {
				if before == nil {
					before, after = m.neighbours(ix, h.id)
				}
				w = neighbourWeight * max(before[ci], after[ci])
			}
			covered += c.idf * w
		}
		coverage := covered / total
		r := scored{id: h.id, confidence: coverage}
		r.score = coverage
		if q.qtype != typeNone {
			if sp, ok := bestSpan(q, s, matched); ok {
				r.span = sp
				r.score += typeBonus
			}
		}
		r.score += proximityBonus * proximity(matched)
		if maxBleve > 0 {
			r.score += bleveBonus * h.score / maxBleve
		}
		if s.kind != "body" {
			r.score -= captionPenalty
		}
		out = append(out, r)
	}
	sortScored(out)
	return out
}

// matcher finds a question's concepts in sentences: for each index term,
// which concepts it expresses and at what weight.
type matcher struct {
	n     int
	terms map[string][]conceptWeight
}

type conceptWeight struct {
	concept int
	weight  float64
}

func newMatcher(q *parsedQuestion) *matcher {
	m := &matcher{n: len(q.concepts), terms: map[string][]conceptWeight{}}
	for ci, c := range q.concepts {
		for _, a := range c.alts {
			m.terms[a.term] = append(m.terms[a.term], conceptWeight{ci, a.weight})
		}
	}
	return m
}

// match returns, for each concept, the weight of its best alternative in
// toks (0 when absent) and the position where it stands.
func (m *matcher) match(toks []token) ([]float64, []int) {
	weights := make([]float64, m.n)
	positions := make([]int, m.n)
	for _, t := range toks {
		if t.Term == "" {
			continue
		}
		for _, cw := range m.terms[t.Term] {
			if cw.weight > weights[cw.concept] {
				weights[cw.concept] = cw.weight
				positions[cw.concept] = t.Pos
			}
		}
	}
	return weights, positions
}

// neighbours returns the concept weights of the sentences just before and
// after sentence id in the same paragraph (zeros where there is none).
func (m *matcher) neighbours(ix *Index, id int) (before, after []float64) {
	s := ix.sents[id]
	side := func(n int) []float64 {
		if n < 0 || n >= len(ix.sents) || ix.sents[n].doc != s.doc || ix.sents[n].para != s.para {
			return make([]float64, m.n)
		}
		w, _ := m.match(ix.sents[n].tokens)
		return w
	}
	return side(id - 1), side(id + 1)
}

// proximity is 1 when the matched words stand next to each other and falls
// as they spread out.
func proximity(positions []int) float64 {
	if len(positions) < 2 {
		return 0
	}
	lo, hi := positions[0], positions[0]
	for _, p := range positions {
		lo, hi = min(lo, p), max(hi, p)
	}
	return float64(len(positions)) / float64(hi-lo+1)
}

// bestSpan picks the typed span of s nearest the matched question words,
// leaving out spans made only of the question's own words.
func bestSpan(q *parsedQuestion, s sentence, positions []int) (string, bool) {
	spans := typedSpans(q.qtype, s.text, s.tokens)
	best, bestDist := "", math.MaxInt
	for _, sp := range spans {
		if onlyQuestionWords(q, s.tokens, sp) {
			continue
		}
		pos := s.tokens[sp.from].Pos
		d := 0
		for _, p := range positions {
			d += abs(p - pos)
		}
		if d < bestDist {
			best, bestDist = sp.text, d
		}
	}
	return best, best != ""
}

func onlyQuestionWords(q *parsedQuestion, toks []token, sp span) bool {
	for _, t := range toks[sp.from : sp.to+1] {
		if t.Term != "" && !q.words[t.Word] && !dateLeads[t.Word] && !numberLeads[t.Word] {
			return false
		}
	}
	return true
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
