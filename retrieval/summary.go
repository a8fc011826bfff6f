package retrieval

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"kutip/corpus"
)

// Summaries are extractive: a summary is a few of the document's own body
// sentences, each with its citation, in the order the article tells them.
// Sentences are chosen in five steps (the tuning is lexRank's fields):
//
//  1. Every body sentence (captions and headings never appear in a summary)
//     becomes a unit-length tf-idf vector over its index terms, the same
//     analysis and stemming as for questions, with a smoothed idf,
//     log(1 + N/df), from the sentence frequencies of the whole corpus.
//  2. Sentences are linked by cosine similarity. Each keeps its neighbours
//     most similar sentences at or above minSim, and the links are made
//     symmetric, so the graph has at most 2·n·neighbours edges whatever the
//     document's length. The search goes through an inverted list of terms
//     that visits at most maxPostings sentences per term (see link), so it
//     is linear in the document's length, and exact as long as no term is
//     in more than maxPostings of its sentences.
//  3. Centrality is PageRank over that weighted graph (continuous LexRank)
//     whose random jump lands on the position prior, 1/√(r+1) for the r-th
//     body sentence (0-based): a reader who starts again starts near the top,
//     as news is written. With a topic, the jump lands on the sentences that
//     mention the topic instead, in proportion to how much of it they mention
//     (biased LexRank), so centrality flows out from them to the sentences
//     that share their words. Power iteration stops when the scores move by
//     less than tolerance (L1), or after maxIterations; each iteration costs
//     one pass over the edges.
//  4. Introductions: a term is new information in the first sentence that
//     uses it and given information after that. Each sentence scores the
//     sum, over the terms it introduces, of the number of sentences that use
//     them, relative to the best sentence. Where a story brings in an actor,
//     a date or an event that it goes on to develop scores high; a sentence
//     whose words were all introduced earlier (a restatement, a comment)
//     scores nothing. Centrality alone favours sentences in the document's
//     common vocabulary and penalises one full of new particulars (a date,
//     a visit, a treaty clause) that the rest of the text then picks up.
//     A sentence's score is its centrality (relative to the best) plus
//     introWeight of its introductions; with a topic it is topicCentrality
//     of centrality plus topicMatch of the topic match, the introductions
//     left out.
//  5. Sentences are picked greedily by maximal marginal relevance: score
//     minus redundancy times the similarity to the closest sentence already
//     picked; a sentence at duplicate similarity or above to a picked one
//     is never picked, nor, while others remain, one with fewer than
//     minTerms index terms (a dateline or "Kata dia.") or one that restates
//     a figure (a number with the word after it, "11.000 tentara") of a
//     picked one. News repeats its key figures when it attributes or
//     elaborates them, and a restatement adds little, though its other
//     words keep its cosine low.
//
// Every step is linear in the document's length; the time a summary takes
// at 500 to 50,000 sentences is in docs/scale.md (BenchmarkSummary).
//
// The weights sit inside a plateau on the built-in article (the same five
// sentences for introduction weights 1 to 1.5 and redundancy 0.3 to 0.7),
// where the summary carries the five facts the tests list and the first
// five sentences three. On sentences that dev questions of XQuAD (English
// Wikipedia) and FacQA (Indonesian news) ask about, a k-sentence summary
// (k = 1, 2, 3) holds the answer more often than the first k sentences and
// than the previous centrality-and-position scoring
// (TestSummaryAnswerCoverage). No ROUGE score has been measured here.

// Defaults and bounds of SummaryOptions.Sentences.
const (
	DefaultSummarySentences = 5
	MaxSummarySentences     = 10
)

// lexRankParams tune summaries (see the comment above).
type lexRankParams struct {
	neighbours    int     // links each sentence keeps
	minSim        float64 // the least cosine that links two sentences
	maxVisits     int     // postings a sentence visits
	candidates    int     // scored exactly when postings were cut
	damping       float64 // PageRank's chance of following a link
	tolerance     float64 // PageRank stops when scores move less (L1)
	maxIterations int
	introWeight   float64 // of introductions, beside centrality
	// With a topic, centrality is biased towards it and the topic match
	// takes the place of position and introductions.
	topicCentrality, topicMatch float64
	redundancy                  float64 // MMR's penalty per unit of similarity
	duplicate                   float64 // the similarity that is never picked
	minTerms                    int     // fewer index terms make a short sentence
}

