// Package config loads kutip's settings once, from the environment and an
// optional .env file, and validates them with messages that name the setting
// and the fix. It is the only package that reads the environment.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"
)

// Token is a secret. It prints as a placeholder in logs, errors and fmt
// verbs; Reveal gives the value to the one caller that needs it.
type Token string

// Reveal returns the secret value.
func (t Token) Reveal() string { return string(t) }

// String hides the value.
func (t Token) String() string {
	if t == "" {
		return ""
	}
	return "[redacted]"
}

// GoString hides the value from %#v.
func (t Token) GoString() string { return t.String() }

// LogValue hides the value from slog.
func (t Token) LogValue() slog.Value { return slog.StringValue(t.String()) }

// MarshalText hides the value from encoding/json and the like, which slog's
// JSON handler uses for a Config logged whole.
func (t Token) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// Config is every setting kutip reads. The zero value of an optional field
// means its default.
type Config struct {
	Token      Token  // DISCORD_TOKEN: required by serve only
	GuildID    string // DISCORD_GUILD_ID: register commands on one guild instantly; empty = globally
	APIBase    string // DISCORD_API_BASE: REST base URL (a proxy or a test fake); empty = Discord's own
	CorpusDir  string // CORPUS_DIR: a file or folder of .txt/.md/.jsonl; empty = the embedded article
	IndexDir   string // INDEX_DIR: keep the index on disk here; empty = in memory
	LogLevel   slog.Level
	LogFormat  string        // LOG_FORMAT: "text" or "json"; default text
	RateCount  int           // RATE_LIMIT_COUNT: questions per user per RateWindow; default 5
	RateWindow time.Duration // RATE_LIMIT_WINDOW: default 30s
	HealthAddr string        // HEALTH_ADDR: host:port for /healthz and /metrics; empty = off
	// HEARTBEAT_FILE: serve rewrites this file with its health every few
	// seconds, for `kutip health` where no listener runs; empty = off.
	HeartbeatFile string
	// RELOAD_INTERVAL: how often serve looks for changed files in
	// CORPUS_DIR to rebuild the index; default 5s; 0 (or "off") = never.
	ReloadInterval time.Duration
}

// Defaults.
const (
	DefaultRateCount      = 5
	DefaultRateWindow     = 30 * time.Second
	DefaultReloadInterval = 5 * time.Second
)

// Load reads the .env file at path (a missing file is fine; variables
// already in the environment win over it) and then the environment.
func Load(path string) (Config, error) {
	if path != "" {
		if err := godotenv.Load(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return Config{}, fmt.Errorf("read %s: %w (fix the line or remove the file)", path, err)
		}
	}
	return FromEnv(os.LookupEnv)
}

// FromEnv builds a Config from lookup and reports every invalid setting at
// once. It does not require DISCORD_TOKEN; RequireToken does, for serve.
func FromEnv(lookup func(string) (string, bool)) (Config, error) {
	get := func(k string) string {
		v, _ := lookup(k)
		return strings.TrimSpace(v)
	}
	c := Config{
		Token:      Token(get("DISCORD_TOKEN")),
		GuildID:    get("DISCORD_GUILD_ID"),
		APIBase:    get("DISCORD_API_BASE"),
		CorpusDir:  get("CORPUS_DIR"),
		IndexDir:   get("INDEX_DIR"),
		LogFormat:  strings.ToLower(get("LOG_FORMAT")),
		RateCount:  DefaultRateCount,
		RateWindow: DefaultRateWindow,
		HealthAddr: get("HEALTH_ADDR"),

		HeartbeatFile:  get("HEARTBEAT_FILE"),
		ReloadInterval: DefaultReloadInterval,
	}
	var errs []error
	if c.GuildID != "" {
		if _, err := strconv.ParseUint(c.GuildID, 10, 64); err != nil {
			errs = append(errs, fmt.Errorf("DISCORD_GUILD_ID=%q is not a server ID: copy it with Developer Mode on (right-click the server, Copy Server ID), or leave it empty to register commands globally", c.GuildID))
		}
	}
	if c.APIBase != "" {
		u, err := url.Parse(c.APIBase)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("DISCORD_API_BASE=%q is not an http(s) URL such as http://127.0.0.1:8080; leave it empty to use Discord's own API", c.APIBase))
		}
		c.APIBase = strings.TrimRight(c.APIBase, "/")
	}
	if c.CorpusDir != "" {
		if _, err := os.Stat(c.CorpusDir); err != nil {
			errs = append(errs, fmt.Errorf("CORPUS_DIR=%q: %w; point it at a file or folder of .txt, .md or .jsonl files, or leave it empty for the built-in article", c.CorpusDir, errors.Unwrap(err)))
		}
	}
	switch v := strings.ToLower(get("LOG_LEVEL")); v {
	case "", "info":
		c.LogLevel = slog.LevelInfo
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "warn", "warning":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		errs = append(errs, fmt.Errorf("LOG_LEVEL=%q: use debug, info, warn or error", v))
	}
	switch c.LogFormat {
	case "":
		c.LogFormat = "text"
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("LOG_FORMAT=%q: use text or json", c.LogFormat))
	}
	if v := get("RATE_LIMIT_COUNT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			errs = append(errs, fmt.Errorf("RATE_LIMIT_COUNT=%q: use a whole number of questions from 1 to 1000 (default %d)", v, DefaultRateCount))
		} else {
			c.RateCount = n
		}
	}
	if v := get("RATE_LIMIT_WINDOW"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second || d > 24*time.Hour {
			errs = append(errs, fmt.Errorf("RATE_LIMIT_WINDOW=%q: use a duration from 1s to 24h such as 30s or 1m (default %s)", v, DefaultRateWindow))
		} else {
			c.RateWindow = d
		}
	}
	if c.HealthAddr != "" {
		if _, port, err := splitHostPort(c.HealthAddr); err != nil || port == "" {
			errs = append(errs, fmt.Errorf("HEALTH_ADDR=%q: use host:port such as 127.0.0.1:8081, or leave it empty to turn the listener off", c.HealthAddr))
		}
	}
	switch v := strings.ToLower(get("RELOAD_INTERVAL")); v {
	case "":
	case "0", "off":
		c.ReloadInterval = 0
	default:
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second || d > 24*time.Hour {
			errs = append(errs, fmt.Errorf("RELOAD_INTERVAL=%q: use a duration from 1s to 24h such as 5s, or off to never reload (default %s)", v, DefaultReloadInterval))
		} else {
			c.ReloadInterval = d
		}
	}
	return c, errors.Join(errs...)
}

// RequireToken reports a missing DISCORD_TOKEN with what to do about it.
func (c Config) RequireToken() error {
	if c.Token == "" {
		return errors.New("DISCORD_TOKEN is not set: create a bot at https://discord.com/developers/applications (Bot → Reset Token), put DISCORD_TOKEN=... in .env or the environment; `kutip ask` works without it")
	}
	if strings.ContainsAny(c.Token.Reveal(), " \t\n") {
		return errors.New("DISCORD_TOKEN contains white space: paste the token alone, without \"Bot \" in front")
	}
	return nil
}

func splitHostPort(s string) (string, string, error) {
	i := strings.LastIndex(s, ":")
	if i < 0 {
		return "", "", errors.New("missing port")
	}
	port := s[i+1:]
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return "", "", err
	}
	return s[:i], port, nil
}
