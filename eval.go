package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"kutip/retrieval/eval"
)

func runEval(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "eval", `eval --questions Q.jsonl [--corpus PATH] [--misses] [--json]

Asks every question of Q.jsonl (one {"question", "gold"|"answers"|"answer"} per
line; an empty "gold" list marks a question the corpus does not answer) and
prints top-1, recall@3, MRR@10, abstention accuracy and latency p50/p99,
overall, per language and per question type. A passage is correct when it
contains a gold string (case- and space-insensitive).`)
	corpusPath := fs.String("corpus", "", "a `PATH` to the corpus (default: CORPUS_DIR, else the built-in article)")
	questions := fs.String("questions", "", "the questions `FILE` (.jsonl)")
	misses := fs.Bool("misses", false, "also list the questions whose first passage was wrong")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("eval: unexpected argument %q: give the questions with --questions (see kutip eval --help)", rest[0])
	}
	if *questions == "" {
		return usagef("eval: --questions is required: give a .jsonl file of questions (see kutip eval --help)")
	}
	f, err := os.Open(*questions)
	if err != nil {
		return usagef("eval: --questions: %v", err)
	}
	qs, err := eval.ReadQuestions(f)
	f.Close()
	if err != nil {
		return usagef("eval: --questions %s: %v", *questions, err)
	}
	paths, err := e.paths()
	if err != nil {
		return err
	}
	ix, err := openIndex(ctx, e, paths, *corpusPath)
	if err != nil {
		return err
	}
	defer ix.Close()
	rep, err := eval.Run(ctx, ix, qs)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			All    eval.Metrics            `json:"all"`
			ByLang map[string]eval.Metrics `json:"by_lang"`
			ByType map[string]eval.Metrics `json:"by_type"`
		}{rep.All, rep.ByLang, rep.ByType})
	}
	writeReport(e.stdout, rep)
	if *misses {
		writeMisses(e.stdout, rep.Misses)
	}
	return nil
}

func writeReport(w io.Writer, rep eval.Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "group\tquestions\ttop-1\trecall@3\tMRR@10\tspan\tanswered\tunanswerable\tabstained\tabstention acc\tp50\tp99\t")
	row := func(name string, m eval.Metrics) {
		span := "-"
		if m.SpanQuestions > 0 {
			span = fmt.Sprintf("%.3f", m.Span)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\t%.3f\t%s\t%.3f\t%d\t%.3f\t%.3f\t%s\t%s\t\n", name, m.Questions, m.Top1, m.Recall3,
			m.MRR10, span, m.Answered, m.Unanswerable, m.Abstained, m.AbstentionAccuracy, micro(m.P50), micro(m.P99))
	}
	row("all", rep.All)
	for _, k := range eval.Keys(rep.ByLang) {
		row("lang "+k, rep.ByLang[k])
	}
	for _, k := range eval.Keys(rep.ByType) {
		row("type "+k, rep.ByType[k])
	}
	tw.Flush()
}

func micro(d time.Duration) string {
	return fmt.Sprintf("%dµs", d.Microseconds())
}

func writeMisses(w io.Writer, misses []eval.Miss) {
	fmt.Fprintf(w, "\n%d misses:\n", len(misses))
	for _, m := range misses {
		fmt.Fprintf(w, "\n%s [%s, %s] %s\n  gold: %s\n  rank of first correct: %d, answered: %v\n", m.Question.ID,
			m.Answer.Lang, orDash(m.Answer.Type), m.Question.Question, strings.Join(m.Question.Gold, " | "), m.Rank, m.Answer.Answered)
		for i, p := range m.Answer.Passages {
			if i == 3 {
				break
			}
			fmt.Fprintf(w, "  %d. %.3f %s [%s] %s\n", i+1, p.Score, p.Citation().Ref(), p.Answer, clipText(p.Text, 160))
		}
	}
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
