// Command kutip answers questions about news articles with cited sentences,
// from the command line or as a Discord bot.
//
//	kutip ask "when did Russia ratify?"
//
// main only wires things together: it parses the subcommand and its flags,
// loads the configuration once, and hands plain values to corpus, retrieval
// and bot.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"kutip/config"
	"kutip/corpus"
	"kutip/retrieval"
)

// exitUsage is the exit code for a usage or configuration error.
const exitUsage = 2

// usageError is an error the user fixes by changing the command line or a
// setting; it exits with exitUsage.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "kutip:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(exitUsage)
		}
		os.Exit(1)
	}
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what a subcommand gets from main: the configuration and the
// standard streams.
type env struct {
	cfg    config.Config
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

func commands() []command {
	return []command{
		{"ask", "answer questions with cited sentences", runAsk},
		{"eval", "score answers against a questions file", runEval},
		{"summary", "summarise an article in a few cited sentences", runSummary},
		{"serve", "run the Discord bot (needs DISCORD_TOKEN)", runServe},
		{"health", "exit 0 if a running kutip serve is healthy, else 1", runHealth},
	}
}

const intro = `kutip answers questions about news articles with the sentence that says it,
cited by title, paragraph and sentence. With no corpus it uses its built-in
article (Indonesian, on the North Korea–Russia defence treaty).

Usage:
  kutip <command> [flags] [arguments]

Commands:
`

func printUsage(w io.Writer) {
	fmt.Fprint(w, intro)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run "kutip <command> --help" for a command's flags.

Settings come from the environment or a .env file in the working directory:
CORPUS_DIR (a file or folder of .txt, .md, .jsonl), INDEX_DIR (keep the index
on disk), and for the bot DISCORD_TOKEN and more (see .env.example).

Example:
  kutip ask "when did Russia ratify?"
`)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		printUsage(stderr)
		return usagef("no command given")
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "help" {
		printUsage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		cfg, err := config.Load(".env")
		if err != nil {
			return usageError{err}
		}
		return c.run(ctx, &env{cfg: cfg, stdin: stdin, stdout: stdout, stderr: stderr}, args[1:])
	}
	printUsage(stderr)
	return usagef("unknown command %q", name)
}

// newFlags makes a flag set whose --help prints the command's usage to
// stdout and whose errors are returned, not printed and exited.
func newFlags(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "Usage: kutip %s\n\nFlags:\n", usage)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseFlags parses args, turning a bad flag into a usage error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return err
	default:
		return usagef("%s: %v (see kutip %s --help)", fs.Name(), err, fs.Name())
	}
}

// loadCorpus reads the corpus from path, else CORPUS_DIR, else the embedded
// article, printing a warning line for each file it skipped.
func loadCorpus(e *env, path string) ([]corpus.Document, error) {
	setting := "--corpus"
	if path == "" {
		path, setting = e.cfg.CorpusDir, "CORPUS_DIR"
	}
	if path == "" {
		return corpus.Default(), nil
	}
	docs, warns, err := corpus.Load(path)
	for _, w := range warns {
		fmt.Fprintf(e.stderr, "kutip: warning: %s\n", w)
	}
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, usagef("%s %q does not exist: give a file or folder of .txt, .md or .jsonl files", setting, path)
		}
		if errors.Is(err, corpus.ErrNoText) {
			return nil, usagef("%s %q: %v", setting, path, err)
		}
		return nil, fmt.Errorf("%s %q: %w", setting, path, err)
	}
	return docs, nil
}

// openIndex loads the corpus and indexes it.
func openIndex(ctx context.Context, e *env, corpusPath string, top int) (*retrieval.Index, error) {
	docs, err := loadCorpus(e, corpusPath)
	if err != nil {
		return nil, err
	}
	ix, err := retrieval.Build(ctx, docs, retrieval.Options{Dir: e.cfg.IndexDir, Top: top})
	if err != nil {
		return nil, fmt.Errorf("index the corpus: %w", err)
	}
	if st := ix.Store(); st.Repaired != nil {
		fmt.Fprintf(e.stderr, "kutip: warning: INDEX_DIR %s: the index on disk was unusable and has been rebuilt: %v\n", e.cfg.IndexDir, st.Repaired)
	}
	return ix, nil
}

func runAsk(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "ask", `ask [--corpus PATH] [--top N] [--json] [QUESTION...]

Answers QUESTION with the best-matching sentence of the corpus, quoted with its
citation (title, paragraph, sentence), the answer in **bold**, then up to two
runners-up. When the corpus does not say, it says so.

With no QUESTION, reads one question per line from standard input and answers
each in order, one output line each with --json (the corpus is indexed once).`)
	corpusPath := fs.String("corpus", "", "a `PATH` to a .txt, .md or .jsonl file or a folder of them (default: CORPUS_DIR, else the built-in article)")
	top := fs.Int("top", 3, "show at most `N` passages (1–10)")
	asJSON := fs.Bool("json", false, "print one JSON object per question, one line each")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *top < 1 || *top > 10 {
		return usagef("ask: --top %d is out of range: use 1 to 10", *top)
	}
	ix, err := openIndex(ctx, e, *corpusPath, *top)
	if err != nil {
		return err
	}
	defer ix.Close()

	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	answer := func(q string) error {
		a, err := ix.Ask(ctx, q)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(out, a)
		}
		writeText(out, a)
		return out.Flush()
	}
	if fs.NArg() > 0 {
		return answer(strings.Join(fs.Args(), " "))
	}
	sc := bufio.NewScanner(e.stdin)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		q := strings.TrimSpace(sc.Text())
		if q == "" {
			continue
		}
		if err := answer(q); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read questions: %w", err)
	}
	return nil
}

// jsonAnswer is the --json form of an answer, one line per question.
type jsonAnswer struct {
	Question string        `json:"question"`
	Answered bool          `json:"answered"`
	Passages []jsonPassage `json:"passages"`
}

type jsonPassage struct {
	Doc       string  `json:"doc"`
	Title     string  `json:"title"`
	URL       string  `json:"url"`
	Paragraph int     `json:"paragraph"`
	Sentence  int     `json:"sentence"`
	Text      string  `json:"text"`
	Score     float64 `json:"score"`
	Answer    string  `json:"answer"`
}

func writeJSON(w io.Writer, a retrieval.Answer) error {
	ja := jsonAnswer{Question: a.Question, Answered: a.Answered, Passages: []jsonPassage{}}
	for _, p := range a.Passages {
		ja.Passages = append(ja.Passages, jsonPassage{
			Doc: p.Doc, Title: p.Title, URL: p.URL, Paragraph: p.Paragraph, Sentence: p.Sentence,
			Text: p.Text, Score: roundScore(p.Score), Answer: p.Answer,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(ja)
}

func roundScore(f float64) float64 {
	return float64(int64(f*10000+0.5)) / 10000
}

// writeText prints an answer for a terminal: the best passage as a quote
// with its citation and the answer span in bold, then the runners-up.
func writeText(w io.Writer, a retrieval.Answer) {
	if !a.Answered {
		fmt.Fprintln(w, "The article does not say.")
		if len(a.Passages) > 0 {
			fmt.Fprintln(w, "\nMaybe related:")
			writePassage(w, a.Passages[0])
		}
		fmt.Fprintln(w)
		return
	}
	for i, p := range a.Passages {
		if i == 1 {
			fmt.Fprintln(w, "\nAlso:")
		}
		writePassage(w, p)
	}
	fmt.Fprintln(w)
}

func writePassage(w io.Writer, p retrieval.Passage) {
	text := p.Text
	if p.Answer != "" {
		if i := strings.Index(text, p.Answer); i >= 0 {
			text = text[:i] + "**" + p.Answer + "**" + text[i+len(p.Answer):]
		}
	}
	fmt.Fprintf(w, "> %s\n— %s\n", text, citation(p))
}

func citation(p retrieval.Passage) string {
	c := fmt.Sprintf("%s — ¶%d, sentence %d", p.Title, p.Paragraph, p.Sentence)
	if p.Kind == string(corpus.Caption) {
		c += " (photo caption)"
	}
	if p.URL != "" {
		c += " " + p.URL
	}
	return c
}
