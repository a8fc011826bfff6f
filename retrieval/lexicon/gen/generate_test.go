//go:build !race

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestGenerateReproduces runs the generator on the installed Debian packages
// and compares its output with the committed data: the generator is
// deterministic, so any difference means the data is stale or the packages
// differ from the versions in data/LICENSES.md. It skips when the packages
// are not installed (CI installs only Go) and in -short mode. The file builds
// only without -race: the race detector makes the test take minutes and has
// nothing to find in the single-goroutine generator.
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
