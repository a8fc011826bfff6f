package config

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Channels maps Discord channels and categories to the folder of the
// corpus each sees (CHANNELS_FILE). A key is a channel or category ID, or
// AnyChannel for every channel without an entry; a value is a folder below
// CORPUS_DIR, slash-separated and cleaned, "." for the whole corpus. A
// question in a channel sees the folder of the channel's own entry, else
// that of its parent (a channel's category, a thread's channel), else that
// of its parent's parent (a thread's category), else AnyChannel's; with
// none of these it sees no documents. A nil Channels (no CHANNELS_FILE)
// gives every channel the whole corpus.
//
// The file has one entry a line: an ID or *, then the folder; blank lines
// and everything from a # that starts a line or follows a space are
// ignored:
//
//	# channel or category ID   folder below CORPUS_DIR
//	1234567890123456789        news
//	2345678901234567890        handbook/hr   # a category: its channels and their threads
//	*                          public        # every other channel (leave out: they see nothing)
type Channels map[string]string

// AnyChannel is the key of the entry for channels that have none of their
// own, written * in the file.
const AnyChannel = "*"

// WholeCorpus is the folder that stands for all of CORPUS_DIR.
const WholeCorpus = "."

// snowflake digits: Discord's IDs have 17 to 20 digits.
const minIDDigits, maxIDDigits = 17, 20

// LoadChannels reads the channels file at file (CHANNELS_FILE) and checks
// each folder it names against corpusDir (CORPUS_DIR): the folder must
// exist there, and neither ".." nor a link may lead out of it. It reports
// every problem at once, each with the file, the line and the fix.
func LoadChannels(file, corpusDir string) (Channels, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("CHANNELS_FILE: %w; point it at the file that maps channels to folders, or leave it empty so every channel sees the whole corpus", err)
	}
	ch, lines, err := parseChannels(file, data)
	if err != nil {
		return nil, err
	}
	var errs []error
	var root string
	switch info, err := os.Stat(corpusDir); {
	case corpusDir == "":
	case err != nil:
		return nil, fmt.Errorf("CHANNELS_FILE=%s needs CORPUS_DIR: %w", file, err)
	case !info.IsDir():
		return nil, fmt.Errorf("CHANNELS_FILE=%s maps channels to folders, but CORPUS_DIR=%s is a file: point CORPUS_DIR at the folder that holds those folders", file, corpusDir)
	default:
		if root, err = filepath.EvalSymlinks(corpusDir); err != nil {
			return nil, fmt.Errorf("CORPUS_DIR: %w", err)
		}
	}
	for _, key := range byLine(ch, lines) {
		folder, at := ch[key], fmt.Sprintf("%s:%d", file, lines[key])
		if folder == WholeCorpus {
			continue
		}
		if corpusDir == "" {
			errs = append(errs, fmt.Errorf("%s: folder %q, but CORPUS_DIR is not set (kutip answers from its built-in article): set CORPUS_DIR to the folder that holds %q, or write . for the whole corpus", at, folder, folder))
			continue
		}
		p := filepath.Join(corpusDir, filepath.FromSlash(folder))
		info, err := os.Stat(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: folder %q is not in CORPUS_DIR=%s (%v): create it, or fix the name (folders are relative to CORPUS_DIR, separated by /)", at, folder, corpusDir, unwrapPath(err)))
			continue
		}
		if !info.IsDir() {
			errs = append(errs, fmt.Errorf("%s: %q in CORPUS_DIR=%s is a file, not a folder: name the folder that holds it", at, folder, corpusDir))
			continue
		}
		if real, err := filepath.EvalSymlinks(p); err != nil || !within(root, real) {
			errs = append(errs, fmt.Errorf("%s: folder %q is a link that leads out of CORPUS_DIR=%s: kutip reads only what is inside it; copy or move the files in", at, folder, corpusDir))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return ch, nil
}

// ParseChannels parses a channels file's contents; name is the file's
// name, for messages. It checks the syntax only (IDs, duplicate entries,
// folder names), not that the folders exist: LoadChannels does both.
func ParseChannels(name string, data []byte) (Channels, error) {
	ch, _, err := parseChannels(name, data)
	return ch, err
}

// parseChannels is ParseChannels, also returning each key's line.
func parseChannels(name string, data []byte) (Channels, map[string]int, error) {
	ch, lines := Channels{}, map[string]int{}
	var errs []error
	sc := bufio.NewScanner(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		n++
		at := fmt.Sprintf("%s:%d", name, n)
		line := stripComment(sc.Text())
		if line == "" {
			continue
		}
		key, folder := line, ""
		if i := strings.IndexFunc(line, unicode.IsSpace); i >= 0 {
			key, folder = line[:i], strings.TrimSpace(line[i:])
		}
		if err := checkKey(key); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", at, err))
			continue
		}
		clean, err := cleanFolder(folder)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", at, err))
			continue
		}
		if first, ok := lines[key]; ok {
			what := "ID " + key
			if key == AnyChannel {
				what = "the * entry"
			}
			errs = append(errs, fmt.Errorf("%s: %s is already on line %d: keep one of the two lines (a channel sees one folder)", at, what, first))
			continue
		}
		ch[key], lines[key] = clean, n
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Errorf("%s:%d: %w", name, n+1, err))
	}
	if len(errs) == 0 && len(ch) == 0 {
		errs = append(errs, fmt.Errorf("%s: no entries, so no channel would see any document: add lines such as \"1234567890123456789 news\" or \"* .\", or leave CHANNELS_FILE empty so every channel sees the whole corpus", name))
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	return ch, lines, nil
}

