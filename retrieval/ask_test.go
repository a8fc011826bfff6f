package retrieval

import (
	"context"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"kutip/corpus"
)

// Real questions about the default article, in both languages, with the
// paragraph that answers them and the answer span.
var articleCases = []struct {
	question  string
	paragraph int
	answer    string // "" = any
	typ       string
}{
	{"when did Russia ratify?", 8, "6 November", "date"},
	{"Kapan Rusia meratifikasi perjanjian itu?", 8, "6 November", "date"},
	{"Berapa tentara Korea Utara yang dikerahkan?", 1, "sekitar 11.000 tentara", "number"},
	{"Kapan perjanjian itu ditandatangani pertama kali?", 4, "19 Juni", "date"},
	{"How many troops did Russia mass in Kursk?", 10, "50.000 tentara", "number"},
	{"Siapa pemimpin Korea Utara?", 3, "Kim Jong Un", "person"},
	// The question's words in translation are not the answer: "Presiden
	// Ukraina" is "president of Ukraine".
	{"Who is the president of Ukraine?", 10, "Volodymyr Zelenskyy", "person"},
	// A name's lower-case half after a hyphen is part of it.
	{"Who is the president of South Korea?", 14, "Yoon Suk-yeol", "person"},
	{"What is the name of the treaty?", 3, "Perjanjian Kemitraan Strategis Komprehensif", "name"},
	{"Which region of Russia are the North Korean troops in?", 9, "Kursk", "name"},
	{"What is South Korea worried that North Korea could get?", 13, "", ""},
}

func TestAskArticle(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	for _, tc := range articleCases {
		t.Run(tc.question, func(t *testing.T) {
			a, err := ix.Ask(t.Context(), tc.question)
			if err != nil {
				t.Fatal(err)
			}
			if !a.Answered || len(a.Passages) == 0 {
				t.Fatalf("Ask(%q) abstained", tc.question)
			}
			p := a.Passages[0]
			if p.Paragraph != tc.paragraph {
				t.Errorf("Ask(%q) cites ¶%d (%q), want ¶%d", tc.question, p.Paragraph, p.Text, tc.paragraph)
			}
			if tc.answer != "" && p.Answer != tc.answer {
				t.Errorf("Ask(%q) answer span = %q, want %q", tc.question, p.Answer, tc.answer)
			}
			if a.Type != tc.typ {
				t.Errorf("Ask(%q) type = %q, want %q", tc.question, a.Type, tc.typ)
			}
			if !strings.Contains(p.Text, p.Answer) {
				t.Errorf("answer %q is not in the passage %q", p.Answer, p.Text)
			}
		})
	}
}

func TestAskAbstains(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	for _, q := range []string{
		"What is the population of Brazil?",
		"Bagaimana cara membuat nasi goreng?",
		"Who invented the telephone?",
		"Who won the 2022 World Cup?",
	} {
		a, err := ix.Ask(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		if a.Answered {
			t.Errorf("Ask(%q) answered with %q, want abstention", q, a.Passages[0].Text)
		}
		if len(a.Passages) > 1 {
			t.Errorf("Ask(%q) abstained with %d passages, want at most one maybe-related", q, len(a.Passages))
		}
	}
}

func TestAskContext(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	a, err := ix.Ask(t.Context(), "Kapan perjanjian akan mulai berlaku?")
	if err != nil {
		t.Fatal(err)
	}
	p := a.Passages[0]
	if p.Paragraph != 3 || p.Sentence != 2 || !strings.HasPrefix(p.Before, "Kim Jong Un, pemimpin") || p.After != "" {
		t.Errorf("passage ¶%d.%d before %q after %q", p.Paragraph, p.Sentence, p.Before, p.After)
	}
}

// Hostile and odd questions get an answer or an abstention, never an
// error or a panic, and bleve query syntax is read as words.
func TestAskHostile(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	for _, q := range []string{
		"", "   ", "?!?!", "+foo -bar title:x* ~2 ^3 /re.*gex/", "\u200b\u200e\u202eKursk", "@everyone <@&123> <@456>",
		"```go\nfmt.Println()\n```", strings.Repeat("tentara ", 600), "\xff\xfe invalid",
		strings.Repeat("a", 5000),
	} {
		a, err := ix.Ask(t.Context(), q)
		if err != nil {
			t.Errorf("Ask(%.40q) error: %v", q, err)
		}
		for _, p := range a.Passages {
			if !utf8.ValidString(p.Text) || !utf8.ValidString(p.Answer) {
				t.Errorf("Ask(%.40q) gave invalid UTF-8", q)
			}
		}
	}
}

func TestAskConcurrent(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for _, tc := range articleCases {
				if _, err := ix.Ask(context.Background(), tc.question); err != nil {
					t.Errorf("goroutine %d: %v", i, err)
				}
			}
		})
	}
	wg.Wait()
}

