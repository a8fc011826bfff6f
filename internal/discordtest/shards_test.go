package discordtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/gorilla/websocket"

	"kutip/internal/discordtest"
)

const shardIntents = 1 | 1<<9 | 1<<12 // GUILDS, GUILD_MESSAGES, DIRECT_MESSAGES

// identifyShard connects and identifies as shard [id, count] and returns
// the connection once it has read READY and the GUILD_CREATEs; it returns
// the IDs of the guilds those listed.
func identifyShard(t *testing.T, srv *discordtest.Server, id, count int) (*websocket.Conn, []string) {
	t.Helper()
	c := dial(t, srv, "?v=10&encoding=json")
	if f := mustRead(t, c); f.Op != 10 {
		t.Fatalf("first frame op %d, want 10 HELLO", f.Op)
	}
	d := identifyData(srv.Token, shardIntents, false)
	d["shard"] = []int{id, count}
	send(t, c, 2, d)
	ready := mustRead(t, c)
	if ready.T == nil || *ready.T != "READY" {
		t.Fatalf("after IDENTIFY got %+v, want READY", ready)
	}
	var r struct {
		Guilds []struct{ ID string } `json:"guilds"`
		Shard  []int                 `json:"shard"`
	}
	if err := json.Unmarshal(ready.D, &r); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Shard, []int{id, count}) {
		t.Errorf("READY's shard %v, want [%d %d]", r.Shard, id, count)
	}
	var listed, created []string
	for _, g := range r.Guilds {
		listed = append(listed, g.ID)
	}
	for range listed {
		f := mustRead(t, c)
		if f.T == nil || *f.T != "GUILD_CREATE" {
			t.Fatalf("got %+v, want a GUILD_CREATE for each guild in READY", f)
		}
		var g struct{ ID string }
		json.Unmarshal(f.D, &g)
		created = append(created, g.ID)
	}
	slices.Sort(listed)
	slices.Sort(created)
	if !slices.Equal(listed, created) {
		t.Errorf("READY lists %v, GUILD_CREATE came for %v", listed, created)
	}
	return c, listed
}

// nextMessage reads frames until a MESSAGE_CREATE and returns its ID.
func nextMessage(t *testing.T, c *websocket.Conn) string {
	t.Helper()
	for {
		f := mustRead(t, c)
		if f.T != nil && *f.T == "MESSAGE_CREATE" {
			var m struct{ ID string }
			json.Unmarshal(f.D, &m)
			return m.ID
		}
	}
}

