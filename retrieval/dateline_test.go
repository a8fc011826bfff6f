package retrieval

import "testing"

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