func TestQuestionType(t *testing.T) {
	tests := []struct{ q, want string }{
		{"when did Russia ratify?", "date"},
		{"Kapan perjanjian itu ditandatangani?", "date"},
		{"Tahun berapa Kim lahir?", "date"},
		{"Tanggal berapakah Sharapova lahir?", "date"},
		{"How many troops were sent?", "number"},
		{"Berapa tentara yang dikirim?", "number"},
		{"Berapakah luas danau itu?", "number"},
		{"Who ratified the treaty?", "person"},
		{"Siapakah pemimpin Korea Utara?", "person"},
		{"Where are the troops?", "place"},
		{"Di mana pasukan itu?", "place"},
		{"Dimanakah Dr Wilson mengajar?", "place"},
		{"Ke mana pasukan dikirim?", "place"},
		{"Why did Kim sign?", "reason"},
		{"Mengapa Yoon memperingatkan?", "reason"},
		{"What is the name of the treaty?", "name"},
		{"Apa nama perjanjian itu?", "name"},
		{"What did Zelenskyy warn about?", ""},
		{"Which region of Russia are the troops in?", "name"},
		{"Provinsi apakah yang mencapai cakupan tertinggi?", "name"},
		{"Di pulau manakah kota Bau-bau terletak?", "name"},
		{"Apa yang dikhawatirkan Korea Selatan?", ""},
	}
	for _, tc := range tests {
		words := strings.FieldsFunc(strings.ToLower(tc.q), func(r rune) bool { return !unicode.IsLetter(r) })
		if got, _ := questionType(words); string(got) != tc.want {
			t.Errorf("questionType(%q) = %q, want %q", tc.q, got, tc.want)
		}
	}
}

