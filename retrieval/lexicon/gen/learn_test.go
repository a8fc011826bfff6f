package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// parallelDir is the PANL-BPPT corpus beside the repository, as go
// generate reads it.
const parallelDir = "../../../../shared/parallel/panl-bppt-en-id"

func needParallel(tb testing.TB) {
	tb.Helper()
	if _, err := os.Stat(filepath.Join(parallelDir, "SOURCE.md")); err != nil {
		tb.Skipf("skipping: the parallel corpus is not at %s (it sits beside the repository on the development and CI machines)", parallelDir)
	}
}

func TestGrowDiag(t *testing.T) {
	for _, tc := range []struct {
		name           string
		n, m           int
		enToID, idToEN []int
		want           [][2]int
	}{
		{"agreeing", 2, 2, []int{0, 1}, []int{0, 1}, [][2]int{{0, 0}, {1, 1}}},
		// "take part" ↔ "ikut serta": each direction links one word; the
		// union's neighbours of the intersection join.
		{"grows into the union", 2, 2, []int{0, 0}, []int{0, 1}, [][2]int{{0, 0}, {1, 0}, {1, 1}}},
		{"nothing shared", 2, 2, []int{1, -1}, []int{-1, -1}, nil},
		{"far union link stays out", 3, 3, []int{0, -1, -1}, []int{0, -1, 0}, [][2]int{{0, 0}}},
		{"unaligned words", 2, 3, []int{-1, 2}, []int{-1, -1, 1}, [][2]int{{1, 2}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := growDiag(tc.n, tc.m, tc.enToID, tc.idToEN)
			if !slices.Equal(got, tc.want) {
				t.Errorf("growDiag = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"Kim Jong-un's troops, 11,000 of them.", []string{"kim", "jong-un", "troops", "11", "000", "of", "them"}},
		{"negara-negara 'yang' ikut serta", []string{"negara-negara", "yang", "ikut", "serta"}},
		{" -- ", nil},
	} {
		if got := words(tc.line); !slices.Equal(got, tc.want) {
			t.Errorf("words(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

// TestLearnDeterministic learns from the first lines of each part twice and
// requires the same bytes, and the commonest news words translated.
func TestLearnDeterministic(t *testing.T) {
	needParallel(t)
	dir := t.TempDir()
	for _, part := range parallelParts {
		for _, lang := range []string{"en", "id"} {
			b, err := os.ReadFile(filepath.Join(parallelDir, part+"."+lang))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.SplitAfterN(string(b), "\n", 1501)
			head := strings.Join(lines[:min(len(lines), 1500)], "")
			if err := os.WriteFile(filepath.Join(dir, part+"."+lang), []byte(head), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	first, _, err := learn(dir, parallelParts, 0)
	if err != nil {
		t.Fatal(err)
	}
	second, _, err := learn(dir, parallelParts, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(first, second) {
		t.Fatalf("two runs on the same input differ: %d and %d lines", len(first), len(second))
	}
	if !slices.IsSorted(first) {
		t.Errorf("the table is not sorted")
	}
	for _, want := range []struct{ key, tr string }{
		{"attack", "serangan"}, {"govern", "pemerintah"}, {"minist", "menteri"}, {"percent", "persen"},
	} {
		i := slices.IndexFunc(first, func(l string) bool { return strings.HasPrefix(l, want.key+"\t") })
		if i < 0 || !strings.Contains(first[i], "\t"+want.tr+":") && !strings.Contains(first[i], "|"+want.tr+":") {
			line := "no entry"
			if i >= 0 {
				line = first[i]
			}
			t.Errorf("%s: want %q among its translations, got %s", want.key, want.tr, line)
		}
	}
}

// TestLearnReproduces runs the generator's learning step on the whole
// corpus and compares the result with the committed data/learned.txt: the
// table in the binary is what the generator makes. It takes about half a
// minute of both cores, a third of a warm `go test ./...`, so it runs only
// with KUTIP_REPRODUCE=1, as .ci/run does in a step of its own, and never in
// the race build, where it would take minutes (race_test.go).
func TestLearnReproduces(t *testing.T) {
	if os.Getenv("KUTIP_REPRODUCE") != "1" || testing.Short() || raceEnabled {
		t.Skip("skipping the full learning run: set KUTIP_REPRODUCE=1 (without -race or -short) to run it")
	}
	needParallel(t)
	lines, _, err := learn(parallelDir, parallelParts, 0)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	for _, l := range lines {
		buf.WriteString(l + "\n")
	}
	committed, err := os.ReadFile("../data/learned.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), committed) {
		t.Errorf("learning again gives %d lines that differ from data/learned.txt (%d bytes against %d): run go generate ./retrieval/lexicon/ and commit the result",
			len(lines), buf.Len(), len(committed))
	}
}
