package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kutip/config"
)

// Command-line conventions: flags anywhere on the line, usage printed once,
// usage errors on stderr with exit 2, --help without reading settings, and
// bot-only settings checked only by serve.

// leakedToken is a token-like value in a broken .env file.
const leakedToken = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GxLEAK.abcdefghijklmnop"

// brokenDotEnv writes a .env file whose line 3 opens a quote it never
// closes, and returns its path.
func brokenDotEnv(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), ".env")
	text := "# kutip\nLOG_LEVEL=info\nDISCORD_TOKEN=\"" + leakedToken + "\nINDEX_DIR=\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// untouchable is a Source that fails the test when a setting is read: its
// .env file is broken and its environment reports every lookup.
func untouchable(t *testing.T) config.Source {
	return config.Source{
		Env: func(k string) (string, bool) {
			t.Errorf("read the setting %s", k)
			return "", false
		},
		DotEnv: brokenDotEnv(t),
	}
}

// article writes a one-article corpus file and returns its path.
func article(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gempa.md")
	text := "---\ntitle: Berita Uji\n---\nGempa berkekuatan 6,5 mengguncang Palu pada 12 Maret 2024. Tidak ada korban jiwa.\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFlagsAnywhere(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		question string // the question the JSON line names; "" = text output
		contains []string
		lacks    []string
	}{
		{name: "--json after the question", args: []string{"ask", "when did Russia ratify?", "--json"},
			question: "when did Russia ratify?", contains: []string{`"answer":"6 November"`}},
		{name: "--json between words", args: []string{"ask", "when", "did", "--json", "Russia", "ratify?"},
			question: "when did Russia ratify?"},
		{name: "--top after the question", args: []string{"ask", "when did Russia ratify?", "--top", "1"},
			contains: []string{"¶8, sentence 1"}, lacks: []string{"Also:"}},
		{name: "--top=1 form", args: []string{"ask", "when did Russia ratify?", "--top=1"},
			contains: []string{"¶8, sentence 1"}, lacks: []string{"Also:"}},
		{name: "after -- a flag is a word", args: []string{"ask", "--json", "--", "--top", "when did Russia ratify?"},
			question: "--top when did Russia ratify?"},
		{name: "a topic says so in JSON", args: []string{"ask", "kursk", "--json"},
			question: "kursk", contains: []string{`"topic":true`}},
		{name: "summary flags after one another", args: []string{"summary", "--json", "--sentences", "1"},
			contains: []string{`"doc":"korea-utara-rusia"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, errOut, err := runCLI(t, nil, "", tc.args...)
			if err != nil {
				t.Fatalf("run(%q) = %v; stderr %q", tc.args, err, errOut)
			}
			if tc.question != "" {
				var a struct{ Question string }
				if err := json.Unmarshal([]byte(out), &a); err != nil {
					t.Fatalf("run(%q) printed %q, want one JSON line: %v", tc.args, out, err)
				}
				if a.Question != tc.question {
					t.Errorf("run(%q) asked %q, want %q", tc.args, a.Question, tc.question)
				}
			}
			for _, want := range tc.contains {
				if !strings.Contains(out, want) {
					t.Errorf("run(%q) printed %q, want %q in it", tc.args, out, want)
				}
			}
			for _, not := range tc.lacks {
				if strings.Contains(out, not) {
					t.Errorf("run(%q) printed %q, want no %q", tc.args, out, not)
				}
			}
		})
	}
}

// TestUsage checks where usage and usage errors go, and the exit codes.
func TestUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		args      []string
		code      int
		stdout    string // must appear exactly once in stdout; "" = stdout empty
		stderr    []string
		stderrOne string // must appear exactly once in stderr
	}{
		{name: "kutip --help", args: []string{"--help"}, stdout: "Usage:"},
		{name: "kutip help", args: []string{"help"}, stdout: "Usage:"},
		{name: "ask --help", args: []string{"ask", "--help"}, stdout: "Usage: kutip ask"},
		{name: "ask -h after the question", args: []string{"ask", "when did Russia ratify?", "-h"}, stdout: "Usage: kutip ask"},
		{name: "eval --help", args: []string{"eval", "--help"}, stdout: "Usage: kutip eval"},
		{name: "summary --help", args: []string{"summary", "--help"}, stdout: "Usage: kutip summary"},
		{name: "serve --help", args: []string{"serve", "--help"}, stdout: "Usage: kutip serve"},
		{name: "health --help", args: []string{"health", "--help"}, stdout: "Usage: kutip health"},
		{name: "no command", args: nil, code: exitUsage, stderrOne: "Usage:", stderr: []string{"kutip: no command given"}},
		{name: "unknown command", args: []string{"bogus"}, code: exitUsage, stderrOne: "Usage:", stderr: []string{`kutip: unknown command "bogus"`}},
		{name: "flag before the command", args: []string{"--json", "ask", "x"}, code: exitUsage,
			stderr: []string{"kutip: --json: give the command first"}},
		{name: "unknown flag", args: []string{"ask", "x", "--nope"}, code: exitUsage,
			stderr: []string{"kutip: ask: flag provided but not defined: -nope (see kutip ask --help)"}},
		{name: "flag without its value", args: []string{"ask", "x", "--top"}, code: exitUsage,
			stderr: []string{"flag needs an argument: -top"}},
		{name: "bad flag value", args: []string{"summary", "--sentences", "many"}, code: exitUsage,
			stderr: []string{"kutip: summary: invalid value \"many\" for flag -sentences"}},
		{name: "stray argument", args: []string{"summary", "Kursk"}, code: exitUsage,
			stderr: []string{`unexpected argument "Kursk"`}},
		{name: "eval takes no argument", args: []string{"eval", "q.jsonl"}, code: exitUsage,
			stderr: []string{`unexpected argument "q.jsonl"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// Neither --help nor a usage error reads a setting.
			stdout, stderr, code := runMain(t, untouchable(t), tc.args...)
			if code != tc.code {
				t.Errorf("kutip %q exited %d, want %d; stderr %q", tc.args, code, tc.code, stderr)
			}
			if tc.stdout == "" && stdout != "" {
				t.Errorf("kutip %q printed %q on stdout, want nothing", tc.args, stdout)
			}
			if tc.stdout != "" {
				if n := strings.Count(stdout, tc.stdout); n != 1 {
					t.Errorf("kutip %q printed %q %d times on stdout, want once:\n%s", tc.args, tc.stdout, n, stdout)
				}
				if stderr != "" {
					t.Errorf("kutip %q printed %q on stderr, want nothing", tc.args, stderr)
				}
			}
			if tc.stderrOne != "" {
				if n := strings.Count(stderr, tc.stderrOne); n != 1 {
					t.Errorf("kutip %q printed %q %d times on stderr, want once:\n%s", tc.args, tc.stderrOne, n, stderr)
				}
			}
			for _, want := range tc.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("kutip %q printed %q on stderr, want %q in it", tc.args, stderr, want)
				}
			}
		})
	}
}

