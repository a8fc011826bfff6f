package bot

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"kutip/feedback"
	"kutip/retrieval"
)

func TestOutcome(t *testing.T) {
	tests := []struct {
		name string
		ans  retrieval.Answer
		want feedback.Outcome
	}{
		{"abstained", retrieval.Answer{Answered: false, Confidence: 0.2}, feedback.Abstained},
		{"abstained, related passage", retrieval.Answer{Answered: false, Confidence: 0.4, Passages: make([]retrieval.Passage, 1)}, feedback.Abstained},
		{"just over the threshold", retrieval.Answer{Answered: true, Confidence: 0.46}, feedback.LowConfidence},
		{"below lowConfidence", retrieval.Answer{Answered: true, Confidence: lowConfidence - 0.01}, feedback.LowConfidence},
		{"at lowConfidence", retrieval.Answer{Answered: true, Confidence: lowConfidence}, feedback.Answered},
		{"sure", retrieval.Answer{Answered: true, Confidence: 1}, feedback.Answered},
	}
	for _, tc := range tests {
		if got := outcome(tc.ans); got != tc.want {
			t.Errorf("%s: outcome(%+v) = %q, want %q", tc.name, tc.ans, got, tc.want)
		}
	}
}

// brokenFeedback fails every write.
type brokenFeedback struct{ *feedback.Store }

func (brokenFeedback) Record(context.Context, feedback.Question, *feedback.Answer) error {
	return errors.New("disk full")
}

func TestRecord(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	ans := retrieval.Answer{
		Question: "when did Russia ratify?", Answered: true, Confidence: 0.8,
		Passages: []retrieval.Passage{
			{Doc: "nk-ru", Title: "Pakta", Paragraph: 8, Sentence: 1, Text: "Parlemen Rusia meratifikasi…", Answer: "6 November"},
			{Doc: "nk-ru", Title: "Pakta", Paragraph: 3, Sentence: 1},
			{Doc: "nk-ru", Title: "Pakta", Paragraph: 2, Sentence: 1},
		},
	}
	tests := []struct {
		name  string
		o     origin
		shown int
		want  *feedback.Answer // nil: nothing remembered
	}{
		{"two shown", origin{id: "111", guild: "g", channel: "c", locale: "id", previous: "kapan ditandatangani?"}, 2, &feedback.Answer{
			ID: "111", Question: ans.Question, Previous: "kapan ditandatangani?", Guild: "g", Channel: "c", Locale: "id", Answered: true, Time: now,
			Passages: []feedback.Passage{{Doc: "nk-ru", Title: "Pakta", Paragraph: 8, Sentence: 1}, {Doc: "nk-ru", Title: "Pakta", Paragraph: 3, Sentence: 1}},
		}},
		{"more shown than found", origin{id: "112"}, 9, &feedback.Answer{
			ID: "112", Question: ans.Question, Answered: true, Time: now,
			Passages: []feedback.Passage{{Doc: "nk-ru", Title: "Pakta", Paragraph: 8, Sentence: 1}, {Doc: "nk-ru", Title: "Pakta", Paragraph: 3, Sentence: 1}, {Doc: "nk-ru", Title: "Pakta", Paragraph: 2, Sentence: 1}},
		}},
		{"no ID", origin{guild: "g"}, 1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			store, _ := feedback.Open("", feedback.Options{Now: func() time.Time { return now }})
			b, _, logs := newTestBot(t, &fakeIndex{}, Options{Feedback: store})
			b.now = func() time.Time { return now }
			b.record(t.Context(), b.logger, tc.o, ans, tc.shown)
			r, err := store.Report(t.Context(), feedback.ReportOptions{})
			if err != nil || r.Asked != 1 || r.Answered != 1 {
				t.Errorf("report after record: %+v, %v; want one question, answered", r, err)
			}
			if tc.want == nil {
				return
			}
			got, ok, err := store.Recall(t.Context(), tc.o.id)
			if err != nil || !ok || !reflect.DeepEqual(got, *tc.want) {
				t.Errorf("Recall(%s) = %+v, %v, %v; want %+v", tc.o.id, got, ok, err, *tc.want)
			}
			if strings.Contains(logs.String(), "not recorded") {
				t.Errorf("record logged a failure: %s", logs.String())
			}
		})
	}

	t.Run("a failing store is logged, not fatal", func(t *testing.T) {
		store, _ := feedback.Open("", feedback.Options{})
		b, _, logs := newTestBot(t, &fakeIndex{}, Options{Feedback: brokenFeedback{store}})
		b.record(t.Context(), b.logger, origin{id: "1"}, ans, 1)
		if l := logs.String(); !strings.Contains(l, "feedback not recorded") || !strings.Contains(l, "disk full") {
			t.Errorf("logs = %q, want the failure logged with its error", l)
		}
	})
}
