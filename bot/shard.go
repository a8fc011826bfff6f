package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Gateway sharding (https://discord.com/developers/docs/events/gateway#sharding).
//
// A bot in many servers splits its gateway traffic over shards: a
// connection identifying as shard [id, count] gets the events of the
// servers whose (guild_id >> 22) % count == id, and shard 0 also gets
// every event without a server (DMs, and slash commands used in DMs).
// Discord requires sharding from 2,500 servers per connection. One kutip
// process runs the shards in Options.ShardIDs (default all), each over a
// discordgo session of its own; several processes may split the shards
// between them, each with the same Options.ShardCount.
//
//   - The count: Options.ShardCount, or 0 for the count GET /gateway/bot
//     recommends. A process that runs some shards only must be told the
//     count: processes asking Discord at different times may be told
//     different counts, and then some servers would get no shard and
//     others two.
//   - Start-up pacing: Discord lets max_concurrency shards identify per 5
//     seconds, in buckets by shard_id % max_concurrency, and the buckets'
//     shards in order. Shard id identifies first (id / max_concurrency)
//     × 5 s after start, so processes started together keep that order
//     without talking to each other. A process running several shards also
//     spaces a later Open that identifies 5 s after its bucket's last
//     IDENTIFY (identifyPacer); a lone shard's are spaced by the reconnect
//     backoff. The IDENTIFY discordgo sends by itself after op 9
//     INVALID_SESSION (which is also Discord's answer to one too early) is
//     held 1 to 5 s instead, as Discord asks (frames.go), not paced.
//   - Daily session starts: when session_start_limit.remaining is below
//     the number of shards to start, the bot logs an error and waits for
//     reset_after rather than identify: Discord resets the token of a bot
//     that goes on.
//   - Each event is handled once: every shard drops an event that is not
//     its own (another count's shard might send it), so DMs are answered
//     by shard 0 only.
//   - Commands are registered once per process, not per shard, over the
//     first shard's session, which also makes every REST call; Connected is
//     true when all the process's shards are connected.

// identifyInterval is the window in which max_concurrency IDENTIFYs of
// different buckets may be sent.
const identifyInterval = 5 * time.Second

// shardConn is one gateway connection: a session identifying as one shard.
type shardConn struct {
	id, count int
	s         *discordgo.Session
	gw        *gatewayConns
	rc        *reconnector
	log       *slog.Logger
	// ready is signalled at every READY.
	ready chan struct{}
	// startWait is how long the first IDENTIFY waits (start-up pacing).
	startWait time.Duration
	// gate, when set, waits for this shard's turn to IDENTIFY again.
	gate func(ctx context.Context) error

	connected atomic.Bool
	connects  atomic.Int64
	// opened: the first connection succeeded; abandoned: the reconnector
	// left an Open under way. Written by the shard's goroutine, read after
	// it ends.
	opened, abandoned bool
}

// owns reports whether an event about guildID ("" for none) is this
// shard's to handle.
func (sh *shardConn) owns(guildID string) bool {
	if sh.count <= 1 {
		return true
	}
	return shardOf(guildID, sh.count) == sh.id
}

// shardOf is the shard, of count, that Discord sends a server's events to;
// 0 for no server (or an ID that is no snowflake).
func shardOf(guildID string, count int) int {
	id, err := strconv.ParseUint(guildID, 10, 64)
	if count <= 1 || err != nil {
		return 0
	}
	return int((id >> 22) % uint64(count))
}

// identity returns the application's and the bot user's IDs from the
// shard's READY.
func (sh *shardConn) identity() (appID, self string) { return sessionIdentity(sh.s) }

// sessionIdentity returns the application's ID (for registering commands)
// and the bot user's ID, from the READY event the session has processed.
func sessionIdentity(s *discordgo.Session) (appID, self string) {
	st := s.State
	st.RLock()
	defer st.RUnlock()
	if st.User != nil {
		self = st.User.ID
	}
	appID = self
	if st.Application != nil && st.Application.ID != "" {
		appID = st.Application.ID
	}
	return appID, self
}

// shardPlan is what a process runs: shards ids (ascending) of count, and
// Discord's max_concurrency.
type shardPlan struct {
	ids            []int
	count          int
	maxConcurrency int
}

// planShards decides which shards to run. An explicit single shard
// (ShardCount 1) runs as kutip always has, without asking Discord;
// otherwise GET /gateway/bot gives the recommended count and the session
// start limit, retried with backoff while it fails (not when Discord
// refuses the token). It returns a zero plan and nil when ctx ends.
func (b *Bot) planShards(ctx context.Context) (shardPlan, error) {
	count, ids := b.opts.ShardCount, b.opts.ShardIDs
	if count < 0 {
		return shardPlan{}, fmt.Errorf("SHARD_COUNT is %d; want 0 (as Discord recommends) or more", count)
	}
	if count == 0 && len(ids) > 0 {
		return shardPlan{}, errors.New("SHARD_IDS is set but SHARD_COUNT is not: set SHARD_COUNT to the shard count every process uses (a process asking Discord could be told another count than the others, and servers would be served twice or not at all)")
	}
	if count == 1 {
		ids, err := shardIDs(1, ids)
		return shardPlan{ids: ids, count: 1, maxConcurrency: 1}, err
	}
	wait := b.connectWait
	if wait == nil {
		wait = reconnectWait
	}
	for n := 1; ; n++ {
		gb, err := b.s.GatewayBot(discordgo.WithContext(ctx))
		if ctx.Err() != nil {
			return shardPlan{}, nil
		}
		if err != nil {
			if tokenRefused(err) {
				return shardPlan{}, fmt.Errorf("ask discord for the shard count (GET /gateway/bot): %w (%w)", ErrTokenRefused, err)
			}
			d := wait(n)
			b.logger.Warn("cannot connect to the discord gateway; retrying", "err", redactErr(err), "step", "GET /gateway/bot", "attempt", n, "retry_in", d.Round(time.Millisecond))
			if b.shardSleep(ctx, d) != nil {
				return shardPlan{}, nil
			}
			continue
		}
		p := shardPlan{count: count, maxConcurrency: max(1, gb.SessionStartLimit.MaxConcurrency)}
		if p.count == 0 {
			p.count = max(1, gb.Shards)
		} else if gb.Shards > p.count {
			b.logger.Warn("SHARD_COUNT is below the shard count Discord recommends; a shard over 2,500 servers is refused (close 4011)", "shard_count", p.count, "recommended", gb.Shards)
		}
		if p.ids, err = shardIDs(p.count, ids); err != nil {
			return shardPlan{}, err
		}
		lim := gb.SessionStartLimit
		if lim.Total == 0 || lim.Remaining >= len(p.ids) {
			if lim.Total > 0 && lim.Remaining < lim.Total/10 {
				b.logger.Warn("few gateway session starts left today; each restart of kutip uses one per shard", "remaining", lim.Remaining, "total", lim.Total, "reset_in", time.Duration(lim.ResetAfter)*time.Millisecond)
			}
			return p, nil
		}
		// Identifying past the daily limit gets the token reset by
		// Discord; waiting costs nothing but the time.
		d := time.Duration(lim.ResetAfter) * time.Millisecond
		b.logger.Error("Discord allows no more gateway sessions until its daily limit resets (session_start_limit); waiting rather than have the token reset",
			"remaining", lim.Remaining, "shards", len(p.ids), "reset_in", d.Round(time.Second))
		if b.shardSleep(ctx, max(d, time.Second)) != nil {
			return shardPlan{}, nil
		}
	}
}

// shardIDs checks ids (Options.ShardIDs) against count and returns them
// sorted, or every shard of count when ids is empty.
func shardIDs(count int, ids []int) ([]int, error) {
	if len(ids) == 0 {
		all := make([]int, count)
		for i := range all {
			all[i] = i
		}
		return all, nil
	}
	out := slices.Clone(ids)
	slices.Sort(out)
	for i, id := range out {
		if id < 0 || id >= count {
			return nil, fmt.Errorf("SHARD_IDS names shard %d, but there are %d shards (0 to %d): fix SHARD_IDS or SHARD_COUNT", id, count, count-1)
		}
		if i > 0 && out[i-1] == id {
			return nil, fmt.Errorf("SHARD_IDS names shard %d twice", id)
		}
	}
	return out, nil
}

// identifyPacer spaces IDENTIFYs: per bucket (shard id % max_concurrency),
// one per identifyInterval. reserve is safe for concurrent use.
type identifyPacer struct {
	maxConcurrency int
	now            func() time.Time
	mu             sync.Mutex
	next           map[int]time.Time // by bucket: the earliest next IDENTIFY
}

func newIdentifyPacer(maxConcurrency int, now func() time.Time) *identifyPacer {
	return &identifyPacer{maxConcurrency: max(1, maxConcurrency), now: now, next: map[int]time.Time{}}
}

// reserve books shard id's next IDENTIFY, not before earliest, and returns
// how long from now to wait for it.
func (p *identifyPacer) reserve(id int, earliest time.Time) time.Duration {
	return p.reserveAt(id, earliest, p.now())
}

// reserveAt is reserve at time now.
func (p *identifyPacer) reserveAt(id int, earliest, now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	key := id % p.maxConcurrency
	at := now
	if earliest.After(at) {
		at = earliest
	}
	if n := p.next[key]; n.After(at) {
		at = n
	}
	p.next[key] = at.Add(identifyInterval)
	return at.Sub(now)
}

// startWaits books every shard's first IDENTIFY, in shard order: shard id
// at (id / max_concurrency) × identifyInterval after now. It returns the
// wait of each shard, in the order of ids.
func (p *identifyPacer) startWaits(ids []int) []time.Duration {
	t0 := p.now()
	waits := make([]time.Duration, len(ids))
	for i, id := range ids {
		waits[i] = p.reserveAt(id, t0.Add(time.Duration(id/p.maxConcurrency)*identifyInterval), t0)
	}
	return waits
}

// newShards makes the connections of plan: the first over the bot's own
// session, the others over new sessions like it. fatal gets the error of
// any shard that the gateway ends for good.
func (b *Bot) newShards(plan shardPlan, fatal chan error) ([]*shardConn, error) {
	pacer := newIdentifyPacer(plan.maxConcurrency, time.Now)
	waits := pacer.startWaits(plan.ids)
	// Every session first, like b.s before its dialer is wrapped: each
	// shard's connections go through its own gatewayConns only.
	sessions := []*discordgo.Session{b.s}
	for range plan.ids[1:] {
		s, err := newShardSession(b.s)
		if err != nil {
			return nil, err
		}
		sessions = append(sessions, s)
	}
	shards := make([]*shardConn, len(plan.ids))
	for i, id := range plan.ids {
		s := sessions[i]
		sh := &shardConn{id: id, count: plan.count, s: s, log: b.logger, ready: make(chan struct{}, 1), startWait: waits[i]}
		if plan.count > 1 {
			sh.log = b.logger.With("shard", id)
			s.ShardID, s.ShardCount = id, plan.count
		}
		s.Identify.Intents = intents
		// No payload compression: with these intents events are small,
		// and inflating each one costs more CPU (a new zlib reader per
		// event) than the bytes saved, which shows under a burst of
		// interactions.
		s.Identify.Compress = false
		// The bot reconnects by itself: see reconnect.go for why.
		s.ShouldReconnectOnError = false
		sh.gw = &gatewayConns{log: sh.log, invalidWait: b.invalidWait}
		s.Dialer = sh.gw.dialer(s.Dialer)
		sh.rc = newReconnector(s, sh.gw, sh.log)
		sh.rc.fatal = fatal
		if b.openTimeout > 0 {
			sh.rc.timeout = b.openTimeout
		}
		if b.connectWait != nil {
			sh.rc.wait = b.connectWait
		}
		if len(plan.ids) > 1 {
			sh.gate = func(ctx context.Context) error {
				if !willIdentify(sh.s) {
					return nil
				}
				d := pacer.reserve(sh.id, time.Time{})
				if d > 0 {
					sh.log.Info("gateway identify waits for its turn", "wait", d.Round(time.Millisecond))
				}
				return b.shardSleep(ctx, d)
			}
			sh.rc.gate = sh.gate
		}
		shards[i] = sh
	}
	return shards, nil
}

// newShardSession makes a session like base (token, HTTP client, dialer,
// log level), for another shard.
func newShardSession(base *discordgo.Session) (*discordgo.Session, error) {
	s, err := discordgo.New(base.Token)
	if err != nil {
		return nil, fmt.Errorf("discord session: %w", err)
	}
	s.Client = base.Client
	s.UserAgent = base.UserAgent
	s.Dialer = base.Dialer
	s.LogLevel = base.LogLevel
	s.MaxRestRetries = base.MaxRestRetries
	s.Identify.Properties = base.Identify.Properties
	return s, nil
}

// willIdentify reports whether the session's next Open starts a new
// session (IDENTIFY) rather than resume one: discordgo resumes whenever it
// holds a session ID or a sequence number (see forgetSession). When its
// fields are not there as expected it says true, which only paces more.
func willIdentify(s *discordgo.Session) bool {
	id, seq, ok := resumeFields(s)
	if !ok {
		return true
	}
	s.RLock()
	defer s.RUnlock()
	p := (*int64)(seq.UnsafePointer())
	return id.String() == "" && (p == nil || atomic.LoadInt64(p) == 0)
}

// shardSleep waits d or until ctx ends (then it returns ctx's error);
// tests replace it through Bot.sleepHook.
func (b *Bot) shardSleep(ctx context.Context, d time.Duration) error {
	if b.sleepHook != nil {
		return b.sleepHook(ctx, d)
	}
	if d <= 0 {
		return ctx.Err()
	}
	return sleep(ctx, d)
}

// addShardHandlers adds the bot's event handlers to a shard's session and
// returns what removes them. Every handler runs through track, so that
// none runs, or logs, after Run returns; events that are not the shard's
// own are dropped.
func (b *Bot) addShardHandlers(work context.Context, sh *shardConn, reg *registrar) func() {
	s := sh.s
	removers := []func(){
		s.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
			if !sh.owns(ic.GuildID) {
				return
			}
			b.track(func() {
				b.metrics.inflight.Inc()
				defer b.metrics.inflight.Dec()
				b.onInteraction(work, b.api, ic.Interaction)
			})
		}),
		s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) {
			if !sh.owns(m.GuildID) {
				return
			}
			b.track(func() {
				b.metrics.inflight.Inc()
				defer b.metrics.inflight.Dec()
				_, self := sh.identity()
				b.onMessage(work, b.api, self, m.Message)
			})
		}),
		s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Connect) {
			b.track(func() {
				sh.connected.Store(true)
				if sh.connects.Add(1) > 1 {
					b.metrics.reconnects.Inc()
					sh.log.Info("gateway reconnected")
				}
			})
		}),
		s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) {
			b.track(func() {
				sh.connected.Store(false)
				sh.log.Warn("gateway disconnected")
				sh.rc.disconnected()
			})
		}),
		s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Ready) {
			select {
			case sh.ready <- struct{}{}:
			default:
			}
		}),
		s.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) {
			b.track(func() { reg.guildCreated(g.ID) })
		}),
	}
	if s == b.s {
		// REST calls, and so their rate limits, are the first session's.
		removers = append(removers, s.AddHandler(func(_ *discordgo.Session, rl *discordgo.RateLimit) {
			b.track(func() {
				if rl.TooManyRequests != nil {
					b.logger.Warn("discord rate limit", "retry_after", rl.RetryAfter, "bucket", rl.Bucket)
				}
			})
		}))
	}
	return func() {
		for _, remove := range removers {
			remove()
		}
	}
}

