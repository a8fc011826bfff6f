package config

import (
	"crypto/ed25519"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestBeyondSettings(t *testing.T) {
	key := strings.Repeat("ab", ed25519.PublicKeySize)
	tests := []struct {
		name    string
		vars    map[string]string
		check   func(t *testing.T, c Config)
		wantErr string
	}{
		{name: "defaults", check: func(t *testing.T, c Config) {
			if c.FeedbackRetention != DefaultFeedbackRetention || !c.Gateway || c.ShardCount != 0 || c.ShardIDs != nil || c.InteractionsAddr != "" || c.PublicKey != nil {
				t.Errorf("defaults = %+v", c.Beyond)
			}
			if !c.NeedsToken() {
				t.Error("a gateway bot must need DISCORD_TOKEN")
			}
		}},
		{name: "retention in days", vars: map[string]string{"FEEDBACK_RETENTION": "30d"}, check: func(t *testing.T, c Config) {
			if c.FeedbackRetention != 30*24*time.Hour {
				t.Errorf("FeedbackRetention = %v", c.FeedbackRetention)
			}
		}},
		{name: "retention as a duration", vars: map[string]string{"FEEDBACK_RETENTION": "720h"}, check: func(t *testing.T, c Config) {
			if c.FeedbackRetention != 720*time.Hour {
				t.Errorf("FeedbackRetention = %v", c.FeedbackRetention)
			}
		}},
		{name: "retention off", vars: map[string]string{"FEEDBACK_RETENTION": "off"}, check: func(t *testing.T, c Config) {
			if c.FeedbackRetention != 0 {
				t.Errorf("FeedbackRetention = %v", c.FeedbackRetention)
			}
		}},
		{name: "retention too short", vars: map[string]string{"FEEDBACK_RETENTION": "5m"}, wantErr: "FEEDBACK_RETENTION"},
		{name: "retention gibberish", vars: map[string]string{"FEEDBACK_RETENTION": "forever"}, wantErr: "FEEDBACK_RETENTION"},
		{name: "http replica", vars: map[string]string{"INTERACTIONS_ADDR": "0.0.0.0:8080", "DISCORD_PUBLIC_KEY": key, "GATEWAY": "off"}, check: func(t *testing.T, c Config) {
			want, _ := hex.DecodeString(key)
			if c.Gateway || c.InteractionsAddr != "0.0.0.0:8080" || !c.PublicKey.Equal(ed25519.PublicKey(want)) {
				t.Errorf("got %+v", c.Beyond)
			}
			if c.NeedsToken() {
				t.Error("an HTTP-only replica needs no DISCORD_TOKEN")
			}
		}},
		{name: "address without key", vars: map[string]string{"INTERACTIONS_ADDR": ":8080"}, wantErr: "DISCORD_PUBLIC_KEY"},
		{name: "short key", vars: map[string]string{"INTERACTIONS_ADDR": ":8080", "DISCORD_PUBLIC_KEY": "abcd"}, wantErr: "DISCORD_PUBLIC_KEY"},
		{name: "bad address", vars: map[string]string{"INTERACTIONS_ADDR": "8080", "DISCORD_PUBLIC_KEY": key}, wantErr: "INTERACTIONS_ADDR"},
		{name: "gateway off alone", vars: map[string]string{"GATEWAY": "off"}, wantErr: "GATEWAY=off"},
		{name: "gateway maybe", vars: map[string]string{"GATEWAY": "maybe"}, wantErr: "GATEWAY"},
		{name: "shards", vars: map[string]string{"SHARD_COUNT": "4", "SHARD_IDS": "0-1, 3"}, check: func(t *testing.T, c Config) {
			if c.ShardCount != 4 || !slices.Equal(c.ShardIDs, []int{0, 1, 3}) {
				t.Errorf("shards = %d %v", c.ShardCount, c.ShardIDs)
			}
		}},
		{name: "ids without count", vars: map[string]string{"SHARD_IDS": "0"}, wantErr: "needs SHARD_COUNT"},
		{name: "id beyond count", vars: map[string]string{"SHARD_COUNT": "2", "SHARD_IDS": "2"}, wantErr: "numbers them 0 to 1"},
		{name: "negative count", vars: map[string]string{"SHARD_COUNT": "-1"}, wantErr: "SHARD_COUNT"},
		{name: "backwards range", vars: map[string]string{"SHARD_COUNT": "8", "SHARD_IDS": "3-1"}, wantErr: "backwards"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := FromEnv(env(tc.vars))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("FromEnv(%v) error = %v, want one containing %q", tc.vars, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("FromEnv(%v): %v", tc.vars, err)
			}
			tc.check(t, c)
		})
	}
}

func TestFeedbackPath(t *testing.T) {
	if p := (Config{}).FeedbackPath(); p != "" {
		t.Errorf("without INDEX_DIR FeedbackPath = %q, want in memory", p)
	}
	c := Config{Paths: Paths{IndexDir: "/data"}}
	if p := c.FeedbackPath(); p != "/data/feedback.db" {
		t.Errorf("FeedbackPath = %q", p)
	}
	if p := FeedbackPathFromEnv(env(map[string]string{"INDEX_DIR": "/data", "LOG_LEVEL": "loud"})); p != "/data/feedback.db" {
		t.Errorf("FeedbackPathFromEnv = %q, want INDEX_DIR's file whatever the other settings", p)
	}
	c.FeedbackFile = "/votes/feedback.db"
	if p := c.FeedbackPath(); p != "/votes/feedback.db" {
		t.Errorf("with FEEDBACK_FILE, FeedbackPath = %q", p)
	}
}

func FuzzParseShardIDs(f *testing.F) {
	for _, s := range []string{"0", "0,2", "0-3,8", " 1 - 2 ", "3-1", "", ",", "-", "99999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ids, err := ParseShardIDs(s)
		if err != nil {
			return
		}
		if len(ids) == 0 || !slices.IsSorted(ids) || ids[0] < 0 || ids[len(ids)-1] >= maxShards {
			t.Fatalf("ParseShardIDs(%q) = %v", s, ids)
		}
		if len(slices.Compact(slices.Clone(ids))) != len(ids) {
			t.Fatalf("ParseShardIDs(%q) = %v has duplicates", s, ids)
		}
	})
}

func TestParsePeriod(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration // 0: an error
	}{
		{"90d", 90 * 24 * time.Hour},
		{" 2W ", 14 * 24 * time.Hour},
		{"36h", 36 * time.Hour},
		{"90m", 90 * time.Minute},
		{"1h30m", 90 * time.Minute},
		{"7s", 7 * time.Second},
		{"36500d", 36500 * 24 * time.Hour},
		{"36501d", 0},
		{"999999999999w", 0},
		{"0d", 0},
		{"-3d", 0},
		{"1.5d", 0},
		{"d", 0},
		{"7", 0},
		{"0", 0},
		{"forever", 0},
		{"", 0},
	} {
		got, err := ParsePeriod(tc.in)
		if got != tc.want || (err == nil) != (tc.want != 0) {
			t.Errorf("ParsePeriod(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"90d", "2w", "36h", "90m", "1h30m", "0d", "-1h", "9223372036854775807m", "1.5d", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParsePeriod(s)
		if err != nil {
			if d != 0 {
				t.Errorf("ParsePeriod(%q) = %v with error %v", s, d, err)
			}
			return
		}
		if d <= 0 || d > maxPeriod {
			t.Errorf("ParsePeriod(%q) = %v, out of range", s, d)
		}
	})
}
