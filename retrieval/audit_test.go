package retrieval

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFeatureAudit checks that each hand-set ranking feature earns its
// place on data nobody tuned on: it turns each off in turn and measures
// top-1 (answered, first passage holds the gold) on FacQA train (2,495
// Indonesian questions) beside the dev sets. A feature whose gain on train
// is below zero fits the dev sets, not the language, and fails the audit.
//
// It takes a few minutes, so it runs only when asked:
//
//	KUTIP_AUDIT=1 go test -run TestFeatureAudit -v ./retrieval/
//
// It changes package variables, so it must not run beside other tests
// (it does not call t.Parallel).
func TestFeatureAudit(t *testing.T) {
	if os.Getenv("KUTIP_AUDIT") != "1" {
		t.Skip("skipping the feature audit: set KUTIP_AUDIT=1 to run it")
	}
	shared := sharedEval(t)
	type set struct {
		name, dir, corpus, questions string
	}
	sets := []set{
		{"train", shared, "facqa/corpus.jsonl", "facqa/train.jsonl"},
		{"facqa", evalTestdata, "facqa/corpus.jsonl", "facqa/dev.jsonl"},
		{"facqa-en", evalTestdata, "facqa/corpus.jsonl", "facqa-en/dev.jsonl"},
		{"xquad-en", evalTestdata, "xquad-en/corpus.jsonl", "xquad-en/dev.jsonl"},
	}
	features := []struct {
		name string
		v    *float64
	}{
		{"neighbourWeight", &neighbourWeight},
		{"typeBonus", &typeBonus},
		{"proximityBonus", &proximityBonus},
		{"bleveBonus", &bleveBonus},
		{"captionPenalty", &captionPenalty},
		{"promoteMargin", &promoteMargin},
	}
	type loaded struct {
		ix *Index
		qs []goldQuestion
	}
	var data []loaded
	for _, s := range sets {
		ix, _ := loadEval(t, s.dir, s.corpus, s.questions)
		data = append(data, loaded{ix, readGold(t, filepath.Join(s.dir, s.questions))})
	}
	top1 := func(d loaded) float64 {
		right := 0
		for _, q := range d.qs {
			a, err := d.ix.Search(context.Background(), q.Question, 1)
			if err != nil {
				t.Fatal(err)
			}
			if a.Answered && firstCorrect(a.Passages, q.Gold) == 1 {
				right++
			}
		}
		return float64(right) / float64(len(d.qs))
	}
	measure := func() []float64 {
		var out []float64
		for _, d := range data {
			out = append(out, top1(d))
		}
		return out
	}
	all := measure()
	var b strings.Builder
	fmt.Fprintf(&b, "%-16s", "top-1 with all")
	for i, s := range sets {
		fmt.Fprintf(&b, "  %s %.3f", s.name, all[i])
	}
	b.WriteString("\ngain of each feature (all on − that one off):\n")
	for _, f := range features {
		old := *f.v
		*f.v = 0
		off := measure()
		*f.v = old
		fmt.Fprintf(&b, "%-16s", f.name)
		for i, s := range sets {
			fmt.Fprintf(&b, "  %s %+.3f", s.name, all[i]-off[i])
		}
		b.WriteByte('\n')
		if all[0]-off[0] < -auditSlack[f.name] {
			t.Errorf("%s costs %.3f of top-1 on FacQA train: it fits the dev sets, not the language", f.name, off[0]-all[0])
		}
	}
	t.Log(b.String())
}

// auditSlack is what a feature may cost on FacQA train and stay, with the
// reason. The caption penalty costs FacQA train 0.003 (about eight of
// 2,495 questions) but keeps photo captions of real articles from
// answering: on the embedded
// article, "Siapa pemimpin Korea Utara?" otherwise cites the caption of
// ¶7 and bolds "Aurus".
var auditSlack = map[string]float64{"captionPenalty": 0.004}

// goldQuestion is a question with the strings a right passage holds.
type goldQuestion struct {
	Question string
	Gold     []string
}

// readGold reads a questions file's questions and gold strings ("gold",
// "answers" or "answer").
func readGold(t *testing.T, path string) []goldQuestion {
	t.Helper()
	type record struct {
		Question string
		Gold     []string
		Answers  []string
		Answer   string
	}
	var out []goldQuestion
	for _, r := range readJSONL[record](t, path) {
		q := goldQuestion{Question: r.Question, Gold: r.Gold}
		if q.Gold == nil {
			q.Gold = r.Answers
		}
		if q.Gold == nil && r.Answer != "" {
			q.Gold = []string{r.Answer}
		}
		out = append(out, q)
	}
	return out
}
