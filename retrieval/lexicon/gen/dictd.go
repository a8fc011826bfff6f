package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// maxTranslations is how many translations are kept per headword.
const maxTranslations = 12

// dictionary maps an English headword to its translations in file order.
type dictionary struct {
	order []string
	tr    map[string][]string
}

// readDictd reads a dictd database (tab-separated index of headword, base64
// offset, base64 length into the gzip'd .dict) in the FreeDict TEI-to-dictd
// layout: a header line "headword /pron/ <pos>", then per sense a line of
// comma-separated translations, optionally numbered "2. ", followed by an
// optional line of English gloss.
func readDictd(indexPath, dictPath string) (*dictionary, error) {
	f, err := os.Open(dictPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f) // dictzip is gzip with an extra header field
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	index, err := os.ReadFile(indexPath)
	if err != nil {
		return nil, err
	}
	d := &dictionary{tr: map[string][]string{}}
	sc := bufio.NewScanner(bytes.NewReader(index))
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != 3 || strings.HasPrefix(fields[0], "00database") {
			continue
		}
		off, err1 := decode64(fields[1])
		n, err2 := decode64(fields[2])
		if err1 != nil || err2 != nil || off+n > len(body) {
			return nil, fmt.Errorf("bad index line %q", sc.Text())
		}
		head := strings.ToLower(strings.TrimSpace(fields[0]))
		if _, ok := d.tr[head]; !ok {
			d.order = append(d.order, head)
		}
		for _, t := range translations(string(body[off : off+n])) {
			if !slices.Contains(d.tr[head], t) {
				d.tr[head] = append(d.tr[head], t)
			}
		}
	}
	return d, sc.Err()
}

// decode64 decodes dictd's base64 numbers (most significant digit first).
func decode64(s string) (int, error) {
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	v := 0
	for i := range len(s) {
		d := strings.IndexByte(digits, s[i])
		if d < 0 {
			return 0, fmt.Errorf("bad base64 number %q", s)
		}
		v = v*64 + d
	}
	return v, nil
}

var (
	senseNumber   = regexp.MustCompile(`^\d+\.\s*`)
	trailingSense = regexp.MustCompile(`\s+\d+\.\s*$`)
	parenthetical = regexp.MustCompile(`\([^)]*\)|\[[^\]]*\]|<[^>]*>`)
	spaces        = regexp.MustCompile(`\s+`)
)

// translations extracts the translation lines of one entry: the first line
// after the header and every line starting with a sense number.
func translations(entry string) []string {
	lines := strings.Split(strings.TrimRight(entry, "\n"), "\n")
	var out []string
	for i, line := range lines {
		if i == 0 {
			continue
		}
		if i != 1 && !senseNumber.MatchString(line) {
			continue // gloss
		}
		line = senseNumber.ReplaceAllString(line, "")
		line = trailingSense.ReplaceAllString(line, "")
		line = parenthetical.ReplaceAllString(line, "")
		for t := range strings.SplitSeq(line, ",") {
			t = strings.ToLower(spaces.ReplaceAllString(strings.TrimSpace(t), " "))
			t = strings.Trim(t, ".;:!?[] ")
			if strings.IndexFunc(t, unicode.IsLetter) >= 0 && !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

func (d *dictionary) lines() []string {
	var out []string
	for _, h := range d.order {
		tr := d.tr[h]
		if len(tr) == 0 || strings.ContainsAny(h, "\t|") {
			continue
		}
		out = append(out, h+"\t"+strings.Join(tr[:min(len(tr), maxTranslations)], "|"))
	}
	slices.Sort(out)
	return out
}
