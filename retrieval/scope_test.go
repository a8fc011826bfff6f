package retrieval

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"kutip/corpus"
)

func TestScopeContains(t *testing.T) {
	tests := []struct {
		folder, source string
		want           bool
	}{
		{"", "a.txt", true},
		{".", "news/a.txt", true},
		{"news", "news/a.txt", true},
		{"news", "news/2024/a.md", true},
		{"news/", "news/a.txt", true},
		{"./news", "news/a.txt", true},
		{"news", "news/a.jsonl:3", true},
		{"news", "newsletter/a.txt", false},
		{"news", "a.txt", false},
		{"news/2024", "news/a.txt", false},
		{"news/2024", "news/2024/b.txt", true},
		{"sports", "news/a.txt", false},
	}
	for _, tc := range tests {
		got := Scope{Folder: tc.folder}.Contains(corpus.Document{Source: tc.source})
		if got != tc.want {
			t.Errorf("Scope{%q}.Contains(source %q) = %v, want %v", tc.folder, tc.source, got, tc.want)
		}
	}
}

// scopeCorpus writes files (path below dir → text) and loads them as
// CORPUS_DIR would be.
func scopeCorpus(tb testing.TB, dir string, files map[string]string) []corpus.Document {
	tb.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	docs, _, err := corpus.Load(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return docs
}

var scopeFiles = map[string]string{
	"ships/ferry.txt":      "The ferry to the island sails at noon every day.\n\nIts ticket costs twelve euros.",
	"ships/barge.md":       "---\nid: cargo\n---\nThe barge carries coal down the river.",
	"trains/night.txt":     "The night train to Vienna leaves at ten in the evening.\n\nIts ticket costs ninety euros.",
	"trains/old/steam.txt": "The steam train runs on Sundays in summer.",
	"about.txt":            "This collection holds notes about travel.",
}

func TestAskIn(t *testing.T) {
	ix := mustBuild(t, scopeCorpus(t, t.TempDir(), scopeFiles))
	tests := []struct {
		folder, question string
		wantDoc          string // "" = not answered
	}{
		{"", "when does the ferry sail?", "ships/ferry"},
		{"ships", "when does the ferry sail?", "ships/ferry"},
		{"trains", "when does the ferry sail?", ""},
		{"trains", "when does the night train leave?", "trains/night"},
		{"ships", "when does the night train leave?", ""},
		{"ships", "what does the barge carry?", "cargo"},                 // ID from front matter, folder from the file
		{"trains", "when does the steam train run?", "trains/old/steam"}, // subfolders are in scope
		{"trains/old", "when does the night train leave?", ""},
		{"nowhere", "when does the ferry sail?", ""},
	}
	for _, tc := range tests {
		a, err := ix.AskIn(t.Context(), Scope{Folder: tc.folder}, tc.question)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if a.Answered && len(a.Passages) > 0 {
			got = a.Passages[0].Doc
		}
		if got != tc.wantDoc {
			t.Errorf("AskIn(%q, %q) answered from %q, want %q (passages %v)", tc.folder, tc.question, got, tc.wantDoc, a.Passages)
		}
		for _, p := range a.Passages { // "maybe related" passages too
			if d := docByID(t, ix, p.Doc); !(Scope{Folder: tc.folder}).Contains(d) {
				t.Errorf("AskIn(%q, %q) cites %s from %s, outside the scope", tc.folder, tc.question, p.Doc, d.Source)
			}
		}
	}
}

func docByID(tb testing.TB, ix *Index, id string) corpus.Document {
	tb.Helper()
	for _, d := range ix.Documents() {
		if d.ID == id {
			return d
		}
	}
	tb.Fatalf("no document %q", id)
	return corpus.Document{}
}

// TestSearchInFindsPastBetterMatches checks that the filter is applied in
// the search, not to its results: the scope's one matching sentence is
// found although more than maxCandidates sentences elsewhere match the
// question better, and it scores as it does unscoped.
func TestSearchInFindsPastBetterMatches(t *testing.T) {
	files := map[string]string{
		"lake/boat.txt": "A small boat crosses the lake.",
	}
	for i := range maxCandidates + 10 {
		files[fmt.Sprintf("sea/boat%02d.txt", i)] = fmt.Sprintf("The boat crosses the sea to harbour number %d.", i)
	}
	ix := mustBuild(t, scopeCorpus(t, t.TempDir(), files))
	const question = "boat crosses sea"
	whole, err := ix.Search(t.Context(), question, maxCandidates)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range whole.Passages {
		if p.Doc == "lake/boat" {
			t.Fatalf("unscoped search already finds the lake sentence; the test needs it crowded out: %v", whole.Passages)
		}
	}
	in, err := ix.SearchIn(t.Context(), Scope{Folder: "lake"}, question, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Passages) != 1 || in.Passages[0].Doc != "lake/boat" {
		t.Fatalf("SearchIn(lake) = %v, want the lake sentence", in.Passages)
	}

	// Same scores with and without a filter that lets everything through.
	sea, err := ix.SearchIn(t.Context(), Scope{Folder: "sea"}, question, maxCandidates)
	if err != nil {
		t.Fatal(err)
	}
	if len(sea.Passages) != len(whole.Passages) {
		t.Fatalf("SearchIn(sea) has %d passages, Search %d", len(sea.Passages), len(whole.Passages))
	}
	for i := range sea.Passages {
		if sea.Passages[i] != whole.Passages[i] {
			t.Errorf("passage %d: SearchIn(sea) = %+v, Search = %+v", i, sea.Passages[i], whole.Passages[i])
		}
	}
	if sea.Confidence != whole.Confidence || sea.Answered != whole.Answered {
		t.Errorf("SearchIn(sea) confidence %v answered %v, Search %v %v", sea.Confidence, sea.Answered, whole.Confidence, whole.Answered)
	}
}

// TestAskInCandidates checks that the candidates scored from the postings
// honour the scope as bleve's filtered query does.
func TestAskInCandidates(t *testing.T) {
	ix := mustBuild(t, scopeCorpus(t, t.TempDir(), scopeFiles))
	for _, from := range []string{"postings", "bleve"} {
		if from == "bleve" {
			withoutPostings(ix)
		}
		for _, tc := range []struct{ folder, wantDoc string }{{"ships", "ships/ferry"}, {"trains", ""}} {
			a, err := ix.AskIn(t.Context(), Scope{Folder: tc.folder}, "when does the ferry sail?")
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if a.Answered {
				got = a.Passages[0].Doc
			}
			if got != tc.wantDoc {
				t.Errorf("from %s, AskIn(%q) answered from %q, want %q", from, tc.folder, got, tc.wantDoc)
			}
		}
	}
}

func TestDocumentsIn(t *testing.T) {
	ix := mustBuild(t, scopeCorpus(t, t.TempDir(), scopeFiles))
	ids := func(docs []corpus.Document) []string {
		var out []string
		for _, d := range docs {
			out = append(out, d.ID)
		}
		return out
	}
	tests := []struct {
		folder string
		want   []string
	}{
		{"ships", []string{"cargo", "ships/ferry"}},
		{"trains", []string{"trains/night", "trains/old/steam"}},
		{"trains/old", []string{"trains/old/steam"}},
		{"nowhere", nil},
	}
	for _, tc := range tests {
		if got := ids(ix.DocumentsIn(Scope{Folder: tc.folder})); !slices.Equal(got, tc.want) {
			t.Errorf("DocumentsIn(%q) = %q, want %q", tc.folder, got, tc.want)
		}
	}
	if got, want := len(ix.DocumentsIn(Scope{})), len(ix.Documents()); got != want {
		t.Errorf("DocumentsIn(whole) has %d documents, want %d", got, want)
	}
}

func TestSummaryIn(t *testing.T) {
	files := map[string]string{
		"a/old.md": "---\npublished: 2024-01-01\n---\nThe old report covers the harbour.\n\nIt names three ships.",
		"a/new.md": "---\npublished: 2024-06-01\n---\nThe new report covers the station.\n\nIt names two trains.",
		"b/z.md":   "---\npublished: 2025-01-01\n---\nThe newest report of all covers the airport.\n\nIt names one plane.",
	}
	ix := mustBuild(t, scopeCorpus(t, t.TempDir(), files))
	tests := []struct {
		folder, doc string
		want        string // the summarised document; "" = ErrUnknownDocument
	}{
		{"", "", "b/z"},
		{"a", "", "a/new"},
		{"a", "a/old", "a/old"},
		{"a", "b/z", ""},
		{"b", "", "b/z"},
		{"c", "", ""},
	}
	for _, tc := range tests {
		s, err := ix.SummaryIn(t.Context(), Scope{Folder: tc.folder}, SummaryOptions{Doc: tc.doc})
		if tc.want == "" {
			if !errors.Is(err, ErrUnknownDocument) {
				t.Errorf("SummaryIn(%q, doc %q) error = %v, want ErrUnknownDocument", tc.folder, tc.doc, err)
			}
			continue
		}
		if err != nil || s.Doc != tc.want {
			t.Errorf("SummaryIn(%q, doc %q) = %q, %v; want %q", tc.folder, tc.doc, s.Doc, err, tc.want)
		}
	}
}

// TestLiveAskInReload checks hot reload: a file added to one folder is
// seen by that folder's scope only, and a document that moves folder
// with its ID keeps its scopes right.
func TestLiveAskInReload(t *testing.T) {
	dir := t.TempDir()
	ix := mustBuildLive(t, scopeCorpus(t, dir, scopeFiles))
	l := NewLive(ix)
	t.Cleanup(func() { l.Close() })
	opts := WatchOptions{Path: dir}
	answers := func(folder, question string) bool {
		t.Helper()
		a, err := l.AskIn(t.Context(), Scope{Folder: folder}, question)
		if err != nil {
			t.Fatal(err)
		}
		return a.Answered
	}
	const q = "when does the hovercraft depart?"
	if answers("ships", q) {
		t.Fatal("the hovercraft is answered before its file exists")
	}
	scopeCorpus(t, dir, map[string]string{"ships/hover.txt": "The hovercraft departs at dawn from pier four."})
	if rl := l.reload(t.Context(), opts); !rl.Swapped || rl.Err != nil {
		t.Fatalf("reload after adding a file: %+v", rl)
	}
	if !answers("ships", q) {
		t.Error("after reload, the ships scope does not answer from the new file")
	}
	if answers("trains", q) {
		t.Error("after reload, the trains scope answers from a file in ships")
	}
	if got := len(l.DocumentsIn(Scope{Folder: "ships"})); got != 3 {
		t.Errorf("DocumentsIn(ships) after reload has %d documents, want 3", got)
	}

	// The barge's ID comes from its front matter: moving it to trains
	// leaves the index as it was, but not its scope.
	if err := os.Rename(filepath.Join(dir, "ships", "barge.md"), filepath.Join(dir, "trains", "barge.md")); err != nil {
		t.Fatal(err)
	}
	if rl := l.reload(t.Context(), opts); !rl.Swapped || rl.Err != nil {
		t.Fatalf("reload after moving a file: %+v", rl)
	}
	const barge = "what does the barge carry?"
	if answers("ships", barge) || !answers("trains", barge) {
		t.Errorf("after moving the barge to trains: ships answers %v, trains %v; want false, true", answers("ships", barge), answers("trains", barge))
	}
}

// mustBuildLive is mustBuild for an index a Live takes over (and closes).
func mustBuildLive(tb testing.TB, docs []corpus.Document) *Index {
	tb.Helper()
	ix, err := Build(tb.Context(), docs, Options{})
	if err != nil {
		tb.Fatalf("Build: %v", err)
	}
	return ix
}

func TestScopeString(t *testing.T) {
	for in, want := range map[string]string{"": ".", ".": ".", "./": ".", "news/": "news", " news//2024 ": "news/2024", "/news": "news"} {
		if got := (Scope{Folder: in}).String(); got != want {
			t.Errorf("Scope{%q}.String() = %q, want %q", in, got, want)
		}
	}
}

func TestAskFollowUpIn(t *testing.T) {
	ix := mustBuild(t, scopeCorpus(t, t.TempDir(), scopeFiles))
	const previous = "when does the night train leave?"
	tests := []struct {
		folder, question, wantDoc string
	}{
		{"trains", "how much is its ticket?", "trains/night"},
		{"ships", "how much is its ticket?", ""}, // the night train's ticket is in trains only
		{"nowhere", "how much is its ticket?", ""},
	}
	for _, tc := range tests {
		a, err := ix.AskFollowUpIn(t.Context(), Scope{Folder: tc.folder}, previous, tc.question)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if a.Answered && len(a.Passages) > 0 {
			got = a.Passages[0].Doc
		}
		if got != tc.wantDoc {
			t.Errorf("AskFollowUpIn(%q, %q after %q) answered from %q, want %q", tc.folder, tc.question, previous, got, tc.wantDoc)
		}
		for _, p := range a.Passages {
			if d := docByID(t, ix, p.Doc); !(Scope{Folder: tc.folder}).Contains(d) {
				t.Errorf("AskFollowUpIn(%q) cites %s from %s, outside the scope", tc.folder, p.Doc, d.Source)
			}
		}
	}
	// The whole corpus answers as AskFollowUp does.
	want, err := ix.AskFollowUp(t.Context(), previous, "how much is its ticket?")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ix.AskFollowUpIn(t.Context(), Scope{}, previous, "how much is its ticket?")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Passages, want.Passages) || got.Answered != want.Answered {
		t.Errorf("AskFollowUpIn(whole) = %v, AskFollowUp = %v", got.Passages, want.Passages)
	}

	// Paging: with no previous question it is AskTopIn; with one, more
	// passages of the same reading, still in scope.
	for _, prev := range []string{"", previous} {
		got, err := ix.AskTopFollowUpIn(t.Context(), Scope{Folder: "trains"}, prev, "how much is its ticket?", 4)
		if err != nil {
			t.Fatal(err)
		}
		if prev == "" {
			want, err := ix.AskTopIn(t.Context(), Scope{Folder: "trains"}, "how much is its ticket?", 4)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Passages, want.Passages) {
				t.Errorf("AskTopFollowUpIn(no previous) = %v, AskTopIn = %v", got.Passages, want.Passages)
			}
		}
		for _, p := range got.Passages {
			if !strings.HasPrefix(p.Doc, "trains/") {
				t.Errorf("AskTopFollowUpIn(trains, previous %q) cites %s", prev, p.Doc)
			}
		}
	}
}

