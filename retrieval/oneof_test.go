package retrieval

import (
	"slices"
	"testing"
)

// TestNumberSpansSkipOneOf checks that the "one" of "one of" is no count:
// "salah satu upaya" picks one of several, "sedikitnya 500 keping" counts.
func TestNumberSpansSkipOneOf(t *testing.T) {
	cases := []struct {
		lang, text string
		want       []string
	}{
		{"id", "VCD itu merupakan salah satu upaya nelayan Mina Bakti Soansari.", nil},
		{"id", "Sedikitnya 500 keping VCD telah dicetak, satu di antaranya rusak.", []string{"Sedikitnya 500 keping", "satu"}},
		{"id", "Kurang gizi adalah salah satu penyebab 3 juta kematian anak.", []string{"3 juta kematian"}},
		{"en", "He was one of the researchers who found 12 caves.", []string{"12 caves"}},
		{"en", "Only one researcher found the caves.", []string{"one researcher"}},
	}
	for _, tc := range cases {
		toks := newAnalyzer(tc.lang).analyze(tc.text)
		var got []string
		for _, sp := range typedSpans(typeNumber, tc.text, toks, nil) {
			got = append(got, sp.text)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("number spans of %q = %q, want %q", tc.text, got, tc.want)
		}
	}
}
