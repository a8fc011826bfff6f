package feedback_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"kutip/feedback"
	"kutip/internal/testutil"
)

var t0 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// kinds are the two stores every behavioural test runs against. open
// returns a store and a function that closes and reopens it (a restart);
// the memory store's restart keeps it, as a process that lives on would.
var kinds = []struct {
	name string
	open func(t *testing.T, opts feedback.Options) (*feedback.Store, func() *feedback.Store)
}{
	{"bolt", func(t *testing.T, opts feedback.Options) (*feedback.Store, func() *feedback.Store) {
		path := filepath.Join(t.TempDir(), "feedback.db")
		s := mustOpen(t, path, opts)
		return s, func() *feedback.Store {
			if err := s.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			s = mustOpen(t, path, opts)
			return s
		}
	}},
	{"memory", func(t *testing.T, opts feedback.Options) (*feedback.Store, func() *feedback.Store) {
		s, warn := feedback.Open("", opts)
		if warn == nil || !strings.Contains(warn.Error(), "INDEX_DIR") {
			t.Errorf("Open(\"\") warning = %v, want one naming INDEX_DIR", warn)
		}
		return s, func() *feedback.Store { return s }
	}},
}

func mustOpen(tb testing.TB, path string, opts feedback.Options) *feedback.Store {
	tb.Helper()
	s, warn := feedback.Open(path, opts)
	if warn != nil {
		tb.Fatalf("Open(%s) warning: %v", path, warn)
	}
	if s.Path() != path {
		tb.Fatalf("Open(%s) is in memory", path)
	}
	return s
}

func TestRememberRecall(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			c := testutil.NewClock(t0)
			s, restart := k.open(t, feedback.Options{Retention: feedback.DefaultRetention, Now: c.Now})
			ctx := t.Context()
			a := feedback.Answer{
				ID: "1310000000000000001", Question: "Kapan Rusia meratifikasi perjanjian itu?",
				Guild: "g1", Channel: "c1", Locale: "id", Answered: true,
				Passages: []feedback.Passage{{Doc: "nk-ru", Title: "Perjanjian", Paragraph: 4, Sentence: 2}, {Doc: "nk-ru", Paragraph: 5, Sentence: 1}},
			}
			if err := s.Remember(ctx, a); err != nil {
				t.Fatalf("Remember: %v", err)
			}
			s = restart() // a click after a restart finds the answer
			got, ok, err := s.Recall(ctx, a.ID)
			want := a
			want.Time = t0
			if err != nil || !ok || !reflect.DeepEqual(got, want) {
				t.Errorf("Recall(%s) = %+v, %v, %v; want %+v, true, nil", a.ID, got, ok, err, want)
			}
			if _, ok, err := s.Recall(ctx, "404"); ok || err != nil {
				t.Errorf("Recall(unknown) = _, %v, %v; want false, nil", ok, err)
			}
			// Remembering an ID again replaces its record.
			a.Passages = a.Passages[:1]
			if err := s.Remember(ctx, a); err != nil {
				t.Fatalf("Remember again: %v", err)
			}
			if got, _, _ := s.Recall(ctx, a.ID); len(got.Passages) != 1 {
				t.Errorf("Recall after replace has %d passages, want 1", len(got.Passages))
			}
		})
	}
}

