package retrieval

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"kutip/corpus"
)

// TestAnswers checks the answer-or-abstain rule on the signals of real
// questions (FacQA's English dev questions on its Indonesian corpus, with
// the coverage kutip measured for them) and at its edges.
func TestAnswers(t *testing.T) {
	tests := []struct {
		name            string
		sg              signals
		qLang, textLang string
		want            bool
	}{
		{"long typed question through translations (Rp 19,797 miliar)", signals{0.479, true, 7, 14.7}, "en", "id", true},
		{"long typed question (tahun 1969)", signals{0.412, true, 11, 21.0}, "en", "id", true},
		{"six words, just enough evidence (Mars, 687 hari)", signals{0.443, true, 6, 12.3}, "en", "id", true},
		{"short question below the cross threshold (Pelaihari)", signals{0.488, true, 3, 7.3}, "en", "id", false},
		{"its document removed: five words, the wrong article (Ratu Balaw)", signals{0.459, true, 5, 13}, "en", "id", false},
		{"the default article: common words, too little evidence (where did the soldiers train)", signals{0.489, true, 8, 6.2}, "en", "id", false},
		{"long question, no span of the asked type", signals{0.47, false, 9, 20}, "en", "id", false},
		{"long typed question below the floor", signals{0.39, true, 12, 25}, "en", "id", false},
		{"at the cross threshold, untyped", signals{0.51, false, 2, 3}, "en", "id", true},
		{"within Indonesian the threshold alone decides", signals{0.43, true, 8, 20}, "id", "id", false},
		{"within Indonesian at the threshold", signals{0.45, false, 2, 5}, "id", "id", true},
		{"within English the threshold alone decides", signals{0.44, true, 10, 20}, "en", "en", false},
		{"a language without a lexicon is not gated", signals{0.05, false, 1, 0.2}, "de", "de", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := answers(tt.sg, tt.qLang, tt.textLang); got != tt.want {
				t.Errorf("answers(%+v, %s, %s) = %v, want %v", tt.sg, tt.qLang, tt.textLang, got, tt.want)
			}
		})
	}
}

// TestAbstainEnglishOnIndonesian asks FacQA's English dev questions whose
// right sentence coverage alone used to withhold, one whose document is
// removed, and long questions about the default article that it does not
// answer (written for this test), which must stay unanswered.
func TestAbstainEnglishOnIndonesian(t *testing.T) {
	docs, _, err := corpus.Load(filepath.Join(evalTestdata, "facqa/corpus.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	removed := "facqa-001223"
	var kept []corpus.Document
	for _, d := range docs {
		if d.ID != removed {
			kept = append(kept, d)
		}
	}
	ctx := context.Background()
	full, err := Build(ctx, docs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer full.Close()
	without, err := Build(ctx, kept, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer without.Close()
	tests := []struct {
		ix       *Index
		question string
		answered bool
		gold     string // in the first passage when answered
	}{
		{full, "How much of the operating funds for the 2004 election in seven regencies has yet to be accounted for?", true, "Rp 19,797 miliar"},
		{full, "In what year was the Act of Free Choice held in Irian Jaya, leading to the creation of the province of West Irian?", true, "tahun 1969"},
		{full, "How many times did Lin Dan fail to play a net shot against Taufik Hidayat at the World Badminton Championships?", true, "15 kali"},
		// The right sentence, but three words are too few to trust
		// below the cross threshold: still withheld.
		{full, "Which province is the town of Pelaihari in?", false, ""},
		// Its article removed: the best sentence left is another's.
		{without, "Who is the 12th-generation descendant of Ratu Balaw?", false, ""},
	}
	article, err := Build(ctx, corpus.Default(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer article.Close()
	// About the default article but not answered by it: its words are too
	// common in a corpus of one article to count as evidence.
	tests = append(tests, []struct {
		ix       *Index
		question string
		answered bool
		gold     string
	}{
		{article, "Where did the North Korean soldiers train before being sent to the front line in Russia?", false, ""},
		{article, "Who is the current foreign minister of North Korea responsible for negotiating with Moscow?", false, ""},
		{article, "How many people attended the signing ceremony of the treaty in Pyongyang last June?", false, ""},
	}...)
	for _, tt := range tests {
		a, err := tt.ix.Search(ctx, tt.question, 1)
		if err != nil {
			t.Fatal(err)
		}
		if a.Answered != tt.answered {
			t.Errorf("%q: answered %v (coverage %.3f), want %v", tt.question, a.Answered, a.Confidence, tt.answered)
			continue
		}
		if tt.answered && (len(a.Passages) == 0 || !strings.Contains(a.Passages[0].Text, tt.gold)) {
			t.Errorf("%q: first passage %v, want one holding %q", tt.question, a.Passages, tt.gold)
		}
	}
}
