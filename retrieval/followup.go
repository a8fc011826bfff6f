package retrieval

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Follow-ups. A question asked in reply to an answer often leaves out what
// it is about: "and North Korea?" after "when did Russia ratify the
// treaty?", "when was that?", "siapa yang menandatanganinya?". Such a
// follow-up is read with the previous question's content words added at a
// lower weight (a share of their idf, so both their pull on the search and
// their part of coverage shrink), and with its answer type when it asks
// none of its own. Words the follow-up has itself are not added twice, and
// when the follow-up names an entity of its own it replaces the previous
// question's entities instead of joining them. A follow-up that names
// nothing but an entity ("and North Korea?") is read as the previous
// question about it ("when did North Korea ratify?"). A follow-up that
// reads as a question of its own (no pronoun, or more than three content
// words) is asked as it stands.

// followUp are the choices of reading a follow-up; defaultFollowUp holds
// kutip's.
type followUp struct {
	// carry is the share of its idf a previous question's word keeps.
	carry float64
	// mass bounds the carried words' idf, together, to this many times
	// the follow-up's own words'; 0 leaves it unbounded.
	mass float64
	// maxOwn is the most content words a follow-up may have and still be
	// read as short; one with more is read with the previous question
	// only when it points back (a pronoun, "-nya", "and …?").
	maxOwn int
	// maxBack is the most content words a follow-up that points back may
	// have; one with more is complete.
	maxBack int
	// always reads every follow-up with the previous question, however
	// complete it is (measured, not used).
	always bool
	// noSubstitution leaves out substitute: a follow-up that only names
	// an entity is read like any other (measured, not used).
	noSubstitution bool
	// keepEntities keeps the previous question's entities when the
	// follow-up names one of its own (measured, not used).
	keepEntities bool
}

// defaultFollowUp is kutip's reading of follow-ups, chosen on the pairs
// written from FacQA's training questions (eval/testdata/followup/
// train.jsonl, 40 pairs: 19 right alone, 28 with the previous question
// when chosen) and on the training questions asked each after the one
// before it, which a follow-up reading must leave alone (1,916 of 2,494
// right alone, 1,909 so). The carried weight changes nothing there from
// 0.3 to 1, so it is half, the middle; reading every question of up to 2
// words, or up to 4 pointing back, as a follow-up gains 2 pairs and costs
// 27 complete questions. Substituting a named entity changes no training
// pair and is the reading the issue's own example asks for.
var defaultFollowUp = followUp{carry: 0.5, maxOwn: 0, maxBack: 3}

// AskFollowUp answers question as a follow-up to previous, the question
// asked before it in the same conversation: like Ask, but a question that
// leaves out what it is about is read with previous's subject. With an
// empty previous it is Ask.
func (ix *Index) AskFollowUp(ctx context.Context, previous, question string) (Answer, error) {
	ans, err := ix.SearchFollowUp(ctx, previous, question, DefaultTop)
	if err != nil || ans.Answered {
		return ans, err
	}
	return withheld(ans), nil
}

// SearchFollowUp is Search for a follow-up: AskFollowUp without
// abstention's trimming.
func (ix *Index) SearchFollowUp(ctx context.Context, previous, question string, n int) (Answer, error) {
	return ix.searchParsed(ctx, question, ix.parseFollowUp(previous, question, defaultFollowUp), n)
}

// AskFollowUp is Index.AskFollowUp on the current index.
func (l *Live) AskFollowUp(ctx context.Context, previous, question string) (Answer, error) {
	r := l.acquire()
	if r == nil {
		return Answer{Question: question}, ErrNoIndex
	}
	defer r.release()
	a, err := r.ix.AskFollowUp(ctx, previous, question)
	l.repairIfBroken(r.ix)
	return a, err
}

// parseFollowUp parses question and, when it needs them, adds previous's
// content words and answer type (see the comment at the top).
func (ix *Index) parseFollowUp(previous, question string, f followUp) *parsedQuestion {
	q := ix.parseQuestion(question)
	if strings.TrimSpace(previous) == "" || !f.always && !elliptical(q, f.maxOwn, f.maxBack) {
		return q
	}
	if !f.noSubstitution {
		if text, ok := substitute(previous, question, q); ok {
			return ix.parseQuestion(text)
		}
	}
	p := ix.parseQuestion(previous)
	ownEntity := false
	if !f.keepEntities {
		for _, c := range q.concepts {
			if namedIn(q.text, c.word) {
				ownEntity = true
				break
			}
		}
	}
	own := len(q.concepts)
	var ownMass, carriedMass float64
	for _, c := range q.concepts {
		ownMass += c.idf
	}
	focus := -1
	for i := range p.concepts {
		c := p.concepts[i]
		if len(q.concepts) == maxConcepts {
			break
		}
		if ownEntity && namedIn(p.text, c.word) || sharesTerm(q.concepts[:own], c) {
			continue
		}
		if i == p.focus {
			focus = len(q.concepts)
		}
		carriedMass += c.idf
		q.concepts = append(q.concepts, c)
	}
	if own > 0 && carriedMass > 0 {
		// Each carried word keeps at most carry of its idf, and together
		// they weigh at most mass times the follow-up's own words: a long
		// previous question must not drown a short follow-up. Alone, the
		// previous question's words are the whole subject ("when was
		// that?") and keep their weight.
		scale := f.carry
		if f.mass > 0 {
			scale = min(scale, f.mass*ownMass/carriedMass)
		}
		for i := own; i < len(q.concepts); i++ {
			q.concepts[i].idf *= scale
		}
	}
	if q.qtype == typeNone && !asksItself(q) {
		q.qtype = p.qtype
		if q.focus < 0 {
			q.focus = focus
		}
	}
	return q
}

