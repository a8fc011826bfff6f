package corpus_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"kutip/corpus"
	"kutip/retrieval"
)

// The files of a corpus folder with every kind of bad file next to good
// ones. Good files must load; each bad one must be skipped with one warning
// naming it and saying why.

const goodArticle = `---
title: Korea Utara meratifikasi pakta pertahanan
lang: id
---
Korea Utara telah meratifikasi perjanjian pertahanan bersama dengan Rusia, kata kantor berita KCNA pada hari Selasa.

Parlemen Rusia meratifikasi perjanjian tersebut pada 6 November.
`

// crlfArticle is a good document saved with Windows line endings.
var crlfArticle = strings.ReplaceAll(`---
title: Banjir di Jakarta
---
Banjir merendam ribuan rumah di Jakarta Utara setelah hujan deras sepanjang malam.

Pemerintah kota membuka dua belas posko pengungsian, kata juru bicara.
`, "\n", "\r\n")

const goodJSONL = `{"id":"reef","title":"Coral reef","lang":"en","text":"The reef lost half of its coral during the heatwave of 2016."}
{"id":"broken","title":"Missing brace","text":"never closed"
{"id":"volcano","title":"Gunung","text":"Gunung Merapi meletus lagi pada hari Minggu pagi."}
`

// badFile is a file that must be skipped, and a word its warning must use.
type badFile struct {
	name   string // path below the corpus folder
	reason string
}

// writeBadCorpus fills dir with good and bad files and returns the bad ones.
func writeBadCorpus(t *testing.T, dir string) []badFile {
	t.Helper()
	write := func(name string, data []byte) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, name string) {
		t.Helper()
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}

	write("treaty.txt", []byte(goodArticle))
	write("news/flood.txt", []byte(crlfArticle))
	write("news/feed.jsonl", []byte(goodJSONL))
	write("notes.md", []byte("# Catatan\n\nPresiden meresmikan **jembatan** baru di [Kalimantan](https://example.org) pada hari Jumat.\n"))
	// A JSON Lines file with a byte-order mark, as Windows editors save.
	write("bom.jsonl", []byte("\ufeff"+`{"id":"bom","text":"Harga beras naik sepuluh persen di pasar induk."}`+"\n"))

	bad := []badFile{
		{"empty.txt", "no text"},
		{"blank.md", "no text"},
		{"image.txt", "binary"},
		{"latin1.txt", "UTF-8"},
		{"unclosed.md", "never closed"},
		{"badkey.txt", "not \"key: value\""},
		{"z-copy.txt", "same text"},
		{"array.jsonl", "JSON array"},
		{"report.pdf", "not .txt, .md or .jsonl"},
		{"fifo.txt", "not a regular file"},
		{"zero.txt", "not a regular file"},
		{"null.md", "not a regular file"},
		{"dir.txt", "not a regular file"},
		{"dangling.txt", "cannot read"},
		{"loop.txt", "cannot read"},
	}
	write("empty.txt", nil)
	write("blank.md", []byte(" \r\n\t\n\u200b\n"))
	write("image.txt", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	write("latin1.txt", []byte("Caf\xe9 au lait co\xfbte deux euros."))
	write("unclosed.md", []byte("---\ntitle: Tanpa penutup\nurl: https://example.org/x\n"))
	write("badkey.txt", []byte("---\ntitle: Rusak\nthis line has no colon\n---\nIsi berita.\n"))
	write("z-copy.txt", []byte(goodArticle))
	write("array.jsonl", []byte("[\n  {\"id\": \"a\", \"text\": \"Satu.\"},\n  {\"id\": \"b\", \"text\": \"Dua.\"}\n]\n"))
	write("report.pdf", []byte("%PDF-1.7"))
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Devices: reading /dev/zero never ends, reading /dev/null gives nothing.
	link("/dev/zero", "zero.txt")
	link("/dev/null", "null.md")
	link(filepath.Join(dir, "news"), "dir.txt")
	link(filepath.Join(dir, "gone.txt"), "dangling.txt")
	link("loop.txt", "loop.txt")
	return bad
}

