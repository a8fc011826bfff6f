package retrieval

import (
	"regexp"
	"strings"
)

// A typed span is a stretch of a sentence that can answer a question of one
// type: a date for "when", a number with its unit for "how many", a name for
// "who", a place for "where". Recognition is by patterns for Indonesian and
// English news text.

const (
	monthsID = `januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember|jan|feb|mar|apr|jun|jul|agu|agt|sep|okt|nov|des`
	monthsEN = `january|february|march|april|may|june|july|august|september|october|november|december`
	daysID   = `senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad`
	daysEN   = `monday|tuesday|wednesday|thursday|friday|saturday|sunday`
	numWords = `satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|seratus|seribu|puluhan|ratusan|ribuan|jutaan|belasan|` +
		`one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens|hundreds|thousands|millions|a dozen|a hundred|a thousand`
	scale = `ribu|juta|miliar|milyar|triliun|thousand|million|billion|trillion`
)

var (
	dateRe = regexp.MustCompile(`(?i)\b(?:` +
		// 6 November 2024, 19 Juni, 20 June 2024
		`\d{1,2}\s+(?:` + monthsID + `|` + monthsEN + `)\.?(?:\s+\d{4})?` +
		// June 19, 2024
		`|(?:` + monthsEN + `)\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?` +
		// pada bulan Agustus, in August 2024, bulan Juni
		`|(?:(?:pada\s+)?bulan\s+|in\s+)?(?:` + monthsID + `|` + monthsEN + `)(?:\s+\d{4})?` +
		// hari Senin, on Monday
		`|(?:(?:pada\s+)?hari\s+|on\s+)?(?:` + daysID + `|` + daysEN + `)` +
		// tahun 2024, 1980-an, the 1990s, abad ke-19
		`|(?:(?:pada\s+)?tahun\s+|in\s+)?(?:1[5-9]|20)\d{2}(?:-an|s)?` +
		`|abad\s+ke-?\s*\d+|\d{1,2}(?:st|nd|rd|th)\s+century` +
		// pukul 10.30, 10:30 WIB
		`|(?:pukul|jam)\s+\d{1,2}(?:[.:]\d{2})?(?:\s+(?:wib|wita|wit|pagi|siang|sore|malam))?` +
		`|\d{1,2}:\d{2}(?:\s*(?:a\.m\.|p\.m\.|am|pm|wib))?` +
		// relative: pekan lalu, awal bulan ini, last week, yesterday
		`|(?:pekan|minggu|bulan|tahun)\s+(?:lalu|depan|ini)|awal\s+(?:bulan|tahun|pekan)\s+ini|akhir\s+(?:bulan|tahun|pekan)\s+(?:lalu|ini)` +
		`|kemarin|hari\s+ini|besok|last\s+(?:week|month|year)|yesterday|today|tomorrow` +
		`)\b`)

	numberRe = regexp.MustCompile(`(?i)(?:\b(?:sekitar|setidaknya|sedikitnya|lebih\s+dari|hampir|sebanyak|about|around|at\s+least|more\s+than|nearly|over|some)\s+)?` +
		`(?:(?:Rp\.?\s?|US\$\s?|\$|€|£)?\b\d[\d.,]*(?:\s*(?:` + scale + `))?|\b(?:` + numWords + `)\b)` +
		`(?:\s*(?:%|persen|percent))?` +
		// the unit: the word after the number (11.000 tentara, 308 points)
		`(?:\s+[\p{L}][\p{L}-]*)?`)

	// nameRe finds runs of capitalised words (names of people, groups and
	// places), allowing lower-case particles inside (Republik Demokratik
	// Rakyat Korea, Vladimir Putin, Kim Jong Un, bin, van, de).
	nameRe = regexp.MustCompile(`\b\p{Lu}[\p{L}'’.-]*(?:\s+(?:(?:bin|binti|van|von|de|der|di|al|da|dos|of|the|and|dan)\s+)?\p{Lu}[\p{L}'’.-]*)*`)

	// placeCueRe is a word that introduces a place.
	placeCueRe = regexp.MustCompile(`(?i)\b(?:di|ke|dari|wilayah|kota|provinsi|kabupaten|negara|daerah|pulau|kawasan|in|at|to|from|near|region|city|province|state)\s+$`)

	reasonRe = regexp.MustCompile(`(?i)\b(?:karena|sebab|akibat|lantaran|oleh\s+karena|disebabkan|sehingga|agar|supaya|untuk|because|due\s+to|since|as\s+a\s+result|in\s+order\s+to|so\s+that)\b[^.;]*`)
)

// span is a typed stretch of a sentence, as byte offsets.
type span struct {
	start, end int
	text       string
}

// typedSpans returns the spans of text that can answer a question of type t.
func typedSpans(t answerType, text string) []span {
	var locs [][]int
	switch t {
	case typeDate:
		locs = dateRe.FindAllStringIndex(text, -1)
	case typeNumber:
		locs = numberRe.FindAllStringIndex(text, -1)
	case typePerson:
		locs = nameRe.FindAllStringIndex(text, -1)
	case typePlace:
		for _, l := range nameRe.FindAllStringIndex(text, -1) {
			if placeCueRe.MatchString(text[:l[0]]) {
				locs = append(locs, l)
			}
		}
	case typeReason:
		locs = reasonRe.FindAllStringIndex(text, -1)
	}
	out := make([]span, 0, len(locs))
	for _, l := range locs {
		s := strings.TrimRight(text[l[0]:l[1]], " ,.;:")
		if s == "" {
			continue
		}
		out = append(out, span{start: l[0], end: l[0] + len(s), text: s})
	}
	return out
}
