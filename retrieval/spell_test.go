package retrieval

import (
	"testing"

	"kutip/corpus"
)

func TestCorrectWord(t *testing.T) {
	// A corpus's support for some English words: how many sentences hold
	// their translations.
	support := map[string]int{"soldiers": 5, "soldier": 3, "ratify": 2, "ratified": 2, "sign": 4, "signed": 4,
		"announced": 1, "weapons": 2, "putting": 1, "agency": 2}
	sup := func(w string) int { return support[w] }
	tests := []struct{ in, want string }{
		{"soliders", "soldiers"}, // swapped letters
		{"soldeirs", "soldiers"},
		{"ratfy", "ratify"}, // a letter left out
		{"ratfied", "ratified"},
		{"anounced", "announced"},
		{"weapns", "weapons"},
		{"agncy", "agency"},
		{"signd", "signed"},     // inserting e ties with deleting d; a left-out letter is the commoner slip
		{"parliment", ""},       // not in this table
		{"weaponss", "weapons"}, // a letter doubled
		{"soldirs", "soldiers"},
		// Too short, or more than one edit away.
		{"sign", ""},
		{"sldrs", ""},
		{"xyzzyq", ""},
		// Not lower-case ASCII: names in other scripts, numbers.
		{"zelenskyy", ""},
		{"11000", ""},
		{"солдаты", ""},
	}
	for _, tt := range tests {
		if got := correctWord(tt.in, sup); got != tt.want {
			t.Errorf("correctWord(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEditsOne(t *testing.T) {
	var got []string
	editsOne("abc", func(w string) bool { got = append(got, w); return true })
	seen := map[string]bool{}
	for _, w := range got {
		if w == "abc" {
			t.Errorf("editsOne(abc) gave abc itself")
		}
		seen[w] = true
	}
	for _, w := range []string{
		"bac", "acb", // swaps
		"bc", "ac", "ab", // deletions
		"ebc", "ubc", // a vowel for a vowel
		"eabc", "abec", "abcy", // vowels inserted
		"abbc", "abcc", // a neighbour doubled
	} {
		if !seen[w] {
			t.Errorf("editsOne(abc) lacks %q", w)
		}
	}
	for _, w := range []string{"xbc", "abx", "axbc"} {
		if seen[w] {
			t.Errorf("editsOne(abc) gave %q: not a typing slip it tries", w)
		}
	}
	n := 0
	editsOne("abcdef", func(string) bool { n++; return n < 10 })
	if n != 10 {
		t.Errorf("editsOne went on after yield returned false: %d calls", n)
	}
}

func TestCorrectEnglishArticle(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	tests := []struct{ in, want string }{
		{"soldeirs", "soldiers"},
		{"ratfy", "ratify"},
		{"weapns", "weapons"},
		{"agression", "aggression"}, // the dictionary's word, not the loanword rules' "agresion"
		{"parliment", "parliament"},
		{"technicaly", "technically"},
		// Words the article has no meaning for are not corrected into
		// ones it has.
		{"obama", ""},
		{"brazil", ""},
		// A word the dictionary translates is no typo, whatever the
		// corpus lacks ...
		{"married", ""},
		{"capital", ""},
		{"population", ""},
		// ... unless two swapped letters give a listed word the corpus
		// has: the learned table reads "soliders" by its stem as "solid".
		{"soliders", "soldiers"},
	}
	for _, tt := range tests {
		if got := ix.correctEnglish(tt.in); got != tt.want {
			t.Errorf("correctEnglish(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// BenchmarkCorrectEnglish is the cost of correcting one misspelt word
// against the default article, uncached: every edit is looked up in the
// dictionary.
func BenchmarkCorrectEnglish(b *testing.B) {
	ix := mustBuild(b, corpus.Default())
	for b.Loop() {
		ix.correctEnglish("soliders")
	}
}
