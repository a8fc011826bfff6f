package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kutip/internal/discordtest"
)

// Load and fault tests of `kutip serve` through discordtest: interactions
// at a steady rate, first on a healthy connection, then with the gateway cut
// every 2 s, op 7 reconnects and 429s and 5xx on one REST call in ten.
// Every interaction must be answered exactly once. The figures (latency,
// faults, heap) are logged, not asserted.
//
// The suite runs 2,000 interactions a phase; KUTIP_LOAD=1 runs 10,000 (about
// a minute), as the README's figures do:
//
//	KUTIP_LOAD=1 go test -run TestServeLoad -v .

// loadQuestions are what the users ask: questions the article answers, ones
// it does not, and hostile ones.
var loadQuestions = []string{
	"when did Russia ratify?",
	"Berapa tentara Korea Utara yang dikerahkan?",
	"when was the treaty signed?",
	"siapa yang menandatangani perjanjian itu?",
	"what does the treaty oblige each side to do?",
	"where were the North Korean troops sent?",
	"apa reaksi Korea Selatan?",
	"kapan perjanjian mulai berlaku?",
	"who won the world cup?",
	"how many people live in Jakarta?",
	"@everyone <@&123456789012345678> when did Russia ratify?",
	"```go\npanic()\n``` +russia -korea title:x* /rat.*/ ~2 ^3",
	"\u202eyfitar aissuR did nehw\u200b",
	strings.Repeat("ification", 33),
	"?!?!",
}

// loadUsers is how many users ask, in turn. At 500 interactions a second
// each asks one question every 2 s, 15 per 30 s, inside the test's rate
// limit of 20 (RATE_LIMIT_COUNT): the load is many users, not one user
// flooding. The same users ask in every phase, so that the fake's memory
// of them does not grow.
const loadUsers = 1000

// loadInteraction is the i-th interaction: mostly /ask, with some "Ask
// kutip", /summary, /source and /help.
func loadInteraction(i int) discordtest.Interaction {
	u := i % loadUsers
	user := discordtest.User{ID: fmt.Sprint(800000000000000000 + u), Username: fmt.Sprintf("user%d", u)}
	q := loadQuestions[i%len(loadQuestions)]
	switch i % 20 {
	case 5:
		return discordtest.Interaction{Name: "Ask kutip", Type: discordtest.MessageCommand, User: user,
			Target: &discordtest.Message{Content: q, Author: user}}
	case 10:
		// Summaries have a budget of their own: spread them over all the
		// users, as i%loadUsers would give them to 50.
		u := (i / 20) % loadUsers
		user := discordtest.User{ID: fmt.Sprint(800000000000000000 + u), Username: fmt.Sprintf("user%d", u)}
		return discordtest.Interaction{Name: "summary", User: user,
			Options: []discordtest.Option{{Name: "sentences", Value: 1 + i%5}}}
	case 15:
		return discordtest.Interaction{Name: "source", User: user}
	case 19:
		return discordtest.Interaction{Name: "help", User: user}
	}
	return discordtest.Interaction{Name: "ask", User: user, Options: []discordtest.Option{{Name: "question", Value: q}}}
}

// outcome is what happened to one interaction, as seen from the fake.
type outcome struct {
	sent       time.Time // just before the dispatch
	answered   time.Time // when the answer was accepted: the callback, or the edit after a deferral
	callbacks  int       // accepted callbacks
	deferred   bool      // the accepted callback was a deferral
	edits      int       // accepted edits of @original
	followups  int       // accepted follow-ups (kutip sends none)
	doubleAcks int       // callbacks refused as already acknowledged: a second answer
	lateAcks   int       // callbacks refused as too late
	faults     int       // requests answered by an injected fault
	retriedDup int       // callbacks refused as already acknowledged after a fault lost the first one's answer

	lastFault         time.Time // the latest faulted request about it
	lastFaultDeferral bool      // and whether it was a deferral
	run, maxRun       int       // faults in a row, now and at most
}

