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
		// In Indonesian, as the dictionary writes the capital.
		{"kapan moskow meratifikasi perjanjian itu", "Parlemen Rusia meratifikasi"},
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
	// A capital expands only to one-word names of its country
	// ("Pyongyang" is "Korea Utara", two words), and an Indonesian word
	// is no capital of the same spelling.
	for _, tt := range []struct {
		q, term string
		want    bool
	}{
		{"when did moscow ratify", "rusia", true},
		{"lima tentara", "peru", false},
	} {
		if c := ix.parseQuestion(tt.q).concepts[0]; conceptHas(c, tt.term) != tt.want {
			t.Errorf("concept %q has alternatives %+v, want %q among them: %v", c.word, c.alts, tt.term, tt.want)
		}
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
