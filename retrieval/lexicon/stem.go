package lexicon

import (
	"math/bits"
	"strings"
	"sync"
	"sync/atomic"
)

const (
	minStemLen = 4 // shorter words are function words or roots; left alone
	minRootLen = 3 // shortest root an analysis may end in
	// minBareRootLen is the shortest root accepted when none of the stripped
	// affixes is one the root's hunspell flags allow; it keeps proper nouns
	// and function words from turning into short roots (berlin → lin,
	// tapi → tap).
	minBareRootLen = 5
	maxPrefixes    = 3
	cacheLimit     = 1 << 17
)

var (
	stemCache     sync.Map // word → stem
	stemCacheSize atomic.Int64
)

// Stem reduces a lower-case Indonesian word to its root: dikirim → kirim,
// pengerahan → kerah, ditandatangani → tandatangan, pasukannya → pasukan.
//
// It strips, in this order, particles (-lah -kah -tah -pun), possessives (-ku
// -mu -nya), one derivational suffix (-i -kan -an) and up to three prefixes
// (di- ke- se- me(N)- pe(N)- per- ber- ter-, undoing the nasal assimilation
// of meN-/peN-), tries every combination, and keeps the analyses that end in
// a hunspell root. Among those it prefers the one whose affixes the root's
// hunspell flags allow, then the one that strips fewest affixes. A word that
// is itself a root, or that has no analysis, is returned unchanged, as are
// words with characters other than a-z and hyphens (proper nouns and foreign
// words usually have no analysis: rusia, kursk). A reduplication whose halves
// share a root (negara-negara, berbulan-bulan) returns that root.
//
// Results are cached; Stem is safe for concurrent use.
func Stem(word string) string {
	if len(word) < minStemLen || !isLowerWord(word) {
		return word
	}
	if s, ok := stemCache.Load(word); ok {
		return s.(string)
	}
	s := stem(rootTable(), word)
	if stemCacheSize.Add(1) <= cacheLimit {
		stemCache.Store(word, s)
	}
	return s
}

// IsRoot reports whether w is a root word of the hunspell-id dictionary
// (lower case).
func IsRoot(w string) bool {
	m, ok := rootTable()[w]
	return ok && m != famLexicalized
}

// isLowerWord reports whether w consists of a-z and inner hyphens.
func isLowerWord(w string) bool {
	for i := range len(w) {
		c := w[i]
		if (c < 'a' || c > 'z') && c != '-' {
			return false
		}
	}
	return w[0] != '-' && w[len(w)-1] != '-'
}

func stem(roots map[string]uint16, w string) string {
	if _, ok := roots[w]; ok {
		return w
	}
	if strings.Contains(w, "-") {
		return stemReduplication(roots, w)
	}
	s := stemmer{roots: roots}
	var prefixes [maxPrefixes]uint16
	for _, base := range inflectionBases(w) {
		if base == "" {
			continue
		}
		for _, suf := range derivSuffixes {
			x, ok := strings.CutSuffix(base, suf.s)
			if !ok || len(x) < minRootLen {
				continue
			}
			s.suffix = suf.fam
			s.search(x, prefixes[:0])
		}
	}
	if s.best.root == "" {
		return w
	}
	return s.best.root
}

// stemReduplication stems both halves of a hyphenated word and returns their
// root when they share one.
func stemReduplication(roots map[string]uint16, w string) string {
	a, b, _ := strings.Cut(w, "-")
	if strings.Contains(b, "-") || len(a) < minRootLen || len(b) < minRootLen {
		return w
	}
	ra, rb := stem(roots, a), stem(roots, b)
	if _, known := roots[ra]; ra != rb || !known {
		return w
	}
	return ra
}

// inflectionBases returns w, w without a particle, and w without a particle
// and a possessive; entries that do not apply are empty.
func inflectionBases(w string) [3]string {
	var out [3]string
	out[0] = w
	base := w
	for _, p := range particles {
		if b, ok := strings.CutSuffix(w, p); ok && len(b) >= minRootLen {
			out[1], base = b, b
			break
		}
	}
	for _, p := range possessives {
		if b, ok := strings.CutSuffix(base, p); ok && len(b) >= minRootLen {
			out[2] = b
			break
		}
	}
	return out
}

var (
	particles     = []string{"lah", "kah", "tah", "pun"}
	possessives   = []string{"nya", "ku", "mu"}
	derivSuffixes = []struct {
		s   string
		fam uint16
	}{{"kan", famKan}, {"an", famAn}, {"i", famI}, {"", 0}}
)

// analysis is one way of reading a word as root plus affixes.
type analysis struct {
	root        string
	affixes     int // derivational affixes stripped
	unsupported int // of those, how many the root's flags do not allow
	productive  int // affix families the root takes at all
}

// better reports whether a is preferred to b: fewer affixes the root does
// not take, then fewer affixes, then the more productive root (pengetahuan:
// tahu, not the rare ketahu). Ties keep the earlier analysis.
func (a analysis) better(b analysis) bool {
	if b.root == "" {
		return true
	}
	if a.unsupported != b.unsupported {
		return a.unsupported < b.unsupported
	}
	if a.affixes != b.affixes {
		return a.affixes < b.affixes
	}
	return a.productive > b.productive
}

type stemmer struct {
	roots  map[string]uint16
	suffix uint16 // derivational suffix family being tried, 0 for none
	best   analysis
}

