package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kutip/config"
	"kutip/corpus"
	"kutip/internal/discordtest"
	"kutip/internal/health"
	"kutip/retrieval"
)

func TestHealthCommand(t *testing.T) {
	for _, k := range []string{"CORPUS_DIR", "INDEX_DIR", "HEALTH_ADDR", "HEARTBEAT_FILE"} {
		t.Setenv(k, "")
	}
	dir := t.TempDir()
	well := filepath.Join(dir, "well.json")
	unwell := filepath.Join(dir, "unwell.json")
	now := time.Now()
	if err := health.WriteHeartbeat(well, health.Status{OK: true, Checks: map[string]string{"gateway": "ok", "index": "ok"}, Time: now}); err != nil {
		t.Fatal(err)
	}
	if err := health.WriteHeartbeat(unwell, health.Status{Checks: map[string]string{"gateway": "not connected", "index": "ok"}, Time: now}); err != nil {
		t.Fatal(err)
	}

	var gateway atomic.Bool
	var checks health.Checks
	checks.Add("gateway", func() error {
		if !gateway.Load() {
			return errors.New("not connected")
		}
		return nil
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go health.Serve(ctx, ln, health.Handler(&checks, health.NewRegistry()))
	addr := ln.Addr().String()

	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		gateway bool
		wantErr string // "" = exit 0
		usage   bool
		stdout  string
	}{
		{name: "nothing to check", wantErr: "nothing to check"},
		{name: "healthy heartbeat", env: map[string]string{"HEARTBEAT_FILE": well}, stdout: `"ok":true`},
		{name: "unhealthy heartbeat", env: map[string]string{"HEARTBEAT_FILE": unwell}, wantErr: "gateway: not connected", stdout: `"ok":false`},
		{name: "no heartbeat", env: map[string]string{"HEARTBEAT_FILE": filepath.Join(dir, "none.json")}, wantErr: "no heartbeat"},
		{name: "healthy listener", env: map[string]string{"HEALTH_ADDR": addr}, gateway: true, stdout: `"gateway":"ok"`},
		{name: "unhealthy listener", env: map[string]string{"HEALTH_ADDR": addr}, wantErr: "gateway: not connected"},
		{name: "listener wins over heartbeat", env: map[string]string{"HEALTH_ADDR": addr, "HEARTBEAT_FILE": well}, wantErr: "not connected"},
		{name: "flag", args: []string{"--file", well}, stdout: `"ok":true`},
		{name: "nothing listening", args: []string{"--addr", "127.0.0.1:1"}, wantErr: "no answer"},
		{name: "stray argument", args: []string{"now"}, usage: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			gateway.Store(tc.gateway)
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), append([]string{"health"}, tc.args...), strings.NewReader(""), &stdout, &stderr)
			var ue usageError
			switch {
			case tc.usage:
				if !errors.As(err, &ue) {
					t.Errorf("error = %v, want a usage error", err)
				}
				return
			case errors.As(err, &ue):
				// Docker reads exit 2 as "reserved": health exits 0 or 1.
				t.Errorf("error = %v is a usage error (exit 2), want exit 1", err)
			case tc.wantErr == "" && err != nil:
				t.Errorf("error = %v, want healthy", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("error = %v, want one mentioning %q", err, tc.wantErr)
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout = %q, want it to contain %q", stdout.String(), tc.stdout)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer that goroutines may write while the test
// reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestStartOps runs what serve runs beside the bot: the listener, the
// heartbeat and hot reload, and checks each from the outside.
func TestStartOps(t *testing.T) {
	corpusDir := t.TempDir()
	writeFile := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(corpusDir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeFile("bridge.txt", "The bridge over the river was opened in March by the mayor.")
	docs, _, err := corpus.Load(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	build := retrieval.Options{Dir: t.TempDir()}
	ix, err := retrieval.Build(t.Context(), docs, build)
	if err != nil {
		t.Fatal(err)
	}
	live := retrieval.NewLive(ix)
	defer live.Close()

	heartbeat := filepath.Join(t.TempDir(), "heartbeat.json")
	e := &env{cfg: config.Config{
		CorpusDir:      corpusDir,
		HealthAddr:     "127.0.0.1:0",
		HeartbeatFile:  heartbeat,
		ReloadInterval: 20 * time.Millisecond,
	}, stdout: io.Discard, stderr: io.Discard}
	var logs syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var connected atomic.Bool
	reg := health.NewRegistry()
	stop, err := startOps(t.Context(), e, logger, opsOptions{
		Live: live, Build: build, Registry: reg, Connected: connected.Load,
	})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			stop()
		}
	}()

	// The listener's address, from the log.
	var addr string
	for _, line := range strings.Split(logs.String(), "\n") {
		var rec struct{ Msg, Addr string }
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "health listener" {
			addr = rec.Addr
		}
	}
	if addr == "" {
		t.Fatalf("no listener address in the log:\n%s", logs.String())
	}

	if _, err := health.Probe(t.Context(), addr); !errors.Is(err, health.ErrUnhealthy) {
		t.Errorf("Probe before the gateway connects: %v, want unhealthy", err)
	}
	connected.Store(true)
	if st, err := health.Probe(t.Context(), addr); err != nil || !st.OK {
		t.Errorf("Probe when connected: %+v, %v; want healthy", st, err)
	}
	if _, err := health.ReadHeartbeat(heartbeat, 0); err == nil || !strings.Contains(err.Error(), "gateway") {
		// The first beat was written before the gateway connected.
		t.Errorf("ReadHeartbeat: %v, want the first beat, unhealthy", err)
	}

	// Hot reload: a new file is answered from once it has settled.
	writeFile("ferry.txt", "The ferry to the island sails at noon every Sunday.")
	deadline := time.Now().Add(20 * time.Second)
	for {
		a, err := live.Ask(t.Context(), "when does the ferry to the island sail?")
		if err != nil {
			t.Fatal(err)
		}
		if a.Answered && strings.Contains(a.Passages[0].Text, "ferry") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the new file was not indexed within 20s; log:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`kutip_index_reloads_total{result="swapped"} 1`, "kutip_index_documents 2", "go_goroutines"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if !strings.Contains(logs.String(), `"msg":"index swapped"`) {
		t.Errorf("no reload in the log:\n%s", logs.String())
	}

	stop()
	stopped = true
	if _, err := os.Stat(heartbeat); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("heartbeat file after stop: %v, want it removed", err)
	}
	if _, err := health.Probe(t.Context(), addr); err == nil {
		t.Error("the listener still answers after stop")
	}
}

// freeAddr returns a loopback address with a port that was free a moment
// ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestServeOpsE2E runs `kutip serve` against the fake Discord with the
// listener, the heartbeat and hot reload on, as the container runs it.
func TestServeOpsE2E(t *testing.T) {
	corpusDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(corpusDir, "bridge.txt"), []byte("The bridge over the river was opened in March by the mayor.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	heartbeat := filepath.Join(t.TempDir(), "heartbeat.json")
	sv := startServe(t, discordtest.Options{}, map[string]string{
		"CORPUS_DIR":      corpusDir,
		"INDEX_DIR":       t.TempDir(),
		"HEALTH_ADDR":     addr,
		"HEARTBEAT_FILE":  heartbeat,
		"RELOAD_INTERVAL": "1s",
	})
	if err := sv.srv.WaitReady(waitCtx(t)); err != nil {
		t.Fatal(err)
	}
	waitHealthy := func() {
		t.Helper()
		ctx := waitCtx(t)
		for {
			st, err := health.Probe(ctx, addr)
			if err == nil && st.OK {
				return
			}
			if ctx.Err() != nil {
				t.Fatalf("/healthz never healthy: %+v, %v", st, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitHealthy()

	t.Run("kutip health", func(t *testing.T) {
		var stdout bytes.Buffer
		if err := run(t.Context(), []string{"health"}, strings.NewReader(""), &stdout, io.Discard); err != nil {
			t.Errorf("kutip health: %v; stdout %q", err, stdout.String())
		}
		if _, err := os.Stat(heartbeat); err != nil {
			t.Errorf("no heartbeat file: %v", err)
		}
	})

	t.Run("metrics", func(t *testing.T) {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range []string{"kutip_gateway_connected 1", "kutip_rate_limited_total 0", "kutip_index_sentences 1", "process_resident_memory_bytes"} {
			if !strings.Contains(string(body), want) {
				t.Errorf("/metrics lacks %q", want)
			}
		}
	})

	t.Run("hot reload", func(t *testing.T) {
		if err := os.WriteFile(filepath.Join(corpusDir, "ferry.txt"), []byte("The ferry to the island sails at noon every Sunday.\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(e2eWait)
		for {
			_, r := sv.interact(t, askInteraction("when does the ferry to the island sail?"))
			if strings.Contains(r.Text(), "The ferry to the island sails") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the new file was not answered from within %s; last reply %q", e2eWait, r.Text())
			}
			time.Sleep(200 * time.Millisecond)
		}
		if !strings.Contains(sv.logs.String(), "index swapped") {
			t.Errorf("no reload in the log")
		}
	})
}
