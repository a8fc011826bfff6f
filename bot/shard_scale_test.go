package bot

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"kutip/internal/discordtest"
)

// TestShardScale measures how many servers one kutip process holds over
// the gateway, against the fake Discord in the same process. It runs only
// with KUTIP_SHARDS set to guilds:shards pairs, such as
// KUTIP_SHARDS=1000:1,10000:4,50000:20 (docs/scaling.md has the figures),
// and KUTIP_SHARD_CHANNELS text channels per server (default 1):
//
//   - the Go heap the bot holds per server once every GUILD_CREATE has
//     been processed (after a GC, less the heap before the bot started;
//     the fake's own guilds are made before), and the process's RSS;
//   - the time from Run to every server in the shards' state, with the
//     start-up pacing waits skipped (they are Discord's rule, reported
//     apart: (shards-1)/max_concurrency x 5 s);
//   - a mention's latency (posted to answered, over the fake's HTTP and
//     WebSocket) while the bot holds them, with a constant-time index so
//     that the figure is the gateway's and the handler's, not bleve's.
//
// The fake's servers each have KUTIP_SHARD_CHANNELS channels, one role and
// one member (the bot); real ones have more roles, so real memory per
// server is higher.
func TestShardScale(t *testing.T) {
	spec := os.Getenv("KUTIP_SHARDS")
	if spec == "" {
		t.Skip("set KUTIP_SHARDS=guilds:shards[,...] (such as 1000:1,10000:4) to measure")
	}
	channels := shardChannels(t)
	t.Logf("%d channel(s) per server", channels)
	t.Logf("%8s %6s %12s %10s %12s %10s %10s %10s", "servers", "shards", "heap/server", "heap MiB", "RSS MiB", "all ready", "p50", "p99")
	for _, pair := range strings.Split(spec, ",") {
		g, s, ok := strings.Cut(strings.TrimSpace(pair), ":")
		guilds, err1 := strconv.Atoi(g)
		shards, err2 := strconv.Atoi(s)
		if !ok || err1 != nil || err2 != nil || guilds < 1 || shards < 1 {
			t.Fatalf("KUTIP_SHARDS: %q is not guilds:shards", pair)
		}
		t.Run(fmt.Sprintf("%d-servers-%d-shards", guilds, shards), func(t *testing.T) {
			r := measureShards(t, guilds, shards, channels)
			t.Logf("%8d %6d %10.0f B %10.1f %12.1f %10v %10v %10v", guilds, shards, r.heapPerGuild, r.heapMiB, r.rssMiB,
				r.ready.Round(time.Millisecond), r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond))
		})
	}
}

type shardScale struct {
	heapPerGuild, heapMiB, rssMiB float64
	ready, p50, p99               time.Duration
}

