package main

// The README's examples are checked against the program: every ```console
// block's "$ kutip …" commands are run with a freshly built binary, with no
// settings and no .env, and must print what the README shows. A block of
// JSON is compared as JSON, so the README may spread it over lines.

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// readmeExample is one "$ kutip …" command of a console block and the
// output the README shows for it.
type readmeExample struct {
	line int // of the command, 1-based
	args []string
	want string
}

// readmeExamples returns the console blocks' commands.
func readmeExamples(t *testing.T, readme string) []readmeExample {
	t.Helper()
	var out []readmeExample
	in := false
	var cur *readmeExample
	flush := func() {
		if cur != nil {
			cur.want = strings.TrimRight(cur.want, "\n")
			out = append(out, *cur)
			cur = nil
		}
	}
	for i, line := range strings.Split(readme, "\n") {
		switch {
		case strings.TrimSpace(line) == "```console":
			in = true
		case in && strings.TrimSpace(line) == "```":
			flush()
			in = false
		case in && strings.HasPrefix(line, "$ "):
			flush()
			words := shellWords(t, strings.TrimPrefix(line, "$ "))
			if len(words) == 0 || words[0] != "kutip" {
				t.Errorf("README.md:%d: a console example runs %q; only kutip commands can be checked", i+1, line)
				continue
			}
			cur = &readmeExample{line: i + 1, args: words[1:]}
		case in && cur != nil:
			cur.want += line + "\n"
		}
	}
	return out
}

// shellWords splits a command line on spaces, keeping double-quoted words
// whole; the README's examples use nothing more.
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	quoted, inWord := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, inWord = !quoted, true
		case r == ' ' && !quoted:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case strings.ContainsRune("'`$\\|;&<>", r):
			t.Fatalf("README example %q needs a shell; keep it plain", s)
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("README example %q has an unclosed quote", s)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

func TestReadmeExamples(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds kutip; skipped with -short")
	}
	readme := readFile(t, "README.md")
	examples := readmeExamples(t, readme)
	if len(examples) < 3 {
		t.Fatalf("README.md has %d console examples, want the ask, --json and summary ones at least", len(examples))
	}
	bin := filepath.Join(t.TempDir(), "kutip")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, ex := range examples {
		cmd := exec.Command(bin, ex.args...)
		cmd.Dir = t.TempDir() // no .env
		cmd.Env = []string{}  // no settings
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Errorf("README.md:%d: kutip %s: %v\n%s", ex.line, strings.Join(ex.args, " "), err, stderr.String())
			continue
		}
		got := strings.TrimRight(stdout.String(), "\n")
		if strings.HasPrefix(ex.want, "{") {
			var w, g any
			if err := json.Unmarshal([]byte(ex.want), &w); err != nil {
				t.Errorf("README.md:%d: the example's JSON does not parse: %v", ex.line, err)
				continue
			}
			if err := json.Unmarshal([]byte(got), &g); err != nil || !reflect.DeepEqual(unscored(w), unscored(g)) {
				t.Errorf("README.md:%d: kutip %s prints\n%s\nnot what the README shows", ex.line, strings.Join(ex.args, " "), got)
			}
			continue
		}
		if got != ex.want {
			t.Errorf("README.md:%d: kutip %s prints\n%s\nnot what the README shows:\n%s", ex.line, strings.Join(ex.args, " "), got, ex.want)
		}
	}
}

// unscored replaces every "score" number in a decoded JSON value with 0:
// a ranking score moves with every change to ranking, and the README
// shows it only as an example of the field. Everything else must match.
func unscored(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if _, isNum := x.(float64); isNum && k == "score" {
				v[k] = 0.0
			} else {
				v[k] = unscored(x)
			}
		}
	case []any:
		for i := range v {
			v[i] = unscored(v[i])
		}
	}
	return v
}

// TestReadme checks the rest of what the README promises: it starts with
// the two commands a newcomer runs, every setting config reads is in its
// table, its links to files in the repository lead somewhere, and it sends
// no one to files a clone lacks.
func TestReadme(t *testing.T) {
	t.Parallel()
	readme := readFile(t, "README.md")
	const start = "# kutip\n\n```sh\ngo run . ask \"when did Russia ratify?\"\ngo test ./...\n```\n"
	if !strings.HasPrefix(readme, start) {
		t.Errorf("README.md should open with:\n%s", start)
	}
	for _, name := range settingNames(t) {
		if !strings.Contains(readme, "| `"+name+"` |") {
			t.Errorf("README.md's configuration table lacks %s", name)
		}
	}
	for _, m := range regexp.MustCompile(`\]\(([^)#:]+)(#[^)]*)?\)`).FindAllStringSubmatch(readme, -1) {
		if _, err := os.Stat(m[1]); err != nil {
			t.Errorf("README.md links to %s: %v", m[1], err)
		}
	}
	if strings.Contains(readme, "../shared") {
		t.Error("README.md points at ../shared, which a clone does not have")
	}
}

// settingNames are the settings package config reads: the names in its
// get("…") calls.
func settingNames(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("config/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("config's files: %v", err)
	}
	var names []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		for _, m := range regexp.MustCompile(`get\("([A-Z_]+)"\)`).FindAllStringSubmatch(readFile(t, f), -1) {
			names = append(names, m[1])
		}
	}
	return names
}
