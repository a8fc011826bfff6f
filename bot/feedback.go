package bot

import (
	"context"
	"log/slog"

	"kutip/feedback"
	"kutip/retrieval"
)

// Feedback records what the bot's answers showed and what became of its
// questions, so that buttons can be served after a restart or on another
// replica, and the maintainer of the articles learns what they lack.
// *feedback.Store satisfies it. Every write has been made durable when the
// method returns: record before acknowledging.
type Feedback interface {
	// Record records a question and its outcome and, when a is not nil,
	// what its answer a.ID showed, in one durable write.
	Record(ctx context.Context, q feedback.Question, a *feedback.Answer) error
	// Remember records what the answer a.ID showed.
	Remember(ctx context.Context, a feedback.Answer) error
	// Recall returns the answer recorded under answerID; ok is false when
	// there is none (never recorded, past retention, or recorded in
	// another replica's store).
	Recall(ctx context.Context, answerID string) (a feedback.Answer, ok bool, err error)
	// Vote records userID's vote on answerID (one per user and answer;
	// feedback.None withdraws it) and returns the answer's tally.
	Vote(ctx context.Context, answerID, userID string, v feedback.Vote) (feedback.Tally, error)
	// Report summarises a period, for one server or all.
	Report(ctx context.Context, o feedback.ReportOptions) (feedback.Report, error)
}

var _ Feedback = (*feedback.Store)(nil)

// lowConfidence is the confidence below which an answer counts as given
// with low confidence in the feedback report. Fitted on the facqa training
// questions (2,495; 2,423 answered): the 311 answers below 0.6 are right
// about half the time (151), those at or above it 84% (1,766 of 2,112);
// below 0.55 it would be 40%, but for only 7% of the answers. The dev
// questions agree (21 of 31 below, 229 of 271 above).
const lowConfidence = 0.6

// outcome says what became of a question.
func outcome(ans retrieval.Answer) feedback.Outcome {
	switch {
	case !ans.Answered:
		return feedback.Abstained
	case ans.Confidence < lowConfidence:
		return feedback.LowConfidence
	}
	return feedback.Answered
}

// origin is where a question was asked: the snowflake of the interaction
// or message that asked (the answer's ID), its server (empty in DMs),
// channel and locale; and for a follow-up, the question it followed.
type origin struct {
	id, guild, channel, locale string
	previous                   string
}

// record writes what an answer showed (its first shown passages) and the
// question's outcome to the feedback store. Call it before sending the
// answer, so that a click on its buttons finds it. A failure is logged and
// otherwise ignored: feedback never stops an answer.
func (b *Bot) record(ctx context.Context, log *slog.Logger, o origin, ans retrieval.Answer, shown int) {
	now := b.now()
	q := feedback.Question{
		ID: o.id, Text: ans.Question, Guild: o.guild, Channel: o.channel, Locale: o.locale,
		Outcome: outcome(ans), Confidence: ans.Confidence, Time: now,
	}
	var a *feedback.Answer
	if o.id != "" {
		a = &feedback.Answer{
			ID: o.id, Question: ans.Question, Previous: o.previous, Guild: o.guild, Channel: o.channel, Locale: o.locale,
			Answered: ans.Answered, Time: now,
		}
		for _, p := range ans.Passages[:min(shown, len(ans.Passages))] {
			a.Passages = append(a.Passages, feedback.Passage{Doc: p.Doc, Title: p.Title, Paragraph: p.Paragraph, Sentence: p.Sentence})
		}
	}
	if err := b.opts.Feedback.Record(ctx, q, a); err != nil {
		log.WarnContext(ctx, "feedback not recorded", "err", err)
	}
}