// lexRank is the tuning of summaries.
var lexRank = lexRankParams{
	neighbours:      24,
	minSim:          0.05,
	maxVisits:       256,
	candidates:      32,
	damping:         0.85,
	tolerance:       1e-7,
	maxIterations:   200,
	introWeight:     1.25,
	topicCentrality: 0.6,
	topicMatch:      0.4,
	redundancy:      0.5,
	duplicate:       0.6,
	minTerms:        4,
}

// Errors of Summary.
var (
	// ErrUnknownDocument means SummaryOptions.Doc names no document of the
	// corpus. The error lists some of the IDs the corpus has.
	ErrUnknownDocument = errors.New("unknown document")
	// ErrTopicNotFound means no body sentence of the document mentions
	// SummaryOptions.Topic, under any of the words the topic expands to
	// (stems, translations, spelling variants, synonyms). Summary then
	// returns no sentences rather than a summary that ignores the topic.
	ErrTopicNotFound = errors.New("the document does not mention the topic")
)

// SummaryOptions say what to summarise. The zero value summarises the
// default document in DefaultSummarySentences sentences.
type SummaryOptions struct {
	// Doc is the ID of the document to summarise. Empty means the only
	// document, or else the newest: the one with the latest Published date
	// (YYYY-MM-DD, optionally with a time), or, when no document has one,
	// the last one loaded.
	Doc string
	// Sentences is how many sentences to return. Zero means
	// DefaultSummarySentences; other values are clamped to
	// 1..MaxSummarySentences. A document with fewer body sentences gives
	// them all.
	Sentences int
	// Topic, when set, biases the summary towards the sentences that
	// mention it. It is read like a question, in any supported language
	// (topic "nuclear" matches "nuklir").
	Topic string
}

// Summary is an extractive summary of one document.
type Summary struct {
	Doc, Title, URL string
	// Sentences are in article order. Each Passage has its citation
	// (Paragraph, Sentence), Text, Kind "body" and Score, the sentence's
	// summary score (the best sentence of the document scores 1);
	// Answer, Before and After are empty.
	Sentences []Passage
}

// Summary summarises one document of the corpus in a few of its own
// sentences. It fails with an error wrapping ErrUnknownDocument when
// opts.Doc is not a document ID, and with one wrapping ErrTopicNotFound
// (returning the document's Doc, Title and URL but no sentences) when
// opts.Topic matches no sentence of the document. Summary is safe for
// concurrent use; it reads only the in-memory sentence table, not bleve.
func (ix *Index) Summary(ctx context.Context, opts SummaryOptions) (Summary, error) {
	di, err := ix.docIndex(opts.Doc)
	if err != nil {
		return Summary{}, err
	}
	d := ix.docs[di]
	out := Summary{Doc: d.ID, Title: d.Title, URL: d.URL}
	n := opts.Sentences
	if n == 0 {
		n = DefaultSummarySentences
	}
	n = min(max(n, 1), MaxSummarySentences)

	s := &summarizer{ix: ix, p: lexRank, ids: ix.summarised(di)}
	if len(s.ids) == 0 {
		return out, nil
	}
	s.vectorize()
	var topic []float64
	if strings.TrimSpace(opts.Topic) != "" {
		topic = s.topicMatch(opts.Topic)
		if topic == nil {
			return out, fmt.Errorf("summary of %q on %q: %w", d.ID, opts.Topic, ErrTopicNotFound)
		}
	}
	g, err := s.link(ctx)
	if err != nil {
		return out, err
	}
	jump := positionPrior(len(s.ids))
	if topic != nil {
		jump = topic
	}
	centrality, err := g.rank(ctx, jump, s.p)
	if err != nil {
		return out, err
	}
	var intro []float64
	if topic == nil {
		intro = s.introductions()
	}
	scores := s.scores(centrality, topic, intro)
	best := max(slices.Max(scores), math.SmallestNonzeroFloat64)
	for _, k := range s.pick(scores, n) {
		out.Sentences = append(out.Sentences, s.passage(k, scores[k]/best))
	}
	return out, nil
}

