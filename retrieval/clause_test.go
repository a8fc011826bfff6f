package retrieval

import (
	"strings"
	"testing"

	"kutip/corpus"
)

func TestClauses(t *testing.T) {
	a := newAnalyzer("id")
	sent := func(text string) *sentence { return newSentence(text, "id", a.analyze(text)) }
	pos := func(s *sentence, word string) int {
		for i, tk := range s.tokens() {
			if tk.Word == word {
				return i
			}
		}
		t.Fatalf("%q has no %q", s.text, word)
		return -1
	}
	caption := sent("Kim Jong Un tersenyum sambil duduk di kursi penumpang sementara Vladimir Putin mengemudikan Aurus")
	semicolon := sent("Kiev membalas serangan itu; Moskow menyebutnya provokasi")
	dash := sent("Pyongyang – sekutu Moskow – mengirim pasukan")
	tests := []struct {
		s         *sentence
		span      string
		questions []string
		want      bool
	}{
		// Who drives: Putin, in the clause of "mengemudikan".
		{caption, "vladimir", []string{"mengemudikan"}, true},
		{caption, "kim", []string{"mengemudikan"}, false},
		// Who sits: Kim.
		{caption, "kim", []string{"duduk"}, true},
		{caption, "vladimir", []string{"duduk"}, false},
		// A span in any clause the question's words reach.
		{caption, "vladimir", []string{"duduk", "mengemudikan"}, true},
		{semicolon, "moskow", []string{"menyebutnya"}, true},
		{semicolon, "kiev", []string{"menyebutnya"}, false},
		{dash, "pyongyang", []string{"mengirim"}, false},
		{dash, "moskow", []string{"sekutu"}, true},
		// No matched words: nothing to disagree with.
		{caption, "kim", nil, true},
	}
	for _, tt := range tests {
		var ps []int
		for _, w := range tt.questions {
			ps = append(ps, pos(tt.s, w))
		}
		lo, hi := clauseBounds(tt.s, pos(tt.s, tt.span))
		if got := inClause(ps, lo, hi); got != tt.want {
			t.Errorf("inClause(%.25q…, %q, %q) = %v, want %v", tt.s.text, tt.span, tt.questions, got, tt.want)
		}
	}
}

// TestClauseSpan: asked who sits in the passenger seat, the caption's
// bold answer comes from the clause about sitting, not from the one about
// driving, though the driver's name stands nearer the matched words.
func TestClauseSpan(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	ans, err := ix.Ask(t.Context(), "siapa yang duduk di kursi penumpang")
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Passages) == 0 || !strings.HasPrefix(ans.Passages[0].Text, "Kim Jong Un tersenyum") {
		t.Fatalf("first passage is not the caption: %+v", ans.Passages)
	}
	if got := ans.Passages[0].Answer; got != "Kim Jong Un" {
		t.Errorf("answer span = %q, want %q", got, "Kim Jong Un")
	}
}
