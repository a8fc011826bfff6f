package retrieval

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"kutip/corpus"
)

// fact is one thing an article says, recognised in a sentence by any of its
// alternatives; an alternative matches when the sentence contains all of its
// strings.
type fact struct {
	name string
	alts [][]string
}

func (f fact) in(text string) bool {
	for _, alt := range f.alts {
		all := true
		for _, s := range alt {
			all = all && strings.Contains(text, s)
		}
		if all {
			return true
		}
	}
	return false
}

// defaultFacts are the main facts of the embedded article, the ones a
// five-sentence summary should carry.
var defaultFacts = []fact{
	{"North Korea ratified the treaty", [][]string{{"Korea Utara telah meratifikasi"}, {"dekrit untuk meratifikasi"}}},
	{"signed on 19 June, with mutual military aid", [][]string{{"19 Juni", "bantuan militer"}}},
	{"Russia ratified it on 6 November", [][]string{{"6 November", "meratifikasi"}}},
	{"about 11,000 North Korean troops", [][]string{{"11.000 tentara"}}},
	{"South Korea's reaction", [][]string{{"Korea Selatan", "kekhawatiran"}, {"Korea Selatan", "memperingatkan"}, {"kata Yoon"}}},
}

// covered returns the names of the facts that texts carry.
func covered(facts []fact, texts []string) []string {
	var out []string
	for _, f := range facts {
		for _, t := range texts {
			if f.in(t) {
				out = append(out, f.name)
				break
			}
		}
	}
	return out
}

func mustBuild(tb testing.TB, docs []corpus.Document) *Index {
	tb.Helper()
	ix, err := Build(tb.Context(), docs, Options{})
	if err != nil {
		tb.Fatalf("Build: %v", err)
	}
	tb.Cleanup(func() { ix.Close() })
	return ix
}

func mustSummary(tb testing.TB, ix *Index, opts SummaryOptions) Summary {
	tb.Helper()
	s, err := ix.Summary(tb.Context(), opts)
	if err != nil {
		tb.Fatalf("Summary(%+v): %v", opts, err)
	}
	return s
}

func texts(ps []Passage) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Text)
	}
	return out
}

// leadSentences returns the first n body sentences of d.
func leadSentences(d corpus.Document, n int) []string {
	var out []string
	for _, p := range d.Paragraphs {
		for _, s := range p.Sentences {
			if p.Kind == corpus.Body && len(out) < n {
				out = append(out, s.Text)
			}
		}
	}
	return out
}

func TestSummaryDefaultArticleFacts(t *testing.T) {
	docs := corpus.Default()
	ix := mustBuild(t, docs)
	s := mustSummary(t, ix, SummaryOptions{})
	for _, p := range s.Sentences {
		t.Logf("¶%d.%d %.2f %s", p.Paragraph, p.Sentence, p.Score, p.Text)
	}
	if len(s.Sentences) != DefaultSummarySentences {
		t.Fatalf("Summary gave %d sentences, want %d", len(s.Sentences), DefaultSummarySentences)
	}
	got := covered(defaultFacts, texts(s.Sentences))
	lead := covered(defaultFacts, leadSentences(docs[0], DefaultSummarySentences))
	if len(got) < len(defaultFacts) {
		t.Errorf("summary carries %d of %d facts: %q", len(got), len(defaultFacts), got)
	}
	if len(got) <= len(lead) {
		t.Errorf("summary carries %d facts, the first %d sentences %d (%q): want more", len(got), DefaultSummarySentences, len(lead), lead)
	}
}

