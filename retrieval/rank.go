package retrieval

import (
	"cmp"
	"math"
	"slices"
	"sync"
)

// Ranking: the scores of candidate sentences (doc.go gives the overview).

// contextSentences is how far a sentence's neighbours reach.
const contextSentences = 2

var (
	neighbourWeight = 0.5
	typeBonus       = 0.2
	proximityBonus  = 0.06
	bleveBonus      = 0.06
	captionPenalty  = 0.1
	promoteMargin   = 0.2
	maxSpanStrength = 1.5 // the strongest span bonus bestSpan gives
)

// Abstention thresholds on coverage: below the answer threshold the corpus
// is taken not to answer; at or above relatedThreshold the best sentence is
// still offered as maybe related. The thresholds are calibrated on the dev
// sets' questions against realistic negatives, the same questions with
// their answer's document removed and questions about another corpus (see
// TestAbstentionCalibration in retrieval/eval, which prints the
// precision–coverage curve of each language pair).
//
// Within one language the curve would put the threshold near 0.55 if a
// wrong answer cost as much as an abstention (id→id: .712 of answers right
// at coverage .918; en→en .787 at .865), but top-1 counted on answered
// questions then falls below the bars of FacQA and XQuAD, so it stays at
// 0.45 (.668 at .972; .703 at .946). Across languages coverage comes
// through translations, weighted by how far the lexicon trusts them, and
// the balanced utility is flat from 0.50 to 0.55: at 0.51 an English
// question asked of Indonesian text is answered right .471 of the time at
// coverage .850 (0.45: .414 at .917; the flat-weighted translations
// before: .454 at .855). Above 0.5 also means a question half of whose
// words the corpus lacks is not answered. Coverage is not all the
// decision reads: abstain.go answers a long English question whose
// passage holds the asked type of answer down to crossTypedThreshold.
const (
	sameLangThreshold  = 0.45 // question and passage in one language
	crossLangThreshold = 0.51 // an English question, an Indonesian passage
	relatedThreshold   = 0.3
)

// answerThreshold is the least coverage at which a question in qLang is
// answered by a passage in textLang.
//
// Coverage is calibrated where kutip's lexicon stands behind it, Indonesian
// and English. In another language (German, French, …: see lang.go) it
// rests on Snowball stems alone, which miss compounds (Bau, Baukosten) and
// paraphrase, and there are no data to calibrate it on; gating answers on
// it made kutip answer fewer questions right than plain bleve, so there
// kutip answers whenever it ranks a passage, as bleve does.
func answerThreshold(qLang, textLang string) float64 {
	if !lexiconLang(qLang) || !lexiconLang(textLang) {
		return 0
	}
	if qLang != textLang {
		return crossLangThreshold
	}
	return sameLangThreshold
}

// lexiconLang reports whether kutip's lexicon covers lang.
func lexiconLang(lang string) bool { return lang == "id" || lang == "en" }

// scored is a candidate sentence with its score.
type scored struct {
	id         int
	score      float64
	confidence float64 // coverage, the basis of abstention
	span       string
	typed      bool // holds a span of the type the question asks for
}

