package retrieval

import (
	"slices"
	"testing"

	"kutip/retrieval/lexicon"
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
		got := spanTexts(typeNumber, tc.text, newAnalyzer(tc.lang).analyze(tc.text), nil)
		if !slices.Equal(got, tc.want) {
			t.Errorf("number spans of %q = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestAgeAfterName checks which number spans are a person's age in
// parentheses after the name, which answer only a question about age.
func TestAgeAfterName(t *testing.T) {
	a := newAnalyzer("id")
	cases := []struct {
		text string
		want []bool // for each number span
	}{
		{"Penyanyi asal Kanada, Celine Dion (36), mengkritik Presiden AS.", []bool{true}},
		{"Harold Pinter (75) menerima Nobel sastra tahun ini.", []bool{true}},
		{"Sebanyak 84 penumpang (12 anak) selamat.", []bool{false, false}},
		{"Dion menyumbang satu juta dollar AS (Rp 10 miliar).", []bool{false, false}},
	}
	for _, tc := range cases {
		s := newSentence(tc.text, "id", a.analyze(tc.text))
		var got []bool
		for _, sp := range typedSpans(typeNumber, s.text, s.tokens(), nil) {
			got = append(got, ageAfterName(s, &sp))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("ageAfterName over the number spans of %q = %v, want %v", tc.text, got, tc.want)
		}
	}
}

// TestSentenceStartDerivedWord checks that a capitalised first word that
// is an Indonesian root with affixes is no name span, while a first word
// that is a name stays one.
func TestSentenceStartDerivedWord(t *testing.T) {
	a := newAnalyzer("id")
	cases := []struct {
		text string
		want []string
	}{
		{"Pembatalan ini merupakan balasan atas kunjungan Junichiro Koizumi ke Kuil Yasukuni.", []string{"Junichiro Koizumi", "Kuil Yasukuni"}},
		{"Kegigihan itu membuahkan hasil bagi Roemwerdiniadi.", []string{"Roemwerdiniadi"}},
		{"Koizumi mengunjungi Kuil Yasukuni, Senin.", []string{"Koizumi", "Kuil Yasukuni"}},
	}
	isName := func(t token) bool { return !derivedWord(t, "id") }
	for _, tc := range cases {
		got := spanTexts(typeName, tc.text, a.analyze(tc.text), isName)
		if !slices.Equal(got, tc.want) {
			t.Errorf("name spans of %q = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestDatelineStartWord checks that the first word after a dateline is
// read as a sentence's first word: a name span only when it is a name.
func TestDatelineStartWord(t *testing.T) {
	a := newAnalyzer("id")
	// As Index.isName reads a corpus that never writes these words in
	// lower case: a name unless a root word, with affixes or without.
	isName := func(t token) bool { return !lexicon.IsRoot(t.Word) && !derivedWord(t, "id") }
	cases := []struct {
		text string
		want []string
	}{
		{"Helsinki, Rabu - Berangkat dengan persiapan besar membuat Tonique menang.", []string{"Helsinki", "Tonique"}},
		{"Kuala Lumpur, Kompas - Pulang dengan medali perak, Noraseela Mohd Khalid tersenyum.", []string{"Kuala Lumpur", "Kompas", "Noraseela Mohd Khalid"}},
		{"Helsinki, Rabu - Tonique menang.", []string{"Helsinki", "Tonique"}},
	}
	for _, tc := range cases {
		got := spanTexts(typeName, tc.text, a.analyze(tc.text), isName)
		if !slices.Equal(got, tc.want) {
			t.Errorf("name spans of %q = %q, want %q", tc.text, got, tc.want)
		}
	}
}
