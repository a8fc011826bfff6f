package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"kutip/bot"
	"kutip/internal/health"
	"kutip/retrieval"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve", `serve

Runs the Discord bot: connects to Discord, registers the slash commands
(/ask, /summary, /source, /help and the "Ask kutip" message command) and
answers them, mentions and direct messages until interrupted (SIGINT or
SIGTERM), then finishes the replies in flight and exits.

Settings come from the environment or .env (see .env.example):
DISCORD_TOKEN (required), DISCORD_GUILD_ID, DISCORD_API_BASE, CORPUS_DIR,
INDEX_DIR, LOG_LEVEL, LOG_FORMAT, RATE_LIMIT_COUNT, RATE_LIMIT_WINDOW,
HEALTH_ADDR (/healthz and /metrics), HEARTBEAT_FILE (for kutip health),
RELOAD_INTERVAL (how often CORPUS_DIR is checked for changes; default 5s).`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("serve takes no arguments, got %q: settings come from the environment or .env (see .env.example)", fs.Arg(0))
	}
	if err := e.cfg.RequireToken(); err != nil {
		return usageError{err}
	}
	token := e.cfg.Token.Reveal()
	logger := serveLogger(e)
	forwardDiscordgoLogs(logger, token)

	ix, err := openIndex(ctx, e, "", 3)
	if err != nil {
		return err
	}
	// Hot reload swaps the index behind live; closed after the bot and
	// startOps have stopped.
	live := retrieval.NewLive(ix)
	defer live.Close()

	useDiscordAPI(e.cfg.APIBase)
	s, err := discordgo.New("Bot " + token)
	if err != nil {
		return fmt.Errorf("discord session: %w", err)
	}
	// discordgo's debug level would log the identify packet; informational
	// is as far as we go.
	s.LogLevel = discordgo.LogWarning
	if logger.Enabled(ctx, slog.LevelDebug) {
		s.LogLevel = discordgo.LogInformational
	}

	reg := health.NewRegistry()
	b, err := bot.New(s, live, logger, bot.Options{
		GuildID:    e.cfg.GuildID,
		RateCount:  e.cfg.RateCount,
		RateWindow: e.cfg.RateWindow,
		Registry:   reg,
		// startOps reloads a corpus folder when RELOAD_INTERVAL is on.
		CorpusGrows: e.cfg.CorpusDir != "" && e.cfg.ReloadInterval > 0,
	})
	if err != nil {
		return err
	}
	stopOps, err := startOps(ctx, e, logger, opsOptions{
		Live:      live,
		Build:     retrieval.Options{Dir: e.cfg.IndexDir, Top: 3},
		Registry:  reg,
		Connected: b.Connected,
	})
	if err != nil {
		return err
	}
	defer stopOps()
	api := "discord"
	if e.cfg.APIBase != "" {
		api = e.cfg.APIBase
	}
	logger.Info("starting", "documents", len(ix.Documents()), "sentences", ix.SentenceCount(), "api", api)
	if err := b.Run(ctx); err != nil {
		var rest *discordgo.RESTError
		var closed *websocket.CloseError
		switch {
		case errors.As(err, &rest) && rest.Response != nil && rest.Response.StatusCode == http.StatusUnauthorized:
			return usagef("Discord refused DISCORD_TOKEN (401 Unauthorized): copy a fresh one from https://discord.com/developers/applications (Bot → Reset Token)")
		case errors.As(err, &closed) && closed.Code == gatewayAuthFailed:
			// GET /gateway needs no token, so a bad one is first refused by
			// the gateway itself.
			return usagef("Discord's gateway refused DISCORD_TOKEN (close 4004, authentication failed): copy a fresh one from https://discord.com/developers/applications (Bot → Reset Token)")
		}
		return err
	}
	logger.Info("stopped")
	return nil
}

// serveLogger is the bot's logger: text or JSON (LOG_FORMAT) on standard
// error at LOG_LEVEL.
func serveLogger(e *env) *slog.Logger {
	opts := &slog.HandlerOptions{Level: e.cfg.LogLevel}
	if e.cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(e.stderr, opts))
}

// discordgo's endpoints are package variables; the functions derive from
// them when called. useDiscordAPI points them at base (DISCORD_API_BASE:
// a proxy or a test fake), or back at Discord for "". It writes them only
// when base changes, under a lock, before a session is created, so that
// several runs of serve in one process (the tests) neither race nor mix.
var (
	endpointsMu   sync.Mutex
	endpointsBase = "https://discord.com"
)

func useDiscordAPI(base string) {
	if base == "" {
		base = "https://discord.com"
	}
	base = strings.TrimRight(base, "/")
	endpointsMu.Lock()
	defer endpointsMu.Unlock()
	if base == endpointsBase {
		return
	}
	endpointsBase = base
	discordgo.EndpointDiscord = base + "/"
	api := discordgo.EndpointDiscord + "api/v" + discordgo.APIVersion + "/"
	discordgo.EndpointAPI = api
	discordgo.EndpointGuilds = api + "guilds/"
	discordgo.EndpointChannels = api + "channels/"
	discordgo.EndpointUsers = api + "users/"
	discordgo.EndpointGateway = api + "gateway"
	discordgo.EndpointGatewayBot = discordgo.EndpointGateway + "/bot"
	discordgo.EndpointWebhooks = api + "webhooks/"
	discordgo.EndpointStickers = api + "stickers/"
	discordgo.EndpointStageInstances = api + "stage-instances"
	discordgo.EndpointSKUs = api + "skus"
	discordgo.EndpointVoice = api + "/voice/"
	discordgo.EndpointVoiceRegions = discordgo.EndpointVoice + "regions"
	discordgo.EndpointNitroStickersPacks = api + "/sticker-packs"
	discordgo.EndpointGuildCreate = api + "guilds"
	discordgo.EndpointApplications = api + "applications"
	discordgo.EndpointOAuth2 = api + "oauth2/"
	discordgo.EndpointOAuth2Applications = discordgo.EndpointOAuth2 + "applications"
	discordgo.EndpointOauth2 = discordgo.EndpointOAuth2
	discordgo.EndpointOauth2Applications = discordgo.EndpointOAuth2Applications
}

// discordgo logs through one package-level hook. forwardDiscordgoLogs sets
// it once to forward to the logger of the latest serve, at Warn for its
// warnings and errors and at Debug for the rest, with secrets removed: the
// bot tokens given here and the interaction and webhook tokens in URLs.
var (
	dgOnce    sync.Once
	dgLogger  atomic.Pointer[slog.Logger]
	dgSecrets sync.Map // string → struct{}
	// An interaction or webhook URL: /interactions/<id>/<token>/callback,
	// /webhooks/<id>/<token>.
	urlToken = regexp.MustCompile(`(/(?:interactions|webhooks)/[0-9]+/)[^/?\s"]+`)
)

