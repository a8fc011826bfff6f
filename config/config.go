// Package config reads kutip's settings from the environment and an
// optional .env file, and validates them with messages that name the setting
// and the fix. It is the only package that knows the settings' names.
//
// A Source says where settings come from; its Lookup layers the
// environment over .env without writing either into the process
// environment. Each command parses only what it uses: PathsFromEnv for the
// commands that read a corpus (CORPUS_DIR, INDEX_DIR, MAX_CORPUS_BYTES), HealthFromEnv for `kutip health`, and
// FromEnv, everything, for serve; so a bot-only setting that is wrong
// stops serve and nothing else.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"

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

// Config is every setting kutip reads, as serve uses them. The zero value
// of an optional field means its default.
type Config struct {
	Paths
	Health
	Beyond

	Token     Token  // DISCORD_TOKEN: required by serve only
	GuildID   string // DISCORD_GUILD_ID: register commands on one guild instantly; empty = globally
	APIBase   string // DISCORD_API_BASE: REST base URL (a proxy or a test fake); empty = Discord's own
	LogLevel  slog.Level
	LogFormat string // LOG_FORMAT: "text" or "json"; default text
	// RATE_LIMIT_COUNT: questions a user may ask at once, and
	// RATE_LIMIT_WINDOW: the time over which they come back; 0 means the
	// bot's defaults (bot.DefaultRateCount, bot.DefaultRateWindow), which
	// live in bot beside the summaries' budget.
	RateCount  int
	RateWindow time.Duration
	// RELOAD_INTERVAL: how often serve looks for changed files in
	// CORPUS_DIR to rebuild the index; default 5s; 0 (or "off") = never.
	ReloadInterval time.Duration
}

// Paths are the settings of every command that reads a corpus.
type Paths struct {
	CorpusDir string // CORPUS_DIR: a file or folder of .txt/.md/.jsonl; empty = the embedded article
	IndexDir  string // INDEX_DIR: keep the index on disk here; empty = in memory
	// MAX_CORPUS_BYTES: the most corpus text kutip indexes; a larger
	// corpus is refused (at start, or a hot reload keeps the old index).
	// Default DefaultMaxCorpusBytes; 0 (set as 0 or "off") = no cap.
	MaxCorpusBytes int64
}

// DefaultMaxCorpusBytes is the corpus text cap when MAX_CORPUS_BYTES is
// unset. The index takes about 35 bytes of memory per byte of text (peak
// RSS of `kutip ask --corpus`: 110 MB at 1 MB of text, 424 MB at 10 MB),
// so 32 MiB of text is about 1.2 GB, and up to twice that while a hot
// reload builds the new index beside the old one.
const DefaultMaxCorpusBytes = 32 << 20

// Bounds of MAX_CORPUS_BYTES, when it is not off: below 1 MiB even a few
// articles would be refused; above 1 TiB it is no cap at all.
const (
	minCorpusCap = 1 << 20
	maxCorpusCap = 1 << 40
)

// byteUnits are the suffixes ParseBytes accepts, lower case: binary units
// (KiB, and K as Docker writes it) and decimal ones (KB).
var byteUnits = map[string]float64{
	"": 1, "b": 1,
	"k": 1 << 10, "kib": 1 << 10, "kb": 1e3,
	"m": 1 << 20, "mib": 1 << 20, "mb": 1e6,
	"g": 1 << 30, "gib": 1 << 30, "gb": 1e9,
	"t": 1 << 40, "tib": 1 << 40, "tb": 1e12,
}

// ParseBytes reads a size such as 33554432, 32MiB, 32 MiB, 1.5GiB or 64MB:
// a number, optionally with a fraction, then optionally a unit (B; KiB,
// MiB, GiB, TiB or K, M, G, T in 1024s; KB, MB, GB, TB in 1000s), in any
// case. The result is rounded down to whole bytes.
func ParseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	num, unit := s[:i], strings.ToLower(strings.TrimSpace(s[i:]))
	if num == "" {
		return 0, fmt.Errorf("%q does not start with a number", s)
	}
	mult, ok := byteUnits[unit]
	if !ok {
		return 0, fmt.Errorf("%q has an unknown unit %q (use B, KiB, MiB, GiB, KB, MB or GB)", s, s[i:])
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", num)
	}
	v *= mult
	if v >= 1<<62 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return int64(v), nil
}