// search considers x as a root, then strips one more prefix and recurses.
// prefixes holds the families stripped so far, outermost first.
func (s *stemmer) search(x string, prefixes []uint16) {
	s.consider(x, prefixes)
	if len(prefixes) == maxPrefixes {
		return
	}
	for _, opt := range prefixOptions(x) {
		if opt.rest == "" || len(opt.rest) < minRootLen {
			continue
		}
		if hasFamily(prefixes, opt.fam) || (len(prefixes) == 0 && disallowedConfix(opt.fam, s.suffix)) {
			continue
		}
		s.search(opt.rest, append(prefixes, opt.fam))
	}
}

func hasFamily(prefixes []uint16, fam uint16) bool {
	for _, p := range prefixes {
		if p == fam {
			return true
		}
	}
	return false
}

// disallowedConfix reports prefix-suffix pairs that Indonesian does not
// combine (Nazief and Adriani): be-i, di-an, ke-i, ke-kan, me-an, se-i, se-kan.
func disallowedConfix(prefix, suffix uint16) bool {
	switch prefix {
	case famBer:
		return suffix == famI
	case famDi:
		return suffix == famAn
	case famKe:
		return suffix == famI || suffix == famKan
	case famMe:
		return suffix == famAn
	case famSe:
		return suffix == famI || suffix == famKan
	}
	return false
}

func (s *stemmer) consider(root string, prefixes []uint16) {
	mask, ok := s.roots[root]
	if !ok || len(root) < minRootLen {
		return
	}
	var want uint16
	n := len(prefixes)
	for _, p := range prefixes {
		want |= p
	}
	if s.suffix != 0 {
		want |= s.suffix
		n++
	}
	if mask == famLexicalized {
		if n > 0 {
			return // a lexicalized word is a whole word, not a root
		}
		mask = 0
	}
	supported := bits.OnesCount16(want & mask)
	if n > 0 && supported == 0 && len(root) < minBareRootLen {
		return
	}
	a := analysis{root: root, affixes: n, unsupported: n - supported, productive: bits.OnesCount16(mask)}
	if a.better(s.best) {
		s.best = a
	}
}

// prefixOption is one way of removing a prefix: the remaining stem, with the
// initial consonant restored where the prefix had absorbed it.
type prefixOption struct {
	rest string
	fam  uint16
}

// prefixOptions lists the ways x may start with a prefix, most likely first.
func prefixOptions(x string) []prefixOption {
	if len(x) < 2+minRootLen {
		return nil
	}
	r := x[2:]
	switch x[:2] {
	case "di":
		return []prefixOption{{r, famDi}}
	case "ke":
		return []prefixOption{{r, famKe}}
	case "se":
		return []prefixOption{{r, famSe}}
	case "me":
		return nasalOptions(nil, r, famMe)
	case "pe":
		var opts []prefixOption
		if r[0] == 'r' { // per-: pertahanan → tahan
			opts = append(opts, prefixOption{r[1:], famPe})
		}
		if !isVowel(r[0]) && strings.IndexByte("lmnrwy", r[0]) < 0 { // pekerja → kerja; pelaku is below
			opts = append(opts, prefixOption{r, famPe})
		}
		opts = nasalOptions(opts, r, famPe)
		return append(opts, lOptions(r, famPe)...)
	case "be":
		return rOptions(r, famBer)
	case "te":
		return rOptions(r, famTer)
	}
	return nil
}

// rOptions handles ber- and ter-: r is what follows "be"/"te". The r drops
// before a root starting with r (berambut, terasa), and be-/te- also appear
// before consonants (bekerja, tepercaya).
func rOptions(r string, fam uint16) []prefixOption {
	var opts []prefixOption
	if r[0] == 'r' {
		opts = append(opts, prefixOption{r[1:], fam}, prefixOption{r, fam})
	} else if !isVowel(r[0]) {
		opts = append(opts, prefixOption{r, fam})
	}
	return append(opts, lOptions(r, fam)...)
}

// lOptions handles the bel-/pel- allomorph before vowels (belajar, pelajar).
func lOptions(r string, fam uint16) []prefixOption {
	if len(r) > minRootLen && r[0] == 'l' && isVowel(r[1]) {
		return []prefixOption{{r[1:], fam}}
	}
	return nil
}

// nasalOptions undoes meN-/peN- assimilation; r is what follows "me"/"pe".
func nasalOptions(opts []prefixOption, r string, fam uint16) []prefixOption {
	add := func(s string) { opts = append(opts, prefixOption{s, fam}) }
	if strings.IndexByte("lmnrwy", r[0]) >= 0 { // melihat, memakan, menanti, merusak
		add(r)
	}
	switch {
	case strings.HasPrefix(r, "ng") && len(r) > 2:
		t := r[2:]
		switch {
		case isVowel(t[0]):
			add(t)       // mengambil → ambil
			add("k" + t) // mengirim → kirim
			if t[0] == 'e' && len(t) > minRootLen {
				add(t[1:]) // mengebom → bom
			}
		case strings.IndexByte("ghk", t[0]) >= 0: // menggambar, menghadap, mengkritik
			add(t)
		}
	case strings.HasPrefix(r, "ny") && len(r) > 2 && isVowel(r[2]):
		add("s" + r[2:]) // menyerang → serang
	case r[0] == 'm' && len(r) > 1:
		t := r[1:]
		switch {
		case strings.IndexByte("bfvp", t[0]) >= 0: // membawa, memproduksi
			add(t)
		case isVowel(t[0]):
			add("p" + t) // memukul → pukul
		}
	case r[0] == 'n' && len(r) > 1:
		t := r[1:]
		switch {
		case strings.IndexByte("cdjzts", t[0]) >= 0: // mencari, mendapat, mentransfer
			add(t)
		case isVowel(t[0]):
			add("t" + t) // menulis → tulis
		}
	}
	return opts
}

func isVowel(c byte) bool {
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'
}
