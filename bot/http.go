package bot

// Discord's HTTP interactions: instead of (or beside) the gateway, Discord
// POSTs each interaction to an endpoint URL, signed with the application's
// Ed25519 key, and takes the HTTP response's body as the interaction's
// first response. Any number of identical replicas can sit behind a load
// balancer: an interaction goes to one of them, and its follow-ups (the
// edit of @original after a deferral) go to the interaction's webhook,
// which needs the interaction's token, not the bot token. Mentions and
// direct messages still arrive only over the gateway.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/prometheus/client_golang/prometheus"
)

// Limits of the HTTP endpoint.
const (
	// maxInteractionBody bounds the body of an interaction request. The
	// largest ones carry a resolved message ("Ask kutip"), a few kB.
	maxInteractionBody = 1 << 20
	// replayWindow is how far a request's X-Signature-Timestamp may be
	// from our clock, either way.
	replayWindow = 5 * time.Minute
	// maxSeen bounds the interaction IDs remembered to refuse replays:
	// about 10 MB, over 300 interactions a second for the whole window.
	maxSeen = 100_000
	// httpAckWait is how long after a request arrives the endpoint waits
	// for the bot's first response before it defers the interaction
	// itself. The bot defers at Options.AckBudget (1.5 s) from the
	// interaction's creation, so this is a backstop for a bot that is
	// stalled, within Discord's three seconds.
	httpAckWait = 2500 * time.Millisecond
)

// Reasons a request is refused with 401.
var (
	errNoSignature  = errors.New("missing X-Signature-Ed25519 or X-Signature-Timestamp")
	errBadSignature = errors.New("signature does not verify")
	errStale        = errors.New("timestamp outside the replay window")
	errReplay       = errors.New("interaction already received")
)