// loadWithin runs corpus.Load and fails the test if it has not returned
// after d: a FIFO or a device read would block or never end.
func loadWithin(t *testing.T, path string, d time.Duration) ([]corpus.Document, []corpus.Warning, error) {
	t.Helper()
	type result struct {
		docs  []corpus.Document
		warns []corpus.Warning
		err   error
	}
	done := make(chan result, 1)
	go func() {
		docs, warns, err := corpus.Load(path)
		done <- result{docs, warns, err}
	}()
	select {
	case r := <-done:
		return r.docs, r.warns, r.err
	case <-time.After(d):
		t.Fatalf("Load(%s) has not returned after %v: it is blocked on a file", path, d)
		return nil, nil, nil
	}
}

func TestLoadBadCorpus(t *testing.T) {
	dir := t.TempDir()
	bad := writeBadCorpus(t, dir)

	docs, warns, err := loadWithin(t, dir, time.Minute)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	var ids []string
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	if got, want := strings.Join(ids, " "), "bom reef volcano news/flood notes treaty"; got != want {
		t.Errorf("documents = %s, want %s", got, want)
	}

	// One warning per bad file, naming it; the .jsonl's bad line names the
	// line.
	byPath := map[string][]corpus.Warning{}
	for _, w := range warns {
		byPath[w.Path] = append(byPath[w.Path], w)
	}
	for _, b := range bad {
		ws := byPath[b.name]
		if len(ws) != 1 {
			t.Errorf("%s: got %d warnings %v, want 1", b.name, len(ws), ws)
			continue
		}
		if s := ws[0].String(); !strings.HasPrefix(s, b.name+": ") || !strings.Contains(s, b.reason) {
			t.Errorf("%s: warning %q, want it to name the file and say %q", b.name, s, b.reason)
		}
		delete(byPath, b.name)
	}
	if ws := byPath["news/feed.jsonl"]; len(ws) != 1 || ws[0].Line != 2 || !strings.Contains(ws[0].Reason, "not a JSON object") {
		t.Errorf("news/feed.jsonl: warnings %v, want one for line 2", ws)
	}
	delete(byPath, "news/feed.jsonl")
	for p, ws := range byPath {
		t.Errorf("unexpected warnings for %s: %v", p, ws)
	}

	// CRLF: no carriage return survives, and paragraphs are found.
	for _, d := range docs {
		if d.ID != "news/flood" {
			continue
		}
		if d.Title != "Banjir di Jakarta" || len(d.Paragraphs) != 2 {
			t.Errorf("news/flood: title %q, %d paragraphs; want the front matter title and 2", d.Title, len(d.Paragraphs))
		}
		for _, p := range d.Paragraphs {
			if strings.ContainsAny(p.Text, "\r\n") {
				t.Errorf("news/flood ¶%d keeps a line break: %q", p.N, p.Text)
			}
		}
	}
}