func TestTypedSpans(t *testing.T) {
	a := newAnalyzer("id")
	tests := []struct {
		typ  answerType
		text string
		want []string
	}{
		{typeDate, "Parlemen Rusia meratifikasi perjanjian tersebut pada 6 November, di tengah-tengah", []string{"6 November"}},
		{typeDate, "dirilis pada 20 Juni 2024 (KCNA via Reuters)", []string{"20 Juni 2024"}},
		{typeDate, "Kim menandatangani dekrit pada hari Senin.", []string{"hari Senin"}},
		{typeDate, "sejak serangan mendadak Kiev ke wilayah Rusia pada bulan Agustus.", []string{"bulan Agustus"}},
		{typeDate, "Zelenskyy pekan lalu mengecam", []string{"pekan lalu"}},
		{typeDate, "Perjuangan itu berawal sejak tahun 1990-an.", []string{"sejak tahun 1990-an"}},
		{typeDate, "The exchange reopened in April 1991.", []string{"April 1991"}},
		// Indonesian news dates: a weekday with (day/month).
		{typeDate, "Mubarak dinyatakan menang, Jumat (9/9) malam waktu Cairo.", []string{"Jumat (9/9)"}},
		{typeDate, "Di hari terakhir Grand Prix Asia 2005, Kamis (8/ 9), tim beregu", []string{"2005", "Kamis (8/ 9)"}},
		{typeDate, "dilantik Senin (3/10/2005) pagi", []string{"Senin (3/10/2005)"}},
		{typeDate, "Brussels, Sabtu (Etiopia) -", []string{"Sabtu"}},
		{typeDate, "Wakidi (1890-1979), pelukis", []string{"1890-1979"}},
		{typeDate, "Universitas pertama didirikan pada tahun 971 di Kairo.", []string{"tahun 971"}},
		{typeNumber, "setidaknya 11.000 tentara Korea Utara dikirim", []string{"setidaknya 11.000 tentara"}},
		{typeNumber, "Total modal perusahaan sebesar Rp 112 juta.", []string{"Rp 112 juta"}},
		{typeNumber, "Only 100–150 species have been validated.", []string{"100–150 species"}},
		{typeNumber, "The collections include more than 70,000 works of art.", []string{"more than 70,000 works"}},
		{typeNumber, "Korban tewas lebih dari 100 orang.", []string{"lebih dari 100 orang"}},
		{typeNumber, "Hingga Jumat (12/8), penyakit ini telah menewaskan 13 orang.", []string{"12", "8", "13 orang"}},
		{typePerson, "Presiden Ukraina Volodymyr Zelenskyy mengatakan", []string{"Presiden Ukraina Volodymyr Zelenskyy"}},
		{typePlace, "pasukan dikirim ke wilayah Kursk di Rusia", []string{"Kursk", "Rusia"}},
		{typePlace, "Tiga buah danau yang terdapat di hulu Sungai Mahakam mengalami pendangkalan.", []string{"Sungai Mahakam"}},
		{typePlace, "Para nelayan memadati Pelabuhan Benoa sebagai protes.", []string{"Pelabuhan Benoa"}},
		{typePlace, "Kata Menteri Yudhoyono, Jakarta.", nil},
		// A naming word introduces a name in either case.
		{typeName, "bands of cilia, called \"ctenes,\" stacked along", []string{"ctenes"}},
		{typeName, "partnered with Qwest to build a network called Abilene in 1998", []string{"Abilene", "Qwest", "Abilene"}},
		{typeName, "lapisan tipis yang disebut lapisan ozon melindungi bumi", []string{"lapisan ozon"}},
	}
	for _, tc := range tests {
		got := spanTexts(tc.typ, tc.text, a.analyze(tc.text), nil)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("typedSpans(%s, %q) = %q, want %q", tc.typ, tc.text, got, tc.want)
		}
	}
}

// The doer of a passive verb answers "who": a name after "by" or "oleh"
// counts as a whole name, and one after "di" or "in" reads as a place.
func TestAgentSpan(t *testing.T) {
	for _, tc := range []struct{ lang, text, question, want string }{
		{"en", "In 1954 the market was listed grade I by English Heritage, in Newcastle.",
			"Who listed the market?", "English Heritage"},
		{"id", "Museum itu dibuka oleh Wali Kota Risma di Surabaya.",
			"Siapa yang membuka museum itu?", "Wali Kota Risma"},
	} {
		ix := mustBuild(t, []corpus.Document{{ID: "d", Title: "d", Lang: tc.lang, Paragraphs: corpus.Paragraphs(tc.text)}})
		a, err := ix.Ask(t.Context(), tc.question)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Passages) == 0 || a.Passages[0].Answer != tc.want {
			t.Errorf("Ask(%q) = %+v, want the span %q", tc.question, a.Passages, tc.want)
		}
	}
}

func TestCountsFocus(t *testing.T) {
	a := newAnalyzer("en")
	text := "The defense gave up 308 points while leading the NFL in interceptions with 24 and Kuechly led in tackles (118)."
	toks := a.analyze(text)
	focus := func(w string) concept { return concept{word: w, alts: []alt{{term: a.stem(w), weight: 1}}} }
	want := map[string]string{"points": "308 points", "interceptions": "24", "tackles": "118"}
	for word, answer := range want {
		var got []string
		for _, sp := range typedSpans(typeNumber, text, toks, nil) {
			if countsFocus(focus(word), newSentence(text, "en", toks), sp) {
				got = append(got, sp.text)
			}
		}
		if len(got) != 1 || got[0] != answer {
			t.Errorf("spans counting %q = %q, want [%q]", word, got, answer)
		}
	}
}