// docIndex resolves SummaryOptions.Doc to an index into ix.docs.
func (ix *Index) docIndex(id string) (int, error) {
	if id == "" {
		return ix.newestDoc(), nil
	}
	for i, d := range ix.docs {
		if d.ID == id {
			return i, nil
		}
	}
	const shown = 5
	var ids []string
	for _, d := range ix.docs[:min(shown, len(ix.docs))] {
		ids = append(ids, fmt.Sprintf("%q", d.ID))
	}
	known := strings.Join(ids, ", ")
	if more := len(ix.docs) - shown; more > 0 {
		known += fmt.Sprintf(" and %d more", more)
	}
	return 0, fmt.Errorf("document %q (a document's ID is its .jsonl id, else its file path below the corpus folder "+
		"without the extension, or the front matter's id; this corpus has %s): %w", id, known, ErrUnknownDocument)
}

// newestDoc is the document with the latest Published date, or the last one
// when none has a readable date. Among equal dates the later one wins.
func (ix *Index) newestDoc() int {
	best, bestTime := len(ix.docs)-1, time.Time{}
	for i, d := range ix.docs {
		t, ok := publishedTime(d.Published)
		if ok && !t.Before(bestTime) {
			best, bestTime = i, t
		}
	}
	return best
}

// publishedLayouts are the date forms Published is read in; anything else
// counts as no date.
var publishedLayouts = []string{
	time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04",
	time.DateOnly, "2006/01/02",
}

func publishedTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range publishedLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// summarised returns the indices into ix.sents of document di's body
// sentences, in order; for a document without body text, all its sentences.
func (ix *Index) summarised(di int) []int {
	var body, all []int
	for i, s := range ix.sents {
		if s.doc != di {
			continue
		}
		all = append(all, i)
		if s.kind == corpus.Body {
			body = append(body, i)
		}
	}
	if len(body) == 0 {
		return all
	}
	return body
}

// summarizer holds one document's sentences while they are summarised.
// Sentence k of the summarizer is ix.sents[ids[k]].
type summarizer struct {
	ix    *Index
	p     lexRankParams
	ids   []int
	vecs  []sparseVec // tf-idf unit vectors, filled by vectorize
	terms int         // the number of distinct terms in vecs
	slab  []int32     // the vectors' terms, one after another
}

// sparseVec is a sparse unit vector: term numbers in increasing order with
// their weights.
type sparseVec struct {
	terms   []int32
	weights []float64
}

// dot is the cosine of two unit vectors.
func (a sparseVec) dot(b sparseVec) float64 {
	var s float64
	i, j := 0, 0
	for i < len(a.terms) && j < len(b.terms) {
		switch {
		case a.terms[i] < b.terms[j]:
			i++
		case a.terms[i] > b.terms[j]:
			j++
		default:
			s += a.weights[i] * b.weights[j]
			i++
			j++
		}
	}
	return s
}

// vectorize builds the tf-idf unit vectors of the sentences, with term
// numbers local to the summarizer, in order of first use.
func (s *summarizer) vectorize() {
	ix := s.ix
	local := map[int32]int32{} // term ID → term number
	var df []int               // term number → sentences of the corpus holding it
	size := 0
	for _, id := range s.ids {
		size += ix.sents[id].contentTermCount()
	}
	// All vectors share two slabs.
	terms := make([]int32, 0, size)
	weights := make([]float64, 0, size)
	n := float64(len(ix.sents))
	s.vecs = make([]sparseVec, len(s.ids))
	var nums []int32
	for k, id := range s.ids {
		sent := &ix.sents[id]
		nums = nums[:0]
		for t := range sent.contentTerms() {
			num, ok := local[t.id]
			if !ok {
				num = int32(len(df))
				local[t.id] = num
				df = append(df, max(ix.vocab[sent.token(int(t.pos)).Term], 1))
			}
			nums = append(nums, num)
		}
		slices.Sort(nums)
		from := len(terms)
		var norm float64
		for i := 0; i < len(nums); {
			j := i + 1
			for j < len(nums) && nums[j] == nums[i] {
				j++
			}
			w := float64(j-i) * math.Log(1+n/float64(df[nums[i]]))
			terms = append(terms, nums[i])
			weights = append(weights, w)
			norm += w * w
			i = j
		}
		v := sparseVec{terms: terms[from:len(terms):len(terms)], weights: weights[from:len(weights):len(weights)]}
		if norm > 0 {
			norm = math.Sqrt(norm)
			for i := range v.weights {
				v.weights[i] /= norm
			}
		}
		s.vecs[k] = v
	}
	s.terms = len(df)
	s.slab = terms
}

