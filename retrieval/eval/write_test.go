package eval

import (
	"fmt"
	"strings"
	"testing"

	"kutip/retrieval"
)

func TestRunAndWriteSets(t *testing.T) {
	t.Parallel()
	rs, err := RunSets(t.Context(), testdata, []Set{Sets[0]})
	if err != nil {
		t.Fatal(err)
	}
	// A made-up translation of the article set, to show the loss line.
	tr := SetReport{Set: Set{Name: "article-xx", Translates: "article"}, Report: Report{All: Metrics{Questions: 1, Top1: 0.5}}}
	var b strings.Builder
	if err := WriteSets(&b, append(rs, tr)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	top1 := rs[0].Report.All.Top1
	if len(lines) != 4 {
		t.Fatalf("WriteSets wrote %d lines, want a header, two sets and a loss:\n%s", len(lines), b.String())
	}
	for i, want := range []string{"set questions top-1 top-1 ranked", "article 20 ", "article-xx 1 0.500 0.000 ",
		fmt.Sprintf("translation loss article → article-xx: top-1 %.3f − 0.500 = %.3f", top1, top1-0.5)} {
		if got := strings.Join(strings.Fields(lines[i]), " "); !strings.HasPrefix(got, want) {
			t.Errorf("line %d = %q, want it to start with %q", i+1, got, want)
		}
	}
}

func TestWriteMisses(t *testing.T) {
	misses := []Miss{{
		Question: Question{ID: "d01", Question: "when did Russia ratify?", Gold: []string{"Parlemen Rusia meratifikasi"}},
		Answer: retrieval.Answer{Lang: "en", Type: "date", Passages: []retrieval.Passage{
			{Doc: "default", Paragraph: 8, Sentence: 1, Score: 1.25, Answer: "Senin", Text: "Parlemen Rusia meratifikasi pakta itu pada Senin."},
		}},
		Rank: 1,
	}}
	var b strings.Builder
	if err := WriteMisses(&b, misses); err != nil {
		t.Fatal(err)
	}
	want := "\n1 misses:\n\nd01 [en, date] when did Russia ratify?\n  gold: Parlemen Rusia meratifikasi\n" +
		"  rank of first correct: 1, answered: false\n  1. 1.250 default ¶8.1 [Senin] Parlemen Rusia meratifikasi pakta itu pada Senin.\n"
	if b.String() != want {
		t.Errorf("WriteMisses wrote\n%q\nwant\n%q", b.String(), want)
	}
}
