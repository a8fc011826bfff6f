package retrieval

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"kutip/retrieval/lexicon"
)

// Questions as people type them in chat. Before a question is analysed,
// chat forms are written out: abbreviations from chatForms ("gmn" →
// "bagaimana", "korsel" → "korea selatan", "abt" → "about"), number
// shorthands ("11k" → "11000", "50rb" → "50000") and Jakarta-style verb
// forms, undone by rule to their root ("ngirim" → "kirim", "nulis" →
// "tulis", "ngumpulin" → "kumpul"). A word the corpus itself uses is left as
// it is: an article that writes "NTT" or "Jabar" is matched on that.

// chatForms maps chat abbreviations and informal spellings, English and
// Indonesian, to what they stand for; "" drops a word that carries no
// content (particles, fillers). Words that are also common words of either
// language ("as", "dr", "km", "kl", "buat") are left out: they cannot be
// told apart without context.
var chatForms = map[string]string{
	// Indonesian question words.
	"gmn": "bagaimana", "gmna": "bagaimana", "gimana": "bagaimana", "bgmn": "bagaimana", "bgmana": "bagaimana",
	"kpn": "kapan", "kapn": "kapan",
	"knp": "kenapa", "knpa": "kenapa", "ngapa": "kenapa", "ngapain": "kenapa",
	"brp": "berapa", "brapa": "berapa", "brpa": "berapa",
	"sapa": "siapa", "sypa": "siapa",
	"dmn": "dimana", "dmna": "dimana", "dmana": "dimana",
	"kmn": "kemana", "kmna": "kemana", "kmana": "kemana",
	// Indonesian function words and common words.
	"udh": "sudah", "udah": "sudah", "sdh": "sudah", "dah": "sudah",
	"blm": "belum", "blom": "belum", "belom": "belum",
	"tdk": "tidak", "gk": "tidak", "ga": "tidak", "gak": "tidak", "nggak": "tidak", "ngga": "tidak",
	"enggak": "tidak", "engga": "tidak", "kagak": "tidak",
	"dgn": "dengan", "dg": "dengan", "utk": "untuk", "krn": "karena", "krna": "karena", "karna": "karena",
	"yg": "yang", "sm": "sama", "ama": "sama", "dlm": "dalam", "msh": "masih", "masi": "masih",
	"jg": "juga", "lg": "lagi", "aja": "saja", "doang": "saja", "gitu": "begitu", "gini": "begini",
	"org": "orang", "tsb": "tersebut", "tp": "tapi", "tpi": "tapi", "trs": "terus", "trus": "terus",
	"kalo": "kalau", "klo": "kalau", "klw": "kalau", "blg": "bilang", "bkn": "bukan",
	"thn": "tahun", "tgl": "tanggal", "bln": "bulan", "skrg": "sekarang", "skrng": "sekarang", "skg": "sekarang",
	"mnrt": "menurut", "ttg": "tentang", "spt": "seperti", "kyk": "seperti", "kayak": "seperti", "kek": "seperti",
	"sbg": "sebagai", "emg": "memang", "emang": "memang", "hrs": "harus", "jd": "jadi", "sblm": "sebelum",
	"stlh": "setelah", "bgt": "sangat", "banget": "sangat", "dpt": "dapat", "byk": "banyak", "bnyk": "banyak",
	"pake": "pakai", "sampe": "sampai", "nyampe": "sampai", "ampe": "sampai", "tau": "tahu", "ngerti": "mengerti",
	"gede": "besar", "duit": "uang", "bikin": "buat", "dibikin": "dibuat", "bener": "benar", "pengen": "ingin",
	"pingin": "ingin", "cuma": "hanya", "cuman": "hanya", "drpd": "daripada", "pdhl": "padahal",
	"liat": "lihat", "ngeliat": "melihat", "dket": "dekat", "gw": "saya", "gue": "saya", "sy": "saya",
	"pres": "presiden", "rb": "ribu", "jt": "juta",
	// Compounds written as one word in chat, two in standard spelling
	// (KBBI) and in news.
	"ibukota": "ibu kota", "kerjasama": "kerja sama",
	// Well-known Indonesian blends of place names.
	"korsel": "korea selatan", "korut": "korea utara",
	"jabar": "jawa barat", "jateng": "jawa tengah", "jatim": "jawa timur",
	"sumut": "sumatera utara", "sumbar": "sumatera barat", "sumsel": "sumatera selatan",
	"sulsel": "sulawesi selatan", "sulut": "sulawesi utara", "kalbar": "kalimantan barat",
	"kaltim": "kalimantan timur", "kalsel": "kalimantan selatan",
	// Particles of spoken Indonesian: no content.
	"sih": "", "dong": "", "deh": "", "kok": "", "nih": "", "tuh": "", "ya": "", "yah": "",
	"gan": "", "bro": "", "sis": "",
	// English contractions written without the apostrophe.
	"whats": "what", "whos": "who", "wheres": "where", "whens": "when", "hows": "how", "whys": "why",
	"thats": "that", "theres": "there", "dont": "do not", "doesnt": "does not", "didnt": "did not",
	"isnt": "is not", "wasnt": "was not", "werent": "were not", "arent": "are not", "cant": "cannot",
	"couldnt": "could not", "wouldnt": "would not", "shouldnt": "should not", "wont": "will not",
	"hasnt": "has not", "havent": "have not", "hadnt": "had not", "im": "i am", "ive": "i have",
	"youre": "you are", "theyre": "they are",
	// English chat.
	"gonna": "going to", "wanna": "want to", "gotta": "got to", "r": "are", "u": "you", "ur": "your",
	"y": "why", "n": "and", "w": "with", "abt": "about", "bout": "about", "bc": "because", "cuz": "because",
	"coz": "because", "cos": "because", "tho": "though", "thru": "through", "b4": "before", "ppl": "people",
	"govt": "government", "gov": "government", "intl": "international", "dept": "department",
	"yr": "year", "yrs": "years", "prez": "president", "approx": "approximately", "tech": "technology",
	"info": "information", "convo": "conversation", "mil": "military", "stats": "statistics", "pics": "pictures",
	"pic": "picture", "pix": "pictures",
	"nk": "north korea", "sk": "south korea",
	"pls": "", "plz": "", "lol": "", "btw": "", "tbh": "", "idk": "", "hey": "", "hi": "", "guys": "",
	// Month abbreviations ("6 nov").
	"jan": "january", "feb": "february", "apr": "april", "jun": "june", "jul": "july", "aug": "august",
	"sep": "september", "sept": "september", "oct": "october", "nov": "november", "dec": "december",
	"agu": "agustus", "agt": "agustus", "okt": "oktober", "des": "desember",
	// "What for": asks why.
	"buat apa": "kenapa", "utk apa": "kenapa", "untuk apa": "kenapa",
}

