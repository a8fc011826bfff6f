package corpus

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// MaxFileSize is the largest corpus file read; larger ones are skipped with a
// warning.
const MaxFileSize = 64 << 20

// ErrNoText means a corpus held no usable text at all.
var ErrNoText = errors.New("no usable text")

// Warning is a problem with one file (or one line of it) that was skipped
// while the rest of the corpus loaded.
type Warning struct {
	Path   string
	Line   int // 0 when it concerns the whole file
	Reason string
}

func (w Warning) String() string {
	if w.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", w.Path, w.Line, w.Reason)
	}
	return fmt.Sprintf("%s: %s", w.Path, w.Reason)
}

//go:embed default/*.txt
var defaultFS embed.FS

// Default returns the embedded default article, so that kutip answers with
// no files at all.
func Default() []Document {
	docs, warns, err := LoadFS(defaultFS, "default")
	if err != nil || len(warns) > 0 {
		// The embedded file is part of the program; a test guards it.
		panic(fmt.Sprintf("embedded corpus: %v %v", err, warns))
	}
	return docs
}

// Load reads a corpus from a file or a folder (recursively): .txt and .md
// files (optional front matter with title, url, lang, published) and .jsonl
// files (one document per line with id, title, url, lang, text). Other files
// are skipped with a warning, as are unreadable, binary or malformed ones and
// duplicates. It fails when the path does not exist or when nothing usable is
// left (wrapping ErrNoText).
func Load(path string) ([]Document, []Warning, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if info.IsDir() {
		return LoadFS(os.DirFS(path), ".")
	}
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	return LoadFS(os.DirFS(dir), name)
}

// LoadFS is Load on a file system: root names a file or a folder in fsys.
func LoadFS(fsys fs.FS, root string) ([]Document, []Warning, error) {
	l := loader{fsys: fsys, ids: map[string]string{}, texts: map[string]string{}}
	err := fs.WalkDir(fsys, root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == root {
				return err
			}
			l.warn(path, 0, "cannot read: "+err.Error())
			return nil
		}
		name := d.Name()
		if path != root && strings.HasPrefix(name, ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		l.file(path, d, root)
		return nil
	})
	if err != nil {
		return nil, l.warnings, err
	}
	if len(l.docs) == 0 {
		return nil, l.warnings, fmt.Errorf("%s: %w: add .txt, .md or .jsonl files with text", root, ErrNoText)
	}
	return l.docs, l.warnings, nil
}

type loader struct {
	fsys     fs.FS
	docs     []Document
	warnings []Warning
	ids      map[string]string // document ID → where it was first seen
	texts    map[string]string // document text → ID, to skip copies
}

func (l *loader) warn(path string, line int, reason string) {
	l.warnings = append(l.warnings, Warning{Path: path, Line: line, Reason: reason})
}

func (l *loader) file(path string, d fs.DirEntry, root string) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".txt" && ext != ".md" && ext != ".markdown" && ext != ".jsonl" {
		l.warn(path, 0, "skipped: not .txt, .md or .jsonl")
		return
	}
	info, err := fs.Stat(l.fsys, path) // follows links, unlike d.Info
	if err != nil {
		l.warn(path, 0, "cannot read: "+err.Error())
		return
	}
	if !info.Mode().IsRegular() {
		l.warn(path, 0, "skipped: not a regular file")
		return
	}
	if info.Size() > MaxFileSize {
		l.warn(path, 0, fmt.Sprintf("skipped: %d bytes is over the %d-byte limit; split it into several files", info.Size(), MaxFileSize))
		return
	}
	data, err := fs.ReadFile(l.fsys, path)
	if err != nil {
		l.warn(path, 0, "cannot read: "+err.Error())
		return
	}
	if bytes.IndexByte(data, 0) >= 0 {
		l.warn(path, 0, "skipped: binary file (contains NUL bytes)")
		return
	}
	rel := path
	if r, err := filepath.Rel(root, path); err == nil && r != "." {
		rel = r
	}
	if ext == ".jsonl" {
		l.jsonl(path, rel, data)
		return
	}
	if !utf8.Valid(data) {
		l.warn(path, 0, "skipped: not valid UTF-8; save it as UTF-8")
		return
	}
	meta, body, err := SplitFrontMatter(string(data))
	if err != nil {
		l.warn(path, 0, "skipped: "+err.Error())
		return
	}
	if meta.ID == "" {
		meta.ID = filepath.ToSlash(strings.TrimSuffix(rel, filepath.Ext(rel)))
	}
	var paras []Paragraph
	if ext == ".txt" {
		paras = Paragraphs(body)
	} else {
		paras = MarkdownParagraphs(body)
	}
	l.add(path, 0, meta, paras, filepath.Base(strings.TrimSuffix(rel, filepath.Ext(rel))))
}

