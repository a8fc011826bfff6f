package retrieval

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"kutip/corpus"
)

// storeDoc is a one-document corpus for the store tests.
func storeDoc(id, text string) []corpus.Document {
	return []corpus.Document{{ID: id, Title: id, Lang: "en", Paragraphs: corpus.Paragraphs(text)}}
}

const storeText = `The bridge over the river was opened on 3 March 2021 by the mayor.

It cost 40 million euros and carries four thousand cars a day.`

func buildIn(tb testing.TB, docs []corpus.Document, dir string) *Index {
	tb.Helper()
	ix, err := Build(tb.Context(), docs, Options{Dir: dir})
	if err != nil {
		tb.Fatalf("Build: %v", err)
	}
	tb.Cleanup(func() { ix.Close() })
	return ix
}

// askTop returns the text of the best passage for q.
func askTop(tb testing.TB, ix interface {
	Ask(context.Context, string) (Answer, error)
}, q string) string {
	tb.Helper()
	a, err := ix.Ask(tb.Context(), q)
	if err != nil {
		tb.Fatalf("Ask(%q): %v", q, err)
	}
	if len(a.Passages) == 0 {
		return ""
	}
	return a.Passages[0].Text
}

// indexDirs lists the entries of an index folder.
func indexDirs(tb testing.TB, dir string) []string {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestStoreReuse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index") // Build creates it
	docs := storeDoc("bridge", storeText)

	first := buildIn(t, docs, dir)
	if s := first.Store(); s.Reused || s.Repaired != nil || s.Path == "" {
		t.Fatalf("first Build: Store() = %+v, want a new index on disk", s)
	}
	want := askTop(t, first, "euros")
	if !strings.Contains(want, "40 million") {
		t.Fatalf("first answer = %q, want the sentence about the cost", want)
	}

	// A second process (or a restart) opens the same index, even while
	// the first still has it open.
	second := buildIn(t, storeDoc("bridge", storeText), dir)
	if s := second.Store(); !s.Reused || s.Repaired != nil || s.Path != first.Store().Path {
		t.Fatalf("second Build: Store() = %+v, want the first index reused", s)
	}
	if got := askTop(t, second, "euros"); got != want {
		t.Errorf("reused index answers %q, want %q", got, want)
	}
	if got := indexDirs(t, dir); len(got) != 1 {
		t.Errorf("index folder holds %q, want one index", got)
	}
}

func TestStoreCorpusChange(t *testing.T) {
	dir := t.TempDir()
	old := buildIn(t, storeDoc("bridge", storeText), dir)
	changed := buildIn(t, storeDoc("bridge", storeText+"\n\nA second bridge is planned for 2030."), dir)
	if s := changed.Store(); s.Reused || s.Path == old.Store().Path {
		t.Fatalf("Build of a changed corpus: Store() = %+v, want a new index beside %s", s, old.Store().Path)
	}
	// The old index is gone from the folder but still answers from its
	// open files until it is closed (this is what hot reload relies on).
	if got := indexDirs(t, dir); len(got) != 1 || got[0] != filepath.Base(changed.Store().Path) {
		t.Errorf("index folder holds %q, want only %s", got, filepath.Base(changed.Store().Path))
	}
	if got := askTop(t, old, "mayor opened"); !strings.Contains(got, "3 March 2021") {
		t.Errorf("old index after its folder was removed answers %q", got)
	}
	if got := askTop(t, changed, "when is a second bridge planned?"); !strings.Contains(got, "2030") {
		t.Errorf("new index answers %q", got)
	}
}