// maxCorpusBytes reads MAX_CORPUS_BYTES.
func maxCorpusBytes(v string) (int64, error) {
	switch strings.ToLower(v) {
	case "":
		return DefaultMaxCorpusBytes, nil
	case "0", "off":
		return 0, nil
	}
	n, err := ParseBytes(v)
	if err != nil || n < minCorpusCap || n > maxCorpusCap {
		return 0, fmt.Errorf("MAX_CORPUS_BYTES=%q: use a size from 1MiB to 1TiB such as 64MiB, or off for no cap (default 32MiB)", v)
	}
	return n, nil
}

// Health are the settings of serve's health reporting, which `kutip
// health` reads back.
type Health struct {
	HealthAddr string // HEALTH_ADDR: host:port for /healthz and /metrics; empty = off
	// HEARTBEAT_FILE: serve rewrites this file with its health every few
	// seconds, for `kutip health` where no listener runs; empty = off.
	HeartbeatFile string
}

// DefaultReloadInterval is how often serve looks for changed files in
// CORPUS_DIR when RELOAD_INTERVAL is unset.
const DefaultReloadInterval = 5 * time.Second

// Lookup finds a setting, as os.LookupEnv does.
type Lookup func(key string) (string, bool)

// getter returns the trimmed value of a setting, "" when it is unset.
func getter(lookup Lookup) func(string) string {
	return func(k string) string {
		if lookup == nil {
			return ""
		}
		v, _ := lookup(k)
		return strings.TrimSpace(v)
	}
}

// Source is where kutip's settings come from: the process environment,
// over an optional .env file. Reading it never changes the environment,
// so that several runs in one process (the tests) each see their own.
type Source struct {
	// Env looks a variable up in the environment (os.LookupEnv); nil
	// means an empty environment.
	Env Lookup
	// DotEnv is the path of a .env file. A variable set in Env, even to
	// "", wins over the file, so Docker or the shell overrides .env. ""
	// means no file; a missing file is fine.
	DotEnv string
}

// Lookup reads the .env file and returns a Lookup over Env and the file,
// Env first. Its error names the file and the line, never the line's text.
func (s Source) Lookup() (Lookup, error) {
	var file map[string]string
	if s.DotEnv != "" {
		var err error
		if file, err = ReadDotEnv(s.DotEnv); err != nil {
			return nil, err
		}
	}
	env := s.Env
	return func(k string) (string, bool) {
		if env != nil {
			if v, ok := env(k); ok {
				return v, true
			}
		}
		v, ok := file[k]
		return v, ok
	}, nil
}

// ReadDotEnv reads the .env file at path with godotenv's parser, without
// touching the environment. A missing file reads as empty. A file that
// does not parse gives an error naming the file, the line and the variable,
// but not the line's text: a .env file holds the bot's token.
func ReadDotEnv(path string) (map[string]string, error) {
	src, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read settings: %w", err)
	}
	m, err := godotenv.UnmarshalBytes(src)
	if err != nil {
		// godotenv's message quotes the rest of the file; drop it.
		return nil, dotEnvError(path, src)
	}
	return m, nil
}