// checkSummary checks what every summary must be: the document's own body
// sentences with correct citations, in article order, without near
// duplicates.
func checkSummary(t *testing.T, ix *Index, s Summary) {
	t.Helper()
	var doc *corpus.Document
	for i := range ix.docs {
		if ix.docs[i].ID == s.Doc {
			doc = &ix.docs[i]
		}
	}
	if doc == nil {
		t.Fatalf("Summary.Doc = %q, not a document", s.Doc)
	}
	if s.Title != doc.Title || s.URL != doc.URL {
		t.Errorf("Summary title, URL = %q, %q, want %q, %q", s.Title, s.URL, doc.Title, doc.URL)
	}
	for i, p := range s.Sentences {
		sent, ok := doc.Sentence(p.Paragraph, p.Sentence)
		if !ok || sent.Text != p.Text {
			t.Errorf("sentence %d cited as ¶%d.%d, which is %q, but says %q", i, p.Paragraph, p.Sentence, sent.Text, p.Text)
		}
		if p.Kind != string(corpus.Body) {
			t.Errorf("sentence %d (¶%d.%d) is a %s", i, p.Paragraph, p.Sentence, p.Kind)
		}
		if i == 0 {
			continue
		}
		prev := s.Sentences[i-1]
		if prev.Paragraph > p.Paragraph || prev.Paragraph == p.Paragraph && prev.Sentence >= p.Sentence {
			t.Errorf("¶%d.%d comes after ¶%d.%d: want article order", p.Paragraph, p.Sentence, prev.Paragraph, prev.Sentence)
		}
	}
}

func TestSummaryProperties(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	for _, n := range []int{0, 1, 3, 5, 10, 11, -1} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s := mustSummary(t, ix, SummaryOptions{Sentences: n})
			want := min(max(n, 1), MaxSummarySentences)
			if n == 0 {
				want = DefaultSummarySentences
			}
			if len(s.Sentences) != want {
				t.Errorf("Summary(Sentences: %d) gave %d sentences, want %d", n, len(s.Sentences), want)
			}
			checkSummary(t, ix, s)
		})
	}
}

func TestSummaryTopic(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	tests := []struct {
		topic string
		want  string // every sentence containing it must be in the summary
	}{
		{"Kursk", "Kursk"},
		{"nuklir", "nuklir"},
		{"Yoon", "Yoon"},
		{"nuclear", "nuklir"}, // English topic, Indonesian article
	}
	for _, tc := range tests {
		t.Run(tc.topic, func(t *testing.T) {
			s := mustSummary(t, ix, SummaryOptions{Topic: tc.topic})
			checkSummary(t, ix, s)
			if len(s.Sentences) != DefaultSummarySentences {
				t.Errorf("Summary(Topic: %q) gave %d sentences, want %d", tc.topic, len(s.Sentences), DefaultSummarySentences)
			}
			got := strings.Join(texts(s.Sentences), "\n")
			for _, p := range ix.docs[0].Paragraphs {
				for _, sent := range p.Sentences {
					if p.Kind == corpus.Body && strings.Contains(sent.Text, tc.want) && !strings.Contains(got, sent.Text) {
						t.Errorf("Summary(Topic: %q) left out ¶%d.%d %q", tc.topic, p.N, sent.N, sent.Text)
					}
				}
			}
		})
	}
}

func TestSummaryTopicNotFound(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	for _, topic := range []string{"zebra", "the of and"} {
		s, err := ix.Summary(t.Context(), SummaryOptions{Topic: topic})
		if !errors.Is(err, ErrTopicNotFound) {
			t.Errorf("Summary(Topic: %q) error = %v, want ErrTopicNotFound", topic, err)
		}
		if s.Doc != "korea-utara-rusia" || len(s.Sentences) != 0 {
			t.Errorf("Summary(Topic: %q) = %q with %d sentences, want the document and none", topic, s.Doc, len(s.Sentences))
		}
	}
}

func doc(id, published, text string) corpus.Document {
	return corpus.Document{ID: id, Title: "Title " + id, Lang: "en", Published: published, Paragraphs: corpus.Paragraphs(text)}
}