func TestVote(t *testing.T) {
	steps := []struct {
		answer, user string
		v            feedback.Vote
		want         feedback.Tally
	}{
		{"a1", "u1", feedback.Up, feedback.Tally{Up: 1}},
		{"a1", "u2", feedback.Down, feedback.Tally{Up: 1, Down: 1}},
		{"a1", "u1", feedback.Up, feedback.Tally{Up: 1, Down: 1}},          // the same vote twice counts once
		{"a1", "u1", feedback.Down, feedback.Tally{Down: 2}},               // changed
		{"a1", "u2", feedback.None, feedback.Tally{Down: 1}},               // withdrawn
		{"a1", "u2", feedback.None, feedback.Tally{Down: 1}},               // nothing to withdraw
		{"a10", "u1", feedback.Up, feedback.Tally{Up: 1}},                  // a prefix of another ID is another answer
		{"never-remembered", "u3", feedback.Down, feedback.Tally{Down: 1}}, // kept without its answer
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			s, restart := k.open(t, feedback.Options{Now: (testutil.NewClock(t0)).Now})
			for i, st := range steps {
				if i == 4 {
					s = restart()
				}
				got, err := s.Vote(t.Context(), st.answer, st.user, st.v)
				if err != nil || got != st.want {
					t.Errorf("step %d: Vote(%s, %s, %v) = %+v, %v; want %+v", i, st.answer, st.user, st.v, got, err, st.want)
				}
			}
		})
	}
}

