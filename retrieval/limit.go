package retrieval

import (
	"fmt"

	"kutip/corpus"
)

// TooLargeError is Build's refusal of a corpus whose text is larger than
// Options.MaxBytes. The index takes many times the text in memory, so a
// corpus over the cap is refused before any of it is indexed; a hot reload
// that meets it keeps the old index.
type TooLargeError struct {
	Bytes int64 // the corpus's text, in bytes
	Max   int64 // the cap it is over
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the corpus has %s (%d bytes) of text, over the cap of %s (%d bytes)", FormatBytes(e.Bytes), e.Bytes, FormatBytes(e.Max), e.Max)
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
