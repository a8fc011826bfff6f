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
		{"a golang:1.26 build stage", `^FROM golang:1\.26\S* AS build$`},
		{"the build settings from build/go.env", `^RUN .*\. \./build/go\.env .*go build `},
		{"a distroless static nonroot final stage", `^FROM gcr\.io/distroless/static-debian12:nonroot$`},
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

func TestDockerignore(t *testing.T) {
	lines := map[string]bool{}
	for _, l := range strings.Split(readFile(t, ".dockerignore"), "\n") {
		lines[strings.TrimSpace(l)] = true
	}
	for _, want := range []string{".env", ".git", "/kutip", "*.test"} {
		if !lines[want] {
			t.Errorf(".dockerignore does not exclude %s", want)
		}
	}
}

func TestCompose(t *testing.T) {
	compose := readFile(t, "docker-compose.yml")
	for _, tc := range []struct{ what, pattern string }{
		{"env_file .env", `(?m)^\s+env_file: \.env$`},
		{"a read-only corpus volume", `(?m)^\s+- \S+:/corpus:ro$`},
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
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOFLAGS=") && !strings.HasPrefix(kv, "CGO_ENABLED=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, readBuildEnv(t)...)
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
		var a jsonAnswer
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
