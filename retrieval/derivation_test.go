package retrieval

import (
	"testing"

	"kutip/corpus"
)

func TestPeNoun(t *testing.T) {
	tests := []struct {
		w, stem string
		want    bool
	}{
		{"penduduk", "duduk", true},
		{"pemimpin", "pimpin", true},
		{"pengemudi", "kemudi", true},
		{"perhubungan", "hubung", true},
		{"duduk", "duduk", false},
		{"menduduki", "duduk", false},
		{"dipimpin", "pimpin", false},
		// A root that starts like the prefix is no noun of another.
		{"pesawat", "pesawat", false},
		{"perang", "perang", false},
	}
	for _, tt := range tests {
		if got := peNoun(tt.w, tt.stem); got != tt.want {
			t.Errorf("peNoun(%q, %q) = %v, want %v", tt.w, tt.stem, got, tt.want)
		}
	}
}

// TestNounDerivationOutside checks that a question word reaching the
// corpus only through the root of a pe(N)- noun the corpus never writes
// does not make the corpus answer it.
func TestNounDerivationOutside(t *testing.T) {
	text := "Para petani duduk di bawah pohon beringin sambil menunggu hujan reda di Karawa.\n\n" +
		"Pasukan itu menduduki kota pelabuhan Karawa selama dua bulan.\n\n" +
		"Pembeli di pasar Karawa mengeluhkan harga beras yang naik."
	ix := mustBuild(t, []corpus.Document{{ID: "d", Title: "d", Lang: "id", Paragraphs: corpus.Paragraphs(text)}})
	tests := []struct {
		q         string
		uncovered string
		outside   bool
	}{
		// population → penduduk, whose root the corpus has only as
		// duduk (sit) and menduduki (occupy).
		{"population of karawa", "population", true},
		{"what is the population of karawa", "population", true},
		// The corpus writes the noun itself: pembeli (buyer).
		{"what did buyers in karawa complain about", "", false},
		// Asked as a verb, the verb answers.
		{"siapa yang menduduki kota pelabuhan karawa", "", false},
	}
	for _, tt := range tests {
		q, top := bestRanked(t, ix, tt.q)
		best := &ix.sents[top.id]
		if got := ix.uncoveredIn(q, best); got != tt.uncovered {
			t.Errorf("uncoveredIn(%q) = %q, want %q", tt.q, got, tt.uncovered)
		}
		if got := ix.outsideWorld(q, top); got != tt.outside {
			t.Errorf("outsideWorld(%q) = %v, want %v (best: %q)", tt.q, got, tt.outside, best.text)
		}
	}
}
