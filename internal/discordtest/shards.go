package discordtest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Gateway sharding, as Discord does it
// (https://discord.com/developers/docs/events/gateway#sharding):
//
//   - IDENTIFY may carry shard [id, count]. A session then gets the events
//     of the guilds with (guild_id >> 22) % count == id, and only those
//     guilds in READY and GUILD_CREATE; events without a guild (DMs, and
//     interactions in DMs) go to shard 0 only. A session without shard
//     gets everything, as shard [0, 1].
//   - An invalid shard is closed with 4010, and a shard (or an unsharded
//     bot) holding more than Options.GuildsPerShard guilds with 4011
//     Sharding required.
//   - GET /gateway/bot recommends a shard count (Options.Shards) and
//     reports session_start_limit (SessionStarts, SessionResetAfter,
//     MaxConcurrency); remaining counts down with every IDENTIFY accepted.
//
// The fake keeps one session per shard key to send new events to: the one
// that identified or resumed last with that [id, count]. Discord sends an
// event to every session whose shard it falls on, so sessions with
// different counts overlap; the fake sends it once, to the one with the
// lowest count (routeLocked).

// Defaults of the sharding options.
const (
	defaultGuildsPerShard     = 2500
	defaultSessionStarts      = 1000
	defaultSessionResetAfter  = 24 * time.Hour
	guildsPerRecommendedShard = 1000
)

func (o *Options) setShardDefaults() {
	if o.MaxConcurrency <= 0 {
		o.MaxConcurrency = 1
	}
	if o.SessionStarts <= 0 {
		o.SessionStarts = defaultSessionStarts
	}
	if o.SessionResetAfter <= 0 {
		o.SessionResetAfter = defaultSessionResetAfter
	}
	if o.GuildsPerShard <= 0 {
		o.GuildsPerShard = defaultGuildsPerShard
	}
}

// ShardOf returns the shard, of count, that Discord sends guild id's events
// to: (id >> 22) % count. It returns 0 for an ID that is not a snowflake,
// and for "" (no guild: a DM).
func ShardOf(guildID string, count int) int {
	if count <= 1 || guildID == "" {
		return 0
	}
	id, err := strconv.ParseUint(guildID, 10, 64)
	if err != nil {
		return 0
	}
	return int((id >> 22) % uint64(count))
}

// shardKey is a session's shard, [0, 1] for none.
func shardKey(shard *[2]int) [2]int {
	if shard == nil {
		return [2]int{0, 1}
	}
	return *shard
}

// onShard reports whether a session with shard gets guild's events.
func onShard(guild string, shard *[2]int) bool {
	k := shardKey(shard)
	return ShardOf(guild, k[1]) == k[0]
}

// activateLocked makes sess the session its shard's new events go to.
// s.mu must be held.
func (s *Server) activateLocked(sess *session) {
	s.active[shardKey(sess.shard)] = sess
}

// deactivateLocked stops sending new events to sess. s.mu must be held.
func (s *Server) deactivateLocked(sess *session) {
	k := shardKey(sess.shard)
	if s.active[k] == sess {
		delete(s.active, k)
	}
}

// routeLocked returns the session new events about guild ("" for none)
// go to, or nil. When sessions with different shard counts both cover the
// guild, the one with the lowest count wins; the fake sends each event
// once. s.mu must be held.
func (s *Server) routeLocked(guild string) *session {
	var best *session
	bestCount := 0
	for k, sess := range s.active {
		if ShardOf(guild, k[1]) != k[0] {
			continue
		}
		if best == nil || k[1] < bestCount {
			best, bestCount = sess, k[1]
		}
	}
	return best
}

// liveLocked reports whether at least n sessions that events go to have a
// connection. s.mu must be held.
func (s *Server) liveLocked(n int) bool {
	live := 0
	for _, sess := range s.active {
		if sess.conn != nil {
			live++
		}
	}
	return live >= n
}

// WaitShards waits until n sessions are connected and live (identified
// or resumed, not since told to reconnect or cut), such as the n shards of
// a sharded bot.
func (s *Server) WaitShards(ctx context.Context, n int) error {
	return s.WaitFor(ctx, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.liveLocked(n)
	})
}

// Identified returns the shard of every IDENTIFY the fake accepted, in
// order; [0, 1] stands for an IDENTIFY without shard.
func (s *Server) Identified() [][2]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.idents)
}

// shardTooLarge reports whether a connection identifying with shard would
// hold more guilds than Options.GuildsPerShard (Discord closes it with
// 4011 Sharding required).
func (s *Server) shardTooLarge(shard *[2]int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, id := range s.guildIDs {
		if onShard(id, shard) {
			n++
		}
	}
	return n > s.opts.GuildsPerShard
}

// recommendedShards is GET /gateway/bot's shards: Options.Shards, or one
// per 1,000 guilds.
func (s *Server) recommendedShards() int {
	if s.opts.Shards > 0 {
		return s.opts.Shards
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return max(1, (len(s.guildIDs)+guildsPerRecommendedShard-1)/guildsPerRecommendedShard)
}

// sessionStartLimit is GET /gateway/bot's session_start_limit.
func (s *Server) sessionStartLimit() map[string]any {
	st := s.Stats()
	return map[string]any{
		"total":           s.opts.SessionStarts,
		"remaining":       max(0, s.opts.SessionStarts-st.Identifies),
		"reset_after":     s.opts.SessionResetAfter.Milliseconds(),
		"max_concurrency": s.opts.MaxConcurrency,
	}
}

// newGuildID returns a new snowflake for a guild; when count > 1 it falls
// on shard of count. Its timestamp bits are moved forward to the next
// value on that shard, so it is still unique and larger than every ID
// before it.
func (s *Server) newGuildID(shard, count int) string {
	if count <= 1 {
		return s.newID()
	}
	if shard < 0 || shard >= count {
		panic(fmt.Sprintf("discordtest: JoinGuild: shard %d of %d", shard, count))
	}
	for {
		last := s.lastID.Load()
		id := max(uint64(time.Now().UnixMilli()-discordEpoch)<<22, last+1)
		ts := id >> 22
		if off := (uint64(shard) + uint64(count) - ts%uint64(count)) % uint64(count); off != 0 {
			id = (ts + off) << 22
		}
		if s.lastID.CompareAndSwap(last, id) {
			return strconv.FormatUint(id, 10)
		}
	}
}
