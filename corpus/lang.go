package corpus

import (
	"strings"
	"unicode"
)

// Language detection uses stop-word profiles: the share of a text's words
// that are among the most frequent function words of each language. It is
// reliable from a sentence or two of news text, and it is what decides a
// question's language too.
var stopProfiles = map[string]map[string]bool{
	"id": setOf("yang", "dan", "di", "ke", "dari", "ini", "itu", "dengan", "untuk", "pada", "dalam", "tidak",
		"akan", "adalah", "juga", "oleh", "sebagai", "telah", "atau", "karena", "kepada", "bahwa", "para",
		"tersebut", "ada", "mereka", "kami", "kita", "saya", "dia", "ia", "bisa", "sudah", "belum", "saat",
		"apa", "siapa", "kapan", "berapa", "mana", "mengapa", "bagaimana", "apakah", "yaitu", "antara", "sejak",
		"hingga", "masih", "namun", "tetapi", "atas", "bagi", "secara", "seperti", "sebuah", "seorang", "nya",
		"dapat", "lebih", "harus", "sangat", "setelah", "ketika", "jika", "serta", "menjadi", "tahun", "bulan"),
	"en": setOf("the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be",
		"by", "on", "not", "he", "she", "this", "are", "or", "his", "her", "from", "at", "which", "but", "have",
		"an", "had", "they", "you", "were", "their", "one", "all", "we", "can", "has", "there", "been", "if",
		"more", "when", "will", "would", "who", "so", "no", "what", "where", "how", "many", "much", "did",
		"does", "do", "why", "whom", "whose", "after", "before", "its", "into", "than", "about", "during"),
}

// DetectLang returns "id" or "en" for text, by stop-word profile, and "" when
// the text has no word of either profile.
func DetectLang(text string) string {
	return DetectLangWords(strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }))
}

// DetectLangWords is DetectLang for text already split into lower-case
// words.
func DetectLangWords(words []string) string {
	var id, en int
	for _, w := range words {
		if stopProfiles["id"][w] {
			id++
		}
		if stopProfiles["en"][w] {
			en++
		}
	}
	switch {
	case id == 0 && en == 0:
		return ""
	case en > id:
		return "en"
	}
	return "id"
}
