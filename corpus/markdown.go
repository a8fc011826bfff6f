package corpus

import (
	"regexp"
	"strings"
)

var (
	mdHeadingRe  = regexp.MustCompile(`^#{1,6}\s+(.*?)\s*#*\s*$`)
	mdImageRe    = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdLinkRe     = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	mdListRe     = regexp.MustCompile(`^(?:[-*+]|\d{1,3}[.)])\s+`)
	mdRuleRe     = regexp.MustCompile(`^(?:-{3,}|\*{3,}|_{3,})$`)
	mdEmphasisRe = regexp.MustCompile("\\*\\*|__|`")
	mdStarRe     = regexp.MustCompile(`(^|[\s(])[*_]([^*_\s][^*_]*?)[*_]($|[\s.,;:!?)])`)
	htmlTagRe    = regexp.MustCompile(`</?[a-zA-Z][^<>]*>`)
)

// MarkdownParagraphs is Paragraphs for Markdown: headings become heading
// paragraphs, images their alt text as captions, list items paragraphs of
// their own; links keep their text, emphasis and inline code marks are
// dropped, and fenced code blocks are left out.
func MarkdownParagraphs(text string) []Paragraph {
	return number(repair(markdownBlocks(text)))
}

func markdownBlocks(text string) []block {
	text = normalizeNewlines(text)
	var out []block
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, block{kind: Body, text: strings.Join(cur, " ")})
			cur = nil
		}
	}
	fenced := false
	for _, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if strings.HasPrefix(line, "```") || strings.HasPrefix(line, "~~~") {
			flush()
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		for strings.HasPrefix(line, ">") {
			line = strings.TrimSpace(strings.TrimPrefix(line, ">"))
		}
		switch {
		case line == "":
			flush()
			continue
		case mdRuleRe.MatchString(line):
			flush()
			continue
		case mdHeadingRe.MatchString(line):
			flush()
			out = append(out, block{kind: Heading, text: inlineMarkdown(mdHeadingRe.FindStringSubmatch(line)[1])})
			continue
		case mdListRe.MatchString(line):
			flush()
			line = mdListRe.ReplaceAllString(line, "")
		}
		// An image alone on its line is a figure: its alt text is a caption.
		if m := mdImageRe.FindStringSubmatch(line); m != nil && strings.TrimSpace(mdImageRe.ReplaceAllString(line, "")) == "" {
			flush()
			if alt := strings.TrimSpace(m[1]); alt != "" {
				out = append(out, block{kind: Caption, text: inlineMarkdown(alt)})
			}
			continue
		}
		// Markdown joins the lines of a paragraph.
		cur = append(cur, inlineMarkdown(line))
	}
	flush()
	return out
}

// inlineMarkdown drops inline markup and keeps the words.
func inlineMarkdown(s string) string {
	s = mdImageRe.ReplaceAllString(s, "$1")
	s = mdLinkRe.ReplaceAllString(s, "$1")
	s = htmlTagRe.ReplaceAllString(s, "")
	s = mdEmphasisRe.ReplaceAllString(s, "")
	s = mdStarRe.ReplaceAllString(s, "$1$2$3")
	return s
}
