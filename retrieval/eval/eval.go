// Package eval measures how well a retrieval index answers: it asks a set
// of questions whose answers are known (a .jsonl file, see ReadQuestions)
// and scores what a user would see, overall, per language and per question
// type. It uses retrieval's public API only. `kutip eval` prints its
// reports; the quality gate (gate_test.go) holds kutip to the bars of the
// sets in Sets, on the copies of the dev sets in testdata/.
package eval

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"kutip/retrieval"
)

// Metrics are scores over a group of questions. A passage is correct when
// it contains one of the gold strings, compared case-insensitively with
// white space collapsed, curly quotes made straight and dashes made
// hyphens (as ../shared/eval/BASELINES.md does). A question counts as a
// user sees it: right only when kutip answers (does not abstain) and the
// first passage is correct. An abstention scores nothing, even when the
// passage it held back was correct; Top1Ranked counts that ranking alone.
type Metrics struct {
	Questions int     `json:"questions"` // answerable questions
	Top1      float64 `json:"top1"`      // answered, and the first passage is correct
	Recall3   float64 `json:"recall3"`   // answered, and a correct passage in the first 3
	MRR10     float64 `json:"mrr10"`     // answered: 1/rank of the first correct passage in 10
	// Top1Ranked is the share whose first passage is correct whether or
	// not kutip answered: ranking alone, before abstention.
	Top1Ranked float64 `json:"top1_ranked"`
	// Span is, of the typed questions (when, how many, who, …) counted
	// right in Top1, the share whose answer span and a gold string hold one
	// another: the bold part of a reply is the answer or inside it.
	Span          float64 `json:"span"`
	SpanQuestions int     `json:"span_questions"` // how many questions Span is over
	Answered      float64 `json:"answered"`       // answerable questions kutip answered (did not abstain on)
	Unanswerable  int     `json:"unanswerable"`   // questions with no gold
	Abstained     float64 `json:"abstained"`      // of those, the share kutip abstained on
	// AbstentionAccuracy is the share of all questions where kutip's
	// answer-or-abstain decision was right.
	AbstentionAccuracy float64 `json:"abstention_accuracy"`
	P50, P99           time.Duration
}

// Miss is an answerable question kutip did not get right (it abstained,
// or its first passage was wrong), or an unanswerable one it answered.
type Miss struct {
	Question Question
	Answer   retrieval.Answer // the ten best passages, whether or not kutip answered
	Rank     int              // rank of the first correct passage, 0 if none in 10
}

// Report is the result of Run: overall and per language and per
// question type.
type Report struct {
	All    Metrics
	ByLang map[string]Metrics
	ByType map[string]Metrics
	Misses []Miss
}

// depth is how many passages are searched to place the first correct one
// (MRR@10).
const depth = 10

// Run asks ix every question and scores the answers. Latency is measured
// on a second pass, after a warm-up pass, with Ask as a user's question
// takes it.
func Run(ctx context.Context, ix *retrieval.Index, qs []Question) (Report, error) {
	results := make([]result, len(qs))
	for i, q := range qs {
		// Search returns the passages Ask would hold back when it abstains,
		// so that a miss shows where the right one ranked.
		a, err := ix.Search(ctx, q.Question, depth)
		if err != nil {
			return Report{}, err
		}
		results[i] = result{q: q, a: a, rank: firstCorrect(a.Passages, q.Gold)}
	}
	for i, q := range qs {
		start := time.Now()
		if _, err := ix.Ask(ctx, q.Question); err != nil {
			return Report{}, err
		}
		results[i].latency = time.Since(start)
	}
	return report(results), nil
}

// result is one question's outcome.
type result struct {
	q       Question
	a       retrieval.Answer
	rank    int // of the first correct passage, 0 if none
	latency time.Duration
}

// right reports whether a user was given the right answer: kutip answered
// and its first passage is correct.
func (r result) right() bool { return r.a.Answered && r.rank == 1 }

