package retrieval

import (
	"fmt"
	"strings"
	"testing"

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
	if len(got) != len(defaultFacts) {
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