// verifyInteraction checks that sig (hex, X-Signature-Ed25519) is pub's
// Ed25519 signature of ts (X-Signature-Timestamp, Unix seconds) followed
// by body, and that ts is within window of now.
func verifyInteraction(pub ed25519.PublicKey, sig, ts string, body []byte, now time.Time, window time.Duration) error {
	if sig == "" || ts == "" {
		return errNoSignature
	}
	raw, err := hex.DecodeString(sig)
	if err != nil || len(raw) != ed25519.SignatureSize || len(pub) != ed25519.PublicKeySize {
		return errBadSignature
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errBadSignature
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	if !ed25519.Verify(pub, msg, raw) {
		return errBadSignature
	}
	if d := now.Sub(time.Unix(sec, 0)); d > window || d < -window {
		return errStale
	}
	return nil
}

// replayGuard remembers the interaction IDs received, each until no copy
// of its request could pass the timestamp check any more, so that a
// captured request replayed within the window is refused. It holds at
// most max IDs, dropping the oldest first. Each replica has its own: a
// replay sent to another replica behind the load balancer passes, which
// the timestamp still bounds to the window.
type replayGuard struct {
	mu    sync.Mutex
	max   int
	seen  map[string]time.Time // ID → when it may be forgotten
	order []seenID             // by insertion
}

type seenID struct {
	id      string
	forgets time.Time
}

func newReplayGuard(max int) *replayGuard {
	return &replayGuard{max: max, seen: map[string]time.Time{}}
}

// first records id until forgets and reports whether it is new.
func (g *replayGuard) first(id string, now, forgets time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for len(g.order) > 0 && (g.order[0].forgets.Before(now) || len(g.order) >= g.max) {
		if g.seen[g.order[0].id].Equal(g.order[0].forgets) {
			delete(g.seen, g.order[0].id)
		}
		g.order = g.order[1:]
	}
	if until, ok := g.seen[id]; ok && !until.Before(now) {
		return false
	}
	g.seen[id] = forgets
	g.order = append(g.order, seenID{id, forgets})
	return true
}

// httpResponder is Discord for one interaction that came over HTTP. Its
// first InteractionRespond for that interaction is handed to the endpoint,
// which writes it as the body of the HTTP response Discord is waiting on,
// and returns once it is written. Everything else (the edit of @original,
// follow-ups, channel messages) goes to Discord's REST API.
type httpResponder struct {
	Discord
	id      string
	first   chan *discordgo.InteractionResponse // the bot's first response; capacity 1
	written chan error                          // the result of writing it; capacity 1

	mu    sync.Mutex
	state httpState
}

// threadAPI offers the client behind the responder to /ask thread:True
// (threadsOf): the thread is started over REST once the answer, sent as
// the HTTP body, is a message.
func (h *httpResponder) threadAPI() (threadAPI, bool) {
	t, ok := h.Discord.(threadAPI)
	return t, ok
}

type httpState int

const (
	httpWaiting  httpState = iota // the endpoint waits for the first response
	httpHanded                    // the bot handed it over
	httpDeferred                  // the endpoint deferred on its own (the bot was late)
	httpGone                      // the request ended without a response from the bot
)

// errHTTPGone is InteractionRespond's error when the request is over.
var errHTTPGone = errors.New("the interaction's HTTP request ended before the response")

func newHTTPResponder(api Discord, id string) *httpResponder {
	return &httpResponder{
		Discord: api, id: id,
		first:   make(chan *discordgo.InteractionResponse, 1),
		written: make(chan error, 1),
	}
}

func (h *httpResponder) InteractionRespond(i *discordgo.Interaction, r *discordgo.InteractionResponse, options ...discordgo.RequestOption) error {
	if i.ID != h.id {
		return h.Discord.InteractionRespond(i, r, options...)
	}
	h.mu.Lock()
	state := h.state
	if state == httpWaiting {
		h.state = httpHanded
	}
	h.mu.Unlock()
	switch state {
	case httpWaiting:
		h.first <- r
		select {
		case err := <-h.written:
			return err
		case <-requestContext(options).Done():
			return requestContext(options).Err()
		}
	case httpDeferred:
		// The endpoint deferred already ("thinking…" for a command, a
		// deferred update for a component): another deferral is a no-op,
		// and a message or an update edits @original, which is the
		// deferred message or the component's message.
		switch r.Type {
		case discordgo.InteractionResponseDeferredChannelMessageWithSource, discordgo.InteractionResponseDeferredMessageUpdate:
			return nil
		case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseUpdateMessage:
		default:
			return fmt.Errorf("response type %d after the endpoint deferred", r.Type)
		}
		if r.Data == nil {
			return nil
		}
		// The edit pings nobody whatever the response said: a message
		// edited after the endpoint's deferral is still kutip's message.
		d := r.Data
		_, err := h.Discord.InteractionResponseEdit(i, &discordgo.WebhookEdit{
			Content: &d.Content, Embeds: &d.Embeds, Components: &d.Components, AllowedMentions: noMentions(),
		}, options...)
		return err
	default:
		return errHTTPGone
	}
}

// requestContext is the context discordgo.WithContext set among options,
// or Background.
func requestContext(options []discordgo.RequestOption) context.Context {
	req, _ := http.NewRequest(http.MethodPost, "/", nil)
	cfg := &discordgo.RequestConfig{Request: req}
	for _, o := range options {
		o(cfg)
	}
	return cfg.Request.Context()
}

// interactionsEndpoint is the HTTP handler for Discord's interactions.
type interactionsEndpoint struct {
	b      *Bot
	pub    ed25519.PublicKey
	api    Discord // REST, for what follows the first response
	work   context.Context
	now    func() time.Time
	replay *replayGuard
	// ackWait, when set, replaces httpAckWait (tests).
	ackWait time.Duration
	// results counts requests by how they ended (kutip_http_interactions_total).
	results *prometheus.CounterVec
	// refusals counts the requests refused since lastWarned, when one was
	// last logged at Warn: at most once a refusalLogEvery.
	refusals   atomic.Int64
	lastWarned atomic.Int64 // Unix nanoseconds

	mu      sync.Mutex
	closing bool
	wg      sync.WaitGroup // interactions being answered, past their HTTP response too
}

func (b *Bot) newInteractionsEndpoint(work context.Context, pub ed25519.PublicKey) *interactionsEndpoint {
	return &interactionsEndpoint{
		b: b, pub: pub, api: b.api, work: work, now: time.Now,
		replay:  newReplayGuard(maxSeen),
		results: httpResults(b.opts.Registry),
	}
}

// httpResults is the counter of HTTP interaction requests by result,
// registered with reg when set (once: a second endpoint shares it).
func httpResults(reg *prometheus.Registry) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kutip_http_interactions_total",
		Help: "HTTP interaction requests by result: pong, responded, endpoint_answered (the bot was late or gave none), no_response, refused_signature, refused_stale, refused_replay, bad_request, too_large, unavailable.",
	}, []string{"result"})
	if reg == nil {
		return c
	}
	if err := reg.Register(c); err != nil {
		var dup prometheus.AlreadyRegisteredError
		if errors.As(err, &dup) {
			if existing, ok := dup.ExistingCollector.(*prometheus.CounterVec); ok {
				return existing
			}
		}
	}
	return c
}

// refusalLogEvery bounds how often refused requests are logged at Warn:
// anyone can post to the endpoint, and a flood must not flood the log.
const refusalLogEvery = time.Minute

