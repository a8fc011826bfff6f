package eval

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"kutip/retrieval"
)

// testdata is the folder of the gate's data: copies of the dev sets, so
// that the gate never skips (see testdata/README.md).
const testdata = "testdata"

// indexes holds the indexes of the gate's corpora, each built once and
// shared by the tests that ask it, in parallel (an Index is safe for
// concurrent use). TestMain closes them.
var indexes = struct {
	sync.Mutex
	byCorpus map[string]func() (*retrieval.Index, error)
}{byCorpus: map[string]func() (*retrieval.Index, error){}}

// sharedIndex returns the index of corpus below testdata ("" is the
// embedded article), building it on first use.
func sharedIndex(t *testing.T, corpus string) *retrieval.Index {
	t.Helper()
	indexes.Lock()
	build, ok := indexes.byCorpus[corpus]
	if !ok {
		build = sync.OnceValues(func() (*retrieval.Index, error) {
			return Set{Name: "corpus " + corpus, Corpus: corpus}.Index(context.Background(), testdata)
		})
		indexes.byCorpus[corpus] = build
	}
	indexes.Unlock()
	ix, err := build()
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, build := range indexes.byCorpus {
		if ix, err := build(); err == nil {
			ix.Close()
		}
	}
	os.Exit(code)
}

// TestQualityGate is the regression gate: on every set of Sets, answer
// quality counted as a user sees it stays at or above the set's Bar.
func TestQualityGate(t *testing.T) {
	t.Parallel()
	reports := make([]SetReport, len(Sets))
	t.Run("sets", func(t *testing.T) {
		for i, set := range Sets {
			t.Run(set.Name, func(t *testing.T) {
				t.Parallel()
				qs, err := set.Read(testdata)
				if err != nil {
					t.Fatal(err)
				}
				rep, err := Run(t.Context(), sharedIndex(t, set.Corpus), qs)
				if err != nil {
					t.Fatal(err)
				}
				reports[i] = SetReport{Set: set, Report: rep}
				m, bar := rep.All, set.Bar
				t.Logf("%s: %d questions, top-1 %.3f (ranked %.3f), recall@3 %.3f, MRR@10 %.3f, span %.3f, answered %.3f, unanswerable %d abstained %.3f",
					set.Name, m.Questions, m.Top1, m.Top1Ranked, m.Recall3, m.MRR10, m.Span, m.Answered, m.Unanswerable, m.Abstained)
				if m.Top1 < bar.Top1 {
					t.Errorf("top-1 = %.3f, want at least %.2f", m.Top1, bar.Top1)
				}
				if m.Recall3 < bar.Recall3 {
					t.Errorf("recall@3 = %.3f, want at least %.2f", m.Recall3, bar.Recall3)
				}
				if m.Span < bar.Span {
					t.Errorf("span = %.3f of correct typed answers, want at least %.2f", m.Span, bar.Span)
				}
				if m.Answered < bar.Answered {
					t.Errorf("answered = %.3f of answerable questions, want at least %.2f", m.Answered, bar.Answered)
				}
				if m.Unanswerable > 0 && m.Abstained < bar.Abstained {
					t.Errorf("abstained on %.3f of the unanswerable questions, want at least %.2f", m.Abstained, bar.Abstained)
				}
			})
		}
	})
	for _, l := range Losses(reports) {
		t.Logf("translation loss %s → %s: top-1 %.3f − %.3f = %.3f", l.Translates, l.Set, l.Original, l.Translated, l.Top1)
	}
}

// TestAbstainAcrossCorpora asks each dev set's questions of a corpus that
// cannot answer them (XQuAD's English Wikipedia questions of the Indonesian
// article, FacQA's of XQuAD's paragraphs): kutip must abstain on nearly
// all. This is the unanswerable side of the calibration of retrieval's
// answer threshold.
func TestAbstainAcrossCorpora(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name              string
		corpus, questions string
		minAbstained      float64
	}{
		{"xquad-en on the article", "", "xquad-en/dev.jsonl", 0.97},
		{"facqa on the article", "", "facqa/dev.jsonl", 0.95},
		{"facqa on xquad-en", "xquad-en/corpus.jsonl", "facqa/dev.jsonl", 0.95},
		{"xquad-en on facqa", "facqa/corpus.jsonl", "xquad-en/dev.jsonl", 0.80},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			qs, err := Set{Name: tc.name, Questions: tc.questions}.Read(testdata)
			if err != nil {
				t.Fatal(err)
			}
			ix := sharedIndex(t, tc.corpus)
			abstained := 0
			for _, q := range qs {
				a, err := ix.Ask(t.Context(), q.Question)
				if err != nil {
					t.Fatal(err)
				}
				if !a.Answered {
					abstained++
				}
			}
			share := float64(abstained) / float64(len(qs))
			t.Logf("abstained on %d of %d (%.3f)", abstained, len(qs), share)
			if share < tc.minAbstained {
				t.Errorf("abstained on %.3f, want at least %.2f", share, tc.minAbstained)
			}
		})
	}
}

