package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"kutip/config"
	"kutip/feedback"
)

// runReport is `kutip report`: what the feedback store says the articles
// lack.
func runReport(ctx context.Context, e *env, args []string) error {
	return report(ctx, e, args, time.Now)
}

// report is runReport with a clock, for tests.
func report(ctx context.Context, e *env, args []string, now func() time.Time) error {
	flags := newFlags(e, "report", `report [--since 7d] [--json] [--guild ID] [--file PATH]...

Reports what kutip's users asked that it could not answer, the answers they
voted down, and the answer rate per day (UTC), from the feedback store that
kutip serve keeps in FEEDBACK_FILE, else INDEX_DIR/feedback.db. It only reads
the store, and may run while kutip serve does.

Replicas that share one FEEDBACK_FILE need nothing more. Replicas with a store
each: copy their files to one place and give them all, --file a.db --file b.db;
the report counts them together.`)
	sinceFlag := flags.String("since", "7d", "the `PERIOD` to report: back from now (7d, 36h, 2w), from a date (2026-11-01, UTC), or all")
	asJSON := flags.Bool("json", false, "print one JSON object")
	guild := flags.String("guild", "", "only the questions and answers of the server with this `ID`")
	var files []string
	flags.Func("file", "read the store at `PATH`; repeat to report several together (default: FEEDBACK_FILE, else INDEX_DIR/feedback.db)", func(v string) error {
		if v == "" {
			return errors.New("empty path")
		}
		files = append(files, v)
		return nil
	})
	rest, err := parseFlags(flags, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("report: unexpected argument %q (see kutip report --help)", rest[0])
	}
	t := now()
	since, err := parseSince(*sinceFlag, t)
	if err != nil {
		return usagef("report: --since %q: %v", *sinceFlag, err)
	}
	if len(files) == 0 {
		// The store serve uses: FEEDBACK_FILE, else INDEX_DIR/feedback.db.
		lookup, err := e.lookup()
		if err != nil {
			return err
		}
		path := config.FeedbackPathFromEnv(lookup)
		if path == "" {
			return usagef("report: kutip serve keeps feedback in INDEX_DIR/feedback.db (or FEEDBACK_FILE) only when one is set: set it as for kutip serve, or give --file PATH")
		}
		files = []string{path}
	}
	r, err := feedback.ReportFiles(ctx, files, feedback.ReportOptions{Since: since, Guild: *guild}, feedback.Options{Now: func() time.Time { return t }})
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) && errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("report: no feedback store at %s yet: kutip serve creates it at its first question when INDEX_DIR or FEEDBACK_FILE is set", pathErr.Path)
	}
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	return writeReport(e.stdout, r)
}

// parseSince reads --since: "all", a date (UTC midnight), or a period of at
// least a minute back from now (config.ParsePeriod: "7d", "2w", "36h",
// "90m").
func parseSince(s string, now time.Time) (time.Time, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "all" {
		return time.Time{}, nil
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		if d.After(now) {
			return time.Time{}, fmt.Errorf("the date is in the future")
		}
		return d, nil
	}
	if d, err := config.ParsePeriod(s); err == nil && d >= time.Minute {
		return now.Add(-d), nil
	}
	return time.Time{}, errors.New("use a period back from now such as 7d, 2w, 36h or 90m, a date such as 2026-11-01, or all")
}

// writeReport prints r for a terminal.
func writeReport(w io.Writer, r feedback.Report) error {
	from := "the start"
	if !r.Since.IsZero() {
		from = r.Since.Format("2006-01-02 15:04")
	}
	fmt.Fprintf(w, "kutip feedback from %s to %s UTC\n", from, r.Until.Format("2006-01-02 15:04"))
	if r.Asked == 0 {
		fmt.Fprintln(w, "\nNo questions in this period.")
	} else {
		fmt.Fprintf(w, "%d asked: %d answered, %d answered with low confidence, %d not answered (answer rate %s)\n",
			r.Asked, r.Answered, r.LowConfidence, r.Abstained, rate(r.Answered+r.LowConfidence, r.Asked))
	}

	fmt.Fprintln(w, "\nMost-asked questions kutip could not answer well:")
	if len(r.Unanswered) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, u := range r.Unanswered {
		fmt.Fprintf(w, "  %3d× %s  (not answered %d, low confidence %d; last %s)\n",
			u.Count, quoted(u.Example, 100), u.Abstained, u.LowConfidence, u.Last.Format(time.DateOnly))
	}

	fmt.Fprintln(w, "\nMost down-voted answers:")
	if len(r.DownVoted) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, v := range r.DownVoted {
		what := "(answer no longer stored)"
		if v.Question != "" {
			what = quoted(v.Question, 100)
		}
		fmt.Fprintf(w, "  👎 %d 👍 %d  %s", v.Down, v.Up, what)
		if p := v.Passage; p != nil {
			fmt.Fprintf(w, " — %s ¶%d.%d", termSafe(clipRunes(firstNonEmptyString(p.Title, p.Doc), 60)), p.Paragraph, p.Sentence)
		}
		fmt.Fprintf(w, "  [answer %s]\n", termSafe(v.AnswerID))
	}

	fmt.Fprintln(w, "\nAnswer rate by day (UTC):")
	if len(r.Days) == 0 {
		fmt.Fprintln(w, "  none")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "  date\tasked\tanswered\tlow confidence\tnot answered\trate\t")
	for _, d := range r.Days {
		fmt.Fprintf(tw, "  %s\t%d\t%d\t%d\t%d\t%s\t\n", d.Date, d.Asked, d.Answered, d.LowConfidence, d.Abstained, rate(d.Answered+d.LowConfidence, d.Asked))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "  (rate: the questions answered, with low confidence or not, of those asked)")
	return err
}

// rate is n/of as a whole percentage.
func rate(n, of int) string {
	if of == 0 {
		return "-"
	}
	return strconv.Itoa((200*n+of)/(2*of)) + "%"
}

// quoted is a user's question, safe to print and at most max runes.
func quoted(s string, max int) string {
	return strconv.Quote(clipRunes(strings.Join(strings.Fields(termSafe(s)), " "), max))
}

// termSafe defuses what a terminal would act on: control characters (the
// escape of an escape sequence, line breaks) become spaces, and Unicode's
// bidirectional controls go.
func termSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.Is(unicode.Bidi_Control, r):
			return -1
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// clipRunes cuts s to at most max runes, ending with "…" when cut.
func clipRunes(s string, max int) string {
	if n := 0; len(s) > max {
		for i := range s {
			if n == max-1 {
				return s[:i] + "…"
			}
			n++
		}
	}
	return s
}

func firstNonEmptyString(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
