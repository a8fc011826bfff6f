package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bwmarrin/discordgo"
)

// discordgo logs through one package-level hook, discordgo.Logger, with a
// level per session. forwardLogs sets the hook once per process, to forward
// to the logger of the latest bot made with NewFromToken, and sets the
// session's level: warnings and errors, and its informational lines too
// when the logger is enabled for Debug. discordgo's own debug level is
// never used: it would log the IDENTIFY payload.
//
// Secrets are removed from every line: the bot tokens given here, and the
// tokens of interactions and webhooks (in URLs and in JSON). Gateway events
// are never printed, only their opcode, type and sequence number, so
// neither a question's text nor an interaction token can reach the log in
// any encoding discordgo prints an event in (its %#v prints raw data as
// hex bytes).
var (
	dgOnce    sync.Once
	dgLogger  atomic.Pointer[slog.Logger]
	dgSecrets sync.Map // string → struct{}
)

func forwardLogs(s *discordgo.Session, l *slog.Logger, token string) {
	s.LogLevel = discordgo.LogWarning
	if l.Enabled(context.Background(), slog.LevelDebug) {
		s.LogLevel = discordgo.LogInformational
	}
	if token != "" {
		dgSecrets.Store(token, struct{}{})
	}
	dgLogger.Store(l.With("component", "discordgo"))
	dgOnce.Do(func() { discordgo.Logger = logDiscordgo })
}

func logDiscordgo(level, _ int, format string, a ...any) {
	l := dgLogger.Load()
	if l == nil {
		return
	}
	lv := slog.LevelDebug
	switch {
	case strings.HasPrefix(format, "Expected READY/RESUMED"):
		// Discord replays missed events before RESUMED, as documented;
		// discordgo warns about each one.
	case strings.HasPrefix(format, "error sending heartbeat"):
		// A connection closed before its first heartbeat leaves a
		// heartbeat goroutine whose write fails; the bot's reconnection
		// expects it (reconnect.go). A live connection that fails also
		// fails its reads, which discordgo reports.
		lv = slog.LevelWarn
	case level == discordgo.LogError:
		lv = slog.LevelError
	case level == discordgo.LogWarning:
		lv = slog.LevelWarn
	}
	if !l.Enabled(context.Background(), lv) {
		return
	}
	l.Log(context.Background(), lv, "discordgo", "detail", redact(fmt.Sprintf(format, withoutPayloads(a)...)))
}

// withoutPayloads replaces the gateway events, raw bytes and JSON text
// among a discordgo log line's arguments by a description that holds no
// data.
func withoutPayloads(a []any) []any {
	out, copied := a, false
	for i, v := range a {
		var r any
		switch v := v.(type) {
		case *discordgo.Event:
			if v == nil {
				continue
			}
			r = eventSummary{v.Operation, v.Type, v.Sequence, len(v.RawData)}
		case json.RawMessage:
			r = payloadSize(len(v))
		case []byte:
			r = payloadSize(len(v))
		case string:
			// discordgo prints an unknown event's data as a string.
			if t := strings.TrimSpace(v); !strings.HasPrefix(t, "{") && !strings.HasPrefix(t, "[") {
				continue
			}
			r = payloadSize(len(v))
		default:
			continue
		}
		if !copied {
			out, copied = append([]any(nil), a...), true
		}
		out[i] = r
	}
	return out
}

type eventSummary struct {
	op    int
	typ   string
	seq   int64
	bytes int
}

func (e eventSummary) String() string {
	return fmt.Sprintf("op %d %s seq %d (%d bytes of data, not logged)", e.op, e.typ, e.seq, e.bytes)
}

// GoString serves %#v, which discordgo uses for events.
func (e eventSummary) GoString() string { return e.String() }

type payloadSize int

func (p payloadSize) String() string   { return fmt.Sprintf("(%d bytes, not logged)", int(p)) }
func (p payloadSize) GoString() string { return p.String() }

// tokenPattern matches a token where Discord puts one: in an interaction
// or webhook URL (/interactions/<id>/<token>/callback,
// /webhooks/<id>/<token>) and in a JSON "token" field. Group 1 is what
// comes before the token.
var tokenPattern = regexp.MustCompile(`(/(?:interactions|webhooks)/[0-9]+/|"token"\s*:\s*")[^/?\s"]+`)

// redactTokens hides the tokens tokenPattern finds.
func redactTokens(s string) string {
	return tokenPattern.ReplaceAllString(s, "${1}[redacted]")
}

// redact removes every known bot token and every interaction and webhook
// token from s.
func redact(s string) string {
	dgSecrets.Range(func(k, _ any) bool {
		s = strings.ReplaceAll(s, k.(string), "[redacted]")
		return true
	})
	return strings.TrimSpace(redactTokens(s))
}