func measureShards(t *testing.T, guilds, shards, perGuild int) shardScale {
	srv := discordtest.New(t, discordtest.Options{
		NoEcho: true, Shards: shards, MaxConcurrency: 16, ReplayBuffer: 16,
		GuildsPerShard: max(2500, guilds), MaxRequests: 1000,
	})
	var channels []string
	for i := range guilds - 1 { // the fake's own server is one
		g, ch := srv.JoinGuild(discordtest.Guild{Shard: i % shards, Shards: shards})
		for range perGuild - 1 {
			srv.AddChannel(discordtest.Channel{GuildID: g})
		}
		if i < 200 {
			channels = append(channels, ch)
		}
	}
	heapBefore := heapInUse()

	b, err := newFromToken(srv.Token, &fakeIndex{}, slog.New(slog.DiscardHandler), Options{APIBase: srv.URL, ShardCount: shards, RateCount: 1 << 20}, false) // one asker, many questions
	if err != nil {
		t.Fatal(err)
	}
	b.sleepHook = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- b.Run(ctx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	wctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	held := func() int {
		p := b.shards.Load()
		if p == nil {
			return 0
		}
		n := 0
		for _, sh := range *p {
			n += len(sessionGuilds(sh))
		}
		return n
	}
	if err := srv.WaitFor(wctx, func() bool { return b.Connected() && held() == guilds }); err != nil {
		t.Fatalf("%d of %d servers in the state: %v", held(), guilds, err)
	}
	r := shardScale{ready: time.Since(start)}
	heap := heapInUse()
	r.heapMiB = float64(heap-heapBefore) / (1 << 20)
	r.heapPerGuild = float64(heap-heapBefore) / float64(guilds)
	r.rssMiB = rssMiB()

	var lat []time.Duration
	for i, ch := range channels[:min(len(channels), 100)] {
		t0 := time.Now()
		id, err := srv.Message(wctx, discordtest.Message{ChannelID: ch, Content: fmt.Sprintf("<@%s> question %d", srv.Bot.ID, i)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srv.WaitSent(wctx, func(m discordtest.Sent) bool { return m.ReplyTo == id }); err != nil {
			t.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		r.p50, r.p99 = lat[len(lat)/2], lat[len(lat)*99/100]
	}
	return r
}

// heapInUse is the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// rssMiB is the process's resident set (Linux), or 0.
func rssMiB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

// TestShardScaleProcess measures the resident memory of a real `kutip
// serve` process (built from this module, with the built-in article's
// index) holding the servers of KUTIP_SHARDS against the fake, which runs
// in the test process: RSS counts the bot alone. It runs with
// KUTIP_SHARDS_PROCESS=1 as well as KUTIP_SHARDS (and KUTIP_SHARD_CHANNELS
// channels per server, default 1). A server is in the
// process's state once a mention posted after its GUILD_CREATE on the same
// shard is answered (discordgo applies events to its state in order, before
// the handlers run), so each shard gets one mention; the time is from the
// process's start to the last answer, and includes building the index.
func TestShardScaleProcess(t *testing.T) {
	spec := os.Getenv("KUTIP_SHARDS")
	if spec == "" || os.Getenv("KUTIP_SHARDS_PROCESS") != "1" {
		t.Skip("set KUTIP_SHARDS=guilds:shards[,...] and KUTIP_SHARDS_PROCESS=1 to measure a kutip serve process")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "kutip")
	if out, err := exec.Command("go", "build", "-o", bin, "kutip").CombinedOutput(); err != nil {
		t.Fatalf("go build kutip: %v\n%s", err, out)
	}
	perGuild := shardChannels(t)
	t.Logf("%d channel(s) per server", perGuild)
	base := serveRSS(t, bin, 1, 1, 1)
	t.Logf("baseline (1 server, 1 shard): RSS %.1f MiB, peak %.1f MiB, ready in %v", base.rss, base.peak, base.ready.Round(time.Millisecond))
	t.Logf("%8s %6s %10s %10s %14s %12s", "servers", "shards", "RSS MiB", "peak MiB", "RSS/server", "all answered")
	for _, pair := range strings.Split(spec, ",") {
		g, s, _ := strings.Cut(strings.TrimSpace(pair), ":")
		guilds, err1 := strconv.Atoi(g)
		shards, err2 := strconv.Atoi(s)
		if err1 != nil || err2 != nil || guilds < 1 || shards < 1 {
			t.Fatalf("KUTIP_SHARDS: %q is not guilds:shards", pair)
		}
		r := serveRSS(t, bin, guilds, shards, perGuild)
		t.Logf("%8d %6d %10.1f %10.1f %12.0f B %12v", guilds, shards, r.rss, r.peak, (r.rss-base.rss)*(1<<20)/float64(guilds), r.ready.Round(time.Millisecond))
	}
}

type processRSS struct {
	rss, peak float64 // MiB: VmRSS and VmHWM
	ready     time.Duration
}

// serveRSS runs kutip serve against a fake with guilds servers over shards
// shards and returns its memory once it holds them all.
func serveRSS(t *testing.T, bin string, guilds, shards, perGuild int) processRSS {
	srv := discordtest.New(t, discordtest.Options{NoEcho: true, Shards: shards, MaxConcurrency: shards, ReplayBuffer: 16, GuildsPerShard: max(2500, guilds), MaxRequests: 1000})
	ask := make([]string, shards) // a channel on each shard
	ask[discordtest.ShardOf(srv.GuildID, shards)] = srv.ChannelID
	for i := range guilds - 1 {
		g, ch := srv.JoinGuild(discordtest.Guild{Shard: i % shards, Shards: shards})
		for range perGuild - 1 {
			srv.AddChannel(discordtest.Channel{GuildID: g})
		}
		ask[i%shards] = ch
	}
	cmd := exec.Command(bin, "serve")
	cmd.Dir = t.TempDir()
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir(),
		"DISCORD_TOKEN=" + srv.Token, "DISCORD_API_BASE=" + srv.URL, "SHARD_COUNT=" + strconv.Itoa(shards),
		"RELOAD_INTERVAL=off", "LOG_LEVEL=warn", "RATE_LIMIT_COUNT=1000"}
	var logs syncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	if err := srv.WaitShards(ctx, shards); err != nil {
		t.Fatalf("%v\n%s", err, logs.String())
	}
	for k, ch := range ask {
		if ch == "" {
			continue
		}
		id, err := srv.Message(ctx, discordtest.Message{ChannelID: ch, Content: fmt.Sprintf("<@%s> Kapan perjanjian itu ditandatangani? (%d)", srv.Bot.ID, k)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srv.WaitSent(ctx, func(m discordtest.Sent) bool { return m.ReplyTo == id }); err != nil {
			t.Fatalf("shard %d: no answer: %v\n%s", k, err, logs.String())
		}
	}
	r := processRSS{ready: time.Since(start)}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		for key, v := range map[string]*float64{"VmRSS:": &r.rss, "VmHWM:": &r.peak} {
			if rest, ok := strings.CutPrefix(line, key); ok {
				kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
				*v = float64(kb) / 1024
			}
		}
	}
	return r
}

// shardChannels is KUTIP_SHARD_CHANNELS, the channels of each fake
// server in the scale measurements: 1 when unset.
func shardChannels(t *testing.T) int {
	t.Helper()
	v := os.Getenv("KUTIP_SHARD_CHANNELS")
	if v == "" {
		return 1
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("KUTIP_SHARD_CHANNELS=%q: want a number of channels, 1 or more", v)
	}
	return n
}
