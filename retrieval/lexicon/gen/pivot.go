package main

import (
	"cmp"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Limits of the pivot table: English headwords and Indonesian translations
// of more than maxPivotWords words are dropped, and each headword keeps at
// most maxPivotTranslations translations.
const (
	maxPivotWords        = 3
	maxPivotTranslations = 4
)

// A pivot language links English to Indonesian through its own words: the
// English–pivot dictionary gives pivot words for an English headword, the
// pivot–Indonesian dictionary gives Indonesian words for a pivot word.
type pivotLang struct {
	name         string      // FreeDict language code: "deu", "nld"
	fromEnglish  *dictionary // English index key → pivot words
	toIndonesian *dictionary // pivot word → Indonesian translations
}

// pivotPath is one way of reaching an Indonesian word from an English one:
// through a pivot word of a language, or through an English synonym whose
// direct translation it is.
type pivotPath struct {
	lang, via string
}

// pivotCandidate is an Indonesian translation with every path that reaches it.
type pivotCandidate struct {
	ind   string
	paths []pivotPath
	rank  int // smallest sum of the pivot word's and the translation's positions in their lists
}

func (c *pivotCandidate) langs() int {
	var ls []string
	for _, p := range c.paths {
		if !slices.Contains(ls, p.lang) {
			ls = append(ls, p.lang)
		}
	}
	return len(ls)
}

// pivotTable composes the pivot languages (and English synonyms with the
// direct dictionary) for every English headword that the direct dictionary
// lacks, and returns the headwords with their translations, best first.
//
// Both hops are many-to-many, and the pivot–Indonesian dictionaries were
// themselves built through English (German straucheln "to stumble" → musim
// gugur "autumn", through "fall"), so a translation is trusted by the number
// of distinct paths that reach it: two pivot words of one language, one in
// each of two, or a pivot word and an English synonym. A headword keeps its
// translations reached by at least two paths, at most maxPivotTranslations.
// A headword with none keeps at most singles of its translations reached by
// one German or Dutch word; one reached only through an English synonym is
// left out, since Ding's synonyms are looser than its translations (daddy:
// {poppy}). Corroborated translations are right about four times in five,
// single ones about half the time (data/LICENSES.md).
func pivotTable(direct *dictionary, langs []pivotLang, synonyms *dictionary, isIndonesian func(string) bool, singles int) [][2]string {
	heads := map[string]bool{}
	for _, l := range langs {
		for _, h := range l.fromEnglish.order {
			heads[h] = true
		}
	}
	var out [][2]string
	for _, h := range slices.Sorted(maps.Keys(heads)) {
		if len(direct.tr[h]) > 0 || len(strings.Fields(h)) > maxPivotWords || strings.ContainsAny(h, "\t|") {
			continue
		}
		cands := pivotCandidates(h, direct, langs, synonyms, isIndonesian)
		var kept []string
		for _, c := range cands {
			if len(c.paths) >= 2 && len(kept) < maxPivotTranslations {
				kept = append(kept, c.ind)
			}
		}
		if len(kept) == 0 {
			for _, c := range cands {
				if c.paths[0].lang != englishSynonyms && len(kept) < singles {
					kept = append(kept, c.ind)
				}
			}
		}
		if len(kept) > 0 {
			out = append(out, [2]string{h, strings.Join(kept, "|")})
		}
	}
	return out
}

// englishSynonyms is the path language of a translation reached through an
// English synonym and the direct dictionary.
const englishSynonyms = "eng"

// pivotCandidates returns every Indonesian word reachable from English
// headword h, best first.
func pivotCandidates(h string, direct *dictionary, langs []pivotLang, synonyms *dictionary, isIndonesian func(string) bool) []*pivotCandidate {
	byInd := map[string]*pivotCandidate{}
	var cands []*pivotCandidate
	add := func(ind string, p pivotPath, rank int) {
		if len(strings.Fields(ind)) > maxPivotWords || strings.ContainsAny(ind, "\t|") || !isIndonesian(ind) {
			return
		}
		c := byInd[ind]
		if c == nil {
			c = &pivotCandidate{ind: ind, rank: rank}
			byInd[ind] = c
			cands = append(cands, c)
		}
		c.rank = min(c.rank, rank)
		if !slices.Contains(c.paths, p) {
			c.paths = append(c.paths, p)
		}
	}
	for _, l := range langs {
		for i, w := range l.fromEnglish.tr[h] {
			for j, ind := range l.toIndonesian.tr[w] {
				add(ind, pivotPath{l.name, w}, i+j)
			}
		}
	}
	for i, s := range synonyms.tr[h] {
		for j, ind := range direct.tr[s] {
			add(ind, pivotPath{englishSynonyms, s}, i+j)
		}
	}
	slices.SortStableFunc(cands, func(a, b *pivotCandidate) int {
		return cmp.Or(
			cmp.Compare(len(b.paths), len(a.paths)),
			cmp.Compare(b.langs(), a.langs()),
			cmp.Compare(a.rank, b.rank),
			strings.Compare(a.ind, b.ind),
		)
	})
	return cands
}

// readDing reads FreeDict's English–German dictionary, converted from Ding:
// per entry a header line "headword /pron/ <pos>", a line of German
// translations with grammar notes in angle or square brackets, then indented
// lines of notes, examples, "Synonym(s): {a}, {b}" and "see: {…}". It returns
// the German translations and the English synonyms of each English key,
// keyed like the direct dictionary (englishKey); German keeps its case, which
// tells nouns from verbs (Verlangen "desire", verlangen "to demand").
func readDing(indexPath, dictPath string) (trs, syns *dictionary, err error) {
	trs = &dictionary{tr: map[string][]string{}}
	syns = &dictionary{tr: map[string][]string{}}
	err = eachDictdEntry(indexPath, dictPath, func(key, entry string) {
		head := englishKey(key)
		lines := strings.Split(entry, "\n")
		if head == "" || len(lines) < 2 {
			return
		}
		trs.add(head, germanTerms(lines[1]))
		var ss []string
		for _, l := range lines[2:] {
			if m := synonymLine.FindStringSubmatch(l); m != nil {
				for _, s := range braced.FindAllStringSubmatch(m[1], -1) {
					if k := englishKey(indexKey(s[1])); k != "" && k != head {
						ss = append(ss, k)
					}
				}
			}
		}
		syns.add(head, ss)
	})
	return trs, syns, err
}

var (
	synonymLine = regexp.MustCompile(`^\s+Synonyms?: (.*)`)
	braced      = regexp.MustCompile(`\{([^}]*)\}`)
	dingNotes   = regexp.MustCompile(`\([^)]*\)|\[[^\]]*\]|<[^>]*>|\{[^}]*\}`)
)

// englishPlaceholders are the object slots of English verb headwords
// ("warn sb. of sth.", indexed as "warn sb of sth"), dropped so that the
// headword is the bare verb.
var englishPlaceholders = []string{"sb", "sth", "sbsth", "sbs", "sths", "oneself"}

// englishKey lower-cases an index key and drops placeholders.
func englishKey(key string) string {
	var ws []string
	for _, w := range strings.Fields(strings.ToLower(key)) {
		if !slices.Contains(englishPlaceholders, w) {
			ws = append(ws, w)
		}
	}
	return strings.Join(ws, " ")
}

// indexKey normalises text the way dictfmt builds index keys: lower-case,
// letters, digits and single spaces only (self-defence → selfdefence).
func indexKey(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return unicode.ToLower(r)
		case unicode.IsSpace(r):
			return ' '
		}
		return -1
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// germanPlaceholders are Ding's object and reflexive slots (jdn. warnen,
// sich einfinden, etw. sammeln), dropped from German terms.
var germanPlaceholders = []string{"jd.", "jdn.", "jdm.", "jds.", "etw.", "sich", "jdn./etw.", "jdm./etw.", "etw./jdn.", "etw./jdm."}

// germanTerms splits a Ding translation line into terms, without notes and
// placeholders, keeping case.
func germanTerms(line string) []string {
	var out []string
	for t := range strings.FieldsFuncSeq(dingNotes.ReplaceAllString(line, ""), func(r rune) bool { return r == ',' || r == ';' }) {
		var ws []string
		for _, w := range strings.Fields(t) {
			if !slices.Contains(germanPlaceholders, w) {
				ws = append(ws, w)
			}
		}
		t = strings.Trim(strings.Join(ws, " "), ".:!?…")
		if strings.IndexFunc(t, unicode.IsLetter) >= 0 && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// readPivotEnglish reads an English–pivot FreeDict dictionary in the TEI
// layout readDictd reads, keyed by englishKey, with lower-cased pivot words.
func readPivotEnglish(indexPath, dictPath string) (*dictionary, error) {
	d := &dictionary{tr: map[string][]string{}}
	err := eachDictdEntry(indexPath, dictPath, func(key, entry string) {
		if head := englishKey(key); head != "" {
			d.add(head, mapStrings(translations(entry), foldPivot))
		}
	})
	return d, err
}

// readPivotIndonesian reads a pivot–Indonesian FreeDict dictionary keyed by
// the headword as its entry writes it, not by the index key, which is
// lower-cased and loses hyphens; with fold the headword is lower-cased.
func readPivotIndonesian(indexPath, dictPath string, fold bool) (*dictionary, error) {
	d := &dictionary{tr: map[string][]string{}}
	err := eachDictdEntry(indexPath, dictPath, func(_, entry string) {
		head := entryHeadword(entry)
		if fold {
			head = foldPivot(head)
		}
		if head != "" {
			d.add(head, translations(entry))
		}
	})
	return d, err
}

// entryHeadword returns the headword of an entry's header line
// "headword /pron/ <pos>".
func entryHeadword(entry string) string {
	h, _, _ := strings.Cut(entry, "\n")
	if i := strings.Index(h, " /"); i >= 0 {
		h = h[:i]
	}
	if i := strings.Index(h, " <"); i >= 0 {
		h = h[:i]
	}
	return strings.TrimSpace(h)
}

// foldPivot lower-cases a Dutch or German word and spells the Dutch ĳ
// ligature, which only some of the dictionaries use, as ij.
func foldPivot(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "ĳ", "ij")
}

func mapStrings(ss []string, f func(string) string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if t := f(s); !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// indonesianChecker returns a test of whether a phrase is Indonesian: each
// of its words, or each part of a hyphenated word, is in the vocabulary or,
// with up to two layers of common prefixes and suffixes removed, a
// hunspell-id root. It keeps out the Dutch sense definitions that the
// Dutch–Indonesian dictionary writes where a translation may stand, and
// leftovers of German text.
func indonesianChecker(roots rootSet, vocab map[string]bool) func(string) bool {
	var word func(w string) bool
	word = func(w string) bool {
		if vocab[w] {
			return true
		}
		if _, ok := roots[w]; ok {
			return true
		}
		if strings.Contains(w, "-") {
			for p := range strings.SplitSeq(w, "-") {
				if p == "" || !word(p) {
					return false
				}
			}
			return true
		}
		for _, f := range unaffix(w) {
			if _, ok := roots[f]; ok {
				return true
			}
			for _, g := range unaffix(f) {
				if _, ok := roots[g]; ok {
					return true
				}
			}
		}
		return false
	}
	return func(phrase string) bool {
		ws := strings.Fields(phrase)
		for _, w := range ws {
			if !word(w) {
				return false
			}
		}
		return len(ws) > 0
	}
}

var (
	indonesianPrefixes = []string{"memper", "diper", "meng", "meny", "mem", "men", "me", "peng", "peny", "pem", "pen", "per", "pe", "ber", "be", "ter", "te", "di", "ke", "se"}
	indonesianSuffixes = []string{"kannya", "nya", "kan", "an", "i", "lah", "kah", "pun", "ku", "mu"}
	// nasalRestored gives the initial consonant that meN-/peN- replaces.
	nasalRestored = map[string]string{"meny": "s", "peny": "s", "mem": "p", "pem": "p", "men": "t", "pen": "t", "meng": "k", "peng": "k"}
)

// unaffix returns w without one prefix or suffix, each way it can be read,
// leaving at least three letters.
func unaffix(w string) []string {
	var out []string
	for _, s := range indonesianSuffixes {
		if b, ok := strings.CutSuffix(w, s); ok && len(b) >= 3 {
			out = append(out, b)
		}
	}
	for _, p := range indonesianPrefixes {
		if b, ok := strings.CutPrefix(w, p); ok && len(b) >= 3 {
			out = append(out, b)
			if c, ok := nasalRestored[p]; ok {
				out = append(out, c+b)
			}
		}
	}
	return out
}

// vocabulary collects the words of the thesaurus (headwords and synonyms)
// and of the direct dictionary's translations: Indonesian words, many of them
// derived forms that are not hunspell roots.
func vocabulary(syn *thesaurus, direct *dictionary) map[string]bool {
	v := map[string]bool{}
	addWords := func(s string) {
		for _, w := range strings.Fields(s) {
			v[w] = true
		}
	}
	for _, h := range syn.order {
		addWords(h)
		for _, sense := range syn.senses[h] {
			for _, s := range sense {
				addWords(dingNotes.ReplaceAllString(s, ""))
			}
		}
	}
	for _, h := range direct.order {
		for _, t := range direct.tr[h] {
			addWords(t)
		}
	}
	return v
}