func TestInvalid(t *testing.T) {
	long := strings.Repeat("9", 65)
	calls := []struct {
		name string
		call func(context.Context, *feedback.Store) error
	}{
		{"answer without ID", func(ctx context.Context, s *feedback.Store) error {
			return s.Remember(ctx, feedback.Answer{Question: "q"})
		}},
		{"answer ID too long", func(ctx context.Context, s *feedback.Store) error {
			return s.Remember(ctx, feedback.Answer{ID: long})
		}},
		{"vote without user", func(ctx context.Context, s *feedback.Store) error {
			_, err := s.Vote(ctx, "a", "", feedback.Up)
			return err
		}},
		{"vote out of range", func(ctx context.Context, s *feedback.Store) error {
			_, err := s.Vote(ctx, "a", "u", feedback.Vote(2))
			return err
		}},
		{"question without outcome", func(ctx context.Context, s *feedback.Store) error {
			return s.Asked(ctx, feedback.Question{ID: "1", Text: "q"})
		}},
		{"question too long", func(ctx context.Context, s *feedback.Store) error {
			return s.Asked(ctx, feedback.Question{ID: "1", Text: strings.Repeat("x", 4001), Outcome: feedback.Abstained})
		}},
	}
	for _, k := range kinds {
		s, _ := k.open(t, feedback.Options{})
		for _, c := range calls {
			if err := c.call(t.Context(), s); !errors.Is(err, feedback.ErrInvalid) {
				t.Errorf("%s: %s = %v, want ErrInvalid", k.name, c.name, err)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Asked(t.Context(), feedback.Question{Text: "q", Outcome: feedback.Answered}); !errors.Is(err, feedback.ErrClosed) {
			t.Errorf("%s: Asked after Close = %v, want ErrClosed", k.name, err)
		}
	}
}

// askedCase is one question of the report test, asked at day d, hour h.
type askedCase struct {
	d, h    int
	text    string
	outcome feedback.Outcome
}

func TestReport(t *testing.T) {
	asked := []askedCase{
		{0, 1, "Kapan perjanjian ditandatangani?", feedback.Answered},
		{0, 2, "Who is the president of France?", feedback.Abstained},
		{1, 3, "who is the President of France", feedback.Abstained},
		{1, 4, "  Who is  the president of   France?! ", feedback.LowConfidence},
		{1, 5, "Berapa jumlah tentara?", feedback.LowConfidence},
		{2, 6, "What about Ukraine?", feedback.Abstained},
		{2, 7, "Siapa Putin?", feedback.Answered},
		{3, 8, "Berapa jumlah tentara", feedback.Abstained},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			c := testutil.NewClock(t0)
			s, restart := k.open(t, feedback.Options{Retention: feedback.DefaultRetention, Now: c.Now})
			ctx := t.Context()
			for i, a := range asked {
				q := feedback.Question{
					ID: string(rune('a' + i)), Text: a.text, Outcome: a.outcome, Confidence: 0.5,
					Time: t0.Add(time.Duration(a.d)*24*time.Hour + time.Duration(a.h)*time.Hour),
				}
				if err := s.Asked(ctx, q); err != nil {
					t.Fatalf("Asked(%q): %v", a.text, err)
				}
			}
			mustRemember(t, s, feedback.Answer{ID: "x1", Question: "Kapan perjanjian ditandatangani?", Passages: []feedback.Passage{{Doc: "nk-ru", Paragraph: 2, Sentence: 1}}})
			mustRemember(t, s, feedback.Answer{ID: "x2", Question: "Siapa Putin?", Passages: []feedback.Passage{{Doc: "nk-ru", Paragraph: 7, Sentence: 3}}})
			for _, v := range []struct {
				a, u string
				v    feedback.Vote
			}{{"x1", "u1", feedback.Down}, {"x1", "u2", feedback.Down}, {"x1", "u3", feedback.Up}, {"x2", "u1", feedback.Down}, {"x2", "u2", feedback.Up}, {"gone", "u1", feedback.Down}, {"x3", "u1", feedback.Up}} {
				if _, err := s.Vote(ctx, v.a, v.u, v.v); err != nil {
					t.Fatal(err)
				}
			}
			c.Advance(5 * 24 * time.Hour)
			s = restart()

			got, err := s.Report(ctx, feedback.ReportOptions{Since: t0.Add(24 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			want := feedback.Report{
				Since: t0.Add(24 * time.Hour), Until: t0.Add(5 * 24 * time.Hour),
				Asked: 6, Answered: 1, Abstained: 3, LowConfidence: 2,
				Unanswered: []feedback.Unanswered{
					{Question: "berapa jumlah tentara", Example: "Berapa jumlah tentara", Count: 2, Abstained: 1, LowConfidence: 1, Last: t0.Add(3*24*time.Hour + 8*time.Hour)},
					{Question: "who is the president of france", Example: "  Who is  the president of   France?! ", Count: 2, Abstained: 1, LowConfidence: 1, Last: t0.Add(24*time.Hour + 4*time.Hour)},
					{Question: "what about ukraine", Example: "What about Ukraine?", Count: 1, Abstained: 1, Last: t0.Add(2*24*time.Hour + 6*time.Hour)},
				},
				// The votes were cast at t0, before since: none.
				DownVoted: []feedback.Voted{},
				Days: []feedback.Day{
					{Date: "2026-11-21", Asked: 3, Abstained: 1, LowConfidence: 2},
					{Date: "2026-11-22", Asked: 2, Answered: 1, Abstained: 1},
					{Date: "2026-11-23", Asked: 1, Abstained: 1},
				},
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Report(since day 1):\n got %s\nwant %s", js(t, got), js(t, want))
			}

			got, err = s.Report(ctx, feedback.ReportOptions{Since: t0})
			if err != nil {
				t.Fatal(err)
			}
			wantVoted := []feedback.Voted{
				{AnswerID: "x1", Question: "Kapan perjanjian ditandatangani?", Passage: &feedback.Passage{Doc: "nk-ru", Paragraph: 2, Sentence: 1}, Up: 1, Down: 2},
				{AnswerID: "gone", Down: 1},
				{AnswerID: "x2", Question: "Siapa Putin?", Passage: &feedback.Passage{Doc: "nk-ru", Paragraph: 7, Sentence: 3}, Up: 1, Down: 1},
			}
			if !reflect.DeepEqual(got.DownVoted, wantVoted) || got.Asked != len(asked) || len(got.Days) != 4 {
				t.Errorf("Report(since t0): down-voted %s, asked %d, %d days; want %s, %d, 4", js(t, got.DownVoted), got.Asked, len(got.Days), js(t, wantVoted), len(asked))
			}
		})
	}
}

func mustRemember(tb testing.TB, s *feedback.Store, a feedback.Answer) {
	tb.Helper()
	if err := s.Remember(tb.Context(), a); err != nil {
		tb.Fatalf("Remember(%s): %v", a.ID, err)
	}
}

func js(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestRetention(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			c := testutil.NewClock(t0)
			retention := 10 * 24 * time.Hour
			s, restart := k.open(t, feedback.Options{Retention: retention, Now: c.Now})
			ctx := t.Context()
			mustRemember(t, s, feedback.Answer{ID: "old"})
			if _, err := s.Vote(ctx, "old", "u", feedback.Down); err != nil {
				t.Fatal(err)
			}
			if err := s.Asked(ctx, feedback.Question{ID: "old", Text: "old?", Outcome: feedback.Abstained}); err != nil {
				t.Fatal(err)
			}
			c.Advance(retention - time.Minute)
			mustRemember(t, s, feedback.Answer{ID: "young"}) // prunes, but nothing is old yet
			if _, ok, _ := s.Recall(ctx, "old"); !ok {
				t.Fatalf("old answer gone before its retention ended")
			}
			c.Advance(feedback.PruneEvery)
			// The first write PruneEvery after the last prune prunes (the
			// memory store); reopening prunes (the file).
			if err := s.Asked(ctx, feedback.Question{ID: "new", Text: "new?", Outcome: feedback.Abstained}); err != nil {
				t.Fatal(err)
			}
			s = restart()
			if _, ok, _ := s.Recall(ctx, "old"); ok {
				t.Errorf("answer past retention still recalled")
			}
			if _, ok, _ := s.Recall(ctx, "young"); !ok {
				t.Errorf("answer within retention pruned")
			}
			r, err := s.Report(ctx, feedback.ReportOptions{Since: time.Time{}})
			if err != nil {
				t.Fatal(err)
			}
			if r.Asked != 1 || len(r.DownVoted) != 0 {
				t.Errorf("report after prune: asked %d, down-voted %v; want 1 (the new one), none", r.Asked, r.DownVoted)
			}
			if n, err := s.Prune(ctx); err != nil || n != 0 {
				t.Errorf("Prune again = %d, %v; want 0, nil", n, err)
			}
		})
	}
}

// TestNoUserIDs checks that the file holds the question text but not the
// voters' user IDs.
func TestNoUserIDs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feedback.db")
	s := mustOpen(t, path, feedback.Options{})
	user := "1234567890123456789"
	mustRemember(t, s, feedback.Answer{ID: "1300000000000000000", Question: "When did Russia ratify?"})
	if _, err := s.Vote(t.Context(), "1300000000000000000", user, feedback.Up); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("When did Russia ratify?")) {
		t.Fatalf("the file does not hold the question: the test reads the wrong file")
	}
	if bytes.Contains(b, []byte(user)) {
		t.Errorf("the file holds the voter's user ID %s", user)
	}
}

