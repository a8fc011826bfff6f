package discordtest_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"kutip/bot"
	"kutip/corpus"
	"kutip/internal/discordtest"
	"kutip/retrieval"
)

// These tests run kutip's own HTTP interactions endpoint (bot.NewHTTPOnly
// with ServeInteractions, no gateway, no bot token) against the fake: the
// fake signs and posts the interactions and serves the webhook the bot
// edits a deferred response through.

// gatedIndex answers questions only once open is closed (nil: at once).
type gatedIndex struct {
	*retrieval.Index
	open chan struct{}
}

func (g gatedIndex) Ask(ctx context.Context, q string) (retrieval.Answer, error) {
	if g.open != nil {
		select {
		case <-g.open:
		case <-ctx.Done():
			return retrieval.Answer{}, ctx.Err()
		}
	}
	return g.Index.Ask(ctx, q)
}

// startEndpoint runs an HTTP-only kutip against srv and returns the fake's
// Endpoint posting to it; it stops at the end of the test.
func startEndpoint(t *testing.T, srv *discordtest.Server, open chan struct{}, opts bot.Options) *discordtest.Endpoint {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ep, done := serveEndpoint(ctx, t, srv, open, opts)
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ServeInteractions: %v", err)
		}
	})
	return ep
}

// serveEndpoint runs an HTTP-only kutip against srv until ctx is done and
// returns the fake's Endpoint posting to it; done receives what
// ServeInteractions returned. Its index is closed at the end of the test,
// so a test that cancels ctx itself must wait for done before returning.
func serveEndpoint(ctx context.Context, t *testing.T, srv *discordtest.Server, open chan struct{}, opts bot.Options) (ep *discordtest.Endpoint, done <-chan error) {
	t.Helper()
	ix, err := retrieval.Build(t.Context(), corpus.Default(), retrieval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	opts.APIBase = srv.URL
	b, err := bot.NewHTTPOnly(gatedIndex{ix, open}, slog.New(slog.DiscardHandler), opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.RegisterCommands(t.Context(), b.Commands()); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ep = srv.Endpoint("http://" + ln.Addr().String() + "/interactions")
	served := make(chan error, 1)
	go func() { served <- b.ServeInteractions(ctx, ln, ep.PublicKey()) }()
	return ep, served
}

func askFor(q string) discordtest.Interaction {
	return discordtest.Interaction{Name: "ask", Options: []discordtest.Option{{Name: "question", Value: q}}}
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestEndpointAnswersSignedInteraction(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	ep := startEndpoint(t, srv, nil, bot.Options{})
	ctx := testCtx(t)
	d, err := ep.Interact(ctx, askFor("Kapan Rusia meratifikasi perjanjian itu?"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Err != nil || d.Callback != 4 {
		t.Fatalf("delivery: callback %d, err %v; want an answer (4)", d.Callback, d.Err)
	}
	r, err := srv.WaitReply(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text(), "ratifi") {
		t.Errorf("reply %q does not quote the ratification", r.Text())
	}
	if got := len(srv.Responses(d.ID)); got != 1 {
		t.Errorf("%d responses recorded, want 1 (the body)", got)
	}
}

func TestEndpointRefusesBadRequests(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	ep := startEndpoint(t, srv, nil, bot.Options{})
	ctx := testCtx(t)
	body := []byte(`{"id":"1234","application_id":"1","type":1,"token":"t","version":1}`)
	other := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	tests := []struct {
		name string
		sign discordtest.Signing
		want int
	}{
		{"missing signature", discordtest.Signing{Omit: true}, http.StatusUnauthorized},
		{"another key", discordtest.Signing{Key: other}, http.StatusUnauthorized},
		{"body changed after signing", discordtest.Signing{Tamper: true}, http.StatusUnauthorized},
		{"stale timestamp", discordtest.Signing{Skew: -6 * time.Minute}, http.StatusUnauthorized},
		{"timestamp from the future", discordtest.Signing{Skew: 6 * time.Minute}, http.StatusUnauthorized},
		{"properly signed", discordtest.Signing{}, http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if d := ep.Post(ctx, body, tc.sign); d.Status != tc.want {
				t.Errorf("status %d (%s), want %d", d.Status, d.Body, tc.want)
			}
		})
	}
}

func TestEndpointPing(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	ep := startEndpoint(t, srv, nil, bot.Options{})
	if d := ep.Ping(testCtx(t)); d.Err != nil || strings.TrimSpace(string(d.Body)) != `{"type":1}` {
		t.Errorf("PING: body %s, err %v; want {\"type\":1}", d.Body, d.Err)
	}
}

func TestEndpointRefusesReplay(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	ep := startEndpoint(t, srv, nil, bot.Options{})
	ctx := testCtx(t)
	d, err := ep.Interact(ctx, askFor("Kapan perjanjian itu ditandatangani?"))
	if err != nil || d.Err != nil {
		t.Fatalf("first delivery: %v %v", err, d.Err)
	}
	again := ep.Replay(ctx, d)
	if again.Status != http.StatusUnauthorized {
		t.Errorf("replay answered %d (%s), want 401", again.Status, again.Body)
	}
	if st := srv.Stats(); st.Callbacks != 1 || st.DoubleAcks != 0 {
		t.Errorf("callbacks %d, double acks %d; want 1 and 0", st.Callbacks, st.DoubleAcks)
	}
	if got := len(srv.Responses(d.ID)); got != 1 {
		t.Errorf("%d responses recorded after the replay, want 1", got)
	}
}

func TestEndpointDefersSlowAnswerThenEdits(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	open := make(chan struct{})
	// The bot defers at once; the answer waits for open.
	ep := startEndpoint(t, srv, open, bot.Options{AckBudget: time.Nanosecond})
	ctx := testCtx(t)
	d, err := ep.Interact(ctx, askFor("Kapan Rusia meratifikasi perjanjian itu?"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Err != nil || d.Callback != 5 {
		t.Fatalf("delivery: callback %d, err %v; want deferred (5)", d.Callback, d.Err)
	}
	if r := srv.Reply(d.ID); r.Original == nil || !r.Original.Loading {
		t.Fatalf("before the answer: %+v, want a loading original", r)
	}
	close(open)
	r, err := srv.WaitReply(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text(), "ratifi") {
		t.Errorf("edited reply %q does not quote the ratification", r.Text())
	}
	resps := srv.Responses(d.ID)
	if len(resps) != 2 || resps[1].Method != http.MethodPatch {
		t.Errorf("responses %v, want the deferral then one PATCH of @original", methods(resps))
	}
	for _, req := range resps {
		if req.Header.Get("Authorization") != "" {
			t.Errorf("%s %s carried an Authorization header; an HTTP-only bot has no token", req.Method, req.Route)
		}
	}
}

// A button of an answer, clicked over HTTP, is answered in the HTTP body
// too, and only once.
func TestEndpointAnswersButton(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	ep := startEndpoint(t, srv, nil, bot.Options{})
	ctx := testCtx(t)
	d, err := ep.Interact(ctx, askFor("Kapan Rusia meratifikasi perjanjian itu?"))
	if err != nil || d.Err != nil {
		t.Fatalf("ask: %v %v", err, d.Err)
	}
	r, err := srv.WaitReply(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	buttons := srv.Buttons(r.Original.ID)
	if len(buttons) == 0 {
		t.Fatalf("the answer has no buttons: %+v", r.Original)
	}
	for _, b := range buttons {
		click, err := ep.Click(ctx, discordtest.Click{MessageID: r.Original.ID, CustomID: b.CustomID})
		if err != nil {
			t.Fatalf("click %q: %v", b.CustomID, err)
		}
		if click.Err != nil || click.Status != http.StatusOK {
			t.Errorf("click %q: status %d, err %v; want a response in the body", b.CustomID, click.Status, click.Err)
		}
		t.Logf("click %q: callback type %d", b.CustomID, click.Callback)
		if got := len(srv.Responses(click.ID)); got < 1 || got > 2 {
			t.Errorf("click %q: %d responses, want the body's (and at most one edit)", b.CustomID, got)
		}
	}
	if st := srv.Stats(); st.DoubleAcks != 0 {
		t.Errorf("%d second callbacks", st.DoubleAcks)
	}
}

// At shutdown the endpoint stops taking requests but finishes the answers
// it deferred: the edit still lands, and ServeInteractions returns nil.
func TestEndpointShutdownFinishesDeferredAnswers(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	open := make(chan struct{})
	ctx, stop := context.WithCancel(context.Background())
	ep, done := serveEndpoint(ctx, t, srv, open, bot.Options{AckBudget: time.Nanosecond})

	tctx := testCtx(t)
	d, err := ep.Interact(tctx, askFor("Kapan Rusia meratifikasi perjanjian itu?"))
	if err != nil || d.Callback != 5 {
		t.Fatalf("delivery: callback %d, err %v %v; want deferred (5)", d.Callback, err, d.Err)
	}
	stop()
	// New requests are refused once the listener is closed.
	if err := srv.WaitFor(tctx, func() bool { return ep.Ping(tctx).Status == 0 }); err != nil {
		t.Fatalf("the endpoint still answers after shutdown began: %v", err)
	}
	select {
	case err := <-done:
		t.Fatalf("ServeInteractions returned (%v) with an answer still owed", err)
	default:
	}
	close(open)
	if _, err := srv.WaitReply(tctx, d.ID); err != nil {
		t.Errorf("the deferred answer was not finished at shutdown: %v", err)
	}
	if err := <-done; err != nil {
		t.Errorf("ServeInteractions = %v, want nil", err)
	}
}

func methods(rs []discordtest.Request) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Method+" "+string(r.Route))
	}
	return out
}

// An endpoint that is not there fails the delivery; the interaction has
// no callback.
func TestEndpointUnreachable(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close()
	ep := srv.Endpoint(url)
	d := ep.Post(testCtx(t), []byte(`{"id":"1","type":1}`), discordtest.Signing{})
	if d.Err == nil || d.Status != 0 {
		t.Errorf("delivery to a closed port: status %d, err %v; want a transport error", d.Status, d.Err)
	}
	if errors.Is(d.Err, discordtest.ErrCallbackRefused) {
		t.Errorf("err %v is a refused callback, want a transport error", d.Err)
	}
}
