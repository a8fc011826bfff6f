package main

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAsk(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		contains []string
	}{
		{"English question, the README's first command", []string{"ask", "when did Russia ratify?"},
			[]string{"Parlemen Rusia meratifikasi perjanjian tersebut pada **6 November**, di tengah-tengah berbulan-bulan peningkatan kerja sama keamanan",
				"— Korea Utara meratifikasi pakta pertahanan bersama dengan Rusia — ¶8, sentence 1", "Also:"}},
		{"Indonesian question", []string{"ask", "Berapa", "tentara", "Korea", "Utara", "yang", "dikerahkan?"},
			[]string{"11.000 tentara**"}},
		{"abstains plainly", []string{"ask", "Who invented the telephone?"},
			[]string{"The article does not say."}},
		{"top 1 has no runners-up", []string{"ask", "--top", "1", "when did Russia ratify?"},
			[]string{"¶8, sentence 1"}},
		{"a topic is named, not answered", []string{"ask", "kursk"},
			[]string{"Here is what the article says about kursk:\n\n> ", "wilayah Kursk"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, errOut, err := runCLI(t, nil, "", tc.args...)
			if err != nil {
				t.Fatalf("run(%q) error: %v (stderr %q)", tc.args, err, errOut)
			}
			for _, want := range tc.contains {
				if !strings.Contains(out, want) {
					t.Errorf("run(%q) output lacks %q:\n%s", tc.args, want, out)
				}
			}
			if tc.args[1] == "--top" && strings.Contains(out, "Also:") {
				t.Errorf("--top 1 printed runners-up:\n%s", out)
			}
		})
	}
}

func TestAskJSONBatch(t *testing.T) {
	t.Parallel()
	in := "when did Russia ratify?\n\nKapan perjanjian itu ditandatangani pertama kali?\n+foo -bar title:x* ~2\nWho invented the telephone?\n"
	out, _, err := runCLI(t, nil, in, "ask", "--json")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d lines, want 4 (blank lines skipped):\n%s", len(lines), out)
	}
	type passage struct {
		Doc       string  `json:"doc"`
		Title     string  `json:"title"`
		URL       *string `json:"url"`
		Paragraph int     `json:"paragraph"`
		Sentence  int     `json:"sentence"`
		Text      string  `json:"text"`
		Score     float64 `json:"score"`
		Answer    *string `json:"answer"`
	}
	var got []struct {
		Question string    `json:"question"`
		Answered bool      `json:"answered"`
		Passages []passage `json:"passages"`
	}
	for _, l := range lines {
		var a struct {
			Question string    `json:"question"`
			Answered bool      `json:"answered"`
			Passages []passage `json:"passages"`
		}
		dec := json.NewDecoder(strings.NewReader(l))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&a); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		got = append(got, a)
	}
	first := got[0]
	if !first.Answered || len(first.Passages) != 3 {
		t.Fatalf("first answer: answered %v with %d passages, want true with 3", first.Answered, len(first.Passages))
	}
	p := first.Passages[0]
	if p.Doc != "korea-utara-rusia" || p.Paragraph != 8 || p.Sentence != 1 || p.Answer == nil || *p.Answer != "6 November" || p.URL == nil {
		t.Errorf("first passage = %+v", p)
	}
	if got[1].Passages[0].Paragraph != 4 {
		t.Errorf("signing question cited ¶%d, want ¶4", got[1].Passages[0].Paragraph)
	}
	if got[2].Question != "+foo -bar title:x* ~2" {
		t.Errorf("query syntax was not kept as a question: %q", got[2].Question)
	}
	if got[3].Answered {
		t.Errorf("telephone question answered: %+v", got[3])
	}
}

func TestCorpusFlag(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "berita.md")
	if err := os.WriteFile(file, []byte("---\ntitle: Berita Uji\nurl: https://example.org/uji\n---\nGempa berkekuatan 6,5 mengguncang Palu pada 12 Maret 2024. Tidak ada korban jiwa.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, nil, "", "ask", "--corpus", file, "Kapan gempa mengguncang Palu?")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "pada **12 Maret 2024**") || !strings.Contains(out, "Berita Uji — ¶1, sentence 1 https://example.org/uji") {
		t.Errorf("output:\n%s", out)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "no command"},
		{"unknown command", []string{"bogus"}, `unknown command "bogus"`},
		{"bad flag", []string{"ask", "--nope", "x"}, "-nope"},
		{"top out of range", []string{"ask", "--top", "11", "x"}, "--top 11"},
		{"missing corpus", []string{"ask", "--corpus", "/no/such/path", "x"}, `--corpus "/no/such/path" does not exist`},
		{"corpus with no text", []string{"ask", "--corpus", "testdata/notext", "x"}, "no usable text"},
		{"eval without questions", []string{"eval"}, "--questions is required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := runCLI(t, nil, "", tc.args...)
			if err == nil || !isUsage(err) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("run(%q) error = %v, want a usage error mentioning %q", tc.args, err, tc.want)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"ask", "--help"}, {"eval", "-h"}} {
		out, _, err := runCLI(t, nil, "", args...)
		if err != nil && !errors.Is(err, flag.ErrHelp) {
			t.Errorf("run(%q) error = %v", args, err)
		}
		if !strings.Contains(out, "Usage") && !strings.Contains(out, "usage") {
			t.Errorf("run(%q) printed no usage:\n%s", args, out)
		}
	}
}

func TestEvalCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	q := filepath.Join(dir, "q.jsonl")
	if err := os.WriteFile(q, []byte(`{"id":"a","question":"when did Russia ratify?","gold":["Parlemen Rusia meratifikasi"]}`+"\n"+
		`{"id":"b","question":"Who invented the telephone?","gold":[]}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, nil, "", "eval", "--questions", q, "--misses")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"top-1", "1.000", "lang en", "0 misses"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval output lacks %q:\n%s", want, out)
		}
	}
}

func TestAskRepairsIndexDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	run := func() (string, string) {
		t.Helper()
		out, errOut, err := runCLI(t, map[string]string{"INDEX_DIR": dir}, "", "ask", "when did Russia ratify?")
		if err != nil {
			t.Fatal(err)
		}
		return out, errOut
	}
	if _, errOut := run(); errOut != "" {
		t.Fatalf("first run warned: %s", errOut)
	}
	manifests, _ := filepath.Glob(filepath.Join(dir, "*", "kutip-index.json"))
	if len(manifests) != 1 {
		t.Fatalf("found %d manifests in INDEX_DIR, want 1", len(manifests))
	}
	if err := os.WriteFile(manifests[0], []byte("{garbled"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut := run()
	if !strings.Contains(out, "¶8, sentence 1") {
		t.Errorf("answer after repair:\n%s", out)
	}
	if !strings.Contains(errOut, "INDEX_DIR") || !strings.Contains(errOut, "rebuilt") {
		t.Errorf("no warning about the rebuilt index: %q", errOut)
	}
}
