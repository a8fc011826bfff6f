package corpus

import (
	"fmt"
	"strings"
)

// Meta is what front matter or a jsonl record says about a document.
type Meta struct {
	ID, Title, URL, Lang, Published string
}

// SplitFrontMatter separates a leading "---" block of "key: value" lines from
// the body. Keys are case-insensitive; title, url, lang, published (or date)
// and id are used, others ignored. Values may be quoted. With no front matter
// it returns the text unchanged. An opening "---" with no closing one, or a
// line that is not "key: value", is an error naming the line.
func SplitFrontMatter(text string) (Meta, string, error) {
	text = normalizeNewlines(text)
	if !strings.HasPrefix(text, "---\n") {
		return Meta{}, text, nil
	}
	rest := text[len("---\n"):]
	var meta Meta
	line := 1
	for rest != "" {
		line++
		var l string
		l, rest, _ = strings.Cut(rest, "\n")
		t := strings.TrimSpace(l)
		if t == "---" || t == "..." {
			return meta, rest, nil
		}
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		key, value, ok := strings.Cut(t, ":")
		if !ok {
			return Meta{}, "", fmt.Errorf("front matter line %d: %q is not \"key: value\"", line, clip(t, 60))
		}
		value = unquote(strings.TrimSpace(value))
		switch strings.ToLower(strings.TrimSpace(key)) {
		case "id":
			meta.ID = value
		case "title":
			meta.Title = value
		case "url", "link", "source":
			meta.URL = value
		case "lang", "language":
			meta.Lang = strings.ToLower(value)
		case "published", "date":
			meta.Published = value
		}
	}
	return Meta{}, "", fmt.Errorf("front matter opened with --- on line 1 is never closed: add a line with --- after the last key")
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

// clip shortens s to at most n runes for messages.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
