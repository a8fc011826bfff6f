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
	"runtime/debug"
	"strconv"
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
	// Half Go's default heap growth, unless GOGC says otherwise: building
	// 200,000 sentences peaks at 608 MiB instead of 788, serving holds 528
	// instead of 694, for a build 16% longer (docs/scale.md).
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(50)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], stdio{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr},
		config.Source{Env: os.LookupEnv, DotEnv: ".env"})
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode reports err on stderr and returns the process's exit code: 0 for
// success and --help, exitUsage for a usage error, else 1.
func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(stderr, "kutip:", err)
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return 1
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// stdio are the standard streams a run reads and writes.
type stdio struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// env is what a subcommand gets from main: the standard streams and where
// its settings come from. A subcommand reads the settings it uses after
// parsing its flags, so that --help and a usage error never read them.
type env struct {
	stdio
	settings config.Source
}

// lookup reads the settings: the environment over .env.
func (e *env) lookup() (config.Lookup, error) {
	lookup, err := e.settings.Lookup()
	if err != nil {
		return nil, usageError{err}
	}
	return lookup, nil
}

// paths reads CORPUS_DIR, INDEX_DIR and MAX_CORPUS_BYTES, for the commands
// that read a corpus.
func (e *env) paths() (config.Paths, error) {
	lookup, err := e.lookup()
	if err != nil {
		return config.Paths{}, err
	}
	p, err := config.PathsFromEnv(lookup)
	if err != nil {
		return config.Paths{}, usageError{err}
	}
	return p, nil
}