// stripComment removes a comment (a # at the start or after a space) and
// the spaces around what is left.
func stripComment(line string) string {
	prev := ' '
	for i, r := range line {
		if r == '#' && unicode.IsSpace(prev) {
			line = line[:i]
			break
		}
		prev = r
	}
	return strings.TrimSpace(line)
}

// checkKey checks an entry's first word: * or a Discord ID.
func checkKey(key string) error {
	if key == AnyChannel {
		return nil
	}
	const how = "enable Developer Mode (User Settings › Advanced), right-click the channel or category and choose Copy Channel ID"
	if strings.HasPrefix(key, "<#") && strings.HasSuffix(key, ">") {
		return fmt.Errorf("%q is a channel mention: write the bare ID, %s", key, strings.TrimSuffix(strings.TrimPrefix(key, "<#"), ">"))
	}
	if strings.Trim(key, "0123456789") != "" || len(key) < minIDDigits || len(key) > maxIDDigits {
		return fmt.Errorf("%q is not a channel or category ID (%d to %d digits) nor *: %s", key, minIDDigits, maxIDDigits, how)
	}
	if _, err := strconv.ParseUint(key, 10, 64); err != nil {
		return fmt.Errorf("%q is too large for a Discord ID: %s", key, how)
	}
	return nil
}

// cleanFolder checks and cleans an entry's folder: relative to
// CORPUS_DIR, inside it, not hidden; "." for the whole corpus.
func cleanFolder(folder string) (string, error) {
	if folder == "" {
		return "", errors.New("no folder after the ID: write the folder below CORPUS_DIR this channel sees, or . for the whole corpus")
	}
	if strings.ContainsFunc(folder, unicode.IsControl) {
		return "", fmt.Errorf("folder %q holds a control character: write the folder's name as it is", folder)
	}
	if strings.Contains(folder, `\`) {
		return "", fmt.Errorf("folder %q: separate folders with /, not \\", folder)
	}
	if strings.HasPrefix(folder, "/") || filepath.IsAbs(folder) {
		return "", fmt.Errorf("folder %q is absolute: write it relative to CORPUS_DIR (news, not /data/news)", folder)
	}
	clean := path.Clean(folder)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", fmt.Errorf("folder %q leads out of CORPUS_DIR: kutip reads only what is inside it; name a folder below CORPUS_DIR", folder)
	}
	if clean == "." {
		return WholeCorpus, nil
	}
	for _, part := range strings.Split(clean, "/") {
		if strings.HasPrefix(part, ".") {
			return "", fmt.Errorf("folder %q is hidden (%q starts with .), and kutip skips hidden folders when it loads the corpus: rename it", folder, part)
		}
	}
	return clean, nil
}

// within reports whether path p is root or below it.
func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// unwrapPath drops the path an *os.PathError repeats.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// byLine returns ch's keys in the order of their lines.
func byLine(ch Channels, lines map[string]int) []string {
	keys := make([]string, 0, len(ch))
	for k := range ch {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return lines[keys[i]] < lines[keys[j]] })
	return keys
}
