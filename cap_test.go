package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kutip/config"
	"kutip/internal/health"
	"kutip/retrieval"
)

// bigArticle writes a .txt file of 1.1 MiB of text in a folder of
// its own and returns the file's path.
func bigArticle(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for i := 0; b.Len() <= 1<<20+100<<10; i++ {
		fmt.Fprintf(&b, "Kapal nomor %d berlayar ke pulau pada hari Minggu.", i)
		if i%20 == 19 {
			b.WriteString("\n\n")
		} else {
			b.WriteByte(' ')
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "besar.txt")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// filler writes files of the given sizes (of "a"s, in lines of 100) in a
// new folder and returns it; a size of 0 writes the built-in article's
// ratification sentence instead.
func filler(t *testing.T, files map[string]int) string {
	t.Helper()
	dir := t.TempDir()
	for name, size := range files {
		text := "Rusia meratifikasi perjanjian itu pada 6 November 2024.\n"
		if size > 0 {
			text = strings.Repeat(strings.Repeat("a", 99)+"\n", size/100+1)[:size]
		}
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestCorpusCap checks MAX_CORPUS_BYTES on the command line: a corpus over
// the cap is a usage error that names the setting, the corpus, its size,
// the cap and the way out, before anything is indexed; the built-in
// article fits the smallest cap.
func TestCorpusCap(t *testing.T) {
	t.Parallel()
	big := bigArticle(t)
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr []string // "" = answers
	}{
		{
			name:    "--corpus over the cap",
			env:     map[string]string{"MAX_CORPUS_BYTES": "1MiB"},
			args:    []string{"ask", "--corpus", big, "kapan kapal berlayar?"},
			wantErr: []string{`--corpus "` + big + `"`, "MAX_CORPUS_BYTES", "over the cap of 1 MiB (1048576 bytes)", "MAX_CORPUS_BYTES=2MiB", "or off"},
		},
		{
			name:    "CORPUS_DIR over the cap",
			env:     map[string]string{"MAX_CORPUS_BYTES": "1MiB", "CORPUS_DIR": filepath.Dir(big)},
			args:    []string{"ask", "kapan kapal berlayar?"},
			wantErr: []string{`CORPUS_DIR "` + filepath.Dir(big) + `"`, "MAX_CORPUS_BYTES", "the corpus has 1.1 MiB (", "of memory"},
		},
		{
			name:    "summary over the cap",
			env:     map[string]string{"MAX_CORPUS_BYTES": "1MiB", "CORPUS_DIR": big},
			args:    []string{"summary"},
			wantErr: []string{"MAX_CORPUS_BYTES", "over the cap"},
		},
		{
			name: "serve over the cap stops before it connects",
			env: map[string]string{"MAX_CORPUS_BYTES": "1MiB", "CORPUS_DIR": big,
				"DISCORD_TOKEN": "not.a.token", "DISCORD_API_BASE": "http://127.0.0.1:1"},
			args:    []string{"serve"},
			wantErr: []string{`CORPUS_DIR "` + big + `"`, "MAX_CORPUS_BYTES", "over the cap"},
		},
		{
			name:    "a bad cap stops serve too",
			env:     map[string]string{"MAX_CORPUS_BYTES": "0.5MiB", "DISCORD_TOKEN": "not.a.token"},
			args:    []string{"serve"},
			wantErr: []string{`MAX_CORPUS_BYTES="0.5MiB"`, "1MiB to 1TiB"},
		},
		{
			name:    "a bad cap",
			env:     map[string]string{"MAX_CORPUS_BYTES": "huge"},
			args:    []string{"ask", "when did Russia ratify?"},
			wantErr: []string{`MAX_CORPUS_BYTES="huge"`, "64MiB", "off"},
		},
		{
			name:    "files far over the cap are not read",
			env:     map[string]string{"MAX_CORPUS_BYTES": "1MiB"},
			args:    []string{"ask", "--corpus", filler(t, map[string]int{"a.txt": 3 << 20, "b/c.jsonl": 1<<20 + 1, "d.md": 10}), "x"},
			wantErr: []string{"the corpus files total 4.0 MiB (4194315 bytes), more than 4 times the cap of 1 MiB", "so they were not read", "MAX_CORPUS_BYTES=8MiB"},
		},
		{
			name: "only corpus files count on disk",
			env:  map[string]string{"MAX_CORPUS_BYTES": "1MiB"},
			args: []string{"ask", "--corpus", filler(t, map[string]int{"article.txt": 0, "photo.jpg": 5 << 20, ".hidden/old.txt": 5 << 20}), "When did Russia ratify?"},
		},
		{
			name: "the built-in article fits the smallest cap",
			env:  map[string]string{"MAX_CORPUS_BYTES": "1MiB"},
			args: []string{"ask", "when did Russia ratify?"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, _, err := runCLI(t, tc.env, "", tc.args...)
			if len(tc.wantErr) == 0 {
				if err != nil || !strings.Contains(out, "6 November") {
					t.Fatalf("err %v, output:\n%s", err, out)
				}
				return
			}
			if !isUsage(err) {
				t.Fatalf("err = %v, want a usage error (exit 2)", err)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// TestStartOpsReloadOverCap checks that a hot reload to a corpus over
// MAX_CORPUS_BYTES keeps the old index, counts a failed reload and logs
// why, naming the setting.
func TestStartOpsReloadOverCap(t *testing.T) {
	t.Parallel()
	dir, write := opsCorpus(t)
	live, build := opsLive(t, dir)
	build.MaxBytes = 1 << 20
	var logs lockedBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	reg := health.NewRegistry()
	cfg := config.Config{Paths: config.Paths{CorpusDir: dir, MaxCorpusBytes: 1 << 20}, ReloadInterval: 20 * time.Millisecond}
	stop, err := startOps(t.Context(), logger, cfg, opsOptions{
		Live: live, Build: build, Registry: reg, Connected: func() bool { return true },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	big, err := os.ReadFile(bigArticle(t))
	if err != nil {
		t.Fatal(err)
	}
	write("besar.txt", string(big))
	if err := logs.waitFor(waitCtx(t), `"msg":"corpus reload refused; still answering from the previous index"`); err != nil {
		t.Fatalf("%v; log:\n%s", err, logs.String())
	}
	if !strings.Contains(logs.String(), "(the cap is MAX_CORPUS_BYTES)") {
		t.Errorf("the log does not name MAX_CORPUS_BYTES:\n%s", logs.String())
	}
	a, err := live.Ask(t.Context(), "when was the bridge over the river opened?")
	if err != nil {
		t.Fatal(err)
	}
	if !a.Answered || !strings.Contains(a.Passages[0].Text, "bridge") {
		t.Errorf("after the refused reload, the old index answered %+v", a)
	}
	if got := metric(t, reg, "kutip_index_reloads_total", "result", "failed"); got != 1 {
		t.Errorf("kutip_index_reloads_total{result=\"failed\"} = %v, want 1", got)
	}
	if got := len(live.Documents()); got != 1 {
		t.Errorf("the live index has %d documents, want the old 1", got)
	}

	// Files far over the cap are refused before they are read.
	write("huge.txt", strings.Repeat(strings.Repeat("b", 99)+"\n", 5<<20/100))
	if err := logs.waitFor(waitCtx(t), "so they were not read"); err != nil {
		t.Fatalf("%v; log:\n%s", err, logs.String())
	}
	if got := metric(t, reg, "kutip_index_reloads_total", "result", "failed"); got != 2 {
		t.Errorf("kutip_index_reloads_total{result=\"failed\"} = %v, want 2", got)
	}
}

func TestSuggestCap(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{1, "1MiB"},
		{1 << 20, "1MiB"},
		{1<<20 + 1, "2MiB"},
		{40 << 20, "64MiB"},
		{1 << 30, "1GiB"},
		{3 << 30, "4GiB"},
	}
	for _, tc := range tests {
		if got := suggestCap(tc.n); got != tc.want {
			t.Errorf("suggestCap(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0 B"},
		{1023, "1023 B"},
		{1024, "1 KiB"},
		{1536, "1.5 KiB"},
		{32 << 20, "32 MiB"},
		{3 << 29, "1.5 GiB"},
		{5 << 40, "5 TiB"},
	}
	for _, tc := range tests {
		if got := retrieval.FormatBytes(tc.n); got != tc.want {
			t.Errorf("FormatBytes(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