// loadWatch follows the fake's request log and keeps each interaction's
// outcome. The fake keeps only its latest requests, so watch polls often
// enough never to miss one; requests enter the log as they finish, not
// quite in the order they arrived, so it remembers which it has seen.
type loadWatch struct {
	srv *discordtest.Server

	mu    sync.Mutex
	byID  map[string]*outcome
	start int          // the last request before the phase
	seen  map[int]bool // sequence numbers of the requests still in the log
	read  int          // requests read
	// polled is closed, and replaced, by each poll: wait on it for the
	// watch's next look.
	polled chan struct{}
}

// nextPoll returns a channel closed by the next poll.
func (w *loadWatch) nextPoll() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.polled == nil {
		w.polled = make(chan struct{})
	}
	return w.polled
}

func (w *loadWatch) get(id string) *outcome {
	o := w.byID[id]
	if o == nil {
		o = &outcome{}
		w.byID[id] = o
	}
	return o
}

// poll reads the requests that arrived since the last poll.
func (w *loadWatch) poll() {
	reqs := w.srv.Requests()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.polled != nil {
		close(w.polled)
		w.polled = nil
	}
	if len(reqs) > 0 {
		// Keep a margin: a request that took long enters the log behind
		// later ones.
		for seq := range w.seen {
			if seq < reqs[0].Seq-len(reqs) {
				delete(w.seen, seq)
			}
		}
	}
	for _, r := range reqs {
		if r.Seq <= w.start || w.seen[r.Seq] {
			continue
		}
		w.seen[r.Seq] = true
		w.read++
		if r.InteractionID == "" {
			continue
		}
		w.note(w.get(r.InteractionID), r)
	}
}

// note updates an interaction's outcome with one request about it.
func (w *loadWatch) note(o *outcome, r discordtest.Request) {
	var body struct{ Type int }
	isDeferral := r.Route == discordtest.RouteCallback && r.Decode(&body) == nil && body.Type == 5
	if r.Fault {
		o.faults++
		o.run++
		o.maxRun = max(o.maxRun, o.run)
		o.lastFault = r.Time
		o.lastFaultDeferral = isDeferral
		return
	}
	o.run = 0
	switch {
	case r.Route == discordtest.RouteCallback && r.OK():
		o.callbacks++
		if isDeferral {
			o.deferred = true
		} else {
			o.answered = r.Time
		}
	case r.Route == discordtest.RouteCallback && strings.Contains(string(r.Response), "40060"):
		// Already acknowledged. With no accepted callback seen, the one
		// acknowledged is an earlier attempt whose answer a fault lost
		// after it took effect: the bot's retry, not a second answer.
		if o.callbacks == 0 && !o.lastFault.IsZero() {
			o.callbacks++
			o.retriedDup++
			if o.lastFaultDeferral {
				o.deferred = true
			} else {
				o.answered = o.lastFault
			}
		} else {
			o.doubleAcks++
		}
	case r.Route == discordtest.RouteCallback && strings.Contains(string(r.Response), "10062"):
		o.lateAcks++
	case r.Route == discordtest.RouteEditOriginal && r.OK():
		o.edits++
		if o.answered.IsZero() {
			o.answered = r.Time
		}
	case r.Route == discordtest.RouteFollowup && r.OK():
		o.followups++
	}
}

// run polls every period until ctx ends, then once more.
func (w *loadWatch) run(ctx context.Context, period time.Duration) {
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			w.poll()
			return
		case <-tick.C:
			w.poll()
		}
	}
}

// phaseFigures are one phase's results.
type phaseFigures struct {
	name                         string
	sent, answered, deferred     int
	twice, lost, failedLogged    int
	maxRun                       int // faults in a row on one interaction's calls, at most
	doubleAcks, lateAcks, faults int
	retries                      int // duplicate callbacks refused after a fault took effect
	p50, p99, max                time.Duration
	took                         time.Duration
	stats                        discordtest.Stats // the fake's counters during the phase
	heap                         uint64            // live heap after the phase, after GC
}