func TestOpenCorrupt(t *testing.T) {
	cases := []struct {
		name    string
		corrupt func(t *testing.T, path string)
	}{
		{"garbage", func(t *testing.T, path string) {
			if err := os.WriteFile(path, bytes.Repeat([]byte("not a bbolt file\n"), 1000), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"short", func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"damaged pages", func(t *testing.T, path string) {
			s := mustOpen(t, path, feedback.Options{})
			for i := range 200 {
				mustRemember(t, s, feedback.Answer{ID: string(rune('A'+i%26)) + strings.Repeat("x", i%50), Question: strings.Repeat("q", 300)})
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// Leave the two meta pages, overwrite the rest.
			for i := 2 * 4096; i < len(b); i++ {
				b[i] = byte(i * 7)
			}
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "feedback.db")
			tc.corrupt(t, path)
			c := testutil.NewClock(t0)
			s, warn := feedback.Open(path, feedback.Options{Now: c.Now})
			if warn == nil || !strings.Contains(warn.Error(), "corrupt") || !strings.Contains(warn.Error(), path+".corrupt-20261120T090000.000Z") {
				t.Errorf("Open(corrupt) warning = %v, want one naming the corrupt file and where it went", warn)
			}
			if s.Path() != path {
				t.Errorf("Open(corrupt) store in memory, want a new file")
			}
			if _, err := os.Stat(path + ".corrupt-20261120T090000.000Z"); err != nil {
				t.Errorf("corrupt file not kept aside: %v", err)
			}
			mustRemember(t, s, feedback.Answer{ID: "1"})
			if _, ok, err := s.Recall(t.Context(), "1"); !ok || err != nil {
				t.Errorf("new store Recall = %v, %v", ok, err)
			}
		})
	}
}

// TestCorruptWhileOpen: a file damaged under a running store fails reads
// with an error, never a panic; a write moves it aside (saying so through
// Options.Warn) and goes to a new file, or fails without Warn.
func TestCorruptWhileOpen(t *testing.T) {
	for _, heal := range []bool{false, true} {
		t.Run(fmt.Sprint("warn ", heal), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "feedback.db")
			var warned []error
			opts := feedback.Options{Now: (testutil.NewClock(t0)).Now}
			if heal {
				opts.Warn = func(err error) { warned = append(warned, err) }
			}
			s := mustOpen(t, path, opts)
			mustRemember(t, s, feedback.Answer{ID: "1", Question: "q"})
			if err := os.WriteFile(path, bytes.Repeat([]byte{0xff}, 16384), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.Recall(t.Context(), "1"); err == nil {
				t.Errorf("Recall from a damaged file succeeded")
			}
			err := s.Remember(t.Context(), feedback.Answer{ID: "2"})
			if !heal {
				if err == nil {
					t.Errorf("Remember into a damaged file succeeded without Warn")
				}
				return
			}
			if err != nil {
				t.Fatalf("Remember after the file was damaged: %v", err)
			}
			if len(warned) != 1 || !strings.Contains(warned[0].Error(), path+".corrupt-20261120T090000.000Z") {
				t.Errorf("warnings %v, want one naming where the file went", warned)
			}
			if _, ok, err := s.Recall(t.Context(), "2"); !ok || err != nil {
				t.Errorf("Recall from the new file = %v, %v", ok, err)
			}
		})
	}
}

func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feedback.db")
	db, err := bolt.Open(path, 0o600, nil) // holds the file's lock, as an older kutip would
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, warn := feedback.Open(path, feedback.Options{LockTimeout: 100 * time.Millisecond})
	if warn == nil || !strings.Contains(warn.Error(), "another process") || !strings.Contains(warn.Error(), "in memory") {
		t.Errorf("Open(locked) warning = %v, want one saying another process holds it and the store is in memory", warn)
	}
	if s.Path() != "" {
		t.Errorf("Open(locked) Path = %q, want in memory", s.Path())
	}
	mustRemember(t, s, feedback.Answer{ID: "1"}) // and it works
}

