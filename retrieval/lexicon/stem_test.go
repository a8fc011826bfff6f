package lexicon

import (
	"strings"
	"testing"
)

// stemTests are words from the evaluation article (/work/shared/eval/article)
// and the FacQA corpus, with the roots a reader would give.
var stemTests = []struct {
	word, want string
}{
	// The package's documented examples.
	{"meratifikasi", "ratifikasi"},
	{"dikirim", "kirim"},
	{"mengirimkan", "kirim"},
	{"dikerahkan", "kerah"},
	{"pengerahan", "kerah"},
	{"peningkatan", "tingkat"},
	{"ditandatangani", "tandatangan"},
	{"kekhawatiran", "khawatir"},
	{"pertahanan", "tahan"},
	{"memberikan", "beri"},
	{"berperang", "perang"},
	{"pasukannya", "pasukan"},
	// Roots and names stay.
	{"perang", "perang"},
	{"tentara", "tentara"},
	{"pasukan", "pasukan"},
	{"rusia", "rusia"},
	{"kursk", "kursk"},
	{"pyongyang", "pyongyang"},
	{"berita", "berita"},
	{"senjata", "senjata"},
	{"wilayah", "wilayah"},
	{"ratifikasi", "ratifikasi"},
	{"berlin", "berlin"}, // ber- + lin would need a root that takes ber-
	// Article words.
	{"menandatangani", "tandatangan"},
	{"perjanjian", "janji"},
	{"kemitraan", "mitra"},
	{"kenegaraan", "negara"},
	{"mewajibkan", "wajib"},
	{"menggunakan", "guna"},
	{"diperlukan", "perlu"},
	{"menghadapi", "hadap"},
	{"menyetujui", "setuju"},
	{"memuji", "puji"},
	{"menggambarkan", "gambar"},
	{"bersejarah", "sejarah"},
	{"mengumumkan", "umum"},
	{"pemimpin", "pimpin"},
	{"pemerintah", "perintah"},
	{"bertukar", "tukar"},
	{"kunjungan", "kunjung"},
	{"tersenyum", "senyum"},
	{"penumpang", "tumpang"},
	{"mengemudikan", "kemudi"},
	{"dirilis", "rilis"},
	{"termasuk", "masuk"},
	{"mendukung", "dukung"},
	{"dukungannya", "dukung"},
	{"keterlibatan", "libat"},
	{"memperingatkan", "ingat"},
	{"pertempuran", "tempur"},
	{"serangan", "serang"},
	{"bantuan", "bantu"},
	{"setidaknya", "tidak"},
	{"meningkatnya", "tingkat"},
	{"tetangganya", "tetangga"},
	{"berbulan-bulan", "bulan"},
	{"tengah-tengah", "tengah"},
	{"langkah-langkah", "langkah"},
	// FacQA words.
	{"perusahaan", "usaha"},
	{"pengetahuan", "tahu"},
	{"penelitian", "teliti"},
	{"kesehatan", "sehat"},
	{"pembangunan", "bangun"},
	{"berdasarkan", "dasar"},
	{"perdagangan", "dagang"},
	{"penghargaan", "harga"},
	{"mengatakan", "kata"},
	{"menyatakan", "nyata"},
	{"menurut", "turut"},
	{"menulis", "tulis"},
	{"menyerang", "serang"},
	{"pengawal", "kawal"},
	{"perancang", "rancang"},
	{"beragam", "ragam"},
	{"bekerja", "kerja"},
	{"mempertahankan", "tahan"},
	{"diperkirakan", "kira"},
	{"kepolisian", "polisi"},
	{"kementerian", "menteri"},
	{"negara-negara", "negara"},
	{"itulah", "itu"},
	// Left alone: too short, not lower case, not a word.
	{"di", "di"},
	{"Rusia", "Rusia"},
	{"11.000", "11.000"},
	{"-nya", "-nya"},
	{"", ""},
}