// TestStoreRepair damages an index on disk in the ways a crash, a full disk
// or a stray edit would, and checks that Build notices, says why, and
// rebuilds a working index.
func TestStoreRepair(t *testing.T) {
	tests := []struct {
		name    string
		damage  func(t *testing.T, path string)
		wantErr string
	}{
		{"no manifest", func(t *testing.T, path string) {
			mustRemove(t, filepath.Join(path, manifestFile))
		}, "no manifest"},
		{"garbled manifest", func(t *testing.T, path string) {
			mustWrite(t, filepath.Join(path, manifestFile), `{"format": 1, "fingerp`)
		}, "garbled manifest"},
		{"manifest of another corpus", func(t *testing.T, path string) {
			mustWrite(t, filepath.Join(path, manifestFile), `{"format": 1, "fingerprint": "00", "sentences": 3}`)
		}, "does not match"},
		{"no bleve index", func(t *testing.T, path string) {
			mustRemove(t, filepath.Join(path, "bleve"))
		}, "is missing"},
		{"no root.bolt", func(t *testing.T, path string) {
			mustRemove(t, filepath.Join(path, "bleve", "store", "root.bolt"))
		}, ""},
		{"zeroed segments", func(t *testing.T, path string) {
			segs, _ := filepath.Glob(filepath.Join(path, "bleve", "store", "*.zap"))
			if len(segs) == 0 {
				t.Fatal("no segment files to damage")
			}
			for _, s := range segs {
				info, err := os.Stat(s)
				if err != nil {
					t.Fatal(err)
				}
				mustWrite(t, s, strings.Repeat("\x00", int(info.Size())))
			}
		}, ""},
		{"truncated segments", func(t *testing.T, path string) {
			segs, _ := filepath.Glob(filepath.Join(path, "bleve", "store", "*.zap"))
			for _, s := range segs {
				if err := os.Truncate(s, 10); err != nil {
					t.Fatal(err)
				}
			}
		}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ix, err := Build(t.Context(), storeDoc("bridge", storeText), Options{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			path := ix.Store().Path
			ix.Close()
			tc.damage(t, path)

			ix = buildIn(t, storeDoc("bridge", storeText), dir)
			s := ix.Store()
			// ix stays open: a second process may share a repaired index.
			if s.Reused || s.Repaired == nil {
				t.Fatalf("Build over a damaged index: Store() = %+v, want it repaired", s)
			}
			if !strings.Contains(s.Repaired.Error(), tc.wantErr) {
				t.Errorf("Repaired = %q, want it to mention %q", s.Repaired, tc.wantErr)
			}
			if got := askTop(t, ix, "euros"); !strings.Contains(got, "40 million") {
				t.Errorf("repaired index answers %q", got)
			}
			if again := buildIn(t, storeDoc("bridge", storeText), dir); !again.Store().Reused {
				t.Errorf("the repaired index is not reused: %+v", again.Store())
			}
		})
	}
}

func mustRemove(tb testing.TB, path string) {
	tb.Helper()
	if err := os.RemoveAll(path); err != nil {
		tb.Fatal(err)
	}
}

func mustWrite(tb testing.TB, path, data string) {
	tb.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func TestStorePrune(t *testing.T) {
	dir := t.TempDir()
	staleBuildDir := filepath.Join(dir, buildPrefix+"crashed")
	freshBuildDir := filepath.Join(dir, buildPrefix+"running")
	otherIndex := filepath.Join(dir, strings.Repeat("ab", 16))
	legacy := filepath.Join(dir, "current")
	for _, d := range []string{staleBuildDir, freshBuildDir, filepath.Join(otherIndex, "bleve"), legacy} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mustWrite(t, filepath.Join(legacy, "kutip-fingerprint"), "x\n")
	mustWrite(t, filepath.Join(dir, "notes.txt"), "the operator's own file")
	if err := os.MkdirAll(filepath.Join(dir, "backup"), 0o755); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * staleBuild)
	if err := os.Chtimes(staleBuildDir, old, old); err != nil {
		t.Fatal(err)
	}
	unlock, err := lockFolder(freshBuildDir) // a build in progress
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()

	ix := buildIn(t, storeDoc("bridge", storeText), dir)
	got := strings.Join(indexDirs(t, dir), " ")
	names := []string{buildPrefix + "running", filepath.Base(ix.Store().Path), "backup", "notes.txt"}
	slices.Sort(names)
	want := strings.Join(names, " ")
	if got != want {
		t.Errorf("after Build the folder holds %q, want %q", got, want)
	}
}

func TestStoreCanceledBuildLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var docs []corpus.Document
	for i := range 3 {
		// More than one batch, so that the build checks ctx.
		text := strings.Repeat("The river carries boats to the sea every day. ", 800)
		docs = append(docs, corpus.Document{ID: string(rune('a' + i)), Title: "t", Lang: "en", Paragraphs: corpus.Paragraphs(text)})
	}
	_, err := Build(ctx, docs, Options{Dir: dir})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Build with a canceled ctx: %v, want context.Canceled", err)
	}
	if got := indexDirs(t, dir); len(got) != 0 {
		t.Errorf("a canceled build left %q", got)
	}
}

func TestStoreReadOnlyFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores folder permissions")
	}
	dir := t.TempDir()
	ix, err := Build(t.Context(), storeDoc("bridge", storeText), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	if s := buildIn(t, storeDoc("bridge", storeText), dir).Store(); !s.Reused {
		t.Errorf("Build in a read-only folder: Store() = %+v, want the index reused", s)
	}
}

func TestFingerprint(t *testing.T) {
	base := func() []corpus.Document { return storeDoc("bridge", storeText) }
	want := fingerprint(base())
	if got := fingerprint(base()); got != want {
		t.Fatalf("fingerprint of the same corpus differs: %s, %s", got, want)
	}
	tests := []struct {
		name   string
		change func(d []corpus.Document) []corpus.Document
	}{
		{"id", func(d []corpus.Document) []corpus.Document { d[0].ID = "other"; return d }},
		{"title", func(d []corpus.Document) []corpus.Document { d[0].Title = "Other"; return d }},
		{"lang", func(d []corpus.Document) []corpus.Document { d[0].Lang = "id"; return d }},
		{"kind", func(d []corpus.Document) []corpus.Document { d[0].Paragraphs[0].Kind = corpus.Caption; return d }},
		{"sentence", func(d []corpus.Document) []corpus.Document {
			d[0].Paragraphs[1].Sentences[0].Text += "!"
			return d
		}},
		{"text moved between sentences", func(d []corpus.Document) []corpus.Document {
			s := d[0].Paragraphs[0].Sentences
			d[0].Paragraphs[0].Sentences = []corpus.Sentence{{Text: s[0].Text[:10]}, {Text: s[0].Text[10:]}}
			return d
		}},
		{"paragraph split", func(d []corpus.Document) []corpus.Document {
			p := d[0].Paragraphs
			d[0].Paragraphs = []corpus.Paragraph{{Kind: p[0].Kind, Sentences: append(p[0].Sentences, p[1].Sentences...)}}
			return d
		}},
		{"another document", func(d []corpus.Document) []corpus.Document {
			return append(d, storeDoc("b", "Boats.")...)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := fingerprint(tc.change(base())); got == want {
				t.Errorf("fingerprint did not change")
			}
		})
	}
}

// TestStoreUnwritable checks that an index folder that cannot hold the
// index makes Build answer from memory, saying why, instead of failing.
func TestStoreUnwritable(t *testing.T) {
	tests := []struct {
		name   string
		dir    func(t *testing.T) string
		asRoot bool // whether the case holds for root too
	}{
		{"a file, not a folder", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "index")
			mustWrite(t, p, "not a folder")
			return p
		}, true},
		{"below a file", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "file")
			mustWrite(t, p, "not a folder")
			return filepath.Join(p, "index")
		}, true},
		{"a read-only folder", func(t *testing.T) string {
			p := t.TempDir()
			if err := os.Chmod(p, 0o555); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(p, 0o755) })
			return p
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.asRoot && os.Geteuid() == 0 {
				t.Skip("root ignores folder permissions")
			}
			ix := buildIn(t, storeDoc("bridge", storeText), tc.dir(t))
			s := ix.Store()
			if s.Unwritable == nil || !strings.Contains(s.Unwritable.Error(), "INDEX_DIR") || s.Path != "" || s.Reused {
				t.Errorf("Store() = %+v, want an in-memory index and why INDEX_DIR was not used", s)
			}
			if got := askTop(t, ix, "euros"); !strings.Contains(got, "40 million") {
				t.Errorf("the in-memory index answers %q", got)
			}
		})
	}
}