// TestShared: two stores on one file (two replicas) see each other's
// records, and `kutip report` can read while they run.
func TestShared(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feedback.db")
	a := mustOpen(t, path, feedback.Options{})
	b := mustOpen(t, path, feedback.Options{})
	mustRemember(t, a, feedback.Answer{ID: "1", Question: "q"})
	if _, ok, err := b.Recall(t.Context(), "1"); !ok || err != nil {
		t.Errorf("replica b Recall(answer of a) = %v, %v; want true", ok, err)
	}
	if _, err := a.Vote(t.Context(), "1", "u", feedback.Up); err != nil {
		t.Fatal(err)
	}
	if tally, err := b.Vote(t.Context(), "1", "u", feedback.Down); err != nil || tally != (feedback.Tally{Down: 1}) {
		t.Errorf("the same user's vote through replica b = %+v, %v; want it to replace the one through a", tally, err)
	}
}

func TestNormalize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"When did Russia ratify?", "when did russia ratify"},
		{"  when  did\trussia ratify ", "when did russia ratify"},
		{"Siapa yang menandatanganinya?!", "siapa yang menandatanganinya"},
		{"Kim Jong-un's visit", "kim jong un s visit"},
		{"19 Juni 2024", "19 juni 2024"},
		{"???", ""},
		{"ÉTÉ à Pyongyang", "été à pyongyang"},
	}
	for _, tc := range cases {
		if got := feedback.Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"When did Russia ratify?", "Kim Jong-un's", "", "  a  ", "ÉTÉ", "x\u0301y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := feedback.Normalize(s)
		if feedback.Normalize(n) != n {
			t.Errorf("Normalize not idempotent: %q → %q → %q", s, n, feedback.Normalize(n))
		}
		if strings.HasPrefix(n, " ") || strings.HasSuffix(n, " ") || strings.Contains(n, "  ") {
			t.Errorf("Normalize(%q) = %q: stray spaces", s, n)
		}
	})
}

