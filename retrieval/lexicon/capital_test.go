package lexicon

import (
	"slices"
	"testing"
)

func TestCountriesOf(t *testing.T) {
	tests := []struct {
		capital string
		want    string // one of the names; "" for none
	}{
		{"moscow", "russia"},
		{"kiev", "ukraine"},
		{"pyongyang", "north korea"},
		{"seoul", "south korea"},
		{"beijing", "china"},
		{"tokyo", "japan"},
		// A capital is part of its country, not of its island.
		{"jakarta", ""},
		// Not a capital.
		{"kursk", ""},
		{"russia", ""},
	}
	for _, tt := range tests {
		got := CountriesOf(tt.capital)
		if tt.want == "" && got != nil || tt.want != "" && !slices.Contains(got, tt.want) {
			t.Errorf("CountriesOf(%q) = %q, want it to hold %q", tt.capital, got, tt.want)
		}
	}
}