func TestStem(t *testing.T) {
	for _, tc := range stemTests {
		t.Run(tc.word, func(t *testing.T) {
			if got := Stem(tc.word); got != tc.want {
				t.Errorf("Stem(%q) = %q, want %q", tc.word, got, tc.want)
			}
		})
	}
}

func TestStemConcurrent(t *testing.T) {
	done := make(chan bool)
	for range 8 {
		go func() {
			for _, tc := range stemTests {
				if got := Stem(tc.word); got != tc.want {
					t.Errorf("Stem(%q) = %q, want %q", tc.word, got, tc.want)
				}
			}
			done <- true
		}()
	}
	for range 8 {
		<-done
	}
}

func TestIsRoot(t *testing.T) {
	for _, tc := range []struct {
		word string
		want bool
	}{
		{"kirim", true},
		{"perang", true},
		{"tandatangan", true},
		{"pasukan", false}, // kept whole by Stem, but not a hunspell root
		{"dikirim", false},
		{"kursk", false},
	} {
		if got := IsRoot(tc.word); got != tc.want {
			t.Errorf("IsRoot(%q) = %v, want %v", tc.word, got, tc.want)
		}
	}
}

// isKnownStem reports whether s is a root or a word Stem keeps whole.
func isKnownStem(s string) bool {
	_, ok := rootTable()[s]
	return ok
}

func FuzzStem(f *testing.F) {
	for _, tc := range stemTests {
		f.Add(tc.word)
	}
	f.Fuzz(func(t *testing.T, w string) {
		got := Stem(w)
		if w != "" && got == "" {
			t.Fatalf("Stem(%q) = \"\"", w)
		}
		// Stem returns the word itself or a known root, and a root is its own stem.
		if got != w && !isKnownStem(got) {
			t.Errorf("Stem(%q) = %q, neither the word nor a known root", w, got)
		}
		if again := Stem(got); again != got {
			t.Errorf("Stem(Stem(%q)) = Stem(%q) = %q, want %q", w, got, again, got)
		}
		if got != w && len(got) > len(w) {
			t.Errorf("Stem(%q) = %q, longer than the word", w, got)
		}
	})
}

// BenchmarkStem stems the evaluation article's words, as indexing does.
func BenchmarkStem(b *testing.B) {
	words := strings.Fields(strings.ToLower(benchText))
	Stem("dikirim") // load the roots
	b.ReportAllocs()
	for b.Loop() {
		for _, w := range words {
			Stem(w)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(words)), "ns/word")
}

// BenchmarkStemUncached measures the analysis itself, without the cache.
func BenchmarkStemUncached(b *testing.B) {
	words := strings.Fields(strings.ToLower(benchText))
	roots := rootTable()
	b.ReportAllocs()
	for b.Loop() {
		for _, w := range words {
			if len(w) >= minStemLen && isLowerWord(w) {
				stem(roots, w)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(words)), "ns/word")
}

const benchText = `Perjanjian itu muncul di tengah laporan sekitar tentara Korea Utara dikerahkan untuk
berperang dalam perang Rusia melawan Ukraina. Korea Utara telah meratifikasi perjanjian pertahanan bersama
yang bersejarah dengan Rusia, media pemerintah mengumumkan, seiring dengan meningkatnya kekhawatiran
internasional atas peningkatan kerja sama militer antara Moskow dan Pyongyang. Kim Jong Un, pemimpin
Republik Demokratik Rakyat Korea menandatangani dekrit untuk meratifikasi Perjanjian Kemitraan Strategis
Komprehensif dengan Rusia pada hari Senin. Perjanjian tersebut akan mulai berlaku ketika kedua belah pihak
bertukar instrumen ratifikasi, menurut kantor berita resmi Korea Utara. Perjanjian tersebut, yang pertama
kali ditandatangani di Pyongyang pada Juni saat kunjungan kenegaraan Presiden Rusia Vladimir Putin,
mewajibkan kedua negara untuk segera memberikan bantuan militer satu sama lain, menggunakan segala cara
yang diperlukan, jika ada untuk menghadapi agresi.`
