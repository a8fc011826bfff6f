package discordtest

import (
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// A Limit is a rate limit: Count requests per Window, per bucket. A bucket
// is a route plus its top-level resource (the channel, guild, webhook or
// interaction in the path), as on Discord.
type Limit struct {
	Count  int
	Window time.Duration
}

// DefaultLimits are the limits used for routes Options.Limits leaves out.
// Discord does not publish its numbers and changes them; these are of the
// same order (five messages per channel per five seconds), so a bot that
// ignores the X-RateLimit-* headers meets 429s here as it would there.
// Routes not listed get 50 per second.
var DefaultLimits = map[Route]Limit{
	RouteCreateMessage:       {5, 5 * time.Second},
	RouteTyping:              {5, 5 * time.Second},
	RouteBulkGlobalCommands:  {10, 20 * time.Second},
	RouteBulkGuildCommands:   {10, 20 * time.Second},
	RouteCreateGlobalCommand: {10, 20 * time.Second},
	RouteCreateGuildCommand:  {10, 20 * time.Second},
	RouteCallback:            {5, time.Second},
	RouteEditOriginal:        {5, 2 * time.Second},
	RouteFollowup:            {5, 2 * time.Second},
	RouteEditFollowup:        {5, 2 * time.Second},
}

var defaultLimit = Limit{50, time.Second}

type bucket struct {
	remaining int
	reset     time.Time
}

func (s *Server) limitFor(route Route) Limit {
	if l, ok := s.opts.Limits[route]; ok && l.Count > 0 && l.Window > 0 {
		return l
	}
	if l, ok := DefaultLimits[route]; ok {
		return l
	}
	return defaultLimit
}

// bucketHash is the X-RateLimit-Bucket value of a route: opaque and the
// same for every top-level resource, as on Discord.
func bucketHash(route Route) string {
	h := fnv.New64a()
	h.Write([]byte(route))
	return fmt.Sprintf("%016x", h.Sum64())
}

// majorParam is the top-level resource of a request's path.
func majorParam(r *http.Request) string {
	for _, k := range []string{"channel", "guild"} {
		if v := r.PathValue(k); v != "" {
			return v
		}
	}
	if tok := r.PathValue("token"); tok != "" {
		return r.PathValue("app") + r.PathValue("id") + "/" + tok
	}
	return ""
}

// rateLimit takes one request from the route's bucket and sets the
// X-RateLimit-* headers. When the bucket is empty it answers 429 and
// reports false.
func (s *Server) rateLimit(c *call, route Route) bool {
	lim := s.limitFor(route)
	key := string(route) + "|" + majorParam(c.r)
	now := time.Now()
	s.mu.Lock()
	b := s.buckets[key]
	if b == nil {
		if len(s.buckets) > 10000 {
			for k, old := range s.buckets {
				if now.After(old.reset) {
					delete(s.buckets, k)
				}
			}
		}
		b = &bucket{}
		s.buckets[key] = b
	}
	if !now.Before(b.reset) {
		b.remaining, b.reset = lim.Count, now.Add(lim.Window)
	}
	limited := b.remaining <= 0
	if !limited {
		b.remaining--
	} else {
		s.stats.RateLimited++
	}
	remaining, reset := b.remaining, b.reset
	s.mu.Unlock()

	after := reset.Sub(now).Seconds()
	h := c.header
	h.Set("X-RateLimit-Limit", strconv.Itoa(lim.Count))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(reset.UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(after, 'f', 3, 64))
	h.Set("X-RateLimit-Bucket", bucketHash(route))
	if limited {
		s.tooManyRequests(c, after, false)
		return false
	}
	return true
}

// tooManyRequests answers 429 the way Discord does: a JSON body with
// retry_after in seconds, and a Retry-After header in whole seconds.
func (s *Server) tooManyRequests(c *call, retryAfter float64, global bool) {
	retryAfter = math.Ceil(retryAfter*1000) / 1000
	c.json(http.StatusTooManyRequests, map[string]any{
		"message": "You are being rate limited.", "retry_after": retryAfter, "global": global,
	})
	c.header.Set("Retry-After", strconv.Itoa(int(math.Ceil(retryAfter))))
	if global {
		c.header.Set("X-RateLimit-Global", "true")
		c.header.Set("X-RateLimit-Scope", "global")
	} else {
		c.header.Set("X-RateLimit-Scope", "user")
	}
}

// A Fault makes matching REST requests fail. A request matches when every
// non-zero field among Route, Method and PathPrefix matches it.
type Fault struct {
	Route      Route  // such as RouteCallback
	Method     string // such as "POST"
	PathPrefix string // a prefix of the path after /api/vN, such as "/interactions/"

	// Status is the answer: 429 for a rate limit, or a 5xx. Default 500.
	// Of the 5xx, discordgo retries only 502 (up to three times).
	Status int
	// RetryAfter is the retry_after of a 429, in seconds. Default 0.05.
	RetryAfter float64
	// Global makes a 429 a global rate limit (X-RateLimit-Global), which
	// discordgo applies to every route.
	Global bool
	// Times is how many matching requests FailNext fails. Default 1.
	Times int
	// AfterApply lets the request take effect and then loses its answer,
	// replacing it with the fault: a message is posted or a callback
	// accepted, yet the client sees an error, as when a response is lost in
	// transit. A retry then meets the state the first attempt left.
	AfterApply bool
	// Delay holds the answer this long after the request took effect (or
	// until the client gives up on it): a slow server. With Status 0 the
	// answer is the real one, only late; with a Status it is that fault,
	// as with AfterApply.
	Delay time.Duration
}

type faultRule struct {
	f    Fault
	left int     // requests still to fail; -1 for no limit
	rate float64 // share of matching requests that fail; 1 for all
}

// FailNext makes the next f.Times requests matching f fail. Faults apply
// in the order they were added, and before rate limits.
func (s *Server) FailNext(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	s.addFault(&faultRule{f: f, left: f.Times, rate: 1})
}

// FailRate makes a share of the requests matching f fail (rate from 0 to
// 1, drawn from a generator seeded with Options.Seed) until ClearFaults.
func (s *Server) FailRate(f Fault, rate float64) {
	s.addFault(&faultRule{f: f, left: -1, rate: rate})
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

func (s *Server) addFault(r *faultRule) {
	if r.f.Status == 0 && r.f.Delay == 0 {
		r.f.Status = http.StatusInternalServerError
	}
	if r.f.Status == http.StatusTooManyRequests && r.f.RetryAfter <= 0 {
		r.f.RetryAfter = 0.05
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, r)
}

// takeFault returns the fault that applies to req, if any, using it up.
func (s *Server) takeFault(req *Request) *Fault {
	path := apiPath(req.Path)
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range s.faults {
		f := r.f
		if (f.Route != "" && f.Route != req.Route) ||
			(f.Method != "" && !strings.EqualFold(f.Method, req.Method)) ||
			(f.PathPrefix != "" && !strings.HasPrefix(path, f.PathPrefix)) {
			continue
		}
		if r.rate < 1 && s.randFloat() >= r.rate {
			continue
		}
		if r.left > 0 {
			r.left--
			if r.left == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		s.stats.Faults++
		req.Fault = true
		return &f
	}
	return nil
}

// apiPath strips /api/vN from a request path.
func apiPath(p string) string {
	rest, ok := strings.CutPrefix(p, "/api/")
	if !ok {
		return p
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return rest[i:]
	}
	return "/"
}

func (s *Server) writeFault(c *call, f *Fault) {
	c.header = http.Header{}
	switch {
	case f.Status == http.StatusTooManyRequests:
		c.header.Set("X-RateLimit-Limit", "5")
		c.header.Set("X-RateLimit-Remaining", "0")
		c.header.Set("X-RateLimit-Reset-After", strconv.FormatFloat(f.RetryAfter, 'f', 3, 64))
		c.header.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(time.Now().UnixMilli())/1000+f.RetryAfter, 'f', 3, 64))
		c.header.Set("X-RateLimit-Bucket", bucketHash(c.req.Route))
		s.tooManyRequests(c, f.RetryAfter, f.Global)
	case f.Status == http.StatusBadGateway:
		// Cloudflare's answer when Discord's backend is away: not JSON.
		c.status, c.body = f.Status, []byte("error code: 502")
		c.header.Set("Content-Type", "text/plain; charset=UTF-8")
	default:
		c.fail(f.Status, 0, fmt.Sprintf("%d: %s", f.Status, http.StatusText(f.Status)))
	}
}
