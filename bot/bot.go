// Package bot is kutip's Discord bot: the slash-command table, the
// handlers for commands, mentions and direct messages, the per-user rate
// limits (questions and summaries each have a budget), and the rendering of
// answers as Discord messages. It is the only package that sees discordgo:
// NewFromToken makes the session, points it at Options.APIBase, and
// forwards discordgo's log lines with every secret removed.
//
// Run connects to the gateway, one connection per shard it runs
// (Options.ShardCount and ShardIDs, paced as Discord asks: shard.go),
// retrying with backoff (a refused token is ErrTokenRefused), registers
// the commands with one bulk overwrite
// (removing those an earlier run left in the other scope, and retrying
// while a server refuses them), and answers until its context ends,
// reconnecting whenever the connection drops. Every interaction gets
// exactly one response within Discord's three seconds: the answer itself
// when it is ready within Options.AckBudget of the interaction's creation,
// otherwise a deferral and then an edit of @original. A reply whose call
// fails is retried until Discord's window for it closes, never sent twice.
// No message kutip sends can ping anyone.
//
// ServeInteractions takes the interactions over HTTP instead, as
// Discord's Interactions Endpoint URL delivers them (http.go): signed
// requests only, the first response in the HTTP body, the edit through the
// interaction's webhook. A bot from NewHTTPOnly does only that, without a
// bot token or a gateway session, so identical replicas can share the
// load behind a load balancer.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/prometheus/client_golang/prometheus"

	"kutip/corpus"
	"kutip/feedback"
	"kutip/retrieval"
)

// Answerer answers a question from the corpus. Ask returns an error only
// when the index fails or ctx ends, never because of the question.
type Answerer interface {
	Ask(ctx context.Context, question string) (retrieval.Answer, error)
}

// Summarizer summarises a document of the corpus. Summary fails with an
// error wrapping retrieval.ErrUnknownDocument or retrieval.ErrTopicNotFound
// when the options name no document or a topic the document never mentions.
type Summarizer interface {
	Summary(ctx context.Context, opts retrieval.SummaryOptions) (retrieval.Summary, error)
}

// Corpus lists the documents the bot can quote.
type Corpus interface {
	Documents() []corpus.Document
}

// Index is everything the bot needs from retrieval.
type Index interface {
	Answerer
	Summarizer
	Corpus
}

var _ Index = (*retrieval.Index)(nil)

// Discord is the part of Discord's REST API the handlers call.
// *discordgo.Session satisfies it; tests record the calls instead.
type Discord interface {
	InteractionRespond(i *discordgo.Interaction, r *discordgo.InteractionResponse, options ...discordgo.RequestOption) error
	InteractionResponseEdit(i *discordgo.Interaction, e *discordgo.WebhookEdit, options ...discordgo.RequestOption) (*discordgo.Message, error)
	ChannelMessageSendComplex(channelID string, m *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Message, error)
}

var (
	_ Discord = (*discordgo.Session)(nil)
	_ Discord = sessionAPI{}
)

// Options configure a Bot. The zero value of each field means its default.
type Options struct {
	// GuildID registers the commands on one server, where they appear at
	// once. Empty registers them globally.
	GuildID string
	// APIBase is the base URL (such as http://127.0.0.1:8080: a proxy or
	// a fake Discord) that the bot's REST requests for https://discord.com
	// go to instead; the gateway is whatever that API's GET /gateway
	// returns. Empty means Discord.
	APIBase string
	// RateCount questions (/ask, "Ask kutip", mentions, DMs, and the More
	// and 👍/👎 buttons under answers) a user may ask at once, and
	// RateWindow the time over which they all come back, one every
	// RateWindow/RateCount. Defaults DefaultRateCount and
	// DefaultRateWindow.
	RateCount  int
	RateWindow time.Duration
	// SummaryCount and SummaryWindow are the same for /summary, a budget
	// of its own: summaries cost more than questions, and a user trying
	// both out should not run out of either. Defaults DefaultSummaryCount
	// and DefaultSummaryWindow. /source and /help are not limited.
	SummaryCount  int
	SummaryWindow time.Duration
	// MaxSummaries bounds the summaries made at once, for all users
	// together, so that long documents cannot take every CPU from the
	// questions; each user has at most one in the making. A summary that
	// finds no free slot within summaryQueueWait is declined with a
	// message. Default DefaultMaxSummaries.
	MaxSummaries int
	// AckBudget is how long after its creation (the time in its
	// snowflake ID) an interaction may compute before the bot defers its
	// response. Defaults to 1.5 seconds, half of Discord's three.
	AckBudget time.Duration
	// AnswerTimeout bounds the work on one event. Sending the reply is
	// bounded apart, by Discord's windows for an interaction (a response
	// within three seconds of its creation, edits for fifteen minutes) and
	// by a minute for a reply to a message, during which a failed call is
	// retried. Defaults to 30 seconds.
	AnswerTimeout time.Duration
	// DrainTimeout bounds how long Run waits at shutdown for the replies
	// in flight. Defaults to 10 seconds.
	DrainTimeout time.Duration
	// Registry, when set, gets the bot's metrics.
	Registry *prometheus.Registry
	// CorpusGrows offers /summary's document option even while the corpus
	// has one document: hot reload may add more, and commands are
	// registered once, at start-up.
	CorpusGrows bool
	// ShardCount is the number of gateway shards the bot's servers are
	// split over (shard.go); 0 asks Discord (GET /gateway/bot) for its
	// recommended count, and 1 runs unsharded without asking. ShardIDs
	// are the shards this process runs, default all; a process running
	// some shards only must set ShardCount too.
	ShardCount int
	ShardIDs   []int
	// Feedback records answers, votes and questions (bot/feedback.go).
	// Default: a store in memory, lost at exit.
	Feedback Feedback
	// Channels maps channel and category IDs, and AnyChannel, to the
	// folder of the corpus each sees (CHANNELS_FILE; "." is the whole
	// corpus), resolved through parents as channels.go describes. A
	// channel without a folder sees no document. Nil: every channel sees
	// the whole corpus. Set, it needs an index that is a Scoper.
	Channels map[string]string
}

