package bot

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"kutip/internal/discordtest"
	"kutip/internal/testutil"
)

func TestShardOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		guild string
		count int
		want  int
	}{
		{"81384788765712384", 17, 7}, // (81384788765712384 >> 22) = 19403547911... % 17
		{"81384788765712384", 1, 0},
		{"", 4, 0},             // a DM: shard 0
		{"not-a-number", 4, 0}, // not a snowflake
		{"4194304", 2, 1},      // 1 << 22
		{"8388608", 2, 0},      // 2 << 22
		{"4194303", 2, 0},      // below 1 << 22: the increment bits do not count
	} {
		if got := shardOf(tc.guild, tc.count); got != tc.want {
			t.Errorf("shardOf(%q, %d) = %d, want %d", tc.guild, tc.count, got, tc.want)
		}
		if got := discordtest.ShardOf(tc.guild, tc.count); got != tc.want {
			t.Errorf("discordtest.ShardOf(%q, %d) = %d, want %d", tc.guild, tc.count, got, tc.want)
		}
	}
}

// TestShardOwns: a shard handles only its servers' events, and DMs only
// on shard 0, so an event a misrouting gateway sent to two shards is
// handled once.
func TestShardOwns(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		id, count int
		guild     string
		want      bool
	}{
		{"unsharded gets a server", 0, 1, "4194304", true},
		{"unsharded gets a DM", 0, 1, "", true},
		{"shard 1 of 2 gets its server", 1, 2, "4194304", true},
		{"shard 0 of 2 drops shard 1's server", 0, 2, "4194304", false},
		{"shard 0 of 2 gets a DM", 0, 2, "", true},
		{"shard 1 of 2 drops a DM", 1, 2, "", false},
	} {
		sh := &shardConn{id: tc.id, count: tc.count}
		if got := sh.owns(tc.guild); got != tc.want {
			t.Errorf("%s: shard %d of %d owns(%q) = %v, want %v", tc.name, tc.id, tc.count, tc.guild, got, tc.want)
		}
	}
}

func TestShardIDs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		count   int
		ids     []int
		want    []int
		wantErr string
	}{
		{"all by default", 3, nil, []int{0, 1, 2}, ""},
		{"one", 1, nil, []int{0}, ""},
		{"some, sorted", 4, []int{3, 1}, []int{1, 3}, ""},
		{"out of range", 2, []int{0, 2}, nil, "names shard 2, but there are 2 shards"},
		{"negative", 2, []int{-1}, nil, "names shard -1"},
		{"twice", 4, []int{1, 1}, nil, "names shard 1 twice"},
	} {
		got, err := shardIDs(tc.count, tc.ids)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: shardIDs(%d, %v) = %v, %v; want an error with %q", tc.name, tc.count, tc.ids, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: shardIDs(%d, %v) = %v, %v; want %v", tc.name, tc.count, tc.ids, got, err, tc.want)
		}
	}
}

// TestIdentifyPacer: shards of a bucket (id % max_concurrency) identify 5 s
// apart and in shard order; buckets start together.
func TestIdentifyPacer(t *testing.T) {
	t.Parallel()
	const s = identifyInterval
	for _, tc := range []struct {
		name           string
		maxConcurrency int
		ids            []int
		want           []time.Duration
	}{
		{"max_concurrency 1, four shards", 1, []int{0, 1, 2, 3}, []time.Duration{0, s, 2 * s, 3 * s}},
		{"max_concurrency 2, four shards", 2, []int{0, 1, 2, 3}, []time.Duration{0, 0, s, s}},
		{"max_concurrency 16, four shards", 16, []int{0, 1, 2, 3}, []time.Duration{0, 0, 0, 0}},
		// A process running shards 2 and 3 only waits for 0 and 1 (in
		// another process started at the same time) to go first.
		{"max_concurrency 1, shards 2 and 3 of 4", 1, []int{2, 3}, []time.Duration{2 * s, 3 * s}},
		{"max_concurrency 2, shards 2 and 3 of 4", 2, []int{2, 3}, []time.Duration{s, s}},
	} {
		clock := testutil.NewClock(time.Unix(1700000000, 0))
		p := newIdentifyPacer(tc.maxConcurrency, clock.Now)
		if got := p.startWaits(tc.ids); !slices.Equal(got, tc.want) {
			t.Errorf("%s: startWaits(%v) = %v, want %v", tc.name, tc.ids, got, tc.want)
		}
	}

	// Later IDENTIFYs: 5 s after the bucket's last, at once in a bucket
	// idle for longer.
	clock := testutil.NewClock(time.Unix(1700000000, 0))
	p := newIdentifyPacer(2, clock.Now)
	p.startWaits([]int{0, 1, 2, 3}) // buckets 0 and 1 booked until t0+10 s
	clock.Advance(7 * time.Second)
	steps := []struct {
		id      int
		advance time.Duration
		want    time.Duration
	}{
		{0, 0, 3 * time.Second},  // bucket 0's last at t0+5 s was booked to t0+10 s
		{2, 0, 8 * time.Second},  // then t0+15 s for the same bucket
		{1, 0, 3 * time.Second},  // bucket 1 is apart
		{3, 20 * time.Second, 0}, // long idle: at once
		{1, 0, 5 * time.Second},  // right after it: 5 s
		{0, 0, 0},                // bucket 0, idle since t0+15 s
	}
	for i, st := range steps {
		clock.Advance(st.advance)
		if got := p.reserve(st.id, time.Time{}); got != st.want {
			t.Errorf("step %d: reserve(shard %d) = %v, want %v", i, st.id, got, st.want)
		}
	}
}