func forwardDiscordgoLogs(l *slog.Logger, secrets ...string) {
	for _, s := range secrets {
		if s != "" {
			dgSecrets.Store(s, struct{}{})
		}
	}
	dgLogger.Store(l.With("component", "discordgo"))
	dgOnce.Do(func() { discordgo.Logger = logDiscordgo })
}

// gatewayAuthFailed is the gateway close code for a refused token.
const gatewayAuthFailed = 4004

func logDiscordgo(level, _ int, format string, a ...any) {
	l := dgLogger.Load()
	if l == nil {
		return
	}
	lv := slog.LevelDebug
	switch {
	case strings.HasPrefix(format, "Expected READY/RESUMED"):
		// Discord replays missed events before RESUMED, as documented;
		// discordgo warns about each one, with the whole event.
	case strings.HasPrefix(format, "error sending heartbeat"):
		// A connection closed before its first heartbeat leaves a
		// heartbeat goroutine whose write fails; the bot's reconnection
		// expects it (bot/reconnect.go). A live connection that fails
		// also fails its reads, which discordgo reports.
		lv = slog.LevelWarn
	case level == discordgo.LogError:
		lv = slog.LevelError
	case level == discordgo.LogWarning:
		lv = slog.LevelWarn
	}
	if !l.Enabled(context.Background(), lv) {
		return
	}
	l.Log(context.Background(), lv, "discordgo", "detail", redact(fmt.Sprintf(format, a...)))
}

// redact removes every known secret from s.
func redact(s string) string {
	dgSecrets.Range(func(k, _ any) bool {
		s = strings.ReplaceAll(s, k.(string), "[redacted]")
		return true
	})
	return strings.TrimSpace(urlToken.ReplaceAllString(s, "${1}[redacted]"))
}
