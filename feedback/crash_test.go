package feedback_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"kutip/feedback"
)

// crashChildEnv, when set to "path name", makes TestCrashKeepsAcknowledged
// the writer process: it records questions, answers and votes into path
// until it is killed, printing "ack i" after each round of writes returned.
const crashChildEnv = "KUTIP_FEEDBACK_CRASH_CHILD"

// TestCrashKeepsAcknowledged kills writers with SIGKILL in the middle of
// their writes, several rounds over one file, two writers at a time (two
// replicas). Everything a writer acknowledged must be in the store when it
// is opened again, and the file must pass bbolt's check (Open moves a
// corrupt file aside and says so).
//
// SIGKILL ends the process, not the machine: what this shows is that a
// write is committed when its method returns and a half-done transaction
// is rolled back; that it reached the disk is bbolt's fsync.
func TestCrashKeepsAcknowledged(t *testing.T) {
	if v := os.Getenv(crashChildEnv); v != "" {
		crashChild(t, v)
		return
	}
	if testing.Short() {
		t.Skip("starts writer processes")
	}
	path := filepath.Join(t.TempDir(), "feedback.db")
	// Kill after this many acknowledged rounds of each writer: a spread,
	// so the kill lands at different points of a transaction.
	kills := [][2]int{{1, 7}, {23, 5}, {40, 41}, {3, 60}, {17, 18}}
	acked := map[string]int{} // writer name → rounds acknowledged
	for r, k := range kills {
		var got [2]int
		var cmds []*exec.Cmd
		var outs []*bufio.Scanner
		for w := range 2 {
			name := fmt.Sprintf("r%dw%d", r, w)
			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashKeepsAcknowledged$", "-test.count=1")
			cmd.Env = append(os.Environ(), crashChildEnv+"="+path+" "+name)
			cmd.Stderr = os.Stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			cmds = append(cmds, cmd)
			outs = append(outs, bufio.NewScanner(out))
		}
		for w, cmd := range cmds {
			name := fmt.Sprintf("r%dw%d", r, w)
			n := readAcks(t, outs[w], k[w])
			// Kill while it writes the next round; the other writer runs on.
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			// Acks printed between our read and the kill count too.
			n = max(n, readAcks(t, outs[w], -1))
			if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
				t.Fatalf("writer %s ended with %v, want killed", name, err)
			}
			acked[name] = n
			got[w] = n
		}
		s, warn := feedback.Open(path, feedback.Options{})
		if warn != nil {
			t.Fatalf("round %d: Open after the kill: %v", r, warn)
		}
		for name, n := range acked {
			for i := range n {
				id := name + "-" + strconv.Itoa(i)
				if _, ok, err := s.Recall(t.Context(), id); !ok || err != nil {
					t.Fatalf("round %d: acknowledged answer %s lost (%v)", r, id, err)
				}
				if tally, err := s.Tally(t.Context(), id); err != nil || tally != (feedback.Tally{Down: 1}) {
					t.Fatalf("round %d: acknowledged vote on %s: tally %+v, %v", r, id, tally, err)
				}
			}
		}
		rep, err := s.Report(t.Context(), feedback.ReportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		total := 0 // questions acknowledged: n rounds, n/2 of them with two
		for _, n := range acked {
			total += n + n/2
		}
		if rep.Asked < total || rep.Asked > total+2*len(acked) {
			t.Fatalf("round %d: %d questions stored, want %d acknowledged (+ at most one unacknowledged per writer)", r, rep.Asked, total)
		}
		t.Logf("round %d: writers killed after %d and %d acknowledged rounds (2 or 3 fsynced transactions each); %d questions stored, %d acknowledged so far; file intact", r, got[0], got[1], rep.Asked, total)
	}
}

// readAcks reads "ack i" lines until it has read want of them (-1: until
// the end) and returns how many rounds were acknowledged.
func readAcks(t *testing.T, sc *bufio.Scanner, want int) int {
	t.Helper()
	n := 0
	var other []string
	for sc.Scan() {
		line := sc.Text()
		i, ok := strings.CutPrefix(line, "ack ")
		if !ok {
			other = append(other, line) // the test binary's own output
			continue
		}
		v, err := strconv.Atoi(i)
		if err != nil {
			t.Fatalf("writer printed %q", line)
		}
		n = v + 1
		if want >= 0 && n >= want {
			return n
		}
	}
	if want >= 0 {
		t.Fatalf("writer ended after %d acknowledged rounds, before %d:\n%s", n, want, strings.Join(other, "\n"))
	}
	return n
}

// crashChild writes rounds until killed: a question and its answer, a
// vote, every other round a question alone first; then "ack i".
func crashChild(t *testing.T, v string) {
	path, name, _ := strings.Cut(v, " ")
	s, warn := feedback.Open(path, feedback.Options{})
	if warn != nil {
		t.Fatalf("writer %s: Open: %v", name, warn)
	}
	ctx := t.Context()
	for i := 0; ; i++ {
		id := name + "-" + strconv.Itoa(i)
		// As the bot does: the question and its answer in one write, and
		// odd rounds the question alone first, as Asked.
		if i%2 == 1 {
			if err := s.Asked(ctx, feedback.Question{ID: id + "-alone", Text: "question " + id, Outcome: feedback.Abstained}); err != nil {
				t.Fatalf("Asked: %v", err)
			}
		}
		if err := s.Record(ctx, feedback.Question{ID: id, Text: "question " + id, Outcome: feedback.Abstained},
			&feedback.Answer{ID: id, Question: "question " + id, Passages: []feedback.Passage{{Doc: "d", Paragraph: 1, Sentence: 1}}}); err != nil {
			t.Fatalf("Record: %v", err)
		}
		if _, err := s.Vote(ctx, id, "user-"+name, feedback.Down); err != nil {
			t.Fatalf("Vote: %v", err)
		}
		fmt.Printf("ack %d\n", i)
	}
}
