package retrieval

// Subject agreement. When a question names who did something ("when did
// North Korea ratify the treaty?"), the sentence where that entity does it
// ("Korea Utara telah meratifikasi …") answers it, and one where it is
// only mentioned after someone else does it ("Parlemen Rusia meratifikasi
// perjanjian tersebut … dengan Korea Utara") does not, though both hold
// the same words. In both languages the doer of an active verb stands
// before it, and the doer of a passive one after "oleh"/"by".

// subjectBonus is what a sentence gains when the question's entity stands
// before the action as the question has it, and loses when the entity
// only follows it.
var subjectBonus = 0.05

// agentAction returns the concept of q that names who acts (the first of
// its concepts that names an entity) and the concept of the action (the
// first after it that names none), or -1, -1 when q has no such pair.
func (ix *Index) agentAction(q *parsedQuestion) (agent, action int) {
	agent = -1
	if q.lang != ix.mainLang {
		// Asked across languages, the question's order of words is
		// its translator's: on FacQA's English questions it cost 3.
		return -1, -1
	}
	for ci := range q.concepts {
		name := ix.namesEntity(&q.concepts[ci])
		switch {
		case agent < 0 && name:
			agent = ci
		case agent >= 0 && !name:
			return agent, ci
		}
	}
	return -1, -1
}

// namesEntity reports whether a concept names an entity: it has an
// alternative at a translation's weight or more, and the corpus writes
// none of those in lower case. Terms are stems, so an affixed verb whose
// root the corpus never writes bare ("menandatangani", "tandatangan")
// reads as a name too; also checking the word as asked was measured worse
// (FacQA train -5, dev -1, XQuAD -2).
func (ix *Index) namesEntity(c *concept) bool {
	found := false
	for _, a := range c.alts {
		if a.weight < weightTranslation {
			continue
		}
		if ix.lowerWords[a.term] {
			return false
		}
		found = true
	}
	return found
}

// subjectAgreement is the score adjustment of sentence s for a question
// whose agent and action concepts are given (see agentAction), from the
// weights and positions of the concepts in s.
func subjectAgreement(s *sentence, agent, action int, weights []float64, positions []int) float64 {
	if agent < 0 || weights[agent] == 0 || weights[action] == 0 {
		return 0
	}
	pa, pv := positions[agent], positions[action]
	if pa < pv {
		return subjectBonus
	}
	// After the verb, the doer of a passive: "diratifikasi oleh Rusia".
	for p := max(pa-2, 0); p < pa; p++ {
		if agentMarkers[s.tokens[p].Word] {
			return subjectBonus
		}
	}
	return -subjectBonus
}
