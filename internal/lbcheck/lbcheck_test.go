package lbcheck

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kutip/bot"
	"kutip/corpus"
	"kutip/feedback"
	"kutip/internal/discordtest"
	"kutip/retrieval"
)

// questions are what the simulated users ask, in turn.
var questions = []string{
	"Kapan Rusia meratifikasi perjanjian itu?",
	"Kapan perjanjian itu ditandatangani?",
	"Who signed the treaty?",
	"Apa isi perjanjian pertahanan itu?",
	"Where was the treaty signed?",
	"Berapa tentara Korea Utara yang dikirim?",
}

// interaction is the i-th one a load sends: a question from a user of its
// own (the per-user rate limit would refuse most of them from one).
func interaction(i int) discordtest.Interaction {
	return discordtest.Interaction{
		Name:    "ask",
		Options: []discordtest.Option{{Name: "question", Value: questions[i%len(questions)]}},
		User:    discordtest.User{ID: strconv.Itoa(900000000000000000 + i), Username: fmt.Sprintf("user%d", i)},
	}
}

// a cluster is the fake Discord and the replicas it reaches through nginx.
type cluster struct {
	srv          *discordtest.Server
	replicas     []*replica
	bin          string
	dir          string
	indexDir     string
	feedbackFile string // shared by the replicas; "" keeps each one's in memory
	nginx        string
}

// newCluster builds kutip and the shared read-only index, starts the fake
// Discord (with the commands registered, as the gateway process would)
// and n replicas, and waits until each answers a PING. The replicas share
// one feedback file when sharedFeedback is set.
func newCluster(t *testing.T, n int, sharedFeedback bool) *cluster {
	t.Helper()
	c := &cluster{nginx: needNginx(t), dir: workDir(t)}
	if sharedFeedback {
		c.feedbackFile = filepath.Join(c.dir, "feedback", "feedback.db")
	}
	c.bin = buildKutip(t, c.dir)
	c.indexDir = filepath.Join(c.dir, "index")
	buildIndex(t, c.bin, c.dir, c.indexDir)
	// Many interactions wait at once; each may take a second under load.
	c.srv = discordtest.New(t, discordtest.Options{MaxInteractions: 100000, MaxRequests: 1000})
	registerCommands(t, c.srv)
	pub := c.srv.Endpoint("").PublicKeyHex()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	for i := range n {
		c.replicas = append(c.replicas, startReplica(t, fmt.Sprintf("r%d", i+1), c.bin, c.dir, c.indexDir, c.feedbackFile, c.srv, pub))
	}
	for _, r := range c.replicas {
		waitReady(ctx, t, c.srv, r)
		checkHealthz(ctx, t, r)
	}
	return c
}

