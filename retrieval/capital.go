package retrieval

import "strings"

// Capitals for countries. News writes a government by its capital: "Moscow
// has massed 50,000 troops", "Pyongyang ratified the treaty". A question
// that names the capital ("when did Moscow ratify?") is then answered by a
// sentence that names the country ("Parlemen Rusia meratifikasi …"), and
// subject agreement (subject.go) sees the country stand before the action.
// Which capital belongs to which country is WordNet's (lexicon.CountriesOf);
// only one-word names of a country are used, since a concept matches one
// term ("Korea Utara" is two).

// addCountries adds to a question word that names a national capital (in
// English, or in Indonesian as the dictionary writes it: Moskow), the index
// terms of its country's one-word names at
// weightCapital, scaled by how far a translation is trusted.
func (ix *Index) addCountries(lang, word string, add func(string, float64)) {
	if !lexiconLang(lang) || lang == "id" && isIndonesianRoot(word) {
		// An Indonesian word is not taken for a capital of the same
		// spelling: lima is five, not Lima.
		return
	}
	for _, name := range countriesOf(word) {
		if strings.Contains(name, " ") {
			continue
		}
		if ix.hasEN {
			add(ix.analyzer("en").stem(name), weightCapital)
		}
		if ix.hasID {
			id := ix.analyzer("id")
			for _, tr := range translateWeighted(name) {
				for _, term := range id.terms(tr.Text) {
					add(term, weightCapital*tr.Weight)
				}
			}
		}
	}
}
