package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kutip/config"
	"kutip/feedback"
)

// update rewrites the golden files of the root package's tests.
var update = flag.Bool("update", false, "update the golden files in testdata")

// reportNow is the clock of the report tests: a week after reportStart.
var (
	reportStart = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	reportNow   = reportStart.Add(7*24*time.Hour + 10*time.Hour)
)

// feedbackFixture writes a store to dir/feedback.db: a week of questions in
// two servers and a DM, answers, and votes.
func feedbackFixture(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "feedback.db")
	now := reportStart
	s, warn := feedback.Open(path, feedback.Options{Now: func() time.Time { return now }})
	if warn != nil {
		t.Fatal(warn)
	}
	defer s.Close()
	ctx := t.Context()
	day := func(d, h int) time.Time {
		return reportStart.Add(time.Duration(d)*24*time.Hour + time.Duration(h)*time.Hour)
	}
	questions := []feedback.Question{
		{ID: "1", Text: "Kapan perjanjian ditandatangani?", Guild: "g1", Outcome: feedback.Answered, Confidence: 0.9, Time: day(0, 9)},
		{ID: "2", Text: "Who is the president of France?", Guild: "g1", Outcome: feedback.Abstained, Confidence: 0.1, Time: day(0, 10)},
		{ID: "3", Text: "who is the president of france", Guild: "g2", Outcome: feedback.Abstained, Confidence: 0.12, Time: day(2, 11)},
		{ID: "4", Text: "Berapa jumlah tentara Korea Utara?", Guild: "g1", Outcome: feedback.LowConfidence, Confidence: 0.5, Time: day(3, 8)},
		{ID: "5", Text: "Siapa yang menandatangani?", Guild: "g2", Outcome: feedback.Answered, Confidence: 0.8, Time: day(6, 7)},
		{ID: "6", Text: "What about \x1b[31mUkraine\x1b[0m?\u202e", Outcome: feedback.Abstained, Confidence: 0.2, Time: day(6, 9)},
		{ID: "7", Text: "Berapa jumlah tentara Korea Utara", Guild: "g2", Outcome: feedback.Abstained, Confidence: 0.3, Time: day(7, 2)},
		{ID: "0", Text: "too old for 7d", Guild: "g1", Outcome: feedback.Abstained, Time: day(-3, 0)},
	}
	for _, q := range questions {
		if err := s.Asked(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	answers := []feedback.Answer{
		{ID: "1", Question: "Kapan perjanjian ditandatangani?", Guild: "g1", Answered: true, Time: day(0, 9),
			Passages: []feedback.Passage{{Doc: "nk-ru", Title: "Korea Utara meratifikasi pakta", Paragraph: 2, Sentence: 1}}},
		{ID: "4", Question: "Berapa jumlah tentara Korea Utara?", Guild: "g1", Answered: true, Time: day(3, 8),
			Passages: []feedback.Passage{{Doc: "nk-ru", Title: "Korea Utara meratifikasi pakta", Paragraph: 9, Sentence: 2}}},
		{ID: "5", Question: "Siapa yang menandatangani?", Guild: "g2", Answered: true, Time: day(6, 7),
			Passages: []feedback.Passage{{Doc: "nk-ru", Paragraph: 3, Sentence: 1}}},
	}
	for _, a := range answers {
		if err := s.Remember(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	now = day(7, 0)
	for _, v := range []struct {
		answer, user string
		v            feedback.Vote
	}{{"4", "u1", feedback.Down}, {"4", "u2", feedback.Down}, {"4", "u3", feedback.Up}, {"1", "u1", feedback.Up}, {"5", "u1", feedback.Down}, {"9", "u4", feedback.Down}} {
		if _, err := s.Vote(ctx, v.answer, v.user, v.v); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	path := feedbackFixture(t, dir)
	tests := []struct {
		name     string
		args     []string
		indexDir string
		// feedbackFile and retention are FEEDBACK_FILE and FEEDBACK_RETENTION.
		feedbackFile, retention string
		golden                  string // testdata/report/<golden>.golden holds stdout
		wantErr                 string // "" = success
		usage                   bool   // the error is a usage error
	}{
		{name: "week json", args: []string{"--json", "--file", path}, golden: "week.json"},
		{name: "week text from INDEX_DIR", args: []string{}, indexDir: dir, golden: "week.txt"},
		{name: "week text from FEEDBACK_FILE", args: []string{}, feedbackFile: path, golden: "week.txt"},
		// report reads FEEDBACK_FILE and INDEX_DIR only: a wrong setting of
		// serve alone cannot stop it.
		{name: "a bad serve setting is not read", args: []string{}, indexDir: dir, retention: "forever", golden: "week.txt"},
		{name: "all of one server", args: []string{"--since", "all", "--guild", "g2", "--file", path}, golden: "g2_all.txt"},
		{name: "a date", args: []string{"--file", path, "--since=2026-11-30"}, golden: "since_date.txt"},
		{name: "nothing asked", args: []string{"--file", path, "--since", "5m"}, golden: "empty.txt"},
		{name: "no INDEX_DIR", args: []string{"--since", "7d"}, wantErr: "INDEX_DIR/feedback.db (or FEEDBACK_FILE)", usage: true},
		{name: "bad since", args: []string{"--file", path, "--since", "a week"}, wantErr: "such as 7d", usage: true},
		{name: "future date", args: []string{"--file", path, "--since", "2027-01-01"}, wantErr: "in the future", usage: true},
		{name: "argument", args: []string{"--file", path, "france"}, wantErr: `unexpected argument "france"`, usage: true},
		{name: "no store yet", args: []string{"--file", filepath.Join(dir, "none.db")}, wantErr: "no feedback store at " + filepath.Join(dir, "none.db") + " yet"},
		{name: "two replicas", args: []string{"--file", path, "--file", secondStore(t, dir), "--since", "all"}, golden: "two_files.txt"},
		{name: "empty file flag", args: []string{"--file="}, wantErr: "empty path", usage: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			envs := map[string]string{"INDEX_DIR": tc.indexDir, "FEEDBACK_FILE": tc.feedbackFile, "FEEDBACK_RETENTION": tc.retention}
			e := &env{stdio: stdio{stdout: &stdout, stderr: &stderr}, settings: config.Source{Env: func(k string) (string, bool) {
				v, ok := envs[k]
				return v, ok
			}}}
			err := report(t.Context(), e, tc.args, func() time.Time { return reportNow })
			if tc.wantErr != "" {
				var ue usageError
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || errors.As(err, &ue) != tc.usage {
					t.Fatalf("report %q = %v, want an error with %q (usage error: %v)", tc.args, err, tc.wantErr, tc.usage)
				}
				return
			}
			if err != nil {
				t.Fatalf("report %q = %v", tc.args, err)
			}
			got := stdout.Bytes()
			// JSON is data, escaped as JSON; the text is for a terminal.
			if !strings.HasSuffix(tc.golden, ".json") && bytes.ContainsAny(got, "\x1b\u202e") {
				t.Errorf("report %q printed an escape or bidi control:\n%s", tc.args, got)
			}
			golden := filepath.Join("testdata", "report", tc.golden+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestReportCommand -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("report %q differs from %s (go test -run TestReportCommand -update if right)\ngot:\n%s", tc.args, golden, got)
			}
		})
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 11, 30, 13, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"7d", now.Add(-7 * 24 * time.Hour), true},
		{" 2W ", now.Add(-14 * 24 * time.Hour), true},
		{"36h", now.Add(-36 * time.Hour), true},
		{"90m", now.Add(-90 * time.Minute), true},
		{"all", time.Time{}, true},
		{"2026-11-01", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), true},
		{"2026-12-01", time.Time{}, false},
		{"0d", time.Time{}, false},
		{"-3d", time.Time{}, false},
		{"d", time.Time{}, false},
		{"7", time.Time{}, false},
		{"7s", time.Time{}, false},
		{"1.5d", time.Time{}, false},
		{"999999999999w", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tc := range tests {
		got, err := parseSince(tc.in, now)
		if (err == nil) != tc.ok || !got.Equal(tc.want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func FuzzParseSince(f *testing.F) {
	for _, s := range []string{"7d", "2w", "36h", "90m", "all", "2026-11-01", "0d", "-1h", "9223372036854775807m", ""} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 30, 13, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseSince(s, now)
		if err != nil {
			return
		}
		if got.After(now) {
			t.Errorf("parseSince(%q) = %v, after now", s, got)
		}
		if now.Sub(got) < time.Minute && !got.IsZero() {
			t.Errorf("parseSince(%q) = %v: a period under a minute", s, got)
		}
	})
}

func TestTermSafe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"red \x1b[31mtext\x1b[0m", "red  [31mtext [0m"},
		{"\u202egnp.exe", "gnp.exe"},
		{"line\nbreak\ttab\u2028", "line break tab "},
		{"bad \xff utf8", "bad \uFFFD utf8"},
	}
	for _, tc := range tests {
		if got := termSafe(tc.in); got != tc.want {
			t.Errorf("termSafe(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// secondStore writes another replica's store next to the fixture's: a
// question the first also had, and a down-vote on the first's answer 4.
func secondStore(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "replica2.db")
	s, warn := feedback.Open(path, feedback.Options{Now: func() time.Time { return reportStart.Add(5 * 24 * time.Hour) }})
	if warn != nil {
		t.Fatal(warn)
	}
	defer s.Close()
	if err := s.Asked(t.Context(), feedback.Question{ID: "21", Text: "WHO is the president of France", Guild: "g3", Outcome: feedback.Abstained}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Vote(t.Context(), "4", "u9", feedback.Down); err != nil {
		t.Fatal(err)
	}
	return path
}
