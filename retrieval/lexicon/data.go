package lexicon

//go:generate go run ./gen -out data -wnbahasa ../../../shared/lexicon/wordnet-bahasa/wn-data-ind.tab
//go:generate go run ./gen -learn ../../../shared/parallel/panl-bppt-en-id -out data

import (
	_ "embed"
	"sort"
	"strings"
	"sync"
)

// The data files, made by gen from Debian packages (see doc.go). They are
// embedded as strings so that table keys and values can be substrings of
// them: parsing allocates only the roots map and the line indexes.
var (
	//go:embed data/roots.txt
	rootsText string
	//go:embed data/translate.txt
	translateText string
	//go:embed data/synonyms.txt
	synonymsText string
	//go:embed data/irregular.txt
	irregularText string
	//go:embed data/learned.txt
	learnedText string
	//go:embed data/wordnet.txt
	wordnetText string
	//go:embed data/capitals.txt
	capitalsText string
)

// Affix family bits, one per code letter written by the generator
// (gen/hunspell.go famCodes). A root's mask holds the families its hunspell
// flags can attach.
const (
	famMe  uint16 = 1 << iota // me(N)-
	famPe                     // pe(N)-, per-
	famBer                    // ber-
	famTer                    // ter-
	famDi                     // di-
	famKe                     // ke-
	famSe                     // se-
	famI                      // -i
	famKan                    // -kan
	famAn                     // -an
	// famLexicalized marks a derived word the stemmer keeps whole; it is not
	// a root for IsRoot.
	famLexicalized
)

const famCodes = "mpbtdksIKA"

// table is a parsed data file of sorted "key\tvalue" lines, searched by
// binary search over the line starts. Building it scans for newlines only;
// keys contain no byte below '\t', so line order is key order.
type table struct {
	text   string
	starts []int32 // offset of each line
}

// The tables are parsed once, on first use, each on its own so that Stem does
// not pay for the translation and thesaurus tables.
var (
	rootTable      = sync.OnceValue(func() map[string]uint16 { return parseRoots(rootsText) })
	translateTable = sync.OnceValue(func() table { return parseTable(translateText) })
	synonymTable   = sync.OnceValue(func() table { return parseTable(synonymsText) })
	irregularTable = sync.OnceValue(func() table { return parseTable(irregularText) })
	learnedTable   = sync.OnceValue(func() table { return parseTable(learnedText) })
	wordnetTable   = sync.OnceValue(func() table { return parseTable(wordnetText) })
	capitalsTable  = sync.OnceValue(func() table { return parseTable(capitalsText) })
)

// parseRoots reads "root\tcode" lines into a map from root to affix mask.
func parseRoots(text string) map[string]uint16 {
	roots := make(map[string]uint16, strings.Count(text, "\n"))
	for line := range strings.SplitSeq(text, "\n") {
		if w, code, ok := strings.Cut(line, "\t"); ok {
			roots[w] = parseMask(code)
		}
	}
	return roots
}

func parseMask(code string) uint16 {
	if code == "*" {
		return famLexicalized
	}
	var m uint16
	for i := range len(code) {
		if j := strings.IndexByte(famCodes, code[i]); j >= 0 {
			m |= 1 << j
		}
	}
	return m
}

// parseTable indexes the lines of text.
func parseTable(text string) table {
	t := table{text: text, starts: make([]int32, 0, strings.Count(text, "\n"))}
	for off := 0; off < len(text); {
		t.starts = append(t.starts, int32(off))
		nl := strings.IndexByte(text[off:], '\n')
		if nl < 0 {
			break
		}
		off += nl + 1
	}
	return t
}

// len returns the number of lines.
func (t table) len() int { return len(t.starts) }

// line returns the i'th line's key and value.
func (t table) line(i int) (key, value string) {
	l := t.text[t.starts[i]:]
	if nl := strings.IndexByte(l, '\n'); nl >= 0 {
		l = l[:nl]
	}
	key, value, _ = strings.Cut(l, "\t")
	return key, value
}

// lookup returns the value stored for key.
func (t table) lookup(key string) (string, bool) {
	i := sort.Search(t.len(), func(i int) bool {
		k, _ := t.line(i)
		return k >= key
	})
	if i == t.len() {
		return "", false
	}
	k, v := t.line(i)
	return v, k == key
}

// lookupList returns the "|"-separated list stored for key, at most n items.
func (t table) lookupList(key string, n int) []string {
	v, ok := t.lookup(key)
	if !ok || v == "" {
		return nil
	}
	out := strings.SplitN(v, "|", n+1)
	return out[:min(len(out), n)]
}
