// Package feedback keeps what kutip's users tell the maintainer of the
// articles without meaning to: which questions went unanswered, which
// answers were voted down, and how the answer rate moves from day to day.
//
// A Store records three things, each with its time:
//
//   - an Answer: what a reply showed (the question, where it was asked, the
//     passages cited), keyed by the snowflake ID of the interaction or
//     message that asked, so that a button click after a restart, or on
//     another replica sharing the file, can be served;
//   - a vote: 👍 or 👎 on an answer, one per user per answer, changeable;
//     the user is stored only as a keyed hash (see Store.Vote);
//   - a Question: every question asked, with its Outcome and confidence.
//
// No usernames are kept, and no message text but the question (and, for
// a follow-up, the question it followed: Answer.Previous). Records older
// than Options.Retention are deleted when the store opens and then at most
// every PruneEvery while it is written.
//
// Open stores them in a bbolt file, which it opens for each operation and
// closes again, so that several processes (replicas answering HTTP
// interactions on one volume, `kutip report`) can share one file: a lock
// on path.lock serialises them (see lockFile), and every write is
// committed and fsynced before the method returns. A file that turns out
// corrupt is moved to path.corrupt-<time> and a new one started. With no
// path, or when the file cannot be used, the store lives in memory (at
// most MaxMemoryRecords of each kind) and behaves the same. Report
// summarises a period, for one server or all.
//
// The package imports nothing of kutip; the bot sees it through the small
// Feedback interface in package bot.
package feedback

import (
	"context"
	"errors"
	"time"
)

// Vote is a user's verdict on an answer.
type Vote int8

// Votes. None withdraws a user's vote.
const (
	None Vote = 0
	Up   Vote = 1
	Down Vote = -1
)

// String returns "up", "down" or "none".
func (v Vote) String() string {
	switch v {
	case Up:
		return "up"
	case Down:
		return "down"
	case None:
		return "none"
	}
	return "invalid"
}

// Outcome is what became of a question.
type Outcome string

// Outcomes. LowConfidence is an answer given below the confidence the
// asker should trust without reading the quote (the bot decides the
// threshold); Abstained is "The article does not say."
const (
	Answered      Outcome = "answered"
	Abstained     Outcome = "abstained"
	LowConfidence Outcome = "low-confidence"
)

// valid reports whether o is one of the outcomes.
func (o Outcome) valid() bool {
	return o == Answered || o == Abstained || o == LowConfidence
}

// Passage cites one sentence an answer showed. It holds no text of the
// article, only where the sentence is, so a report can cite it.
type Passage struct {
	Doc       string `json:"doc"`             // document ID
	Title     string `json:"title,omitempty"` // the document's title when the answer was given
	Paragraph int    `json:"paragraph"`       // 1-based
	Sentence  int    `json:"sentence"`        // 1-based within the paragraph
}

// Answer is what one reply showed.
type Answer struct {
	// ID is the snowflake of the interaction or message that asked; the
	// key of the record. Required.
	ID       string `json:"id"`
	Question string `json:"question"`
	// Previous is the question a follow-up followed ("" for a question
	// asked alone), so that a reply to this answer keeps the subject.
	Previous string `json:"previous,omitempty"`
	Guild    string `json:"guild,omitempty"` // empty in direct messages
	Channel  string `json:"channel,omitempty"`
	Locale   string `json:"locale,omitempty"` // the interaction's locale, such as "id" or "en-US"
	// Passages are the sentences shown, in the order shown.
	Passages []Passage `json:"passages,omitempty"`
	Answered bool      `json:"answered"`
	// Time is when the answer was given; zero means now.
	Time time.Time `json:"time"`
}

// Question is one question asked, whatever became of it.
type Question struct {
	// ID is the snowflake of the interaction or message that asked; with
	// Time it keys the record, so recording the same question twice keeps
	// one. Empty gets a random ID.
	ID         string  `json:"id"`
	Text       string  `json:"text"`
	Guild      string  `json:"guild,omitempty"`
	Channel    string  `json:"channel,omitempty"`
	Locale     string  `json:"locale,omitempty"`
	Outcome    Outcome `json:"outcome"`
	Confidence float64 `json:"confidence"`
	// Time is when it was asked; zero means now.
	Time time.Time `json:"time"`
}

// Tally counts the votes on one answer.
type Tally struct {
	Up   int `json:"up"`
	Down int `json:"down"`
}

// Report summarises the questions and votes of a period.
type Report struct {
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
	// Totals of the period.
	Asked         int `json:"asked"`
	Answered      int `json:"answered"`
	Abstained     int `json:"abstained"`
	LowConfidence int `json:"low_confidence"`
	// Unanswered are the most-asked questions that were abstained on or
	// answered with low confidence, at most MaxUnanswered, most asked
	// first.
	Unanswered []Unanswered `json:"unanswered"`
	// DownVoted are the answers with down-votes cast in the period, at
	// most MaxDownVoted, most down-voted first.
	DownVoted []Voted `json:"down_voted"`
	// Days are the days (UTC) of the period on which questions were
	// asked, oldest first.
	Days []Day `json:"days"`
}

// Unanswered is one question, in its normalised form (see Normalize),
// counted over the period.
type Unanswered struct {
	Question      string    `json:"question"` // normalised
	Example       string    `json:"example"`  // the latest wording asked
	Count         int       `json:"count"`
	Abstained     int       `json:"abstained"`
	LowConfidence int       `json:"low_confidence"`
	Last          time.Time `json:"last"`
}

// Voted is an answer with the votes cast on it in the period.
type Voted struct {
	AnswerID string `json:"answer_id"`
	// Question and Passage are empty when the answer is no longer stored
	// (past retention, or its record failed to be written).
	Question string   `json:"question"`
	Passage  *Passage `json:"passage,omitempty"` // the first passage shown
	Up       int      `json:"up"`
	Down     int      `json:"down"`
}

// Day counts one day's questions by outcome.
type Day struct {
	Date          string `json:"date"` // 2006-01-02, UTC
	Asked         int    `json:"asked"`
	Answered      int    `json:"answered"`
	Abstained     int    `json:"abstained"`
	LowConfidence int    `json:"low_confidence"`
}

// Limits of a Report's lists.
const (
	MaxUnanswered = 20
	MaxDownVoted  = 20
)

// DefaultRetention is how long records are kept unless configured
// otherwise (FEEDBACK_RETENTION).
const DefaultRetention = 90 * 24 * time.Hour

// PruneEvery is how often a store written to deletes expired records.
const PruneEvery = time.Hour

// Errors. A caller branches on ErrInvalid (a bug in the caller: refuse the
// request) and ErrClosed (shutting down); any other error means the store
// could not be read or written, and the bot should answer anyway.
var (
	ErrInvalid = errors.New("feedback: invalid record")
	ErrClosed  = errors.New("feedback: store closed")
)

// checkCtx returns ctx's error, so that no write starts after a caller
// gave up.
func checkCtx(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return nil
}
