//go:build unix

package retrieval

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
)

// TestStoreFullDisk builds in an INDEX_DIR that fills up mid-build: a
// child process whose file size limit (RLIMIT_FSIZE) is far below the
// index's size, so that writing a segment fails as on a full disk. Build
// must answer from memory, say why, and leave no build folder behind.
func TestStoreFullDisk(t *testing.T) {
	if dir := os.Getenv("KUTIP_TEST_FULL_DIR"); dir != "" {
		signal.Ignore(syscall.SIGXFSZ) // a write past the limit fails instead
		lim := syscall.Rlimit{Cur: 16 << 10, Max: 16 << 10}
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
			fmt.Println("setrlimit:", err)
			os.Exit(1)
		}
		docs, questions := damageCorpus()
		ix, err := Build(context.Background(), docs, Options{Dir: dir})
		if err != nil {
			fmt.Println("build:", err)
			os.Exit(1)
		}
		a, err := ix.Ask(context.Background(), questions[1])
		if err != nil || len(a.Passages) == 0 {
			fmt.Println("ask:", err)
			os.Exit(1)
		}
		fmt.Printf("path=%q unwritable=%v\nanswer=%s\n", ix.Store().Path, ix.Store().Unwritable, a.Passages[0].Text)
		os.Exit(0)
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestStoreFullDisk$")
	cmd.Env = append(os.Environ(), "KUTIP_TEST_FULL_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	docs, questions := damageCorpus()
	want := answersOf(t, buildIn(t, docs, ""), questions[1:2])[0]
	got := string(out)
	if !strings.Contains(got, `path=""`) || !strings.Contains(got, "unwritable=") || strings.Contains(got, "unwritable=<nil>") {
		t.Errorf("Build in a full INDEX_DIR: %s; want an in-memory index and why", got)
	}
	if !strings.Contains(got, "answer="+want) {
		t.Errorf("Build in a full INDEX_DIR answers %s; want %q", got, want)
	}
	if left := indexDirs(t, dir); len(left) != 0 {
		t.Errorf("a build that ran out of space left %q", left)
	}
}
