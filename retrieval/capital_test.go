package retrieval

import (
	"strings"
	"testing"

	"kutip/corpus"
)

// TestCapitalForCountry checks that a question naming a capital as the
// doer is answered by the sentence where its country acts.
func TestCapitalForCountry(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	tests := []struct{ q, want string }{
		// The Russian parliament ratified on 6 November; North Korea's
		// sentence only mentions Moscow.
		{"when did moscow ratify the treaty", "Parlemen Rusia meratifikasi"},
		// The country named as itself is unchanged.
		{"when did russia ratify the treaty", "Parlemen Rusia meratifikasi"},
	}
	for _, tt := range tests {
		ans, err := ix.Ask(t.Context(), tt.q)
		if err != nil {
			t.Fatalf("Ask(%q): %v", tt.q, err)
		}
		if len(ans.Passages) == 0 || !strings.Contains(ans.Passages[0].Text, tt.want) {
			t.Errorf("Ask(%q) first passage = %v, want one holding %q", tt.q, ans.Passages, tt.want)
		}
	}
	// Only English capital names expand, and only to one-word names of a
	// country: "Pyongyang" is "Korea Utara", two words.
	q := ix.parseQuestion("when did moscow ratify")
	if !conceptHas(q.concepts[0], "rusia") {
		t.Errorf("concept %q has alternatives %+v, want rusia among them", q.concepts[0].word, q.concepts[0].alts)
	}
}

func conceptHas(c concept, term string) bool {
	for _, a := range c.alts {
		if a.term == term {
			return true
		}
	}
	return false
}
