package corpus

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxCaptionWords is the longest unpunctuated line still taken for a photo
// caption or heading rather than body text.
const maxCaptionWords = 30

// block is a paragraph before it is numbered and split.
type block struct {
	kind Kind
	text string
}

// Paragraphs turns plain text into numbered paragraphs of sentences.
//
// Blank lines separate paragraphs. Within a block, lines are separate
// paragraphs (as in text copied from a news page, where a photo caption and its
// credit line sit on two lines), unless the text is hard-wrapped, in which case
// a block's lines are joined. Two repairs follow:
//   - a paragraph with no closing punctuation followed by one that starts in
//     lower case is one sentence broken across lines, so they are joined;
//   - a short line without closing punctuation, or one ending in a credit such
//     as "(KCNA via Reuters)", is a caption.
func Paragraphs(text string) []Paragraph {
	return number(repair(textBlocks(text)))
}

// textBlocks cuts plain text into candidate blocks.
func textBlocks(text string) []block {
	text = normalizeNewlines(text)
	lines := strings.Split(text, "\n")
	wrapped := isHardWrapped(lines)
	var out []block
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, block{kind: Body, text: strings.Join(cur, " ")})
			cur = nil
		}
	}
	for _, line := range lines {
		line = strings.TrimSpace(line)
		if line == "" {
			flush()
			continue
		}
		if !wrapped {
			flush()
		}
		cur = append(cur, line)
	}
	flush()
	return out
}

// isHardWrapped reports whether most lines stop near a fixed width, as in
// text wrapped at 70–80 columns, where a newline is not a paragraph break.
func isHardWrapped(lines []string) bool {
	var nonEmpty, nearWidth, longest int
	for _, l := range lines {
		n := utf8.RuneCountInString(strings.TrimSpace(l))
		if n == 0 {
			continue
		}
		nonEmpty++
		longest = max(longest, n)
		if n >= 55 && n <= 80 {
			nearWidth++
		}
	}
	return nonEmpty >= 6 && longest <= 80 && nearWidth*2 >= nonEmpty
}

// repair joins sentences broken across paragraphs and marks captions.
func repair(blocks []block) []block {
	// A run of blocks to join is collected as parts and joined once: adding
	// to the string each time copies it each time, which is quadratic in a
	// long run (a file of unpunctuated lower-case lines is one such run).
	var out []block
	var parts [][]string // parts[i] are the texts that make out[i]
	for _, b := range blocks {
		b.text = collapseSpace(b.text)
		if b.text == "" {
			continue
		}
		// The last part's end is the end of the joined text.
		if n := len(out); n > 0 && out[n-1].kind == Body && b.kind == Body &&
			!endsSentence(parts[n-1][len(parts[n-1])-1]) && startsLower(b.text) {
			parts[n-1] = append(parts[n-1], b.text)
			continue
		}
		out = append(out, b)
		parts = append(parts, []string{b.text})
	}
	for i := range out {
		if len(parts[i]) > 1 {
			out[i].text = strings.Join(parts[i], " ")
		}
		if out[i].kind == Body && isCaption(out[i].text) {
			out[i].kind = Caption
		}
	}
	return out
}

// number splits blocks into sentences and numbers them as a reader would.
func number(blocks []block) []Paragraph {
	out := make([]Paragraph, 0, len(blocks))
	for _, b := range blocks {
		var sents []Sentence
		if b.kind == Body {
			sents = Split(b.text)
		} else {
			// Captions and headings are one unit each: their lines carry
			// no reliable sentence punctuation.
			sents = []Sentence{{N: 1, Text: b.text, Start: 0, End: len(b.text)}}
		}
		if len(sents) == 0 {
			continue
		}
		out = append(out, Paragraph{N: len(out) + 1, Kind: b.kind, Text: b.text, Sentences: sents})
	}
	return out
}

// creditRe matches a photo credit closing a line: "(KCNA via Reuters)",
// "(AP Photo/Ahn Young-joon)", "(Foto: Antara)".
var creditRe = regexp.MustCompile(`(?i)\((?:[^()]*\bvia\b[^()]*|[^()]*\b(?:photo|foto|file|dok|dokumentasi|getty images|reuters|afp|ap|epa|antara|kcna|xinhua)\b[^()]*)\)$`)

// hasCredit reports whether text ends in a photo credit. A credit is the
// last parenthesised group, so only that is matched: running creditRe over
// a whole long paragraph costs a scan of all of it.
func hasCredit(text string) bool {
	i := strings.LastIndexByte(text, '(')
	return i >= 0 && strings.HasSuffix(text, ")") && creditRe.MatchString(text[i:])
}

// captionPrefixRe matches a line that announces itself as a caption.
var captionPrefixRe = regexp.MustCompile(`(?i)^(?:foto|photo|gambar|image|caption|keterangan foto)\s*:`)

func isCaption(text string) bool {
	if captionPrefixRe.MatchString(text) || hasCredit(text) {
		return true
	}
	return !endsSentence(text) && len(strings.Fields(text)) <= maxCaptionWords
}

// endsSentence reports whether text ends with closing punctuation, allowing
// closing quotes and brackets after it.
func endsSentence(text string) bool {
	t := strings.TrimRightFunc(text, func(r rune) bool { return isCloser(r) || unicode.IsSpace(r) })
	r, _ := utf8.DecodeLastRuneInString(t)
	switch r {
	case '.', '!', '?', '…', ':', ';':
		return true
	}
	return false
}

func startsLower(text string) bool {
	r, _ := utf8.DecodeRuneInString(text)
	return unicode.IsLower(r)
}

func normalizeNewlines(s string) string {
	s = strings.TrimPrefix(s, "\ufeff")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// collapseSpace trims s and folds runs of white space (including zero-width
// and other format characters used as spacing) into one space.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
