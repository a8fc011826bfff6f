package lexicon

//go:generate go run ./gen -out data

import (
	"bytes"
	"compress/gzip"
	"embed"
	"io"
	"strings"
	"sync"
)

//go:embed data/*.txt.gz
var dataFS embed.FS

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

// table is a parsed data file: each key maps to the rest of its line.
type table map[string]string

// The tables are parsed once, on first use, each on its own so that Stem does
// not pay for the translation and thesaurus tables.
var (
	rootTable = sync.OnceValue(func() map[string]uint16 {
		rows := parseTable(mustRead("data/roots.txt.gz"))
		roots := make(map[string]uint16, len(rows))
		for w, code := range rows {
			roots[w] = parseMask(code)
		}
		return roots
	})
	translateTable = sync.OnceValue(func() table { return parseTable(mustRead("data/translate.txt.gz")) })
	synonymTable   = sync.OnceValue(func() table { return parseTable(mustRead("data/synonyms.txt.gz")) })
)

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

// mustRead returns the decompressed contents of an embedded data file. The
// files are fixed at build time and checked by tests, so a failure here is a
// programmer error.
func mustRead(name string) string {
	raw, err := dataFS.ReadFile(name)
	if err != nil {
		panic("lexicon: " + err.Error())
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		panic("lexicon: " + name + ": " + err.Error())
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		panic("lexicon: " + name + ": " + err.Error())
	}
	return string(text)
}

// parseTable splits "key\tvalue" lines. Keys and values are substrings of
// text, so parsing allocates only the map.
func parseTable(text string) table {
	t := make(table, strings.Count(text, "\n"))
	for line := range strings.SplitSeq(text, "\n") {
		if k, v, ok := strings.Cut(line, "\t"); ok {
			t[k] = v
		}
	}
	return t
}

// lookupList returns the "|"-separated list stored for key, at most n items.
func (t table) lookupList(key string, n int) []string {
	v, ok := t[key]
	if !ok || v == "" {
		return nil
	}
	out := strings.SplitN(v, "|", n+1)
	return out[:min(len(out), n)]
}
