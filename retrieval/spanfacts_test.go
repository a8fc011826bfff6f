package retrieval

import (
	"testing"

	"kutip/corpus"
)

// TestClauseBoundsMatchNumbering: the clause bounds bestSpan reads from a
// span, found outward from a word, are the words a numbering of the
// sentence's clauses from its start gives the same number, for every word
// of every sentence of the article (clauses by comma-less joiners,
// semicolons and dashes) and of sentences made to hold each kind of break.
func TestClauseBoundsMatchNumbering(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	a := newAnalyzer("id")
	sents := []*sentence{}
	for _, text := range []string{
		"Kim Jong Un tersenyum sambil duduk di kursi penumpang sementara Vladimir Putin mengemudikan Aurus",
		"Kiev membalas serangan itu; Moskow menyebutnya provokasi",
		"Pyongyang – sekutu Moskow – mengirim pasukan",
		"Pemerintah Sementara Korea menolak, namun Moskow setuju",
	} {
		sents = append(sents, newSentence(text, "id", a.analyze(text)))
	}
	for i := range ix.sents {
		sents = append(sents, &ix.sents[i])
	}
	for _, s := range sents {
		n := s.tokenCount()
		clause := make([]int, n) // each word's clause, numbered from the start
		for k := 1; k < n; k++ {
			clause[k] = clause[k-1]
			if clauseBreak(s, s.token(k-1), s.token(k)) {
				clause[k]++
			}
		}
		for from := range n {
			lo, hi := clauseBounds(s, from)
			for p := range n {
				if got, want := p >= lo && p < hi, clause[p] == clause[from]; got != want {
					t.Errorf("%.40q: word %d in the clause [%d, %d) of word %d = %v, the numbering says %v", s.text, p, lo, hi, from, got, want)
				}
			}
			for to := from; to < n; to++ {
				lo2, hi2 := clauseBounds(s, to)
				if got, want := clauseBreakIn(s, from, to), lo2 != lo || hi2 != hi; got != want {
					t.Errorf("%.40q: clauseBreakIn(%d, %d) = %v, want %v", s.text, from, to, got, want)
				}
			}
		}
	}
}

// TestFormFactsMatchTheirSources: what formFacts remembers of a word is
// what asks, the date and number leads and isName say of it, and the
// matcher's table says a word expresses a concept when hasAlt does,
// question after question in one reused scratch, for every word of the
// article.
func TestFormFactsMatchTheirSources(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	var f formFacts
	sc := &rankScratch{m: matcher{seen: map[int]int{}}}
	for _, question := range []string{
		"Kapan Rusia meratifikasi perjanjian itu?",
		"when did North Korea ratify the treaty?",
		"Siapa pemimpin Korea Utara?",
		"how many North Korean soldiers were sent to Kursk?",
	} {
		q := ix.parseQuestion(question)
		m := sc.matcher(ix, q)
		f.reset()
		for si := range ix.sents {
			s := &ix.sents[si]
			for i := range s.tokenCount() {
				tk := s.token(i)
				got := f.of(q, m, s, i)
				if want := q.asks(tk); (got&factAsked != 0) != want {
					t.Errorf("%q: %q asked = %v, want %v", question, tk.Word, !want, want)
				}
				if want := tk.Term != ""; (got&factContent != 0) != want {
					t.Errorf("%q: %q content = %v, want %v", question, tk.Word, !want, want)
				}
				if want := dateLeads[tk.Word] || numberLeads[tk.Word]; (got&factLead != 0) != want {
					t.Errorf("%q: %q lead = %v, want %v", question, tk.Word, !want, want)
				}
				if got, want := f.isName(ix, s, i), ix.isName(tk.Word, s.lang); got != want {
					t.Errorf("%q: isName(%q, %s) = %v, want %v", question, tk.Word, s.lang, got, want)
				}
				for c := range q.concepts {
					if got, want := m.expressesAt(s, i, c), hasAlt(q.concepts[c], tk.Term); got != want {
						t.Errorf("%q: %q expresses %q = %v, want %v", question, tk.Word, q.concepts[c].word, got, want)
					}
				}
			}
		}
	}
}
