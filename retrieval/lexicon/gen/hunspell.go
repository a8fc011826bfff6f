package main

import (
	"bufio"
	"bytes"
	"os"
	"slices"
	"strings"
)

// Affix family codes, shared with package lexicon (affix.go). A root's code
// lists the families its hunspell flags can attach; the stemmer prefers
// analyses whose affixes the root accepts.
const (
	famCodes = "mpbtdksIKA" // me(N)- pe(N)-/per- ber- ter- di- ke- se- -i -kan -an
	// lexicalized marks a derived word kept whole (see addLexicalized).
	lexicalized = "*"
)

// prefixAllomorphs maps each surface shape of a prefix to its family code,
// longest first so that greedy matching splits "memper" as mem+per.
var prefixAllomorphs = []struct{ s, fam string }{
	{"menge", "m"}, {"penge", "p"},
	{"meng", "m"}, {"meny", "m"}, {"peng", "p"}, {"peny", "p"},
	{"mem", "m"}, {"men", "m"}, {"pem", "p"}, {"pen", "p"}, {"per", "p"}, {"ber", "b"}, {"ter", "t"},
	{"kau", ""},
	{"me", "m"}, {"pe", "p"}, {"be", "b"}, {"te", "t"}, {"di", "d"}, {"ke", "k"}, {"se", "s"}, {"ku", ""},
}

// prefixFamilies splits a prefix string such as "memper" or "berke" into
// family codes; unknown remainders are ignored.
func prefixFamilies(add string) string {
	var fams []byte
	for add != "" {
		matched := false
		for _, a := range prefixAllomorphs {
			if strings.HasPrefix(add, a.s) {
				fams = append(fams, a.fam...)
				add = add[len(a.s):]
				matched = true
				break
			}
		}
		if !matched {
			add = add[1:]
		}
	}
	return string(fams)
}

// suffixFamily returns the family code of a derivational suffix at the start
// of add ("an", "kan", "i", each possibly followed by clitics), or "".
func suffixFamily(add string) string {
	switch {
	case strings.HasPrefix(add, "kan"):
		return "K"
	case strings.HasPrefix(add, "an"):
		return "A"
	case strings.HasPrefix(add, "i"):
		return "I"
	}
	return ""
}

type affixRule struct {
	prefix bool
	adds   []string // affix strings
	conts  []string // continuation flags
}

// rootSet maps a root to its family code.
type rootSet map[string]string

func (rs rootSet) lines() []string {
	out := make([]string, 0, len(rs))
	for w, code := range rs {
		out = append(out, w+"\t"+code)
	}
	slices.Sort(out)
	return out
}

// readHunspell reads the affix classes of every flag from aff, then every
// dictionary word of dic with the union of its flags' affix families.
func readHunspell(affPath, dicPath string) (rootSet, error) {
	aff, err := os.ReadFile(affPath)
	if err != nil {
		return nil, err
	}
	rules := map[string]*affixRule{}
	sc := bufio.NewScanner(bytes.NewReader(aff))
	for sc.Scan() {
		line := latin1(sc.Bytes())
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) < 4 || (f[0] != "PFX" && f[0] != "SFX") {
			continue
		}
		r := rules[f[1]]
		if r == nil {
			r = &affixRule{prefix: f[0] == "PFX"}
			rules[f[1]] = r
		}
		if f[2] == "Y" || f[2] == "N" { // header: PFX flag cross count
			continue
		}
		add, cont, _ := strings.Cut(f[3], "/")
		if add == "0" {
			add = ""
		}
		r.adds = append(r.adds, add)
		for i := 0; i+2 <= len(cont); i += 2 { // FLAG long: two characters each
			r.conts = append(r.conts, cont[i:i+2])
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	flagFams := map[string]string{}
	for name, r := range rules {
		fams := ""
		for _, add := range r.adds {
			if r.prefix {
				fams += prefixFamilies(add)
			} else {
				fams += suffixFamily(add)
			}
		}
		for _, c := range r.conts {
			if cr := rules[c]; cr != nil && cr.prefix {
				for _, add := range cr.adds {
					fams += prefixFamilies(add)
				}
			}
		}
		flagFams[name] = fams
	}

	dic, err := os.ReadFile(dicPath)
	if err != nil {
		return nil, err
	}
	roots := rootSet{}
	sc = bufio.NewScanner(bytes.NewReader(dic))
	first := true
	for sc.Scan() {
		line := strings.TrimSpace(latin1(sc.Bytes()))
		if first { // word count
			first = false
			continue
		}
		word, flags, _ := strings.Cut(line, "/")
		word = strings.ToLower(word)
		if word == "" || strings.ContainsAny(word, " \t") {
			continue
		}
		fams := roots[word]
		for i := 0; i+2 <= len(flags); i += 2 {
			fams += flagFams[flags[i:i+2]]
		}
		roots[word] = normalizeCode(fams)
	}
	return roots, sc.Err()
}

// normalizeCode keeps each family once, in famCodes order.
func normalizeCode(fams string) string {
	var b []byte
	for i := range len(famCodes) {
		if strings.IndexByte(fams, famCodes[i]) >= 0 {
			b = append(b, famCodes[i])
		}
	}
	return string(b)
}

// addLexicalized marks derived nouns in -an that should not be stemmed: the
// thesaurus lists them as headwords, and their base is a root whose flags
// allow -an but no verbal or nominal prefix (me-, pe-, ber-, ter-, di-, ke-),
// so the base is a rare bound form and the noun is the word readers know
// (pasukan, not pasuk).
func addLexicalized(roots rootSet, syn *thesaurus) {
	for _, h := range syn.order {
		base, ok := strings.CutSuffix(h, "an")
		if !ok || strings.ContainsAny(h, " -") {
			continue
		}
		if _, isRoot := roots[h]; isRoot {
			continue
		}
		code, isRoot := roots[base]
		if !isRoot || len(base) < 3 || !strings.Contains(code, "A") || strings.ContainsAny(code, "mpbtdk") {
			continue
		}
		roots[h] = lexicalized
	}
}
