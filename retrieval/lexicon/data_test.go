package lexicon

import (
	"testing"
	"time"
)

func TestDataLoads(t *testing.T) {
	for _, tc := range []struct {
		name string
		size func() int
		min  int
	}{
		{"roots", func() int { return len(rootTable()) }, 30000},
		{"translate", func() int { return translateTable().len() }, 9000},
		{"synonyms", func() int { return synonymTable().len() }, 20000},
		{"learned", func() int { return learnedTable().len() }, 6000},
		{"wordnet", func() int { return wordnetTable().len() }, 3000},
	} {
		if got := tc.size(); got < tc.min {
			t.Errorf("%s table has %d entries, want at least %d", tc.name, got, tc.min)
		}
	}
}

// TestDataParseTime parses every embedded table afresh and reports how long
// it takes; start-up pays this once.
func TestDataParseTime(t *testing.T) {
	start := time.Now()
	parseRoots(rootsText)
	parseTable(translateText)
	parseTable(synonymsText)
	parseTable(learnedText)
	parseTable(wordnetText)
	took := time.Since(start)
	t.Logf("parsed all tables in %v", took)
	if took > 500*time.Millisecond && !testing.Short() {
		t.Errorf("parsing all tables took %v, want well under 500ms (target 50ms)", took)
	}
}

// TestTableSorted checks what lookup's binary search relies on.
func TestTableSorted(t *testing.T) {
	for name, tb := range map[string]table{
		"translate": translateTable(), "synonyms": synonymTable(), "learned": learnedTable(), "wordnet": wordnetTable(),
	} {
		prev := ""
		for i := range tb.len() {
			k, v := tb.line(i)
			if i > 0 && k <= prev {
				t.Errorf("%s line %d: key %q not after %q", name, i, k, prev)
			}
			if got, ok := tb.lookup(k); !ok || got != v {
				t.Errorf("%s.lookup(%q) = %q, %v, want %q, true", name, k, got, ok, v)
			}
			prev = k
		}
	}
}

func TestParseMask(t *testing.T) {
	for _, tc := range []struct {
		code string
		want uint16
	}{
		{"", 0},
		{"*", famLexicalized},
		{"mdK", famMe | famDi | famKan},
		{"mpbtdksIKA", famMe | famPe | famBer | famTer | famDi | famKe | famSe | famI | famKan | famAn},
	} {
		if got := parseMask(tc.code); got != tc.want {
			t.Errorf("parseMask(%q) = %b, want %b", tc.code, got, tc.want)
		}
	}
}

// BenchmarkParse measures what start-up pays for each table.
func BenchmarkParse(b *testing.B) {
	b.Run("roots", func(b *testing.B) {
		for b.Loop() {
			parseRoots(rootsText)
		}
	})
	b.Run("translate", func(b *testing.B) {
		for b.Loop() {
			parseTable(translateText)
		}
	})
	b.Run("synonyms", func(b *testing.B) {
		for b.Loop() {
			parseTable(synonymsText)
		}
	})
}
