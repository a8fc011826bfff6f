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
		{"translate", func() int { return len(translateTable()) }, 9000},
		{"synonyms", func() int { return len(synonymTable()) }, 20000},
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
	roots := parseTable(mustRead("data/roots.txt.gz"))
	for _, code := range roots {
		parseMask(code)
	}
	parseTable(mustRead("data/translate.txt.gz"))
	parseTable(mustRead("data/synonyms.txt.gz"))
	took := time.Since(start)
	t.Logf("parsed all tables in %v", took)
	if took > 500*time.Millisecond && !testing.Short() {
		t.Errorf("parsing all tables took %v, want well under 500ms (target 50ms)", took)
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
