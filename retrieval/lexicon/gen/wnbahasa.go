package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Wordnet Bahasa links Indonesian lemmas to Princeton WordNet 3.0 synsets;
// WordNet's own index gives each English noun its synsets, most frequent
// sense first. Joined, they translate English nouns that FreeDict lacks
// (reservoir → waduk). Only nouns: the package's verb and adjective
// offsets do not line up with Debian's WordNet 3.0, its nouns do.

const (
	wordnetSenses      = 2 // an English noun's commonest senses that are used
	wordnetMaxPerNoun  = 4
	wordnetMaxSynLemma = 3 // Indonesian lemmas taken from one synset
)

// readWordnetBahasa returns "english\tindonesian|indonesian" lines for the
// English nouns of WordNet's index (in dir) that SemCor attests (tagged
// sense count above zero), that are single words and that the dictionary
// lacks, translated through the Indonesian lemmas of their commonest
// senses in tab (Open Multilingual Wordnet format).
func readWordnetBahasa(tab, dir string, dict *dictionary) ([]string, error) {
	bySynset := map[string][]string{}
	f, err := os.Open(tab)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != 3 || fields[1] != "ind:lemma" || !strings.HasSuffix(fields[0], "-n") {
			continue
		}
		lemma := strings.ToLower(strings.ReplaceAll(fields[2], "_", " "))
		if strings.Count(lemma, " ") > 1 || strings.ContainsAny(lemma, "\t|") {
			continue
		}
		if !slices.Contains(bySynset[fields[0]], lemma) {
			bySynset[fields[0]] = append(bySynset[fields[0]], lemma)
		}
	}
	err = sc.Err()
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", tab, err)
	}
	idx, err := os.Open(filepath.Join(dir, "index.noun"))
	if err != nil {
		return nil, err
	}
	defer idx.Close()
	var out []string
	sc = bufio.NewScanner(idx)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, " ") {
			continue // licence header
		}
		fields := strings.Fields(line)
		if len(fields) < 6 || strings.ContainsAny(fields[0], "_-'.") || len(dict.tr[fields[0]]) > 0 {
			continue
		}
		nSynsets, err1 := strconv.Atoi(fields[2])
		nPointers, err2 := strconv.Atoi(fields[3])
		if err1 != nil || err2 != nil || len(fields) < 6+nPointers+nSynsets {
			return nil, fmt.Errorf("index.noun: bad line %q", line)
		}
		tagged, err := strconv.Atoi(fields[5+nPointers])
		if err != nil || tagged == 0 {
			continue
		}
		offsets := fields[6+nPointers : 6+nPointers+nSynsets]
		var tr []string
		for _, off := range offsets[:min(len(offsets), wordnetSenses)] {
			lemmas := bySynset[off+"-n"]
			for _, l := range lemmas[:min(len(lemmas), wordnetMaxSynLemma)] {
				if l != fields[0] && !slices.Contains(tr, l) && len(tr) < wordnetMaxPerNoun {
					tr = append(tr, l)
				}
			}
		}
		if len(tr) > 0 {
			out = append(out, fields[0]+"\t"+strings.Join(tr, "|"))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	slices.Sort(out)
	return out, nil
}
