package retrieval

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"kutip/retrieval/lexicon"
)

// A typed span is a stretch of a sentence that can answer a question of one
// type: a date for "when", a number with its unit for "how many", a name for
// "who", a named place for "where", a cause for "why". Spans are recognised
// on the sentence's tokens with word lists for Indonesian and English news,
// which costs a few map look-ups a word. The first half of this file finds
// a sentence's spans (typedSpans); the second chooses the one that answers
// a question (Index.bestSpan), which ranking adds to a sentence's score.

var (
	months = setOf("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september",
		"oktober", "november", "desember", "january", "february", "march", "may", "june", "july", "august",
		"october", "december", "jan", "feb", "mar", "apr", "jun", "jul", "agu", "agt", "sep", "sept", "okt",
		"nov", "des", "dec", "aug", "oct")
	weekdays = setOf("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu", "ahad", "monday",
		"tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
	// dateLeads may open a date span: "bulan Agustus", "hari Senin",
	// "tahun 2024", "sejak 1990"; prepositions (pada, in, on) stay out.
	dateLeads = setOf("bulan", "hari", "tahun", "tanggal", "sejak", "since")
	// relativeUnits and relativeTails make relative dates: "pekan lalu",
	// "awal bulan ini", "last week".
	relativeUnits = setOf("pekan", "minggu", "bulan", "tahun", "week", "month", "year", "weekend")
	relativeTails = setOf("lalu", "depan", "ini", "kemarin")
	relativeHeads = setOf("last", "next", "this", "awal", "akhir", "pertengahan")
	relativeWords = setOf("kemarin", "yesterday", "today", "tomorrow", "besok", "tadi", "kini")
	timeLeads     = setOf("pukul", "jam", "at")
	timeZones     = setOf("wib", "wita", "wit", "pagi", "siang", "sore", "malam", "am", "pm", "gmt", "utc")
	centuryWords  = setOf("abad", "century")

	numberWords = setOf("satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
		"sepuluh", "sebelas", "seratus", "seribu", "sejuta", "puluhan", "ratusan", "ribuan", "jutaan", "belasan",
		"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
		"twenty", "thirty", "forty", "fifty", "hundred", "dozens", "hundreds", "thousands", "millions")
	scaleWords = setOf("ribu", "juta", "miliar", "milyar", "triliun", "thousand", "million", "billion",
		"trillion", "persen", "percent")
	namingCues       = setOf("called", "named", "termed", "dubbed", "disebut", "bernama", "dinamakan", "dijuluki", "berjuluk")
	comparativeLeads = setOf("more than", "less than", "fewer than", "lebih dari", "kurang dari")
	numberLeads      = setOf("sekitar", "setidaknya", "sedikitnya", "hampir", "sebanyak", "kurang", "lebih",
		"about", "around", "nearly", "approximately", "least", "over", "some", "rp", "us")
	// nameJoiners may stand inside a name: "Republik Demokratik Rakyat
	// Korea", "Organisation of the Petroleum", "bin", "van".
	nameJoiners = setOf("bin", "binti", "van", "von", "de", "der", "al", "da", "dos", "of", "the", "and", "dan")
	// placeHeads begin names of places: "Pelabuhan Benoa", "Sungai Mahakam".
	placeHeads = setOf("kota", "provinsi", "kabupaten", "kecamatan", "desa", "pulau", "kepulauan", "sungai", "danau",
		"gunung", "pegunungan", "teluk", "selat", "pelabuhan", "bandara", "jalan", "semenanjung", "city", "province",
		"county", "island", "islands", "river", "lake", "mount", "mountains", "bay", "port", "airport", "street", "peninsula")
	placeCues = setOf("di", "ke", "dari", "wilayah", "kota", "provinsi", "kabupaten", "negara", "daerah",
		"pulau", "kawasan", "desa", "kecamatan", "in", "at", "to", "from", "near", "region", "city",
		"province", "state", "country", "town")
	reasonCues = setOf("karena", "sebab", "akibat", "lantaran", "disebabkan", "sehingga", "agar", "supaya",
		"because", "due", "since", "so")
)

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// span is a typed stretch of a sentence: token indices [from, to] and its
// text.
type span struct {
	from, to int
	text     string
	named    bool // introduced by a naming word: "called Abilene"
	// For spans of names (see Index.spans): the share of the span's words
	// that are names, and the positions of its words rare enough in the
	// corpus to be an answer.
	names float64
	rare  []int
	// For spans of persons and places: the clause that holds the span's
	// first word, tokens [clauseLo, clauseHi) (see clauseBounds).
	clauseLo, clauseHi int32
}

// typedSpans returns the spans of a sentence (its text and tokens) that can
// answer a question of type t. isName tells whether a capitalised word
// that starts the sentence is a name (it may be nil: then only when the
// next word is capitalised too).
func typedSpans(t answerType, text string, toks []token, isName func(word token) bool) []span {
	var out []span
	// add appends the span of tokens from..to, and reports whether those
	// bounds make one.
	add := func(from, to int) bool {
		if from < 0 || to >= len(toks) || from > to {
			return false
		}
		end := toks[to].End()
		// A parenthesis the span opens, it closes: "Rabu (19/10)".
		if t := text[toks[from].Start():end]; strings.Count(t, "(") > strings.Count(t, ")") && strings.HasPrefix(text[end:], ")") {
			end++
		}
		out = append(out, span{from: from, to: to, text: text[toks[from].Start():end]})
		return true
	}
	switch t {
	case typeDate:
		for i := 0; i < len(toks); i++ {
			if from, to, ok := dateAt(text, toks, i); ok {
				add(from, to)
				i = to
			}
		}
	case typeNumber:
		for i := 0; i < len(toks); i++ {
			if from, to, ok := numberAt(text, toks, i); ok {
				add(from, to)
				i = to
			}
		}
	case typePerson, typePlace, typeName:
		if t == typeName {
			// What a naming word introduces is a name, in whatever case:
			// "called Abilene", "called \"ctenes\"", "disebut tentilla".
			for i := 0; i+1 < len(toks); i++ {
				if namingCues[toks[i].Word] && !gapHasPunct(text, toks[i], toks[i+1]) || namedQuoted(text, toks, i) {
					if n := len(out); add(i+1, termEnd(text, toks, i+1)) {
						out[n].named = true
					}
				}
			}
		}
		for i := 0; i < len(toks); i++ {
			if !capitalised(text, toks[i]) || (startsText(text, toks, i) && !capitalisedMidSentence(text, toks[i:]) && (isName == nil || !isName(toks[i]))) ||
				months[toks[i].Word] || weekdays[toks[i].Word] {
				continue
			}
			to := nameEnd(text, toks, i)
			if t == typePlace && !placeAt(text, toks, i) {
				i = to
				continue
			}
			add(i, to)
			i = to
		}
	case typeReason:
		for i, tk := range toks {
			if reasonCues[tk.Word] {
				add(i, clauseEnd(text, toks, i))
				break
			}
		}
	}
	return out
}

// dateAt recognises a date starting at token i.
func dateAt(text string, toks []token, i int) (int, int, bool) {
	w := toks[i].Word
	next := func(k int) string {
		if k < len(toks) {
			return toks[k].Word
		}
		return ""
	}
	lead := func(from int) int {
		for from > 0 && dateLeads[toks[from-1].Word] && from > i-2 {
			from--
		}
		return from
	}
	switch {
	case isDay(w) && months[next(i+1)]:
		to := i + 1
		if isYear(next(i + 2)) {
			to = i + 2
		}
		return lead(i), to, true
	case months[w]:
		to := i
		if isDay(next(i+1)) && !months[next(i+2)] {
			to = i + 1
		}
		if isYear(next(to + 1)) {
			to++
		}
		// A lone month name needs a lead or a number to be a date: "May"
		// and "Mar" are also words.
		if to == i && (i == 0 || !dateLeads[toks[i-1].Word]) && len(w) < 4 {
			return 0, 0, false
		}
		return lead(i), to, true
	case weekdays[w]:
		// Indonesian news dates a weekday with its day and month in
		// parentheses: "Rabu (19/10)", "Kamis (8/ 9)".
		return lead(i), dayMonthAfter(text, toks, i), true
	case isYear(w):
		to := i
		if next(i+1) == "an" || next(i+1) == "s" {
			to = i + 1
		} else if isYear(next(i+1)) && joinedBy(text, toks[i], toks[i+1], "-", "–", "—") {
			// A span of years is one answer: "(1890-1979)", "2005–2010".
			to = i + 1
		}
		return lead(i), to, true
	case timeLeads[w] && isNumber(next(i+1)) && w != "at":
		to := i + 1
		if timeZones[next(i+2)] {
			to = i + 2
		}
		return i, to, true
	case strings.Contains(w, ":") && isNumber(w):
		to := i
		if timeZones[next(i+1)] {
			to = i + 1
		}
		return i, to, true
	case centuryWords[w] && (next(i+1) == "ke" || isNumber(next(i+1))):
		to := i + 1
		if next(i+1) == "ke" && isNumber(next(i+2)) {
			to = i + 2
		}
		return i, to, true
	case (w == "tahun" || w == "year") && len(next(i+1)) >= 3 && len(next(i+1)) <= 4 && allDigits(next(i+1)) && !isYear(next(i+1)):
		// "tahun 971": a year the word says is one, however early.
		return i, i + 1, true
	case relativeWords[w]:
		return i, i, true
	case relativeHeads[w] && relativeUnits[next(i+1)]:
		to := i + 1
		if relativeTails[next(i+2)] {
			to = i + 2
		}
		return i, to, true
	case relativeUnits[w] && relativeTails[next(i+1)]:
		return i, i + 1, true
	}
	return 0, 0, false
}

// namedQuoted reports whether token i is a naming word followed by a
// quoted term: called "ctenes".
func namedQuoted(text string, toks []token, i int) bool {
	if !namingCues[toks[i].Word] {
		return false
	}
	gap := strings.TrimSpace(text[toks[i].End():toks[i+1].Start()])
	return gap == "\"" || gap == "“" || gap == "'" || gap == "‘"
}

// termEnd returns the last token of the term starting at token i: a name
// as nameEnd reads it, or else the word itself and the words that follow
// it up to punctuation, at most two in all.
func termEnd(text string, toks []token, i int) int {
	if capitalised(text, toks[i]) {
		return nameEnd(text, toks, i)
	}
	to := i
	for to+1 < len(toks) && to < i+1 && !gapHasPunct(text, toks[to], toks[to+1]) && toks[to+1].Term != "" {
		to++
	}
	return to
}

// placeAt reports whether the name at token i reads as a place: a place
// word leads it ("di Kursk", "di hulu Sungai Mahakam", up to two words
// before, in the same phrase) or heads it ("Pelabuhan Benoa", "Lake
// Victoria").
func placeAt(text string, toks []token, i int) bool {
	if placeHeads[toks[i].Word] {
		return true
	}
	for k := i - 1; k >= 0 && k >= i-3; k-- {
		if gapHasPunct(text, toks[k], toks[k+1]) {
			return false
		}
		if placeCues[toks[k].Word] {
			return true
		}
	}
	return false
}

// dayMonthAfter returns the last token of a "(day/month)" or
// "(day/month/year)" right after token i, or i when there is none.
func dayMonthAfter(text string, toks []token, i int) int {
	if i+2 >= len(toks) || !isDay(toks[i+1].Word) || !isMonthNumber(toks[i+2].Word) ||
		strings.TrimSpace(text[toks[i].End():toks[i+1].Start()]) != "(" ||
		strings.TrimSpace(text[toks[i+1].End():toks[i+2].Start()]) != "/" {
		return i
	}
	to := i + 2
	if to+1 < len(toks) && allDigits(toks[to+1].Word) && strings.TrimSpace(text[toks[to].End():toks[to+1].Start()]) == "/" {
		to++
	}
	return to
}

// joinedBy reports whether only one of seps stands between tokens a and b.
func joinedBy(text string, a, b token, seps ...string) bool {
	gap := text[a.End():b.Start()]
	for _, sep := range seps {
		if gap == sep {
			return true
		}
	}
	return false
}

func isMonthNumber(w string) bool {
	return isDay(w) && (len(w) == 1 || w <= "12")
}

// numberAt recognises a number with its scale and unit starting at token
// i: "sekitar 11.000 tentara", "50.000 tentara", "308 points", "2,5 juta
// dolar", "ribuan tentara".
func numberAt(text string, toks []token, i int) (int, int, bool) {
	w := toks[i].Word
	if !isNumber(w) && !numberWords[w] || oneOf(toks, i) {
		return 0, 0, false
	}
	from, to := i, i
	for from > 0 && numberLeads[toks[from-1].Word] && from > i-2 {
		from--
	}
	// "more than 70,000", "lebih dari 100".
	if from > 1 && from == i && comparativeLeads[toks[from-2].Word+" "+toks[from-1].Word] {
		from -= 2
	}
	// A range is one number: "100–150 species".
	if to+1 < len(toks) && isNumber(toks[to+1].Word) && joinedBy(text, toks[to], toks[to+1], "-", "–", "—") {
		to++
	}
	for to+1 < len(toks) && scaleWords[toks[to+1].Word] && !gapHasPunct(text, toks[to], toks[to+1]) {
		to++
	}
	// The unit: the next word, when it is a content word in the same
	// phrase.
	if to+1 < len(toks) && toks[to+1].Term != "" && !isNumber(toks[to+1].Word) && !gapHasPunct(text, toks[to], toks[to+1]) {
		to++
	}
	return from, to, true
}

// ageAfterName reports whether a number span is a lone number in
// parentheses right after a name, as news gives a person's age: "Harold
// Pinter (75)".
func ageAfterName(s *sentence, sp *span) bool {
	if sp.from != sp.to || sp.from == 0 || !allDigits(s.token(sp.from).Word) {
		return false
	}
	prev, t := s.token(sp.from-1), s.token(sp.from)
	return capitalised(s.text, prev) && strings.TrimSpace(s.text[prev.End():t.Start()]) == "(" &&
		strings.HasPrefix(s.text[t.End():], ")")
}

// ageWords ask for a person's age.
var ageWords = setOf("usia", "umur", "berusia", "berumur", "age", "aged", "old")

// asksAge reports whether q asks for an age.
func asksAge(q *parsedQuestion) bool {
	for w := range ageWords {
		if q.words.has(w) {
			return true
		}
	}
	return false
}

// derivedWord reports whether an Indonesian word is a root with affixes
// ("Pembatalan", batal): a word, not a name, wherever it is capitalised.
func derivedWord(t token, lang string) bool {
	return lang == "id" && t.Term != "" && t.Term != t.Word && lexicon.IsRoot(t.Term)
}

// oneOf reports whether token i is the "one" of "one of" ("salah satu
// upaya", "one of the researchers"), which picks one of several rather
// than counts.
func oneOf(toks []token, i int) bool {
	switch toks[i].Word {
	case "satu":
		return i > 0 && toks[i-1].Word == "salah"
	case "one":
		return i+1 < len(toks) && toks[i+1].Word == "of"
	}
	return false
}

func isYear(w string) bool {
	if len(w) != 4 || !allDigits(w) {
		return false
	}
	return w >= "1500" && w <= "2099"
}

func isDay(w string) bool {
	if len(w) == 0 || len(w) > 2 || !allDigits(w) {
		return false
	}
	return w != "0" && w != "00" && (len(w) == 1 || w <= "31")
}

// capitalised reports whether the token starts with an upper-case letter
// in the text.
func capitalised(text string, t token) bool {
	r, _ := utf8.DecodeRuneInString(text[t.Start():])
	return unicode.IsUpper(r)
}

// capitalisedMidSentence reports whether the sentence's first word is a
// name rather than capitalised only for starting the sentence: it is when
// the next word is capitalised too (Kim Jong Un, Presiden Rusia).
func capitalisedMidSentence(text string, toks []token) bool {
	return len(toks) > 1 && capitalised(text, toks[1]) && !gapHasPunct(text, toks[0], toks[1])
}

// startsText reports whether token i starts the sentence's text, where
// any word is capitalised: the first token, or the first after a news
// story's dateline ("Helsinki, Rabu - Berangkat dengan …").
func startsText(text string, toks []token, i int) bool {
	return i == 0 || datelineDash(text[toks[i-1].End():toks[i].Start()])
}

// datelineDash reports whether the gap between two words is a dash set
// off by spaces, as after a dateline: " - ", ", – ", ") - ".
func datelineDash(gap string) bool {
	gap = strings.TrimPrefix(gap, ")")
	return len(gap) > 2 && (gap[0] == ' ' || gap[0] == ',') && gap[len(gap)-1] == ' ' &&
		strings.Trim(gap, " ,") != "" && strings.Trim(gap, " ,-–—") == ""
}

// inDateline reports whether a span stands in the sentence's dateline,
// before its dash ("Helsinki, Rabu - …", "Jakarta, Kamis (8/9) - …",
// "bangkok, kamis - …"): a few words, a comma among them, where and when
// the story was filed, not who, what or when it is about.
func inDateline(s *sentence, sp *span) bool {
	if sp.to >= maxDateline {
		return false
	}
	comma := false
	for k := 1; k < s.tokenCount() && k <= maxDateline; k++ {
		prev := s.token(k - 1)
		gap := s.text[prev.End():s.token(k).Start()]
		if datelineDash(gap) {
			return comma && k > sp.to
		}
		comma = comma || strings.Contains(gap, ",")
	}
	return false
}

// maxDateline is the most words a dateline has before its dash.
const maxDateline = 5

// nameEnd extends a name from token i over further capitalised words and
// joiners between them.
func nameEnd(text string, toks []token, i int) int {
	to := i
	for k := i + 1; k < len(toks); k++ {
		if gap := text[toks[k-1].End():toks[k].Start()]; gapHasPunct(text, toks[k-1], toks[k]) || datelineDash(gap) {
			break
		}
		if capitalised(text, toks[k]) || hyphenated(text, toks[k-1], toks[k]) {
			to = k
			continue
		}
		if nameJoiners[toks[k].Word] && k+1 < len(toks) && capitalised(text, toks[k+1]) && !gapHasPunct(text, toks[k], toks[k+1]) {
			continue
		}
		break
	}
	return to
}

// hyphenated reports whether b continues a's word after a hyphen, as the
// second half of a name often does in lower case (Yoon Suk-yeol).
func hyphenated(text string, a, b token) bool {
	return text[a.End():b.Start()] == "-"
}

// gapHasPunct reports whether anything but spaces and hyphens stands
// between two tokens.
func gapHasPunct(text string, a, b token) bool {
	for _, r := range text[a.End():b.Start()] {
		if !unicode.IsSpace(r) && r != '-' {
			return true
		}
	}
	return false
}

// clauseEnd returns the last token of the clause that starts at token i.
func clauseEnd(text string, toks []token, i int) int {
	for k := i + 1; k < len(toks); k++ {
		if strings.ContainsAny(text[toks[k-1].End():toks[k].Start()], ",;:.—–()") {
			return k - 1
		}
	}
	return len(toks) - 1
}

// bestSpan picks the typed span of s nearest the matched question words,
// leaving out uninformative ones. Its strength is 1, or 1.5 for a count
// whose unit is the word the question counts ("Berapa penumpang" and "84
// penumpang"); 0 when there is no span. sc is the question's working
// memory (spanScratch).
func (ix *Index) bestSpan(q *parsedQuestion, s *sentence, positions []int, sc *spanScratch) (string, float64) {
	facts, m := &sc.facts, sc.m
	cands := sc.cands[:0]
	top := 0.0
	spans := ix.spans(q.qtype, s)
	for si := range spans {
		sp := &spans[si]
		if ix.uninformative(q, m, s, sp, facts) || q.qtype != typePlace && inDateline(s, sp) {
			continue
		}
		if q.qtype == typePerson || q.qtype == typeName || q.qtype == typePlace {
			if t := trimQuestionWords(q, m, s, sp, facts); t.from != sp.from {
				t.clauseLo, t.clauseHi = sp.clauseLo, sp.clauseHi
				if q.qtype != typeName && clauseBreakIn(s, sp.from, t.from) {
					lo, hi := clauseBounds(s, t.from)
					t.clauseLo, t.clauseHi = int32(lo), int32(hi)
				}
				t.names = ix.nameLike(s, &t, facts)
				sp = &t
			}
		}
		strength := 1.0
		switch q.qtype {
		case typeDate:
			// A weekday alone says less than a date: a news story's
			// dateline weekday ("Brussels, Sabtu -") gives way to the
			// event's "Jumat (26/8)".
			if weekdays[s.token(sp.to).Word] {
				strength = 0.8
			}
		case typeNumber:
			if ageAfterName(s, sp) && !asksAge(q) {
				// "Celine Dion (36)" is her age, no answer to how much
				// she gave, even though her name stands just before it.
				strength = 0.5
			} else if q.focus >= 0 && countsFocus(q.concepts[q.focus], s, *sp) {
				strength = 1.5
			}
		case typePerson:
			// A person's name is made of names: "Kim Jong Un" rather than
			// "Republik Demokratik Rakyat Korea".
			strength = 0.5 + 0.5*sp.names
			if sp.from > 0 {
				switch prev := s.token(sp.from - 1).Word; {
				case agentMarkers[prev]:
					// The doer of a passive verb is whom "who" asks for:
					// "diresmikan oleh Wali Kota Risma" reads as a whole
					// name, title and all.
					strength = min(strength+0.25, 1)
				case placePrepositions[prev]:
					// A name right after "di" or "in" is where, not who.
					strength *= 0.7
				}
			}
		case typeName:
			// The name of a thing usually carries the thing's own word:
			// "the name of the treaty" and "Perjanjian Kemitraan Strategis
			// Komprehensif".
			if q.focus >= 0 && spanHasFocus(q, m, s, sp) {
				strength = 1.5
			}
		}
		if (q.qtype == typePerson || q.qtype == typePlace) && !inClause(positions, int(sp.clauseLo), int(sp.clauseHi)) {
			strength *= clausePenalty
		}
		pos := sp.from
		d := 0
		for _, p := range positions {
			d += abs(p - pos)
		}
		cands = append(cands, spanCand{sp.text, strength, d, sp.named})
		top = max(top, strength)
	}
	sc.cands = cands
	// Among the spans nearly as strong as the strongest, what a naming
	// word introduces ("called Abilene"), then the one nearest the
	// question's words. Naming says which span; it is no reason to prefer
	// the sentence, so it adds no strength.
	best := -1
	for i, c := range cands {
		if c.strength < 0.9*top {
			continue
		}
		if best < 0 || c.named && !cands[best].named || c.named == cands[best].named && c.dist < cands[best].dist {
			best = i
		}
	}
	if best < 0 {
		return "", 0
	}
	return cands[best].text, cands[best].strength
}

// spanCand is a span bestSpan weighs.
type spanCand struct {
	text     string
	strength float64
	dist     int
	named    bool
}

var (
	agentMarkers      = map[string]bool{"by": true, "oleh": true}
	placePrepositions = map[string]bool{"di": true, "in": true, "at": true}
)

// countsFocus reports whether a number span counts what the question
// counts: the counted word is its unit ("84 penumpang") or stands just
// before it, with no other number between ("interceptions with 24",
// "tackles (118)").
func countsFocus(focus concept, s *sentence, sp span) bool {
	if sp.to > sp.from && hasAlt(focus, s.token(sp.to).Term) {
		return true
	}
	for k := sp.from - 1; k >= 0 && k >= sp.from-3; k-- {
		t := s.token(k)
		if isNumber(t.Word) {
			return false
		}
		if hasAlt(focus, t.Term) {
			return true
		}
	}
	return false
}

// trimQuestionWords drops the question's own words from the start of a
// name span: "Pemimpin Korea Utara Kim Jong Un" answers "Siapa pemimpin
// Korea Utara?" with "Kim Jong Un". The thing a name question asks about
// stays: it is part of the name ("the name of the treaty", "Perjanjian
// Kemitraan Strategis Komprehensif").
func trimQuestionWords(q *parsedQuestion, m *matcher, s *sentence, sp *span, facts *formFacts) span {
	from := sp.from
	for from < sp.to {
		if q.qtype == typeName && q.focus >= 0 && m.expressesAt(s, from, q.focus) {
			break
		}
		if f := facts.of(q, m, s, from); f&factAsked == 0 && f&factContent != 0 {
			break
		}
		from++
	}
	if from == sp.from {
		return *sp
	}
	return span{from: from, to: sp.to, text: s.text[s.token(from).Start():s.token(sp.to).End()]}
}

// nameLike is the share of a span's words that are names: words the
// corpus never writes in lower case and that are not Indonesian root words.
// facts, when not nil, remembers which are.
func (ix *Index) nameLike(s *sentence, sp *span, facts *formFacts) float64 {
	n, names := 0, 0
	for i := sp.from; i <= sp.to; i++ {
		t := s.token(i)
		if t.Term == "" && nameJoiners[t.Word] || i > sp.from && hyphenated(s.text, s.token(i-1), t) {
			continue
		}
		n++
		if facts != nil && facts.isName(ix, s, i) || facts == nil && ix.isName(t.Word, s.lang) {
			names++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(names) / float64(n)
}

// spanHasFocus reports whether a span, or the word just before it,
// expresses q's focus concept.
func spanHasFocus(q *parsedQuestion, m *matcher, s *sentence, sp *span) bool {
	for i := max(sp.from-1, 0); i <= sp.to; i++ {
		if m.expressesAt(s, i, q.focus) {
			return true
		}
	}
	return false
}

// spans returns the typed spans of sentence s, computed once per sentence
// and type: they depend on nothing else.
func (ix *Index) spans(t answerType, s *sentence) []span {
	key := spanKey{s, t}
	if sp, ok := ix.spanCache.get(key); ok {
		return sp
	}
	toks := s.tokens()
	sp := typedSpans(t, s.text, toks, func(w token) bool { return ix.isName(w.Word, s.lang) && !derivedWord(w, s.lang) })
	if t == typePerson || t == typePlace || t == typeName {
		// What the spans of names are, whatever the question: how much
		// of each is names, and which of its words are rare enough to
		// be an answer.
		limit := max(int(commonShare*float64(len(ix.sents))), minCommon)
		for i := range sp {
			sp[i].names = ix.nameLike(s, &sp[i], nil)
			if t == typePerson || t == typePlace {
				lo, hi := clauseBounds(s, sp[i].from)
				sp[i].clauseLo, sp[i].clauseHi = int32(lo), int32(hi)
			}
			for k := sp[i].from; k <= sp[i].to; k++ {
				if term := toks[k].Term; term != "" && ix.vocab[term] <= limit {
					sp[i].rare = append(sp[i].rare, k)
				}
			}
		}
	}
	ix.spanCache.put(key, sp)
	return sp
}

type spanKey struct {
	s *sentence
	t answerType
}

// maxCachedSpans bounds spanCache: unbounded, a server asked about every
// sentence of a large corpus would keep every sentence's spans of every
// type (a fifth of the heap after 1,122 questions on 50,000 sentences).
const maxCachedSpans = 1 << 15

// spanCache remembers the typed spans of the sentences questions have met,
// up to maxCachedSpans of them; when full it is emptied and fills again
// with the sentences questions meet from then on. It is safe for
// concurrent use.
//
// It is a map under a read-write lock rather than a sync.Map, as
// boundedCache is: every candidate a question ranks reads it and almost
// none writes it, and sync.Map hashed and compared its keys as interfaces
// (5% of an English question's CPU).
type spanCache struct {
	mu sync.RWMutex
	m  map[spanKey][]span
}

func (c *spanCache) get(key spanKey) ([]span, bool) {
	c.mu.RLock()
	sp, ok := c.m[key]
	c.mu.RUnlock()
	return sp, ok
}

func (c *spanCache) put(key spanKey, sp []span) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCachedSpans {
		clear(c.m)
	}
	if c.m == nil {
		c.m = map[spanKey][]span{}
	}
	if _, ok := c.m[key]; !ok {
		c.m[key] = sp
	}
}

// isName reports whether a word reads as a name: the corpus never writes
// it in lower case, and it is not an Indonesian root word.
func (ix *Index) isName(word, lang string) bool {
	return !ix.lowerWords[word] && !(lang == "id" && lexicon.IsRoot(word))
}

func hasAlt(c concept, term string) bool {
	for _, a := range c.alts {
		if a.term == term {
			return true
		}
	}
	return false
}

// commonShare is the share of sentences above which a word is too common to
// be an answer on its own: a newspaper's name in every dateline, the
// country every article is about.
const commonShare = 0.02

// minCommon keeps small corpora from calling every repeated name common: in
// one article, the name that recurs is usually the answer.
const minCommon = 10

// uninformative reports whether a span says nothing the question does not:
// all its words are the question's own, or, for names, too common in the
// corpus to be an answer.
func (ix *Index) uninformative(q *parsedQuestion, m *matcher, s *sentence, sp *span, facts *formFacts) bool {
	if onlyQuestionWords(q, m, s, sp, facts) {
		return true
	}
	if q.qtype != typePerson && q.qtype != typePlace && q.qtype != typeName {
		return false
	}
	if onlyAskedNames(ix, q, m, s, sp, facts) {
		return true
	}
	for _, k := range sp.rare {
		if facts.of(q, m, s, k)&factAsked == 0 {
			return false
		}
	}
	return true
}

// onlyAskedNames reports whether a name span is the thing asked about
// with a common word before it: one common word (one the corpus writes in
// lower case, not a place's head such as Pelabuhan, which makes a place's
// name), then only the question's own words, a name among them:
// "Waduk Malahayu" for "Where is the Malahayu Reservoir?", "Rakyat
// Ekuador" for "Ecuador's oil company". The common word is one the
// question's translation did not reach, not an answer.
func onlyAskedNames(ix *Index, q *parsedQuestion, m *matcher, s *sentence, sp *span, facts *formFacts) bool {
	to := sp.to
	asked := false
	for ; to >= sp.from; to-- {
		f := facts.of(q, m, s, to)
		if f&factContent != 0 && f&factAsked == 0 {
			break
		}
		asked = asked || f&factContent != 0 && facts.isName(ix, s, to)
	}
	if !asked || to != sp.from || placeHeads[s.token(to).Word] {
		return false
	}
	return !facts.isName(ix, s, to)
}

func onlyQuestionWords(q *parsedQuestion, m *matcher, s *sentence, sp *span, facts *formFacts) bool {
	for i := sp.from; i <= sp.to; i++ {
		if f := facts.of(q, m, s, i); f&factContent != 0 && f&(factAsked|factLead) == 0 {
			return false
		}
	}
	return true
}
