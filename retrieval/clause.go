package retrieval

import "strings"

// Clauses. A sentence of news often joins clauses about different things:
// "Kim Jong Un tersenyum sambil duduk di kursi penumpang sementara
// Vladimir Putin mengemudikan Aurus". A name or place in one clause does
// not answer a question about what happens in another, so bestSpan
// weakens a span that stands in no clause the question's words stand in.

// clausePenalty scales the strength of a span from another clause.
var clausePenalty = 0.7

// clauseStarts are the words that open a new clause after a comma, or
// alone where Indonesian joins clauses without one.
var clauseStarts = map[string]bool{
	"sementara": true, "sedangkan": true, "namun": true, "tetapi": true, "tapi": true, "padahal": true,
	"whereas": true, "while": true, "but": true, "although": true, "though": true,
}

// clauseBreak reports whether token t, which follows prev in s, opens a
// new clause.
func clauseBreak(s *sentence, prev, t token) bool {
	return strings.ContainsAny(s.text[prev.End():t.Start()], ";–—") || clauseStarts[t.Word]
}

// inClause reports whether one of the question's matched words
// (positions, token positions) stands in the clause [lo, hi) of a span
// (clauseBounds), or the question matched none: nothing to disagree with.
func inClause(positions []int, lo, hi int) bool {
	if len(positions) == 0 {
		return true
	}
	for _, p := range positions {
		if p >= lo && p < hi {
			return true
		}
	}
	return false
}