func (f phaseFigures) String() string {
	return fmt.Sprintf("%s: %d interactions in %v: %d answered (%d deferred), %d lost, %d answered twice, %d failed and logged; "+
		"latency p50 %v p99 %v max %v; REST faults %d (at most %d in a row on one interaction; 429 from buckets %d), callbacks refused: %d late, %d duplicate, %d duplicate after an applied fault; "+
		"gateway: %d cuts, %d op 7, %d resumes (%d refused), %d identifies, %d events replayed; heap after %.1f MiB",
		f.name, f.sent, f.took.Round(time.Millisecond), f.answered, f.deferred, f.lost, f.twice, f.failedLogged,
		f.p50.Round(10*time.Microsecond), f.p99.Round(10*time.Microsecond), f.max.Round(10*time.Microsecond),
		f.faults, f.maxRun, f.stats.RateLimited, f.lateAcks, f.doubleAcks, f.retries,
		f.stats.Cuts, f.stats.Reconnects, f.stats.Resumes, f.stats.ResumesRefused, f.stats.Identifies, f.stats.Replayed,
		float64(f.heap)/(1<<20))
}

// heapNow returns the live heap after a full collection.
func heapNow() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// loadPhase sends n interactions at rate a second while chaos (if set)
// runs, waits for the answers, and returns the figures.
func loadPhase(t *testing.T, sv *serving, name string, n, rate int, chaos func(ctx context.Context)) phaseFigures {
	t.Helper()
	srv := sv.srv
	before := srv.Stats()
	w := &loadWatch{srv: srv, byID: make(map[string]*outcome, n), seen: map[int]bool{}, start: before.Requests}
	watchCtx, stopWatch := context.WithCancel(context.Background())
	watched := make(chan struct{})
	go func() {
		w.run(watchCtx, 50*time.Millisecond)
		close(watched)
	}()
	chaosCtx, stopChaos := context.WithCancel(context.Background())
	var chaosDone sync.WaitGroup
	if chaos != nil {
		chaosDone.Go(func() { chaos(chaosCtx) })
	}

	ctx, cancel := context.WithTimeout(t.Context(), time.Duration(n/rate)*time.Second+2*time.Minute)
	defer cancel()
	ids := make([]string, n)
	var sendErrs []error
	var errMu sync.Mutex
	var senders sync.WaitGroup
	start := time.Now()
	// One interaction a tick: the rate is what this test is about.
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	for i := range n {
		if i > 0 {
			<-tick.C
		}
		senders.Go(func() {
			at := time.Now()
			id, err := srv.Interact(ctx, loadInteraction(i))
			if err != nil {
				errMu.Lock()
				sendErrs = append(sendErrs, err)
				errMu.Unlock()
				return
			}
			ids[i] = id
			w.mu.Lock()
			w.get(id).sent = at
			w.mu.Unlock()
		})
	}
	senders.Wait()
	stopChaos()
	chaosDone.Wait()
	if len(sendErrs) > 0 {
		t.Fatalf("%s: %d interactions not sent, first: %v", name, len(sendErrs), sendErrs[0])
	}

	// Wait until every interaction is answered, or nothing has changed for
	// a while.
	answered := func() int {
		w.poll()
		w.mu.Lock()
		defer w.mu.Unlock()
		k := 0
		for _, id := range ids {
			if o := w.byID[id]; o != nil && !o.answered.IsZero() {
				k++
			}
		}
		return k
	}
	last, lastChange := -1, time.Now()
	for {
		k := answered()
		if k == n {
			break
		}
		if k != last {
			last, lastChange = k, time.Now()
		}
		if time.Since(lastChange) > 20*time.Second || ctx.Err() != nil {
			break
		}
		select { // the watch's next look
		case <-w.nextPoll():
		case <-ctx.Done():
		}
	}
	took := time.Since(start)
	stopWatch()
	<-watched

	f := phaseFigures{name: name, sent: n, took: took}
	after := srv.Stats()
	f.stats = discordtest.Stats{
		Cuts: after.Cuts - before.Cuts, Reconnects: after.Reconnects - before.Reconnects,
		Resumes: after.Resumes - before.Resumes, ResumesRefused: after.ResumesRefused - before.ResumesRefused,
		Identifies: after.Identifies - before.Identifies, Replayed: after.Replayed - before.Replayed,
		RateLimited: after.RateLimited - before.RateLimited,
	}
	if missed := after.Requests - before.Requests - w.read; missed != 0 {
		t.Errorf("%s: the watch missed %d requests; poll more often or keep more", name, missed)
	}
	logs := sv.logs.String()
	var lat []time.Duration
	for _, id := range ids {
		o := w.byID[id]
		f.faults += o.faults
		f.doubleAcks += o.doubleAcks
		f.lateAcks += o.lateAcks
		f.retries += o.retriedDup
		f.maxRun = max(f.maxRun, o.maxRun)
		if o.deferred {
			f.deferred++
		}
		if o.callbacks > 1 || o.edits > 1 || o.followups > 0 || o.doubleAcks > 0 {
			f.twice++
			if f.twice <= 5 {
				t.Errorf("%s: interaction %s answered more than once: %+v", name, id, *o)
			}
		}
		if o.answered.IsZero() {
			// Lost; at least the bot should have logged why.
			if strings.Contains(logs, "interaction="+id) {
				f.failedLogged++
			} else {
				f.lost++
			}
			if f.lost+f.failedLogged <= 5 {
				t.Errorf("%s: interaction %s not answered: %+v", name, id, *o)
			}
			continue
		}
		f.answered++
		lat = append(lat, o.answered.Sub(o.sent))
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		f.p50 = lat[len(lat)/2]
		f.p99 = lat[len(lat)*99/100]
		f.max = lat[len(lat)-1]
	}
	w = nil
	f.heap = heapNow()
	return f
}