func TestOpenReadOnly(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "feedback.db")
	if _, err := feedback.OpenReadOnly(path, feedback.Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("OpenReadOnly(missing) = %v, want not exist", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("OpenReadOnly created the file")
	}
	w := mustOpen(t, path, feedback.Options{})
	if err := w.Asked(t.Context(), feedback.Question{ID: "1", Text: "q?", Outcome: feedback.Abstained}); err != nil {
		t.Fatal(err)
	}
	r, err := feedback.OpenReadOnly(path, feedback.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := r.Report(t.Context(), feedback.ReportOptions{}); err != nil || rep.Asked != 1 {
		t.Errorf("read-only Report = %d asked, %v; want 1", rep.Asked, err)
	}
	if err := r.Asked(t.Context(), feedback.Question{ID: "2", Text: "q?", Outcome: feedback.Abstained}); err == nil {
		t.Errorf("read-only Asked succeeded")
	}
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, bytes.Repeat([]byte("x"), 8192), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := feedback.OpenReadOnly(garbage, feedback.Options{}); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("OpenReadOnly(garbage) = %v, want corrupt", err)
	}
	if _, err := os.Stat(garbage); err != nil {
		t.Errorf("OpenReadOnly moved a corrupt file: %v", err)
	}
}

// TestReportGuild: a server's report holds nothing of another server.
func TestReportGuild(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			s, _ := k.open(t, feedback.Options{Now: (testutil.NewClock(t0)).Now})
			ctx := t.Context()
			for _, g := range []string{"g1", "g2", ""} {
				if err := s.Asked(ctx, feedback.Question{ID: "q" + g, Text: "secret of " + g, Guild: g, Outcome: feedback.Abstained}); err != nil {
					t.Fatal(err)
				}
				mustRemember(t, s, feedback.Answer{ID: "a" + g, Question: "answer in " + g, Guild: g})
				if _, err := s.Vote(ctx, "a"+g, "u", feedback.Down); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.Vote(ctx, "unknown", "u", feedback.Down); err != nil {
				t.Fatal(err)
			}
			tests := []struct {
				guild      string
				unanswered []string
				voted      []string
			}{
				{"g1", []string{"secret of g1"}, []string{"ag1"}},
				{"g2", []string{"secret of g2"}, []string{"ag2"}},
				{"", []string{"secret of g1", "secret of g2", "secret of "}, []string{"a", "ag1", "ag2", "unknown"}},
			}
			for _, tc := range tests {
				r, err := s.Report(ctx, feedback.ReportOptions{Guild: tc.guild})
				if err != nil {
					t.Fatal(err)
				}
				var unanswered, voted []string
				for _, u := range r.Unanswered {
					unanswered = append(unanswered, u.Example)
				}
				for _, v := range r.DownVoted {
					voted = append(voted, v.AnswerID)
				}
				slices.Sort(unanswered)
				slices.Sort(tc.unanswered)
				if !slices.Equal(unanswered, tc.unanswered) || !slices.Equal(voted, tc.voted) || r.Asked != len(tc.unanswered) {
					t.Errorf("Report(guild %q): unanswered %q, down-voted %q, asked %d; want %q, %q, %d", tc.guild, unanswered, voted, r.Asked, tc.unanswered, tc.voted, len(tc.unanswered))
				}
			}
		})
	}
}

