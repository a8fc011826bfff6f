package bot

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"kutip/feedback"
	"kutip/retrieval"
)

// countingStore counts the durable writes and the reads made of a store.
type countingStore struct {
	Feedback
	mu            sync.Mutex
	writes, reads int
}

func (c *countingStore) count(write bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if write {
		c.writes++
	} else {
		c.reads++
	}
}

func (c *countingStore) Record(ctx context.Context, q feedback.Question, a *feedback.Answer) error {
	c.count(true)
	return c.Feedback.Record(ctx, q, a)
}

func (c *countingStore) Remember(ctx context.Context, a feedback.Answer) error {
	c.count(true)
	return c.Feedback.Remember(ctx, a)
}

func (c *countingStore) Vote(ctx context.Context, answerID, userID string, v feedback.Vote) (feedback.Tally, error) {
	c.count(true)
	return c.Feedback.Vote(ctx, answerID, userID, v)
}

func (c *countingStore) Recall(ctx context.Context, answerID string) (feedback.Answer, bool, error) {
	c.count(false)
	return c.Feedback.Recall(ctx, answerID)
}

// TestFloodIsBounded: one user flooding an answer with clicks (votes,
// More, Show context) and replies that follow it up, all within one
// second, makes at most the question budget of store writes and index
// searches: votes, More and follow-ups share that budget, and it is taken
// before the store or the index is touched. Every click still gets one
// response; Show context, which reads the corpus alone, is never limited.
func TestFloodIsBounded(t *testing.T) {
	const budget, answer = 4, "1311111111111111111"
	mem, _ := feedback.Open("", feedback.Options{}) // in memory: its warning says so
	defer mem.Close()
	if err := mem.Record(t.Context(), feedback.Question{ID: answer, Text: "when did Russia ratify?", Guild: "g1", Outcome: feedback.Answered},
		&feedback.Answer{ID: answer, Question: "when did Russia ratify?", Passages: []feedback.Passage{{Doc: ratified.Doc, Paragraph: ratified.Paragraph, Sentence: ratified.Sentence}}}); err != nil {
		t.Fatal(err)
	}
	store := &countingStore{Feedback: mem}
	ix := &pagingIndex{passages: []retrieval.Passage{ratified, passageN(2), passageN(3), passageN(4), passageN(5)}}
	b, rec, _ := newTestBot(t, ix, Options{Feedback: store, RateCount: budget, RateWindow: time.Minute})
	t0 := time.Unix(1_700_000_000, 0)
	var at time.Duration
	b.now = clockAt(t0, &at)
	buttons := answerButtons(retrieval.Answer{Answered: true, Passages: ix.passages}, answer, english, true)
	var ids []string
	for _, c := range buttons[0].(discordgo.ActionsRow).Components {
		ids = append(ids, c.(discordgo.Button).CustomID)
	}
	if len(ids) != 4 {
		t.Fatalf("answer buttons %v, want 4", ids)
	}
	replied := &discordgo.Message{ID: answer, ChannelID: "c1", Author: &discordgo.User{ID: self}, Components: buttons}

	clicks, contexts := 0, 0
	for n := range 200 {
		at = time.Duration(n) * 5 * time.Millisecond
		if n%5 == 4 {
			m := message(fmt.Sprint("m", n), "g1", "and North Korea?")
			m.ReferencedMessage = replied
			m.MessageReference = &discordgo.MessageReference{MessageID: answer, ChannelID: "c1"}
			b.onMessage(t.Context(), rec, self, m)
			continue
		}
		id := ids[n%len(ids)]
		if c, _ := parseCustomID(id); c.Action == actContext {
			contexts++
		}
		clicks++
		b.onInteraction(t.Context(), rec, click(fmt.Sprint("c", n), id, ""))
	}

	responses := map[string]int{}
	contextShown := 0
	for _, c := range rec.all() {
		if c.method == "respond" {
			responses[c.interaction]++
			if d := c.resp.Data; d != nil && len(d.Embeds) == 1 && d.Embeds[0].Footer != nil && d.Embeds[0].Footer.Text != "" && d.Content == "" {
				contextShown++
			}
		}
	}
	if len(responses) != clicks {
		t.Errorf("%d of %d clicks got a response", len(responses), clicks)
	}
	for id, n := range responses {
		if n != 1 {
			t.Errorf("click %s got %d responses, want 1", id, n)
		}
	}
	searches := len(ix.asked) + len(ix.previous)
	if store.writes > budget || searches > budget {
		t.Errorf("%d store writes and %d searches from one user's flood, want at most the budget of %d each", store.writes, searches, budget)
	}
	if store.writes == 0 || searches == 0 {
		t.Errorf("%d writes and %d searches: the flood's first requests, within the budget, were not served", store.writes, searches)
	}
	if store.reads > budget {
		t.Errorf("%d store reads, want at most %d: a follow-up or More past the budget read the store", store.reads, budget)
	}
	if contextShown < contexts {
		t.Errorf("Show context answered %d of %d clicks with the context, want all: it is not limited", contextShown, contexts)
	}
}
