package eval

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"kutip/corpus"
	"kutip/retrieval"
)

// Set is a question set with known answers and the corpus it asks about,
// as files below a data folder laid out like testdata/ (the layout of
// ../shared/eval).
type Set struct {
	Name      string
	Corpus    string // the corpus file or folder below the data folder; "" is the embedded article
	Questions string // the questions file below the data folder
	// Translates names the set whose questions these are, asked in another
	// language of the same corpus with the same answers: facqa-en
	// translates facqa. Its top-1 below the original's is the translation
	// loss (see Losses).
	Translates string
	// Bar is the least the quality gate accepts on the set.
	Bar Bar
}

// Bar is the least the quality gate accepts on a set, counted as Metrics
// counts. Bars sit at what was measured when they were last set, rounded
// down to the hundredth, so that a change which makes any set worse fails
// the gate and one that makes it better raises the bar by hand. Span's bar
// sits one hundredth lower: it is a share of the questions answered right,
// so one more right answer whose span misses lowers it (xquad-en .661 to
// .659 when typo correction answered one more question).
type Bar struct {
	Top1, Recall3 float64
	// Answered is the share of answerable questions kutip must answer
	// rather than abstain on.
	Answered float64
	// Span is the bar for Metrics.Span; 0 for a set whose gold strings are
	// passages rather than answers.
	Span float64
	// Abstained is the share of unanswerable questions kutip must abstain
	// on.
	Abstained float64
}

// Sets lists the question sets kutip is measured on: `kutip eval --sets`
// reports each, and the quality gate holds each to its Bar on the copies
// in testdata/. To measure a new set everywhere, put its files under
// testdata/ (with a note of where they come from in testdata/README.md)
// and add it here.
var Sets = []Set{
	// Measured at a7bceb4 (top-1 / recall@3 / span / answered): article
	// 1/1/-/1 with 3/3 abstentions, facqa .804/.897/.813/.971,
	// facqa-en .640/.749/.792/.852, xquad-en .797/.900/.656/.946;
	// facqa-en at a3bc4f6, with parenthesised aliases and series numbers
	// (22nd = XXII): .659/.778/.787/.878; xquad-en with counts as words
	// (six = 6): .801/.903/.655/.948.
	{Name: "article", Questions: "article/questions.jsonl",
		Bar: Bar{Top1: 1, Recall3: 1, Answered: 1, Abstained: 1}},
	{Name: "facqa", Corpus: "facqa/corpus.jsonl", Questions: "facqa/dev.jsonl",
		Bar: Bar{Top1: 0.80, Recall3: 0.89, Answered: 0.97, Span: 0.80}},
	// facqa-en at 2673f6b, with abstain.go's rule for long English
	// questions: .714/.836/.790/.939; with the learned table scored by
	// both directions and its weak renderings cut: .717/.836/.791/.939.
	// With the span rules of de9d5ec to 17a853d: .730/.833/.785/.936.
	{Name: "facqa-en", Corpus: "facqa/corpus.jsonl", Questions: "facqa-en/dev.jsonl", Translates: "facqa",
		Bar: Bar{Top1: 0.72, Recall3: 0.83, Answered: 0.93, Span: 0.77}},
	{Name: "xquad-en", Corpus: "xquad-en/corpus.jsonl", Questions: "xquad-en/dev.jsonl",
		Bar: Bar{Top1: 0.80, Recall3: 0.90, Answered: 0.94, Span: 0.64}},
	// Long English questions on the embedded article, 20 of them on its
	// topic but not answered by it (testdata/article-long/README.md):
	// .875/1/.800/1 with 14 of 20 abstentions at 8503295.
	{Name: "article-long", Questions: "article-long/questions.jsonl",
		Bar: Bar{Top1: 0.87, Recall3: 1, Answered: 1, Abstained: 0.70}},
	// Chat-style questions on the embedded article, held out from tuning
	// (see testdata/casual/README.md). Measured at 5d1cc02, with topics,
	// the outside-world check and reaction questions: .825/.925/.500/.925
	// with 8 of 13 abstentions; at ed4d91d, with how-many questions that
	// no sentence counts refused and dictionary words no misspelling of
	// other roots, 10 of 13 (.769); at 891e4c2, with the roots of pe(N)-
	// nouns the corpus never writes not covering a word, 11 of 13 (.846).
	// With the learned table's weak renderings cut (drive → mengendarai),
	// "who was driving the car" is refused where it was answered with the
	// wrong sentence (the photo caption, the gold second): recall@3 and
	// answered .925 → .900, top-1 the same.
	{Name: "casual", Questions: "casual/questions.jsonl",
		Bar: Bar{Top1: 0.82, Recall3: 0.90, Answered: 0.90, Span: 0.49, Abstained: 0.84}},
}

