package corpus

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

var splitTests = []struct {
	name string
	in   string
	want []string
}{
	{"two sentences", "Korea Utara telah meratifikasi perjanjian. Rusia menyusul.",
		[]string{"Korea Utara telah meratifikasi perjanjian.", "Rusia menyusul."}},
	{"thousands separator", "Sekitar 11.000 tentara dikerahkan. Moskow mengumpulkan 50.000 tentara.",
		[]string{"Sekitar 11.000 tentara dikerahkan.", "Moskow mengumpulkan 50.000 tentara."}},
	{"decimal comma", "Gempa berkekuatan 6,5 skala Richter. Tidak ada korban.",
		[]string{"Gempa berkekuatan 6,5 skala Richter.", "Tidak ada korban."}},
	{"closing quote after full stop", "Kim menyebutnya “aliansi.” Putin setuju.",
		[]string{"Kim menyebutnya “aliansi.”", "Putin setuju."}},
	{"comma inside quote does not cut", "“Kami akan mendukung Ukraina secara bertahap,” kata Yoon.",
		[]string{"“Kami akan mendukung Ukraina secara bertahap,” kata Yoon."}},
	{"question mark then lower case", "“Apa yang terjadi?” tanya dia. Tidak ada jawaban.",
		[]string{"“Apa yang terjadi?” tanya dia.", "Tidak ada jawaban."}},
	{"title Dr.", "Dr. Andi Wijaya memimpin tim. Prof. Budi hadir.",
		[]string{"Dr. Andi Wijaya memimpin tim.", "Prof. Budi hadir."}},
	{"No. before a number", "Undang-undang No. 5 Tahun 2024 berlaku. Semua setuju.",
		[]string{"Undang-undang No. 5 Tahun 2024 berlaku.", "Semua setuju."}},
	{"dll. then capital starts a sentence", "Mereka menjual buah, sayur, dll. Selain itu ada ikan.",
		[]string{"Mereka menjual buah, sayur, dll.", "Selain itu ada ikan."}},
	{"dsb. then lower case continues", "Buah, sayur, dsb. dijual murah.",
		[]string{"Buah, sayur, dsb. dijual murah."}},
	{"initial", "The bridge was built by John C. Messenger in 1900. It still stands.",
		[]string{"The bridge was built by John C. Messenger in 1900.", "It still stands."}},
	{"U.S.", "The U.S. Army arrived. Nobody left.",
		[]string{"The U.S. Army arrived.", "Nobody left."}},
	{"St.", "They sailed up the St. Johns River. Then they camped.",
		[]string{"They sailed up the St. Johns River.", "Then they camped."}},
	{"v. in a case name", "The ruling in Brown v. Board of Education ended it. Schools changed.",
		[]string{"The ruling in Brown v. Board of Education ended it.", "Schools changed."}},
	{"dash inside a sentence", "Kim Jong Un, pemimpin Republik Demokratik Rakyat Korea – nama resmi Korea Utara – menandatangani dekrit. Itu resmi.",
		[]string{"Kim Jong Un, pemimpin Republik Demokratik Rakyat Korea – nama resmi Korea Utara – menandatangani dekrit.", "Itu resmi."}},
	{"exclamation and ellipsis", "Luar biasa! Dia menunggu… Lalu pergi.",
		[]string{"Luar biasa!", "Dia menunggu…", "Lalu pergi."}},
	{"time with a dot", "Rapat dimulai pukul 10.30 WIB. Semua hadir.",
		[]string{"Rapat dimulai pukul 10.30 WIB.", "Semua hadir."}},
	{"sentence starting with a number", "Korban bertambah. 12 orang tewas.",
		[]string{"Korban bertambah.", "12 orang tewas."}},
	{"no final punctuation", "Kim Jong Un tersenyum sambil duduk", []string{"Kim Jong Un tersenyum sambil duduk"}},
	{"empty", "  ", nil},
}

func TestSplit(t *testing.T) {
	for _, tc := range splitTests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, s := range Split(tc.in) {
				got = append(got, s.Text)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Split(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSplitOffsets(t *testing.T) {
	in := "  Satu dua. Tiga empat?  Lima.\n"
	for _, s := range Split(in) {
		if in[s.Start:s.End] != s.Text {
			t.Errorf("sentence %d: text[%d:%d] = %q, want %q", s.N, s.Start, s.End, in[s.Start:s.End], s.Text)
		}
	}
}

// nonSpace returns s without white space, for checking that splitting
// keeps every other rune in order.
func nonSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func FuzzSplit(f *testing.F) {
	for _, tc := range splitTests {
		f.Add(tc.in)
	}
	f.Add(articleText)
	f.Fuzz(func(t *testing.T, in string) {
		sents := Split(in)
		var joined strings.Builder
		last := 0
		for i, s := range sents {
			if strings.TrimSpace(s.Text) == "" {
				t.Fatalf("sentence %d is empty", i+1)
			}
			if s.N != i+1 {
				t.Fatalf("sentence %d numbered %d", i+1, s.N)
			}
			if s.Start < last || s.End > len(in) || in[s.Start:s.End] != s.Text {
				t.Fatalf("sentence %d offsets [%d:%d] wrong", i+1, s.Start, s.End)
			}
			last = s.End
			if utf8.ValidString(in) && !utf8.ValidString(s.Text) {
				t.Fatalf("sentence %d is not valid UTF-8", i+1)
			}
			joined.WriteString(s.Text)
		}
		if got, want := nonSpace(joined.String()), nonSpace(in); got != want {
			t.Fatalf("non-space text changed:\n got %q\nwant %q", got, want)
		}
	})
}
