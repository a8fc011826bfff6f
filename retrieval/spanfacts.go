package retrieval

import "kutip/retrieval/lexicon"

// Facts about a sentence's words that choosing its answer span reads.
// bestSpan asks, of every word of every span of every candidate, whether
// the question asks it, whether it leads a date or a number and whether it
// reads as a name: a string scan of the question's words and alternatives
// and a few map look-ups each time, the largest part of ranking. They
// depend on the word's form (its word and term) alone, so formFacts
// computes them once per question and form.

// spanScratch is one question's working memory for bestSpan, part of a
// rankScratch.
type spanScratch struct {
	m     *matcher // the question's
	facts formFacts
	cands []spanCand
}

// expresses reports whether term ID id is one of concept c's
// alternatives, as hasAlt(q.concepts[c], term) does, from the matcher's
// table.
func (m *matcher) expresses(id int32, c int) bool {
	if id < 0 || int(id) >= len(m.slot) || m.slot[id] == 0 {
		return false
	}
	for _, cw := range m.entries[m.slot[id]-1] {
		if cw.concept == c {
			return true
		}
	}
	return false
}

// expressesAt reports whether s's i-th token expresses concept c of the
// matcher's question (s is one of its index's sentences).
func (m *matcher) expressesAt(s *sentence, i, c int) bool {
	form, _, _ := s.packed(i)
	return m.expresses(s.strs.termIDs[form], c)
}

// asksTerm reports whether the question asks term ID id as one of its
// words' alternatives stronger than a synonym: parsedQuestion.asks's
// look-up through the alternatives, from the matcher's table.
func (m *matcher) asksTerm(id int32) bool {
	if id < 0 || int(id) >= len(m.slot) || m.slot[id] == 0 {
		return false
	}
	for _, cw := range m.entries[m.slot[id]-1] {
		if cw.weight > weightSynonym {
			return true
		}
	}
	return false
}

// formFact is a set of facts about one form.
type formFact uint8

const (
	factKnown     formFact = 1 << iota // factAsked, factContent and factLead are set
	factAsked                          // the question asks it (parsedQuestion.asks)
	factContent                        // a content word: its term is not ""
	factLead                           // it may lead a date or a number (dateLeads, numberLeads)
	factNameKnown                      // factCommon and factRoot are set
	factCommon                         // the corpus writes it in lower case (Index.lowerWords)
	factRoot                           // an Indonesian root word (lexicon.IsRoot)
)

// formFacts holds one question's facts about the forms of one index's
// sentences (those sharing strs), indexed by form. It is part of a
// rankScratch; reset empties it for the next question.
type formFacts struct {
	strs  *tokenStrings
	facts []formFact
	used  []uint32 // the forms whose facts are set
}

// reset forgets every fact, for a new question.
func (f *formFacts) reset() {
	for _, form := range f.used {
		f.facts[form] = 0
	}
	f.used = f.used[:0]
}

// fact returns the form of s's i-th token and its facts so far, readying
// the table for s's strings.
func (f *formFacts) fact(s *sentence, i int) (uint32, formFact) {
	form, _, _ := s.packed(i)
	if s.strs != f.strs {
		f.reset()
		f.strs = s.strs
		f.facts = grow(f.facts, len(s.strs.forms))
	}
	return form, f.facts[form]
}

// set adds facts to form's.
func (f *formFacts) set(form uint32, old, add formFact) formFact {
	if old == 0 {
		f.used = append(f.used, form)
	}
	f.facts[form] = old | add
	return old | add
}

// of returns the question facts (factAsked, factContent, factLead) of s's
// i-th token under q, whose matcher m is (s is one of its index's
// sentences).
func (f *formFacts) of(q *parsedQuestion, m *matcher, s *sentence, i int) formFact {
	form, ff := f.fact(s, i)
	if ff&factKnown != 0 {
		return ff
	}
	word, id := s.strs.strs[s.strs.forms[form].word], s.strs.termIDs[form]
	add := factKnown
	if q.words.has(word) || m.asksTerm(id) {
		add |= factAsked
	}
	if id >= 0 { // a term ID is a content word's (tokenStrings.termIDs)
		add |= factContent
	}
	if dateLeads[word] || numberLeads[word] {
		add |= factLead
	}
	return f.set(form, ff, add)
}

// isName reports whether s's i-th token reads as a name, as Index.isName.
func (f *formFacts) isName(ix *Index, s *sentence, i int) bool {
	form, ff := f.fact(s, i)
	if ff&factNameKnown == 0 {
		w := s.token(i).Word
		add := factNameKnown
		if ix.lowerWords[w] {
			add |= factCommon
		}
		if lexicon.IsRoot(w) {
			add |= factRoot
		}
		ff = f.set(form, ff, add)
	}
	return ff&factCommon == 0 && !(s.lang == "id" && ff&factRoot != 0)
}

// clauseBreakIn reports whether a clause of s starts at a token in
// (from, to]: whether tokens from and to stand in different clauses.
func clauseBreakIn(s *sentence, from, to int) bool {
	for k := from + 1; k <= to; k++ {
		if clauseBreak(s, s.token(k-1), s.token(k)) {
			return true
		}
	}
	return false
}

// clauseBounds returns the clause of s that holds token from, as tokens
// [lo, hi), read outward from from: found once per span when the spans of
// a sentence are, instead of for every candidate the sentence is.
func clauseBounds(s *sentence, from int) (lo, hi int) {
	n := s.tokenCount()
	lo, hi = from, from+1
	for t := s.token(lo); lo > 0; lo-- {
		prev := s.token(lo - 1)
		if clauseBreak(s, prev, t) {
			break
		}
		t = prev
	}
	for prev := s.token(from); hi < n; hi++ {
		t := s.token(hi)
		if clauseBreak(s, prev, t) {
			break
		}
		prev = t
	}
	return lo, hi
}
