package retrieval

import (
	"strconv"
	"strings"
)

// Numbers that name the n-th of a series are written three ways: "the
// 22nd SEA Games", "SEA Games XXII", "Pekan Olahraga ke-8" (whose 8 the
// analyzer keeps as a number), and small counts as words or digits ("6
// orang", "enam orang"). numberForms gives a question word's other ways of
// writing the same number, so that each meets the others.

// maxRoman bounds the Roman numerals read and written: series numbers
// (games, congresses, army units) stay well below it, and beyond it a
// run of capitals is more likely a name than a numeral.
const maxRoman = 49

// numberForms returns the other forms of a number word: for an ordinal
// ("22nd") its digits and Roman numeral, for digits their Roman numeral
// and, from two to ten, their words ("6": enam, six), for such a word or a
// Roman numeral of two letters or more its digits. A one-letter numeral
// ("I Made", "V lembaga", "sinar X") is too often something else.
func numberForms(w string) []string {
	if n, ok := ordinal(w); ok {
		return appendRoman([]string{strconv.Itoa(n)}, n)
	}
	if n, err := strconv.Atoi(w); err == nil {
		out := appendRoman(nil, n)
		if n >= 2 && n < len(countWords) {
			out = append(out, countWords[n]...)
		}
		return out
	}
	if n, ok := numberWordValue[w]; ok {
		return []string{strconv.Itoa(n)}
	}
	if len(w) >= 2 {
		if n, ok := parseRoman(w); ok {
			return []string{strconv.Itoa(n)}
		}
	}
	return nil
}

func appendRoman(out []string, n int) []string {
	if n >= 2 && n <= maxRoman {
		out = append(out, roman(n))
	}
	return out
}

// ordinal reads an English ordinal written with digits: 1st, 2nd, 3rd,
// 22nd, 10th.
func ordinal(w string) (int, bool) {
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		if digits, ok := strings.CutSuffix(w, suf); ok && digits != "" {
			n, err := strconv.Atoi(digits)
			return n, err == nil && n > 0
		}
	}
	return 0, false
}

// isOrdinal reports whether w is an ordinal written with digits.
func isOrdinal(w string) bool {
	_, ok := ordinal(w)
	return ok
}

var romanDigits = []struct {
	value  int
	letter string
}{{40, "xl"}, {10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}}

// roman writes n (1 to maxRoman) as a lower-case Roman numeral.
func roman(n int) string {
	var b strings.Builder
	for _, d := range romanDigits {
		for n >= d.value {
			b.WriteString(d.letter)
			n -= d.value
		}
	}
	return b.String()
}

// parseRoman reads a lower-case Roman numeral up to maxRoman, written
// as roman writes it ("xxii", not "xxj" or "iix").
func parseRoman(w string) (int, bool) {
	n := 0
	for i := 0; i < len(w); {
		matched := false
		for _, d := range romanDigits {
			if strings.HasPrefix(w[i:], d.letter) {
				n += d.value
				i += len(d.letter)
				matched = true
				break
			}
		}
		if !matched {
			return 0, false
		}
	}
	return n, n >= 1 && n <= maxRoman && roman(n) == w
}

// countWords are the words for small counts, Indonesian and English,
// which news writes as words or digits alike ("tiga danau", "3 danau").
// One is left out: "satu"/"one" are as often "a" or "the same".
var countWords = [][]string{
	2: {"dua", "two"}, 3: {"tiga", "three"}, 4: {"empat", "four"}, 5: {"lima", "five"},
	6: {"enam", "six"}, 7: {"tujuh", "seven"}, 8: {"delapan", "eight"}, 9: {"sembilan", "nine"},
	10: {"sepuluh", "ten"},
}

var numberWordValue = func() map[string]int {
	m := map[string]int{}
	for n, ws := range countWords {
		for _, w := range ws {
			m[w] = n
		}
	}
	return m
}()
