package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// nationalCapital is the lemma of WordNet's synset whose instances are the
// national capitals ("Moscow", "Jakarta", "Pyongyang").
const nationalCapital = "national_capital"

// readCapitals reads WordNet's data.noun in dir and returns, for each
// national capital, the names of the country it is part of: Moscow →
// Russia, Russian Federation. News writes a capital for its government
// ("Moscow ratified", "Pyongyang sent troops"), so a question naming one
// may be answered by a sentence naming the other. A capital is an instance
// of national_capital (@i) and a part (#p) of its country. Names are lower
// case, words separated by spaces; names with a capital's own descriptive
// lemma ("capital of North Korea") and names under four letters (US, USA:
// "us" is a word) are left out.
func readCapitals(dir string) ([]string, error) {
	f, err := os.Open(filepath.Join(dir, "data.noun"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseCapitals(f)
}

// parseCapitals reads the capitals of a WordNet data.noun file (see
// readCapitals).
func parseCapitals(r io.Reader) ([]string, error) {
	type synset struct {
		lemmas   []string
		instance []string // @i targets
		partOf   []string // #p targets
	}
	synsets := map[string]synset{}
	capitalID := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, " ") {
			continue // licence header
		}
		data, _, _ := strings.Cut(line, " | ")
		fields := strings.Fields(data)
		if len(fields) < 4 {
			continue
		}
		var s synset
		var nWords int
		if _, err := fmt.Sscanf(fields[3], "%x", &nWords); err != nil {
			continue
		}
		i := 4
		for range nWords {
			if i+1 >= len(fields) {
				break
			}
			s.lemmas = append(s.lemmas, fields[i])
			i += 2
		}
		if i < len(fields) {
			var nPtrs int
			fmt.Sscanf(fields[i], "%d", &nPtrs)
			i++
			for range nPtrs {
				if i+3 >= len(fields) {
					break
				}
				switch fields[i] {
				case "@i":
					s.instance = append(s.instance, fields[i+1])
				case "#p":
					s.partOf = append(s.partOf, fields[i+1])
				}
				i += 4
			}
		}
		synsets[fields[0]] = s
		if slices.Contains(s.lemmas, nationalCapital) {
			capitalID = fields[0]
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if capitalID == "" {
		return nil, fmt.Errorf("data.noun: no %s synset", nationalCapital)
	}
	// A country is an instance of a synset named for countries or
	// nations: country, Asian_country, European_nation.
	isCountry := func(id string) bool {
		for _, t := range synsets[id].instance {
			for _, l := range synsets[t].lemmas {
				if strings.Contains(l, "country") || strings.Contains(l, "nation") {
					return true
				}
			}
		}
		return false
	}
	countries := map[string][]string{}
	for _, s := range synsets {
		if !slices.Contains(s.instance, capitalID) {
			continue
		}
		var names []string
		for _, p := range s.partOf {
			if !isCountry(p) {
				continue // an island or a district: Tokyo is also part of Honshu
			}
			for _, l := range synsets[p].lemmas {
				if n := lemmaName(l); len(n) >= 4 && !slices.Contains(names, n) {
					names = append(names, n)
				}
			}
		}
		if len(names) == 0 {
			continue
		}
		for _, l := range s.lemmas {
			c := lemmaName(l)
			if strings.Contains(c, "capital") || len(c) < 4 {
				continue
			}
			for _, n := range names {
				if !slices.Contains(countries[c], n) {
					countries[c] = append(countries[c], n)
				}
			}
		}
	}
	out := make([]string, 0, len(countries))
	for c, names := range countries {
		out = append(out, c+"\t"+strings.Join(names, "|"))
	}
	slices.Sort(out)
	return out, nil
}

// lemmaName turns a WordNet lemma into lower-case words: North_Korea →
// north korea; an adjective marker such as "(a)" is dropped.
func lemmaName(l string) string {
	l, _, _ = strings.Cut(l, "(")
	return strings.ToLower(strings.ReplaceAll(l, "_", " "))
}

// withTranslations adds to the capitals their one-word Indonesian names
// from the dictionary (moskow, moskwa → russia), so that a question in
// Indonesian finds them too; a name already a key keeps its line.
func withTranslations(capitals []string, dict *dictionary) []string {
	keys := map[string]bool{}
	for _, l := range capitals {
		c, _, _ := strings.Cut(l, "\t")
		keys[c] = true
	}
	out := slices.Clone(capitals)
	for _, l := range capitals {
		c, names, _ := strings.Cut(l, "\t")
		for _, tr := range dict.tr[c] {
			if len(tr) < 4 || strings.Contains(tr, " ") || keys[tr] {
				continue
			}
			keys[tr] = true
			out = append(out, tr+"\t"+names)
		}
	}
	slices.Sort(out)
	return out
}
