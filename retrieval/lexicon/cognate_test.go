package lexicon

import (
	"slices"
	"testing"
)

func TestCognates(t *testing.T) {
	for _, tc := range []struct {
		word, want string
		first      bool // want is the first candidate
	}{
		{"ratify", "ratifikasi", true},
		{"ratified", "ratifikasi", true},
		{"ratification", "ratifikasi", true},
		{"military", "militer", true},
		{"nuclear", "nuklir", true},
		{"technology", "teknologi", true},
		{"strategic", "strategis", false},
		{"comprehensive", "komprehensif", true},
		{"parliament", "parlemen", true},
		{"intelligence", "intelijen", false},
		{"instrument", "instrumen", true},
		{"president", "presiden", true},
		{"Russia", "rusia", true},
		{"Ukraine", "ukraina", false},
		{"bilateral", "bilateral", true},
		{"democracy", "demokrasi", true},
		{"national", "nasional", true},
		{"protection", "proteksi", true},
		{"university", "universitas", true},
		{"politics", "politik", false},
		{"physics", "fisika", true},
		{"conference", "konferensi", true},
		{"aggressive", "agresif", true},
		{"sanction", "sanksi", true},
		{"quota", "kwota", true},
		{"exports", "ekspor", false},
	} {
		t.Run(tc.word, func(t *testing.T) {
			got := Cognates(tc.word)
			if !slices.Contains(got, tc.want) {
				t.Errorf("Cognates(%q) = %q, want it to contain %q", tc.word, got, tc.want)
			}
			if tc.first && (len(got) == 0 || got[0] != tc.want) {
				t.Errorf("Cognates(%q) = %q, want %q first", tc.word, got, tc.want)
			}
			if len(got) > maxCognates {
				t.Errorf("Cognates(%q) has %d candidates, want at most %d", tc.word, len(got), maxCognates)
			}
		})
	}
}

func TestCognatesRejects(t *testing.T) {
	for _, w := range []string{"", "ab", "naïve", "11th", "co-op"} {
		if got := Cognates(w); got != nil {
			t.Errorf("Cognates(%q) = %q, want nil", w, got)
		}
	}
}

// The ending rules must be tried longest first, or "ation" would hide
// "ication".
func TestSuffixRulesLongestFirst(t *testing.T) {
	for i := 1; i < len(suffixRules); i++ {
		if len(suffixRules[i].en) > len(suffixRules[i-1].en) {
			t.Errorf("suffixRules[%d] = %q is longer than suffixRules[%d] = %q", i, suffixRules[i].en, i-1, suffixRules[i-1].en)
		}
	}
}
