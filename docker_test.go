package main

// These tests stand in for a Docker engine, which the development machines
// and CI lack: they build the binary with the Dockerfile's own settings
// (build/go.env), check that it is static and stripped, and run it the way
// the image runs it, as an unprivileged user with nothing around it. They
// also check the promises of the Dockerfile, .dockerignore and
// docker-compose.yml that are easy to break by editing.

import (
	"bufio"
	"bytes"
	"debug/elf"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"kutip/config"
)

// buildEnvLine is the only syntax build/go.env may use, so that both a
// shell (the Dockerfile) and this test read it the same way.
var buildEnvLine = regexp.MustCompile(`^([A-Z][A-Z0-9_]*)="([^"\\$` + "`" + `]*)"$`)

// readBuildEnv reads build/go.env into KEY=value pairs.
func readBuildEnv(tb testing.TB) []string {
	tb.Helper()
	f, err := os.Open(filepath.Join("build", "go.env"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var env []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := buildEnvLine.FindStringSubmatch(line)
		if m == nil {
			tb.Fatalf("build/go.env:%d: %q is not KEY=\"value\" (no other shell syntax, please)", n, line)
		}
		env = append(env, m[1]+"="+m[2])
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return env
}

func TestBuildEnv(t *testing.T) {
	t.Parallel()
	env := strings.Join(readBuildEnv(t), "\n")
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "-ldflags=-s -w"} {
		if !strings.Contains(env, want) {
			t.Errorf("build/go.env lacks %q:\n%s", want, env)
		}
	}
}

// dockerfile returns the Dockerfile's instructions, continuation lines
// joined and comments dropped.
func dockerfile(tb testing.TB) []string {
	tb.Helper()
	data, err := os.ReadFile("Dockerfile")
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	var cur string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#") || (line == "" && cur == "") {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cur += strings.TrimSuffix(line, "\\") + " "
			continue
		}
		if cur += line; strings.TrimSpace(cur) != "" {
			out = append(out, strings.Join(strings.Fields(cur), " "))
		}
		cur = ""
	}
	return out
}

func TestDockerfile(t *testing.T) {
	t.Parallel()
	ins := dockerfile(t)
	has := func(pattern string) bool {
		re := regexp.MustCompile(pattern)
		for _, in := range ins {
			if re.MatchString(in) {
				return true
			}
		}
		return false
	}
	for _, tc := range []struct{ what, pattern string }{
		// Exact tags: a floating tag builds something else next month.
		{"a golang:1.26.N-bookworm build stage", `^FROM golang:1\.26\.[0-9]+-bookworm(@sha256:[0-9a-f]{64})? AS build$`},
		{"the build settings from build/go.env", `^RUN .*\. \./build/go\.env .*go build `},
		{"a distroless static nonroot final stage", `^FROM gcr\.io/distroless/static-debian12:nonroot(@sha256:[0-9a-f]{64})?$`},
		{"a numeric non-root USER", `^USER [1-9][0-9]*:[1-9][0-9]*$`},
		{"a HEALTHCHECK that runs the binary, without a shell", `^HEALTHCHECK .*CMD \["/kutip", "health"\]$`},
		{"an exec-form ENTRYPOINT", `^ENTRYPOINT \["/kutip"\]$`},
		{"INDEX_DIR on the /data volume", `^ENV .*INDEX_DIR=/data`},
		{"a /data volume", `^VOLUME \["/data"\]$`},
	} {
		if !has(tc.pattern) {
			t.Errorf("Dockerfile lacks %s (%s)", tc.what, tc.pattern)
		}
	}
	// A "# syntax=" line makes BuildKit pull a frontend image first.
	if strings.HasPrefix(readFile(t, "Dockerfile"), "# syntax=") {
		t.Error("Dockerfile starts with a # syntax= line: the built-in frontend reads it, and the line costs a pull")
	}
	// The last USER wins; no instruction may switch back to root after it.
	for _, in := range ins {
		if in == "USER root" || in == "USER 0" || strings.HasPrefix(in, "USER 0:") {
			t.Errorf("Dockerfile runs as root: %q", in)
		}
	}
	// Everything the final stage sets in the image's environment must be a
	// setting kutip knows; a typo would silently do nothing.
	final := 0
	for i, in := range ins {
		if strings.HasPrefix(in, "FROM ") {
			final = i
		}
	}
	for _, in := range ins[final:] {
		if !strings.HasPrefix(in, "ENV ") {
			continue
		}
		for _, kv := range strings.Fields(strings.TrimPrefix(in, "ENV ")) {
			k, _, _ := strings.Cut(kv, "=")
			if !strings.Contains(readFile(t, "config/config.go"), `"`+k+`"`) {
				t.Errorf("Dockerfile sets %s, which config does not read", k)
			}
		}
	}
}