// rank scores the candidates, best first. The result lives in sc and is
// valid until sc is reused.
func (ix *Index) rank(q *parsedQuestion, hits []hit, sc *rankScratch) []scored {
	if len(hits) == 0 {
		return nil
	}
	maxBleve := hits[0].score // candidates' scores are rounded (steadyScore)
	var total float64
	for ci := range q.concepts {
		total += q.concepts[ci].coverageIDF()
	}
	m := sc.matcher(ix, q)
	sc.spans.m = m
	sc.spans.facts.reset()
	n := len(q.concepts)
	agent, action := ix.agentAction(q)
	out := sc.out[:0]
	// Every candidate's concept weights, positions and matched positions
	// are cut from two slabs.
	weightSlab := grow(sc.weights, len(hits)*n)
	intSlab := grow(sc.ints, 2*len(hits)*n)
	matched := grow(sc.matched, len(hits))
	best := math.Inf(-1)
	// Every candidate's own weights first: a candidate is often another's
	// neighbour, whose weights neighbours then reads instead of matching
	// the sentence again.
	for i, h := range hits {
		weights := weightSlab[i*n : (i+1)*n : (i+1)*n]
		positions := intSlab[2*i*n : (2*i+1)*n : (2*i+1)*n]
		m.matchInto(&ix.sents[h.id], weights, positions)
		shareAliases(q.aliases, weights, positions)
	}
	m.hits, m.hitWeights = hits, weightSlab
	for i, h := range hits {
		s := &ix.sents[h.id]
		weights := weightSlab[i*n : (i+1)*n : (i+1)*n]
		positions := intSlab[2*i*n : (2*i+1)*n : (2*i+1)*n]
		matched[i] = intSlab[(2*i+1)*n : (2*i+1)*n : (2*i+2)*n]
		var before, after []float64
		var covered, found float64
		for ci := range q.concepts {
			c := &q.concepts[ci]
			w, scale := weights[ci], 1.0
			if w > 0 {
				matched[i] = append(matched[i], positions[ci])
			} else {
				if before == nil {
					before, after = m.neighbours(ix, h.id)
				}
				w, scale = max(before[ci], after[ci]), neighbourWeight
			}
			covered += c.coverageIDF() * scale * w
			// Confidence counts a trusted translation as a full match
			// (see fullTranslation).
			found += c.coverageIDF() * c.credit(w, scale)
		}
		r := scored{id: h.id, confidence: found / total}
		r.score = covered/total + proximityBonus*proximity(matched[i])
		if maxBleve > 0 {
			r.score += bleveBonus * h.score / maxBleve
		}
		if s.kind != "body" {
			r.score -= captionPenalty
		}
		r.score += subjectAgreement(s, agent, action, weights, positions)
		best = max(best, r.score)
		out = append(out, r)
	}
	sc.out, sc.weights, sc.ints, sc.matched = out, weightSlab, intSlab, matched
	if q.qtype != typeNone {
		// Answer spans, only for candidates that the largest span bonus
		// could still bring to the front, or near enough to be promoted.
		for i := range out {
			if out[i].score+typeBonus*maxSpanStrength+promoteMargin < best {
				continue
			}
			if sp, strength := ix.bestSpan(q, &ix.sents[out[i].id], matched[i], &sc.spans); strength > 0 {
				out[i].span = sp
				out[i].score += typeBonus * strength
				out[i].typed = true
			}
		}
	}
	sortScored(out)
	if q.qtype != typeNone {
		ix.promoteTyped(out)
	}
	return out
}

// rankScratch is one question's working memory for rank. It is pooled:
// once the pool is warm, ranking allocates next to nothing, which matters
// more than any single computation at these sizes.
type rankScratch struct {
	out     []scored
	weights []float64
	ints    []int
	matched [][]int
	m       matcher
	spans   spanScratch
}

var rankScratchPool = sync.Pool{New: func() any {
	return &rankScratch{m: matcher{seen: map[int]int{}}}
}}

// grow returns s resliced to n zeroed elements, reallocated only when its
// capacity is short.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// promoteTyped handles the commonest near miss: the best sentence restates
// the question but holds no answer of the asked type, and a sentence of
// the same paragraph close behind holds one ("… korban diare di Nusa
// Tenggara Timur masih terus berjatuhan." / "Hingga Jumat (12/8), penyakit
// ini telah menewaskan 13 orang."). That sentence moves to the front when
// its score is within promoteMargin of the best.
func (ix *Index) promoteTyped(rs []scored) {
	if len(rs) < 2 || rs[0].typed {
		return
	}
	top := ix.sents[rs[0].id]
	for i := 1; i < len(rs); i++ {
		if rs[0].score-rs[i].score > promoteMargin {
			return
		}
		s := ix.sents[rs[i].id]
		if rs[i].typed && s.doc == top.doc && s.para == top.para && abs(rs[i].id-rs[0].id) <= contextSentences {
			r := rs[i]
			copy(rs[1:i+1], rs[:i])
			rs[0] = r
			return
		}
	}
}

// matcher finds a question's concepts in sentences: for each index term
// (by its ID), which concepts it expresses and at what weight. slot is a
// table over every term ID of the index, zero except at the question's
// terms, so that a sentence's words are matched with one array read each.
type matcher struct {
	n       int
	slot    []uint16          // term ID → 1 + its index in entries, 0 for none
	entries [][]conceptWeight // the concepts each of the question's terms expresses
	used    []int32           // the term IDs whose slot is set
	// Concept weights of the sentences already matched, for neighbours:
	// sentence → offset in cache.
	seen  map[int]int
	cache []float64
	// The candidates in hand and their weights, len(hits)*n of them, which
	// weightsOf reads before matching a sentence.
	hits       []hit
	hitWeights []float64
	sides      []float64    // the before and after weights of the candidate in hand
	aliases    []aliasGroup // the question's (see shareAliases)
}