// TestBotSettingsOnlyForServe checks that settings only serve uses, and a
// CORPUS_DIR that --corpus replaces, stop serve and nothing else.
func TestBotSettingsOnlyForServe(t *testing.T) {
	t.Parallel()
	file := article(t)
	questions := filepath.Join(t.TempDir(), "q.jsonl")
	if err := os.WriteFile(questions, []byte(`{"question":"Kapan gempa mengguncang Palu?","gold":["12 Maret 2024"]}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := map[string]string{
		"LOG_LEVEL":         "loud",
		"LOG_FORMAT":        "xml",
		"RATE_LIMIT_COUNT":  "many",
		"RATE_LIMIT_WINDOW": "forever",
		"RELOAD_INTERVAL":   "often",
		"DISCORD_GUILD_ID":  "my server",
		"DISCORD_API_BASE":  "discord",
		"HEALTH_ADDR":       "nonsense",
		"CORPUS_DIR":        "/no/such/corpus",
		"DISCORD_TOKEN":     "token",
	}
	tests := []struct {
		name    string
		args    []string
		wantErr []string // "" = success
	}{
		{name: "ask --corpus", args: []string{"ask", "--corpus", file, "Kapan gempa mengguncang Palu?"}},
		{name: "summary --corpus", args: []string{"summary", "--corpus", file}},
		{name: "eval --corpus", args: []string{"eval", "--corpus", file, "--questions", questions}},
		{name: "summary --help", args: []string{"summary", "--help"}, wantErr: []string{"flag: help requested"}},
		{name: "ask without --corpus names CORPUS_DIR", args: []string{"ask", "x"}, wantErr: []string{`CORPUS_DIR "/no/such/corpus" does not exist`}},
		{name: "serve names every bad setting", args: []string{"serve"}, wantErr: []string{
			"LOG_LEVEL", "LOG_FORMAT", "RATE_LIMIT_COUNT", "RATE_LIMIT_WINDOW", "RELOAD_INTERVAL",
			"DISCORD_GUILD_ID", "DISCORD_API_BASE", "HEALTH_ADDR", "CORPUS_DIR"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, errOut, err := runCLI(t, bad, "", tc.args...)
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatalf("run(%q) with bad bot settings = %v; stderr %q", tc.args, err, errOut)
				}
				return
			}
			if err == nil {
				t.Fatalf("run(%q) = nil, want an error naming %q", tc.args, tc.wantErr)
			}
			for _, want := range tc.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("run(%q) = %v, want it to name %s", tc.args, err, want)
				}
			}
		})
	}
}

// TestDotEnv checks settings from a .env file: under the environment, and a
// broken file reported by file and line without its text.
func TestDotEnv(t *testing.T) {
	t.Parallel()
	file := article(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.env")
	if err := os.WriteFile(good, []byte("CORPUS_DIR="+file+"\nINDEX_DIR=/no/such/index\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := func(m map[string]string) config.Lookup {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	tests := []struct {
		name     string
		src      config.Source
		args     []string
		contains string // in stdout
		wantErr  []string
		usage    bool
	}{
		{name: "from .env", src: config.Source{DotEnv: good, Env: env(map[string]string{"INDEX_DIR": ""})},
			args: []string{"ask", "Kapan gempa mengguncang Palu?"}, contains: "**12 Maret 2024**"},
		{name: "the environment wins, even when empty", src: config.Source{DotEnv: good, Env: env(map[string]string{"CORPUS_DIR": "", "INDEX_DIR": ""})},
			args: []string{"ask", "when did Russia ratify?"}, contains: "**6 November**"},
		{name: "no .env file", src: config.Source{DotEnv: filepath.Join(dir, "none.env")},
			args: []string{"ask", "when did Russia ratify?"}, contains: "**6 November**"},
		{name: "broken .env stops ask", src: config.Source{DotEnv: brokenDotEnv(t)},
			args: []string{"ask", "when did Russia ratify?"}, usage: true,
			wantErr: []string{".env line 3 (DISCORD_TOKEN)", "no closing quote"}},
		{name: "broken .env stops serve", src: config.Source{DotEnv: brokenDotEnv(t)},
			args: []string{"serve"}, usage: true, wantErr: []string{".env line 3 (DISCORD_TOKEN)"}},
		{name: "broken .env makes health unhealthy, not a usage error", src: config.Source{DotEnv: brokenDotEnv(t)},
			args: []string{"health"}, wantErr: []string{".env line 3 (DISCORD_TOKEN)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, errOut, err := runSource(t, tc.src, "", tc.args...)
			if strings.Contains(out+errOut+errText(err), "GxLEAK") {
				t.Errorf("run(%q) printed the token: %v\n%s%s", tc.args, err, out, errOut)
			}
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatalf("run(%q) = %v; stderr %q", tc.args, err, errOut)
				}
				if !strings.Contains(out, tc.contains) {
					t.Errorf("run(%q) printed %q, want %q in it", tc.args, out, tc.contains)
				}
				return
			}
			if err == nil || isUsage(err) != tc.usage {
				t.Fatalf("run(%q) = %v, want an error (usage error: %v)", tc.args, err, tc.usage)
			}
			for _, want := range tc.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("run(%q) = %v, want %q in it", tc.args, err, want)
				}
			}
		})
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestEmptyCorpusDir checks that a CORPUS_DIR folder with no articles yet
// answers from the built-in article with a warning naming it, while
// --corpus and a missing CORPUS_DIR stay errors.
func TestEmptyCorpusDir(t *testing.T) {
	t.Parallel()
	empty := t.TempDir()
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		warning string // on stderr
		wantErr string
	}{
		{name: "empty CORPUS_DIR", env: map[string]string{"CORPUS_DIR": empty}, args: []string{"ask", "when did Russia ratify?"},
			warning: `CORPUS_DIR "` + empty + `" has no articles yet`},
		{name: "CORPUS_DIR with no text", env: map[string]string{"CORPUS_DIR": "testdata/notext"}, args: []string{"summary"},
			warning: `CORPUS_DIR "testdata/notext" has no articles yet`},
		{name: "empty --corpus", args: []string{"ask", "--corpus", empty, "when did Russia ratify?"}, wantErr: "no usable text"},
		{name: "missing CORPUS_DIR", env: map[string]string{"CORPUS_DIR": filepath.Join(empty, "none")}, args: []string{"ask", "x"},
			wantErr: "CORPUS_DIR"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, errOut, err := runCLI(t, tc.env, "", tc.args...)
			if tc.wantErr != "" {
				if !isUsage(err) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("run(%q) = %v, want a usage error naming %q", tc.args, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("run(%q) = %v", tc.args, err)
			}
			if !strings.Contains(out, "Korea Utara") {
				t.Errorf("run(%q) printed %q, want the built-in article", tc.args, out)
			}
			if !strings.Contains(errOut, tc.warning) {
				t.Errorf("run(%q) warned %q, want %q", tc.args, errOut, tc.warning)
			}
		})
	}
}