// The good documents of a bad corpus answer questions.
func TestBadCorpusAnswers(t *testing.T) {
	dir := t.TempDir()
	writeBadCorpus(t, dir)
	docs, _, err := loadWithin(t, dir, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := retrieval.Build(t.Context(), docs, retrieval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	tests := []struct {
		question, doc, contains string
	}{
		{"when did Russia ratify?", "treaty", "6 November"},
		{"berapa posko pengungsian dibuka?", "news/flood", "dua belas posko"},
		{"how much coral did the reef lose?", "reef", "half of its coral"},
		{"kapan Gunung Merapi meletus?", "volcano", "hari Minggu"},
		{"harga beras naik berapa persen?", "bom", "sepuluh persen"},
	}
	for _, tc := range tests {
		a, err := ix.Ask(t.Context(), tc.question)
		if err != nil {
			t.Fatalf("Ask(%q): %v", tc.question, err)
		}
		if !a.Answered || len(a.Passages) == 0 {
			t.Errorf("Ask(%q) did not answer", tc.question)
			continue
		}
		if p := a.Passages[0]; p.Doc != tc.doc || !strings.Contains(p.Text, tc.contains) {
			t.Errorf("Ask(%q) = %s %q, want %s saying %q", tc.question, p.Doc, p.Text, tc.doc, tc.contains)
		}
	}
}

// A corpus of nothing but bad files is an error, not an empty bot, and
// still names every file.
func TestLoadNoUsableText(t *testing.T) {
	dir := t.TempDir()
	bad := writeBadCorpus(t, dir)
	for _, name := range []string{"treaty.txt", "news", "notes.md", "bom.jsonl", "z-copy.txt"} {
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	_, warns, err := loadWithin(t, dir, time.Minute)
	if !errors.Is(err, corpus.ErrNoText) {
		t.Fatalf("Load(only bad files) error = %v, want ErrNoText", err)
	}
	// z-copy.txt and the good files are gone; every other bad file remains.
	if got, want := len(warns), len(bad)-1; got != want {
		t.Errorf("got %d warnings, want %d: %v", got, want, warns)
	}

	// Pointing the corpus straight at a FIFO or a device fails the same way,
	// without blocking.
	for _, name := range []string{"fifo.txt", "zero.txt", "null.md"} {
		_, warns, err := loadWithin(t, filepath.Join(dir, name), time.Minute)
		if !errors.Is(err, corpus.ErrNoText) || len(warns) != 1 {
			t.Errorf("Load(%s) = %v, %v; want ErrNoText and one warning", name, warns, err)
		}
	}
}

// A .jsonl that is not JSON Lines at all gets a few warnings, not one per
// line.
func TestLoadGarbageJSONL(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for range 1000 {
		b.WriteString("this is not json\n")
	}
	b.WriteString(`{"id":"last","text":"Satu-satunya baris yang baik."}` + "\n")
	if err := os.WriteFile(filepath.Join(dir, "garbage.jsonl"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	docs, warns, err := corpus.Load(dir)
	if err != nil || len(docs) != 1 || docs[0].ID != "last" {
		t.Fatalf("Load = %v, %v; want the one good line", docs, err)
	}
	if len(warns) != 6 || !strings.Contains(warns[5].String(), "995 more malformed lines") {
		t.Errorf("warnings = %v, want 5 lines and one count of the other 995", warns)
	}
}

// longParagraph returns about n bytes of news prose with no blank line: one
// paragraph of many sentences, each different enough to be indexed.
func longParagraph(n int) string {
	var b strings.Builder
	b.Grow(n + 200)
	for i := 0; b.Len() < n; i++ {
		b.WriteString("Pada hari ke-")
		b.WriteString(strconv.Itoa(i))
		b.WriteString(" Dr. Kim dari Pyongyang mengatakan bahwa 11.000 tentara telah dikerahkan ke wilayah Kursk, ")
		b.WriteString("menurut laporan No. ")
		b.WriteString(strconv.Itoa(i * 7))
		b.WriteString(" yang dikutip kantor berita KCNA. ")
	}
	return b.String()
}

// A 10 MB single-paragraph file loads, splits and indexes in seconds, and
// so does a file of unpunctuated lower-case lines (one long run for the
// paragraph repair to join, which used to take quadratic time). The figures
// are logged, not asserted. The suite runs it on 256 KB; KUTIP_LOAD=1 runs
// the full 10 MB (about a minute on two cores).
func TestLoadHugeParagraph(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes a large file; skipped with -short")
	}
	size := 256 << 10
	if os.Getenv("KUTIP_LOAD") == "1" {
		size = 10 << 20
	}
	shapes := []struct {
		name, text string
	}{
		{"prose.txt", longParagraph(size)},
		{"lines.txt", strings.Repeat("kata demi kata tanpa tanda baca sama sekali\n", size/44)},
		{"lines.md", strings.Repeat("kata demi *kata* tanpa [tanda](x) baca sama sekali\n", size/51)},
	}
	for _, sh := range shapes {
		t.Run(sh.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, sh.name), []byte(sh.text), 0o644); err != nil {
				t.Fatal(err)
			}
			runtime.GC()
			start := time.Now()
			docs, warns, err := loadWithin(t, dir, 5*time.Minute)
			if err != nil || len(warns) > 0 {
				t.Fatalf("Load = %v, %v", warns, err)
			}
			loaded := time.Since(start)
			if n := len(docs[0].Paragraphs); n != 1 {
				t.Errorf("%d paragraphs, want 1", n)
			}
			start = time.Now()
			ix, err := retrieval.Build(context.Background(), docs, retrieval.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			built := time.Since(start)
			start = time.Now()
			a, err := ix.Ask(t.Context(), "berapa tentara dikerahkan ke Kursk?")
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %.1f MB, %d sentences: load+split %v, build %v, one question %v (answered %v)",
				sh.name, float64(len(sh.text))/(1<<20), ix.SentenceCount(), loaded.Round(time.Millisecond),
				built.Round(time.Millisecond), time.Since(start).Round(time.Microsecond), a.Answered)
		})
	}
}
