package main

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestGermanTerms(t *testing.T) {
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"alarmieren, warnen <v, trans>", []string{"alarmieren", "warnen"}},
		{"jdn. abmahnen <v, trans>", []string{"abmahnen"}},
		{" [coll.] Aalmolche <pl>, Fischmolche <pl> [zool.]", []string{"Aalmolche", "Fischmolche"}},
		{"Einwirkung <fem> [chemische/mechanische] , Wirkung <fem> [chem.]", []string{"Einwirkung", "Wirkung"}},
		{"sich einfinden <v, refl>", []string{"einfinden"}},
		{"etw. sammeln; etw. einsammeln", []string{"sammeln", "einsammeln"}},
	} {
		if got := germanTerms(tc.line); !slices.Equal(got, tc.want) {
			t.Errorf("germanTerms(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

func TestEnglishKey(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"gather sth", "gather"},
		{"warn sb of sth", "warn of"},
		{"Criticise", "criticise"},
		{"sbsth", ""},
		{indexKey("admonish sb."), "admonish"},
		{indexKey("self-defence"), "selfdefence"},
	} {
		if got := englishKey(tc.in); got != tc.want {
			t.Errorf("englishKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestEntryHeadword(t *testing.T) {
	for _, tc := range []struct{ entry, want string }{
		{"Verlangen /fɛɐ̯ˈlaŋən/ <n, neut>\nbirahi\n", "Verlangen"},
		{"nodig hebben <v>\nperlu\n", "nodig hebben"},
		{"'s-Gravenhage //ˌsxraːvə(n)ˈɦaːɣə// <pn>\nDen Haag\n", "'s-Gravenhage"},
	} {
		if got := entryHeadword(tc.entry); got != tc.want {
			t.Errorf("entryHeadword(%q) = %q, want %q", tc.entry, got, tc.want)
		}
	}
}

func TestIndonesianChecker(t *testing.T) {
	roots := rootSet{"ingat": "mK", "kumpul": "mK", "tanda": "", "tangan": "", "orang": ""}
	is := indonesianChecker(roots, map[string]bool{"kelambu": true})
	for _, tc := range []struct {
		phrase string
		want   bool
	}{
		{"memperingatkan", true},
		{"mengumpulkan", true},
		{"orang-orang", true},
		{"tanda tangan", true},
		{"kelambu", true},
		{"nodig hebben", false}, // a Dutch sense definition
		{"zeer dringend vragen", false},
		{"etwas", false},
		{"", false},
	} {
		if got := is(tc.phrase); got != tc.want {
			t.Errorf("isIndonesian(%q) = %v, want %v", tc.phrase, got, tc.want)
		}
	}
}

func TestPivotTableRule(t *testing.T) {
	dict := func(m map[string][]string) *dictionary {
		d := &dictionary{tr: map[string][]string{}}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			d.add(k, m[k])
		}
		return d
	}
	direct := dict(map[string][]string{"collect": {"mengumpulkan"}, "treaty": {"perjanjian"}})
	deu := pivotLang{name: "deu",
		fromEnglish: dict(map[string][]string{
			"gather": {"sammeln", "versammeln", "raffen"},
			"treaty": {"Vertrag"},
			"twig":   {"Zweig"},
			"daddy":  {"Papa"},
		}),
		toIndonesian: dict(map[string][]string{
			"sammeln":    {"mengumpulkan"},
			"versammeln": {"berkumpul", "mengumpulkan"},
			"raffen":     {"ambil"},
			"Vertrag":    {"kontrak"},
			"Zweig":      {"ranting", "cabang", "dahan"},
		}),
	}
	synonyms := dict(map[string][]string{"gather": {"collect"}, "daddy": {"poppy"}})
	direct.add("poppy", []string{"apiun"})
	got := pivotTable(direct, []pivotLang{deu}, synonyms, func(string) bool { return true }, 2)
	want := [][2]string{
		{"gather", "mengumpulkan"}, // three paths; berkumpul and ambil have one
		{"twig", "ranting|cabang"}, // no translation has two paths: the first two
		// daddy: one path, through an English synonym only
		// treaty: in the direct dictionary
	}
	if !slices.Equal(got, want) {
		t.Errorf("pivotTable = %q, want %q", got, want)
	}
}

// TestGenerateReproduces runs the generator on the installed Debian packages
// and compares its output with the committed data: the generator is
// deterministic, so any difference means the data is stale or the packages
// differ from the versions in data/LICENSES.md. It skips when the packages
// are not installed (CI installs only Go) and in -short mode.
func TestGenerateReproduces(t *testing.T) {
	if testing.Short() {
		t.Skip("reads about 80 MB of dictionaries")
	}
	const dictDir = "/usr/share/dictd"
	for _, p := range []string{
		"/usr/share/hunspell/id_ID.dic", "/usr/share/mythes/th_id_ID_v2.dat",
		dictDir + "/freedict-eng-ind.index", dictDir + "/freedict-eng-deu.index", dictDir + "/freedict-deu-ind.index",
		dictDir + "/freedict-eng-nld.index", dictDir + "/freedict-nld-ind.index",
	} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("Debian package not installed: %v", err)
		}
	}
	out := t.TempDir()
	if err := run("/usr/share/hunspell/id_ID", dictDir, "eng-ind", "/usr/share/mythes/th_id_ID_v2.dat", out, []string{"deu", "nld"}, 2); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"roots.txt", "translate.txt", "synonyms.txt", "pivot.txt"} {
		got, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("..", "data", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("generated %s (%d bytes) differs from data/%s (%d bytes); run go generate ./retrieval/lexicon/", name, len(got), name, len(want))
		}
	}
}