// TestCounting checks that a question counts as a user sees it: right
// only when kutip answers and its first passage holds the gold.
func TestCounting(t *testing.T) {
	gold := []string{"11.000 tentara"}
	answer := func(answered bool, texts ...string) retrieval.Answer {
		a := retrieval.Answer{Answered: answered, Lang: "en"}
		for _, s := range texts {
			a.Passages = append(a.Passages, retrieval.Passage{Text: s})
		}
		return a
	}
	right, wrong := "sekitar 11.000 tentara Korea Utara", "Perjanjian itu muncul"
	for _, tc := range []struct {
		name                 string
		gold                 []string
		a                    retrieval.Answer
		top1, ranked, recall float64
		answered, abstained  float64
		misses               int
	}{
		{"answered, first passage right", gold, answer(true, right, wrong), 1, 1, 1, 1, 0, 0},
		{"abstained, first passage right", gold, answer(false, right, wrong), 0, 1, 0, 0, 0, 1},
		{"answered, second passage right", gold, answer(true, wrong, right), 0, 0, 1, 1, 0, 1},
		{"answered, none right", gold, answer(true, wrong), 0, 0, 0, 1, 0, 1},
		{"unanswerable, abstained", nil, answer(false, wrong), 0, 0, 0, 0, 1, 0},
		{"unanswerable, answered", nil, answer(true, wrong), 0, 0, 0, 0, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := Question{ID: "q", Question: "how many soldiers?", Gold: tc.gold}
			rep := report([]result{{q: q, a: tc.a, rank: firstCorrect(tc.a.Passages, tc.gold)}})
			m := rep.All
			if m.Top1 != tc.top1 || m.Top1Ranked != tc.ranked || m.Recall3 != tc.recall || m.Answered != tc.answered || m.Abstained != tc.abstained {
				t.Errorf("top-1 %v, ranked %v, recall@3 %v, answered %v, abstained %v; want %v, %v, %v, %v, %v",
					m.Top1, m.Top1Ranked, m.Recall3, m.Answered, m.Abstained, tc.top1, tc.ranked, tc.recall, tc.answered, tc.abstained)
			}
			if len(rep.Misses) != tc.misses {
				t.Errorf("%d misses, want %d", len(rep.Misses), tc.misses)
			}
		})
	}
}

func TestLosses(t *testing.T) {
	rs := []SetReport{
		{Set: Set{Name: "facqa"}, Report: Report{All: Metrics{Top1: 0.8}}},
		{Set: Set{Name: "facqa-en", Translates: "facqa"}, Report: Report{All: Metrics{Top1: 0.55}}},
		{Set: Set{Name: "orphan-en", Translates: "orphan"}, Report: Report{All: Metrics{Top1: 0.5}}},
	}
	got := Losses(rs)
	if len(got) != 1 || got[0].Set != "facqa-en" || got[0].Translates != "facqa" || got[0].Original != 0.8 ||
		got[0].Translated != 0.55 || got[0].Top1 < 0.2499 || got[0].Top1 > 0.2501 {
		t.Errorf("Losses = %+v, want facqa-en's loss from facqa, 0.8 − 0.55, and none for a set whose original was not run", got)
	}
}

// TestSetsHaveTheirFiles keeps Sets and testdata/ in step: every set's
// files are there, and every set a set translates is in Sets.
func TestSetsHaveTheirFiles(t *testing.T) {
	names := map[string]bool{}
	for _, s := range Sets {
		if names[s.Name] {
			t.Errorf("set %s is listed twice", s.Name)
		}
		names[s.Name] = true
	}
	for _, s := range Sets {
		if s.Translates != "" && !names[s.Translates] {
			t.Errorf("set %s translates %s, which is not in Sets", s.Name, s.Translates)
		}
		for _, f := range []string{s.Corpus, s.Questions} {
			if f == "" {
				continue
			}
			if _, err := os.Stat(filepath.Join(testdata, f)); err != nil {
				t.Errorf("set %s: %v (copy its files into testdata/ and note their source in testdata/README.md)", s.Name, err)
			}
		}
	}
}

func TestSpanMatches(t *testing.T) {
	gold := []string{"84 penumpang", "Yoon Suk-yeol"}
	for _, tc := range []struct {
		span string
		want bool
	}{
		{"84 penumpang", true},
		{"84", true},                   // inside the gold answer
		{"sekitar 84 penumpang", true}, // holds it
		{"  YOON   Suk-yeol ", true},   // case and space do not count
		{"Yoon Suk–yeol", true},        // an en dash is a hyphen
		{"85 penumpang", false},
		{"", false},
	} {
		if got := spanMatches(tc.span, gold); got != tc.want {
			t.Errorf("spanMatches(%q) = %v, want %v", tc.span, got, tc.want)
		}
	}
}
