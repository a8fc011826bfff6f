package lexicon

import (
	"slices"
	"testing"
)

func TestSynonyms(t *testing.T) {
	for _, tc := range []struct {
		word string
		want []string // each must be among the synonyms
	}{
		{"tentara", []string{"pasukan", "prajurit", "serdadu", "militer"}},
		{"pasukan", []string{"angkatan", "laskar"}},
		{"perjanjian", []string{"kesepakatan", "pakta", "persetujuan"}},
		{"serangan", []string{"agresi", "serbuan"}},
		{"mengesahkan", []string{"menetapkan", "mengabsahkan"}},
		{"sahkan", []string{"menetapkan", "mengabsahkan"}}, // via mengesahkan
		{"disahkan", []string{"resmi", "absah"}},           // via the root sah
		{"kekhawatiran", []string{"kecemasan"}},
	} {
		t.Run(tc.word, func(t *testing.T) {
			got := Synonyms(tc.word)
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("Synonyms(%q) = %q, want it to contain %q", tc.word, got, w)
				}
			}
			if len(got) > maxSynonyms {
				t.Errorf("Synonyms(%q) has %d synonyms, want at most %d", tc.word, len(got), maxSynonyms)
			}
			if slices.Contains(got, tc.word) {
				t.Errorf("Synonyms(%q) = %q, contains the word itself", tc.word, got)
			}
		})
	}
}

func TestSynonymsUnknown(t *testing.T) {
	for _, w := range []string{"", "kursk", "xqzzv"} {
		if got := Synonyms(w); len(got) != 0 {
			t.Errorf("Synonyms(%q) = %q, want none", w, got)
		}
	}
}
