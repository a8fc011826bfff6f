package retrieval

import (
	"strings"
	"unicode"
)

// Aliases in parentheses: a question that names something twice, as a
// name and its abbreviation in parentheses ("East Nusa Tenggara (NTT)",
// "Komisi Pemilihan Umum (KPU)", "the physic nut (jarak pagar)"), asks
// about one thing, and a sentence usually writes it one way only ("Kepala
// Dinas Kesehatan NTT"). Each side is an alias group's side: a sentence
// that expresses every concept of one side expresses the whole group.

// aliasGroup is a name and its parenthesised alias, as concept indices.
type aliasGroup struct {
	outer, inner []int
}

// maxAliasWords bounds how far back a name before a parenthesis reaches.
const maxAliasWords = 6

// aliasGroups finds the parenthesised aliases of a question: toks are its
// tokens over text and concept[i] the concept index of toks[i] (-1 for
// none). A parenthesis holding only numbers ("(29/8)", "(60)") is a date
// or an age, not an alias.
func aliasGroups(text string, toks []token, concept []int) []aliasGroup {
	var out []aliasGroup
	for i := 1; i < len(toks); i++ {
		if !strings.Contains(text[toks[i-1].End():toks[i].Start()], "(") {
			continue
		}
		// The inner side runs to the closing parenthesis.
		j := i
		for j+1 < len(toks) && !strings.Contains(text[toks[j].End():toks[j+1].Start()], ")") {
			j++
		}
		if j+1 == len(toks) && !strings.Contains(text[toks[j].End():], ")") {
			continue
		}
		var inner []int
		numeric := true
		for k := i; k <= j; k++ {
			numeric = numeric && isNumber(toks[k].Word)
			inner = appendConcept(inner, concept[k])
		}
		outer := aliasName(text, toks[:i], concept)
		// An acronym names as many words as it has letters, so the title
		// before a name stays out ("Menteri Pekerjaan Umum (PU)": PU is
		// Pekerjaan Umum); another abbreviation ("Menlu") reaches back
		// three words.
		first, _, _ := strings.Cut(text[toks[i].Start():toks[j].End()], " ")
		if n := acronymLetters(first); n > 0 && len(outer) > n {
			outer = outer[:n]
		} else if n == 0 && len(outer) > 3 {
			outer = outer[:3]
		}
		if numeric || len(inner) == 0 || len(outer) == 0 {
			continue
		}
		out = append(out, aliasGroup{outer: outer, inner: inner})
	}
	return out
}

// aliasName returns the concepts of the name that toks ends with: its
// capitalised run (numbers and the small words inside a name such as
// "dan" or "of" included), or, when the last word is in lower case, the
// content words back to the previous small word ("the physic nut").
func aliasName(text string, toks []token, concept []int) []int {
	last := len(toks) - 1
	if strings.ContainsAny(text[toks[last].End():toks[last].End()+strings.Index(text[toks[last].End():], "(")], ",.;:?!") {
		return nil
	}
	capital := func(k int) bool { return capitalized(text[toks[k].Start():toks[k].End()]) }
	var out []int
	if capital(last) || isNumber(toks[last].Word) {
		for k, words := last, 0; k >= 0 && words < maxAliasWords; k, words = k-1, words+1 {
			t := toks[k]
			if k < last && strings.ContainsAny(text[t.End():toks[k+1].Start()], ",.;:?!()") {
				break
			}
			switch {
			case isQuestionWord(t.Word):
			case capital(k) || isNumber(t.Word):
				out = appendConcept(out, concept[k])
				continue
			case t.Term == "" && k > 0 && capital(k-1) && capital(k+1):
				continue // "Perhubungan dan Pariwisata", "Department of Health"
			}
			break
		}
		return out
	}
	for k, words := last, 0; k >= 0 && words < 3; k, words = k-1, words+1 {
		t := toks[k]
		if t.Term == "" || isQuestionWord(t.Word) || concept[k] < 0 ||
			k < last && strings.IndexFunc(text[t.End():toks[k+1].Start()], unicode.IsPunct) >= 0 && !strings.Contains(text[t.End():toks[k+1].Start()], "-") {
			break
		}
		out = appendConcept(out, concept[k])
	}
	return out
}

func appendConcept(cs []int, c int) []int {
	if c < 0 {
		return cs
	}
	for _, x := range cs {
		if x == c {
			return cs
		}
	}
	return append(cs, c)
}

// shareAliases lets a sentence that expresses one side of an alias group
// express the other: each concept of the group gets at least the weight of
// the side's weakest match, at the position of that side's first word.
func shareAliases(groups []aliasGroup, weights []float64, positions []int) {
	side := func(cs []int) (float64, int) {
		w, pos := 1e9, 0
		for i, c := range cs {
			w = min(w, weights[c])
			if i == 0 && positions != nil {
				pos = positions[c]
			}
		}
		return w, pos
	}
	for _, g := range groups {
		wo, po := side(g.outer)
		wi, pi := side(g.inner)
		w, pos := wo, po
		if wi > wo {
			w, pos = wi, pi
		}
		if w <= 0 {
			continue
		}
		for _, cs := range [][]int{g.outer, g.inner} {
			for _, c := range cs {
				if weights[c] < w {
					weights[c] = w
					if positions != nil {
						positions[c] = pos
					}
				}
			}
		}
	}
}

// acronymLetters is the number of letters of an acronym written in
// capitals (NTT 3, F-PG 3), or 0 for a word with a lower-case letter.
func acronymLetters(w string) int {
	n := 0
	for _, r := range w {
		switch {
		case unicode.IsLower(r):
			return 0
		case unicode.IsLetter(r):
			n++
		}
	}
	return n
}
