package eval

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteReport prints a report as a table: one row overall, one per
// language and one per question type.
func WriteReport(w io.Writer, rep Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "group\t"+header)
	writeRow(tw, "all", rep.All)
	for _, k := range keys(rep.ByLang) {
		writeRow(tw, "lang "+k, rep.ByLang[k])
	}
	for _, k := range keys(rep.ByType) {
		writeRow(tw, "type "+k, rep.ByType[k])
	}
	return tw.Flush()
}

// WriteSets prints one row per set, then the translation losses.
func WriteSets(w io.Writer, rs []SetReport) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "set\t"+header)
	for _, r := range rs {
		writeRow(tw, r.Set.Name, r.Report.All)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, l := range Losses(rs) {
		if _, err := fmt.Fprintf(w, "translation loss %s → %s: top-1 %.3f − %.3f = %.3f\n",
			l.Translates, l.Set, l.Original, l.Translated, l.Top1); err != nil {
			return err
		}
	}
	return nil
}

const header = "questions\ttop-1\ttop-1 ranked\trecall@3\tMRR@10\tspan\tanswered\tunanswerable\tabstained\tabstention acc\tp50\tp99\t"

func writeRow(w io.Writer, name string, m Metrics) {
	span := "-"
	if m.SpanQuestions > 0 {
		span = fmt.Sprintf("%.3f", m.Span)
	}
	fmt.Fprintf(w, "%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%s\t%.3f\t%d\t%.3f\t%.3f\t%s\t%s\t\n", name, m.Questions, m.Top1, m.Top1Ranked,
		m.Recall3, m.MRR10, span, m.Answered, m.Unanswerable, m.Abstained, m.AbstentionAccuracy, micro(m.P50), micro(m.P99))
}

func micro(d time.Duration) string {
	return fmt.Sprintf("%dµs", d.Microseconds())
}

// WriteMisses lists the questions kutip did not get right, each with the
// first passages it found and whether it answered.
func WriteMisses(w io.Writer, misses []Miss) error {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%d misses:\n", len(misses))
	for _, m := range misses {
		fmt.Fprintf(&b, "\n%s [%s, %s] %s\n  gold: %s\n  rank of first correct: %d, answered: %v\n", m.Question.ID,
			m.Answer.Lang, orDash(m.Answer.Type), m.Question.Question, strings.Join(m.Question.Gold, " | "), m.Rank, m.Answer.Answered)
		for i, p := range m.Answer.Passages {
			if i == 3 {
				break
			}
			fmt.Fprintf(&b, "  %d. %.3f %s [%s] %s\n", i+1, p.Score, p.Citation().Ref(), p.Answer, clipText(p.Text, 160))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
