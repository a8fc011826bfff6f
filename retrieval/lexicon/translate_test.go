package lexicon

import (
	"slices"
	"testing"
)

func TestTranslate(t *testing.T) {
	for _, tc := range []struct {
		word string
		want []string // each must be among the translations
		best string   // if set, the first translation
	}{
		{"treaty", []string{"perjanjian"}, "perjanjian"},
		{"soldier", []string{"tentara", "prajurit"}, ""},
		{"soldiers", []string{"tentara", "prajurit"}, ""},
		{"troops", []string{"tentara"}, ""},
		{"ratify", []string{"ratifikasi"}, ""},   // cognate fallback
		{"ratified", []string{"ratifikasi"}, ""}, // lemma, then cognate
		{"sign", []string{"tanda", "menandatangani"}, ""},
		{"signed", []string{"menandatangani"}, ""},
		{"weapon", []string{"senjata"}, "senjata"},
		{"weapons", []string{"senjata"}, "senjata"},
		{"war", []string{"perang"}, "perang"},
		{"leader", []string{"pimpin"}, ""}, // lead + -er
		{"president", []string{"presiden"}, "presiden"},
		{"nuclear", []string{"nuklir"}, "nuklir"},
		{"region", []string{"wilayah", "kawasan", "daerah"}, ""},
		{"defense", []string{"pertahanan"}, "pertahanan"},
		{"defence", []string{"pertahanan"}, "pertahanan"}, // spelling variant
		{"agreement", []string{"perjanjian", "kesepakatan"}, ""},
		{"parliament", []string{"parlemen"}, "parlemen"},
		{"worried", []string{"khawatir"}, ""},
		// Irregular forms, through WordNet's exception lists.
		{"sent", []string{"kirim", "mengirim"}, ""},
		{"fought", []string{"tarung"}, ""},
		{"led", []string{"pimpin"}, ""},
		{"children", []string{"anak"}, ""},
		{"worry", []string{"khawatir"}, ""}, // listed only as worried
		{"military", []string{"militer"}, ""},
		{"army", []string{"tentara"}, ""},
		{"alliance", []string{"aliansi"}, ""},
		{"intelligence", []string{"intelijen"}, ""},
		{"missiles", []string{"rudal"}, ""},
	} {
		t.Run(tc.word, func(t *testing.T) {
			got := Translate(tc.word)
			for _, w := range tc.want {
				// The sources are merged by root: "pimpin" may come as
				// "pemimpin", which the index stems alike.
				if !slices.ContainsFunc(got, func(g string) bool { return g == w || Stem(g) == Stem(w) }) {
					t.Errorf("Translate(%q) = %q, want it to contain %q or a word of its root", tc.word, got, w)
				}
			}
			if tc.best != "" && (len(got) == 0 || got[0] != tc.best) {
				t.Errorf("Translate(%q) = %q, want %q first", tc.word, got, tc.best)
			}
			if len(got) > maxTranslations {
				t.Errorf("Translate(%q) has %d translations, want at most %d", tc.word, len(got), maxTranslations)
			}
		})
	}
}

func TestTranslateUnknown(t *testing.T) {
	for _, w := range []string{"", "xqzzv", "qwrtp"} {
		if got := Translate(w); len(got) != 0 {
			t.Errorf("Translate(%q) = %q, want none", w, got)
		}
	}
}

func TestEnglishLemmas(t *testing.T) {
	for _, tc := range []struct {
		word, want string
	}{
		{"soldiers", "soldier"},
		{"ratified", "ratify"},
		{"signed", "sign"},
		{"troops", "troop"},
		{"weapons", "weapon"},
		{"worried", "worry"},
		{"worries", "worry"},
		{"boxes", "box"},
		{"stopped", "stop"},
		{"running", "run"},
		{"making", "make"},
		{"used", "use"},
		{"fighting", "fight"},
	} {
		if got := englishLemmas(tc.word); !slices.Contains(got, tc.want) {
			t.Errorf("englishLemmas(%q) = %q, want it to contain %q", tc.word, got, tc.want)
		}
	}
}