// connectShards makes every shard's first connection, each in its own
// goroutine that then keeps it connected (reconnect.go) until ctx ends.
// It returns once every shard is connected (nil), ctx ended (nil), or a
// shard failed in a way retrying cannot mend (that error); wait then
// waits for the goroutines, after ctx has ended.
func (b *Bot) connectShards(ctx context.Context, shards []*shardConn, fatal <-chan error) (wait func(), err error) {
	var wg sync.WaitGroup
	first := make(chan error, len(shards))
	for _, sh := range shards {
		wg.Go(func() {
			err := b.connect(ctx, sh)
			if err == nil && ctx.Err() == nil {
				sh.opened = true
				sh.connected.Store(true)
			}
			first <- err
			if sh.opened {
				sh.abandoned = sh.rc.run(ctx)
			}
		})
	}
	for range shards {
		select {
		case err := <-first:
			if err != nil {
				return wg.Wait, err
			}
		case err := <-fatal:
			return wg.Wait, err
		}
	}
	return wg.Wait, nil
}

// stateChannel returns a channel from the gateway state of whichever of
// the process's shards has it (a server's channels are in its shard's
// session only), or false.
func (b *Bot) stateChannel(id string) (*discordgo.Channel, bool) {
	var sessions []*discordgo.Session
	if p := b.shards.Load(); p != nil {
		for _, sh := range *p {
			sessions = append(sessions, sh.s)
		}
	} else if b.s != nil {
		sessions = append(sessions, b.s)
	}
	for _, s := range sessions {
		if !s.StateEnabled || s.State == nil {
			continue
		}
		if ch, err := s.State.Channel(id); err == nil {
			return ch, true
		}
	}
	return nil, false
}
