package retrieval

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"kutip/corpus"
)

// Helpers for this package's tests that read the evaluation data. The
// evaluation itself is package eval, which imports this one, so these
// tests cannot use it.

// evalTestdata holds the dev sets that package eval's quality gate reads,
// laid out as ../shared/eval (see eval/testdata/README.md).
const evalTestdata = "eval/testdata"

// sharedEval returns ../shared/eval beside the repository root, or skips
// the test when it is absent.
func sharedEval(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Skip("no go.mod above the test's folder")
		}
		dir = parent
	}
	eval := filepath.Join(dir, "..", "shared", "eval")
	if _, err := os.Stat(eval); err != nil {
		tb.Skipf("skipping: the shared eval data is not at %s (it sits beside the repository on the development and CI machines)", eval)
	}
	return eval
}

// evalQuestion is a question of a questions file, as far as these tests
// need it.
type evalQuestion struct {
	Question string `json:"question"`
}

// buildEvalCorpus indexes the corpus at corpusPath below eval, the
// embedded article when corpusPath is empty, and closes it at the end of
// the test.
func buildEvalCorpus(tb testing.TB, eval, corpusPath string) *Index {
	tb.Helper()
	docs := corpus.Default()
	if corpusPath != "" {
		var err error
		docs, _, err = corpus.Load(filepath.Join(eval, corpusPath))
		if err != nil {
			tb.Fatal(err)
		}
	}
	ix, err := Build(context.Background(), docs, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	return ix
}

// loadEval indexes the corpus at corpusPath below eval (the embedded
// article when empty) and reads the questions file there.
func loadEval(tb testing.TB, eval, corpusPath, questions string) (*Index, []evalQuestion) {
	tb.Helper()
	ix := buildEvalCorpus(tb, eval, corpusPath)
	qs := readJSONL[evalQuestion](tb, filepath.Join(eval, questions))
	return ix, qs
}

// firstCorrect returns the 1-based rank of the first passage holding a gold
// string, or 0, compared as package eval compares: case-insensitively,
// white space collapsed, curly quotes straight, dashes hyphens.
func firstCorrect(ps []Passage, gold []string) int {
	for i, p := range ps {
		text := normalizeForMatch(p.Text)
		for _, g := range gold {
			if g = normalizeForMatch(g); g != "" && strings.Contains(text, g) {
				return i + 1
			}
		}
	}
	return 0
}

func normalizeForMatch(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '“', '”', '„', '″':
			return '"'
		case '‘', '’', '′':
			return '\''
		case '–', '—':
			return '-'
		}
		return unicode.ToLower(r)
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