// sleepRecorder replaces the bot's pacing waits, recording them.
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.waits = append(r.waits, d)
	r.mu.Unlock()
	return ctx.Err()
}

func (r *sleepRecorder) got() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.waits)
}

// TestPlanShards: the count and shards a process runs, from Options and
// GET /gateway/bot; the errors name the setting to fix.
func TestPlanShards(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		fake    discordtest.Options
		opts    Options
		want    shardPlan
		wantErr string
	}{
		{"recommended count", discordtest.Options{Shards: 3, MaxConcurrency: 2}, Options{},
			shardPlan{ids: []int{0, 1, 2}, count: 3, maxConcurrency: 2}, ""},
		{"one shard below 1,000 servers", discordtest.Options{}, Options{},
			shardPlan{ids: []int{0}, count: 1, maxConcurrency: 1}, ""},
		{"count set", discordtest.Options{Shards: 1}, Options{ShardCount: 4},
			shardPlan{ids: []int{0, 1, 2, 3}, count: 4, maxConcurrency: 1}, ""},
		{"some shards", discordtest.Options{}, Options{ShardCount: 4, ShardIDs: []int{3, 1}},
			shardPlan{ids: []int{1, 3}, count: 4, maxConcurrency: 1}, ""},
		{"one shard set", discordtest.Options{Shards: 5}, Options{ShardCount: 1},
			shardPlan{ids: []int{0}, count: 1, maxConcurrency: 1}, ""},
		{"shards without a count", discordtest.Options{}, Options{ShardIDs: []int{0}},
			shardPlan{}, "SHARD_IDS is set but SHARD_COUNT is not"},
		{"shard past the count", discordtest.Options{}, Options{ShardCount: 2, ShardIDs: []int{2}},
			shardPlan{}, "SHARD_IDS names shard 2, but there are 2 shards"},
		{"negative count", discordtest.Options{}, Options{ShardCount: -1},
			shardPlan{}, "SHARD_COUNT is -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := discordtest.New(t, tc.fake)
			tc.opts.APIBase = srv.URL
			b, err := newFromToken(srv.Token, &fakeIndex{}, nil, tc.opts, false)
			if err != nil {
				t.Fatal(err)
			}
			got, err := b.planShards(liveCtx(t))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("planShards = %+v, %v; want an error with %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got.ids, tc.want.ids) || got.count != tc.want.count || got.maxConcurrency != tc.want.maxConcurrency {
				t.Errorf("planShards = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

// TestPlanShardsSessionLimit: with fewer session starts left than shards
// to start, the bot waits for the limit's reset instead of identifying,
// and says why.
func TestPlanShardsSessionLimit(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{Shards: 2, SessionStarts: 1, SessionResetAfter: 90 * time.Minute})
	var logs syncBuffer
	b, err := newFromToken(srv.Token, &fakeIndex{}, slog.New(slog.NewTextHandler(&logs, nil)), Options{APIBase: srv.URL}, false)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(liveCtx(t))
	var waits []time.Duration
	b.sleepHook = func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		cancel() // the test has seen the wait; stop as SIGTERM would
		return context.Canceled
	}
	plan, err := b.planShards(ctx)
	if err != nil || plan.ids != nil {
		t.Errorf("planShards = %+v, %v; want nothing and no error once stopped", plan, err)
	}
	if !slices.Equal(waits, []time.Duration{90 * time.Minute}) {
		t.Errorf("waits %v, want one of 90m (reset_after)", waits)
	}
	if l := logs.String(); !strings.Contains(l, "session_start_limit") || !strings.Contains(l, "remaining=1 shards=2") {
		t.Errorf("the wait is not explained:\n%s", l)
	}
	if st := srv.Stats(); st.Identifies != 0 {
		t.Errorf("%d identifies, want none past the limit", st.Identifies)
	}
}

// TestPlanShardsTokenRefused: a token refused at GET /gateway/bot ends Run
// at once with ErrTokenRefused, before any gateway connection.
func TestPlanShardsTokenRefused(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	b, err := newFromToken("wrong-token", &fakeIndex{}, nil, Options{APIBase: srv.URL}, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Run(liveCtx(t)); !errors.Is(err, ErrTokenRefused) || !strings.Contains(err.Error(), "GET /gateway/bot") {
		t.Errorf("Run = %v, want ErrTokenRefused naming GET /gateway/bot", err)
	}
	if st := srv.Stats(); st.Connections != 0 {
		t.Errorf("%d gateway connections, want none", st.Connections)
	}
}

// shardGuilds joins one server per shard of count (plus the fake's own)
// and returns each one's channel, by shard.
func shardGuilds(srv *discordtest.Server, count int) (guilds, channels []string) {
	for k := range count {
		g, ch := srv.JoinGuild(discordtest.Guild{Shard: k, Shards: count})
		guilds, channels = append(guilds, g), append(channels, ch)
	}
	return guilds, channels
}

// sessionGuilds returns the servers a shard's session holds in its state
// from their GUILD_CREATE (READY lists them as unavailable first).
func sessionGuilds(sh *shardConn) []string {
	st := sh.s.State
	st.RLock()
	defer st.RUnlock()
	var out []string
	for _, g := range st.Guilds {
		if !g.Unavailable {
			out = append(out, g.ID)
		}
	}
	slices.Sort(out)
	return out
}

// askMention posts a mention in a channel and returns the message's ID
// once the bot has answered it.
func askMention(t *testing.T, srv *discordtest.Server, channelID, q string) string {
	t.Helper()
	id, _ := sayAndWait(t, srv, discordtest.Message{ChannelID: channelID, Content: "<@" + srv.Bot.ID + "> " + q})
	return id
}

// repliesTo counts the bot's messages replying to message id.
func repliesTo(srv *discordtest.Server, id string) int {
	n := 0
	for _, m := range srv.Sent() {
		if m.ReplyTo == id {
			n++
		}
	}
	return n
}

// TestShardsOneProcess: one process runs both shards of two: each
// identifies with its shard, paced per max_concurrency; each server's
// GUILD_CREATE reaches its shard only; a mention in a server of shard 1, a
// slash command there and a DM are each answered once; Connected needs
// both shards.
func TestShardsOneProcess(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name           string
		maxConcurrency int
		wantWaits      []time.Duration // the start-up waits of shards 0 and 1
	}{
		{"max_concurrency 1", 1, []time.Duration{0, identifyInterval}},
		{"max_concurrency 2", 2, []time.Duration{0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := discordtest.New(t, discordtest.Options{NoEcho: true, Shards: 2, MaxConcurrency: tc.maxConcurrency})
			guilds, channels := shardGuilds(srv, 2)
			ix := &fakeIndex{}
			var waits sleepRecorder
			lb := startLive(t, srv, ix, Options{}, func(b *Bot) { b.sleepHook = waits.sleep })
			if err := srv.WaitShards(liveCtx(t), 2); err != nil {
				t.Fatal(err)
			}
			waitFor(t, srv, "global commands", func() bool { return len(srv.Commands("")) > 0 })
			waitFor(t, srv, "connected", lb.b.Connected)

			ids := srv.Identified()
			slices.SortFunc(ids, func(a, b [2]int) int { return a[0] - b[0] })
			if want := [][2]int{{0, 2}, {1, 2}}; !slices.Equal(ids, want) {
				t.Errorf("identified as %v, want %v: one IDENTIFY per shard", ids, want)
			}
			got := waits.got() // the shards' goroutines record in any order
			slices.Sort(got)
			if !slices.Equal(got, tc.wantWaits) {
				t.Errorf("start-up waits %v, want %v", got, tc.wantWaits)
			}

			shards := *lb.b.shards.Load()
			for k, sh := range shards {
				var want []string
				for _, g := range append(srv.Guilds(), guilds...) {
					if discordtest.ShardOf(g, 2) == k && !slices.Contains(want, g) {
						want = append(want, g)
					}
				}
				slices.Sort(want)
				waitFor(t, srv, "guilds of a shard", func() bool { return len(sessionGuilds(sh)) >= len(want) })
				if got := sessionGuilds(sh); !slices.Equal(got, want) {
					t.Errorf("shard %d holds servers %v, want %v", k, got, want)
				}
			}

			mention := askMention(t, srv, channels[1], "when did Russia ratify?")
			dm, _ := sayAndWait(t, srv, discordtest.Message{DM: true, Content: "who signed?"})
			inter, err := srv.Interact(liveCtx(t), discordtest.Interaction{
				Name: "ask", ChannelID: channels[1], Options: []discordtest.Option{{Name: "question", Value: "what was signed?"}},
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := srv.WaitReply(liveCtx(t), inter); err != nil {
				t.Fatal(err)
			}
			// Stop the bot: every handler has returned, so a second
			// answer would be there.
			if err := lb.stop(); err != nil {
				t.Fatal(err)
			}
			for what, n := range map[string]int{"mention": repliesTo(srv, mention), "DM": repliesTo(srv, dm)} {
				if n != 1 {
					t.Errorf("%d answers to the %s, want 1", n, what)
				}
			}
			if st := srv.Stats(); st.DoubleAcks != 0 || st.Callbacks != 1 {
				t.Errorf("%d callbacks, %d refused as acknowledged already; want 1 and 0", st.Callbacks, st.DoubleAcks)
			}
			ix.mu.Lock()
			asked := slices.Clone(ix.asked)
			ix.mu.Unlock()
			slices.Sort(asked)
			if want := []string{"what was signed?", "when did Russia ratify?", "who signed?"}; !slices.Equal(asked, want) {
				t.Errorf("asked %q, want %q, each once", asked, want)
			}
			if lb.b.Connected() {
				t.Error("Connected after Run returned")
			}
		})
	}
}

// TestShardsTwoProcesses: two bots run one shard of two each; each gets
// its servers' events only, and a mention in a server of shard 1 is
// answered once, by the bot running shard 1. Either bot's Connected is
// about its own shard.
func TestShardsTwoProcesses(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{NoEcho: true, Shards: 2})
	guilds, channels := shardGuilds(srv, 2)
	ix0, ix1 := &fakeIndex{}, &fakeIndex{}
	var waits0, waits1 sleepRecorder
	lb0 := startLive(t, srv, ix0, Options{ShardCount: 2, ShardIDs: []int{0}}, func(b *Bot) { b.sleepHook = waits0.sleep })
	lb1 := startLive(t, srv, ix1, Options{ShardCount: 2, ShardIDs: []int{1}}, func(b *Bot) { b.sleepHook = waits1.sleep })
	if err := srv.WaitShards(liveCtx(t), 2); err != nil {
		t.Fatal(err)
	}
	waitFor(t, srv, "both connected", func() bool { return lb0.b.Connected() && lb1.b.Connected() })
	waitFor(t, srv, "global commands", func() bool { return len(srv.Commands("")) > 0 })
	// Started together, shard 1 (bucket 0 with max_concurrency 1) goes
	// second, 5 s after shard 0.
	if w0, w1 := waits0.got(), waits1.got(); !slices.Equal(w0, []time.Duration{0}) || !slices.Equal(w1, []time.Duration{identifyInterval}) {
		t.Errorf("start-up waits %v and %v, want [0] and [%v]", w0, w1, identifyInterval)
	}
	for k, lb := range []*liveBot{lb0, lb1} {
		sh := (*lb.b.shards.Load())[0]
		waitFor(t, srv, "guild of the shard", func() bool { return slices.Contains(sessionGuilds(sh), guilds[k]) })
		if other := guilds[1-k]; slices.Contains(sessionGuilds(sh), other) {
			t.Errorf("the bot running shard %d holds server %s of shard %d", k, other, 1-k)
		}
	}

	mention := askMention(t, srv, channels[1], "when did Russia ratify?")
	for _, lb := range []*liveBot{lb0, lb1} {
		if err := lb.stop(); err != nil {
			t.Fatal(err)
		}
	}
	if n := repliesTo(srv, mention); n != 1 {
		t.Errorf("%d answers to the mention, want 1", n)
	}
	ix0.mu.Lock()
	ix1.mu.Lock()
	defer ix0.mu.Unlock()
	defer ix1.mu.Unlock()
	if len(ix0.asked) != 0 || !slices.Equal(ix1.asked, []string{"when did Russia ratify?"}) {
		t.Errorf("shard 0's bot asked %q, shard 1's %q; want nothing and the question", ix0.asked, ix1.asked)
	}
}

// TestShardingRequired: a connection over Discord's limit of servers is
// closed with 4011, which ends Run with what to set.
func TestShardingRequired(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{GuildsPerShard: 2})
	shardGuilds(srv, 2) // three servers with the fake's own
	lb := startLive(t, srv, &fakeIndex{}, Options{ShardCount: 1}, nil)
	err := lb.returned(t)
	if err == nil || !strings.Contains(err.Error(), "4011") || !strings.Contains(err.Error(), "SHARD_COUNT") {
		t.Errorf("Run = %v, want the 4011 error naming SHARD_COUNT", err)
	}
}

// TestShardGateReconnect: in a process running several shards, a shard
// that must identify again (its session ended) waits for its bucket's
// turn; one that can resume does not wait.
func TestShardGateReconnect(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{NoEcho: true, Shards: 2, MaxConcurrency: 2})
	var waits sleepRecorder
	lb := startLive(t, srv, &fakeIndex{}, Options{}, func(b *Bot) {
		b.sleepHook = waits.sleep
		b.connectWait = func(int) time.Duration { return 10 * time.Millisecond }
	})
	if err := srv.WaitShards(liveCtx(t), 2); err != nil {
		t.Fatal(err)
	}
	waitFor(t, srv, "connected", lb.b.Connected)
	srv.CutConnections() // both resume
	waitFor(t, srv, "resumed", func() bool { return srv.Stats().Resumes >= 2 && lb.b.Connected() })
	if got := waits.got(); len(got) != 2 {
		t.Errorf("waits %v after resuming, want only the two start-up waits", got)
	}
	srv.CloseConnections(4009) // session timed out: both identify again
	waitFor(t, srv, "identified again", func() bool { return srv.Stats().Identifies >= 4 && lb.b.Connected() })
	got := waits.got()
	// Each bucket's IDENTIFY is booked 5 s after its last (start-up);
	// the waits are recorded, not slept, so each is close to 5 s.
	if len(got) != 4 || got[2] <= 0 || got[3] <= 0 || got[2] > identifyInterval || got[3] > identifyInterval {
		t.Errorf("waits %v, want the two start-up waits then one of up to %v per shard", got, identifyInterval)
	}
}

// TestStateChannel: a channel is found in the state of the shard whose
// server holds it, not only the first shard's.
func TestStateChannel(t *testing.T) {
	t.Parallel()
	b, _, _ := newTestBot(t, &fakeIndex{}, Options{})
	var shards []*shardConn
	for k := range 2 {
		s, err := discordgo.New("Bot t")
		if err != nil {
			t.Fatal(err)
		}
		g := &discordgo.Guild{ID: strconv.Itoa(k + 1), Channels: []*discordgo.Channel{{ID: strconv.Itoa(10 + k), GuildID: strconv.Itoa(k + 1)}}}
		if err := s.State.GuildAdd(g); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, &shardConn{id: k, count: 2, s: s})
	}
	b.shards.Store(&shards)
	for _, tc := range []struct {
		id   string
		want bool
	}{{"10", true}, {"11", true}, {"12", false}} {
		ch, ok := b.stateChannel(tc.id)
		if ok != tc.want || (ok && ch.ID != tc.id) {
			t.Errorf("stateChannel(%s) = %v, %v; want found %v", tc.id, ch, ok, tc.want)
		}
	}
}

// TestShardConnsApart: each shard's connections go through its own
// gatewayConns only, so closing one shard's (a timed-out Open) or reading
// its close code never touches another's.
func TestShardConnsApart(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	b, err := newFromToken("t", &fakeIndex{}, nil, Options{}, false)
	if err != nil {
		t.Fatal(err)
	}
	shards, err := b.newShards(shardPlan{ids: []int{0, 1, 2}, count: 3, maxConcurrency: 1}, make(chan error, 3))
	if err != nil {
		t.Fatal(err)
	}
	for k, sh := range shards {
		c, err := sh.s.Dialer.NetDialContext(t.Context(), "tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		for j, other := range shards {
			other.gw.mu.Lock()
			n := len(other.gw.conns)
			other.gw.mu.Unlock()
			want := 0 // each shard dialled so far tracks its own connection only
			if j <= k {
				want = 1
			}
			if n != want {
				t.Errorf("after shards 0 to %d dialled once each, shard %d tracks %d connections, want %d", k, j, n, want)
			}
		}
	}
	if shards[0].s != b.s || shards[1].s == b.s || shards[1].s.ShardID != 1 || shards[2].s.ShardCount != 3 {
		t.Error("shard 0 is not the bot's session, or the others lack their shard")
	}
}
