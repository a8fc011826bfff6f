package main

import (
	"context"
	"encoding/json"
	"os"

	"kutip/retrieval/eval"
)

func runEval(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "eval", `eval --questions Q.jsonl [--corpus PATH] [--misses] [--json]
       kutip eval --sets DIR [--json]

Asks every question of Q.jsonl (one {"question", "gold"|"answers"|"answer"} per
line; an empty "gold" list marks a question the corpus does not answer) and
prints top-1, recall@3, MRR@10, abstention accuracy and latency p50/p99,
overall, per language and per question type. A passage is correct when it
contains a gold string (case- and space-insensitive); a question counts right
only when kutip answers (does not abstain) and its first passage is correct,
as a user sees it ("top-1 ranked" counts the first passage whether or not kutip
answered).

With --sets, runs every question set kutip is measured on (article, facqa,
facqa-en, xquad-en, …) from DIR, laid out as retrieval/eval/testdata, prints
one row per set and the translation loss: top-1 of a set's questions minus
top-1 of the same questions asked in English.`)
	corpusPath := fs.String("corpus", "", "a `PATH` to the corpus (default: CORPUS_DIR, else the built-in article)")
	questions := fs.String("questions", "", "the questions `FILE` (.jsonl)")
	sets := fs.String("sets", "", "run every question set in `DIR` (e.g. retrieval/eval/testdata) instead of one file")
	misses := fs.Bool("misses", false, "also list the questions kutip did not get right")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("eval: unexpected argument %q: give the questions with --questions (see kutip eval --help)", rest[0])
	}
	if *sets != "" {
		if *questions != "" || *corpusPath != "" || *misses {
			return usagef("eval: --sets runs the sets' own questions and corpora: leave out --questions, --corpus and --misses")
		}
		return runEvalSets(ctx, e, *sets, *asJSON)
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
	if err := eval.WriteReport(e.stdout, rep); err != nil || !*misses {
		return err
	}
	return eval.WriteMisses(e.stdout, rep.Misses)
}

// runEvalSets runs eval.Sets from dir.
func runEvalSets(ctx context.Context, e *env, dir string, asJSON bool) error {
	if _, err := os.Stat(dir); err != nil {
		return usagef("eval: --sets: %v: give the folder of the question sets (retrieval/eval/testdata in the repository)", err)
	}
	rs, err := eval.RunSets(ctx, dir, eval.Sets)
	if err != nil {
		return err
	}
	if !asJSON {
		return eval.WriteSets(e.stdout, rs)
	}
	type jsonSet struct {
		Name string       `json:"name"`
		All  eval.Metrics `json:"all"`
	}
	out := struct {
		Sets   []jsonSet   `json:"sets"`
		Losses []eval.Loss `json:"translation_losses"`
	}{Losses: eval.Losses(rs)}
	for _, r := range rs {
		out.Sets = append(out.Sets, jsonSet{r.Set.Name, r.Report.All})
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
