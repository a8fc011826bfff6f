package bot

import (
	"fmt"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	l := newLimiter(5, 30*time.Second) // a token back every 6 s
	type step struct {
		at        time.Duration // after t0
		ok        bool
		retryIn   time.Duration // when refused: the wait reported
		firstDeny bool
	}
	steps := []step{
		{0, true, 0, false}, {0, true, 0, false}, {0, true, 0, false}, {0, true, 0, false}, {0, true, 0, false}, // the burst
		{0, false, 6 * time.Second, true},
		{time.Second, false, 5 * time.Second, false}, // told once already
		{6 * time.Second, true, 0, false},            // one token back
		{6 * time.Second, false, 6 * time.Second, true},
		{time.Hour, true, 0, false}, // full again
	}
	for i, s := range steps {
		ok, retry, first := l.allow("u1", t0.Add(s.at))
		if ok != s.ok || first != s.firstDeny {
			t.Errorf("step %d at %v: allow = %v (first refusal %v), want %v (%v)", i, s.at, ok, first, s.ok, s.firstDeny)
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
