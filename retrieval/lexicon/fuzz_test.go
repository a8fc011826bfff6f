package lexicon

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzTranslate checks the word lookups a question's words go through on
// arbitrary input: no panic, at most the documented number of results,
// none empty, no duplicates, valid UTF-8 out for valid UTF-8 in, and
// Cognates gives nothing for words that are not ASCII letters.
func FuzzTranslate(f *testing.F) {
	for _, w := range []string{
		"treaty", "soldiers", "ratified", "defence", "leader", "worried", "intelligence",
		"tentara", "mengesahkan", "negara-negara", "", "a", "ß", "RATIFY", "ratify\x00", "\xff",
		"ratificationificationification", strings.Repeat("s", 300), "ies", "-", "--an",
		// took minutes before Cognates had a length limit
		strings.Repeat("ification", 66),
	} {
		f.Add(w)
	}
	f.Fuzz(func(t *testing.T, w string) {
		for _, fn := range []struct {
			name string
			max  int
			f    func(string) []string
		}{
			{"Translate", 8, Translate},
			{"Synonyms", 8, Synonyms},
			{"Cognates", 12, Cognates},
		} {
			got := fn.f(w)
			if len(got) > fn.max {
				t.Fatalf("%s(%q) gave %d results, over %d", fn.name, w, len(got), fn.max)
			}
			seen := map[string]bool{}
			for _, s := range got {
				if strings.TrimSpace(s) == "" {
					t.Fatalf("%s(%q) = %q has an empty result", fn.name, w, got)
				}
				if seen[s] {
					t.Fatalf("%s(%q) = %q repeats %q", fn.name, w, got, s)
				}
				seen[s] = true
				if utf8.ValidString(w) && !utf8.ValidString(s) {
					t.Fatalf("%s(%q) = %q is not valid UTF-8", fn.name, w, got)
				}
			}
		}
		ascii := w != ""
		for _, r := range strings.ToLower(w) {
			if r < 'a' || r > 'z' {
				ascii = false
			}
		}
		if c := Cognates(w); !ascii && c != nil {
			t.Fatalf("Cognates(%q) = %q, want nil for a word that is not ASCII letters", w, c)
		}
	})
}