func TestAnalyze(t *testing.T) {
	tests := []struct {
		lang, text string
		want       []string
	}{
		{"id", "Korea Utara telah meratifikasi perjanjian", []string{"korea", "utara", "ratifikasi", "janji"}},
		{"id", "sekitar 11.000 tentara dikerahkan", []string{"11000", "tentara", "kerah"}},
		{"en", "about 11,000 soldiers were deployed", []string{"11000", "soldier", "deploy"}},
		{"en", "Russia's parliament ratified it", []string{"russia", "parliament", "ratifi"}},
		{"id", "angka 6,5 persen", []string{"angka", "6,5", "persen"}},
		{"en", "rati\u200cfy\u00ad the trea\u200bty", []string{"ratifi", "treati"}},
	}
	for _, tc := range tests {
		got := newAnalyzer(tc.lang).terms(tc.text)
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("terms(%s, %q) = %q, want %q", tc.lang, tc.text, got, tc.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"russia", "rusia", 2, 1},
		{"ukraine", "ukraina", 2, 1},
		{"kyiv", "kiev", 2, 2},
		{"pyongyang", "moskow", 2, 3},
		{"zelenskyy", "zelenskiy", 2, 1},
		{"café", "cafe", 2, 1},
	}
	for _, tc := range tests {
		if got := editDistance(tc.a, tc.b, tc.limit); got != tc.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tc.a, tc.b, tc.limit, got, tc.want)
		}
	}
}

// spanTexts returns the texts of typedSpans' spans of type typ in text.
func spanTexts(typ answerType, text string, toks []token, isName func(token) bool) []string {
	var out []string
	for _, sp := range typedSpans(typ, text, toks, isName) {
		out = append(out, sp.text)
	}
	return out
}

func TestSpellingVariants(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"kyiv", "kiev", true},
		{"zelenskyy", "zelensky", true},
		{"kursk", "kiev", false},
		{"rusia", "russia", true},
		{"kiev", "kievan", false},
		{"kiev", "ki", false},
	} {
		if got := spellingKey(tc.a) == spellingKey(tc.b); got != tc.same {
			t.Errorf("spellingKey(%q) = %q, spellingKey(%q) = %q; same = %v, want %v",
				tc.a, spellingKey(tc.a), tc.b, spellingKey(tc.b), got, tc.same)
		}
		if got := sameSpelling(spellingKey(tc.a), tc.b); got != tc.same {
			t.Errorf("sameSpelling(%q, %q) = %v, want %v", spellingKey(tc.a), tc.b, got, tc.same)
		}
	}
	// Through question expansion over the article: "Kyiv" finds "Kiev".
	ix := mustBuild(t, corpus.Default())
	q := ix.parseQuestion("When did Kyiv attack?")
	found := false
	for _, c := range q.concepts {
		found = found || hasAlt(c, "kiev")
	}
	if !found {
		t.Errorf("no concept of %q expands to kiev: %+v", q.text, q.concepts)
	}
	// A short spelling of a translation is not matched one letter off:
	// "china" is kina, and the article's kena and kcna are other words.
	q = ix.parseQuestion("what did china say about the treaty")
	for _, c := range q.concepts {
		if c.word == "china" && len(c.alts) > 0 {
			t.Errorf("china expands to %+v, want nothing: the article does not name it", c.alts)
		}
	}
}

// FuzzQuestion checks question understanding on arbitrary input: no
// panic, a bounded number of concepts and expansions, and an answer whose
// passages are real sentences of the corpus.
func FuzzQuestion(f *testing.F) {
	ix := mustBuild(f, corpus.Default())
	for _, tc := range articleCases {
		f.Add(tc.question)
	}
	f.Add("+foo -bar title:x* ~2")
	f.Add("Siapa ketua Komisi Pemilihan Umum (KPU) ( (x) )(")
	f.Add("\xff\u200b@everyone")
	texts := map[string]bool{}
	for _, s := range ix.sents {
		texts[s.text] = true
	}
	f.Fuzz(func(t *testing.T, q string) {
		pq := ix.parseQuestion(q)
		if len(pq.concepts) > maxConcepts {
			t.Fatalf("%d concepts, over the cap %d", len(pq.concepts), maxConcepts)
		}
		for _, c := range pq.concepts {
			if len(c.alts) > maxAlts {
				t.Fatalf("concept %q has %d alternatives", c.word, len(c.alts))
			}
		}
		a, err := ix.Ask(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range a.Passages {
			if !texts[p.Text] {
				t.Fatalf("passage %q is not a corpus sentence", p.Text)
			}
			if !strings.Contains(p.Text, p.Answer) {
				t.Fatalf("answer %q not in passage", p.Answer)
			}
		}
	})
}
