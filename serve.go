package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net"
	"runtime/debug"
	"slices"

	"kutip/bot"
	"kutip/config"
	"kutip/feedback"
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
DISCORD_TOKEN (required unless GATEWAY=off), DISCORD_GUILD_ID,
DISCORD_API_BASE, CORPUS_DIR, INDEX_DIR, LOG_LEVEL, LOG_FORMAT,
RATE_LIMIT_COUNT, RATE_LIMIT_WINDOW, HEALTH_ADDR (/healthz and /metrics),
HEARTBEAT_FILE (for kutip health), RELOAD_INTERVAL (how often CORPUS_DIR is
checked for changes; default 5s), MAX_CORPUS_BYTES (the most corpus text
indexed, at start and on reload; default 32MiB, off for no cap),
FEEDBACK_RETENTION (votes and questions kept in INDEX_DIR/feedback.db;
default 90d), CHANNELS_FILE (channels mapped to folders of CORPUS_DIR),
INTERACTIONS_ADDR and DISCORD_PUBLIC_KEY (Discord's HTTP interactions),
GATEWAY (off: an HTTP-only replica), SHARD_COUNT and SHARD_IDS (gateway
shards).`)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("serve takes no arguments, got %q: settings come from the environment or .env (see .env.example)", rest[0])
	}
	lookup, err := e.lookup()
	if err != nil {
		return err
	}
	cfg, err := config.FromEnv(lookup)
	if err != nil {
		return usageError{err}
	}
	if cfg.NeedsToken() {
		if err := cfg.RequireToken(); err != nil {
			return usageError{err}
		}
	}
	var channels config.Channels
	if cfg.ChannelsFile != "" {
		if channels, err = config.LoadChannels(cfg.ChannelsFile, cfg.CorpusDir); err != nil {
			return usageError{err}
		}
	}
	logger := serveLogger(e.stderr, cfg)

	ix, err := openIndex(ctx, e, cfg.Paths, "")
	if err != nil {
		return err
	}
	// The build's garbage goes back to the system before serving starts.
	debug.FreeOSMemory()
	// Hot reload swaps the index behind live; closed after the bot and
	// startOps have stopped.
	live := retrieval.NewLive(ix)
	defer live.Close()

	logChannels(logger, cfg.ChannelsFile, channels, live)

	store, warning := feedback.Open(cfg.FeedbackPath(), feedback.Options{
		Retention: cfg.FeedbackRetention,
		// A file found corrupt while writing is moved aside and a new one
		// started: say so.
		Warn: func(err error) { logger.Warn("feedback store", "path", cfg.FeedbackPath(), "warning", err) },
	})
	if warning != nil {
		logger.Warn("feedback store", "path", cfg.FeedbackPath(), "warning", warning)
	}
	defer store.Close()

	reg := health.NewRegistry()
	opts := bot.Options{
		GuildID:    cfg.GuildID,
		APIBase:    cfg.APIBase,
		RateCount:  cfg.RateCount,
		RateWindow: cfg.RateWindow,
		Registry:   reg,
		// startOps reloads a corpus folder when RELOAD_INTERVAL is on.
		CorpusGrows: cfg.CorpusDir != "" && cfg.ReloadInterval > 0,
		Feedback:    store,
		Channels:    channels,
		ShardCount:  cfg.ShardCount,
		ShardIDs:    cfg.ShardIDs,
	}
	var b *bot.Bot
	if cfg.Gateway {
		b, err = bot.NewFromToken(cfg.Token.Reveal(), live, logger, opts)
	} else {
		b, err = bot.NewHTTPOnly(live, logger, opts)
	}
	if err != nil {
		return err
	}
	var interactions net.Listener
	if cfg.InteractionsAddr != "" {
		if interactions, err = net.Listen("tcp", cfg.InteractionsAddr); err != nil {
			return usagef("INTERACTIONS_ADDR: %v; pick a free port", err)
		}
		defer interactions.Close()
	}
	var connected func() bool // nil: an HTTP-only replica has no gateway to check
	if cfg.Gateway {
		connected = b.Connected
	}
	stopOps, err := startOps(ctx, logger, cfg, opsOptions{
		Live:      live,
		Build:     buildOptions(cfg.Paths),
		Registry:  reg,
		Connected: connected,
	})
	if err != nil {
		return err
	}
	defer stopOps()
	api := "discord"
	if cfg.APIBase != "" {
		api = cfg.APIBase
	}
	logger.Info("starting", "documents", len(ix.Documents()), "sentences", ix.SentenceCount(), "api", api, "gateway", cfg.Gateway, "interactions", cfg.InteractionsAddr)
	if err := runBot(ctx, b, cfg, interactions); err != nil {
		if errors.Is(err, bot.ErrTokenRefused) {
			// err says how (a 401, or the gateway's close 4004) and never
			// holds the token.
			return usagef("Discord refused DISCORD_TOKEN: copy a fresh one from https://discord.com/developers/applications (Bot → Reset Token); %v", err)
		}
		return err
	}
	logger.Info("stopped")
	return nil
}

// logChannels logs what each line of CHANNELS_FILE gives its channels,
// and warns about a folder that holds no document yet (files may come
// later: hot reload picks them up).
func logChannels(logger *slog.Logger, file string, channels config.Channels, live *retrieval.Live) {
	for _, key := range slices.Sorted(maps.Keys(channels)) {
		folder := channels[key]
		n := len(live.DocumentsIn(retrieval.Scope{Folder: folder})) // "." is the whole corpus
		if n == 0 {
			logger.Warn("a channels file entry sees no document yet", "file", file, "channel", key, "folder", folder)
			continue
		}
		logger.Info("channel corpus", "channel", key, "folder", folder, "documents", n)
	}
}

// runBot runs the gateway connection and the HTTP interactions endpoint,
// whichever cfg turns on, until ctx ends or one of them fails, which stops
// the other.
func runBot(ctx context.Context, b *bot.Bot, cfg config.Config, interactions net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, 2)
	running := 0
	if interactions != nil {
		running++
		go func() { errs <- b.ServeInteractions(ctx, interactions, cfg.PublicKey) }()
	}
	if cfg.Gateway {
		running++
		go func() { errs <- b.Run(ctx) }()
	}
	var first error
	for range running {
		if err := <-errs; err != nil && first == nil {
			first = err
			cancel()
		}
	}
	return first
}

// serveLogger is the bot's logger: text or JSON (LOG_FORMAT) on standard
// error at LOG_LEVEL.
func serveLogger(w io.Writer, cfg config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