// scopeBench is the facqa corpus (1,330 documents) spread over folders
// h0/f0…h0/f4 and h1/f5…h1/f9 in blocks of 133, as ten channels' folders
// in two categories' would hold it, with its dev questions and the folder
// of each question's gold document.
func scopeBench(tb testing.TB) (docs []corpus.Document, questions []string, folders []string) {
	tb.Helper()
	docs, _, err := corpus.Load(filepath.Join(evalTestdata, "facqa/corpus.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	folderOf := map[string]string{}
	for i := range docs {
		f := fmt.Sprintf("h%d/f%d", i*2/len(docs), i*10/len(docs))
		docs[i].Source = f + "/corpus.jsonl:" + fmt.Sprint(i+1)
		folderOf[docs[i].ID] = f
	}
	data, err := os.ReadFile(filepath.Join(evalTestdata, "facqa/dev.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		var q struct{ Question, Doc string }
		if json.Unmarshal([]byte(line), &q) == nil && q.Question != "" {
			questions, folders = append(questions, q.Question), append(folders, folderOf[q.Doc])
		}
	}
	return docs, questions, folders
}

// BenchmarkAskIn times a question on the whole corpus against the same
// question scoped to its gold document's folder (a tenth of the corpus)
// and to that folder's parent (half the corpus), on one index.
func BenchmarkAskIn(b *testing.B) {
	docs, qs, folders := scopeBench(b)
	ix, err := Build(b.Context(), docs, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	for _, mode := range []string{"whole", "tenth", "half"} {
		b.Run(mode, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				for i, q := range qs {
					var err error
					switch mode {
					case "whole":
						_, err = ix.Ask(b.Context(), q)
					case "tenth":
						_, err = ix.AskIn(b.Context(), Scope{Folder: folders[i]}, q)
					case "half":
						_, err = ix.AskIn(b.Context(), Scope{Folder: path.Dir(folders[i])}, q)
					}
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/q")
		})
	}
}

// BenchmarkScopeMemory compares the heap of one index serving every
// scope with that of one index per folder beside it (the whole corpus's
// index is needed anyway, for channels without a folder and the command
// line).
func BenchmarkScopeMemory(b *testing.B) {
	docs, _, _ := scopeBench(b)
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	for b.Loop() {
		before := heap()
		whole, err := Build(b.Context(), docs, Options{})
		if err != nil {
			b.Fatal(err)
		}
		afterWhole := heap()
		var parts []*Index
		for f := range 10 {
			var in []corpus.Document
			for _, d := range docs {
				if (Scope{Folder: fmt.Sprintf("h%d/f%d", f/5, f)}).Contains(d) {
					in = append(in, d)
				}
			}
			ix, err := Build(b.Context(), in, Options{})
			if err != nil {
				b.Fatal(err)
			}
			parts = append(parts, ix)
		}
		afterParts := heap()
		b.ReportMetric(float64(afterWhole-before)/(1<<20), "one-index-MB")
		b.ReportMetric(float64(afterParts-afterWhole)/(1<<20), "per-folder-extra-MB")
		whole.Close()
		for _, ix := range parts {
			ix.Close()
		}
	}
}

func TestDocFolders(t *testing.T) {
	for source, want := range map[string][]string{
		"a.txt":                nil,
		"news/a.txt":           {"news"},
		"news/2024/q1/a.md":    {"news", "news/2024", "news/2024/q1"},
		"news/a.jsonl:12":      {"news"},
		"":                     nil,
		"/abs/a.txt":           nil,
		"Annual Reports/x.txt": {"Annual Reports"},
	} {
		if got := docFolders(corpus.Document{Source: source}); !slices.Equal(got, want) {
			t.Errorf("docFolders(source %q) = %q, want %q", source, got, want)
		}
	}
}

// TestAskInConcurrent asks in several scopes at once, for the race
// detector's sake: the scopes' filters are resolved once and shared.
func TestAskInConcurrent(t *testing.T) {
	ix := mustBuild(t, scopeCorpus(t, t.TempDir(), scopeFiles))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			folder := []string{"ships", "trains", "trains/old", "nowhere"}[i%4]
			for range 20 {
				a, err := ix.AskIn(t.Context(), Scope{Folder: folder}, "when does the ferry sail?")
				if err != nil {
					t.Error(err)
					return
				}
				if a.Answered != (folder == "ships") {
					t.Errorf("AskIn(%q) answered %v", folder, a.Answered)
					return
				}
			}
		})
	}
	wg.Wait()
}