// chatPairStarts are the first words of chatForms' two-word forms: only
// after one of them is the pair looked up (and its key built).
var chatPairStarts = func() map[string]bool {
	m := map[string]bool{}
	for k := range chatForms {
		if first, _, ok := strings.Cut(k, " "); ok {
			m[first] = true
		}
	}
	return m
}()

// numberShorthands are the suffixes that multiply a number in chat: 11k,
// 50rb, 2jt.
var numberShorthands = []struct {
	suffix string
	zeros  int
}{{"k", 3}, {"rb", 3}, {"ribu", 3}, {"jt", 6}, {"juta", 6}}

// normalizeChat writes out the chat forms of text (see chatForms). known
// reports whether the corpus uses a word as it is; such words are kept.
// The result is plain text for the question analyser.
func normalizeChat(text string, known func(string) bool) string {
	words := chatWords(text)
	if len(words) == 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + 16)
	last := 0
	changed := false
	for i := 0; i < len(words); i++ {
		w := words[i]
		lower := strings.ToLower(text[w.start:w.end])
		// Two-word forms first ("buat apa").
		if chatPairStarts[lower] && i+1 < len(words) && onlySpace(text[w.end:words[i+1].start]) {
			next := strings.ToLower(text[words[i+1].start:words[i+1].end])
			if exp, ok := chatForms[lower+" "+next]; ok {
				b.WriteString(text[last:w.start])
				b.WriteString(exp)
				last = words[i+1].end
				changed = true
				i++
				continue
			}
		}
		exp, ok := chatForm(lower)
		// One- and two-letter forms (r, u, yg, sm) are chat whatever the
		// corpus holds; longer ones may be the corpus's own words.
		if !ok || known != nil && len(lower) > 2 && known(lower) {
			continue
		}
		b.WriteString(text[last:w.start])
		b.WriteString(exp)
		last = w.end
		changed = true
	}
	if !changed {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// chatForm returns what one lower-case chat word stands for.
func chatForm(w string) (string, bool) {
	if exp, ok := chatForms[w]; ok {
		return exp, true
	}
	if n, ok := expandNumberShorthand(w); ok {
		return n, true
	}
	if root, ok := informalVerbRoot(w); ok {
		return root, true
	}
	return "", false
}

type wordSpan struct{ start, end int }

// chatWords finds the words of text: runs of letters and digits, with a
// number's inner "." and "," kept (1.5k).
func chatWords(text string) []wordSpan {
	// About one word in five bytes or more.
	out := make([]wordSpan, 0, len(text)/5+1)
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			i += size
			continue
		}
		start := i
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				i += size
				continue
			}
			if (r == '.' || r == ',') && i > start && i+1 < len(text) && isDigitByte(text[i-1]) && isDigitByte(text[i+1]) {
				i++
				continue
			}
			break
		}
		out = append(out, wordSpan{start, i})
	}
	return out
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