// refused counts a request refused for err and logs it: at Warn at most
// once a refusalLogEvery, with how many since and what to check, else at
// Debug.
func (e *interactionsEndpoint) refused(err error, remote string) {
	result := "refused_signature"
	if errors.Is(err, errStale) {
		result = "refused_stale"
	}
	e.results.WithLabelValues(result).Inc()
	n := e.refusals.Add(1)
	now := time.Now().UnixNano()
	last := e.lastWarned.Load()
	if now-last < int64(refusalLogEvery) || !e.lastWarned.CompareAndSwap(last, now) {
		e.b.logger.Debug("interaction refused", "err", err, "remote", remote)
		return
	}
	e.refusals.Store(0)
	e.b.logger.Warn("HTTP interactions refused (401): if Discord cannot verify the Interactions Endpoint URL, check that DISCORD_PUBLIC_KEY is the application's Public Key and that this machine's clock is right",
		"err", err, "remote", remote, "refused_since_last_warning", n)
}

func (e *interactionsEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST interactions here", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxInteractionBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			e.results.WithLabelValues("too_large").Inc()
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	now := e.now()
	ts := r.Header.Get("X-Signature-Timestamp")
	if err := verifyInteraction(e.pub, r.Header.Get("X-Signature-Ed25519"), ts, body, now, replayWindow); err != nil {
		e.refused(err, r.RemoteAddr)
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	i, err := parseInteraction(body)
	if err != nil {
		e.results.WithLabelValues("bad_request").Inc()
		e.b.logger.Warn("signed interaction not understood", "err", err)
		http.Error(w, "invalid interaction", http.StatusBadRequest)
		return
	}
	sec, _ := strconv.ParseInt(ts, 10, 64) // verified above
	if !e.replay.first(i.ID, now, time.Unix(sec, 0).Add(replayWindow)) {
		e.results.WithLabelValues("refused_replay").Inc()
		e.b.logger.Warn("replayed interaction refused", "interaction", i.ID)
		http.Error(w, "interaction already received", http.StatusUnauthorized)
		return
	}
	if i.Type == discordgo.InteractionPing {
		e.results.WithLabelValues("pong").Inc()
		writeResponse(w, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
		return
	}

	e.mu.Lock()
	if e.closing {
		e.mu.Unlock()
		e.results.WithLabelValues("unavailable").Inc()
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	e.wg.Add(1)
	e.mu.Unlock()
	h := newHTTPResponder(e.api, i.ID)
	done := make(chan struct{})
	go func() {
		defer e.wg.Done()
		defer close(done)
		// onInteraction recovers from its handlers' panics; this is for
		// the rest, so that one request cannot end the replica.
		defer func() {
			if p := recover(); p != nil {
				e.b.logger.Error("HTTP interaction panicked", "interaction", i.ID, "panic", p, "stack", string(debug.Stack()))
			}
		}()
		e.b.metrics.inflight.Inc()
		defer e.b.metrics.inflight.Dec()
		e.b.learnChannel(body) // its channel's parent (channels.go)
		e.b.onInteraction(e.work, h, i)
	}()

	wait := e.ackWait
	if wait <= 0 {
		wait = httpAckWait
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	var own *discordgo.InteractionResponse // a response the endpoint gives itself
	late := false                          // the bot is still at work
	select {
	case resp := <-h.first:
		e.results.WithLabelValues("responded").Inc()
		h.written <- writeResponse(w, resp)
		return
	case <-timer.C:
		own, late = deferralFor(i), true
	case <-done:
		own = fallbackFor(i)
	case <-r.Context().Done():
	}
	h.mu.Lock()
	switch {
	case h.state == httpHanded:
		// The bot's response came at the same time.
		h.mu.Unlock()
		e.results.WithLabelValues("responded").Inc()
		h.written <- writeResponse(w, <-h.first)
		return
	case r.Context().Err() != nil:
		h.state = httpGone
		h.mu.Unlock()
		return
	case late && own != nil && (own.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource ||
		own.Type == discordgo.InteractionResponseDeferredMessageUpdate):
		h.state = httpDeferred
	default:
		h.state = httpGone
	}
	h.mu.Unlock()
	if own == nil {
		e.results.WithLabelValues("no_response").Inc()
		http.Error(w, "no response", http.StatusInternalServerError)
		return
	}
	e.results.WithLabelValues("endpoint_answered").Inc()
	e.b.logger.Warn("the bot gave no response in time; the endpoint answered for it", "interaction", i.ID, "type", own.Type)
	writeResponse(w, own)
}

// parseInteraction reads an interaction from a request body. It needs an
// ID and a known type.
func parseInteraction(body []byte) (*discordgo.Interaction, error) {
	var i discordgo.Interaction
	if err := discordgo.Unmarshal(body, &i); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if i.ID == "" {
		return nil, errors.New("no id")
	}
	switch i.Type {
	case discordgo.InteractionPing, discordgo.InteractionApplicationCommand,
		discordgo.InteractionMessageComponent, discordgo.InteractionApplicationCommandAutocomplete,
		discordgo.InteractionModalSubmit:
	default:
		return nil, fmt.Errorf("unknown type %d", i.Type)
	}
	return &i, nil
}

// deferralFor is the response the endpoint gives for a bot that is late:
// "thinking…" for a command, which the bot's answer then edits; an update
// later for a component or modal; no choices for autocomplete.
func deferralFor(i *discordgo.Interaction) *discordgo.InteractionResponse {
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		return &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{AllowedMentions: noMentions()},
		}
	default:
		return fallbackFor(i)
	}
}

// fallbackFor is the response for an interaction the bot returned from
// without responding to (a kind it ignores); nil when there is none.
func fallbackFor(i *discordgo.Interaction) *discordgo.InteractionResponse {
	switch i.Type {
	case discordgo.InteractionApplicationCommandAutocomplete:
		return &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}},
		}
	case discordgo.InteractionMessageComponent, discordgo.InteractionModalSubmit:
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
	}
	return nil
}