// simGraph is a symmetric weighted graph in compressed rows: node i's
// edges are edges[start[i]:start[i+1]].
type simGraph struct {
	start  []int32
	edges  []simEdge
	degree []float64 // sum of a node's edge weights
}

type simEdge struct {
	to     int32
	weight float64
}

// posting is one sentence that holds a term, with the term's weight there.
type posting struct {
	sent   int32
	weight float64
}

// link links each sentence to its p.neighbours most similar sentences
// (cosine at least p.minSim), both ways. Similarities are accumulated over
// an inverted list of terms, so a pair of sentences that share no term
// costs nothing, and a sentence visits at most p.maxVisits postings: its
// rarest terms' first, each term's share of what is left, and of a term
// with more postings than its share, those of the sentences nearest it in
// the document. When postings were left out, the similarities are partial,
// so the p.candidates sentences with the best partial similarity are
// scored exactly and the neighbours chosen among them. The graph thus
// costs time linear in the document's length, and a sentence whose terms
// have at most p.maxVisits postings in all gets its exact nearest
// neighbours.
func (s *summarizer) link(ctx context.Context) (*simGraph, error) {
	n, k := len(s.vecs), s.p.neighbours
	postings := make([][]posting, s.terms)
	// at[i][j] is where sentence i stands in the postings of its j-th term.
	at := make([][]int32, n)
	slab := make([]int32, 0, len(s.slab))
	for i, v := range s.vecs {
		from := len(slab)
		for j, t := range v.terms {
			slab = append(slab, int32(len(postings[t])))
			postings[t] = append(postings[t], posting{int32(i), v.weights[j]})
		}
		at[i] = slab[from:len(slab):len(slab)]
	}
	acc := make([]float64, n)
	dense := make([]float64, s.terms) // the sentence's vector, spread out
	var touched, candidates, order []int32
	heap := make([]simEdge, 0, max(k, s.p.candidates))
	near := make([][]simEdge, n)
	for i, v := range s.vecs {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		touched = touched[:0]
		order = order[:0]
		total := 0
		for j, t := range v.terms {
			order = append(order, int32(j))
			total += len(postings[t])
		}
		partial := total > s.p.maxVisits
		if partial {
			slices.SortFunc(order, func(a, b int32) int {
				return cmp.Compare(len(postings[v.terms[a]]), len(postings[v.terms[b]]))
			})
		}
		budget := s.p.maxVisits
		for r, j := range order {
			list := postings[v.terms[j]]
			if share := budget / (len(order) - r); partial && len(list) > share {
				lo := min(max(int(at[i][j])-share/2, 0), len(list)-share)
				list = list[lo : lo+share]
			}
			budget -= len(list)
			w := v.weights[j]
			for _, p := range list {
				if int(p.sent) == i {
					continue
				}
				if acc[p.sent] == 0 {
					touched = append(touched, p.sent)
				}
				acc[p.sent] += w * p.weight
			}
		}
		if partial {
			for j, t := range v.terms {
				dense[t] = v.weights[j]
			}
			candidates = candidates[:0]
			for _, e := range nearest(acc, touched, s.p.candidates, math.SmallestNonzeroFloat64, heap) {
				var dot float64
				u := s.vecs[e.to]
				for j, t := range u.terms {
					dot += dense[t] * u.weights[j]
				}
				acc[e.to] = dot
				candidates = append(candidates, e.to)
			}
			for _, t := range v.terms {
				dense[t] = 0
			}
			near[i] = nearest(acc, candidates, k, s.p.minSim, heap)
		} else {
			near[i] = nearest(acc, touched, k, s.p.minSim, heap)
		}
		for _, j := range touched {
			acc[j] = 0
		}
	}
	return symmetric(near), nil
}