// Defaults of Options: the one place for them. The question budget lets a
// first try-out (ten questions in a row) through and sustains one question
// every 6 s; the summary budget three at once and one a minute.
const (
	DefaultRateCount     = 10
	DefaultRateWindow    = time.Minute
	DefaultSummaryCount  = 3
	DefaultSummaryWindow = 3 * time.Minute
	DefaultAckBudget     = 1500 * time.Millisecond
	DefaultAnswerTimeout = 30 * time.Second
	DefaultDrainTimeout  = 10 * time.Second
)

// DefaultMaxSummaries is half the CPUs Go may use, at least one.
var DefaultMaxSummaries = max(1, runtime.GOMAXPROCS(0)/2)

// summaryQueueWait bounds how long a summary waits for a free slot.
const summaryQueueWait = 10 * time.Second

// maxQuestion is the longest question read, in runes: /ask's max_length,
// and the cap for mentions and "Ask kutip".
const maxQuestion = 300

// intents are the gateway events the bot needs: guild create (to know its
// servers), messages in servers (mentions carry their content without the
// privileged Message Content intent) and direct messages.
const intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages

// Bot answers questions on Discord. Create it with NewFromToken, run it
// once with Run. Connected and the metrics may be read concurrently with
// Run.
type Bot struct {
	s        *discordgo.Session // nil in tests of the handlers
	api      Discord
	ix       Index // its documents may change while the bot runs (hot reload)
	logger   *slog.Logger
	opts     Options
	commands []*discordgo.ApplicationCommand
	handlers map[string]handler
	limits   [numKinds]*limiter // per kind of request
	channels *channelMap        // Options.Channels; nil without (channels.go)
	// summarySlots holds a token per summary being made (MaxSummaries);
	// summarizing the users with one in the making.
	summarySlots chan struct{}
	summaryMu    sync.Mutex
	summarizing  map[string]bool
	metrics      *metrics
	now          func() time.Time // the clock of the rate limits; tests set it

	// shards are the gateway connections Run keeps (shard.go).
	shards     atomic.Pointer[[]*shardConn]
	registered atomic.Bool // the commands are registered in their scope
	// registerWait, when set, replaces registerWait (tests).
	registerWait func(n int, missing bool) time.Duration
	// openTimeout and connectWait, when set, replace openTimeout and
	// reconnectWait (tests).
	openTimeout time.Duration
	connectWait func(n int) time.Duration
	// invalidWait, when set, replaces invalidSessionWait (tests).
	invalidWait func() time.Duration
	// sleepHook, when set, replaces the waits of shard start-up pacing
	// and of the session start limit (tests).
	sleepHook func(ctx context.Context, d time.Duration) error

	// mu guards closing; wg counts the event handlers running. Together
	// they make shutdown race-free: a handler starts only while !closing.
	mu      sync.Mutex
	closing bool
	wg      sync.WaitGroup
}

// newSessionBot makes a bot that answers from ix over session s. It fails
// only when the metrics cannot be registered.
func newSessionBot(s *discordgo.Session, ix Index, logger *slog.Logger, opts Options) (*Bot, error) {
	if s == nil {
		return nil, errors.New("bot: nil session")
	}
	b, err := newBot(sessionAPI{Session: s}, ix, logger, opts)
	if err != nil {
		return nil, err
	}
	b.s = s
	return b, nil
}

