package retrieval

import (
	"slices"

	"kutip/retrieval/lexicon"
)

// Keyword questions. In a chat people often type a topic, not a question:
// "kursk", "nuclear tech", "arms transfer". Such a question has no
// question word and does not start like a yes/no question. It asks where
// the corpus talks about the topic, so Ask answers it with the best
// sentences about it, and says so (Answer.Topic), as long as the corpus
// has a word for every content word of it (see outside.go): "population
// of ukraine" is about something the corpus never mentions, and is refused
// like any other question.

// maxTopicConcepts is the most content words a topic has; a longer line
// without a question word is a statement or a question in other words.
const maxTopicConcepts = 5

// topicThreshold is the coverage a topic's best sentence needs: a topic of
// two words is answered by a sentence about one of them, where a question
// would need more (answerThreshold).
const topicThreshold = 0.3

// yesNoStarts begin yes/no questions, which ask something: they are not
// topics.
var yesNoStarts = map[string]bool{
	"is": true, "are": true, "was": true, "were": true, "do": true, "does": true, "did": true, "can": true,
	"could": true, "will": true, "would": true, "has": true, "have": true, "had": true, "should": true,
	"benarkah": true, "betulkah": true, "sudahkah": true, "bisakah": true, "adakah": true,
}

// yesNoEnds end Indonesian yes/no questions ("udah diratifikasi belum").
var yesNoEnds = map[string]bool{"belum": true, "tidak": true, "bukan": true, "nggak": true}

// isTopic reports whether q names a topic rather than asking a question.
func (q *parsedQuestion) isTopic() bool {
	if len(q.concepts) == 0 || len(q.concepts) > maxTopicConcepts || q.qtype != typeNone || len(q.words) == 0 {
		return false
	}
	if yesNoStarts[q.words[0]] || yesNoEnds[q.words[len(q.words)-1]] {
		return false
	}
	for _, w := range q.words {
		if isQuestionWord(w) {
			return false
		}
	}
	return true
}

// guessLang tells the language of a question that has no stop word of
// either language, as keyword questions often have none ("nuclear tech",
// "korsel"), by the words the dictionaries know: English words the
// dictionary translates, against Indonesian roots, the words the stemmer
// reduces to one and the thesaurus's words. It returns "" when neither side has more.
func guessLang(words []string) string {
	en, id := 0, 0
	for _, w := range words {
		isID := lexicon.IsRoot(w) || stemIndonesian(w) != w || len(synonyms(w)) > 0
		// Translate gives Indonesian words and names back as they are
		// (senjata → senjata, pyongyang → pyongyang): only a translation
		// into another word shows an English word.
		isEN := slices.ContainsFunc(translate(w), func(tr string) bool { return tr != w })
		switch {
		case isID && !isEN && !lexicon.IsEnglishWord(w):
			// A word both languages write alike (transfer) shows
			// neither.
			id++
		case isEN && !isID:
			en++
		}
	}
	switch {
	case en > id:
		return "en"
	case id > en:
		return "id"
	}
	return ""
}
