// Package corpus turns source files into documents, paragraphs and sentences
// with stable citations. It knows nothing of bleve or Discord.
//
// A Document is split into Paragraphs (as a reader counts them, 1-based) and
// each Paragraph into Sentences (1-based within the paragraph), so that
// (document ID, paragraph, sentence) names one sentence for as long as the
// source text is unchanged.
package corpus

import "fmt"

// Kind says what role a paragraph plays on the page.
type Kind string

// Paragraph kinds. Body text is what an article says; captions and headings
// are searchable but rank below it.
const (
	Body    Kind = "body"
	Caption Kind = "caption"
	Heading Kind = "heading"
)

// Document is one article.
type Document struct {
	ID         string // stable identifier: the jsonl id, or the file's path below the corpus root without extension
	Title      string
	URL        string // empty when unknown; never invented
	Lang       string // "id", "en", …: from front matter or the jsonl field, otherwise detected
	Published  string // as given in front matter (free text, usually YYYY-MM-DD); empty when unknown
	Source     string // the file it came from, for messages
	Paragraphs []Paragraph
}

// Paragraph is one block of text as a reader sees it.
type Paragraph struct {
	N         int // 1-based position in the document
	Kind      Kind
	Text      string // the repaired paragraph text
	Sentences []Sentence
}

// Sentence is one sentence of a paragraph. Start and End are byte offsets of
// Text in its paragraph's Text.
type Sentence struct {
	N          int // 1-based position in the paragraph
	Text       string
	Start, End int
}

// Citation names one sentence: its document, the paragraph as a reader
// counts them and the sentence within it, both 1-based. It is the one
// place citations are formatted, for the terminal, Discord and logs.
type Citation struct {
	Doc       string
	Paragraph int
	Sentence  int
}

// String is how a reader is shown where a sentence is, after the
// document's title: "¶8, sentence 1".
func (c Citation) String() string {
	return fmt.Sprintf("¶%d, sentence %d", c.Paragraph, c.Sentence)
}

// Ref is the compact form for logs and evaluation listings, with the
// document ID: "default ¶8.1".
func (c Citation) Ref() string {
	return fmt.Sprintf("%s ¶%d.%d", c.Doc, c.Paragraph, c.Sentence)
}

// SentenceCount returns how many sentences the document has.
func (d *Document) SentenceCount() int {
	n := 0
	for _, p := range d.Paragraphs {
		n += len(p.Sentences)
	}
	return n
}

// Sentence returns the sentence a citation names, or false.
func (d *Document) Sentence(paragraph, sentence int) (Sentence, bool) {
	if paragraph < 1 || paragraph > len(d.Paragraphs) {
		return Sentence{}, false
	}
	p := d.Paragraphs[paragraph-1]
	if sentence < 1 || sentence > len(p.Sentences) {
		return Sentence{}, false
	}
	return p.Sentences[sentence-1], true
}
