package retrieval

import (
	"slices"
	"strconv"
	"testing"
)

func TestNumberForms(t *testing.T) {
	tests := []struct {
		word string
		want []string
	}{
		{"22nd", []string{"22", "xxii"}},
		{"10th", []string{"10", "x"}},
		{"1st", []string{"1"}}, // "I" is a pronoun, an initial ("I Made")
		{"3rd", []string{"3", "iii"}},
		{"60th", []string{"60"}},                    // beyond maxRoman
		{"8", []string{"viii", "delapan", "eight"}}, // Pekan Olahraga ke-8 / PORDA VIII / delapan
		{"1", nil},              // satu, one: as often "a"
		{"12", []string{"xii"}}, // no word beyond ten
		{"tiga", []string{"3"}},
		{"six", []string{"6"}},
		{"satu", nil},
		{"xxii", []string{"22"}},
		{"xv", []string{"15"}},
		{"xl", []string{"40"}},
		{"x", nil}, // one letter: sinar X
		{"iix", nil},
		{"mix", nil},
		{"civil", nil},
		{"th", nil},
		{"nth", nil},
		{"2005", nil},
	}
	for _, tt := range tests {
		if got := numberForms(tt.word); !slices.Equal(got, tt.want) {
			t.Errorf("numberForms(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestRomanRoundTrip(t *testing.T) {
	for n := 1; n <= maxRoman; n++ {
		if got, ok := parseRoman(roman(n)); !ok || got != n {
			t.Errorf("parseRoman(roman(%d) = %q) = %d, %v", n, roman(n), got, ok)
		}
	}
}

// FuzzParseRoman checks that a numeral read back is written the same way
// and stays in range.
func FuzzParseRoman(f *testing.F) {
	for _, s := range []string{"xxii", "xlix", "iix", "", "ivxl", "xxxxx"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := parseRoman(s)
		if !ok {
			return
		}
		if n < 1 || n > maxRoman || roman(n) != s {
			t.Fatalf("parseRoman(%q) = %d, which writes %q", s, n, roman(n))
		}
		if forms := numberForms(s); len(s) >= 2 && !slices.Contains(forms, strconv.Itoa(n)) {
			t.Fatalf("numberForms(%q) = %q, no %d", s, forms, n)
		}
	})
}
