package lexicon

import (
	"slices"
	"testing"
)

// TestTranslateWeighted spot-checks frequent news words FreeDict lacks or
// ranks poorly, which the table learned from parallel news gives.
func TestTranslateWeighted(t *testing.T) {
	for _, tc := range []struct {
		word string
		want []string // one of these among the translations
	}{
		{"warn", []string{"memperingatkan"}},
		{"warned", []string{"memperingatkan"}},
		{"killed", []string{"tewas"}},
		{"wounded", []string{"cedera", "luka"}},
		{"sanctions", []string{"sanksi"}},
		{"attack", []string{"serangan"}},
		{"troops", []string{"tentara", "pasukan"}},
		{"announced", []string{"mengumumkan"}},
		{"border", []string{"perbatasan"}},
	} {
		t.Run(tc.word, func(t *testing.T) {
			got := TranslateWeighted(tc.word)
			if len(got) == 0 || len(got) > maxTranslations {
				t.Fatalf("TranslateWeighted(%q) = %v, want 1 to %d translations", tc.word, got, maxTranslations)
			}
			if !slices.ContainsFunc(got, func(tr Translation) bool { return slices.Contains(tc.want, tr.Text) }) {
				t.Errorf("TranslateWeighted(%q) = %v, want one of %q", tc.word, got, tc.want)
			}
			for i, tr := range got {
				if tr.Weight <= 0 || tr.Weight > 1 {
					t.Errorf("%q weighs %v, want (0, 1]", tr.Text, tr.Weight)
				}
				if i > 0 && tr.Weight > got[i-1].Weight {
					t.Errorf("%v: not heaviest first", got)
				}
			}
		})
	}
}

// TestTranslateWeightedAgreement: a translation both sources give weighs
// more than one only FreeDict gives.
func TestTranslateWeightedAgreement(t *testing.T) {
	got := TranslateWeighted("border")
	if len(got) == 0 || got[0].Text != "perbatasan" || got[0].Weight <= dictOnly {
		t.Fatalf("TranslateWeighted(border) = %v, want perbatasan first, above FreeDict's %v alone", got, dictOnly)
	}
	for _, tr := range TranslateWeighted("treaty") {
		if tr.Text == "traktat" && tr.Weight != dictOnly {
			t.Errorf("traktat, which only FreeDict gives, weighs %v, want %v", tr.Weight, dictOnly)
		}
	}
}

func TestTranslatePhrase(t *testing.T) {
	for _, tc := range []struct {
		first, second, want string
	}{
		{"air", "force", "angkatan udara"},
		{"armed", "forces", "angkatan bersenjata"},
		{"took", "over", "mengambil alih"},
		{"human", "rights", "hak asasi manusia"},
	} {
		got := TranslatePhrase(tc.first, tc.second)
		if !slices.ContainsFunc(got, func(tr Translation) bool { return tr.Text == tc.want }) {
			t.Errorf("TranslatePhrase(%q, %q) = %v, want %q among them", tc.first, tc.second, got, tc.want)
		}
	}
	if got := TranslatePhrase("north", "korea"); got != nil {
		t.Errorf("TranslatePhrase(north, korea) = %v, want nil: its words' own translations say it", got)
	}
}

// TestTranslateWordnet: a noun neither FreeDict nor the learned table
// knows comes from Wordnet Bahasa, at its lower weight.
func TestTranslateWordnet(t *testing.T) {
	got := TranslateWeighted("watershed")
	if len(got) == 0 || got[0].Text != "das" || got[0].Weight != wordnetOnly {
		t.Errorf("TranslateWeighted(watershed) = %v, want das (daerah aliran sungai) at %v", got, wordnetOnly)
	}
	for _, tr := range TranslateWeighted("border") {
		if tr.Weight == wordnetOnly {
			t.Errorf("TranslateWeighted(border) has %v from Wordnet Bahasa, which only stands in for words the others lack", tr)
		}
	}
}

func TestIsEnglishWord(t *testing.T) {
	for _, tc := range []struct {
		word string
		want bool
	}{
		{"transfer", true}, // also Indonesian
		{"arms", true},
		{"treaties", true}, // through its base form
		{"warned", true},
		{"senjata", false},
		{"perjanjian", false},
		{"pasukan", false},
		{"zelenskyy", false},
	} {
		if got := IsEnglishWord(tc.word); got != tc.want {
			t.Errorf("IsEnglishWord(%q) = %v, want %v", tc.word, got, tc.want)
		}
	}
}
