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

func TestSummaryCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, text := range map[string]string{
		"old.txt": "---\ntitle: Old news\npublished: 2024-01-02\n---\nThe harbour froze in January. Ships waited outside for a week.\n",
		"new.txt": "---\ntitle: New news\npublished: 2024-06-30\n---\nThe festival opened on Friday. Crowds filled the square until midnight.\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name      string
		args      []string
		usage     bool     // want a usage error (exit 2)
		stdout    []string // each must appear in stdout
		notStdout []string
	}{
		{name: "default article", args: nil, stdout: []string{
			"Korea Utara meratifikasi pakta pertahanan bersama dengan Rusia\n",
			"• Perjanjian itu muncul", "(¶1, sentence 1)", "6 November",
		}, notStdout: []string{"KCNA via Reuters"}},
		{name: "one sentence", args: []string{"--sentences", "1"}, stdout: []string{"(¶1, sentence 1)\n"}, notStdout: []string{"¶2"}},
		{name: "topic", args: []string{"--topic", "Kursk"}, stdout: []string{`On "Kursk":`, "wilayah Kursk"}},
		{name: "topic not mentioned", args: []string{"--topic", "zebra"}, stdout: []string{`The article does not mention "zebra".`}, notStdout: []string{"•"}},
		{name: "newest document", args: []string{"--corpus", dir}, stdout: []string{"New news\n", "• The festival opened on Friday. (¶1, sentence 1)"}, notStdout: []string{"Old news"}},
		{name: "document by ID", args: []string{"--corpus", dir, "--doc", "old"}, stdout: []string{"Old news\n", "• The harbour froze in January."}},
		{name: "unknown document", args: []string{"--corpus", dir, "--doc", "nope"}, usage: true},
		{name: "too many sentences", args: []string{"--sentences", "11"}, usage: true},
		{name: "no sentences", args: []string{"--sentences", "0"}, usage: true},
		{name: "bad flag", args: []string{"--nope"}, usage: true},
		{name: "stray argument", args: []string{"Kursk"}, usage: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, err := runCLI(t, nil, "", append([]string{"summary"}, tc.args...)...)
			if tc.usage {
				if !isUsage(err) {
					t.Fatalf("run(summary %q) error = %v, want a usage error", tc.args, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("run(summary %q) error = %v; stderr %q", tc.args, err, stderr)
			}
			for _, want := range tc.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("run(summary %q) printed %q, want it to contain %q", tc.args, stdout, want)
				}
			}
			for _, not := range tc.notStdout {
				if strings.Contains(stdout, not) {
					t.Errorf("run(summary %q) printed %q, want no %q", tc.args, stdout, not)
				}
			}
		})
	}
}

func TestSummaryCommandJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		args      []string
		topic     string
		sentences int
	}{
		{"default", []string{"--json"}, "", 5},
		{"three on a topic", []string{"--json", "--sentences", "3", "--topic", "nuclear"}, "nuclear", 3},
		{"topic not mentioned", []string{"--json", "--topic", "zebra"}, "zebra", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stdout, _, err := runCLI(t, nil, "", append([]string{"summary"}, tc.args...)...)
			if err != nil {
				t.Fatalf("run(summary %q) error = %v", tc.args, err)
			}
			if n := strings.Count(stdout, "\n"); n != 1 {
				t.Errorf("run(summary %q) printed %d lines, want 1 JSON object", tc.args, n)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("run(summary %q) printed %q: %v", tc.args, stdout, err)
			}
			for _, key := range []string{"doc", "title", "url", "topic", "sentences"} {
				if _, ok := got[key]; !ok {
					t.Errorf("JSON has no %q: %s", key, stdout)
				}
			}
			if got["doc"] != "korea-utara-rusia" || got["topic"] != tc.topic {
				t.Errorf("doc, topic = %v, %v, want korea-utara-rusia, %q", got["doc"], got["topic"], tc.topic)
			}
			sents, _ := got["sentences"].([]any)
			if len(sents) != tc.sentences {
				t.Fatalf("got %d sentences, want %d: %s", len(sents), tc.sentences, stdout)
			}
			for _, s := range sents {
				m, _ := s.(map[string]any)
				for _, key := range []string{"paragraph", "sentence", "text", "score"} {
					if _, ok := m[key]; !ok {
						t.Errorf("sentence has no %q: %v", key, m)
					}
				}
			}
		})
	}
}

func TestSummaryCommandHelp(t *testing.T) {
	t.Parallel()
	stdout, _, err := runCLI(t, nil, "", "summary", "--help")
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("run(summary --help) error = %v, want flag.ErrHelp", err)
	}
	if !strings.Contains(stdout, "--topic") {
		t.Errorf("summary --help printed %q, want the flags", stdout)
	}
}
