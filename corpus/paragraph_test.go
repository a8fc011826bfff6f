package corpus

import (
	"strings"
	"testing"
)

// articleText is the embedded default article, front matter removed.
var articleText = func() string {
	data, err := defaultFS.ReadFile("default/korea-utara-rusia.txt")
	if err != nil {
		panic(err)
	}
	_, body, err := SplitFrontMatter(string(data))
	if err != nil {
		panic(err)
	}
	return body
}()

func TestParagraphsArticle(t *testing.T) {
	paras := Paragraphs(articleText)
	if got, want := len(paras), 15; got != want {
		t.Fatalf("got %d paragraphs, want %d", got, want)
	}
	tests := []struct {
		n        int
		kind     Kind
		sentence int
		prefix   string
		suffix   string
	}{
		{1, Body, 1, "Perjanjian itu muncul", "melawan Ukraina."},
		{3, Body, 2, "Perjanjian tersebut akan mulai berlaku", "Korea Utara KCNA."},
		// A photo caption without punctuation and its credit line are two
		// caption paragraphs.
		{6, Caption, 1, "Kim Jong Un tersenyum", "mengemudikan Aurus"},
		{7, Caption, 1, "Pemimpin Korea Utara Kim Jong Un", "(KCNA via Reuters)"},
		// The sentence broken across a blank line is repaired.
		{8, Body, 1, "Parlemen Rusia meratifikasi perjanjian tersebut pada 6 November, di tengah-tengah berbulan-bulan peningkatan", "perang Rusia di Ukraina."},
		{9, Body, 2, "Sebagian besar pasukan Korea Utara", "pada bulan Agustus."},
		{15, Body, 1, "“Jika Korea Utara", "kata Yoon."},
	}
	for _, tc := range tests {
		p := paras[tc.n-1]
		if p.N != tc.n || p.Kind != tc.kind {
			t.Errorf("¶%d: got N=%d kind %s, want kind %s", tc.n, p.N, p.Kind, tc.kind)
			continue
		}
		if tc.sentence > len(p.Sentences) {
			t.Errorf("¶%d has %d sentences, want at least %d", tc.n, len(p.Sentences), tc.sentence)
			continue
		}
		s := p.Sentences[tc.sentence-1].Text
		if !strings.HasPrefix(s, tc.prefix) || !strings.HasSuffix(s, tc.suffix) {
			t.Errorf("¶%d.%d = %q, want %q … %q", tc.n, tc.sentence, s, tc.prefix, tc.suffix)
		}
	}
}

func TestParagraphs(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		kinds []Kind
		texts []string
	}{
		{"CRLF line endings", "Satu kalimat.\r\n\r\nDua kalimat.\r\n",
			[]Kind{Body, Body}, []string{"Satu kalimat.", "Dua kalimat."}},
		{"broken sentence is joined", "Parlemen meratifikasi pada 6 November, di tengah\n\nberbulan-bulan kerja sama.",
			[]Kind{Body}, []string{"Parlemen meratifikasi pada 6 November, di tengah berbulan-bulan kerja sama."}},
		{"unpunctuated paragraph before a capital stays apart", "Judul Berita Hari Ini\n\nIsi berita dimulai di sini.",
			[]Kind{Caption, Body}, []string{"Judul Berita Hari Ini", "Isi berita dimulai di sini."}},
		{"credit line", "Tentara berbaris di Pyongyang (AP Photo/Lee Jin-man)\n\nBerita.",
			[]Kind{Caption, Body}, []string{"Tentara berbaris di Pyongyang (AP Photo/Lee Jin-man)", "Berita."}},
		{"hard-wrapped text joins lines",
			strings.Repeat("This is a long line of prose that was wrapped at seventy-two columns\n", 6) + "and it ends here.",
			[]Kind{Body}, nil},
		{"zero-width space and tabs fold", "Satu\u200b\tdua.", []Kind{Body}, []string{"Satu dua."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			paras := Paragraphs(tc.in)
			if len(paras) != len(tc.kinds) {
				t.Fatalf("Paragraphs(%q) gave %d paragraphs, want %d: %+v", tc.in, len(paras), len(tc.kinds), paras)
			}
			for i, p := range paras {
				if p.Kind != tc.kinds[i] {
					t.Errorf("¶%d kind = %s, want %s", i+1, p.Kind, tc.kinds[i])
				}
				if tc.texts != nil && p.Text != tc.texts[i] {
					t.Errorf("¶%d = %q, want %q", i+1, p.Text, tc.texts[i])
				}
			}
		})
	}
}

func TestMarkdownParagraphs(t *testing.T) {
	in := "# Judul besar\n\nParagraf **pertama** dengan [tautan](https://example.org).\n" +
		"Baris kedua paragraf yang sama.\n\n![Tentara berbaris di Pyongyang](foto.jpg)\n\n" +
		"- butir satu.\n- butir dua.\n\n```\nkode(); // tidak diindeks\n```\n\n> Kutipan panjang.\n"
	paras := MarkdownParagraphs(in)
	want := []struct {
		kind Kind
		text string
	}{
		{Heading, "Judul besar"},
		{Body, "Paragraf pertama dengan tautan. Baris kedua paragraf yang sama."},
		{Caption, "Tentara berbaris di Pyongyang"},
		{Body, "butir satu."},
		{Body, "butir dua."},
		{Body, "Kutipan panjang."},
	}
	if len(paras) != len(want) {
		t.Fatalf("got %d paragraphs, want %d: %+v", len(paras), len(want), paras)
	}
	for i, w := range want {
		if paras[i].Kind != w.kind || paras[i].Text != w.text {
			t.Errorf("¶%d = %s %q, want %s %q", i+1, paras[i].Kind, paras[i].Text, w.kind, w.text)
		}
	}
}

func TestDetectLang(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Kapan Rusia meratifikasi perjanjian itu?", "id"},
		{"when did Russia ratify?", "en"},
		{"Berapa tentara Korea Utara yang dikerahkan?", "id"},
		{"How many North Korean soldiers are reported to be fighting in the war?", "en"},
		{"Kursk", ""},
	}
	for _, tc := range tests {
		if got := DetectLang(tc.in); got != tc.want {
			t.Errorf("DetectLang(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