// record is one line of a .jsonl corpus.
type record struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	URL       string `json:"url"`
	Lang      string `json:"lang"`
	Published string `json:"published"`
	Text      string `json:"text"`
}

// maxLineWarnings is how many bad lines of one .jsonl file are reported
// one by one; the rest are counted in one more warning, so that a file that
// is not JSON Lines at all does not bury the other warnings.
const maxLineWarnings = 5

func (l *loader) jsonl(path, rel string, data []byte) {
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // a byte-order mark, as some editors save
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("[")) {
		l.warn(path, 0, "skipped: a JSON array, not JSON Lines; write one JSON object per line")
		return
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), MaxFileSize)
	line, bad := 0, 0
	warn := func(reason string) {
		bad++
		if bad <= maxLineWarnings {
			l.warn(path, line, reason)
		}
	}
	defer func() {
		if bad > maxLineWarnings {
			l.warn(path, 0, fmt.Sprintf("skipped %d more malformed lines", bad-maxLineWarnings))
		}
	}()
	for sc.Scan() {
		line++
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		if !utf8.Valid(raw) {
			warn("skipped: not valid UTF-8")
			continue
		}
		var rec record
		if err := json.Unmarshal(raw, &rec); err != nil {
			warn("skipped: not a JSON object: " + err.Error())
			continue
		}
		if strings.TrimSpace(rec.Text) == "" {
			warn(`skipped: no "text"`)
			continue
		}
		if rec.ID == "" {
			rec.ID = fmt.Sprintf("%s:%d", filepath.ToSlash(rel), line)
		}
		meta := Meta{ID: rec.ID, Title: rec.Title, URL: rec.URL, Lang: strings.ToLower(rec.Lang), Published: rec.Published}
		l.add(path, line, meta, Paragraphs(rec.Text), rec.ID)
	}
	if err := sc.Err(); err != nil {
		l.warn(path, line+1, "stopped reading: "+err.Error())
	}
}

// add finishes a document: title, language, duplicate checks.
func (l *loader) add(path string, line int, meta Meta, paras []Paragraph, fallbackTitle string) {
	if len(paras) == 0 {
		l.warn(path, line, "skipped: no text")
		return
	}
	where := path
	if line > 0 {
		where = fmt.Sprintf("%s:%d", path, line)
	}
	if first, ok := l.ids[meta.ID]; ok {
		l.warn(path, line, fmt.Sprintf("skipped: document id %q is already used by %s", meta.ID, first))
		return
	}
	var text strings.Builder
	for _, p := range paras {
		text.WriteString(p.Text)
		text.WriteByte('\n')
	}
	if first, ok := l.texts[text.String()]; ok {
		l.warn(path, line, fmt.Sprintf("skipped: same text as document %q", first))
		return
	}
	if meta.Title == "" {
		// A short unpunctuated first line is the title.
		if p := paras[0]; p.Kind != Body && len(paras) > 1 && len(p.Sentences) == 1 {
			meta.Title = p.Text
			paras[0].Kind = Heading
		} else {
			meta.Title = fallbackTitle
		}
	}
	if meta.Lang == "" {
		meta.Lang = DetectLang(clip(text.String(), 4000))
	}
	l.ids[meta.ID] = where
	l.texts[text.String()] = meta.ID
	l.docs = append(l.docs, Document{
		ID: meta.ID, Title: meta.Title, URL: meta.URL, Lang: meta.Lang, Published: meta.Published,
		Source: where, Paragraphs: paras,
	})
}
