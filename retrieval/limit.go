package retrieval

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"kutip/corpus"
)

// TooLargeError is Build's refusal of a corpus whose text is larger than
// Options.MaxBytes. The index takes many times the text in memory, so a
// corpus over the cap is refused before any of it is indexed; a hot reload
// that meets it keeps the old index.
//
// CheckFiles refuses a corpus with the same error before reading it, when
// its files on disk are far over the cap; OnDisk is then set and Bytes is
// the files' size.
type TooLargeError struct {
	Bytes  int64 // the corpus's text, or with OnDisk its files, in bytes
	Max    int64 // the cap it is over
	OnDisk bool
}

func (e *TooLargeError) Error() string {
	if e.OnDisk {
		return fmt.Sprintf("the corpus files total %s (%d bytes), more than %d times the cap of %s (%d bytes) on its text, so they were not read",
			FormatBytes(e.Bytes), e.Bytes, DiskFactor, FormatBytes(e.Max), e.Max)
	}
	return fmt.Sprintf("the corpus has %s (%d bytes) of text, over the cap of %s (%d bytes)", FormatBytes(e.Bytes), e.Bytes, FormatBytes(e.Max), e.Max)
}

// DiskFactor bounds how much larger than the text cap a corpus's files may
// be before CheckFiles refuses them unread. A file's text is at most its
// size (JSON escapes, front matter and markup only shrink it; .jsonl
// corpora measure about 1.25 bytes of file per byte of text), so a refused
// corpus is nearly always over the cap anyway. Reading files takes about
// 7 bytes of memory per byte of text, so the most read before a refusal
// costs less than an index at the cap (35 per byte).
const DiskFactor = 4

// CheckFiles refuses the corpus at path (a file or folder, as corpus.Load
// reads it) without reading it when max is positive and its .txt, .md and
// .jsonl files total more than DiskFactor × max bytes. It only lists the
// files; an unreadable path is left for corpus.Load to report.
func CheckFiles(path string, max int64) error {
	if max <= 0 {
		return nil
	}
	if n := corpusFileBytes(path); n > DiskFactor*max {
		return &TooLargeError{Bytes: n, Max: max, OnDisk: true}
	}
	return nil
}

// corpusFileBytes totals the sizes of the files corpus.Load would read at
// path: .txt, .md, .markdown and .jsonl files up to corpus.MaxFileSize,
// skipping hidden files and folders below path, following links.
func corpusFileBytes(path string) int64 {
	var n int64
	walkCorpus(path, func(p string, info fs.FileInfo, err error) {
		switch strings.ToLower(filepath.Ext(p)) {
		case ".txt", ".md", ".markdown", ".jsonl":
		default:
			return
		}
		if err != nil || !info.Mode().IsRegular() || info.Size() > corpus.MaxFileSize {
			return
		}
		n += info.Size()
	})
	return n
}

// TextBytes is the size of a corpus as the cap counts it: the bytes of its
// titles and paragraph texts, which is what the index grows with.
func TextBytes(docs []corpus.Document) int64 {
	var n int64
	for _, d := range docs {
		n += int64(len(d.Title))
		for _, p := range d.Paragraphs {
			n += int64(len(p.Text))
		}
	}
	return n
}

// checkSize refuses docs when max is positive and their text is over it.
func checkSize(docs []corpus.Document, max int64) error {
	if max <= 0 {
		return nil
	}
	if n := TextBytes(docs); n > max {
		return &TooLargeError{Bytes: n, Max: max}
	}
	return nil
}

// FormatBytes writes n in the largest binary unit that keeps it at least
// 1, with one decimal when it is not whole: 512 B, 1.5 KiB, 32 MiB.
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	units := []string{"KiB", "MiB", "GiB", "TiB"}
	v, i := float64(n)/unit, 0
	for v >= unit && i < len(units)-1 {
		v /= unit
		i++
	}
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d %s", int64(v), units[i])
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}
