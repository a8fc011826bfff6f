package main

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// readAll reads every line of in with a questionReader: the text of each
// line, or "!N" for a line too long by the reader's count N.
func readAll(t testing.TB, in io.Reader, max int) []string {
	t.Helper()
	qr := newQuestionReader(in, max)
	var got []string
	for {
		text, tooLong, err := qr.next()
		if errors.Is(err, io.EOF) {
			return got
		}
		if err != nil {
			t.Fatalf("line %d: %v", qr.line, err)
		}
		if tooLong > 0 {
			got = append(got, "!"+strconv.Itoa(tooLong))
			continue
		}
		got = append(got, text)
	}
}

func TestQuestionReader(t *testing.T) {
	long := strings.Repeat("a", 200<<10) // over bufio's 64 KiB buffer
	tests := []struct {
		name string
		in   string
		max  int
		want []string
	}{
		{"empty input", "", 10, nil},
		{"one line, no ending", "abc", 10, []string{"abc"}},
		{"endings", "a\nb\r\nc\n", 10, []string{"a", "b", "c"}},
		{"blank lines kept", "a\n\n\nb\n", 10, []string{"a", "", "", "b"}},
		{"exactly max", "0123456789\n", 10, []string{"0123456789"}},
		{"exactly max with CRLF", "0123456789\r\n", 10, []string{"0123456789"}},
		{"one over max", "0123456789X\nok\n", 10, []string{"!11", "ok"}},
		{"one over max with CRLF", "0123456789X\r\nok\r\n", 10, []string{"!11", "ok"}},
		{"over max at the end, no ending", "ok\n0123456789X", 10, []string{"ok", "!11"}},
		{"lone CR is text", "a\rb\n", 10, []string{"a\rb"}},
		{"long line within max", long + "\nnext\n", 300 << 10, []string{long, "next"}},
		{"long line over max", "first\n" + long + "\nnext\n", 100 << 10, []string{"first", "!204800", "next"}},
		{"long line over max with CRLF", long + "\r\nnext", 100 << 10, []string{"!204800", "next"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, r := range []struct {
				name string
				r    io.Reader
			}{{"whole", strings.NewReader(tc.in)}, {"one byte at a time", iotest.OneByteReader(strings.NewReader(tc.in))}} {
				got := readAll(t, r.r, tc.max)
				if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
					t.Errorf("%s: got %d lines %.80q, want %d %.80q", r.name, len(got), got, len(tc.want), tc.want)
				}
			}
		})
	}
}

// endlessLine is a reader of one line of n bytes of 'q' and then "\nok\n",
// without holding the line.
type endlessLine struct{ n, read int }

func (e *endlessLine) Read(p []byte) (int, error) {
	tail := "\nok\n"
	if e.read >= e.n+len(tail) {
		return 0, io.EOF
	}
	i := 0
	for ; i < len(p) && e.read < e.n+len(tail); i++ {
		if e.read < e.n {
			p[i] = 'q'
		} else {
			p[i] = tail[e.read-e.n]
		}
		e.read++
	}
	return i, nil
}

// TestQuestionReaderBounded checks that a line far over the limit is
// dropped as it is read, not held: the reader's buffer stays near the
// limit while a 64 MiB line goes by.
func TestQuestionReaderBounded(t *testing.T) {
	const max = 1 << 20
	qr := newQuestionReader(&endlessLine{n: 64 << 20}, max)
	_, tooLong, err := qr.next()
	if err != nil || tooLong != 64<<20 {
		t.Fatalf("next() = tooLong %d, %v; want %d", tooLong, err, 64<<20)
	}
	if c := cap(qr.buf); c > 2*max {
		t.Errorf("the line buffer grew to %d bytes for a line limit of %d", c, max)
	}
	if text, _, err := qr.next(); text != "ok" || err != nil || qr.line != 2 {
		t.Errorf("after the long line: %q, %v at line %d; want \"ok\" at line 2", text, err, qr.line)
	}
}

// FuzzQuestionReader checks the reader against splitting the whole input
// on "\n": same lines, same endings trimmed, the same ones too long.
func FuzzQuestionReader(f *testing.F) {
	for _, s := range []string{"", "a", "a\nb", "a\r\nb\r\n", "\n\n", "\r\n", "0123456789\r\nx", "\r\r\n"} {
		f.Add(s, 4)
	}
	f.Fuzz(func(t *testing.T, in string, max int) {
		if max < 1 || max > 64 {
			return
		}
		var want []string
		lines := strings.Split(in, "\n")
		if lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		for i, l := range lines {
			if i < len(lines)-1 || strings.HasSuffix(in, "\n") {
				l = strings.TrimSuffix(l, "\r")
			}
			if len(l) > max {
				l = "!" + strconv.Itoa(len(l))
			}
			want = append(want, l)
		}
		got := readAll(t, iotest.HalfReader(strings.NewReader(in)), max)
		if len(got) != len(want) || strings.Join(got, "\x00") != strings.Join(want, "\x00") {
			t.Fatalf("max %d, input %q: got %q, want %q", max, in, got, want)
		}
	})
}

// TestAskBatchLongLine runs a batch whose second line is one byte over the
// limit: the first and third are answered, the second is reported on
// standard error with its number and the limit, and the run ends with an
// error (exit status 1) naming it.
func TestAskBatchLongLine(t *testing.T) {
	t.Parallel()
	in := "when did Russia ratify?\n" + strings.Repeat("x", maxQuestionLine+1) + "\nWho invented the telephone?\n"
	out, stderr, err := runCLI(t, nil, in, "ask", "--json")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"question":"when did Russia ratify?"`) || !strings.Contains(lines[1], `"question":"Who invented the telephone?"`) {
		t.Fatalf("stdout has %d lines, want the answers to lines 1 and 3:\n%.500s", len(lines), out)
	}
	wantStderr := "kutip: line 2: skipped: the question is 1048577 bytes, over the limit of 1048576 bytes (1 MiB); going on with the next line\n"
	if stderr != wantStderr {
		t.Errorf("stderr = %q, want %q", stderr, wantStderr)
	}
	if err == nil || isUsage(err) || !strings.Contains(err.Error(), "1 question line skipped") || !strings.Contains(err.Error(), ": 2;") {
		t.Errorf("err = %v, want a failure (exit 1) naming line 2", err)
	}
	if code := exitCode(err, io.Discard); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
}

func TestSkippedLinesError(t *testing.T) {
	tests := []struct {
		lines []int
		want  string
	}{
		{nil, ""},
		{[]int{7}, "1 question line skipped, longer than 1048576 bytes (1 MiB): 7; the other questions were answered"},
		{[]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, "12 question lines skipped, longer than 1048576 bytes (1 MiB): 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, and 2 more; the other questions were answered"},
	}
	for _, tc := range tests {
		err := skippedLines(tc.lines).err(maxQuestionLine)
		if got := errText(err); got != tc.want {
			t.Errorf("skippedLines(%v).err = %q, want %q", tc.lines, got, tc.want)
		}
	}
}