// report scores results overall, per language and per question type.
func report(results []result) Report {
	groups := map[string][]result{}
	for _, r := range results {
		lang := r.q.Lang
		if lang == "" {
			lang = r.a.Lang
		}
		typ := r.a.Type
		if typ == "" {
			typ = "other"
		}
		groups[""] = append(groups[""], r)
		groups["lang:"+lang] = append(groups["lang:"+lang], r)
		groups["type:"+typ] = append(groups["type:"+typ], r)
	}
	rep := Report{ByLang: map[string]Metrics{}, ByType: map[string]Metrics{}}
	for key, rs := range groups {
		switch {
		case key == "":
			rep.All = metrics(rs)
		case strings.HasPrefix(key, "lang:"):
			rep.ByLang[strings.TrimPrefix(key, "lang:")] = metrics(rs)
		default:
			rep.ByType[strings.TrimPrefix(key, "type:")] = metrics(rs)
		}
	}
	for _, r := range results {
		if (len(r.q.Gold) > 0 && !r.right()) || (len(r.q.Gold) == 0 && r.a.Answered) {
			rep.Misses = append(rep.Misses, Miss{Question: r.q, Answer: r.a, Rank: r.rank})
		}
	}
	return rep
}

func metrics(rs []result) Metrics {
	var m Metrics
	var lat []time.Duration
	var correctDecision, typedHits int
	for _, r := range rs {
		lat = append(lat, r.latency)
		if len(r.q.Gold) == 0 {
			m.Unanswerable++
			if !r.a.Answered {
				m.Abstained++
				correctDecision++
			}
			continue
		}
		m.Questions++
		if r.rank == 1 {
			m.Top1Ranked++
		}
		if !r.a.Answered {
			continue
		}
		m.Answered++
		correctDecision++
		if r.right() {
			m.Top1++
			if r.a.Type != "" {
				typedHits++
				if spanMatches(r.a.Passages[0].Answer, r.q.Gold) {
					m.Span++
				}
			}
		}
		if r.rank >= 1 && r.rank <= 3 {
			m.Recall3++
		}
		if r.rank >= 1 {
			m.MRR10 += 1 / float64(r.rank)
		}
	}
	if m.Questions > 0 {
		n := float64(m.Questions)
		m.Top1 /= n
		m.Top1Ranked /= n
		m.Recall3 /= n
		m.MRR10 /= n
		m.Answered /= n
	}
	if typedHits > 0 {
		m.Span /= float64(typedHits)
	}
	m.SpanQuestions = typedHits
	if m.Unanswerable > 0 {
		m.Abstained /= float64(m.Unanswerable)
	}
	if len(rs) > 0 {
		m.AbstentionAccuracy = float64(correctDecision) / float64(len(rs))
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		m.P50 = lat[(len(lat)-1)/2]
		m.P99 = lat[min(len(lat)-1, int(float64(len(lat))*0.99))]
	}
	return m
}

// firstCorrect returns the 1-based rank of the first passage holding a gold
// string, or 0.
func firstCorrect(ps []retrieval.Passage, gold []string) int {
	if len(gold) == 0 {
		return 0
	}
	norm := make([]string, len(gold))
	for i, g := range gold {
		norm[i] = normalizeForMatch(g)
	}
	for i, p := range ps {
		text := normalizeForMatch(p.Text)
		for _, g := range norm {
			if g != "" && strings.Contains(text, g) {
				return i + 1
			}
		}
	}
	return 0
}

// spanMatches reports whether an answer span and one of the gold strings
// hold one another, compared as firstCorrect compares.
func spanMatches(span string, gold []string) bool {
	sp := normalizeForMatch(span)
	if sp == "" {
		return false
	}
	for _, g := range gold {
		g = normalizeForMatch(g)
		if g != "" && (strings.Contains(g, sp) || strings.Contains(sp, g)) {
			return true
		}
	}
	return false
}

// normalizeForMatch lower-cases s, collapses white space, and maps curly
// quotes to straight ones and en and em dashes to hyphens.
func normalizeForMatch(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '“', '”', '„', '″':
			return '"'
		case '‘', '’', '′':
			return '\''
		case '–', '—':
			return '-'
		}
		return unicode.ToLower(r)
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// keys returns a map's keys sorted, for printing reports in a stable order.
func keys(m map[string]Metrics) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