// symmetric makes the graph in which j is i's neighbour if either of near[i]
// and near[j] holds the other.
func symmetric(near [][]simEdge) *simGraph {
	n := len(near)
	g := &simGraph{start: make([]int32, n+1), degree: make([]float64, n)}
	for i, es := range near {
		g.start[i+1] += int32(len(es))
		for _, e := range es {
			g.start[e.to+1]++
		}
	}
	for i := range n {
		g.start[i+1] += g.start[i]
	}
	g.edges = make([]simEdge, g.start[n])
	fill := slices.Clone(g.start[:n])
	for i, es := range near {
		for _, e := range es {
			g.edges[fill[i]] = e
			fill[i]++
			g.edges[fill[e.to]] = simEdge{int32(i), e.weight}
			fill[e.to]++
		}
	}
	// Sort each row and drop the pairs that chose each other twice,
	// packing the rows to the front.
	out := int32(0)
	for i := range n {
		row := g.edges[g.start[i]:g.start[i+1]]
		slices.SortFunc(row, func(a, b simEdge) int { return cmp.Compare(a.to, b.to) })
		row = slices.CompactFunc(row, func(a, b simEdge) bool { return a.to == b.to })
		g.start[i] = out
		for _, e := range row {
			g.degree[i] += e.weight
		}
		out += int32(copy(g.edges[out:], row))
	}
	g.start[n] = out
	g.edges = g.edges[:out]
	return g
}

// nearest returns the k touched sentences with the largest acc, at least
// minSim, ties going to the earlier sentence. It keeps the best k seen so
// far in a min-heap (heap, reused scratch), so a sentence that meets most
// of a long document costs O(touched · log k).
func nearest(acc []float64, touched []int32, k int, minSim float64, heap []simEdge) []simEdge {
	worse := func(a, b simEdge) bool {
		if a.weight != b.weight {
			return a.weight < b.weight
		}
		return a.to > b.to
	}
	down := func(i int) {
		for {
			m := i
			for _, c := range []int{2*i + 1, 2*i + 2} {
				if c < len(heap) && worse(heap[c], heap[m]) {
					m = c
				}
			}
			if m == i {
				return
			}
			heap[i], heap[m] = heap[m], heap[i]
			i = m
		}
	}
	heap = heap[:0]
	for _, j := range touched {
		e := simEdge{j, acc[j]}
		switch {
		case e.weight < minSim:
		case len(heap) < k:
			heap = append(heap, e)
			for i := len(heap) - 1; i > 0 && worse(heap[i], heap[(i-1)/2]); i = (i - 1) / 2 {
				heap[i], heap[(i-1)/2] = heap[(i-1)/2], heap[i]
			}
		case worse(heap[0], e):
			heap[0] = e
			down(0)
		}
	}
	return slices.Clone(heap)
}

// rank returns the stationary distribution of a walk that follows an edge
// with probability p.damping, choosing it by weight, and otherwise jumps to
// a node chosen by jump (which need not be normalised). A node without
// edges jumps. The result is scaled so that its maximum is 1. Each
// iteration gathers, for every node, what its neighbours pass on (the graph
// is symmetric, so a node's edges are also the edges into it).
func (g *simGraph) rank(ctx context.Context, jump []float64, p lexRankParams) ([]float64, error) {
	n := len(g.degree)
	v := normalizeSum(slices.Clone(jump))
	r := slices.Clone(v)
	next := make([]float64, n)
	share := make([]float64, n) // what a node passes along each unit of edge weight
	for iter := 0; iter < p.maxIterations; iter++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var stuck float64
		for i, d := range g.degree {
			if d == 0 {
				stuck += r[i]
				share[i] = 0
			} else {
				share[i] = r[i] / d
			}
		}
		var delta float64
		for i := range next {
			var in float64
			for _, e := range g.edges[g.start[i]:g.start[i+1]] {
				in += share[e.to] * e.weight
			}
			next[i] = (1-p.damping)*v[i] + p.damping*(in+stuck*v[i])
			delta += math.Abs(next[i] - r[i])
		}
		r, next = next, r
		if delta < p.tolerance {
			break
		}
	}
	return scaleToMax(r), nil
}

