package bot

import (
	"slices"
	"sync"
	"time"
)

// limiter is a token bucket per user: each user may ask count questions at
// once, and gets a question back every window/count. It is safe for
// concurrent use.
//
// Memory is bounded: a bucket left alone for a whole window is full again,
// which is the same as having no bucket, so buckets idle that long are
// dropped (at most once per window, in one pass); and when more than
// maxBuckets users are active within one window, the oldest buckets are
// dropped, which at worst forgives a user some questions.
type limiter struct {
	count  float64
	window time.Duration
	every  time.Duration // time to earn one token back

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
	max       int
}

type bucket struct {
	tokens   float64
	last     time.Time // when tokens was last brought up to date
	notified bool      // the user was told they are limited since their last allowed question
}

// maxBuckets bounds the limiter's memory, about 100 bytes a bucket.
const maxBuckets = 100_000

func newLimiter(count int, window time.Duration) *limiter {
	return &limiter{
		count:   float64(count),
		window:  window,
		every:   window / time.Duration(count),
		buckets: map[string]*bucket{},
		max:     maxBuckets,
	}
}

// allow takes a token from user's bucket at time now. When the bucket is
// empty it returns false, the time the next token arrives, and whether this
// is the first refusal since the user's last allowed question (to tell them
// once, not at every message).
func (l *limiter) allow(user string, now time.Time) (ok bool, retry time.Time, first bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b := l.buckets[user]
	if b == nil {
		if len(l.buckets) >= l.max {
			l.evictOldest()
		}
		b = &bucket{tokens: l.count, last: now}
		l.buckets[user] = b
	}
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = min(l.count, b.tokens+float64(elapsed)/float64(l.every))
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		b.notified = false
		return true, time.Time{}, false
	}
	wait := time.Duration((1 - b.tokens) * float64(l.every))
	first = !b.notified
	b.notified = true
	return false, now.Add(wait), first
}

// sweep drops the buckets idle for a window or more, at most once a window.
func (l *limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < l.window {
		return
	}
	l.lastSweep = now
	for user, b := range l.buckets {
		if now.Sub(b.last) >= l.window {
			delete(l.buckets, user)
		}
	}
}

// evictOldest drops the tenth of the buckets least recently used. It sorts
// every bucket's time, which is fine for something this rare.
func (l *limiter) evictOldest() {
	ages := make([]time.Time, 0, len(l.buckets))
	for _, b := range l.buckets {
		ages = append(ages, b.last)
	}
	slices.SortFunc(ages, time.Time.Compare)
	cut := ages[len(ages)/10]
	for user, b := range l.buckets {
		if !b.last.After(cut) {
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
