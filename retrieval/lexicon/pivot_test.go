package lexicon

import (
	"slices"
	"strings"
	"testing"
)

func TestPivotTranslate(t *testing.T) {
	for _, tc := range []struct {
		word string
		want string // must be among the translations
		best bool   // want must come first
	}{
		{"visitor", "pengunjung", true},
		{"visitors", "pengunjung", true}, // lemma
		{"decide", "memutuskan", true},
		{"decided", "memutuskan", true}, // lemma
		{"emphasize", "menekankan", true},
		{"imitate", "meniru", true}, // Translate has only the cognate imitasi
		{"describe", "menggambarkan", true},
		{"described", "menggambarkan", true},
		{"ratify", "mengesahkan", true}, // Translate has only the cognate ratifikasi
		{"require", "memerlukan", false},
		{"effect", "pengaruh", false},
		{"ignore", "mengingkari", true},
		{"knapsack", "ransel", true},
		{"compulsory", "wajib", true},
	} {
		t.Run(tc.word, func(t *testing.T) {
			got := PivotTranslate(tc.word)
			if !slices.Contains(got, tc.want) {
				t.Errorf("PivotTranslate(%q) = %q, want it to contain %q", tc.word, got, tc.want)
			}
			if tc.best && (len(got) == 0 || got[0] != tc.want) {
				t.Errorf("PivotTranslate(%q) = %q, want %q first", tc.word, got, tc.want)
			}
			if len(got) > maxPivotTranslations {
				t.Errorf("PivotTranslate(%q) has %d translations, want at most %d", tc.word, len(got), maxPivotTranslations)
			}
		})
	}
}

// TestPivotNeverOverrides checks that PivotTranslate gives nothing for a
// word the direct dictionary has, as a headword or through the forms
// Translate looks up, and that the pivot table holds no direct headword.
func TestPivotNeverOverrides(t *testing.T) {
	direct := translateTable()
	for i := range direct.len() {
		w, _ := direct.line(i)
		if got := PivotTranslate(w); got != nil {
			t.Errorf("PivotTranslate(%q) = %q, want nil: the direct dictionary has it", w, got)
		}
		if _, ok := pivotTable().lookup(w); ok {
			t.Errorf("pivot table has %q, a direct dictionary headword", w)
		}
	}
	for _, w := range []string{"soldiers", "signed", "treaties", "gathered", "worry", "defence"} {
		if got := PivotTranslate(w); got != nil {
			t.Errorf("PivotTranslate(%q) = %q, want nil: Translate finds it in the direct dictionary", w, got)
		}
	}
}

func TestPivotTranslateUnknown(t *testing.T) {
	for _, w := range []string{"", "xqzzv", "qwrtp"} {
		if got := PivotTranslate(w); len(got) != 0 {
			t.Errorf("PivotTranslate(%q) = %q, want none", w, got)
		}
	}
}

// TestPivotTableShape checks the generator's limits: English headwords and
// translations of at most three words, at most four translations, none
// repeated.
func TestPivotTableShape(t *testing.T) {
	p := pivotTable()
	for i := range p.len() {
		k, v := p.line(i)
		if n := len(strings.Fields(k)); n == 0 || n > 3 || k != strings.ToLower(k) {
			t.Errorf("pivot line %d: headword %q, want 1–3 lower-case words", i, k)
		}
		trs := strings.Split(v, "|")
		if len(trs) > maxPivotTranslations {
			t.Errorf("pivot %q: %d translations, want at most %d", k, len(trs), maxPivotTranslations)
		}
		for j, tr := range trs {
			if n := len(strings.Fields(tr)); n == 0 || n > 3 {
				t.Errorf("pivot %q: translation %q, want 1–3 words", k, tr)
			}
			if slices.Contains(trs[:j], tr) {
				t.Errorf("pivot %q: %q repeated", k, tr)
			}
		}
	}
}
