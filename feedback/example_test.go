package feedback_test

import (
	"context"
	"fmt"
	"time"

	"kutip/feedback"
)

// A store records every question and what it became, what each answer
// showed, and the votes on it; a report sums up a period.
func ExampleStore() {
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	// "" keeps the store in memory; a path keeps it in a bbolt file.
	s, _ := feedback.Open("", feedback.Options{Now: func() time.Time { return now }})
	defer s.Close()

	s.Asked(ctx, feedback.Question{ID: "1310000000000000001", Text: "When did Russia ratify?", Guild: "g", Outcome: feedback.Answered, Confidence: 0.9})
	s.Remember(ctx, feedback.Answer{ID: "1310000000000000001", Question: "When did Russia ratify?", Guild: "g", Answered: true,
		Passages: []feedback.Passage{{Doc: "nk-ru", Paragraph: 8, Sentence: 1}}})
	s.Asked(ctx, feedback.Question{ID: "1310000000000000002", Text: "Who is France's president?", Guild: "g", Outcome: feedback.Abstained})
	s.Asked(ctx, feedback.Question{ID: "1310000000000000003", Text: "who is france's President", Guild: "g", Outcome: feedback.Abstained})

	tally, _ := s.Vote(ctx, "1310000000000000001", "user-a", feedback.Down)
	tally, _ = s.Vote(ctx, "1310000000000000001", "user-a", feedback.Up) // changed
	fmt.Printf("votes: %d up, %d down\n", tally.Up, tally.Down)

	r, _ := s.Report(ctx, feedback.ReportOptions{Since: now.Add(-7 * 24 * time.Hour), Guild: "g"})
	fmt.Printf("%d asked, %d answered\n", r.Asked, r.Answered)
	for _, u := range r.Unanswered {
		fmt.Printf("%d× %q\n", u.Count, u.Question)
	}
	// Output:
	// votes: 1 up, 0 down
	// 3 asked, 1 answered
	// 2× "who is france s president"
}