// checkHealthz checks the replica's /healthz (HEALTH_ADDR), which the
// Kubernetes probes ask: 200, and no gateway check, as an HTTP-only replica
// has no gateway to be connected to.
func checkHealthz(ctx context.Context, t *testing.T, r *replica) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+r.health+"/healthz", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("replica %s /healthz: %v", r.name, err)
	}
	defer resp.Body.Close()
	var st struct {
		OK     bool              `json:"ok"`
		Checks map[string]string `json:"checks"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatalf("replica %s /healthz: %v", r.name, err)
	}
	if resp.StatusCode != http.StatusOK || !st.OK {
		t.Errorf("replica %s /healthz: %s %+v, want 200 ok", r.name, resp.Status, st)
	}
	if _, ok := st.Checks["gateway"]; ok {
		t.Errorf("replica %s /healthz checks a gateway it does not have: %v", r.name, st.Checks)
	}
	if st.Checks["index"] != "ok" {
		t.Errorf("replica %s /healthz: index %q, want ok", r.name, st.Checks["index"])
	}
}

// registerCommands registers kutip's commands on the fake, taken from a
// bot made in this process (HTTP-only replicas never register them).
func registerCommands(t *testing.T, srv *discordtest.Server) {
	t.Helper()
	ix, err := retrieval.Build(t.Context(), corpus.Default(), retrieval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	b, err := bot.NewHTTPOnly(ix, slog.New(slog.DiscardHandler), bot.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.RegisterCommands(t.Context(), b.Commands()); err != nil {
		t.Fatal(err)
	}
}

func (c *cluster) addrs(n int) []string {
	var out []string
	for _, r := range c.replicas[:n] {
		out = append(out, r.addr)
	}
	return out
}

// load posts count interactions (or as many as fit in d when count is 0)
// from workers at once through url, and returns each delivery. after is
// called with the number delivered so far, after each one.
func load(ctx context.Context, t *testing.T, srv *discordtest.Server, url string, workers, count int, d time.Duration, after func(done int)) []discordtest.Delivery {
	t.Helper()
	ep := srv.Endpoint(url + "/interactions")
	ep.Client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	var (
		next atomic.Int64
		mu   sync.Mutex
		out  []discordtest.Delivery
		wg   sync.WaitGroup
	)
	stop := time.Now().Add(d)
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if count > 0 && i >= count || count == 0 && time.Now().After(stop) || ctx.Err() != nil {
					return
				}
				del, err := ep.Interact(ctx, interaction(i))
				if err != nil {
					t.Errorf("interaction %d not made: %v", i, err)
					return
				}
				mu.Lock()
				out = append(out, del)
				n := len(out)
				mu.Unlock()
				if after != nil {
					after(n)
				}
			}
		})
	}
	wg.Wait()
	return out
}

// TestFailover posts interactions through nginx to three replicas and
// kills one a third of the way: every interaction is answered exactly
// once or fails cleanly (nginx answers 502 and the interaction has no
// response at all), and none is answered twice.
func TestFailover(t *testing.T) {
	c := newCluster(t, 3, true)
	url := startNginx(t, c.nginx, c.dir, c.addrs(3))
	n := 300
	if v, err := strconv.Atoi(os.Getenv("KUTIP_LB_N")); err == nil && v > 0 {
		n = v
	}
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	var killOnce sync.Once
	dels := load(ctx, t, c.srv, url, 12, n, 0, func(done int) {
		if done >= n/3 {
			killOnce.Do(func() { c.replicas[1].kill(t) })
		}
	})
	if len(dels) != n {
		t.Fatalf("%d deliveries, want %d", len(dels), n)
	}

	answered, deferred, failed, lostEdits := check(ctx, t, c, dels)
	checkFeedback(ctx, t, c, answered+deferred, n)
	st := c.srv.Stats()
	if st.DoubleAcks != 0 {
		t.Errorf("%d second callbacks: some interaction was answered twice", st.DoubleAcks)
	}
	t.Logf("%d interactions through nginx, replica r2 killed after %d: %d answered, %d deferred then edited (%d of them never edited: their replica died), %d failed cleanly",
		n, n/3, answered, deferred, lostEdits, failed)
	// Killing one of three replicas loses at most the requests it held;
	// nginx sends every later one to the others.
	if failed > 24 {
		t.Errorf("%d of %d interactions failed; the kill should cost at most the ~12 in flight on the killed replica", failed, n)
	}
	if answered+deferred+failed != n {
		t.Errorf("%d answered + %d deferred + %d failed != %d", answered, deferred, failed, n)
	}
	// The survivors answered the rest, from the shared index on disk.
	for _, r := range []*replica{c.replicas[0], c.replicas[2]} {
		select {
		case <-r.exited:
			t.Errorf("replica %s exited:\n%s", r.name, r.logs)
		default:
		}
	}
	for _, r := range c.replicas {
		if strings.Contains(r.logs.String(), "from memory") {
			t.Errorf("replica %s did not answer from the shared index on disk:\n%s", r.name, r.logs)
		}
	}
}

// check verifies that every delivery was answered exactly once or failed
// cleanly, and counts them; a deferred answer never edited (its replica
// died) counts in lostEdits too.
func check(ctx context.Context, t *testing.T, c *cluster, dels []discordtest.Delivery) (answered, deferred, failed, lostEdits int) {
	t.Helper()
	for _, d := range dels {
		resps := c.srv.Responses(d.ID)
		callbacks, edits := 0, 0
		for _, r := range resps {
			switch r.Route {
			case discordtest.RouteCallback:
				callbacks++
			case discordtest.RouteEditOriginal, discordtest.RouteFollowup:
				edits++
			}
		}
		switch {
		case d.Err != nil:
			// Failed cleanly: Discord got no response and shows the user
			// that the interaction failed; nothing of it was sent.
			failed++
			if len(resps) != 0 {
				t.Errorf("interaction %s failed (%v) yet has responses %v", d.ID, d.Err, routes(resps))
			}
		case callbacks != 1:
			t.Errorf("interaction %s: %d callbacks, want 1", d.ID, callbacks)
		case d.Callback == 4:
			answered++
			if edits != 0 {
				t.Errorf("interaction %s answered in the body and edited %d times: answered twice", d.ID, edits)
			}
		case d.Callback == 5:
			deferred++
			if _, err := c.srv.WaitReply(ctx, d.ID); err != nil {
				// The replica that deferred it was killed before its edit.
				lostEdits++
			}
			if got := len(c.srv.Responses(d.ID)); got > 2 {
				t.Errorf("interaction %s: deferred and then %d edits: answered twice", d.ID, got-1)
			}
		default:
			t.Errorf("interaction %s answered with callback type %d", d.ID, d.Callback)
		}
	}
	return answered, deferred, failed, lostEdits
}

// TestRollingRestart stops one replica of three with SIGTERM a third of
// the way and starts it again, on the same address, two thirds of the
// way, as a rolling upgrade does: the stopped replica finishes what it
// holds and refuses new connections, which nginx sends to the others, so
// nothing fails and nothing is answered twice.
func TestRollingRestart(t *testing.T) {
	c := newCluster(t, 3, true)
	url := startNginx(t, c.nginx, c.dir, c.addrs(3))
	n := 300
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	// The load runs in the background; the restart is done from here, the
	// test's goroutine, at a third and two thirds of it.
	third, twoThirds := make(chan struct{}), make(chan struct{})
	var thirdOnce, twoThirdsOnce sync.Once
	loaded := make(chan []discordtest.Delivery, 1)
	go func() {
		loaded <- load(ctx, t, c.srv, url, 12, n, 0, func(done int) {
			if done >= n/3 {
				thirdOnce.Do(func() { close(third) })
			}
			if done >= 2*n/3 {
				twoThirdsOnce.Do(func() { close(twoThirds) })
			}
		})
	}()
	<-third
	old := c.replicas[1]
	old.stop(t)
	<-twoThirds
	restarted := startReplicaAt(t, old.name+"-new", old.addr, c.bin, c.dir, c.indexDir, c.feedbackFile, c.srv, c.srv.Endpoint("").PublicKeyHex())
	dels := <-loaded
	if len(dels) != n {
		t.Fatalf("%d deliveries, want %d", len(dels), n)
	}
	answered, deferred, failed, lostEdits := check(ctx, t, c, dels)
	checkFeedback(ctx, t, c, answered+deferred, n)
	t.Logf("%d interactions through nginx, replica r2 stopped (SIGTERM) after %d and restarted after %d: %d answered, %d deferred then edited (%d never edited), %d failed",
		n, n/3, 2*n/3, answered, deferred, lostEdits, failed)
	// A connection nginx opened in the instant the listener closed, still
	// in the kernel's accept queue, is reset, and nginx does not resend a
	// POST it has sent; that can cost an interaction or two, no more.
	if failed > 2 || lostEdits != 0 {
		t.Errorf("a rolling restart lost %d interactions and %d deferred answers, want at most 2 and none", failed, lostEdits)
	}
	if st := c.srv.Stats(); st.DoubleAcks != 0 {
		t.Errorf("%d second callbacks: some interaction was answered twice", st.DoubleAcks)
	}
	waitReady(ctx, t, c.srv, restarted)
}

// checkFeedback checks that the replicas, writing to one feedback file
// at once, recorded every question they answered: at least answered, at
// most sent (a killed replica may have recorded one it never answered).
func checkFeedback(ctx context.Context, t *testing.T, c *cluster, answered, sent int) {
	t.Helper()
	store, err := feedback.OpenReadOnly(c.feedbackFile, feedback.Options{})
	if err != nil {
		t.Fatalf("the replicas' shared feedback file: %v", err)
	}
	defer store.Close()
	r, err := store.Report(ctx, feedback.ReportOptions{Since: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Asked < answered || r.Asked > sent {
		t.Errorf("the shared feedback file holds %d questions, want from %d (answered) to %d (sent)", r.Asked, answered, sent)
	}
}

func routes(rs []discordtest.Request) []string {
	var out []string
	for _, r := range rs {
		out = append(out, string(r.Route))
	}
	return out
}

// TestNginxConfMatchesDeploy checks that deploy/nginx.conf, which the
// compose file and the docs use, has the location block this package
// tests.
func TestNginxConfMatchesDeploy(t *testing.T) {
	b, err := os.ReadFile("../../deploy/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	if !strings.Contains(norm(string(b)), norm(interactionsLocation)) {
		t.Errorf("deploy/nginx.conf lacks the tested location block:\n%s", interactionsLocation)
	}
	for _, want := range []string{"upstream kutip_interactions", "proxy_pass http://kutip_interactions;"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("deploy/nginx.conf lacks %q", want)
		}
	}
	var directives []string // without the comments
	for line := range strings.Lines(string(b)) {
		line, _, _ = strings.Cut(line, "#")
		directives = append(directives, line)
	}
	if strings.Contains(strings.Join(directives, ""), "non_idempotent") {
		t.Error("deploy/nginx.conf retries POSTs that a replica may have processed (non_idempotent): an interaction could be answered twice")
	}
}

// percentile returns the p-th percentile (0-100) of ds, which it sorts.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	i := int(float64(len(ds)-1) * p / 100)
	return ds[i]
}