type conceptWeight struct {
	concept int
	weight  float64
}

// matcher readies sc's matcher for q, clearing what the previous question
// left.
func (sc *rankScratch) matcher(ix *Index, q *parsedQuestion) *matcher {
	m := &sc.m
	m.n = len(q.concepts)
	m.aliases = q.aliases
	for _, id := range m.used {
		m.slot[id] = 0
	}
	m.used = m.used[:0]
	if len(m.slot) < len(ix.termIDs) {
		m.slot = make([]uint16, len(ix.termIDs))
	}
	for i := range m.entries {
		m.entries[i] = m.entries[i][:0]
	}
	m.entries = m.entries[:0]
	clear(m.seen)
	m.cache = m.cache[:0]
	m.hits, m.hitWeights = nil, nil
	for ci, c := range q.concepts {
		for _, a := range c.alts {
			id, ok := ix.termIDs[a.term]
			if !ok {
				continue
			}
			if m.slot[id] == 0 {
				if len(m.entries) < cap(m.entries) {
					m.entries = m.entries[:len(m.entries)+1]
				} else {
					m.entries = append(m.entries, nil)
				}
				m.slot[id] = uint16(len(m.entries))
				m.used = append(m.used, id)
			}
			e := &m.entries[m.slot[id]-1]
			*e = append(*e, conceptWeight{ci, a.weight})
		}
	}
	return m
}

// matchInto sets, for each concept, the weight of its best alternative in
// sentence s (0 when absent) and, when positions is not nil, the position
// where it stands.
func (m *matcher) matchInto(s *sentence, weights []float64, positions []int) {
	for t := range s.contentTerms() {
		e := m.slot[t.id]
		if e == 0 {
			continue
		}
		for _, cw := range m.entries[e-1] {
			if cw.weight > weights[cw.concept] {
				weights[cw.concept] = cw.weight
				if positions != nil {
					positions[cw.concept] = int(t.pos)
				}
			}
		}
	}
}

// weightsOf returns the concept weights of sentence n, computed once per
// question. The slice is valid until the next call.
func (m *matcher) weightsOf(ix *Index, n int) []float64 {
	for i, h := range m.hits {
		if h.id == n {
			return m.hitWeights[i*m.n : (i+1)*m.n]
		}
	}
	if off, ok := m.seen[n]; ok {
		return m.cache[off : off+m.n]
	}
	off := len(m.cache)
	m.cache = append(m.cache, make([]float64, m.n)...)
	w := m.cache[off : off+m.n]
	m.matchInto(&ix.sents[n], w, nil)
	shareAliases(m.aliases, w, nil)
	m.seen[n] = off
	return w
}

// neighbours returns the best concept weights among the sentences before
// and after sentence id in the same paragraph, up to contextSentences
// away on each side (zeros where there is none). The slices are valid
// until the next call.
func (m *matcher) neighbours(ix *Index, id int) (before, after []float64) {
	m.sides = grow(m.sides, 2*m.n)
	s := &ix.sents[id]
	side := func(step int, best []float64) {
		for k, n := 1, id+step; k <= contextSentences; k, n = k+1, n+step {
			if n < 0 || n >= len(ix.sents) || ix.sents[n].doc != s.doc || ix.sents[n].para != s.para {
				break
			}
			for i, w := range m.weightsOf(ix, n) {
				best[i] = max(best[i], w)
			}
		}
	}
	before, after = m.sides[:m.n:m.n], m.sides[m.n:]
	side(-1, before)
	side(+1, after)
	return before, after
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

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// sortScored orders by score, then by position in the corpus, so that ties
// come back in a stable order. The order is total (no two candidates are
// one sentence), so any sort gives it: a question's few candidates
// (maxCandidates) are sorted by insertion, without a comparison function
// called through a pointer each time; more by slices.SortFunc (sort.Slice's
// reflection cost more than the comparisons).
func sortScored(rs []scored) {
	if len(rs) > 32 {
		slices.SortFunc(rs, compareScored)
		return
	}
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && compareScored(rs[j], rs[j-1]) < 0; j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

// compareScored orders a before b when it scores higher, or as high and
// stands earlier in the corpus.
func compareScored(a, b scored) int {
	if c := cmp.Compare(b.score, a.score); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}
