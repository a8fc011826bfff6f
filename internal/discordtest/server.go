package discordtest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// NoTimeout turns off a deadline in Options, such as InteractionTimeout.
const NoTimeout time.Duration = -1

// Options configures a Server. The zero value of every field means the
// default written on it.
type Options struct {
	// Token is the bot token the fake accepts, without the "Bot " prefix.
	// REST calls must send "Authorization: Bot <Token>"; IDENTIFY and RESUME
	// accept the token with or without the prefix, as Discord does.
	// Default "discordtest-token".
	Token string

	// BotName is the bot user's username. Default "kutip".
	BotName string

	// HeartbeatInterval is sent in HELLO. Default 41.25 s, Discord's usual
	// value; tests that exercise heartbeats use something like a second.
	HeartbeatInterval time.Duration

	// InteractionTimeout is how long after the fake sends (or, while the
	// client is away, queues) INTERACTION_CREATE the first callback is
	// accepted; later ones get 404 Unknown interaction (10062). Default
	// 3 s, Discord's window; NoTimeout turns the check off.
	InteractionTimeout time.Duration

	// TokenLifetime is how long an interaction token works for editing the
	// original response and for follow-ups. Default 15 minutes, as on
	// Discord; NoTimeout turns the check off.
	TokenLifetime time.Duration

	// DeniedIntents are the intents the application is not allowed (the
	// privileged ones not switched on in the developer portal). IDENTIFY
	// asking for any of them is closed with 4014 Disallowed intents.
	// Default none: every intent is allowed.
	DeniedIntents int

	// Limits overrides the per-route rate limits the fake enforces and
	// reports in X-RateLimit-* headers. Default: DefaultLimits.
	Limits map[Route]Limit

	// NoEcho stops the fake from dispatching MESSAGE_CREATE for messages the
	// bot itself posts. Discord sends those, and a bot must ignore its own
	// messages, so leave it off unless the extra events get in the way.
	NoEcho bool

	// ReplayBuffer is how many dispatches a session keeps, at least, for
	// RESUME. A resume from further back is refused with INVALID_SESSION.
	// Default 4096.
	ReplayBuffer int

	// MaxRequests bounds how many REST requests Requests returns (the
	// oldest go first); MaxInteractions and MaxMessages bound, give or take
	// a quarter, the interactions and messages the fake remembers. Counters
	// in Stats are never dropped. Defaults 20,000, 50,000 and 50,000.
	MaxRequests     int
	MaxInteractions int
	MaxMessages     int

	// Seed seeds the choice FailRate makes, so a run is repeatable.
	// Default 1.
	Seed uint64

	// Verbose logs every gateway frame and REST request with tb.Logf.
	Verbose bool

	// Sharding (shards.go). Shards is the shard count GET /gateway/bot
	// recommends; default one per 1,000 guilds, at least 1, as Discord
	// does. MaxConcurrency is its session_start_limit.max_concurrency,
	// default 1. SessionStarts is session_start_limit.total, default
	// 1,000; remaining is that less the IDENTIFYs accepted, and
	// SessionResetAfter is reset_after, default 24 hours. GuildsPerShard
	// is how many guilds one connection may hold: an IDENTIFY whose
	// shard (or, unsharded, the bot) has more is closed with 4011
	// Sharding required. Default 2,500, Discord's limit.
	Shards            int
	MaxConcurrency    int
	SessionStarts     int
	SessionResetAfter time.Duration
	GuildsPerShard    int
}