func TestSummaryChoosesDocument(t *testing.T) {
	a := doc("a", "2024-01-05", "The council approved the budget on Monday. Spending on schools will rise.")
	b := doc("b", "2024-03-01", "Floods closed the coastal road. Rescue teams reached the village by boat.")
	c := doc("c", "", "The museum reopened after repairs. Visitors queued for hours.")
	d := doc("d", "March 2024", "A new bridge opened downtown. Traffic eased at once.")
	tests := []struct {
		name string
		docs []corpus.Document
		id   string
		want string
	}{
		{"only", []corpus.Document{c}, "", "c"},
		{"newest by date", []corpus.Document{a, b, c}, "", "b"},
		{"newest by date, order ignored", []corpus.Document{b, a, c}, "", "b"},
		{"no dates: the last", []corpus.Document{c, d}, "", "d"},
		{"by ID", []corpus.Document{a, b, c}, "a", "a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix := mustBuild(t, tc.docs)
			s := mustSummary(t, ix, SummaryOptions{Doc: tc.id})
			if s.Doc != tc.want {
				t.Errorf("Summary(Doc: %q).Doc = %q, want %q", tc.id, s.Doc, tc.want)
			}
			checkSummary(t, ix, s)
		})
	}
}

func TestSummaryUnknownDocument(t *testing.T) {
	ix := mustBuild(t, []corpus.Document{doc("first", "", "One sentence here. Another one there.")})
	_, err := ix.Summary(t.Context(), SummaryOptions{Doc: "nope"})
	if !errors.Is(err, ErrUnknownDocument) {
		t.Fatalf("Summary(Doc: nope) error = %v, want ErrUnknownDocument", err)
	}
	if !strings.Contains(err.Error(), `"first"`) {
		t.Errorf("error %q does not list the corpus's IDs", err)
	}
}

func TestSummaryNoNearDuplicates(t *testing.T) {
	text := `Officials said the dam on the upper river would be finished by spring next year.

Engineers warned that heavy rain had delayed the concrete work for three weeks.

Officials said the dam on the upper river would be finished by the spring of next year.

The project will supply power to two provinces and irrigate farmland downstream.

Local farmers welcomed the water but asked for compensation for flooded fields.`
	ix := mustBuild(t, []corpus.Document{doc("dam", "", text)})
	s := mustSummary(t, ix, SummaryOptions{Sentences: 4})
	checkSummary(t, ix, s)
	n := 0
	for _, p := range s.Sentences {
		if strings.HasPrefix(p.Text, "Officials said the dam") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("summary has %d copies of the repeated sentence, want 1: %q", n, texts(s.Sentences))
	}
}

func TestSummaryCanceled(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := ix.Summary(ctx, SummaryOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Summary with a canceled context: error = %v, want context.Canceled", err)
	}
}

// benchDocument builds one document of at least n sentences: the FacQA and
// XQuAD passages one after another, again and again as needed, when the
// shared eval sets are there, otherwise the embedded article repeated, each
// copy's sentences rotated so that copies are not identical.
func benchDocument(tb testing.TB, n int) corpus.Document {
	tb.Helper()
	var paras []corpus.Paragraph
	count := 0
	add := func(text string) {
		for _, p := range corpus.Paragraphs(text) {
			p.N = len(paras) + 1
			paras = append(paras, p)
			count += len(p.Sentences)
		}
	}
	var passages []string
	if eval := scaleEvalDir(); eval != "" {
		for _, set := range []string{"facqa", "xquad-en"} {
			docs, _, err := corpus.Load(filepath.Join(eval, set, "corpus.jsonl"))
			if err != nil {
				continue
			}
			for _, d := range docs {
				var ps []string
				for _, p := range d.Paragraphs {
					ps = append(ps, p.Text)
				}
				passages = append(passages, strings.Join(ps, " "))
			}
		}
	}
	for len(passages) > 0 && count < n {
		for _, p := range passages {
			if count >= n {
				break
			}
			add(p)
		}
	}
	if count < n {
		for _, p := range rotatedArticle(n - count).Paragraphs {
			p.N = len(paras) + 1
			paras = append(paras, p)
		}
	}
	return corpus.Document{ID: "bench", Title: "bench", Lang: "id", Paragraphs: paras}
}