func commands() []command {
	return []command{
		{"ask", "answer questions with cited sentences", runAsk},
		{"eval", "score answers against a questions file", runEval},
		{"summary", "summarise an article in a few cited sentences", runSummary},
		{"serve", "run the Discord bot (needs DISCORD_TOKEN)", runServe},
		{"health", "exit 0 if a running kutip serve is healthy, else 1", runHealth},
		{"report", "what users asked that kutip could not answer, down-voted answers, answer rate", runReport},
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
Run "kutip <command> --help" for a command's flags. Flags may come before or
after the arguments; put -- before an argument that starts with -.

Settings come from the environment or a .env file in the working directory:
CORPUS_DIR (a file or folder of .txt, .md, .jsonl), INDEX_DIR (keep the index
on disk), MAX_CORPUS_BYTES (the most text indexed; default 32MiB), and for the
bot DISCORD_TOKEN and more (see .env.example).

Example:
  kutip ask "when did Russia ratify?"
`)
}

// run runs the kutip command line args (without the program name) with
// the given streams and settings, and returns what main reports. It reads
// no global state, so tests run it in parallel, each with its own
// settings.
func run(ctx context.Context, args []string, std stdio, settings config.Source) error {
	if len(args) == 0 {
		printUsage(std.stderr)
		return usagef("no command given")
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "help" {
		printUsage(std.stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, &env{stdio: std, settings: settings}, args[1:])
		}
	}
	if strings.HasPrefix(name, "-") {
		return usagef("%s: give the command first, then its flags: kutip <command> [flags] (see kutip --help)", name)
	}
	printUsage(std.stderr)
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

// parseFlags parses args with flags anywhere among the arguments (flag
// stops at the first argument; this goes on after it), and returns the
// arguments. Everything after "--" is an argument. --help prints the usage
// once and returns flag.ErrHelp; a bad flag is a usage error.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	// flag.FlagSet.Parse calls Usage itself on --help and on an error;
	// here --help prints it once, below, and an error goes to stderr
	// without it.
	usage := fs.Usage
	fs.Usage = func() {}
	defer func() { fs.Usage = usage }()
	var rest []string
	for {
		err := fs.Parse(args)
		switch {
		case errors.Is(err, flag.ErrHelp):
			usage()
			return nil, err
		case err != nil:
			return nil, usagef("%s: %v (see kutip %s --help)", fs.Name(), err, fs.Name())
		}
		left := fs.Args()
		if len(left) == 0 {
			return rest, nil
		}
		if i := len(args) - len(left); i > 0 && args[i-1] == "--" {
			return append(rest, left...), nil
		}
		rest = append(rest, left[0])
		args = left[1:]
	}
}

// loadCorpus reads the corpus from path, else CORPUS_DIR, else the embedded
// article, printing a warning line for each file it skipped. A CORPUS_DIR
// folder with no articles in it yet is not an error: the embedded article
// answers, with a warning, until articles are added (serve's hot reload
// then picks them up). This lets a container always set CORPUS_DIR to its
// articles volume.
func loadCorpus(e *env, p config.Paths, path string) ([]corpus.Document, error) {
	setting := "--corpus"
	if path == "" {
		path, setting = p.CorpusDir, "CORPUS_DIR"
	}
	if path == "" {
		return corpus.Default(), nil
	}
	var tooLarge *retrieval.TooLargeError
	if err := retrieval.CheckFiles(path, p.MaxCorpusBytes); errors.As(err, &tooLarge) {
		return nil, usageError{fmt.Errorf("%s %q: %s", setting, path, tooLargeAdvice(tooLarge))}
	}
	docs, warns, err := corpus.Load(path)
	for _, w := range warns {
		fmt.Fprintf(e.stderr, "kutip: warning: %s\n", w)
	}
	if setting == "CORPUS_DIR" && errors.Is(err, corpus.ErrNoText) && isDir(path) {
		fmt.Fprintf(e.stderr, "kutip: warning: CORPUS_DIR %q has no articles yet (.txt, .md or .jsonl files with text); answering from the built-in article until it has\n", path)
		return corpus.Default(), nil
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

// isDir reports whether path is a folder.
func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

// openIndex loads the corpus (corpusPath, else CORPUS_DIR) and indexes it,
// on disk in INDEX_DIR when it is set. A corpus over MAX_CORPUS_BYTES is a
// usage error that says how to fix it.
func openIndex(ctx context.Context, e *env, p config.Paths, corpusPath string) (*retrieval.Index, error) {
	docs, err := loadCorpus(e, p, corpusPath)
	if err != nil {
		return nil, err
	}
	ix, err := retrieval.Build(ctx, docs, buildOptions(p))
	var tooLarge *retrieval.TooLargeError
	if errors.As(err, &tooLarge) {
		where := "--corpus " + strconv.Quote(corpusPath)
		if corpusPath == "" {
			where = "CORPUS_DIR " + strconv.Quote(p.CorpusDir)
		}
		return nil, usageError{fmt.Errorf("%s: %s", where, tooLargeAdvice(tooLarge))}
	}
	if err != nil {
		return nil, fmt.Errorf("index the corpus: %w", err)
	}
	if st := ix.Store(); st.Repaired != nil {
		fmt.Fprintf(e.stderr, "kutip: warning: INDEX_DIR %s: the index on disk was unusable and has been rebuilt: %v\n", p.IndexDir, st.Repaired)
	}
	if st := ix.Store(); st.Unwritable != nil {
		fmt.Fprintf(e.stderr, "kutip: warning: the index is kept in memory: %v\n", st.Unwritable)
	}
	if st := ix.Store(); st.Unmerged != nil {
		fmt.Fprintf(e.stderr, "kutip: warning: the index is kept in memory unmerged, so questions cost more (set INDEX_DIR to a writable folder): %v\n", st.Unmerged)
	}
	return ix, nil
}

// buildOptions are the index options the settings ask for.
func buildOptions(p config.Paths) retrieval.Options {
	return retrieval.Options{Dir: p.IndexDir, MaxBytes: p.MaxCorpusBytes}
}

// bytesPerTextByte is the memory the index takes per byte of corpus text,
// as measured (peak RSS of kutip ask --corpus at 1 and 10 MB of text); see
// config.DefaultMaxCorpusBytes.
const bytesPerTextByte = 35

// tooLargeAdvice says what a corpus over MAX_CORPUS_BYTES would cost and
// how to index it anyway.
func tooLargeAdvice(e *retrieval.TooLargeError) string {
	return fmt.Sprintf("%v (the cap is MAX_CORPUS_BYTES). Indexing it would take about %s of memory: "+
		"index fewer or smaller files, or raise the cap (MAX_CORPUS_BYTES=%s, or off for none) on a machine with that memory to spare",
		e, retrieval.FormatBytes(e.Bytes*bytesPerTextByte), suggestCap(e.Bytes))
}

// suggestCap is the smallest power-of-two number of MiB that holds n bytes,
// written as MAX_CORPUS_BYTES takes it.
func suggestCap(n int64) string {
	mib := int64(1)
	for mib<<20 < n {
		mib *= 2
	}
	if mib >= 1024 && mib%1024 == 0 {
		return fmt.Sprintf("%dGiB", mib/1024)
	}
	return fmt.Sprintf("%dMiB", mib)
}

func runAsk(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "ask", `ask [--corpus PATH] [--top N] [--json] [QUESTION...]

Answers QUESTION with the best-matching sentence of the corpus, quoted with its
citation (title, paragraph, sentence), the answer in **bold**, then up to two
runners-up. When the corpus does not say, it says so.

With no QUESTION, reads one question per line from standard input and answers
each in order, one output line each with --json (the corpus is indexed once).
A line over 1 MiB is skipped with an error naming it on standard error, the
rest are answered, and the exit status is then 1.

A corpus with more text than MAX_CORPUS_BYTES (default 32MiB) is refused.

Flags may come before or after the question; put -- before a question that
starts with -.`)
	corpusPath := fs.String("corpus", "", "a `PATH` to a .txt, .md or .jsonl file or a folder of them (default: CORPUS_DIR, else the built-in article)")
	top := fs.Int("top", retrieval.DefaultTop, "show at most `N` passages (1–10)")
	asJSON := fs.Bool("json", false, "print one JSON object per question, one line each")
	questionWords, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *top < 1 || *top > 10 {
		return usagef("ask: --top %d is out of range: use 1 to 10", *top)
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

	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	answer := func(q string) error {
		a, err := ix.AskTop(ctx, q, *top)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(out, a)
		}
		writeText(out, a)
		return out.Flush()
	}
	if len(questionWords) > 0 {
		return answer(strings.Join(questionWords, " "))
	}
	return answerLines(e, answer, maxQuestionLine)
}

// answerLines answers each line of standard input as a question, skipping
// blank ones. A line longer than max bytes is reported on standard error
// (its number and the limit), skipped, and the batch goes on; the error at
// the end names the skipped lines, so the exit status is 1 when any was.
func answerLines(e *env, answer func(string) error, max int) error {
	qr := newQuestionReader(e.stdin, max)
	var skipped skippedLines
	for {
		text, tooLong, err := qr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read questions: line %d: %w", qr.line, err)
		}
		if tooLong > 0 {
			skipped = append(skipped, qr.line)
			fmt.Fprintf(e.stderr, "kutip: line %d: skipped: the question is %d bytes, over the limit of %d bytes (%s); going on with the next line\n",
				qr.line, tooLong, max, formatLimit(max))
			continue
		}
		q := strings.TrimSpace(text)
		if q == "" {
			continue
		}
		if err := answer(q); err != nil {
			return err
		}
	}
	return skipped.err(max)
}

// jsonAnswer is the --json form of an answer, one line per question.
type jsonAnswer struct {
	Question string `json:"question"`
	Answered bool   `json:"answered"`
	// Topic is set when the question names a topic ("kursk") instead of
	// asking something: the passages are what the corpus says about it.
	Topic    bool          `json:"topic,omitempty"`
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
	ja := jsonAnswer{Question: a.Question, Answered: a.Answered, Topic: a.Topic, Passages: []jsonPassage{}}
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
// with its citation and the answer span in bold, then the runners-up; for a
// topic, the passages about it under a line that names it.
func writeText(w io.Writer, a retrieval.Answer) {
	if a.Answered && a.Topic {
		fmt.Fprintf(w, "Here is what the article says about %s:\n\n", a.Question)
		for _, p := range a.Passages {
			writePassage(w, p)
		}
		fmt.Fprintln(w)
		return
	}
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
	c := p.Title + " — " + p.Citation().String()
	if p.Kind == string(corpus.Caption) {
		c += " (photo caption)"
	}
	if p.URL != "" {
		c += " " + p.URL
	}
	return c
}
