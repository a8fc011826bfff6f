package main

import (
	"context"
	"errors"
	"io"
	"log/slog"

	"kutip/bot"
	"kutip/config"
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
RELOAD_INTERVAL (how often CORPUS_DIR is checked for changes; default 5s),
MAX_CORPUS_BYTES (the most corpus text indexed, at start and on reload;
default 32MiB, off for no cap).`)
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
	if err := cfg.RequireToken(); err != nil {
		return usageError{err}
	}
	logger := serveLogger(e.stderr, cfg)

	ix, err := openIndex(ctx, e, cfg.Paths, "")
	if err != nil {
		return err
	}
	// Hot reload swaps the index behind live; closed after the bot and
	// startOps have stopped.
	live := retrieval.NewLive(ix)
	defer live.Close()

	reg := health.NewRegistry()
	b, err := bot.NewFromToken(cfg.Token.Reveal(), live, logger, bot.Options{
		GuildID:    cfg.GuildID,
		APIBase:    cfg.APIBase,
		RateCount:  cfg.RateCount,
		RateWindow: cfg.RateWindow,
		Registry:   reg,
		// startOps reloads a corpus folder when RELOAD_INTERVAL is on.
		CorpusGrows: cfg.CorpusDir != "" && cfg.ReloadInterval > 0,
	})
	if err != nil {
		return err
	}
	stopOps, err := startOps(ctx, logger, cfg, opsOptions{
		Live:      live,
		Build:     buildOptions(cfg.Paths),
		Registry:  reg,
		Connected: b.Connected,
	})
	if err != nil {
		return err
	}
	defer stopOps()
	api := "discord"
	if cfg.APIBase != "" {
		api = cfg.APIBase
	}
	logger.Info("starting", "documents", len(ix.Documents()), "sentences", ix.SentenceCount(), "api", api)
	if err := b.Run(ctx); err != nil {
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

// serveLogger is the bot's logger: text or JSON (LOG_FORMAT) on standard
// error at LOG_LEVEL.
func serveLogger(w io.Writer, cfg config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
