package feedback_test

import (
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"kutip/feedback"
)

// BenchmarkStore measures one call of each kind on a file (opened, locked,
// committed with fsync and closed per call) and in memory, on a store that
// already holds 10,000 questions and answers.
func BenchmarkStore(b *testing.B) {
	for _, kind := range []string{"bolt", "memory"} {
		path := ""
		if kind == "bolt" {
			path = filepath.Join(b.TempDir(), "feedback.db")
		}
		s, _ := feedback.Open(path, feedback.Options{})
		ctx := b.Context()
		for i := range 10000 {
			id := strconv.Itoa(i)
			if err := s.Asked(ctx, feedback.Question{ID: id, Text: "question " + id, Outcome: feedback.Abstained}); err != nil {
				b.Fatal(err)
			}
			if err := s.Remember(ctx, feedback.Answer{ID: id, Question: "question " + id, Passages: []feedback.Passage{{Doc: "d", Paragraph: 1, Sentence: 1}}}); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(kind+"/Asked", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				if err := s.Asked(ctx, feedback.Question{ID: "b" + strconv.Itoa(i), Text: "why?", Outcome: feedback.LowConfidence}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(kind+"/Record", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				id := "r" + strconv.Itoa(i)
				if err := s.Record(ctx, feedback.Question{ID: id, Text: "why?", Outcome: feedback.Answered},
					&feedback.Answer{ID: id, Question: "why?", Passages: []feedback.Passage{{Doc: "d", Paragraph: 1, Sentence: 1}}}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(kind+"/Vote", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				if _, err := s.Vote(ctx, strconv.Itoa(i%10000), "u", feedback.Up); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(kind+"/Recall", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				if _, ok, err := s.Recall(ctx, strconv.Itoa(i%10000)); !ok || err != nil {
					b.Fatal(ok, err)
				}
			}
		})
		b.Run(kind+"/Report", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Report(ctx, feedback.ReportOptions{Since: time.Now().Add(-7 * 24 * time.Hour)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
