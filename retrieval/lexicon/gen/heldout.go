package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// A check on pairs the learned table never saw: with -holdout N the
// generator leaves every N-th line pair of the parallel corpus out of
// learning and writes them, outside the repository, as a retrieval test in
// kutip eval's format: the Indonesian sentences as a corpus, the English
// ones as questions whose answer is their own translation. It measures
// how well an English question reaches the words Indonesian news uses,
// on text no part of the lexicon was fitted on:
//
//	go run ./retrieval/lexicon/gen -learn ../shared/parallel/panl-bppt-en-id -holdout 20 -heldout /tmp/panl -out /tmp/panl
//	(build kutip with /tmp/panl/learned.txt as data/learned.txt)
//	kutip eval --corpus /tmp/panl/corpus.jsonl --questions /tmp/panl/questions.jsonl
//
// The files hold corpus sentences, so they are never written into the
// repository.

// heldPair is one line pair left out of learning.
type heldPair struct {
	name   string // corpus part: eco, int, sci, spo
	line   int    // 1-based line number in the part's files
	en, id string
}

const (
	minHeldWords  = 6 // shorter English lines make poor questions
	heldGoldWords = 8 // the gold is the Indonesian line's first words
)

// heldGold is the start of an Indonesian line that names its passage: its
// first heldGoldWords words, within its first sentence.
func heldGold(id string) string {
	for _, end := range []string{". ", "? ", "! "} {
		if i := strings.Index(id, end); i > 0 {
			id = id[:i]
		}
	}
	f := strings.Fields(id)
	return strings.Join(f[:min(len(f), heldGoldWords)], " ")
}

// writeHeldOut writes dir/corpus.jsonl and dir/questions.jsonl from the
// held-out pairs, leaving out short lines and lines whose gold another
// line shares.
func writeHeldOut(dir string, held []heldPair) error {
	if inModule(dir) {
		return fmt.Errorf("-heldout %s: the held-out files hold corpus sentences; write them outside the repository (a folder with no go.mod above it, such as /tmp/panl)", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	golds := map[string]int{}
	for _, p := range held {
		golds[strings.ToLower(heldGold(p.id))]++
	}
	var corpus, questions bytes.Buffer
	nq := 0
	for _, p := range held {
		id := fmt.Sprintf("panl-%s-%05d", p.name, p.line)
		doc := map[string]string{"id": id, "title": "PANL " + p.name + " " + fmt.Sprint(p.line), "lang": "id", "text": p.id}
		if err := appendJSON(&corpus, doc); err != nil {
			return err
		}
		gold := heldGold(p.id)
		if len(strings.Fields(p.en)) < minHeldWords || gold == "" || golds[strings.ToLower(gold)] > 1 {
			continue
		}
		q := map[string]any{"id": id + "-en", "question": p.en, "lang": "en", "doc": id, "answers": []string{gold}}
		if err := appendJSON(&questions, q); err != nil {
			return err
		}
		nq++
	}
	if err := os.WriteFile(filepath.Join(dir, "corpus.jsonl"), corpus.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "questions.jsonl"), questions.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("held out %d pairs: %d passages, %d questions in %s\n", len(held), len(held), nq, dir)
	return nil
}

// inModule reports whether dir is inside a Go module: it or a folder above
// it holds a go.mod.
func inModule(dir string) bool {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for {
		if _, err := os.Stat(filepath.Join(abs, "go.mod")); err == nil {
			return true
		}
		up := filepath.Dir(abs)
		if up == abs {
			return false
		}
		abs = up
	}
}

func appendJSON(buf *bytes.Buffer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	buf.Write(b)
	buf.WriteByte('\n')
	return nil
}