// processCPU is the CPU time the process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rotatedArticle is a document of at least n sentences: the embedded
// article's body sentences again and again, each copy's words rotated so
// that copies are not identical.
func rotatedArticle(n int) corpus.Document {
	var paras []corpus.Paragraph
	base := corpus.Default()[0]
	for k, count := 0, 0; count < n; k++ {
		for _, p := range base.Paragraphs {
			if p.Kind != corpus.Body {
				continue
			}
			for _, s := range p.Sentences {
				words := strings.Fields(s.Text)
				r := k % len(words)
				for _, p := range corpus.Paragraphs(strings.Join(append(words[r:], words[:r]...), " ") + ".") {
					p.N = len(paras) + 1
					paras = append(paras, p)
					count += len(p.Sentences)
				}
			}
		}
	}
	return corpus.Document{ID: "rotated", Title: "rotated", Lang: "id", Paragraphs: paras}
}

// TestSummaryBoundedSearch checks that bounding the postings a sentence
// visits (lexRank.maxVisits) leaves long documents' summaries as the exact
// neighbour search makes them, with links nearly as similar.
func TestSummaryBoundedSearch(t *testing.T) {
	docs := []corpus.Document{rotatedArticle(2000)}
	if scaleEvalDir() != "" {
		docs = append(docs, benchDocument(t, 4000))
	}
	for _, d := range docs {
		t.Run(d.ID, func(t *testing.T) {
			ix := mustBuild(t, []corpus.Document{d})
			run := func(p lexRankParams) ([]int, *simGraph) {
				s := &summarizer{ix: ix, p: p, ids: ix.summarised(0)}
				s.vectorize()
				g, err := s.link(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				c, err := g.rank(t.Context(), positionPrior(len(s.ids)), p)
				if err != nil {
					t.Fatal(err)
				}
				return s.pick(s.scores(c, nil, s.introductions()), DefaultSummarySentences), g
			}
			exact := lexRank
			exact.maxVisits = math.MaxInt
			want, ge := run(exact)
			got, g := run(lexRank)
			if !slices.Equal(got, want) {
				t.Errorf("bounded search picks sentences %v, the exact one %v", got, want)
			}
			// Similarity found: ties make which neighbours are found
			// arbitrary, their weight is not.
			var found, all float64
			for i := range ge.degree {
				found += g.degree[i]
				all += ge.degree[i]
			}
			t.Logf("%d sentences: the links carry %.3f of the exact links' similarity", ix.SentenceCount(), found/all)
			// The rotated article is the hard case: a sentence's
			// copies share all its words but lie a copy's length away,
			// beyond the postings it visits of its common words.
			if found < 0.8*all {
				t.Errorf("bounded search: the links carry %.3f of the exact links' similarity, want at least 0.8", found/all)
			}
		})
	}
}

// BenchmarkSummary times a summary of one document of 500 to 4,000
// sentences, and with KUTIP_SCALE=1 also of 20,000 and 50,000.
func BenchmarkSummary(b *testing.B) {
	sizes := []int{500, 1000, 2000, 4000}
	if os.Getenv("KUTIP_SCALE") == "1" {
		sizes = append(sizes, 20_000, 50_000)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("sentences=%d", n), func(b *testing.B) {
			ix := mustBuild(b, []corpus.Document{benchDocument(b, n)})
			b.ReportAllocs()
			cpu := processCPU()
			for b.Loop() {
				if _, err := ix.Summary(b.Context(), SummaryOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(ix.SentenceCount()), "sentences")
			// CPU time, unlike ns/op, does not grow with the machine's load.
			b.ReportMetric(float64((processCPU()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}