func (o *Options) setDefaults() {
	if o.Token == "" {
		o.Token = "discordtest-token"
	}
	if o.BotName == "" {
		o.BotName = "kutip"
	}
	if o.HeartbeatInterval <= 0 {
		o.HeartbeatInterval = 41250 * time.Millisecond
	}
	if o.InteractionTimeout == 0 {
		o.InteractionTimeout = 3 * time.Second
	}
	if o.TokenLifetime == 0 {
		o.TokenLifetime = 15 * time.Minute
	}
	if o.ReplayBuffer <= 0 {
		o.ReplayBuffer = 4096
	}
	if o.MaxRequests <= 0 {
		o.MaxRequests = 20000
	}
	if o.MaxInteractions <= 0 {
		o.MaxInteractions = 50000
	}
	if o.MaxMessages <= 0 {
		o.MaxMessages = 50000
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	o.setShardDefaults()
}

// Server is a fake Discord: a REST API under URL+"/api/v9/" (v10 is
// accepted too) and a gateway WebSocket at URL+"/gateway". All methods are
// safe for concurrent use. Fields are set by New and must not be changed.
type Server struct {
	// URL is the base URL, such as http://127.0.0.1:41234, without a
	// trailing slash: what DISCORD_API_BASE points at.
	URL string
	// GatewayURL is the WebSocket URL that GET /gateway returns.
	GatewayURL string
	// Token is the bot token the fake accepts (Options.Token).
	Token string
	// Bot is the bot's user; its ID is also the application ID, as for any
	// bot created since 2019.
	Bot User
	// GuildID is the one guild the bot is in, and ChannelID a text channel
	// in it; interactions and messages go there unless told otherwise.
	GuildID   string
	ChannelID string
	// User is the member who invokes commands and writes messages when an
	// Interaction or Message names no author.
	User User

	tb   testing.TB
	opts Options
	hs   *httptest.Server
	mux  *http.ServeMux
	wg   sync.WaitGroup // gateway handlers and echo dispatches

	lastID atomic.Uint64 // last snowflake handed out

	mu        sync.Mutex
	closed    bool
	changed   chan struct{} // closed and replaced on every state change
	stats     Stats
	rng       uint64 // xorshift state for FailRate
	conns     map[*gwConn]struct{}
	sessions  map[string]*session
	sessOrder []string            // oldest first, to bound sessions
	active    map[[2]int]*session // the sessions new events go to, by shard (shards.go)
	idents    [][2]int            // every IDENTIFY's shard accepted, in order ([0,1] unsharded)
	requests  []*Request
	reqSeq    int
	faults    []*faultRule
	buckets   map[string]*bucket
	commands  map[string]*commandSet // by scope: "" global, else guild ID
	cmdIDs    map[string]string      // scope/type/name → ID, stable across overwrites
	inters    map[string]*interaction
	byToken   map[string]*interaction
	interOrd  []string
	msgs      map[string]*message
	msgOrder  []string
	channels  map[string]channel
	noThreads map[string]bool   // channels where the bot may not start threads (threads.go)
	guilds    map[string]*guild // every guild the bot is in, GuildID included
	guildIDs  []string          // in the order the bot joined them
	users     map[string]User
	presence  []byte       // last presence update's d
	disrupt   []Disruption // armed by DisruptHandshake, oldest first
	// refuseIdentify is how many more IDENTIFYs to answer with op 9.
	refuseIdentify int
	// omitReadyUser is how many more READYs to send without user and
	// application.
	omitReadyUser int
	nonces        []sentNonce // of messages created with one, oldest first
}

// New starts a fake Discord for the length of the test: tb.Cleanup closes
// the server and every gateway connection.
func New(tb testing.TB, opts Options) *Server {
	tb.Helper()
	opts.setDefaults()
	s := &Server{
		tb:       tb,
		opts:     opts,
		Token:    opts.Token,
		changed:  make(chan struct{}),
		rng:      opts.Seed,
		conns:    map[*gwConn]struct{}{},
		sessions: map[string]*session{},
		buckets:  map[string]*bucket{},
		commands: map[string]*commandSet{},
		cmdIDs:   map[string]string{},
		inters:   map[string]*interaction{},
		byToken:  map[string]*interaction{},
		msgs:     map[string]*message{},
		channels: map[string]channel{},
		guilds:   map[string]*guild{},
		users:    map[string]User{},
		active:   map[[2]int]*session{},
	}
	s.Bot = User{ID: s.newID(), Username: opts.BotName, Bot: true}
	s.GuildID = s.newID()
	s.ChannelID = s.newID()
	s.User = User{ID: s.newID(), Username: "asker"}
	s.channels[s.ChannelID] = channel{id: s.ChannelID, guildID: s.GuildID, name: "general"}
	s.guilds[s.GuildID] = &guild{id: s.GuildID, name: "discordtest", channelID: s.ChannelID, channels: []string{s.ChannelID}}
	s.guildIDs = []string{s.GuildID}

	s.mux = http.NewServeMux()
	s.routes()
	s.hs = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.hs.URL
	s.GatewayURL = "ws" + strings.TrimPrefix(s.URL, "http") + "/gateway"
	tb.Cleanup(s.Close)
	return s
}

// Close shuts the server: it cuts every gateway connection and waits for
// the handlers to return. It is safe to call more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	conns := make([]*gwConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range conns {
		c.cut()
	}
	s.hs.Close()
	s.wg.Wait()
}