// dotEnvError describes the first line of src that godotenv cannot parse:
// the line after the longest run of first lines that parses on its own.
// (A quoted value may span lines, so the first prefix that fails may end
// inside a value that a later line closes.)
func dotEnvError(path string, src []byte) error {
	lines := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")
	ok := 0
	var prefix strings.Builder
	for i, l := range lines {
		prefix.WriteString(l)
		prefix.WriteByte('\n')
		if _, err := godotenv.Unmarshal(prefix.String()); err == nil {
			ok = i + 1
		}
	}
	if ok >= len(lines) { // cannot happen: the whole file failed
		return fmt.Errorf("%s: cannot be read as KEY=VALUE lines (fix the file or remove it)", path)
	}
	line := strings.TrimSpace(lines[ok])
	line = strings.TrimSpace(strings.TrimPrefix(line, "export "))
	key, value, found := strings.Cut(line, "=")
	key = strings.TrimSpace(key)
	where := fmt.Sprintf("%s line %d", path, ok+1)
	if found && validName(key) {
		where += " (" + key + ")"
	}
	var problem string
	value = strings.TrimSpace(value)
	switch {
	case !found:
		problem = "is not a KEY=VALUE line"
	case !validName(key):
		problem = "has a variable name with characters other than letters, digits, _ and ."
	case strings.HasPrefix(value, `"`) || strings.HasPrefix(value, "'"):
		problem = "has a quoted value with no closing quote"
	default:
		problem = "cannot be parsed"
	}
	return fmt.Errorf("%s %s; fix that line or remove the file (the line is not shown: it may hold a secret)", where, problem)
}

// validName reports whether s is a variable name godotenv accepts.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) && r != '_' && r != '.' {
			return false
		}
	}
	return true
}

// PathsFromEnv reads CORPUS_DIR, INDEX_DIR and MAX_CORPUS_BYTES. It checks
// neither path: the command checks the path it uses when it uses it, so
// that a CORPUS_DIR that `kutip ask --corpus X` does not use cannot stop
// it. MAX_CORPUS_BYTES applies to every corpus, so a bad one is an error.
func PathsFromEnv(lookup Lookup) (Paths, error) {
	get := getter(lookup)
	p := Paths{CorpusDir: get("CORPUS_DIR"), IndexDir: get("INDEX_DIR")}
	n, err := maxCorpusBytes(get("MAX_CORPUS_BYTES"))
	p.MaxCorpusBytes = n
	return p, err
}

// HealthFromEnv reads HEALTH_ADDR and HEARTBEAT_FILE and checks the
// address.
func HealthFromEnv(lookup Lookup) (Health, error) {
	get := getter(lookup)
	h := Health{HealthAddr: get("HEALTH_ADDR"), HeartbeatFile: get("HEARTBEAT_FILE")}
	if h.HealthAddr != "" {
		if _, port, err := splitHostPort(h.HealthAddr); err != nil || port == "" {
			return h, fmt.Errorf("HEALTH_ADDR=%q: use host:port such as 127.0.0.1:8081, or leave it empty to turn the listener off", h.HealthAddr)
		}
	}
	return h, nil
}

// FromEnv builds the whole Config, as serve needs it, from lookup and
// reports every invalid setting at once. It does not require
// DISCORD_TOKEN; RequireToken does.
func FromEnv(lookup Lookup) (Config, error) {
	get := getter(lookup)
	paths, pathsErr := PathsFromEnv(lookup)
	c := Config{
		Paths:          paths,
		Token:          Token(get("DISCORD_TOKEN")),
		GuildID:        get("DISCORD_GUILD_ID"),
		APIBase:        get("DISCORD_API_BASE"),
		LogFormat:      strings.ToLower(get("LOG_FORMAT")),
		ReloadInterval: DefaultReloadInterval,
	}
	var errs []error
	if pathsErr != nil {
		errs = append(errs, pathsErr)
	}
	h, err := HealthFromEnv(lookup)
	c.Health = h
	if err != nil {
		errs = append(errs, err)
	}
	beyond, beyondErrs := beyondFromEnv(get)
	c.Beyond = beyond
	errs = append(errs, beyondErrs...)
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
			errs = append(errs, fmt.Errorf("RATE_LIMIT_COUNT=%q: use a whole number of questions from 1 to 1000, or leave it unset for the default", v))
		} else {
			c.RateCount = n
		}
	}
	if v := get("RATE_LIMIT_WINDOW"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second || d > 24*time.Hour {
			errs = append(errs, fmt.Errorf("RATE_LIMIT_WINDOW=%q: use a duration from 1s to 24h such as 30s or 1m, or leave it unset for the default", v))
		} else {
			c.RateWindow = d
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
