package retrieval

import (
	"slices"
	"testing"
)

// TestInDateline checks which spans stand in a news story's dateline, the
// place and day it was filed from, before the dash that starts its text.
func TestInDateline(t *testing.T) {
	a := newAnalyzer("id")
	cases := []struct {
		text     string
		from, to int // the span's tokens
		want     bool
	}{
		{"Helsinki, Rabu - Berangkat dengan persiapan fisik yang besar membuat Tonique Williams-Darling menang.", 0, 0, true},
		{"Helsinki, Rabu - Berangkat dengan persiapan fisik yang besar membuat Tonique Williams-Darling menang.", 1, 1, true},
		{"Jakarta, Kompas - Presiden Susilo Bambang Yudhoyono menjenguk cendekiawan Nurcholish Madjid.", 0, 1, true},
		{"Jakarta, Kompas - Presiden Susilo Bambang Yudhoyono menjenguk cendekiawan Nurcholish Madjid.", 3, 5, false},
		{"bangkok, kamis - Untuk pertama kali sepanjang sejarah, Thailand akan memiliki panglima yang Muslim.", 1, 1, true},
		{"Jakarta, Kamis (8/9) - Harga minyak naik lagi.", 1, 3, true},
		// No dateline: a hyphen inside a word, a dash deep in the sentence.
		{"Tonique Williams-Darling dari Bahama merebut medali emas.", 0, 1, false},
		{"Dia merebut medali emas di nomor lari 400 meter - rekor baru.", 0, 0, false},
		{"Newcastle has two universities - Newcastle University and Northumbria.", 0, 0, false},
	}
	for _, tc := range cases {
		s := newSentence(tc.text, "id", a.analyze(tc.text))
		sp := span{from: tc.from, to: tc.to}
		if got := inDateline(s, &sp); got != tc.want {
			t.Errorf("inDateline(%q, tokens %d-%d) = %v, want %v", tc.text, tc.from, tc.to, got, tc.want)
		}
	}
}

// TestNameStopsAtDash checks that a name does not run on over a dash set
// off by spaces, as after a dateline, while a hyphen inside a name joins.
func TestNameStopsAtDash(t *testing.T) {
	a := newAnalyzer("id")
	cases := []struct {
		text string
		want []string
	}{
		{"Jakarta, Kompas - Patung Kartini akan dipindahkan.", []string{"Kompas", "Patung Kartini"}},
		{"Film itu dibintangi Roekiah - Rd Mochtar.", []string{"Roekiah", "Rd Mochtar"}},
		{"Tonique Williams-Darling dari Bahama menang.", []string{"Tonique Williams-Darling", "Bahama"}},
	}
	for _, tc := range cases {
		got := spanTexts(typeName, tc.text, a.analyze(tc.text), nil)
		if !slices.Equal(got, tc.want) {
			t.Errorf("name spans of %q = %q, want %q", tc.text, got, tc.want)
		}
	}
}
