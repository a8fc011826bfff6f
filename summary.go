package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"kutip/retrieval"
)

func runSummary(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "summary", `summary [--corpus PATH] [--doc ID] [--sentences N] [--topic TEXT] [--json]

Summarises one document in N of its own sentences, in article order, each with
its citation (paragraph, sentence): the sentences that are most central to the
article, weighted towards its opening as news is written, without repeats or
photo captions. With several documents it summarises the newest (by its
published date, else the last loaded) unless --doc names one.

With --topic, the summary leans towards the sentences about TEXT, asked in
English or Indonesian ("nuclear" finds "nuklir"). When the document does not
mention the topic, it says so instead of summarising.`)
	corpusPath := fs.String("corpus", "", "a `PATH` to a .txt, .md or .jsonl file or a folder of them (default: CORPUS_DIR, else the built-in article)")
	doc := fs.String("doc", "", "summarise the document with this `ID` (a .jsonl id, else the file path below the corpus without extension)")
	n := fs.Int("sentences", retrieval.DefaultSummarySentences, fmt.Sprintf("summarise in `N` sentences (1–%d)", retrieval.MaxSummarySentences))
	topic := fs.String("topic", "", "lean the summary towards this `TEXT`")
	asJSON := fs.Bool("json", false, "print one JSON object")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("summary: unexpected argument %q: give a topic with --topic (see kutip summary --help)", rest[0])
	}
	if *n < 1 || *n > retrieval.MaxSummarySentences {
		return usagef("summary: --sentences %d is out of range: use 1 to %d", *n, retrieval.MaxSummarySentences)
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

	s, err := ix.Summary(ctx, retrieval.SummaryOptions{Doc: *doc, Sentences: *n, Topic: *topic})
	missing := errors.Is(err, retrieval.ErrTopicNotFound)
	switch {
	case errors.Is(err, retrieval.ErrUnknownDocument):
		return usagef("summary: --doc: %v", err)
	case err != nil && !missing:
		return err
	}
	if *asJSON {
		return writeSummaryJSON(e.stdout, s, *topic)
	}
	writeSummaryText(e.stdout, s, *topic, missing)
	return nil
}

// jsonSummary is the --json form of a summary. With a topic the document
// does not mention, Sentences is empty.
type jsonSummary struct {
	Doc       string                `json:"doc"`
	Title     string                `json:"title"`
	URL       string                `json:"url"`
	Topic     string                `json:"topic"`
	Sentences []jsonSummarySentence `json:"sentences"`
}

type jsonSummarySentence struct {
	Paragraph int     `json:"paragraph"`
	Sentence  int     `json:"sentence"`
	Text      string  `json:"text"`
	Score     float64 `json:"score"`
}

func writeSummaryJSON(w io.Writer, s retrieval.Summary, topic string) error {
	js := jsonSummary{Doc: s.Doc, Title: s.Title, URL: s.URL, Topic: topic, Sentences: []jsonSummarySentence{}}
	for _, p := range s.Sentences {
		js.Sentences = append(js.Sentences, jsonSummarySentence{
			Paragraph: p.Paragraph, Sentence: p.Sentence, Text: p.Text, Score: roundScore(p.Score),
		})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(js)
}

// writeSummaryText prints the title, then one bullet per sentence with its
// citation; or, when the document does not mention the topic, a line that
// says so.
func writeSummaryText(w io.Writer, s retrieval.Summary, topic string, missing bool) {
	fmt.Fprintln(w, s.Title)
	if s.URL != "" {
		fmt.Fprintln(w, s.URL)
	}
	if missing {
		fmt.Fprintf(w, "\nThe article does not mention %q.\n", topic)
		return
	}
	if topic != "" {
		fmt.Fprintf(w, "On %q:\n", topic)
	}
	fmt.Fprintln(w)
	for _, p := range s.Sentences {
		fmt.Fprintf(w, "• %s (%s)\n", p.Text, p.Citation())
	}
}
