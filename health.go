package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"kutip/config"
	"kutip/internal/health"
)

// This file has the `kutip health` command that a container's HEALTHCHECK
// runs; serve_ops.go has the other end, the listener and heartbeat that
// serve runs.

func runHealth(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "health", `health [--addr HOST:PORT] [--file PATH] [--timeout D]

Checks a running kutip serve and exits 0 when it is healthy (connected to
Discord's gateway, its index loaded), 1 otherwise. It asks the listener's
/healthz when HEALTH_ADDR is set, and otherwise reads the heartbeat file
that serve rewrites every 10s (HEARTBEAT_FILE); a heartbeat older than 45s
counts as unhealthy. It prints the status as one JSON line.

This is the container's HEALTHCHECK: the image has no shell or curl.`)
	addr := fs.String("addr", "", "probe the listener at `HOST:PORT` (default HEALTH_ADDR)")
	file := fs.String("file", "", "read the heartbeat file at `PATH` (default HEARTBEAT_FILE)")
	timeout := fs.Duration("timeout", 3*time.Second, "give up after `D`")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("health takes no arguments, got %q", rest[0])
	}
	if *addr == "" && *file == "" {
		// Not usage errors: Docker reads any exit code but 0 and 1 as
		// "reserved".
		lookup, err := e.settings.Lookup()
		if err != nil {
			return fmt.Errorf("health: %w", err)
		}
		h, err := config.HealthFromEnv(lookup)
		if err != nil {
			return fmt.Errorf("health: %w", err)
		}
		*addr, *file = h.HealthAddr, h.HeartbeatFile
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	var st health.Status
	switch {
	case *addr != "":
		st, err = health.Probe(ctx, *addr)
	case *file != "":
		st, err = health.ReadHeartbeat(*file, 0)
	default:
		// Not a usage error: Docker reads any exit code but 0 and 1 as
		// "reserved".
		return errors.New("health: nothing to check: set HEALTH_ADDR (serve's listener) or HEARTBEAT_FILE (serve's heartbeat file)")
	}
	if !st.Time.IsZero() {
		line, _ := json.Marshal(st)
		fmt.Fprintf(e.stdout, "%s\n", line)
	}
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	return nil
}
