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

// dictionary maps a headword to its translations in file order.
type dictionary struct {
	order []string
	tr    map[string][]string
}

// readDictd reads a dictd database in the FreeDict TEI-to-dictd layout: a
// header line "headword /pron/ <pos>", then per sense a line of
// comma-separated translations, optionally numbered "2. ", followed by an
// optional line of English gloss. Headwords are the index's lower-cased keys.
func readDictd(indexPath, dictPath string) (*dictionary, error) {
	d := &dictionary{tr: map[string][]string{}}
	err := eachDictdEntry(indexPath, dictPath, func(key, entry string) {
		head := strings.ToLower(strings.TrimSpace(key))
		d.add(head, translations(entry))
	})
	return d, err
}

// add appends translations to head's, skipping duplicates.
func (d *dictionary) add(head string, trs []string) {
	if _, ok := d.tr[head]; !ok {
		d.order = append(d.order, head)
		d.tr[head] = nil
	}
	for _, t := range trs {
		if !slices.Contains(d.tr[head], t) {
			d.tr[head] = append(d.tr[head], t)
		}
	}
}

// eachDictdEntry calls fn with the index key and the text of every entry of
// a dictd database, in index order: the index is tab-separated lines of
// headword, base64 offset and base64 length into the gzip'd .dict. The
// database's own "00database..." entries are skipped.
func eachDictdEntry(indexPath, dictPath string, fn func(key, entry string)) error {
	f, err := os.Open(dictPath)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f) // dictzip is gzip with an extra header field
	if err != nil {
		return err
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		return err
	}
	index, err := os.ReadFile(indexPath)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(bytes.NewReader(index))
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != 3 || strings.HasPrefix(fields[0], "00database") {
			continue
		}
		off, err1 := decode64(fields[1])
		n, err2 := decode64(fields[2])
		if err1 != nil || err2 != nil || off+n > len(body) {
			return fmt.Errorf("bad index line %q", sc.Text())
		}
		fn(fields[0], string(body[off:off+n]))
	}
	return sc.Err()
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