func readFile(tb testing.TB, path string) string {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return string(data)
}

// ignoreRule is one line of .dockerignore, compiled the way Docker's
// builder reads it (github.com/moby/patternmatcher): the pattern is cleaned
// and taken relative to the context's root, "*" and "?" stay within one
// path element, "**" spans any number of them, and a pattern that matches
// a folder matches everything in it. Unlike .gitignore, a pattern without
// a slash matches at the root only.
type ignoreRule struct {
	text    string
	exclude bool // false for a "!" exception
	re      *regexp.Regexp
}

// readDockerignore compiles .dockerignore.
func readDockerignore(tb testing.TB) []ignoreRule {
	tb.Helper()
	var rules []ignoreRule
	for n, line := range strings.Split(readFile(tb, ".dockerignore"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r := ignoreRule{text: line, exclude: true}
		if strings.HasPrefix(line, "!") {
			r.exclude = false
			line = strings.TrimSpace(line[1:])
		}
		line = filepath.ToSlash(filepath.Clean(line))
		if len(line) > 1 && line[0] == '/' {
			line = line[1:]
		}
		var re strings.Builder
		re.WriteString("^")
		for i := 0; i < len(line); i++ {
			switch c := line[i]; {
			case c == '*' && i+1 < len(line) && line[i+1] == '*':
				i++
				if i+1 < len(line) && line[i+1] == '/' {
					i++
				}
				if i+1 == len(line) {
					re.WriteString(".*")
				} else {
					re.WriteString("(.*/)?")
				}
			case c == '*':
				re.WriteString("[^/]*")
			case c == '?':
				re.WriteString("[^/]")
			case c == '[' || c == ']' || c == '-' || c == '^':
				re.WriteByte(c) // character classes pass through
			case c == '\\' && i+1 < len(line):
				i++
				re.WriteString(regexp.QuoteMeta(line[i : i+1]))
			default:
				re.WriteString(regexp.QuoteMeta(string(c)))
			}
		}
		re.WriteString("$")
		var err error
		if r.re, err = regexp.Compile(re.String()); err != nil {
			tb.Fatalf(".dockerignore:%d: %q: %v", n+1, r.text, err)
		}
		rules = append(rules, r)
	}
	return rules
}

// ignored reports whether Docker leaves the slash-separated path out of
// the build context: the last rule that matches the path or one of its
// parent folders decides.
func ignored(rules []ignoreRule, path string) bool {
	parts := strings.Split(path, "/")
	out := false
	for _, r := range rules {
		if r.exclude == out {
			continue // cannot change the outcome
		}
		match := r.re.MatchString(path)
		for i := 1; !match && i < len(parts); i++ {
			match = r.re.MatchString(strings.Join(parts[:i], "/"))
		}
		if match {
			out = r.exclude
		}
	}
	return out
}

func TestDockerignoreRules(t *testing.T) {
	t.Parallel()
	rules := readDockerignore(t)
	for _, tc := range []struct {
		path string
		out  bool
	}{
		// Secrets, history, CI and build output stay out.
		{".env", true},
		{".env.production", true},
		{".git/config", true},
		{".git/objects/ab/cdef", true},
		{".ci/run", true},
		{"kutip", true},
		{"data/index/store", true},
		{"kutip.test", true},
		{"retrieval/retrieval.test", true},
		{"cpu.prof", true},
		{"retrieval/testdata/fuzz/FuzzParse/0a1b", true},
		// The user's articles are mounted at run time, not built in.
		{"articles/news.md", true},
		{"articles/2026/11/a.jsonl", true},
		// Source stays, including the Go package that shares its name with
		// the container's /corpus.
		{".env.example", false},
		{"go.mod", false},
		{"build/go.env", false},
		{"corpus/corpus.go", false},
		{"corpus/data/article.md", false},
		{"bot/bot.go", false},
		{"cmd/kutip/main.go", false},
		{"docs/kutip.md", false},
	} {
		if got := ignored(rules, tc.path); got != tc.out {
			t.Errorf("%s: ignored = %v, want %v", tc.path, got, tc.out)
		}
	}
}

// buildContext copies the working tree as Docker sends it to the builder,
// .dockerignore applied, into a new folder, and returns the folder and the
// slash-separated paths copied.
func buildContext(t *testing.T) (string, map[string]bool) {
	t.Helper()
	rules := readDockerignore(t)
	dst := t.TempDir()
	kept := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(path)
		if d.IsDir() {
			if rel == ".git" { // large, and excluded whole
				if !ignored(rules, ".git/HEAD") {
					t.Error(".dockerignore lets .git into the build context")
				}
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || ignored(rules, rel) {
			return nil
		}
		kept[rel] = true
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, path)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		return os.WriteFile(to, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst, kept
}

// TestBuildContext builds from what .dockerignore leaves, as the image's
// build stage does: every file of every package the binary is made of, and
// go.mod, go.sum and build/go.env, must be in the context, and the binary
// built there must answer. (The Go package corpus/ was once left out by a
// /corpus/ meant for the user's articles, and no image built.)
func TestBuildContext(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary from a copy of the build context; skipped with -short")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	dir, kept := buildContext(t)
	need := []string{"go.mod", "go.sum", "build/go.env", "Dockerfile"}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	list := exec.Command(goTool, "list", "-deps", "-f",
		`{{if and .Module .Module.Main}}{{.Dir}}{{range .GoFiles}} {{.}}{{end}}{{range .EmbedFiles}} {{.}}{{end}}{{end}}`, ".")
	list.Env = append(goEnv(), readBuildEnv(t)...)
	out, err := list.Output()
	if err != nil {
		t.Fatalf("go list -deps .: %v", err)
	}
	pkgs := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		pkgs++
		rel, err := filepath.Rel(wd, f[0])
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range f[1:] {
			need = append(need, filepath.ToSlash(filepath.Join(rel, name)))
		}
	}
	if pkgs < 3 {
		t.Fatalf("go list found %d of kutip's own packages:\n%s", pkgs, out)
	}
	for _, p := range need {
		if !kept[p] {
			t.Errorf("%s is not in the build context: .dockerignore leaves it out, and the image's go build needs it", p)
		}
	}
	if t.Failed() {
		return
	}

	bin := filepath.Join(t.TempDir(), "kutip")
	build := exec.Command(goTool, "build", "-o", bin, ".")
	build.Dir = dir
	build.Env = append(goEnv(), readBuildEnv(t)...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build in the build context: %v\n%s", err, out)
	}
	ask := exec.Command(bin, "ask", "when did Russia ratify?")
	ask.Dir = t.TempDir()
	ask.Env = []string{}
	out, err = ask.Output()
	if err != nil || !strings.Contains(string(out), "6 November") {
		t.Fatalf("the binary built from the context: ask: %v\n%s", err, out)
	}
}

// goEnv is the environment for the go command, less what build/go.env sets.
func goEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOFLAGS=") && !strings.HasPrefix(kv, "CGO_ENABLED=") {
			env = append(env, kv)
		}
	}
	return env
}