// TestRecordBoth: Record writes the question and the answer together, or
// neither.
func TestRecordBoth(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			s, restart := k.open(t, feedback.Options{Now: (testutil.NewClock(t0)).Now})
			ctx := t.Context()
			q := feedback.Question{ID: "1", Text: "and North Korea?", Outcome: feedback.Answered, Confidence: 0.7}
			a := feedback.Answer{ID: "1", Question: "and North Korea?", Previous: "when did Russia ratify?", Answered: true}
			if err := s.Record(ctx, q, &a); err != nil {
				t.Fatal(err)
			}
			if err := s.Record(ctx, feedback.Question{ID: "2", Text: "?", Outcome: feedback.Abstained}, nil); err != nil {
				t.Fatal(err)
			}
			if err := s.Record(ctx, feedback.Question{ID: "3", Text: "q", Outcome: feedback.Answered}, &feedback.Answer{}); !errors.Is(err, feedback.ErrInvalid) {
				t.Errorf("Record with an answer without ID = %v, want ErrInvalid", err)
			}
			s = restart()
			got, ok, err := s.Recall(ctx, "1")
			if err != nil || !ok || got.Previous != a.Previous {
				t.Errorf("Recall = %+v, %v, %v; want the answer with its previous question", got, ok, err)
			}
			if r, err := s.Report(ctx, feedback.ReportOptions{}); err != nil || r.Asked != 2 {
				t.Errorf("Report: %d asked, %v; want 2 (the invalid record wrote nothing)", r.Asked, err)
			}
		})
	}
}

// TestReportFiles: the stores of two replicas, reported together: counts
// add up, a question asked on both is one, and a vote in one file finds
// its answer in the other.
func TestReportFiles(t *testing.T) {
	dir := t.TempDir()
	c := testutil.NewClock(t0)
	a := mustOpen(t, filepath.Join(dir, "a.db"), feedback.Options{Now: c.Now})
	b := mustOpen(t, filepath.Join(dir, "b.db"), feedback.Options{Now: c.Now})
	ctx := t.Context()
	for i, s := range []*feedback.Store{a, b} {
		if err := s.Asked(ctx, feedback.Question{ID: fmt.Sprint("q", i), Text: "Who is France's president?", Outcome: feedback.Abstained}); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Record(ctx, feedback.Question{ID: "x", Text: "When?", Outcome: feedback.Answered},
		&feedback.Answer{ID: "x", Question: "When?", Passages: []feedback.Passage{{Doc: "d", Paragraph: 2, Sentence: 1}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Vote(ctx, "x", "u1", feedback.Down); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Vote(ctx, "x", "u2", feedback.Down); err != nil {
		t.Fatal(err)
	}
	r, err := feedback.ReportFiles(ctx, []string{a.Path(), b.Path()}, feedback.ReportOptions{}, feedback.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	wantVoted := []feedback.Voted{{AnswerID: "x", Question: "When?", Passage: &feedback.Passage{Doc: "d", Paragraph: 2, Sentence: 1}, Down: 2}}
	if r.Asked != 3 || len(r.Unanswered) != 1 || r.Unanswered[0].Count != 2 || !reflect.DeepEqual(r.DownVoted, wantVoted) {
		t.Errorf("ReportFiles = %s; want 3 asked, the France question twice, x down-voted twice with its question", js(t, r))
	}
	if _, err := feedback.ReportFiles(ctx, []string{a.Path(), filepath.Join(dir, "none.db")}, feedback.ReportOptions{}, feedback.Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReportFiles with a missing file = %v, want not exist", err)
	}
}
