package retrieval

import (
	"testing"

	"kutip/corpus"
)

// TestUncoveredConcept checks which question words the default article has
// no word for, by questions people ask in chat.
func TestUncoveredConcept(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	tests := []struct{ q, want string }{
		// General knowledge that shares a name with the article.
		{"how old is kim jong un", "old"},
		{"is putin married", "married"},
		{"capital of north korea?", "capital"},
		{"who won the war", "won"},
		{"cuaca di pyongyang gmn", "cuaca"},
		// Questions the article answers.
		{"when did russia ratify the treaty?", ""},
		{"Siapa pemimpin Korea Utara?", ""},
		{"how many soldiers did north korea send", ""},
		// A light word asks nothing by itself.
		{"6 november what happened", ""},
		// Nor does a word that asks how someone took it: what they
		// said or did answers it, in other words.
		{"how did south korea react", ""},
		{"gmn reaksi korsel", ""},
		// A word no dictionary knows tells nothing.
		{"zelensky criticised whomst", ""},
	}
	for _, tt := range tests {
		if got := ix.parseQuestion(tt.q).uncoveredConcept(); got != tt.want {
			t.Errorf("uncoveredConcept(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}

// TestNamesOnly checks whether a sentence shares only names with a
// question.
func TestNamesOnly(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	sentence := func(prefix string) *sentence {
		for i := range ix.sents {
			if len(ix.sents[i].text) >= len(prefix) && ix.sents[i].text[:len(prefix)] == prefix {
				return &ix.sents[i]
			}
		}
		t.Fatalf("no sentence starts %q", prefix)
		return nil
	}
	tests := []struct {
		q, sentence string
		want        bool
	}{
		{"how old is kim jong un", "Kim Jong Un tersenyum", true},
		{"is putin married", "Kim Jong Un tersenyum", true},
		// "tersenyum" (smile) is no name.
		{"did kim smile", "Kim Jong Un tersenyum", false},
		{"when did russia's parliament ratify", "Parlemen Rusia meratifikasi", false},
	}
	for _, tt := range tests {
		if got := ix.namesOnly(ix.parseQuestion(tt.q), sentence(tt.sentence)); got != tt.want {
			t.Errorf("namesOnly(%q, %q…) = %v, want %v", tt.q, tt.sentence, got, tt.want)
		}
	}
}