// TestEnvFileExample checks .env.example as the three readers of .env see
// it: kutip (godotenv), docker compose's env_file and docker run
// --env-file. Docker's reader takes quotes and "# ..." after a value
// literally, and an empty KEY= overrides the image's own ENV (an empty
// INDEX_DIR once left the /data volume unused), so optional settings are
// commented-out examples.
func TestEnvFileExample(t *testing.T) {
	t.Parallel()
	active := regexp.MustCompile(`^([A-Z][A-Z0-9_]*)=(.*)$`)
	example := regexp.MustCompile(`^# ?([A-Z][A-Z0-9_]*)=(.*)$`)
	env := map[string]string{}
	documented := map[string]bool{}
	for n, line := range strings.Split(readFile(t, ".env.example"), "\n") {
		line = strings.TrimRight(line, " \t\r")
		if m := active.FindStringSubmatch(line); m != nil {
			k, v := m[1], m[2]
			switch {
			case v == "" && k != "DISCORD_TOKEN":
				t.Errorf(".env.example:%d: %s= is empty, which overrides the default under docker run --env-file; comment it out", n+1, k)
			case strings.ContainsAny(v, `"'`) || strings.Contains(v, " #"):
				t.Errorf(".env.example:%d: %q: Docker's env-file reader keeps quotes and comments in the value", n+1, line)
			}
			env[k], documented[k] = v, true
			continue
		}
		if m := example.FindStringSubmatch(line); m != nil {
			if m[2] == "" || strings.ContainsAny(m[2], `"' `) {
				t.Errorf(".env.example:%d: %q: an example needs a plain value", n+1, line)
			}
			if _, ok := env[m[1]]; !ok {
				env[m[1]] = m[2]
			}
			documented[m[1]] = true
			continue
		}
		if strings.TrimSpace(line) != "" && !strings.HasPrefix(line, "#") {
			t.Errorf(".env.example:%d: %q is neither KEY=value nor a comment", n+1, line)
		}
	}
	for _, name := range settingNames(t) {
		if !documented[name] {
			t.Errorf(".env.example does not document %s", name)
		}
	}
	// Every example, switched on at once, is a valid configuration. The
	// CORPUS_DIR example names the container's /corpus: use a real folder.
	env["CORPUS_DIR"] = t.TempDir()
	if _, err := config.FromEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Errorf(".env.example's examples are not a valid configuration: %v", err)
	}
}