// positionPrior is 1/√(r+1) for the r-th of n sentences.
func positionPrior(n int) []float64 {
	p := make([]float64, n)
	for r := range p {
		p[r] = 1 / math.Sqrt(float64(r+1))
	}
	return p
}

// scores adds to centrality (max 1) the introductions (max 1) or, when
// there is a topic, mixes it with the topic match.
func (s *summarizer) scores(centrality, topic, intro []float64) []float64 {
	out := make([]float64, len(centrality))
	for i, c := range centrality {
		if topic != nil {
			out[i] = s.p.topicCentrality*c + s.p.topicMatch*topic[i]
		} else {
			out[i] = c + s.p.introWeight*intro[i]
		}
	}
	return out
}

// introductions scores each sentence by what it introduces: the sum, over
// the terms the document uses first in that sentence, of the number of
// sentences that use the term, scaled so that the best sentence has 1. A
// term is new information where it first appears and given afterwards; a
// sentence that brings in terms the rest of the document keeps using is
// where a story's threads start (a new actor, place, date or event), while
// one whose words were all introduced before mostly restates or comments.
func (s *summarizer) introductions() []float64 {
	uses := make([]float64, s.terms) // term number → sentences using it
	first := make([]int, s.terms)    // term number → the first sentence using it
	for t := range first {
		first[t] = -1
	}
	for k, v := range s.vecs {
		for _, t := range v.terms {
			uses[t]++
			if first[t] < 0 {
				first[t] = k
			}
		}
	}
	out := make([]float64, len(s.vecs))
	for t, k := range first {
		if k >= 0 {
			out[k] += uses[t]
		}
	}
	return scaleToMax(out)
}

// figures returns, for each sentence, its figures: each number with the
// word after it ("11000 tentara", "19 juni"), as the analyzers normalise
// them.
func (s *summarizer) figures() [][]string {
	out := make([][]string, len(s.ids))
	for k, id := range s.ids {
		toks := s.ix.sents[id].tokens()
		for i, t := range toks {
			if !isNumber(t.Word) {
				continue
			}
			f := t.Word
			if i+1 < len(toks) {
				f += " " + toks[i+1].Word
			}
			out[k] = append(out[k], f)
		}
	}
	return out
}

// restates reports whether figures a and b share a figure.
func restates(a, b []string) bool {
	for _, f := range a {
		if slices.Contains(b, f) {
			return true
		}
	}
	return false
}

// topicMatch is, for each sentence, the idf-weighted share of the topic's
// concepts it mentions, each at its best alternative's weight (the word as
// given counts fully, a translation or synonym less), scaled so that the
// best sentence has 1. It is nil when no sentence mentions any.
func (s *summarizer) topicMatch(topic string) []float64 {
	concepts := s.topicConcepts(topic)
	var total float64
	for _, c := range concepts {
		total += c.idf
	}
	if total == 0 {
		return nil
	}
	out := make([]float64, len(s.ids))
	var best float64
	for k, id := range s.ids {
		var m float64
		toks := s.ix.sents[id].tokens()
		for _, c := range concepts {
			m += c.idf * bestAlt(c, toks)
		}
		out[k] = m / total
		best = math.Max(best, out[k])
	}
	if best == 0 {
		return nil
	}
	for k := range out {
		out[k] /= best
	}
	return out
}