// Client returns an HTTP client that sends requests addressed to
// https://discord.com to the fake instead. Setting a discordgo Session's
// Client field to it points that session at the fake without touching
// discordgo's package-level Endpoint variables, so tests can run in
// parallel.
func (s *Server) Client() *http.Client {
	base, _ := url.Parse(s.URL)
	return &http.Client{
		Transport: redirect{base: base, rt: s.hs.Client().Transport},
		Timeout:   20 * time.Second,
	}
}

type redirect struct {
	base *url.URL
	rt   http.RoundTripper
}

func (r redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == "discord.com" || req.URL.Host == "discordapp.com" {
		req = req.Clone(req.Context())
		req.URL.Scheme = r.base.Scheme
		req.URL.Host = r.base.Host
		req.Host = r.base.Host
	}
	return r.rt.RoundTrip(req)
}

// Stats counts what has happened since New. Counters only grow.
type Stats struct {
	Connections int // WebSocket connections accepted
	Disconnects int // connections ended, by either side
	Identifies  int // IDENTIFY accepted, each answered with READY
	// IdentifiesRefused counts IDENTIFYs answered with INVALID_SESSION
	// (RefuseIdentify); they count in InvalidSessions too.
	IdentifiesRefused int
	Resumes           int // RESUME accepted, each answered with replay and RESUMED
	ResumesRefused    int // RESUME answered with INVALID_SESSION
	Heartbeats        int // heartbeats received (each gets a HEARTBEAT_ACK)
	PresenceUpdates   int // op 3 received
	Dispatches        int // op 0 events created, each counted once
	Replayed          int // events sent again on RESUME
	Reconnects        int // op 7 sent
	InvalidSessions   int // op 9 sent
	Cuts              int // connections closed without a close frame
	Requests          int // REST requests received
	Faults            int // requests answered by an injected Fault
	RateLimited       int // requests refused with 429 by an exhausted bucket
	Callbacks         int // interaction callbacks accepted
	DoubleAcks        int // callbacks refused with 40060 (already acknowledged)
	LateAcks          int // callbacks refused with 10062 (past the window)
	BadRequests       int // requests refused with 400, 401, 404 or 405
	DuplicateNonces   int // messages not created again: enforce_nonce found their nonce
}

// Stats returns the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// WaitFor calls cond after every change in the fake's state (a request, a
// gateway frame, a connection), and every 10 ms for conditions on other
// state such as the client's, until it returns true or ctx is done. cond
// may call the Server's methods.
func (s *Server) WaitFor(ctx context.Context, cond func() bool) error {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-tick.C:
		case <-ctx.Done():
			return fmt.Errorf("discordtest: wait: %w", context.Cause(ctx))
		}
	}
}

// WaitReady waits until a client is connected with a live session: it has
// identified and got READY, or resumed and got RESUMED, and the server has
// not since asked it to reconnect or cut its connection.
func (s *Server) WaitReady(ctx context.Context) error {
	return s.WaitFor(ctx, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.liveLocked(1)
	})
}

// notifyLocked wakes every WaitFor. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Verbose {
		s.tb.Logf("discordtest: "+format, args...)
	}
}

// discordEpoch is the first second of 2015, where snowflakes start.
const discordEpoch = 1420070400000

// newID returns a snowflake: milliseconds since 2015 in the top 42 bits,
// then worker, process and increment bits, as Discord makes them. IDs are
// unique and increase.
func (s *Server) newID() string {
	for {
		last := s.lastID.Load()
		id := uint64(time.Now().UnixMilli()-discordEpoch) << 22
		if id <= last {
			id = last + 1
		}
		if s.lastID.CompareAndSwap(last, id) {
			return fmt.Sprint(id)
		}
	}
}

// newToken returns an interaction token: long, random and safe in a path.
func newToken() string {
	b := make([]byte, 48)
	rand.Read(b)
	return "aW50ZXJhY3Rpb24" + base64.RawURLEncoding.EncodeToString(b)
}

// excess returns how many of the oldest entries to drop from a buffer of
// length n bounded by max. It lets the buffer grow a quarter past max
// before trimming it back, so that trimming costs O(1) per entry.
func excess(n, max int) int {
	if n <= max+max/4 {
		return 0
	}
	return n - max
}

// randFloat returns a number in [0, 1) from the seeded generator. s.mu
// must be held.
func (s *Server) randFloat() float64 {
	s.rng ^= s.rng << 13
	s.rng ^= s.rng >> 7
	s.rng ^= s.rng << 17
	return float64(s.rng>>11) / (1 << 53)
}
