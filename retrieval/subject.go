package retrieval

import (
	"strings"
	"unicode"
)

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
	for ci := range q.concepts {
		name := ix.namesEntity(&q.concepts[ci])
		switch {
		case agent < 0 && name:
			agent = ci
		case agent >= 0 && !name:
			if q.lang != ix.mainLang && !(q.lang == "en" && doerAfterAuxiliary(q.text, q.concepts[agent].word)) {
				// Asked across languages, the order of words in
				// general is the translator's (on FacQA's English
				// questions it cost 3); only an English question
				// whose entity stands right after an active
				// auxiliary ("when did North Korea ratify …")
				// names its doer for certain.
				return -1, -1
			}
			return agent, ci
		}
	}
	return -1, -1
}

// activeAuxiliaries are the English auxiliaries after which a question
// names the doer of its verb: "did Russia ratify", "has Kim signed".
// "was"/"were" are left out: "when was the treaty signed" names what was
// done to.
var activeAuxiliaries = map[string]bool{
	"did": true, "does": true, "do": true, "didnt": true, "doesnt": true,
	"has": true, "have": true, "had": true, "hasnt": true, "havent": true,
	"will": true, "would": true, "can": true, "could": true,
}

// doerAfterAuxiliary reports whether, in the English question text, the
// word agent stands in the noun phrase right after an active auxiliary,
// within three words of it ("does russia", "did north korea", "did the
// russian parliament").
func doerAfterAuxiliary(text, agent string) bool {
	// The words one at a time, without a slice of them: the entity's noun
	// phrase starts at the auxiliary ("did north korea", "did the russian
	// parliament"), so agent must be one of the three words after the
	// latest auxiliary.
	text = strings.ToLower(text)
	i, aux := 0, -4 // the word's index, the latest auxiliary's
	for rest := text; rest != ""; {
		start := strings.IndexFunc(rest, isWordChar)
		if start < 0 {
			break
		}
		rest = rest[start:]
		end := strings.IndexFunc(rest, func(r rune) bool { return !isWordChar(r) })
		if end < 0 {
			end = len(rest)
		}
		w := rest[:end]
		rest = rest[end:]
		if i > aux && i <= aux+3 && w == agent {
			return true
		}
		if activeAuxiliaries[w] {
			aux = i
		}
		i++
	}
	return false
}

// isWordChar reports whether r belongs to a word of doerAfterAuxiliary.
func isWordChar(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

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
		if agentMarkers[s.token(p).Word] {
			return subjectBonus
		}
	}
	return -subjectBonus
}