// topicConcepts reads a topic with the question machinery. A topic is
// often a word or two, too short for its language to be detected, and then
// parseQuestion reads it in the corpus's main language; so each of its words
// is also read in the other language and the alternatives are merged
// (topic "nuclear" over an Indonesian corpus then finds "nuklir").
func (s *summarizer) topicConcepts(topic string) []concept {
	ix := s.ix
	q := ix.parseQuestion(topic)
	if corpus.DetectLang(topic) != "" {
		return q.concepts
	}
	other := "en"
	if q.lang == "en" {
		other = "id"
	}
	for i, c := range q.concepts {
		// The alternatives may be shared with the expansion cache:
		// merge into a copy.
		c.alts = slices.Clone(c.alts)
		o := ix.expand(other, token{Word: c.word})
		for _, a := range o.alts {
			if j := slices.IndexFunc(c.alts, func(b alt) bool { return b.term == a.term }); j >= 0 {
				c.alts[j].weight = math.Max(c.alts[j].weight, a.weight)
			} else {
				c.alts = append(c.alts, a)
			}
		}
		c.idf = ix.idf(c)
		q.concepts[i] = c
	}
	return q.concepts
}

// bestAlt is the weight of c's best alternative among toks, 0 when none is
// there.
func bestAlt(c concept, toks []token) float64 {
	var best float64
	for _, t := range toks {
		if t.Term == "" {
			continue
		}
		for _, a := range c.alts {
			if a.term == t.Term {
				best = math.Max(best, a.weight)
			}
		}
	}
	return best
}

// pick chooses up to n sentences by maximal marginal relevance and returns
// them in document order. It takes long sentences that repeat none already
// picked first, then short ones, and only then sentences that restate a
// figure of one already picked; a near duplicate (similarity p.duplicate
// or more) is never picked.
func (s *summarizer) pick(scores []float64, n int) []int {
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case scores[a] > scores[b]:
			return -1
		case scores[a] < scores[b]:
			return 1
		}
		return a - b
	})
	// Only the best few can win: redundancy only lowers a score.
	order = order[:min(len(order), 8*n+16)]
	figures := s.figures()
	var picked []int
	passes := []struct{ longOnly, restating bool }{{true, false}, {false, false}, {false, true}}
	for _, pass := range passes {
		for len(picked) < n {
			best, bestMMR := -1, math.Inf(-1)
			for _, k := range order {
				if slices.Contains(picked, k) || pass.longOnly && len(s.vecs[k].terms) < s.p.minTerms {
					continue
				}
				var redundancy float64
				restating := false
				for _, p := range picked {
					redundancy = math.Max(redundancy, s.vecs[k].dot(s.vecs[p]))
					restating = restating || restates(figures[k], figures[p])
				}
				if redundancy >= s.p.duplicate || restating && !pass.restating {
					continue
				}
				if mmr := scores[k] - s.p.redundancy*redundancy; mmr > bestMMR {
					best, bestMMR = k, mmr
				}
			}
			if best < 0 {
				break
			}
			picked = append(picked, best)
		}
	}
	slices.Sort(picked)
	return picked
}

// passage is sentence k as a summary passage.
func (s *summarizer) passage(k int, score float64) Passage {
	sent := s.ix.sents[s.ids[k]]
	d := s.ix.docs[sent.doc]
	p := d.Paragraphs[sent.para]
	return Passage{
		Doc: d.ID, Title: d.Title, URL: d.URL,
		Paragraph: p.N, Sentence: p.Sentences[sent.sent].N, Kind: string(sent.kind),
		Text: sent.text, Score: score,
	}
}

// normalizeSum scales xs to sum 1; all zeros become uniform.
func normalizeSum(xs []float64) []float64 {
	var sum float64
	for _, x := range xs {
		sum += x
	}
	if sum == 0 {
		for i := range xs {
			xs[i] = 1 / float64(len(xs))
		}
		return xs
	}
	for i := range xs {
		xs[i] /= sum
	}
	return xs
}

// scaleToMax scales xs so that its maximum is 1 (when positive).
func scaleToMax(xs []float64) []float64 {
	var m float64
	for _, x := range xs {
		m = math.Max(m, x)
	}
	if m > 0 {
		for i := range xs {
			xs[i] /= m
		}
	}
	return xs
}
