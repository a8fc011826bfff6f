package main

import (
	"bufio"
	"bytes"
	"cmp"
	"os"
	"slices"
	"strconv"
	"strings"
)

// maxSynonyms is how many synonyms are kept per headword.
const maxSynonyms = 8

// thesaurus holds, per lower-case headword, the synonyms of all its senses
// in file order, antonym lines excluded.
type thesaurus struct {
	order  []string // headwords in file order, each once
	senses map[string][][]string
}

// readMythes parses a MyThes .dat file: a charset line, then per entry a
// "word|count" line followed by count lines "(pos)|syn|syn...".
func readMythes(path string) (*thesaurus, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	th := &thesaurus{senses: map[string][][]string{}}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 1<<20)
	sc.Scan() // charset
	for sc.Scan() {
		word, count, ok := strings.Cut(latin1(sc.Bytes()), "|")
		n, err := strconv.Atoi(count)
		if !ok || err != nil {
			continue
		}
		word = strings.ToLower(strings.TrimSpace(word))
		if _, seen := th.senses[word]; !seen {
			th.order = append(th.order, word)
			th.senses[word] = nil
		}
		for range n {
			if !sc.Scan() {
				break
			}
			fields := strings.Split(latin1(sc.Bytes()), "|")
			if len(fields) < 2 || strings.Contains(fields[0], "ant") {
				continue
			}
			var syns []string
			for _, s := range fields[1:] {
				s = strings.ToLower(strings.TrimSpace(s))
				if s != "" && s != word {
					syns = append(syns, s)
				}
			}
			th.senses[word] = append(th.senses[word], syns)
		}
	}
	return th, sc.Err()
}

// ranked returns up to maxSynonyms synonyms of w, best first. A synonym
// scores one point for each sense of w that lists it and two more when it is
// a headword that lists w back; ties keep file order.
func (th *thesaurus) ranked(w string) []string {
	score := map[string]int{}
	var order []string
	for _, sense := range th.senses[w] {
		for _, s := range sense {
			if _, ok := score[s]; !ok {
				order = append(order, s)
			}
			score[s]++
		}
	}
	for _, s := range order {
		if th.lists(s, w) {
			score[s] += 2
		}
	}
	slices.SortStableFunc(order, func(a, b string) int { return cmp.Compare(score[b], score[a]) })
	return order[:min(len(order), maxSynonyms)]
}

// lists reports whether headword h has w among its synonyms.
func (th *thesaurus) lists(h, w string) bool {
	for _, sense := range th.senses[h] {
		if slices.Contains(sense, w) {
			return true
		}
	}
	return false
}

func (th *thesaurus) lines() []string {
	var out []string
	for _, w := range th.order {
		if syns := th.ranked(w); len(syns) > 0 {
			out = append(out, w+"\t"+strings.Join(syns, "|"))
		}
	}
	slices.Sort(out)
	return out
}
