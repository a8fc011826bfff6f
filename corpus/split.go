package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// abbreviations never end a sentence: titles, "No.", "Jl.", "v." and the
// like, which are nearly always followed by a name or a number.
var abbreviations = setOf(
	// titles and ranks, Indonesian and English
	"Dr", "Drs", "Dra", "Prof", "Ir", "H", "Hj", "KH", "Tn", "Ny", "Nn", "Sdr", "Sdri", "Bpk", "Bp",
	"Mr", "Mrs", "Ms", "Mt", "St", "Ste", "Gen", "Lt", "Col", "Capt", "Sgt", "Gov", "Sen", "Rep", "Rev",
	"Hon", "Pres", "Maj", "Cmdr", "Adm", "Fr", "Brig", "Kol", "Letjen", "Mayjen", "Brigjen", "Irjen", "Kapt",
	// references and places
	"No", "Nos", "Nr", "Jl", "Jln", "Kec", "Kab", "Kel", "Prov", "Ds", "Gg", "Kav", "Rp", "US",
	"vs", "v", "cf", "approx", "dept", "est", "fig", "al", "ca", "ed", "vol", "pp", "hlm", "tgl", "ttg", "yth",
	"Yth", "Vol", "Fig", "Ed", "Art", "Pasal",
	// months, usually followed by a day or year
	"Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Agu", "Agt", "Sep", "Sept", "Oct", "Okt", "Nov", "Dec", "Des",
)

// finalAbbreviations may end a sentence: they end it when the next word is
// capitalised ("dll. Selain itu …") and not otherwise, which is what the
// general rule already does; they are listed so that the choice is explicit.
var finalAbbreviations = setOf("dll", "dsb", "dst", "dkk", "etc", "tsb", "Inc", "Ltd", "Corp", "Co", "Tbk", "Jr", "Sr")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// Split cuts text into sentences. It cuts after ".", "?", "!" or "…" (with
// any closing quotes or brackets that follow) when white space comes next and
// the following text starts a sentence: an upper-case letter, a digit or an
// opening quote. It does not cut inside numbers (11.000, 6,5), after
// abbreviations and titles (Dr., No., v.), after initials (John C. Messenger,
// U.S.) or before a lower-case word (“…?” tanya dia).
//
// Split never drops, duplicates or reorders non-space text: joining the
// sentences' texts gives back the input's non-space runes in order. Sentence
// offsets are byte offsets into text.
func Split(text string) []Sentence {
	var out []Sentence
	start := 0
	add := func(end int) {
		seg := text[start:end]
		trimmed := strings.TrimSpace(seg)
		if trimmed != "" {
			lead := strings.Index(seg, trimmed)
			out = append(out, Sentence{
				N:     len(out) + 1,
				Text:  trimmed,
				Start: start + lead,
				End:   start + lead + len(trimmed),
			})
		}
		start = end
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isTerminator(r) {
			i += size
			continue
		}
		// The run of terminators and closing marks after them.
		end := i + size
		for end < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[end:])
			if !isTerminator(r2) && !isCloser(r2) {
				break
			}
			end += s2
		}
		if cutsAt(text, i, r, end) {
			add(end)
		}
		i = end
	}
	add(len(text))
	return out
}

// cutsAt reports whether a sentence ends at end, where the terminator r
// stands at i.
func cutsAt(text string, i int, r rune, end int) bool {
	if end == len(text) {
		return true
	}
	next, _ := utf8.DecodeRuneInString(text[end:])
	if !unicode.IsSpace(next) {
		return false
	}
	rest := strings.TrimLeftFunc(text[end:], unicode.IsSpace)
	if rest == "" {
		return true
	}
	first, _ := utf8.DecodeRuneInString(rest)
	if !unicode.IsUpper(first) && !unicode.IsDigit(first) && !isOpener(first) && !unicode.Is(unicode.Lo, first) {
		return false
	}
	if r != '.' || end != i+1 {
		// "?", "!", "…", "...", or a full stop followed by a closing quote.
		return true
	}
	word := wordBefore(text, i)
	switch {
	case word == "":
		return true
	case abbreviations[word]:
		return false
	case finalAbbreviations[word]:
		return true
	case isInitial(word):
		return false
	case strings.Contains(word, ".") && isDottedAbbreviation(word):
		// U.S, a.m, S.H, e.g, i.e
		return false
	}
	return true
}

// wordBefore returns the word that ends at byte i (a full stop), without
// leading opening punctuation.
func wordBefore(text string, i int) string {
	j := i
	for j > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:j])
		if unicode.IsSpace(r) || isOpener(r) || r == '-' || r == '–' || r == '—' || r == '/' {
			break
		}
		j -= size
	}
	return text[j:i]
}

// isInitial reports whether word is a single upper-case letter, as in
// "John C. Messenger".
func isInitial(word string) bool {
	r, size := utf8.DecodeRuneInString(word)
	return size == len(word) && unicode.IsUpper(r)
}

// isDottedAbbreviation reports whether word is letters separated by single
// dots with no part longer than three letters (U.S, a.m, S.Pd, e.g).
func isDottedAbbreviation(word string) bool {
	for _, part := range strings.Split(word, ".") {
		n := utf8.RuneCountInString(part)
		if n == 0 || n > 3 {
			return false
		}
		for _, r := range part {
			if !unicode.IsLetter(r) {
				return false
			}
		}
	}
	return true
}

func isTerminator(r rune) bool {
	return r == '.' || r == '?' || r == '!' || r == '…'
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', '»', ')', ']':
		return true
	}
	return false
}

func isOpener(r rune) bool {
	switch r {
	case '"', '\'', '“', '‘', '«', '(', '[':
		return true
	}
	return false
}
