package config

import (
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DefaultFeedbackRetention is how long votes and unanswered questions are
// kept when FEEDBACK_RETENTION is unset.
const DefaultFeedbackRetention = 90 * 24 * time.Hour

// maxShards bounds SHARD_COUNT: Discord's largest bots run a few thousand
// shards; a larger number is a typo.
const maxShards = 1 << 14

// Beyond are the settings of what goes beyond one gateway connection and a
// read-only corpus: the feedback store, per-channel corpora, the HTTP
// interactions endpoint and gateway sharding.
type Beyond struct {
	// FEEDBACK_RETENTION: how long votes and questions stay in the
	// feedback store; default DefaultFeedbackRetention; 0 ("off") keeps
	// them until removed by hand.
	FeedbackRetention time.Duration
	// FEEDBACK_FILE: the feedback store's file; default feedback.db in
	// INDEX_DIR. HTTP replicas whose INDEX_DIR is read-only point it at a
	// writable volume they share: the store locks the file for each
	// transaction, so several processes on one host may write it.
	FeedbackFile string
	// CHANNELS_FILE: the file mapping channels or categories to
	// subfolders of CORPUS_DIR; empty = every channel sees the whole
	// corpus.
	ChannelsFile string
	// INTERACTIONS_ADDR: host:port where serve takes Discord's HTTP
	// interactions; empty = none (interactions come over the gateway).
	InteractionsAddr string
	// DISCORD_PUBLIC_KEY: the application's public key (64 hex digits,
	// the portal's General Information page) that signs each HTTP
	// interaction. Required with INTERACTIONS_ADDR.
	PublicKey ed25519.PublicKey
	// GATEWAY: whether serve connects to the gateway (mentions, DMs, and
	// interactions when no INTERACTIONS_ADDR is set); default true. An
	// HTTP-only replica sets GATEWAY=off and then needs no DISCORD_TOKEN.
	Gateway bool
	// SHARD_COUNT: the gateway shards of the whole bot; 0 (the default) =
	// the number Discord recommends (GET /gateway/bot).
	ShardCount int
	// SHARD_IDS: the shards this process runs, such as "0,2" or "0-3";
	// empty = all of them.
	ShardIDs []int
}

// FeedbackPath is where the feedback store lives: FEEDBACK_FILE, else
// feedback.db in INDEX_DIR, or "" when neither is set (then it is kept in
// memory and lost at exit).
func (c Config) FeedbackPath() string {
	if c.FeedbackFile != "" {
		return c.FeedbackFile
	}
	if c.IndexDir == "" {
		return ""
	}
	return filepath.Join(c.IndexDir, "feedback.db")
}

// FeedbackPathFromEnv reads FEEDBACK_FILE and INDEX_DIR only, for `kutip
// report`, so that a wrong bot-only setting cannot stop it; the result is
// Config.FeedbackPath's.
func FeedbackPathFromEnv(lookup Lookup) string {
	get := getter(lookup)
	return Config{Paths: Paths{IndexDir: get("INDEX_DIR")}, Beyond: Beyond{FeedbackFile: get("FEEDBACK_FILE")}}.FeedbackPath()
}

// NeedsToken reports whether serve needs DISCORD_TOKEN: it does unless it
// is an HTTP-only replica.
func (c Config) NeedsToken() bool { return c.Gateway || c.InteractionsAddr == "" }

// beyondFromEnv reads Beyond's settings, appending what is wrong to errs.
func beyondFromEnv(get func(string) string) (Beyond, []error) {
	b := Beyond{FeedbackRetention: DefaultFeedbackRetention, Gateway: true}
	var errs []error
	if v := strings.ToLower(get("FEEDBACK_RETENTION")); v != "" {
		d, err := ParsePeriod(v)
		switch {
		case v == "0" || v == "off":
			b.FeedbackRetention = 0
		case err != nil || d < time.Hour:
			errs = append(errs, fmt.Errorf("FEEDBACK_RETENTION=%q: use a duration such as 90d, 30d or 720h (at least 1h), or off to keep everything (default 90d)", v))
		default:
			b.FeedbackRetention = d
		}
	}
	b.FeedbackFile = get("FEEDBACK_FILE")
	b.ChannelsFile = get("CHANNELS_FILE")
	b.InteractionsAddr = get("INTERACTIONS_ADDR")
	if b.InteractionsAddr != "" {
		if _, port, err := splitHostPort(b.InteractionsAddr); err != nil || port == "" {
			errs = append(errs, fmt.Errorf("INTERACTIONS_ADDR=%q: use host:port such as 0.0.0.0:8080 (behind your HTTPS proxy), or leave it empty to take interactions over the gateway", b.InteractionsAddr))
		}
	}
	if v := get("DISCORD_PUBLIC_KEY"); v != "" {
		k, err := hex.DecodeString(v)
		if err != nil || len(k) != ed25519.PublicKeySize {
			errs = append(errs, fmt.Errorf("DISCORD_PUBLIC_KEY is not 64 hex digits: copy Public Key from your application's General Information page at https://discord.com/developers/applications"))
		} else {
			b.PublicKey = ed25519.PublicKey(k)
		}
	} else if b.InteractionsAddr != "" {
		errs = append(errs, fmt.Errorf("INTERACTIONS_ADDR is set but DISCORD_PUBLIC_KEY is not: copy Public Key from your application's General Information page, so that kutip can check Discord's signatures"))
	}
	switch v := strings.ToLower(get("GATEWAY")); v {
	case "", "on", "true", "1", "yes":
	case "off", "false", "0", "no":
		b.Gateway = false
		if b.InteractionsAddr == "" {
			errs = append(errs, fmt.Errorf("GATEWAY=off with no INTERACTIONS_ADDR would serve nothing: set INTERACTIONS_ADDR (and DISCORD_PUBLIC_KEY) for an HTTP-only replica, or remove GATEWAY"))
		}
	default:
		errs = append(errs, fmt.Errorf("GATEWAY=%q: use on or off (default on)", v))
	}
	if v := get("SHARD_COUNT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxShards {
			errs = append(errs, fmt.Errorf("SHARD_COUNT=%q: use a whole number from 1 to %d, or 0 (the default) for the number Discord recommends", v, maxShards))
		} else {
			b.ShardCount = n
		}
	}
	if v := get("SHARD_IDS"); v != "" {
		ids, err := ParseShardIDs(v)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("SHARD_IDS=%q: %v; use shard numbers such as 0,2 or a range such as 0-3, or leave it empty to run every shard", v, err))
		case b.ShardCount == 0:
			errs = append(errs, fmt.Errorf("SHARD_IDS=%q needs SHARD_COUNT: every process of a sharded bot must agree on the count", v))
		case ids[len(ids)-1] >= b.ShardCount:
			errs = append(errs, fmt.Errorf("SHARD_IDS=%q names shard %d, but SHARD_COUNT=%d numbers them 0 to %d", v, ids[len(ids)-1], b.ShardCount, b.ShardCount-1))
		default:
			b.ShardIDs = ids
		}
	}
	return b, errs
}

