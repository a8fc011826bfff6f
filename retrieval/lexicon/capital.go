package lexicon

// maxCountryNames bounds the names returned for one capital.
const maxCountryNames = 8

// CountriesOf returns the English names of the country whose national
// capital is the lower-case English name capital, in WordNet's order
// (moscow → russia, russian federation; pyongyang → north korea, …), or
// nil. News names a government by its capital ("Moscow ratified the
// treaty"), so the two may stand for one another.
func CountriesOf(capital string) []string {
	return capitalsTable().lookupList(capital, maxCountryNames)
}