// substitute reads a follow-up that names nothing but an entity ("and
// North Korea?", "Dan Rusia?", "and in Russia?") as the previous question
// about that entity instead of its first: "when did Russia ratify?" then
// "and North Korea?" is "when did North Korea ratify?", asked in full, so
// that the entity is read in the role the previous one had (the doer of
// "did … ratify", see subject.go) rather than as one more word. It
// reports false for any other follow-up, or when the previous question
// names no entity.
func substitute(previous, question string, q *parsedQuestion) (string, bool) {
	if len(q.concepts) == 0 || asksItself(q) {
		return "", false
	}
	for _, c := range q.concepts {
		if !namedIn(q.text, c.word) {
			return "", false
		}
	}
	runs := nameRuns(question)
	if len(runs) != 1 {
		return "", false
	}
	name := question[runs[0][0]:runs[0][1]]
	prev := nameRuns(previous)
	if len(prev) == 0 {
		return "", false
	}
	return previous[:prev[0][0]] + name + previous[prev[0][1]:], true
}

// nameRuns returns the byte spans of the runs of capitalised words in
// text ("North Korea", "Refaat Al Agroudy", "DAS Serayu"), words
// separated by spaces only, leaving out its first word, which is
// capitalised as the start of a sentence.
func nameRuns(text string) [][2]int {
	var runs [][2]int
	first, inRun := true, false
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			if !unicode.IsSpace(r) {
				inRun = false
			}
			i += size
			continue
		}
		start := i
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '\'' {
				break
			}
			i += size
		}
		word := text[start:i]
		if first || !capitalized(word) {
			first, inRun = false, false
			continue
		}
		if inRun {
			runs[len(runs)-1][1] = i
		} else {
			runs = append(runs, [2]int{start, i})
			inRun = true
		}
	}
	return runs
}

// namedIn reports whether word stands capitalised in text other than as
// its first word: a name ("Russia", "Korea Utara"). The corpus's own
// casing is no guide here: "perjanjian" may be written capitalised in a
// treaty's title more often than not.
func namedIn(text, word string) bool {
	fields := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, f := range fields {
		if i > 0 && capitalized(f) && strings.ToLower(f) == word {
			return true
		}
	}
	return false
}

// sharesTerm reports whether concept c shares an index term, at a weight
// above a synonym's, with one of cs: the follow-up says it already.
func sharesTerm(cs []concept, c concept) bool {
	for _, o := range cs {
		for _, a := range o.alts {
			if a.weight <= weightSynonym {
				continue
			}
			for _, b := range c.alts {
				if b.weight > weightSynonym && a.term == b.term {
					return true
				}
			}
		}
	}
	return false
}

// asksItself reports whether q has a question word of its own: its
// answer type, even when none, is then its own ("what else?").
func asksItself(q *parsedQuestion) bool {
	for _, w := range q.words {
		if isQuestionWord(w) {
			return true
		}
	}
	return false
}

// elliptical reports whether q reads as a follow-up that leaves out its
// subject: it has at most maxOwn content words, or at most maxBack and it
// points back to what was asked before (a pronoun, Indonesian "-nya", a
// leading "and"). A longer question is complete whatever its pronouns:
// "that" and "its" are as often part of a question that says everything
// ("the boat that TNI fired on").
func elliptical(q *parsedQuestion, maxOwn, maxBack int) bool {
	if len(q.concepts) <= maxOwn {
		return true
	}
	if len(q.concepts) > maxBack {
		return false
	}
	for i, w := range q.words {
		if pointsBack[w] || i == 0 && leadingBack[w] || possessiveNya(w) {
			return true
		}
	}
	return false
}

// pointsBack are words that stand for something named earlier in the
// conversation.
var pointsBack = map[string]bool{
	// English
	"it": true, "its": true, "that": true, "this": true, "these": true, "those": true,
	"they": true, "them": true, "their": true, "he": true, "him": true, "his": true,
	"she": true, "her": true, "there": true, "then": true,
	// Indonesian
	"itu": true, "ini": true, "tersebut": true, "dia": true, "ia": true, "beliau": true,
	"mereka": true, "sana": true, "situ": true,
}

// leadingBack are words that, first in a question, continue the one
// before: "and North Korea?", "what about Seoul?", "lalu kapan?".
var leadingBack = map[string]bool{
	"and": true, "also": true, "so": true, "dan": true, "lalu": true, "terus": true, "kalau": true,
}

// possessiveNya reports whether an Indonesian word ends in the clitic
// -nya ("menandatanganinya", "umurnya"), which points back to something
// named before. Words in which "nya" is part of the root are left out.
func possessiveNya(w string) bool {
	if len(w) < 6 || !strings.HasSuffix(w, "nya") {
		return false
	}
	return !nyaRoots[w]
}

// nyaRoots are words that end in "nya" without the clitic.
var nyaRoots = map[string]bool{
	"hanya": true, "punya": true, "tanya": true, "bertanya": true, "ditanya": true, "menanya": true,
	"menanyakan": true, "sebenarnya": true, "biasanya": true, "seharusnya": true, "sepertinya": true,
	"akhirnya": true, "sebelumnya": true, "selanjutnya": true, "lainnya": true, "setelahnya": true,
}