// TestShardRouting: with two shards, each gets its guilds in READY and
// GUILD_CREATE, and their messages; DMs go to shard 0 only.
func TestShardRouting(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	var guilds, channels [2]string
	for k := range 2 {
		guilds[k], channels[k] = srv.JoinGuild(discordtest.Guild{Shard: k, Shards: 2})
	}
	c0, got0 := identifyShard(t, srv, 0, 2)
	c1, got1 := identifyShard(t, srv, 1, 2)
	for k, got := range [][]string{got0, got1} {
		var want []string
		for _, g := range srv.Guilds() {
			if discordtest.ShardOf(g, 2) == k {
				want = append(want, g)
			}
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("shard %d got guilds %v, want %v", k, got, want)
		}
		if !slices.Contains(got, guilds[k]) {
			t.Errorf("shard %d lacks its guild %s", k, guilds[k])
		}
	}
	ctx := t.Context()
	post := func(m discordtest.Message) string {
		id, err := srv.Message(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	// Shard 1's message, then a DM: if shard 0 had got the first, it would
	// read it before the DM.
	on1 := post(discordtest.Message{ChannelID: channels[1], Content: "on shard 1"})
	dm := post(discordtest.Message{DM: true, Content: "a DM"})
	on0 := post(discordtest.Message{ChannelID: channels[0], Content: "on shard 0"})
	last := post(discordtest.Message{ChannelID: channels[1], Content: "on shard 1 again"})
	if got := nextMessage(t, c0); got != dm {
		t.Errorf("shard 0's first message %s, want the DM %s (not shard 1's %s)", got, dm, on1)
	}
	if got := nextMessage(t, c0); got != on0 {
		t.Errorf("shard 0's second message %s, want its guild's %s", got, on0)
	}
	if got := nextMessage(t, c1); got != on1 {
		t.Errorf("shard 1's first message %s, want %s", got, on1)
	}
	if got := nextMessage(t, c1); got != last {
		t.Errorf("shard 1's second message %s, want %s (not the DM or shard 0's)", got, last)
	}
	if ids := srv.Identified(); !slices.Equal(ids, [][2]int{{0, 2}, {1, 2}}) {
		t.Errorf("Identified() = %v, want [[0 2] [1 2]]", ids)
	}
	if err := srv.WaitShards(ctx, 2); err != nil {
		t.Error(err)
	}
}

// TestShardCloseCodes: an invalid shard is closed with 4010, a connection
// holding more guilds than GuildsPerShard with 4011.
func TestShardCloseCodes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		guilds int // joined besides the fake's own, spread over 2 shards
		shard  []int
		code   int // 0: accepted
	}{
		{"shard past the count", 0, []int{2, 2}, 4010},
		{"count 0", 0, []int{0, 0}, 4010},
		{"negative shard", 0, []int{-1, 2}, 4010},
		{"unsharded over the limit", 2, nil, 4011},
		{"sharded under the limit", 2, []int{1, 2}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := discordtest.New(t, discordtest.Options{GuildsPerShard: 2})
			for k := range tc.guilds {
				srv.JoinGuild(discordtest.Guild{Shard: k % 2, Shards: 2})
			}
			c := dial(t, srv, "?v=10&encoding=json")
			mustRead(t, c) // HELLO
			d := identifyData(srv.Token, shardIntents, false)
			if tc.shard != nil {
				d["shard"] = tc.shard
			}
			send(t, c, 2, d)
			f, err := read(t, c)
			var ce *websocket.CloseError
			switch {
			case tc.code == 0 && (err != nil || f.T == nil || *f.T != "READY"):
				t.Errorf("got %+v, %v; want READY", f, err)
			case tc.code != 0 && (!errors.As(err, &ce) || ce.Code != tc.code):
				t.Errorf("got %+v, %v; want close %d", f, err, tc.code)
			}
		})
	}
}

// TestGatewayBotShards: GET /gateway/bot recommends a shard per 1,000
// guilds (or Options.Shards) and reports the session start limit, whose
// remaining counts IDENTIFYs.
func TestGatewayBotShards(t *testing.T) {
	t.Parallel()
	get := func(srv *discordtest.Server) map[string]any {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/api/v10/gateway/bot", nil)
		req.Header.Set("Authorization", "Bot "+srv.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	srv := discordtest.New(t, discordtest.Options{MaxConcurrency: 16, SessionStarts: 2000})
	if got := get(srv)["shards"]; got != 1.0 {
		t.Errorf("shards %v with one guild, want 1", got)
	}
	for range 1000 {
		srv.JoinGuild(discordtest.Guild{})
	}
	identifyShard(t, srv, 0, 2)
	out := get(srv)
	if got := out["shards"]; got != 2.0 {
		t.Errorf("shards %v with 1,001 guilds, want 2", got)
	}
	want := map[string]any{"total": 2000.0, "remaining": 1999.0, "reset_after": 86400000.0, "max_concurrency": 16.0}
	got, _ := out["session_start_limit"].(map[string]any)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("session_start_limit.%s = %v, want %v", k, got[k], v)
		}
	}
	if got := get(discordtest.New(t, discordtest.Options{Shards: 7}))["shards"]; got != 7.0 {
		t.Errorf("shards %v with Options.Shards 7, want 7", got)
	}
}

// TestJoinGuildOnShard: a guild joined for shard k of n gets an ID on that
// shard, unique and larger than every ID before it.
func TestJoinGuildOnShard(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	var last uint64
	seen := map[string]bool{}
	for _, n := range []int{2, 3, 16} {
		for k := range n {
			for range 3 {
				id, _ := srv.JoinGuild(discordtest.Guild{Shard: k, Shards: n})
				if got := discordtest.ShardOf(id, n); got != k {
					t.Errorf("guild %s for shard %d of %d is on shard %d", id, k, n, got)
				}
				v, err := strconv.ParseUint(id, 10, 64)
				if err != nil || v <= last || seen[id] {
					t.Errorf("guild ID %s not a new, larger snowflake (last %d)", id, last)
				}
				last, seen[id] = v, true
			}
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := srv.WaitShards(ctx, 1); err == nil {
		t.Error("WaitShards(1) with no client = nil, want the context's error")
	}
}