func TestCompose(t *testing.T) {
	t.Parallel()
	compose := readFile(t, "docker-compose.yml")
	for _, tc := range []struct{ what, pattern string }{
		// A fresh clone has no .env yet: `docker compose up` must not fail
		// on it (Compose v2.24's long form).
		{"an optional env_file .env", `(?m)^\s+env_file:\n\s+- path: \.env\n\s+required: false$`},
		// The user's articles, not the Go package corpus/.
		{"./articles mounted read-only at /corpus", `(?m)^\s+- \./articles:/corpus:ro$`},
		// An empty folder answers from the built-in article, so the
		// articles volume can always be the corpus.
		{"CORPUS_DIR set to the articles volume", `(?m)^\s+CORPUS_DIR: /corpus$`},
		{"rotated logs", `(?m)^\s+logging:\n\s+driver: json-file\n\s+options:\n\s+max-size: "\d+m"\n\s+max-file: "\d+"$`},
		{"a data volume", `(?m)^\s+- \S+:/data$`},
		{"restart unless-stopped", `(?m)^\s+restart: unless-stopped$`},
		{"a read-only root filesystem", `(?m)^\s+read_only: true$`},
		{"tmpfs /tmp", `(?m)^\s+tmpfs:\n\s+- /tmp$`},
		{"cap_drop ALL", `(?m)^\s+cap_drop:\n\s+- ALL$`},
		{"no-new-privileges", `(?m)^\s+- no-new-privileges:true$`},
	} {
		if !regexp.MustCompile(tc.pattern).MatchString(compose) {
			t.Errorf("docker-compose.yml lacks %s (%s)", tc.what, tc.pattern)
		}
	}
	// A listener in the examples stays on loopback.
	for _, m := range regexp.MustCompile(`HEALTH_ADDR: (\S+)|"(\S+):8081:8081"`).FindAllStringSubmatch(compose, -1) {
		host := m[1] + m[2]
		if !strings.HasPrefix(host, "127.0.0.1") {
			t.Errorf("docker-compose.yml example listens on %q, want loopback", host)
		}
	}
}

// buildRelease builds kutip as the Dockerfile does, into a fresh folder
// that every user may read and enter.
func buildRelease(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the release binary; skipped with -short")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	dir, err := os.MkdirTemp("", "kutip-release-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "kutip")
	cmd := exec.Command(goTool, "build", "-o", bin, ".")
	cmd.Env = append(goEnv(), readBuildEnv(t)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build with build/go.env: %v\n%s", err, out)
	}
	if err := os.Chmod(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}

