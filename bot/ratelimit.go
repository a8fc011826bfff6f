package bot

import (
	"slices"
	"sync"
	"time"
)

// kind is a kind of request with a rate limit of its own.
type kind int

const (
	kindQuestion kind = iota // /ask, "Ask kutip", mentions, DMs
	kindSummary              // /summary
	numKinds
)

func (k kind) String() string {
	if k == kindSummary {
		return "summary"
	}
	return "question"
}

// budget returns the count and window of a kind's limit.
func (o Options) budget(k kind) (int, time.Duration) {
	if k == kindSummary {
		return o.SummaryCount, o.SummaryWindow
	}
	return o.RateCount, o.RateWindow
}

// limiter is a token bucket per user for one kind of request (questions,
// summaries): each user may make count requests at once, and gets one back
// every window/count. It is safe for concurrent use.
//
// The bucket is kept as the time it is full again (the generic cell rate
// algorithm), in whole nanoseconds, so that a token is back exactly when
// the user was told, with no rounding: a request at the told time is
// answered.
//
// Memory is bounded: a bucket that is full again is the same as having no
// bucket, so such buckets are dropped (at most once per window, in one
// pass); and when more than maxBuckets users are limited at once, the
// buckets that fill soonest are dropped, which at worst forgives a user
// some requests.
type limiter struct {
	window time.Duration
	every  time.Duration // time to earn one token back

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
	max       int
}

type bucket struct {
	// full is when the bucket is full again: each request moves it every
	// later, from now at the least; a request is refused when that would
	// put it more than window ahead of now.
	full time.Time
	// toldUntil is the retry time the user was last told; until it
	// passes, telling them again says nothing new.
	toldUntil time.Time
}

// maxBuckets bounds the limiter's memory, about 100 bytes a bucket.
const maxBuckets = 100_000

func newLimiter(count int, window time.Duration) *limiter {
	return &limiter{
		window:  window,
		every:   window / time.Duration(count),
		buckets: map[string]*bucket{},
		max:     maxBuckets,
	}
}

// allow takes a token from user's bucket at time now. When the bucket is
// empty it returns false, the time the next token arrives, and whether the
// user should be told: true unless they were told a retry time that has
// not passed yet. So a user who keeps asking while limited gets at most one
// notice per token period, and is never left without a valid "try again"
// time: once the time they were told passes, their next request is
// answered or told again.
func (l *limiter) allow(user string, now time.Time) (ok bool, retry time.Time, tell bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b := l.buckets[user]
	if b == nil {
		if len(l.buckets) >= l.max {
			l.evictOldest()
		}
		b = &bucket{full: now}
		l.buckets[user] = b
	}
	next := b.full
	if next.Before(now) {
		next = now
	}
	next = next.Add(l.every)
	if !next.After(now.Add(l.window)) {
		b.full = next
		return true, time.Time{}, false
	}
	retry = next.Add(-l.window)
	if now.Before(b.toldUntil) {
		return false, retry, false
	}
	b.toldUntil = retry
	return false, retry, true
}

// sweep drops the buckets that are full again, at most once a window.
func (l *limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < l.window {
		return
	}
	l.lastSweep = now
	for user, b := range l.buckets {
		if !b.full.After(now) {
			delete(l.buckets, user)
		}
	}
}

// evictOldest drops the tenth of the buckets that are full soonest. It
// sorts every bucket's time, which is fine for something this rare.
func (l *limiter) evictOldest() {
	ages := make([]time.Time, 0, len(l.buckets))
	for _, b := range l.buckets {
		ages = append(ages, b.full)
	}
	slices.SortFunc(ages, time.Time.Compare)
	cut := ages[len(ages)/10]
	for user, b := range l.buckets {
		if !b.full.After(cut) {
			delete(l.buckets, user)
		}
	}
}

// size returns how many buckets are held, for tests.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
