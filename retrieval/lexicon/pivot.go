package lexicon

const maxPivotTranslations = 4

// PivotTranslate returns Indonesian translations of a lower-case English
// word that the direct dictionary (Translate) lacks, composed through German
// and Dutch, best first, at most four (imitate → meniru, mencontoh; visitor
// → pengunjung). It is weaker evidence than Translate: a pivot word has
// senses the English word lacks, so some translations are wrong, most often
// for common, many-sensed words. Give its results less weight.
//
// It returns nil when the direct dictionary has the word in any of the forms
// Translate looks up first (the word, its spelling variants, lemmas and
// inflections), so it never stands in for a direct translation; it does
// answer for words Translate only reaches through Cognates or a
// derivational suffix. Like Translate it looks the word up in those forms
// (imitated → imitate).
//
// The generator keeps, for each English headword, the translations reached
// through at least two different pivot words (German or Dutch, or English
// synonyms from the German dictionary, which then meet the direct
// dictionary), or, when no translation is reached twice, up to two reached
// through one German or Dutch word; see data/LICENSES.md.
func PivotTranslate(word string) []string {
	if len(lookupForms(translateTable(), word)) > 0 {
		return nil
	}
	out := lookupForms(pivotTable(), word)
	return out[:min(len(out), maxPivotTranslations)]
}
