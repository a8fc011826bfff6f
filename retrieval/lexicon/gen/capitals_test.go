package main

import (
	"slices"
	"strings"
	"testing"
)

// capitalsData is a few lines of WordNet 3.0's data.noun, as they are
// (glosses shortened).
const capitalsData = `  1 This software and database is being provided to you, the LICENSEE, by
08691669 15 n 01 national_capital 0 003 @ 08518505 n 0000 ~i 09004068 n 0000 ~i 08909719 n 0000 | the capital city of a nation
08544813 15 n 02 country 0 state 0 000 | the territory occupied by a nation
09006413 15 n 02 Russia 0 Russian_Federation 0 002 @i 08544813 n 0000 %p 09004068 n 0000 | a federation in northern Asia
08908248 15 n 01 Java 0 002 @i 09316454 n 0000 %p 08909719 n 0000 | an island in Indonesia
09316454 15 n 01 island 0 000 | a land mass
09004068 15 n 03 Moscow 0 capital_of_the_Russian_Federation 0 Russian_capital 0 002 @i 08691669 n 0000 #p 09006413 n 0000 | a city of central European Russia
08909719 15 n 03 Jakarta 0 Djakarta 0 capital_of_Indonesia 0 002 @i 08691669 n 0000 #p 08908248 n 0000 | capital and largest city of Indonesia
`

func TestParseCapitals(t *testing.T) {
	got, err := parseCapitals(strings.NewReader(capitalsData))
	if err != nil {
		t.Fatal(err)
	}
	// "Russian capital" names Moscow by description, Djakarta and Jakarta are part of
	// an island, not of a country, in WordNet: none of them is kept.
	want := []string{"moscow\trussia|russian federation"}
	if !slices.Equal(got, want) {
		t.Errorf("parseCapitals = %q, want %q", got, want)
	}
	if _, err := parseCapitals(strings.NewReader("08544813 15 n 02 country 0 state 0 000 | x\n")); err == nil {
		t.Error("parseCapitals of a file without national_capital: no error")
	}
}

func FuzzParseCapitals(f *testing.F) {
	f.Add(capitalsData)
	f.Add("08691669 15 n zz national_capital 0 999 @i")
	f.Fuzz(func(t *testing.T, data string) {
		lines, err := parseCapitals(strings.NewReader(data))
		if err != nil {
			return
		}
		for _, l := range lines {
			if c, countries, ok := strings.Cut(l, "\t"); !ok || c == "" || countries == "" {
				t.Errorf("line %q is not capital\\tcountries", l)
			}
		}
	})
}

func TestWithTranslations(t *testing.T) {
	dict := &dictionary{tr: map[string][]string{
		"moscow": {"moskow", "moskwa", "moscow"},
		"kiev":   {"kyiv", "ibu kota ukraina"},
	}}
	got := withTranslations([]string{"kiev\tukraine", "kyiv\tukraine", "moscow\trussia"}, dict)
	want := []string{"kiev\tukraine", "kyiv\tukraine", "moscow\trussia", "moskow\trussia", "moskwa\trussia"}
	if !slices.Equal(got, want) {
		t.Errorf("withTranslations = %q, want %q", got, want)
	}
}
