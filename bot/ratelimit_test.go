package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestLimiter(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	l := newLimiter(5, 30*time.Second) // a token back every 6 s
	type step struct {
		at      time.Duration // after t0
		ok      bool
		retryIn time.Duration // when refused: the wait reported
		tell    bool
	}
	steps := []step{
		{0, true, 0, false}, {0, true, 0, false}, {0, true, 0, false}, {0, true, 0, false}, {0, true, 0, false}, // the burst
		{0, false, 6 * time.Second, true},
		{time.Second, false, 5 * time.Second, false}, // told "at 6 s" already, and it still holds
		{6 * time.Second, true, 0, false},            // one token back
		{6 * time.Second, false, 6 * time.Second, true},
		{7 * time.Second, false, 5 * time.Second, false},
		{13 * time.Second, true, 0, false},
		{13 * time.Second, false, 5 * time.Second, true}, // the time told (12 s) has passed: told again
		{14 * time.Second, false, 4 * time.Second, false},
		{19 * time.Second, true, 0, false},
		{time.Hour, true, 0, false}, // full again
	}
	for i, s := range steps {
		ok, retry, tell := l.allow("u1", t0.Add(s.at))
		if ok != s.ok || tell != s.tell {
			t.Errorf("step %d at %v: allow = %v (tell %v), want %v (%v)", i, s.at, ok, tell, s.ok, s.tell)
		}
		if !ok {
			if got := retry.Sub(t0.Add(s.at)); got != s.retryIn {
				t.Errorf("step %d at %v: retry in %v, want %v", i, s.at, got, s.retryIn)
			}
		}
	}
	if ok, _, _ := l.allow("u2", t0); !ok {
		t.Error("a second user is limited by the first one's questions")
	}
}

// TestLimiterNeverSilent: a user who keeps asking while limited, at any
// pace, always holds a retry time they were told that has not passed, or
// gets an answer; and is told at most once per token period.
func TestLimiterNeverSilent(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	for _, every := range []time.Duration{300 * time.Millisecond, time.Second, 2500 * time.Millisecond, 7 * time.Second} {
		l := newLimiter(3, 30*time.Second) // a token back every 10 s
		var told time.Time                 // the last retry time told
		notices := 0
		for at := time.Duration(0); at < 10*time.Minute; at += every {
			now := t0.Add(at)
			ok, retry, tell := l.allow("u", now)
			switch {
			case ok:
			case tell:
				notices++
				told = retry
			case !now.Before(told):
				t.Fatalf("every %v, at %v: refused in silence, and the time told (%v) has passed", every, at, told.Sub(t0))
			}
		}
		if max := int(10*time.Minute/(10*time.Second)) + 1; notices > max {
			t.Errorf("every %v: %d notices in 10 minutes, want at most one per token period (%d)", every, notices, max)
		}
	}
}

func TestLimiterMemoryIsBounded(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	l := newLimiter(5, 30*time.Second)
	for i := range 1000 {
		l.allow(fmt.Sprint("u", i), t0)
	}
	if got := l.size(); got != 1000 {
		t.Fatalf("size = %d, want 1000", got)
	}
	// A window later, the idle buckets are gone at the next question.
	l.allow("late", t0.Add(30*time.Second))
	if got := l.size(); got != 1 {
		t.Errorf("size after a window = %d, want 1", got)
	}

	// With more users active in one window than the cap, the oldest go.
	l = newLimiter(5, time.Hour)
	l.max = 100
	for i := range 1000 {
		l.allow(fmt.Sprint("u", i), t0.Add(time.Duration(i)*time.Millisecond))
		if got := l.size(); got > 100 {
			t.Fatalf("size = %d after %d users, want at most 100", got, i+1)
		}
	}
	if ok, _, _ := l.allow("u999", t0.Add(time.Second)); !ok {
		t.Error("the most recent user lost their bucket")
	}
}

// clockAt returns a clock for Bot.now that reads *at.
func clockAt(t0 time.Time, at *time.Duration) func() time.Time {
	return func() time.Time { return t0.Add(*at) }
}

