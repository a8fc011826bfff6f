package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"kutip/bot"
	"kutip/config"
	"kutip/corpus"
	"kutip/internal/health"
	"kutip/retrieval"
)

// This file has what serve runs beside the bot, each in a goroutine of its
// own: the health and metrics listener, the heartbeat file for `kutip
// health`, and hot reload of the corpus.

// The bot answers from a Live index, so that hot reload can swap it.
var _ bot.Index = (*retrieval.Live)(nil)

// opsOptions is what startOps needs from serve.
type opsOptions struct {
	// Live is the index the bot answers from.
	Live *retrieval.Live
	// Build configures the indexes that hot reload builds: the same as
	// the first one.
	Build retrieval.Options
	// Registry gets the index metrics and is served on /metrics; make it
	// with health.NewRegistry and give the bot the same one.
	Registry *prometheus.Registry
	// Connected reports whether the bot's gateway is up (Bot.Connected);
	// nil for an HTTP-only replica (GATEWAY=off), whose /healthz then
	// checks the index only.
	Connected func() bool
}

// startOps starts what serve runs beside the bot, each in a goroutine of
// its own:
//
//   - the health and metrics listener on HEALTH_ADDR, when it is set;
//   - the heartbeat file HEARTBEAT_FILE, when it is set;
//   - hot reload of CORPUS_DIR every RELOAD_INTERVAL, unless either is
//     unset or off.
//
// It binds the listener before it returns, so that a port in use fails
// serve at startup. They run until ctx is done or stop is called; stop
// ends them and returns once they have all returned. Call stop before
// closing the Live index, after the bot has stopped.
func startOps(ctx context.Context, logger *slog.Logger, cfg config.Config, o opsOptions) (stop func(), err error) {
	logStore(logger, "index", o.Live.Store())
	o.Live.OnRepair(func(rp retrieval.Repair) { logRepair(logger, rp) })
	metrics, err := health.NewIndexMetrics(o.Registry, func() (int, int) {
		return len(o.Live.Documents()), o.Live.SentenceCount()
	})
	if err != nil {
		return nil, fmt.Errorf("register index metrics: %w", err)
	}
	var checks health.Checks
	if o.Connected != nil {
		checks.Add("gateway", func() error {
			if !o.Connected() {
				return errors.New("not connected")
			}
			return nil
		})
	}
	checks.Add("index", func() error {
		if !o.Live.Loaded() {
			return errors.New("not loaded")
		}
		return o.Live.Broken()
	})

	var ln net.Listener
	if cfg.HealthAddr != "" {
		ln, err = net.Listen("tcp", cfg.HealthAddr)
		if err != nil {
			return nil, fmt.Errorf("HEALTH_ADDR: %w", err)
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	if ln != nil {
		logger.Info("health listener", "addr", ln.Addr().String(), "paths", "/healthz /metrics")
		wg.Go(func() {
			if err := health.Serve(ctx, ln, health.Handler(&checks, o.Registry)); err != nil {
				logger.Error("health listener stopped", "err", err)
			}
		})
	}
	if cfg.HeartbeatFile != "" {
		wg.Go(func() {
			checks.Heartbeat(ctx, cfg.HeartbeatFile, 0, func(err error) {
				logger.Error("heartbeat not written; `kutip health` will report unhealthy", "err", err)
			})
		})
	}
	if cfg.CorpusDir != "" && cfg.ReloadInterval > 0 {
		wg.Go(func() {
			o.Live.Watch(ctx, retrieval.WatchOptions{
				Path:     cfg.CorpusDir,
				Build:    o.Build,
				Interval: cfg.ReloadInterval,
				OnReload: func(rl retrieval.Reload) {
					logReload(logger, metrics, rl)
					if rl.Swapped {
						// The build's garbage and the old index go back
						// to the system now, not over the next minutes.
						debug.FreeOSMemory()
					}
				},
			})
		})
	}
	return func() {
		cancel()
		wg.Wait()
	}, nil
}

// logStore logs where an index lives and whether one on disk was damaged.
func logStore(logger *slog.Logger, msg string, s retrieval.StoreInfo) {
	if s.Repaired != nil {
		logger.Warn("index on disk was damaged; rebuilt it", "path", s.Path, "err", s.Repaired)
	}
	if s.Unwritable != nil {
		logger.Warn("INDEX_DIR cannot hold the index; answering from memory", "err", s.Unwritable)
	}
	if s.Unmerged != nil {
		logger.Warn("no temporary folder for the index; it is held unmerged in memory, which takes several times the memory (set INDEX_DIR)", "err", s.Unmerged)
	}
	if s.Path == "" {
		logger.Info(msg, "storage", "memory", "fingerprint", s.Fingerprint[:min(12, len(s.Fingerprint))])
		return
	}
	logger.Info(msg, "storage", "disk", "path", s.Path, "reused", s.Reused)
}

// logRepair logs the repair of an index a search found damaged (see
// retrieval.Live.OnRepair).
func logRepair(logger *slog.Logger, rp retrieval.Repair) {
	switch {
	case !rp.Done:
		logger.Warn("index damaged; no answers until it is rebuilt", "path", rp.Path, "err", rp.Damage)
	case rp.Err != nil:
		logger.Error("damaged index not rebuilt; no answers from it", "path", rp.Path, "err", rp.Err, "took", rp.Took)
	default:
		logStore(logger, "damaged index rebuilt", rp.Store)
	}
}

// logReload logs one hot reload and counts it.
func logReload(logger *slog.Logger, m *health.IndexMetrics, rl retrieval.Reload) {
	for _, w := range rl.Warnings {
		logger.Warn("corpus file skipped", "detail", w.String())
	}
	var tooLarge *retrieval.TooLargeError
	switch {
	case errors.As(rl.Err, &tooLarge):
		m.Reloaded(health.ReloadFailed, rl.Took)
		logger.Error("corpus reload refused; still answering from the previous index", "err", tooLargeAdvice(tooLarge))
	case errors.Is(rl.Err, corpus.ErrNoText):
		// A folder with no articles yet (or none left): not a fault to
		// page anyone for.
		m.Reloaded(health.ReloadFailed, rl.Took)
		logger.Warn("corpus has no articles; still answering from the previous index", "err", rl.Err)
	case rl.Err != nil:
		m.Reloaded(health.ReloadFailed, rl.Took)
		logger.Error("corpus reload failed; still answering from the previous index", "err", rl.Err, "took", rl.Took)
	case rl.Swapped:
		m.Reloaded(health.ReloadSwapped, rl.Took)
		logStore(logger, "corpus reloaded", rl.Store)
		logger.Info("index swapped", "documents", rl.Documents, "sentences", rl.Sentences, "took", rl.Took)
	default:
		m.Reloaded(health.ReloadUnchanged, rl.Took)
		logger.Debug("corpus files changed but not the corpus", "took", rl.Took)
	}
}
