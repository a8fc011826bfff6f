// Command gen builds the data files that package lexicon embeds.
//
// It reads three Debian packages and writes sorted, tab-separated UTF-8 text
// files to the output directory:
//
//	roots.txt      hunspell-id (id_ID.dic, id_ID.aff): one root per line,
//	               with a code of the affix families its flags allow
//	translate.txt  dict-freedict-<pair> (dictd .index and .dict.dz): one
//	               English headword per line with its translations
//	synonyms.txt   mythes-id (th_id_ID_v2.dat): one headword per line with
//	               its synonyms, best first
//	irregular.txt  wordnet-base (verb.exc, noun.exc, adj.exc): English
//	               irregular forms whose lemma translate.txt has, with the
//	               lemmas (sent → send)
//	capitals.txt   wordnet-base (data.noun): each national capital with
//	               the names of its country (moscow → russia), see
//	               capitals.go
//	wordnet.txt    with -wnbahasa: Wordnet Bahasa's Indonesian lemmas for
//	               the English nouns translate.txt lacks, through
//	               wordnet-base's index.noun (see wnbahasa.go)
//
// With -learn DIR it instead learns learned.txt from a line-aligned
// English–Indonesian parallel corpus (DIR/{eco,int,sci,spo}.{en,id}, the
// PANL-BPPT news corpus): English stems with their Indonesian translations
// and their scores, by word alignment (see learn.go). It imports
// package lexicon for the Indonesian stemmer, so go generate runs it as a
// second step, after roots.txt is written. With -holdout N and -heldout
// DIR it leaves every N-th line pair out of learning and writes them to
// DIR as a retrieval check on pairs the table never saw (see heldout.go).
//
// The files are plain text rather than gzip'd: the package embeds them as
// strings and slices its tables out of them without copying, so start-up
// pays for no decompression, and changes to the data show up in diffs.
//
// Run it with go generate ./retrieval/lexicon/ after
// apt-get install hunspell-id dict-freedict-eng-ind mythes-id wordnet-base.
// The output depends only on the input files, so re-running it on the same
// package versions reproduces the same bytes.
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
	wordnet := flag.String("wordnet", "/usr/share/wordnet", "directory of WordNet's exception lists (verb.exc, noun.exc, adj.exc) and data.noun")
	wnBahasa := flag.String("wnbahasa", "", "Wordnet Bahasa's wn-data-ind.tab: write wordnet.txt, English nouns FreeDict lacks translated through it (empty: skip)")
	learnFrom := flag.String("learn", "", "learn learned.txt from the line-aligned parallel corpus in this `DIR` (eco, int, sci, spo .en/.id) instead of converting the Debian packages")
	holdout := flag.Int("holdout", 0, "with -learn: leave every `N`-th line pair out of learning and write them to -heldout as a retrieval check (heldout.go)")
	heldOut := flag.String("heldout", "", "with -holdout: the `DIR` for the held-out check's corpus.jsonl and questions.jsonl, outside the repository")
	out := flag.String("out", "data", "output directory")
	flag.Parse()
	if *holdout > 0 && (*learnFrom == "" || *heldOut == "") {
		fmt.Fprintln(os.Stderr, "gen: -holdout needs -learn and -heldout DIR")
		os.Exit(2)
	}
	if *learnFrom != "" {
		if err := runLearn(*learnFrom, *out, *holdout, *heldOut); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*hunspell, filepath.Join(*dictDir, "freedict-"+*pair), *thesaurus, *wordnet, *wnBahasa, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(hunspell, dict, thesaurus, wordnet, wnBahasa, out string) error {
	roots, err := readHunspell(hunspell+".aff", hunspell+".dic")
	if err != nil {
		return fmt.Errorf("hunspell: %w", err)
	}
	syn, err := readMythes(thesaurus)
	if err != nil {
		return fmt.Errorf("thesaurus: %w", err)
	}
	addLexicalized(roots, syn)
	tr, err := readDictd(dict+".index", dict+".dict.dz")
	if err != nil {
		return fmt.Errorf("dictionary: %w", err)
	}
	exc, err := readExceptions(wordnet, tr)
	if err != nil {
		return fmt.Errorf("wordnet: %w", err)
	}
	capitals, err := readCapitals(wordnet)
	if err != nil {
		return fmt.Errorf("wordnet capitals: %w", err)
	}
	files := []struct {
		name  string
		lines []string
	}{
		{"roots.txt", roots.lines()},
		{"translate.txt", tr.lines()},
		{"synonyms.txt", syn.lines()},
		{"irregular.txt", exceptionLines(exc)},
		{"capitals.txt", withTranslations(capitals, tr)},
	}
	if wnBahasa != "" {
		wn, err := readWordnetBahasa(wnBahasa, wordnet, tr)
		if err != nil {
			return fmt.Errorf("wordnet bahasa: %w", err)
		}
		files = append(files, struct {
			name  string
			lines []string
		}{"wordnet.txt", wn})
	}
	for _, f := range files {
		if err := writeLines(filepath.Join(out, f.name), f.lines); err != nil {
			return err
		}
		fmt.Printf("%s: %d lines\n", f.name, len(f.lines))
	}
	return nil
}

// parallelParts are the files of the PANL-BPPT corpus: economy,
// international news, science, sport.
var parallelParts = []string{"eco", "int", "sci", "spo"}

func runLearn(dir, out string, holdout int, heldOut string) error {
	lines, held, err := learn(dir, parallelParts, holdout)
	if err != nil {
		return fmt.Errorf("learn: %w (the corpus is ../shared/parallel/panl-bppt-en-id beside the repository)", err)
	}
	if holdout > 0 {
		if err := writeHeldOut(heldOut, held); err != nil {
			return fmt.Errorf("held-out check: %w", err)
		}
	}
	if err := writeLines(filepath.Join(out, "learned.txt"), lines); err != nil {
		return err
	}
	fmt.Printf("learned.txt: %d lines\n", len(lines))
	return nil
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