// TestReleaseBinary is the image without Docker: the binary built with the
// Dockerfile's settings is static, stripped and free of build paths, and
// as nobody, in an empty read-only folder with an empty environment, it
// answers from the embedded article.
func TestReleaseBinary(t *testing.T) {
	t.Parallel()
	bin := buildRelease(t)

	t.Run("static", func(t *testing.T) {
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Error("has a PT_INTERP program header: it needs a dynamic loader, which distroless/static lacks")
			}
		}
		libs, err := f.ImportedLibraries()
		if err != nil {
			t.Fatal(err)
		}
		if len(libs) > 0 {
			t.Errorf("needs shared libraries (DT_NEEDED): %q", libs)
		}
		if f.Section(".symtab") != nil || f.Section(".debug_info") != nil {
			t.Error("has a symbol table or DWARF: -ldflags \"-s -w\" did not apply")
		}
		wd, _ := os.Getwd()
		if data, err := os.ReadFile(bin); err != nil {
			t.Fatal(err)
		} else if bytes.Contains(data, []byte(wd)) {
			t.Errorf("contains the build folder %s: -trimpath did not apply", wd)
		}
	})

	if os.Geteuid() != 0 {
		t.Skip("running the binary as nobody (uid 65534) needs root, as in CI; skipped")
	}
	const nobody = 65534
	// An empty, read-only working folder: no .env, nothing to write.
	empty, err := os.MkdirTemp("", "kutip-empty-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(empty, 0o755); os.RemoveAll(empty) })
	if err := os.Chmod(empty, 0o555); err != nil {
		t.Fatal(err)
	}
	runAs := func(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = empty
		cmd.Env = env
		if cmd.Env == nil {
			cmd.Env = []string{}
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			code = ee.ExitCode()
		case err != nil:
			t.Fatalf("run %v: %v", args, err)
		}
		return out.String(), errb.String(), code
	}

	t.Run("ask as nobody", func(t *testing.T) {
		stdout, stderr, code := runAs(t, nil, "ask", "--json", "when did Russia ratify?")
		if code != 0 {
			t.Fatalf("exit %d; stderr %q", code, stderr)
		}
		var a struct {
			Answered bool
			Passages []struct{ Title string }
		}
		if err := json.Unmarshal([]byte(stdout), &a); err != nil {
			t.Fatalf("output %q: %v", stdout, err)
		}
		if !a.Answered || len(a.Passages) == 0 || a.Passages[0].Title == "" {
			t.Errorf("answer = %+v, want a cited answer from the embedded article", a)
		}
	})

	t.Run("index volume as nobody", func(t *testing.T) {
		data, err := os.MkdirTemp("", "kutip-data-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(data) })
		if err := os.Chown(data, nobody, nobody); err != nil {
			t.Fatal(err)
		}
		env := []string{"INDEX_DIR=" + data}
		for i := range 2 { // built, then reused
			if _, stderr, code := runAs(t, env, "ask", "when did Russia ratify?"); code != 0 {
				t.Fatalf("run %d: exit %d; stderr %q", i, code, stderr)
			}
		}
		entries, _ := os.ReadDir(data)
		if len(entries) != 1 {
			t.Fatalf("INDEX_DIR holds %d entries, want one index", len(entries))
		}
		info, err := os.Stat(filepath.Join(data, entries[0].Name()))
		if err != nil {
			t.Fatal(err)
		}
		if st, ok := info.Sys().(*syscall.Stat_t); !ok || st.Uid != nobody {
			t.Errorf("the index was not written by uid %d: %+v", nobody, info.Sys())
		}
	})

	t.Run("health exits 1", func(t *testing.T) {
		// Docker reads exit codes other than 0 and 1 as "reserved".
		for _, env := range [][]string{nil, {"HEARTBEAT_FILE=/nonexistent/heartbeat.json"}, {"HEALTH_ADDR=127.0.0.1:1"}} {
			if _, stderr, code := runAs(t, env, "health"); code != 1 {
				t.Errorf("kutip health with %q: exit %d, want 1; stderr %q", env, code, stderr)
			}
		}
	})
}
