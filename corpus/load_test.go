package corpus

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

func TestDefault(t *testing.T) {
	docs := Default()
	if len(docs) != 1 {
		t.Fatalf("Default() has %d documents, want 1", len(docs))
	}
	d := docs[0]
	if d.ID != "korea-utara-rusia" || d.Lang != "id" || d.Title == "" || d.URL != "" {
		t.Errorf("Default() = id %q lang %q title %q url %q", d.ID, d.Lang, d.Title, d.URL)
	}
	if got := d.SentenceCount(); got != 17 {
		t.Errorf("SentenceCount() = %d, want 17", got)
	}
	s, ok := d.Sentence(8, 1)
	if !ok || !strings.HasPrefix(s.Text, "Parlemen Rusia meratifikasi") {
		t.Errorf("Sentence(8, 1) = %q, %v", s.Text, ok)
	}
}

func TestLoadFS(t *testing.T) {
	fsys := fstest.MapFS{
		"news/a.txt":        {Data: []byte("---\ntitle: Berita A\nurl: https://example.org/a\n---\nKorea Utara meratifikasi perjanjian itu pada hari Senin.\n")},
		"news/b.md":         {Data: []byte("# Judul B\n\nThe treaty was signed in June. It is in force.\n")},
		"news/c.jsonl":      {Data: []byte(`{"id":"c1","title":"C1","lang":"id","text":"Satu kalimat di sini."}` + "\n" + `not json` + "\n" + `{"id":"c2","text":""}` + "\n" + `{"id":"c3","title":"C3","text":"Another document, in English, with the words of the language."}` + "\n")},
		"news/d.pdf":        {Data: []byte("%PDF")},
		"news/e.txt":        {Data: []byte("binary\x00data")},
		"news/f.txt":        {Data: []byte("\xff\xfe bad utf8")},
		"news/g.txt":        {Data: []byte("---\ntitle: no end\n")},
		"news/h.txt":        {Data: []byte("Korea Utara meratifikasi perjanjian itu pada hari Senin.\n")},
		"news/.hidden.txt":  {Data: []byte("Tersembunyi.")},
		"news/empty.txt":    {Data: []byte("   \n\n")},
		"news/sub/deep.txt": {Data: []byte("Judul Dalam\n\nIsi berita yang dalam sekali.\n")},
	}
	docs, warns, err := LoadFS(fsys, "news")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	if got, want := strings.Join(ids, ","), "a,b,c1,c3,sub/deep"; got != want {
		t.Errorf("documents = %s, want %s", got, want)
	}
	byID := map[string]Document{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	if d := byID["a"]; d.Title != "Berita A" || d.URL != "https://example.org/a" || d.Lang != "id" {
		t.Errorf("a = %+v", d)
	}
	if d := byID["b"]; d.Lang != "en" || d.Paragraphs[0].Kind != Heading {
		t.Errorf("b: lang %q, first paragraph %s", d.Lang, d.Paragraphs[0].Kind)
	}
	if d := byID["sub/deep"]; d.Title != "Judul Dalam" {
		t.Errorf("sub/deep title = %q, want the first line", d.Title)
	}
	wantWarn := map[string]string{
		"news/c.jsonl:2": "not a JSON object",
		"news/c.jsonl:3": `no "text"`,
		"news/d.pdf":     "not .txt, .md or .jsonl",
		"news/e.txt":     "binary",
		"news/f.txt":     "UTF-8",
		"news/g.txt":     "never closed",
		"news/h.txt":     "same text",
		"news/empty.txt": "no text",
	}
	got := map[string]string{}
	for _, w := range warns {
		key := w.Path
		if w.Line > 0 {
			key = w.Path + ":" + itoa(w.Line)
		}
		got[key] = w.Reason
	}
	for k, sub := range wantWarn {
		if !strings.Contains(got[k], sub) {
			t.Errorf("warning for %s = %q, want it to mention %q", k, got[k], sub)
		}
	}
	if len(warns) != len(wantWarn) {
		t.Errorf("got %d warnings, want %d: %v", len(warns), len(wantWarn), warns)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := Load(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(missing) error = %v, want ErrNotExist", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "x.pdf"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Load(dir); !errors.Is(err, ErrNoText) {
		t.Errorf("Load(no text) error = %v, want ErrNoText", err)
	}
	file := filepath.Join(dir, "one.txt")
	if err := os.WriteFile(file, []byte("Satu kalimat saja."), 0o644); err != nil {
		t.Fatal(err)
	}
	docs, _, err := Load(file)
	if err != nil || len(docs) != 1 || docs[0].ID != "one" {
		t.Errorf("Load(file) = %v, %v", docs, err)
	}
}

func FuzzSplitFrontMatter(f *testing.F) {
	f.Add("---\ntitle: A\nlang: id\n---\nBody.")
	f.Add("---\ntitle: \"quoted\"\n")
	f.Add("no front matter")
	f.Add("---\n---\n")
	f.Fuzz(func(t *testing.T, in string) {
		meta, body, err := SplitFrontMatter(in)
		if err != nil {
			return
		}
		if len(body) > len(in) {
			t.Fatalf("body longer than input")
		}
		_ = meta
	})
}

func FuzzLoadFS(f *testing.F) {
	f.Add([]byte(`{"id":"a","text":"Satu."}`+"\n"+`{`), []byte("---\ntitle: T\n---\nIsi. Lagi."))
	f.Add([]byte("\x00"), []byte("# H\n\n![alt](x)\n- a\n"))
	f.Fuzz(func(t *testing.T, jsonl, md []byte) {
		fsys := fstest.MapFS{"c/a.jsonl": {Data: jsonl}, "c/b.md": {Data: md}, "c/c.txt": {Data: md}}
		docs, _, err := LoadFS(fsys, "c")
		if err != nil && !errors.Is(err, ErrNoText) {
			t.Fatalf("LoadFS: %v", err)
		}
		for _, d := range docs {
			if d.ID == "" || len(d.Paragraphs) == 0 {
				t.Fatalf("document %+v has no id or no paragraphs", d)
			}
			for i, p := range d.Paragraphs {
				if p.N != i+1 || len(p.Sentences) == 0 {
					t.Fatalf("%s ¶%d numbered %d with %d sentences", d.ID, i+1, p.N, len(p.Sentences))
				}
			}
		}
	})
}