// newBot makes a bot whose handlers call api; s is nil in tests.
func newBot(api Discord, ix Index, logger *slog.Logger, opts Options) (*Bot, error) {
	if opts.RateCount <= 0 {
		opts.RateCount = DefaultRateCount
	}
	if opts.RateWindow <= 0 {
		opts.RateWindow = DefaultRateWindow
	}
	if opts.SummaryCount <= 0 {
		opts.SummaryCount = DefaultSummaryCount
	}
	if opts.SummaryWindow <= 0 {
		opts.SummaryWindow = DefaultSummaryWindow
	}
	if opts.MaxSummaries <= 0 {
		opts.MaxSummaries = DefaultMaxSummaries
	}
	if opts.AckBudget <= 0 {
		opts.AckBudget = DefaultAckBudget
	}
	if opts.AnswerTimeout <= 0 {
		opts.AnswerTimeout = DefaultAnswerTimeout
	}
	if opts.DrainTimeout <= 0 {
		opts.DrainTimeout = DefaultDrainTimeout
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if opts.Feedback == nil {
		opts.Feedback, _ = feedback.Open("", feedback.Options{}) // in memory: the warning is for an operator's config
	}
	b := &Bot{
		api:    api,
		ix:     ix,
		logger: logger,
		opts:   opts,
		limits: [numKinds]*limiter{
			kindQuestion: newLimiter(opts.RateCount, opts.RateWindow),
			kindSummary:  newLimiter(opts.SummaryCount, opts.SummaryWindow),
		},
		now:          time.Now,
		summarySlots: make(chan struct{}, opts.MaxSummaries),
		summarizing:  map[string]bool{},
	}
	m, err := newMetrics(opts.Registry, b.Connected, b.registered.Load)
	if err != nil {
		return nil, fmt.Errorf("register metrics: %w", err)
	}
	b.metrics = m
	if b.channels, err = newChannelMap(ix, opts.Channels); err != nil {
		return nil, err
	}
	b.commands, b.handlers = b.commandTable()
	return b, nil
}

// Connected reports whether the gateway connections are up, every shard's
// this process runs: each from its first READY (or RESUMED after a
// reconnect) until a disconnect.
func (b *Bot) Connected() bool {
	p := b.shards.Load()
	if p == nil || len(*p) == 0 {
		return false
	}
	for _, sh := range *p {
		if !sh.connected.Load() {
			return false
		}
	}
	return true
}

// Commands returns the application commands Run registers.
func (b *Bot) Commands() []*discordgo.ApplicationCommand { return b.commands }

// Run connects to Discord, registers the commands and answers events until
// ctx ends, reconnecting (and resuming the session) whenever the gateway
// connection drops; discordgo's own reconnection is turned off (see
// reconnect.go). Then it stops reconnecting and taking events, waits for
// the replies in flight (at most Options.DrainTimeout, after which their
// contexts are cancelled), closes the gateway and returns nil. It runs the
// gateway shards of Options.ShardCount and ShardIDs, each over a
// connection of its own, paced as Discord asks (shard.go); by default the
// count Discord recommends, one shard below 1,000 or so servers.
//
// It returns an error when it cannot make the first connection, wrapping
// ErrTokenRefused when Discord refuses the token. A server that refuses
// the commands (a wrong or uninvited Options.GuildID) does not end it: it
// logs what to fix, answers mentions and DMs, and retries (register.go).
// A Bot runs once.
func (b *Bot) Run(ctx context.Context) error {
	if b.s == nil {
		return errors.New("bot has no session")
	}
	// Handlers get a context that outlives ctx, so that the replies in
	// flight at shutdown can finish; cancelWork ends them when draining
	// takes too long.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()

	// Which shards this process runs (shard.go): one, unless configured
	// or recommended by Discord.
	plan, err := b.planShards(ctx)
	if err != nil || ctx.Err() != nil {
		return err
	}
	fatal := make(chan error, len(plan.ids))
	shards, err := b.newShards(plan, fatal)
	if err != nil {
		return err
	}
	b.shards.Store(&shards)
	reg := newRegistrar(b, b.s)
	if b.registerWait != nil {
		reg.wait = b.registerWait
	}
	for _, sh := range shards {
		defer b.addShardHandlers(work, sh, reg)()
	}
	if plan.count > 1 {
		b.logger.Info("gateway shards", "shards", plan.ids, "count", plan.count, "max_concurrency", plan.maxConcurrency)
	}

	// The first connections are retried, with backoff, until they are up
	// or one fails in a way retrying cannot mend (connect.go); then each
	// shard keeps its connection up (reconnect.go) until rcCtx ends.
	rcCtx, stopReconnecting := context.WithCancel(ctx)
	defer stopReconnecting()
	waitShards, err := b.connectShards(rcCtx, shards, fatal)
	// stop ends the reconnections, then shuts down; it leaves a shard's
	// gateway alone when an Open its reconnector abandoned may hold the
	// session.
	stop := func() {
		stopReconnecting()
		waitShards()
		b.shutdown(cancelWork)
	}
	if err != nil || ctx.Err() != nil {
		stop()
		return err
	}

	// Commands are registered while the bot already answers mentions and
	// DMs (see register.go). A refused token, or a close code after which
	// Discord says not to reconnect, ends Run with an error.
	reg.appID, _ = b.identity()
	regCtx, stopRegistering := context.WithCancel(ctx)
	defer stopRegistering()
	regDone := make(chan error, 1)
	go func() { regDone <- reg.run(regCtx) }()
	// finishRegistering stops the registrar and waits for it: its requests
	// end with regCtx, but discordgo sleeps through a 429 regardless, so
	// not past the drain timeout.
	finishRegistering := func() {
		stopRegistering()
		select {
		case <-regDone:
		case <-time.After(b.opts.DrainTimeout):
			b.logger.Warn("command registration still under way at shutdown")
		}
	}
	select {
	case <-ctx.Done():
		finishRegistering()
	case err := <-regDone:
		if err != nil {
			stop()
			return err
		}
		// The registrar runs until ctx ends.
	case err := <-fatal:
		b.logger.Error("the gateway refused the connection for good; stopping", "err", err)
		finishRegistering()
		stop()
		return err
	}
	b.logger.Info("shutting down")
	stop()
	return nil
}

// shutdown stops taking events, drains the handlers in flight (bounded)
// and closes the gateway connections, except a shard's whose reconnector
// abandoned an Open that may still hold its session.
func (b *Bot) shutdown(cancelWork context.CancelFunc) {
	b.drain(cancelWork)
	p := b.shards.Load()
	if p == nil {
		return
	}
	for _, sh := range *p {
		if sh.opened && !sh.abandoned {
			if err := sh.s.Close(); err != nil {
				sh.log.Warn("close gateway", "err", err)
			}
		}
		sh.connected.Store(false)
	}
}

// drain stops taking events and waits for the handlers in flight, at most
// DrainTimeout; then it cancels them and waits a little longer.
func (b *Bot) drain(cancelWork context.CancelFunc) {
	b.mu.Lock()
	b.closing = true
	b.mu.Unlock()
	waitDrained(b.logger, "replies", &b.wg, b.opts.DrainTimeout, cancelWork)
}

// waitDrained waits for wg, at most timeout; then it cancels the work with
// cancel and waits at most 2 s more. It logs, naming what it waits for,
// when either wait runs out. Bot.drain and the HTTP endpoint's close
// share it.
func waitDrained(logger *slog.Logger, what string, wg *sync.WaitGroup, timeout time.Duration, cancel context.CancelFunc) {
	drained := make(chan struct{})
	go func() {
		wg.Wait()
		close(drained)
	}()
	select {
	case <-drained:
		return
	case <-time.After(timeout):
		logger.Warn(what+" still in flight at the drain timeout; cancelling them", "timeout", timeout)
	}
	cancel()
	select {
	case <-drained:
	case <-time.After(2 * time.Second):
		logger.Error(what + " did not stop after cancellation")
	}
}

// track runs an event handler unless shutdown has begun, counting it for
// the drain. Handlers that discordgo started before shutdown but that reach
// track after it do nothing.
func (b *Bot) track(f func()) {
	b.mu.Lock()
	if b.closing {
		b.mu.Unlock()
		return
	}
	b.wg.Add(1)
	b.mu.Unlock()
	defer b.wg.Done()
	f()
}

// identity returns the application's ID (for registering commands) and
// the bot user's ID, from the READY event Open has processed.
func (b *Bot) identity() (appID, self string) { return sessionIdentity(b.s) }

// selfID returns the bot user's ID, or "" before READY.
func (b *Bot) selfID() string {
	_, self := b.identity()
	return self
}

// userID returns who sent an interaction, in a server or a DM.
func userID(i *discordgo.Interaction) string {
	switch {
	case i.Member != nil && i.Member.User != nil:
		return i.Member.User.ID
	case i.User != nil:
		return i.User.ID
	}
	return ""
}

// capRunes cuts s to at most n runes.
func capRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return strings.TrimSpace(s[:j])
		}
		i++
	}
	return s
}
