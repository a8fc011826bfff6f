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
	out := make([]scored, 0, len(hits))
	for _, h := range hits {
		s := ix.sents[h.id]
		var covered float64
		var positions []int
		for _, c := range q.concepts {
			w, pos := matchConcept(c, s.tokens)
			if w > 0 {
				positions = append(positions, pos)
			} else {
				w = neighbourWeight * ix.neighbourMatch(h.id, c)
			}
			covered += c.idf * w
		}
		coverage := covered / total
		r := scored{id: h.id, confidence: coverage}
		r.score = coverage
		if q.qtype != typeNone {
			if sp, ok := bestSpan(q, s, positions); ok {
				r.span = sp
				r.score += typeBonus
			}
		}
		r.score += proximityBonus * proximity(positions)
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

// matchConcept returns the weight of the best alternative of c among toks
// and the position where it stands.
func matchConcept(c concept, toks []token) (float64, int) {
	best, pos := 0.0, -1
	for _, t := range toks {
		if t.Term == "" {
			continue
		}
		for _, a := range c.alts {
			if a.term == t.Term && a.weight > best {
				best, pos = a.weight, t.Pos
			}
		}
	}
	return best, pos
}

// neighbourMatch is the best weight of c in the sentences just before and
// after sentence id in the same paragraph.
func (ix *Index) neighbourMatch(id int, c concept) float64 {
	s := ix.sents[id]
	best := 0.0
	for _, n := range []int{id - 1, id + 1} {
		if n < 0 || n >= len(ix.sents) {
			continue
		}
		o := ix.sents[n]
		if o.doc != s.doc || o.para != s.para {
			continue
		}
		w, _ := matchConcept(c, o.tokens)
		best = math.Max(best, w)
	}
	return best
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
	spans := typedSpans(q.qtype, s.text)
	best, bestDist := "", math.MaxInt
	for _, sp := range spans {
		if onlyQuestionWords(q, s.tokens, sp) {
			continue
		}
		pos := tokenAt(s.tokens, sp.start)
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
	for _, t := range toks {
		if t.Start >= sp.start && t.End <= sp.end && !q.words[t.Word] {
			return false
		}
	}
	return true
}

// tokenAt returns the position of the token at or after byte offset off.
func tokenAt(toks []token, off int) int {
	for _, t := range toks {
		if t.End > off {
			return t.Pos
		}
	}
	if len(toks) == 0 {
		return 0
	}
	return toks[len(toks)-1].Pos
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
