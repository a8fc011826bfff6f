package feedback

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// ReportOptions select what a Report covers.
type ReportOptions struct {
	// Since is the start of the period; it ends now.
	Since time.Time
	// Guild keeps only the questions asked and the answers given in one
	// server, for a server's admins: they see nothing of another server.
	// Empty keeps everything (the operator's `kutip report`), direct
	// messages included.
	Guild string
}

// Report summarises the questions asked and the votes cast in the period.
func (s *Store) Report(ctx context.Context, o ReportOptions) (Report, error) {
	if err := s.usable(ctx); err != nil {
		return Report{}, err
	}
	r, err := buildReport([]backend{s.be}, o, s.opts.Now())
	if err != nil {
		return Report{}, fmt.Errorf("feedback report: %w", err)
	}
	return r, nil
}

// ReportFiles is Report over several store files read together, as
// OpenReadOnly reads them: the stores of replicas that share no volume,
// copied to one place. Questions and days add up, and a vote counts with
// its answer whichever file holds it; a user who voted on one answer
// through two replicas counts twice (each file hashes voters with its own
// key).
func ReportFiles(ctx context.Context, paths []string, o ReportOptions, opts Options) (Report, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	bes := make([]backend, 0, len(paths))
	for _, p := range paths {
		if err := checkCtx(ctx); err != nil {
			return Report{}, err
		}
		st, err := OpenReadOnly(p, opts)
		if err != nil {
			return Report{}, err
		}
		bes = append(bes, st.be)
	}
	r, err := buildReport(bes, o, opts.Now())
	if err != nil {
		return Report{}, fmt.Errorf("feedback report: %w", err)
	}
	return r, nil
}

// reportBuilder sums up questions and votes from one store or several.
type reportBuilder struct {
	r          Report
	guild      string
	days       map[string]*Day
	unanswered map[string]*Unanswered
	voted      map[string]*Voted
	answers    map[string]Answer // of the voted answers, as found
}

func buildReport(bes []backend, o ReportOptions, now time.Time) (Report, error) {
	b := &reportBuilder{
		r:     Report{Since: o.Since.UTC(), Until: now.UTC()},
		guild: o.Guild, days: map[string]*Day{}, unanswered: map[string]*Unanswered{},
		voted: map[string]*Voted{}, answers: map[string]Answer{},
	}
	for _, be := range bes {
		if err := be.view(func(t tx) error {
			if err := b.addQuestions(t); err != nil {
				return err
			}
			return b.addVotes(t)
		}); err != nil {
			return Report{}, err
		}
	}
	// An answer may be in another file than its votes (the click went to
	// another replica).
	for _, be := range bes {
		if err := be.view(b.findAnswers); err != nil {
			return Report{}, err
		}
	}
	return b.finish(), nil
}

func (b *reportBuilder) addQuestions(t tx) error {
	r := &b.r
	return t.scan(bucketQuestions, timeKey(r.Since), nil, func(_, v []byte) error {
		var q Question
		if err := json.Unmarshal(v, &q); err != nil {
			return nil // unreadable: pruned later, counted never
		}
		if q.Time.Before(r.Since) || q.Time.After(r.Until) || (b.guild != "" && q.Guild != b.guild) {
			return nil
		}
		date := q.Time.UTC().Format(time.DateOnly)
		d := b.days[date]
		if d == nil {
			d = &Day{Date: date}
			b.days[date] = d
		}
		r.Asked++
		d.Asked++
		switch q.Outcome {
		case Answered:
			r.Answered++
			d.Answered++
			return nil
		case Abstained:
			r.Abstained++
			d.Abstained++
		case LowConfidence:
			r.LowConfidence++
			d.LowConfidence++
		default:
			return nil
		}
		norm := Normalize(q.Text)
		if norm == "" {
			return nil
		}
		u := b.unanswered[norm]
		if u == nil {
			u = &Unanswered{Question: norm}
			b.unanswered[norm] = u
		}
		u.Count++
		if q.Outcome == Abstained {
			u.Abstained++
		} else {
			u.LowConfidence++
		}
		if !q.Time.Before(u.Last) {
			u.Last, u.Example = q.Time, q.Text
		}
		return nil
	})
}

func (b *reportBuilder) addVotes(t tx) error {
	r := &b.r
	return t.scan(bucketVotes, nil, nil, func(k, v []byte) error {
		var rec voteRecord
		if err := json.Unmarshal(v, &rec); err != nil || rec.T.Before(r.Since) || rec.T.After(r.Until) {
			return nil
		}
		i := strings.IndexByte(string(k), 0)
		if i < 0 {
			return nil
		}
		id := string(k[:i])
		a := b.voted[id]
		if a == nil {
			a = &Voted{AnswerID: id}
			b.voted[id] = a
		}
		switch rec.V {
		case Up:
			a.Up++
		case Down:
			a.Down++
		}
		return nil
	})
}

// findAnswers looks up the down-voted answers not found yet.
func (b *reportBuilder) findAnswers(t tx) error {
	for id, v := range b.voted {
		if _, found := b.answers[id]; found || v.Down == 0 {
			continue
		}
		var a Answer
		if val := t.get(bucketAnswers, []byte(id)); val != nil && json.Unmarshal(val, &a) == nil {
			b.answers[id] = a
		}
	}
	return nil
}

func (b *reportBuilder) finish() Report {
	r := b.r
	r.Days = make([]Day, 0, len(b.days))
	for _, d := range b.days {
		r.Days = append(r.Days, *d)
	}
	slices.SortFunc(r.Days, func(a, b Day) int { return strings.Compare(a.Date, b.Date) })

	r.Unanswered = make([]Unanswered, 0, len(b.unanswered))
	for _, u := range b.unanswered {
		r.Unanswered = append(r.Unanswered, *u)
	}
	slices.SortFunc(r.Unanswered, func(a, b Unanswered) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), b.Last.Compare(a.Last), strings.Compare(a.Question, b.Question))
	})
	r.Unanswered = r.Unanswered[:min(len(r.Unanswered), MaxUnanswered)]

	r.DownVoted = make([]Voted, 0, len(b.voted))
	for _, v := range b.voted {
		if v.Down == 0 {
			continue
		}
		a := b.answers[v.AnswerID] // zero when no longer stored
		if b.guild != "" && a.Guild != b.guild {
			continue // another server's, or unknown: not for this server's admins
		}
		v.Question = a.Question
		if len(a.Passages) > 0 {
			p := a.Passages[0]
			v.Passage = &p
		}
		r.DownVoted = append(r.DownVoted, *v)
	}
	slices.SortFunc(r.DownVoted, func(a, b Voted) int {
		return cmp.Or(cmp.Compare(b.Down, a.Down), cmp.Compare(a.Up, b.Up), strings.Compare(a.AnswerID, b.AnswerID))
	})
	r.DownVoted = r.DownVoted[:min(len(r.DownVoted), MaxDownVoted)]
	return r
}

// Normalize returns the form under which a report counts a question as the
// same: lower case, letters and digits only, words separated by one space.
// "When did Russia ratify?" and "when did  russia ratify" are one question.
func Normalize(q string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(q) {
		if unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}
