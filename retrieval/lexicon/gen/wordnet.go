package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// readExceptions reads WordNet's exception lists (verb.exc, noun.exc,
// adj.exc in dir: "inflected lemma [lemma ...]" per line, sorted) and keeps
// the irregular forms whose lemma the dictionary translates: sent → send,
// fought → fight, children → child. Regular inflection is undone by rule in
// package lexicon; these are the forms no rule reaches.
func readExceptions(dir string, dict *dictionary) (map[string][]string, error) {
	out := map[string][]string{}
	for _, name := range []string{"verb.exc", "noun.exc", "adj.exc"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 2 || strings.ContainsAny(fields[0], "_-'.") {
				continue
			}
			for _, lemma := range fields[1:] {
				if len(dict.tr[lemma]) > 0 && lemma != fields[0] && !slices.Contains(out[fields[0]], lemma) {
					out[fields[0]] = append(out[fields[0]], lemma)
				}
			}
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return out, nil
}

// exceptionLines writes the irregular forms as "form\tlemma|lemma" lines,
// sorted.
func exceptionLines(exc map[string][]string) []string {
	out := make([]string, 0, len(exc))
	for form, lemmas := range exc {
		out = append(out, form+"\t"+strings.Join(lemmas, "|"))
	}
	slices.Sort(out)
	return out
}
