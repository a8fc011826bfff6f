// Command gen builds the data files that package lexicon embeds.
//
// It reads seven Debian packages and writes sorted, tab-separated UTF-8 text
// files to the output directory:
//
//	roots.txt      hunspell-id (id_ID.dic, id_ID.aff): one root per line,
//	               with a code of the affix families its flags allow
//	translate.txt  dict-freedict-<pair> (dictd .index and .dict.dz): one
//	               English headword per line with its translations
//	synonyms.txt   mythes-id (th_id_ID_v2.dat): one headword per line with
//	               its synonyms, best first
//	pivot.txt      dict-freedict-eng-deu with dict-freedict-deu-ind, and
//	               dict-freedict-eng-nld with dict-freedict-nld-ind: one
//	               English headword that translate.txt lacks per line, with
//	               Indonesian translations composed through German and Dutch
//	               words, best first (see pivot.go); empty with -pivots ""
//
// The files are plain text rather than gzip'd: the package embeds them as
// strings and slices its tables out of them without copying, so start-up
// pays for no decompression, and changes to the data show up in diffs.
//
// Run it with go generate ./retrieval/lexicon/ after
//
//	apt-get install hunspell-id dict-freedict-eng-ind mythes-id \
//		dict-freedict-eng-deu dict-freedict-deu-ind dict-freedict-eng-nld dict-freedict-nld-ind
//
// The pivot languages translate into Indonesian, so a -pair into another
// language needs -pivots "". The output depends only on the input files, so
// re-running it on the same package versions reproduces the same bytes.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	hunspell := flag.String("hunspell", "/usr/share/hunspell/id_ID", "hunspell dictionary path without .dic/.aff")
	pair := flag.String("pair", "eng-ind", "FreeDict language pair; reads /usr/share/dictd/freedict-<pair>.{index,dict.dz}")
	dictDir := flag.String("dictd", "/usr/share/dictd", "directory of dictd databases")
	thesaurus := flag.String("thesaurus", "/usr/share/mythes/th_id_ID_v2.dat", "MyThes .dat file")
	pivots := flag.String("pivots", "deu,nld", "comma-separated pivot languages for pivot.txt, each read from freedict-eng-<lang> and freedict-<lang>-ind; empty for none")
	singles := flag.Int("pivot-singles", 2, "translations kept for a pivot.txt headword that no translation reaches by two paths; 0 keeps only those reached by two")
	out := flag.String("out", "data", "output directory")
	flag.Parse()
	var langs []string
	if *pivots != "" {
		langs = strings.Split(*pivots, ",")
	}
	if err := run(*hunspell, *dictDir, *pair, *thesaurus, *out, langs, *singles); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(hunspell, dictDir, pair, thesaurus, out string, pivots []string, singles int) error {
	roots, err := readHunspell(hunspell+".aff", hunspell+".dic")
	if err != nil {
		return fmt.Errorf("hunspell: %w", err)
	}
	syn, err := readMythes(thesaurus)
	if err != nil {
		return fmt.Errorf("thesaurus: %w", err)
	}
	addLexicalized(roots, syn)
	dict := filepath.Join(dictDir, "freedict-"+pair)
	tr, err := readDictd(dict+".index", dict+".dict.dz")
	if err != nil {
		return fmt.Errorf("dictionary: %w", err)
	}
	files := []struct {
		name  string
		lines []string
	}{
		{"roots.txt", roots.lines()},
		{"translate.txt", tr.lines()},
		{"synonyms.txt", syn.lines()},
	}
	pv, err := readPivots(dictDir, pivots, singles, tr, roots, syn)
	if err != nil {
		return err
	}
	files = append(files, struct {
		name  string
		lines []string
	}{"pivot.txt", pv})
	for _, f := range files {
		if err := writeLines(filepath.Join(out, f.name), f.lines); err != nil {
			return err
		}
		fmt.Printf("%s: %d lines\n", f.name, len(f.lines))
	}
	return nil
}

// readPivots reads the pivot languages' dictionaries and composes pivot.txt's
// lines for the headwords that the direct dictionary tr lacks; with no
// languages there are none.
func readPivots(dictDir string, langs []string, singles int, tr *dictionary, roots rootSet, syn *thesaurus) ([]string, error) {
	if len(langs) == 0 {
		return nil, nil
	}
	synonyms := &dictionary{tr: map[string][]string{}}
	var pls []pivotLang
	for _, lang := range langs {
		fromPath := filepath.Join(dictDir, "freedict-eng-"+lang)
		toPath := filepath.Join(dictDir, "freedict-"+lang+"-ind")
		pl := pivotLang{name: lang}
		var err error
		if lang == "deu" {
			// Ding layout, with English synonyms; German nouns are capitalised.
			var syns *dictionary
			pl.fromEnglish, syns, err = readDing(fromPath+".index", fromPath+".dict.dz")
			for _, h := range syns.order {
				synonyms.add(h, syns.tr[h])
			}
		} else {
			pl.fromEnglish, err = readPivotEnglish(fromPath+".index", fromPath+".dict.dz")
		}
		if err != nil {
			return nil, fmt.Errorf("pivot eng-%s: %w", lang, err)
		}
		pl.toIndonesian, err = readPivotIndonesian(toPath+".index", toPath+".dict.dz", lang != "deu")
		if err != nil {
			return nil, fmt.Errorf("pivot %s-ind: %w", lang, err)
		}
		pls = append(pls, pl)
	}
	isIndonesian := indonesianChecker(roots, vocabulary(syn, tr))
	var lines []string
	for _, e := range pivotTable(tr, pls, synonyms, isIndonesian, singles) {
		lines = append(lines, e[0]+"\t"+e[1])
	}
	return lines, nil
}

// writeLines writes lines, each ending in a newline.
func writeLines(path string, lines []string) error {
	var buf bytes.Buffer
	for _, l := range lines {
		buf.WriteString(l)
		buf.WriteByte('\n')
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// latin1 converts ISO-8859-1 bytes to a UTF-8 string.
func latin1(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for _, c := range b {
		sb.WriteRune(rune(c))
	}
	return sb.String()
}