func onlySpace(s string) bool { return strings.TrimSpace(s) == "" && s != "" }

// expandNumberShorthand writes a chat number out in full: "11k" → "11000",
// "1.5k" and "1,5rb" → "1500", "2jt" → "2000000".
func expandNumberShorthand(w string) (string, bool) {
	if w == "" || !isDigitByte(w[0]) {
		return "", false
	}
	for _, sh := range numberShorthands {
		num, ok := strings.CutSuffix(w, sh.suffix)
		if !ok || num == "" || !isDigitByte(num[0]) || !isDigitByte(num[len(num)-1]) {
			continue
		}
		intPart, frac := num, ""
		if i := strings.IndexAny(num, ".,"); i >= 0 {
			intPart, frac = num[:i], num[i+1:]
		}
		if !allDigits(intPart) || !allDigits(frac) || len(frac) > sh.zeros || len(intPart) > 6 {
			continue
		}
		digits := strings.TrimLeft(intPart+frac, "0")
		if digits == "" {
			return "0", true
		}
		return digits + strings.Repeat("0", sh.zeros-len(frac)), true
	}
	return "", false
}

// informalVerbRoot undoes the spoken Jakarta verb forms to their root: the
// nasal prefix without me- ("ngirim" ← kirim, "nulis" ← tulis, "nyerang" ←
// serang, "mukul" ← pukul, "ngambil" ← ambil, "ngecek" ← cek) and the
// suffix -in for -kan/-i ("ngumpulin" ← kumpul, "dikirimin" ← kirim). It
// answers only for a word that is neither a root nor an affixed form the
// stemmer knows, and only with a dictionary root.
func informalVerbRoot(w string) (string, bool) {
	if len(w) < 5 || !isLowerASCII(w) || !nasalPrefixed(w) && !strings.HasSuffix(w, "in") {
		return "", false // the look-ups below are the expensive part
	}
	if lexicon.IsRoot(w) || lexicon.Stem(w) != w {
		return "", false
	}
	bases := []string{w}
	if b, ok := strings.CutSuffix(w, "in"); ok && len(b) >= 4 {
		bases = append(bases, b)
	}
	for _, base := range bases {
		for _, root := range nasalRoots(base) {
			if len(root) >= 3 && lexicon.IsRoot(root) {
				return root, true
			}
		}
		if base != w {
			// dikirimin → dikirim → kirim.
			if s := lexicon.Stem(base); s != base {
				return s, true
			}
			if lexicon.IsRoot(base) {
				return base, true
			}
		}
	}
	return "", false
}

// nasalRoots returns the roots a word with a bare nasal prefix may come
// from, most likely first.
func nasalRoots(w string) []string {
	switch nasalPrefix(w) {
	case "nge":
		return []string{w[3:]}
	case "ng":
		return []string{"k" + w[2:], w[2:]}
	case "ny":
		return []string{"s" + w[2:], "c" + w[2:]}
	case "m":
		return []string{"p" + w[1:]}
	case "n":
		return []string{"t" + w[1:]}
	}
	return nil
}

// nasalPrefixed reports whether nasalRoots has roots for w, without
// building them: every word of a question is asked.
func nasalPrefixed(w string) bool { return nasalPrefix(w) != "" }

// nasalPrefix returns w's bare nasal prefix, or "".
func nasalPrefix(w string) string {
	vowelAt := func(i int) bool { return i < len(w) && strings.IndexByte("aiueo", w[i]) >= 0 }
	switch {
	case strings.HasPrefix(w, "nge") && len(w) > 5:
		return "nge"
	case strings.HasPrefix(w, "ng") && vowelAt(2):
		return "ng"
	case strings.HasPrefix(w, "ny") && vowelAt(2):
		return "ny"
	case strings.HasPrefix(w, "m") && vowelAt(1):
		return "m"
	case strings.HasPrefix(w, "n") && vowelAt(1):
		return "n"
	}
	return ""
}

func isLowerASCII(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// knownWord reports whether the corpus uses w, under either language's
// analyzer.
func (ix *Index) knownWord(w string) bool {
	return ix.vocab[ix.analyzer("id").stem(w)] > 0 || ix.vocab[ix.analyzer("en").stem(w)] > 0
}
