package retrieval_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kutip/corpus"
	"kutip/retrieval"
)

// hostileQuestions are questions written to break or slow the engine: each
// must get an ordinary answer (or none) at about the cost of a normal
// question, since the question is read as plain text, never as query
// syntax, and its length, concepts and expansions are capped.
var hostileQuestions = []struct {
	name, q string
	empty   bool // no words at all: no passages
}{
	{"empty", "", true},
	{"whitespace", " \t\n\u00a0\u2003 ", true},
	{"punctuation", strings.Repeat("?!.,;:()[]{}<>\"'`~^*+-=/\\|&%$#", 20), true},
	{"zero-width only", strings.Repeat("\u200b\u200c\u200d\u2060\ufeff", 50), true},
	{"4000 chars", long4000(), false},
	{"4000 chars one word", strings.Repeat("ratifikasi", 400), false},
	// Spelling a loanword enumerates its ambiguous letters: a 600-letter
	// word took minutes before words over 30 letters were left out.
	{"600-letter loanword", strings.Repeat("ification", 66), false},
	{"4000 chars repeated", strings.Repeat("when did Russia ratify? ", 167), false},
	{"bleve syntax", `+russia -korea title:treaty* rat~2 parlemen^3 /rat.*/ "mutual defence" AND OR NOT sent:>5 _id:1`, false},
	{"regex bomb", "/(a+)+$/ /.*.*.*.*.*x/ " + strings.Repeat("a", 200), false},
	{"wildcards", strings.Repeat("* ? ", 500), false},
	{"zero-width inside", "when\u200b did\u200d Russia\u2060 rati\u200cfy\ufeff?", false},
	{"right-to-left", "\u202eyfitar aissuR did nehw\u202c \u05de\u05ea\u05d9 \u0645\u062a\u0649 when did Russia ratify?", false},
	{"mentions", "@everyone @here <@&123456789012345678> <@987654321098765432> <#112233445566778899> when did Russia ratify?", false},
	{"code block", "```go\nfunc main() { panic(\"x\") }\n```\nwhen did Russia ratify?", false},
	{"markdown", "**bold** __under__ ~~strike~~ ||spoiler|| > quote # heading [link](https://x.y) when did Russia ratify?", false},
	{"invalid UTF-8", "when did \xff\xfe Russia \xc3\x28 ratify?", false},
	{"emoji", strings.Repeat("🇰🇵🤝🇷🇺 ", 100), false},
	{"numbers", numbers(600), false},
}

// normalQuestions are what users ask; their cost is the baseline.
var normalQuestions = []string{
	"when did Russia ratify?",
	"Berapa tentara Korea Utara yang dikerahkan?",
	"what does the treaty oblige each side to do?",
	"siapa yang menandatangani perjanjian itu?",
}

// long4000 is 4,000 characters of distinct English and Indonesian words,
// the worst case for translation and expansion.
func long4000() string {
	words := strings.Fields(`treaty troops soldiers army defence defense parliament ratify ratification signed
		war peace nuclear missile weapon attack border military president minister leader country nation
		government election vote law court police people city village island river mountain sea ocean
		perjanjian tentara pasukan parlemen meratifikasi ditandatangani perang damai nuklir rudal senjata
		serangan perbatasan presiden menteri pemimpin negara pemerintah pemilihan hukum pengadilan polisi`)
	var b strings.Builder
	for i := 0; b.Len() < 4000; i++ {
		b.WriteString(words[i%len(words)])
		b.WriteByte(' ')
	}
	return b.String()[:4000]
}

func numbers(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat("9", i%7+1))
		b.WriteString(" ")
	}
	return b.String()
}

// hostileCorpus is the FacQA corpus when the shared evaluation data is
// there (a few hundred Indonesian articles), else the built-in article.
func hostileCorpus(tb testing.TB) (string, []corpus.Document) {
	path := filepath.Join("..", "..", "shared", "eval", "facqa", "corpus.jsonl")
	if _, err := os.Stat(path); err != nil {
		return "article", corpus.Default()
	}
	docs, _, err := corpus.Load(path)
	if err != nil {
		tb.Fatal(err)
	}
	return "facqa", docs
}

func TestHostileQuestions(t *testing.T) {
	ix, err := retrieval.Build(t.Context(), corpus.Default(), retrieval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	sentences := map[string]bool{}
	for _, d := range ix.Documents() {
		for _, p := range d.Paragraphs {
			for _, s := range p.Sentences {
				sentences[s.Text] = true
			}
		}
	}
	for _, tc := range hostileQuestions {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ix.Ask(t.Context(), tc.q)
			if err != nil {
				t.Fatalf("Ask: %v", err)
			}
			if tc.empty && (a.Answered || len(a.Passages) > 0) {
				t.Errorf("Ask(%q) = answered %v, %d passages; want nothing for a question with no words", tc.q, a.Answered, len(a.Passages))
			}
			for _, p := range a.Passages {
				if !sentences[p.Text] {
					t.Errorf("passage %q is not a sentence of the corpus", p.Text)
				}
			}
		})
	}
	// Noise around a real question does not throw the ranking: the best
	// passage is still the one that answers it (Ask may abstain, as the
	// noise words are part of the question it must cover).
	for _, name := range []string{"zero-width inside", "mentions", "code block", "right-to-left", "4000 chars repeated"} {
		for _, tc := range hostileQuestions {
			if tc.name != name {
				continue
			}
			a, err := ix.Search(t.Context(), tc.q, 1)
			if err != nil || len(a.Passages) == 0 || !strings.Contains(a.Passages[0].Text, "6 November") {
				t.Errorf("%s: Search = %+v, %v; want the 6 November sentence first", name, a.Passages, err)
			}
		}
	}
}

// BenchmarkHostile times each hostile question against the normal ones in
// the same loop and reports x-normal, its cost as a multiple of a normal
// question's. A cap that stops working shows as a large x-normal.
//
//	go test -run '^$' -bench Hostile ./retrieval/
func BenchmarkHostile(b *testing.B) {
	name, docs := hostileCorpus(b)
	ix, err := retrieval.Build(context.Background(), docs, retrieval.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	for _, tc := range hostileQuestions {
		b.Run(name+"/"+tc.name, func(b *testing.B) {
			var hostile, normal time.Duration
			n := 0
			b.ReportAllocs()
			for b.Loop() {
				nq := normalQuestions[n%len(normalQuestions)]
				start := time.Now()
				if _, err := ix.Ask(ctx, nq); err != nil {
					b.Fatal(err)
				}
				mid := time.Now()
				if _, err := ix.Ask(ctx, tc.q); err != nil {
					b.Fatal(err)
				}
				hostile += time.Since(mid)
				normal += mid.Sub(start)
				n++
			}
			b.ReportMetric(float64(hostile.Nanoseconds())/float64(n), "hostile-ns/q")
			b.ReportMetric(float64(normal.Nanoseconds())/float64(n), "normal-ns/q")
			b.ReportMetric(float64(hostile)/float64(normal), "x-normal")
		})
	}
}