// chaos makes 429s and 5xx answer one interaction call in ten, cuts the
// gateway every 2 s and sends op 7 every 5 s, the first cut after half a
// second and the first op 7 after one and a half, so that a short phase
// meets both. A cut or op 7 lands wherever the connection is, a handshake
// included (TestServeE2EDisruptedHandshake lands them there on purpose);
// when there is no connection to hit, it is tried again 100 ms later.
func chaos(srv *discordtest.Server) func(ctx context.Context) {
	return func(ctx context.Context) {
		for _, route := range []discordtest.Route{discordtest.RouteCallback, discordtest.RouteEditOriginal} {
			srv.FailRate(discordtest.Fault{Route: route, Status: 429, RetryAfter: 0.2}, 0.04)
			srv.FailRate(discordtest.Fault{Route: route, Status: 429, RetryAfter: 0.1, Global: true}, 0.01)
			srv.FailRate(discordtest.Fault{Route: route, Status: 502}, 0.02)
			srv.FailRate(discordtest.Fault{Route: route, Status: 503}, 0.01)
			srv.FailRate(discordtest.Fault{Route: route, Status: 500}, 0.01)
			srv.FailRate(discordtest.Fault{Route: route, Status: 502, AfterApply: true}, 0.01)
		}
		defer srv.ClearFaults()
		nextCut := time.After(500 * time.Millisecond)
		nextReconnect := time.After(1500 * time.Millisecond)
		for {
			select {
			case <-ctx.Done():
				return
			case <-nextCut:
				nextCut = time.After(100 * time.Millisecond)
				if srv.CutConnections() > 0 {
					nextCut = time.After(2 * time.Second)
				}
			case <-nextReconnect:
				nextReconnect = time.After(100 * time.Millisecond)
				if srv.Reconnect() > 0 {
					nextReconnect = time.After(5 * time.Second)
				}
			}
		}
	}
}

// stableGateway returns a func that reports whether the client's gateway
// connection is up and has heartbeated since the last time it reported
// true. A test that waits for it before each gateway fault meets the bot
// connected every time; chaos does not wait, since the bot recovers from a
// fault that lands while it connects (bot/reconnect.go).
func stableGateway(srv *discordtest.Server) func() bool {
	last := -1
	return func() bool {
		st := srv.Stats()
		up := st.Connections-st.Disconnects > 0
		if !up || st.Heartbeats <= last {
			return false
		}
		last = st.Heartbeats // the next one comes from the connection opened after this action
		return true
	}
}

