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

// clauseAt returns the clause number of each token position of s: a new
// clause begins after ";", a spaced dash, or at a clause word.
func clauseAt(s *sentence) []int {
	out := make([]int, s.tokenCount())
	n := 0
	var prev token
	for i := range out {
		t := s.token(i)
		if i > 0 {
			gap := s.text[prev.End():t.Start()]
			if strings.ContainsAny(gap, ";–—") || clauseStarts[t.Word] {
				n++
			}
		}
		out[i] = n
		prev = t
	}
	return out
}

// sameClause reports whether the span starting at token from stands in a
// clause that holds one of the question's matched words (positions), or
// the question matched none.
func sameClause(s *sentence, from int, positions []int) bool {
	if len(positions) == 0 {
		return true
	}
	cl := clauseAt(s)
	for _, p := range positions {
		if p >= 0 && p < len(cl) && cl[p] == cl[from] {
			return true
		}
	}
	return false
}
