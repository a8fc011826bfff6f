package retrieval

import (
	"slices"
	"testing"

	"kutip/corpus"
)

func TestAliasGroups(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	words := func(q *parsedQuestion, cs []int) []string {
		var out []string
		for _, c := range cs {
			out = append(out, q.concepts[c].word)
		}
		return out
	}
	tests := []struct {
		q            string
		outer, inner []string // nil: no group
	}{
		{"Who is the head of the East Nusa Tenggara (NTT) Health Office?", []string{"tenggara", "nusa", "east"}, []string{"ntt"}},
		// An acronym reaches back as many words as it has letters: the
		// minister's title stays out.
		{"Siapakah Menteri Pekerjaan Umum (PU) sekarang?", []string{"umum", "pekerjaan"}, []string{"pu"}},
		{"Siapakah Wakil Ketua Fraksi Partai Golkar (F-PG) di Sumatera Utara?", []string{"golkar", "partai", "fraksi"}, []string{"f", "pg"}},
		// Small words inside a name; another abbreviation reaches three words.
		{"Siapa nama Kepala Dinas Perhubungan dan Pariwisata (Dishubpar) Banjarnegara?", []string{"pariwisata", "perhubungan", "dinas"}, []string{"dishubpar"}},
		// A name in lower case: the content words back to a small word.
		{"What is the Latin name of the physic nut (jarak pagar)?", []string{"nut", "physic"}, []string{"jarak", "pagar"}},
		{"Berapa gabah kering panen (GKP) yang dihasilkan satu hektar sawah?", []string{"panen", "kering", "gabah"}, []string{"gkp"}},
		// A date or an age in parentheses is no alias.
		{"Penghargaan apakah yang diterima Richard R Schrock (60) pada tanggal 5 Oktober 2005", nil, nil},
		{"Apa nama topan yang menghantam Louisiana hari Senin (29/8) pagi?", nil, nil},
		// Unclosed, or after a comma: nothing.
		{"Siapa Menteri Pekerjaan Umum (PU sekarang", nil, nil},
		{"Siapa ketua KPU, (Komisi Pemilihan Umum)?", nil, nil},
	}
	for _, tt := range tests {
		q := ix.parseQuestion(tt.q)
		if tt.outer == nil {
			if len(q.aliases) != 0 {
				t.Errorf("%q: aliases %v, want none", tt.q, q.aliases)
			}
			continue
		}
		if len(q.aliases) != 1 {
			t.Errorf("%q: %d alias groups, want 1", tt.q, len(q.aliases))
			continue
		}
		g := q.aliases[0]
		if got := words(q, g.outer); !slices.Equal(got, tt.outer) {
			t.Errorf("%q: name %v, want %v", tt.q, got, tt.outer)
		}
		if got := words(q, g.inner); !slices.Equal(got, tt.inner) {
			t.Errorf("%q: alias %v, want %v", tt.q, got, tt.inner)
		}
	}
}

func TestShareAliases(t *testing.T) {
	g := []aliasGroup{{outer: []int{0, 1, 2}, inner: []int{3}}}
	tests := []struct {
		name    string
		weights []float64
		want    []float64
	}{
		{"the abbreviation alone expresses the name", []float64{0, 0, 0, 1, 0.5}, []float64{1, 1, 1, 1, 0.5}},
		{"the translated name expresses the abbreviation", []float64{0.7, 0.8, 0.6, 0, 0}, []float64{0.7, 0.8, 0.6, 0.6, 0}},
		{"half the name expresses nothing more", []float64{0.7, 0, 0.6, 0, 1}, []float64{0.7, 0, 0.6, 0, 1}},
	}
	for _, tt := range tests {
		w := slices.Clone(tt.weights)
		pos := []int{10, 11, 12, 20, 30}
		shareAliases(g, w, pos)
		if !slices.Equal(w, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, w, tt.want)
		}
	}
}