// TestFirstTryOut: with the default budgets, what a new user does to try
// kutip within a minute (questions by /ask, mentions and "Ask kutip", two
// summaries, /source and /help) is never limited.
func TestFirstTryOut(t *testing.T) {
	b, rec, _ := newTestBot(t, &fakeIndex{}, Options{})
	t0 := time.Unix(1_700_000_000, 0)
	var at time.Duration
	b.now = clockAt(t0, &at)
	steps := []func(int){
		func(i int) {
			b.onInteraction(t.Context(), rec, slash(fmt.Sprint("a", i), "ask", strOpt("question", "when did Russia ratify?")))
		},
		func(i int) {
			b.onMessage(t.Context(), rec, self, message(fmt.Sprint("m", i), "g1", "<@100> who signed?", self))
		},
		func(i int) { b.onInteraction(t.Context(), rec, slash(fmt.Sprint("s", i), "summary")) },
		func(i int) { b.onInteraction(t.Context(), rec, slash(fmt.Sprint("o", i), "source")) },
		func(i int) { b.onInteraction(t.Context(), rec, slash(fmt.Sprint("h", i), "help")) },
	}
	// 7 /ask, 3 mentions, 2 /summary, /source twice, /help: 15 actions
	// in 56 seconds.
	plan := []int{0, 0, 0, 4, 0, 1, 2, 0, 3, 1, 0, 2, 0, 1, 3}
	for i, k := range plan {
		at = time.Duration(i) * 4 * time.Second
		steps[k](i)
	}
	for _, c := range rec.all() {
		text := ""
		switch {
		case c.resp != nil && c.resp.Data != nil:
			text = c.resp.Data.Content
		case c.send != nil:
			text = c.send.Content
		}
		if strings.Contains(text, "Try again") {
			t.Errorf("a first try-out was limited: %q", text)
		}
	}
	if got := testutil.ToFloat64(b.metrics.rateLimited); got != 0 {
		t.Errorf("rate limited %v times, want 0", got)
	}
}

// TestBudgetsPerKind: summaries have a budget of their own; running out of
// it leaves questions alone, and each notice names its own budget.
func TestBudgetsPerKind(t *testing.T) {
	b, rec, _ := newTestBot(t, &fakeIndex{}, Options{SummaryCount: 2, SummaryWindow: time.Minute, RateCount: 2, RateWindow: time.Minute})
	t0 := time.Unix(1_700_000_000, 0)
	var at time.Duration
	b.now = clockAt(t0, &at)
	for i := range 3 {
		b.onInteraction(t.Context(), rec, slash(fmt.Sprint("s", i), "summary"))
	}
	b.onInteraction(t.Context(), rec, slash("a1", "ask", strOpt("question", "when?")))
	calls := rec.all()
	if len(calls) != 4 {
		t.Fatalf("%d calls, want 4", len(calls))
	}
	want := "You're asking for summaries faster than I make them: up to 2 summaries every 1 minute. Try again <t:1700000031:R>."
	if got := calls[2].resp.Data.Content; got != want || calls[2].resp.Data.Flags != discordgo.MessageFlagsEphemeral {
		t.Errorf("third summary: %q, want the ephemeral %q", got, want)
	}
	if got := calls[3].resp.Data; len(got.Embeds) != 1 {
		t.Errorf("/ask after the summaries ran out: %+v, want an answer", got)
	}
	// Questions run out on their own, with their own notice.
	b.onInteraction(t.Context(), rec, slash("a2", "ask", strOpt("question", "when?")))
	b.onInteraction(t.Context(), rec, slash("a3", "ask", strOpt("question", "when?")))
	if got := rec.all()[5].resp.Data.Content; !strings.HasPrefix(got, "You're asking faster than I answer: up to 2 questions every 1 minute.") {
		t.Errorf("third question: %q, want the question notice", got)
	}
}

// TestMentionLimitNeverSilent: mentions past the limit get one notice per
// retry time told; once that time passes the user is answered, or told
// again, never ignored.
func TestMentionLimitNeverSilent(t *testing.T) {
	b, rec, _ := newTestBot(t, &fakeIndex{}, Options{RateCount: 1, RateWindow: 10 * time.Second})
	t0 := time.Unix(1_700_000_000, 0)
	var at time.Duration
	b.now = clockAt(t0, &at)
	steps := []struct {
		at   time.Duration
		want string // "answer", "notice" or "" for none
	}{
		{0, "answer"},
		{time.Second, "notice"}, // try again at 10 s
		{2 * time.Second, ""},   // told already, and the time told holds
		{9 * time.Second, ""},
		{10 * time.Second, "answer"}, // at the time told: answered
		{10500 * time.Millisecond, "notice"},
		{25 * time.Second, "answer"},
		{26 * time.Second, "notice"},
		{36 * time.Second, "answer"},
	}
	for i, st := range steps {
		at = st.at
		before := len(rec.all())
		b.onMessage(t.Context(), rec, self, message(fmt.Sprint("m", i), "g1", "<@100> when?", self))
		calls := rec.all()[before:]
		got := ""
		if len(calls) == 1 {
			got = "answer"
			if strings.Contains(calls[0].send.Content, "Try again") {
				got = "notice"
			}
		}
		if len(calls) > 1 || got != st.want {
			t.Errorf("message at %v: %d replies (%q), want %q", st.at, len(calls), got, st.want)
		}
	}
}