// TestServeLoad is the one root test that does not run in parallel: it
// sends at a steady rate and checks that every interaction is answered
// within Discord's window, which only means something when the machine is
// not also busy with the other tests. Go runs it before the parallel ones.
func TestServeLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("sends thousands of interactions; skipped with -short")
	}
	// The suite's run is gentle enough for a loaded CI machine under the
	// race detector (100 a second, which it keeps up with by a wide
	// margin): it checks exactly-once under faults, not throughput.
	n, rate, warmN := 500, 100, 200
	full := os.Getenv("KUTIP_LOAD") == "1"
	if full {
		n, rate, warmN = 10000, 500, 2000
	}
	// The full run measures: Discord's 3 s for the first response hold,
	// and the fake keeps short logs (requests, interactions, messages, the
	// events kept for a resume), which the warm-up fills, so that the heap
	// measures the bot. It needs a machine that keeps up. The suite's run
	// only checks, on any machine: under the race detector on two shared
	// CPUs, 500 searches a second fall seconds behind, and a callback that
	// is late, or about an interaction the fake has forgotten, would say
	// more about the machine than about the bot; so it allows 30 s and the
	// fake forgets nothing.
	opts := discordtest.Options{NoEcho: true, InteractionTimeout: 30 * time.Second,
		MaxRequests: 50000, MaxInteractions: 50000, MaxMessages: 50000, ReplayBuffer: 50000}
	if full {
		opts = discordtest.Options{NoEcho: true, MaxRequests: 1000, MaxInteractions: 1000, MaxMessages: 1000, ReplayBuffer: 1500}
	}
	sv := startServe(t, opts, map[string]string{
		"LOG_LEVEL":         "warn",
		"RATE_LIMIT_COUNT":  "20",
		"RATE_LIMIT_WINDOW": "30s",
	})
	if err := sv.srv.WaitReady(waitCtx(t)); err != nil {
		t.Fatal(err)
	}

	warm := loadPhase(t, sv, "warm-up", warmN, rate, nil)
	t.Log(warm)
	clean := loadPhase(t, sv, "steady", n, rate, nil)
	t.Log(clean)
	faulty := loadPhase(t, sv, "faults", n, rate, chaos(sv.srv))
	t.Log(faulty)
	note := ""
	if !full {
		note = " (the fake keeps every request in this run; KUTIP_LOAD=1 measures the bot's)"
	}
	t.Logf("heap: %.1f MiB after warm-up, %.1f MiB after %d steady, %.1f MiB after %d with faults%s",
		float64(warm.heap)/(1<<20), float64(clean.heap)/(1<<20), n, float64(faulty.heap)/(1<<20), n, note)

	for _, f := range []phaseFigures{warm, clean, faulty} {
		if f.answered != f.sent || f.twice != 0 {
			t.Errorf("%s: %d of %d answered, %d twice, %d lost, %d failed and logged; want every one answered once",
				f.name, f.answered, f.sent, f.twice, f.lost, f.failedLogged)
		}
	}
	if faulty.stats.Cuts == 0 || faulty.faults == 0 {
		t.Errorf("the fault phase injected %d cuts and %d REST faults, want some of each", faulty.stats.Cuts, faulty.faults)
	}
}