// writeResponse writes r as the JSON body of the HTTP response.
func writeResponse(w http.ResponseWriter, r *discordgo.InteractionResponse) error {
	body, err := discordgo.Marshal(r)
	if err != nil {
		http.Error(w, "cannot encode the response", http.StatusInternalServerError)
		return fmt.Errorf("encode the response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if _, err := io.Copy(w, bytes.NewReader(body)); err != nil {
		return fmt.Errorf("write the response: %w", err)
	}
	return nil
}

// close stops taking interactions (503) and waits for those being
// answered, at most DrainTimeout; then it cancels their work with cancel
// and waits a little longer.
func (e *interactionsEndpoint) close(cancel context.CancelFunc) {
	e.mu.Lock()
	e.closing = true
	e.mu.Unlock()
	waitDrained(e.b.logger, "HTTP interactions", &e.wg, e.b.opts.DrainTimeout, cancel)
}

// ServeInteractions answers Discord's HTTP interactions, POSTed to any
// path on ln, until ctx ends. Each request must carry a valid Ed25519
// signature by publicKey (DISCORD_PUBLIC_KEY) over its timestamp and
// body, with the timestamp within five minutes of now, and an interaction
// ID not seen before; otherwise it is answered 401. A PING gets a PONG.
// An interaction's first response (the answer, or a deferral when it takes
// longer than Options.AckBudget) is the body of the HTTP response; the
// edit after a deferral goes to the interaction's webhook at
// Options.APIBase or Discord, which needs no bot token, so a bot from
// NewHTTPOnly serves here alone while another process holds the gateway.
//
// When ctx ends it stops taking requests, waits for the HTTP responses in
// flight and then for the answers that follow them (each at most
// Options.DrainTimeout), closes ln and returns nil. It returns an error
// when serving fails. It may run beside Run.
func (b *Bot) ServeInteractions(ctx context.Context, ln net.Listener, publicKey ed25519.PublicKey) error {
	if len(publicKey) != ed25519.PublicKeySize {
		return errors.New("bot: the interactions endpoint needs the application's Ed25519 public key (DISCORD_PUBLIC_KEY)")
	}
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	e := b.newInteractionsEndpoint(work, publicKey)
	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(b.logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	var err error
	select {
	case err = <-served:
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), b.opts.DrainTimeout)
		if serr := srv.Shutdown(sctx); serr != nil {
			b.logger.Warn("HTTP interactions still open at the drain timeout", "err", serr)
			srv.Close()
		}
		cancel()
		err = <-served
	}
	e.close(cancelWork)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("serve interactions: %w", err)
}

// NewHTTPOnly makes a bot that answers interactions from ix over HTTP
// only (ServeInteractions): it has no gateway session and no bot token,
// and Run fails. Its edits go to the interaction webhooks at
// opts.APIBase, or Discord when that is empty. It fails when APIBase is
// not an http(s) URL or the metrics cannot be registered.
func NewHTTPOnly(ix Index, logger *slog.Logger, opts Options) (*Bot, error) {
	s, err := newRESTSession("", opts.APIBase)
	if err != nil {
		return nil, err
	}
	return newBot(sessionAPI{Session: s}, ix, logger, opts)
}
