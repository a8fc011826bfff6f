package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHeldGold(t *testing.T) {
	for _, tc := range []struct{ id, want string }{
		{"Pemerintah akan menaikkan harga BBM bulan depan, kata menteri itu.", "Pemerintah akan menaikkan harga BBM bulan depan, kata"},
		{"Ya. Dia datang kemarin.", "Ya"},
		{"Apa kabar? Baik.", "Apa kabar"},
		{"Singkat saja", "Singkat saja"},
		{"", ""},
	} {
		if got := heldGold(tc.id); got != tc.want {
			t.Errorf("heldGold(%q) = %q, want %q", tc.id, got, tc.want)
		}
	}
}

func TestPairScore(t *testing.T) {
	for _, tc := range []struct {
		name           string
		fwd, bwd, want float64
	}{
		// warn → memperingatkan: the English word's usual rendering.
		{"forward wins", 0.905, 0.391, 0.905},
		// hit → menghantam: one of many senses, but nearly always hit.
		{"specific word", 0.0625, 0.4, 0.158},
		{"both weak", 0.01, 0.01, 0.01},
	} {
		if got := pairScore(tc.fwd, tc.bwd); got < tc.want-0.001 || got > tc.want+0.001 {
			t.Errorf("%s: pairScore(%v, %v) = %.3f, want %.3f", tc.name, tc.fwd, tc.bwd, got, tc.want)
		}
	}
}

// TestWriteHeldOut writes the check's files from three pairs: the short
// line and the two sharing a gold leave no question, every line is a
// passage, and the questions parse as kutip eval reads them.
func TestWriteHeldOut(t *testing.T) {
	dir := t.TempDir()
	held := []heldPair{
		{"eco", 20, "The central bank raised its rate by a quarter point on Monday.", "Bank sentral menaikkan suku bunganya seperempat poin pada Senin."},
		{"int", 40, "Too short.", "Terlalu pendek."},
		{"sci", 60, "The same opening words here make two answers ambiguous.", "Kata pembuka yang sama di sini membuat dua jawaban."},
		{"spo", 80, "The same opening words here make the gold ambiguous again.", "Kata pembuka yang sama di sini membuat dua jawaban lagi."},
	}
	if err := writeHeldOut(dir, held); err != nil {
		t.Fatal(err)
	}
	corpus, err := os.ReadFile(filepath.Join(dir, "corpus.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(corpus), "\n"); n != len(held) {
		t.Errorf("corpus.jsonl has %d passages, want %d", n, len(held))
	}
	qs, err := os.ReadFile(filepath.Join(dir, "questions.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(qs)), "\n")
	if len(lines) != 1 {
		t.Fatalf("questions.jsonl has %d lines, want 1:\n%s", len(lines), qs)
	}
	var q struct {
		ID, Question, Doc string
		Answers           []string
	}
	if err := json.Unmarshal([]byte(lines[0]), &q); err != nil {
		t.Fatal(err)
	}
	if q.ID != "panl-eco-00020-en" || q.Doc != "panl-eco-00020" || q.Question != held[0].en ||
		len(q.Answers) != 1 || q.Answers[0] != "Bank sentral menaikkan suku bunganya seperempat poin pada" {
		t.Errorf("question = %+v", q)
	}
}

func TestWriteHeldOutRefusesRepository(t *testing.T) {
	if err := writeHeldOut("../data", nil); err == nil || !strings.Contains(err.Error(), "outside the repository") {
		t.Errorf("writeHeldOut(../data) = %v, want a refusal naming the repository", err)
	}
}