// Load reads a set's questions below dir and indexes its corpus in
// memory. The caller closes the index.
func (s Set) Load(ctx context.Context, dir string) (*retrieval.Index, []Question, error) {
	qs, err := s.Read(dir)
	if err != nil {
		return nil, nil, err
	}
	ix, err := s.Index(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	return ix, qs, nil
}

// Read reads a set's questions below dir.
func (s Set) Read(dir string) ([]Question, error) {
	f, err := os.Open(filepath.Join(dir, s.Questions))
	if err != nil {
		return nil, fmt.Errorf("set %s: %w", s.Name, err)
	}
	defer f.Close()
	qs, err := ReadQuestions(f)
	if err != nil {
		return nil, fmt.Errorf("set %s: %s: %w", s.Name, s.Questions, err)
	}
	return qs, nil
}

// Index indexes a set's corpus below dir in memory. The caller closes
// the index.
func (s Set) Index(ctx context.Context, dir string) (*retrieval.Index, error) {
	docs := corpus.Default()
	if s.Corpus != "" {
		var err error
		docs, _, err = corpus.Load(filepath.Join(dir, s.Corpus))
		if err != nil {
			return nil, fmt.Errorf("set %s: corpus: %w", s.Name, err)
		}
	}
	ix, err := retrieval.Build(ctx, docs, retrieval.Options{})
	if err != nil {
		return nil, fmt.Errorf("set %s: index: %w", s.Name, err)
	}
	return ix, nil
}

// SetReport is the report on one set.
type SetReport struct {
	Set    Set
	Report Report
}

// RunSets runs every set below dir, in order.
func RunSets(ctx context.Context, dir string, sets []Set) ([]SetReport, error) {
	var out []SetReport
	for _, s := range sets {
		ix, qs, err := s.Load(ctx, dir)
		if err != nil {
			return nil, err
		}
		rep, err := Run(ctx, ix, qs)
		ix.Close()
		if err != nil {
			return nil, fmt.Errorf("set %s: %w", s.Name, err)
		}
		out = append(out, SetReport{Set: s, Report: rep})
	}
	return out, nil
}

// Loss is a translation loss: how much lower top-1 is when a set's
// questions are asked in another language (Set.Translates).
type Loss struct {
	Set        string  `json:"set"`        // the translated set, "facqa-en"
	Translates string  `json:"translates"` // the original, "facqa"
	Original   float64 `json:"original"`   // the original's top-1
	Translated float64 `json:"translated"` // the translation's top-1
	Top1       float64 `json:"top1"`       // Original − Translated
}

// Losses returns the translation loss of every reported set that
// translates another reported set.
func Losses(rs []SetReport) []Loss {
	byName := map[string]Metrics{}
	for _, r := range rs {
		byName[r.Set.Name] = r.Report.All
	}
	var out []Loss
	for _, r := range rs {
		orig, ok := byName[r.Set.Translates]
		if r.Set.Translates == "" || !ok {
			continue
		}
		tr := r.Report.All.Top1
		out = append(out, Loss{Set: r.Set.Name, Translates: r.Set.Translates, Original: orig.Top1, Translated: tr, Top1: orig.Top1 - tr})
	}
	return out
}
