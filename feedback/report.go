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
	r := Report{Since: o.Since.UTC(), Until: s.opts.Now().UTC()}
	err := s.be.view(func(t tx) error {
		if err := r.addQuestions(t, o.Guild); err != nil {
			return err
		}
		return r.addVotes(t, o.Guild)
	})
	if err != nil {
		return Report{}, fmt.Errorf("feedback report: %w", err)
	}
	return r, nil
}

func (r *Report) addQuestions(t tx, guild string) error {
	days := map[string]*Day{}
	unanswered := map[string]*Unanswered{}
	err := t.scan(bucketQuestions, timeKey(r.Since), nil, func(_, v []byte) error {
		var q Question
		if err := json.Unmarshal(v, &q); err != nil {
			return nil // unreadable: pruned later, counted never
		}
		if q.Time.Before(r.Since) || q.Time.After(r.Until) || (guild != "" && q.Guild != guild) {
			return nil
		}
		date := q.Time.UTC().Format(time.DateOnly)
		d := days[date]
		if d == nil {
			d = &Day{Date: date}
			days[date] = d
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
		u := unanswered[norm]
		if u == nil {
			u = &Unanswered{Question: norm}
			unanswered[norm] = u
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
	if err != nil {
		return err
	}
	r.Days = make([]Day, 0, len(days))
	for _, d := range days {
		r.Days = append(r.Days, *d)
	}
	slices.SortFunc(r.Days, func(a, b Day) int { return strings.Compare(a.Date, b.Date) })
	r.Unanswered = make([]Unanswered, 0, len(unanswered))
	for _, u := range unanswered {
		r.Unanswered = append(r.Unanswered, *u)
	}
	slices.SortFunc(r.Unanswered, func(a, b Unanswered) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), b.Last.Compare(a.Last), strings.Compare(a.Question, b.Question))
	})
	r.Unanswered = r.Unanswered[:min(len(r.Unanswered), MaxUnanswered)]
	return nil
}

func (r *Report) addVotes(t tx, guild string) error {
	byAnswer := map[string]*Voted{}
	err := t.scan(bucketVotes, nil, nil, func(k, v []byte) error {
		var rec voteRecord
		if err := json.Unmarshal(v, &rec); err != nil || rec.T.Before(r.Since) || rec.T.After(r.Until) {
			return nil
		}
		i := strings.IndexByte(string(k), 0)
		if i < 0 {
			return nil
		}
		id := string(k[:i])
		a := byAnswer[id]
		if a == nil {
			a = &Voted{AnswerID: id}
			byAnswer[id] = a
		}
		switch rec.V {
		case Up:
			a.Up++
		case Down:
			a.Down++
		}
		return nil
	})
	if err != nil {
		return err
	}
	r.DownVoted = make([]Voted, 0, len(byAnswer))
	for _, v := range byAnswer {
		if v.Down == 0 {
			continue
		}
		var a Answer
		if val := t.get(bucketAnswers, []byte(v.AnswerID)); val == nil || json.Unmarshal(val, &a) != nil {
			a = Answer{}
		}
		if guild != "" && a.Guild != guild {
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
	return nil
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
