package retrieval

import (
	"testing"
	"unicode/utf8"
)

func TestNormalizeChat(t *testing.T) {
	corpusWords := map[string]bool{"ntt": true, "jabar": true}
	known := func(w string) bool { return corpusWords[w] }
	tests := []struct{ in, want string }{
		// Indonesian chat abbreviations.
		{"gmn reaksi korsel", "bagaimana reaksi korea selatan"},
		{"udh diratifikasi blm?", "sudah diratifikasi belum?"},
		{"knp korut kirim pasukan", "kenapa korea utara kirim pasukan"},
		{"dgn siapa korut tandatangan", "dengan siapa korea utara tandatangan"},
		{"Korsel msh perang sm korut?", "korea selatan masih perang sama korea utara?"},
		// A two-word chat form.
		{"korut ngirim tentara buat apa", "korea utara kirim tentara kenapa"},
		// Particles carry nothing.
		{"kapan sih perjanjiannya berlaku", "kapan  perjanjiannya berlaku"},
		// English chat and contractions without apostrophes.
		{"whats the treaty called", "what the treaty called"},
		{"why r they massing troops", "why are they massing troops"},
		{"what happens if nk doesnt pull out", "what happens if north korea does not pull out"},
		{"what did kim say abt the deal", "what did kim say about the deal"},
		{"is russia gonna send more", "is russia going to send more"},
		// Compounds written as one word.
		{"apa ibukota papua nugini", "apa ibu kota papua nugini"},
		{"kerjasama korut dan rusia", "kerja sama korea utara dan rusia"},
		// Number shorthands.
		{"11k troops according to who", "11000 troops according to who"},
		{"siapa yg ngumpulin 50rb tentara", "siapa yang kumpul 50000 tentara"},
		{"1.5k soldiers", "1500 soldiers"},
		{"2,5jt orang", "2500000 orang"},
		// Months.
		{"what happened on 6 nov", "what happened on 6 november"},
		// A form the corpus itself uses stays.
		{"banjir di ntt dan jabar", "banjir di ntt dan jabar"},
		{"banjir di jatim", "banjir di jawa timur"},
		// Nothing to do.
		{"When did Russia ratify the treaty?", "When did Russia ratify the treaty?"},
		{"Siapa pemimpin Korea Utara?", "Siapa pemimpin Korea Utara?"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := normalizeChat(tt.in, known); got != tt.want {
			t.Errorf("normalizeChat(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestExpandNumberShorthand(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"11k", "11000", true},
		{"50rb", "50000", true},
		{"50ribu", "50000", true},
		{"2jt", "2000000", true},
		{"1.5k", "1500", true},
		{"1,25k", "1250", true},
		{"0k", "0", true},
		{"k", "", false},
		{"rb", "", false},
		{"1.2345k", "", false}, // more decimals than the multiplier has zeros
		{"kursk", "", false},
		{"12345678k", "", false}, // too long to be chat
		{"b4", "", false},
	}
	for _, tt := range tests {
		got, ok := expandNumberShorthand(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("expandNumberShorthand(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestInformalVerbRoot(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when the word is left alone
	}{
		{"ngirim", "kirim"},
		{"nulis", "tulis"},
		{"nanya", "tanya"},
		{"ngumpulin", "kumpul"},
		{"nyerang", "serang"},
		{"mukul", "pukul"},
		{"ngambil", "ambil"},
		{"ngomong", "omong"},
		{"dikirimin", "kirim"},
		// Roots and formal affixed words are not informal forms.
		{"nama", ""},
		{"mengirim", ""},
		{"negara", ""},
		{"menulis", ""},
		// Names and foreign words have no root to fall back on.
		{"nuklir", ""},
		{"kursk", ""},
		{"moskow", ""},
		{"ngo", ""},
	}
	for _, tt := range tests {
		got, ok := informalVerbRoot(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("informalVerbRoot(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func FuzzNormalizeChat(f *testing.F) {
	for _, s := range []string{"gmn reaksi korsel", "11k troops", "1.5k", "buat apa", "ngumpulin 50rb", "a\xffb 1,", ".,k"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := normalizeChat(s, nil)
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("normalizeChat(%q) = %q: not valid UTF-8", s, out)
		}
		// The longest expansion per input byte is "nk" → "north korea".
		if len(out) > 6*len(s) {
			t.Fatalf("normalizeChat(%q) = %q: grew more than 6 times", s, out)
		}
	})
}