// maxPeriod is the longest period ParsePeriod accepts: 100 years, which
// also keeps a count of weeks from overflowing.
const maxPeriod = 100 * 365 * 24 * time.Hour

// ParsePeriod reads a period of time: a whole number of weeks or days
// ("2w", "90d") or a Go duration ("36h", "90m", "1h30m"), case and
// surrounding spaces aside. It must be more than zero and at most 100
// years. FEEDBACK_RETENTION and kutip report's --since read it.
func ParsePeriod(v string) (time.Duration, error) {
	v = strings.ToLower(strings.TrimSpace(v))
	d, err := time.ParseDuration(v)
	for _, u := range []struct {
		suffix, name string
		unit         time.Duration
	}{{"w", "weeks", 7 * 24 * time.Hour}, {"d", "days", 24 * time.Hour}} {
		if n, ok := strings.CutSuffix(v, u.suffix); ok {
			k, kerr := strconv.Atoi(n)
			if kerr != nil || k < 1 || time.Duration(k) > maxPeriod/u.unit {
				return 0, fmt.Errorf("bad number of %s %q: use a whole number such as 2w or 90d", u.name, n)
			}
			d, err = time.Duration(k)*u.unit, nil
		}
	}
	switch {
	case err != nil:
		return 0, fmt.Errorf("%q is no period: use weeks, days, hours or minutes such as 2w, 90d, 36h or 90m", v)
	case d <= 0 || d > maxPeriod:
		return 0, fmt.Errorf("%q is out of range: more than zero and at most 100 years", v)
	}
	return d, nil
}

// ParseShardIDs reads a list of shard numbers and ranges, such as "0,2"
// or "0-3,8", into sorted distinct numbers.
func ParseShardIDs(v string) ([]int, error) {
	seen := map[int]bool{}
	for part := range strings.SplitSeq(v, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := shardNumber(lo)
		if err != nil {
			return nil, err
		}
		b := a
		if isRange {
			if b, err = shardNumber(hi); err != nil {
				return nil, err
			}
			if b < a {
				return nil, fmt.Errorf("range %q runs backwards", part)
			}
		}
		for i := a; i <= b; i++ {
			seen[i] = true
		}
	}
	ids := make([]int, 0, len(seen))
	for i := range seen {
		ids = append(ids, i)
	}
	sort.Ints(ids)
	return ids, nil
}

func shardNumber(s string) (int, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n >= maxShards {
		return 0, fmt.Errorf("%q is not a shard number from 0 to %d", s, maxShards-1)
	}
	return n, nil
}