// hostileE2E are questions meant to break, slow or misuse the bot, sent as
// /ask (when Discord would let them through: 1 to 300 characters) and as a
// mention. Each gets a reply that pings nobody; one with no words gets the
// hint to ask a question.
var hostileE2E = []struct {
	name, q string
	hint    bool // the reply is the "Ask me a question" hint
}{
	{"whitespace", " \t ", true},
	{"zero-width only", "\u200b\u200c\u200d\u2060", false},
	{"punctuation", "?!.,;:()[]{}<>\"'`~^*+-=/\\|&%$#", false},
	{"4000 chars", strings.Repeat("when did Russia ratify the treaty? ", 115), false},
	{"long loanword", strings.Repeat("ification", 33), false},
	{"bleve syntax", `+russia -korea title:treaty* rat~2 parlemen^3 /rat.*/ "mutual defence" AND OR NOT _id:1`, false},
	{"zero-width and right-to-left", "\u202ewhen\u200b did\u200d Russia\u2060 ratify?\u202c \u05de\u05ea\u05d9 \u0645\u062a\u0649", false},
	{"mentions", "@everyone @here <@&123456789012345678> <@987654321098765432> <#112233445566778899> when did Russia ratify?", false},
	{"code block", "```go\nfunc main() { panic(\"x\") }\n```\nwhen did Russia ratify?", false},
	{"markdown", "**bold** __under__ ~~strike~~ ||spoiler|| > quote # heading [link](https://x.y) -# small", false},
}

// checkNoPing checks a request's message: an allowed_mentions with an
// empty parse list and nobody named, and text.
func checkNoPing(t *testing.T, what string, r discordtest.Request) discordtest.MessageBody {
	t.Helper()
	m, ok := r.Message()
	if !ok {
		t.Fatalf("%s: request %s carries no message", what, r.Route)
	}
	am := m.AllowedMentions
	if am == nil || am.Parse == nil || len(am.Parse) != 0 || len(am.Users) > 0 || len(am.Roles) > 0 || am.RepliedUser {
		t.Errorf("%s: allowed_mentions = %+v, want an empty parse list and nobody", what, am)
	}
	return m
}

func TestServeHostileQuestions(t *testing.T) {
	t.Parallel()
	sv := startServe(t, discordtest.Options{NoEcho: true}, nil)
	srv := sv.srv
	if err := srv.WaitReady(waitCtx(t)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range hostileE2E {
		t.Run(tc.name, func(t *testing.T) {
			var texts []string
			if n := len([]rune(tc.q)); n >= 1 && n <= 300 {
				start := time.Now()
				id, r := sv.interact(t, askInteraction(tc.q))
				took := time.Since(start)
				reqs := srv.Responses(id)
				if len(reqs) == 0 || r.Original == nil || r.Original.Pings() {
					t.Fatalf("/ask answered %+v with %d requests, want one reply that pings nobody", r, len(reqs))
				}
				for _, req := range reqs {
					checkNoPing(t, "/ask", req)
				}
				checkOneCallback(t, srv, id)
				texts = append(texts, r.Original.Text())
				t.Logf("/ask answered in %v", took.Round(time.Microsecond))
			}

			ctx := waitCtx(t)
			start := time.Now()
			msgID, err := srv.Message(ctx, discordtest.Message{Content: "<@" + srv.Bot.ID + "> " + tc.q})
			if err != nil {
				t.Fatal(err)
			}
			reply, err := srv.WaitSent(ctx, func(m discordtest.Sent) bool { return m.ReplyTo == msgID })
			if err != nil {
				t.Fatal(err)
			}
			took := time.Since(start)
			if reply.Pings() {
				t.Errorf("mention reply pings %v %v everyone %v", reply.Mentions, reply.MentionRoles, reply.MentionEveryone)
			}
			for _, req := range srv.Requests() {
				if req.Route == discordtest.RouteCreateMessage && req.OK() && strings.Contains(string(req.Response), reply.ID) {
					checkNoPing(t, "mention", req)
				}
			}
			texts = append(texts, reply.Text())
			// Replies in one channel share Discord's limit of five messages
			// per five seconds, so the sixth mention's reply waits.
			t.Logf("mention answered in %v", took.Round(time.Microsecond))

			for _, text := range texts {
				if strings.TrimSpace(text) == "" {
					t.Errorf("empty reply")
				}
				if got := strings.Contains(text, "Ask me a question"); got != tc.hint {
					t.Errorf("reply %q: hint %v, want %v", text, got, tc.hint)
				}
			}
		})
	}
}
