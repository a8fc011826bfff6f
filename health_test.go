package main

import (
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
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"kutip/config"
	"kutip/corpus"
	"kutip/internal/discordtest"
	"kutip/internal/health"
	"kutip/internal/testutil"
	"kutip/retrieval"
)

func TestHealthCommand(t *testing.T) {
	t.Parallel()
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
		{name: "flag after a stray argument", args: []string{"now", "--file", well}, usage: true},
		{name: "flags ignore the settings", env: map[string]string{"HEALTH_ADDR": "nonsense"}, args: []string{"--file", well}, stdout: `"ok":true`},
		{name: "bad HEALTH_ADDR", env: map[string]string{"HEALTH_ADDR": "nonsense"}, wantErr: "HEALTH_ADDR"},
		{name: "bot-only settings are not read", env: map[string]string{"HEARTBEAT_FILE": well, "LOG_LEVEL": "loud", "RATE_LIMIT_COUNT": "many"}, stdout: `"ok":true`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Not parallel: the cases share the listener's gateway flag.
			gateway.Store(tc.gateway)
			stdout, _, err := runCLI(t, tc.env, "", append([]string{"health"}, tc.args...)...)
			switch {
			case tc.usage:
				if !isUsage(err) {
					t.Errorf("error = %v, want a usage error", err)
				}
				return
			case isUsage(err):
				// Docker reads exit 2 as "reserved": health exits 0 or 1.
				t.Errorf("error = %v is a usage error (exit 2), want exit 1", err)
			case tc.wantErr == "" && err != nil:
				t.Errorf("error = %v, want healthy", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("error = %v, want one mentioning %q", err, tc.wantErr)
			}
			if !strings.Contains(stdout, tc.stdout) {
				t.Errorf("stdout = %q, want it to contain %q", stdout, tc.stdout)
			}
		})
	}
}

// opsCorpus makes a corpus folder with one article about a bridge, and
// returns it with a func that adds a file to it.
func opsCorpus(t *testing.T) (dir string, write func(name, text string)) {
	dir = t.TempDir()
	// A file appears whole, as an editor's save does: written under a
	// hidden name, which the watcher skips, then renamed. A watcher that
	// polls every few milliseconds would otherwise see a large file half
	// written and reload twice.
	write = func(name, text string) {
		t.Helper()
		tmp := filepath.Join(dir, "."+name+".tmp")
		if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	write("bridge.txt", "The bridge over the river was opened in March by the mayor.")
	return dir, write
}

// opsLive indexes the corpus in dir, on disk, as serve does.
func opsLive(t *testing.T, dir string) (*retrieval.Live, retrieval.Options) {
	t.Helper()
	docs, _, err := corpus.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	build := retrieval.Options{Dir: t.TempDir()}
	ix, err := retrieval.Build(t.Context(), docs, build)
	if err != nil {
		t.Fatal(err)
	}
	live := retrieval.NewLive(ix)
	t.Cleanup(func() { live.Close() })
	return live, build
}

// TestStartOpsListener runs the health and metrics listener that serve
// runs beside the bot, and checks it from the outside.
func TestStartOpsListener(t *testing.T) {
	t.Parallel()
	dir, _ := opsCorpus(t)
	live, build := opsLive(t, dir)
	var logs lockedBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var connected atomic.Bool
	cfg := config.Config{Paths: config.Paths{CorpusDir: dir}, Health: config.Health{HealthAddr: "127.0.0.1:0"}}
	stop, err := startOps(t.Context(), logger, cfg, opsOptions{
		Live: live, Build: build, Registry: health.NewRegistry(), Connected: connected.Load,
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

	// The listener's address, from the log: startOps logs it before it
	// returns.
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
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"kutip_index_documents 1", "go_goroutines"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	stop()
	stopped = true
	if _, err := health.Probe(t.Context(), addr); err == nil {
		t.Error("the listener still answers after stop")
	}
}

// TestStartOpsHeartbeat runs the heartbeat file that serve writes beside
// the bot, on synctest's clock: it checks the beat after one interval
// without waiting for it. (bleve cannot index inside a synctest bubble:
// its analysis workers are shared by the process, so the index is built
// outside and hot reload is tested in TestStartOpsReload.)
func TestStartOpsHeartbeat(t *testing.T) {
	t.Parallel()
	dir, _ := opsCorpus(t)
	live, build := opsLive(t, dir)
	heartbeat := filepath.Join(t.TempDir(), "heartbeat.json")
	synctest.Test(t, func(t *testing.T) {
		var connected atomic.Bool
		cfg := config.Config{Paths: config.Paths{CorpusDir: dir}, Health: config.Health{HeartbeatFile: heartbeat}}
		stop, err := startOps(t.Context(), slog.New(slog.DiscardHandler), cfg, opsOptions{
			Live: live, Build: build, Registry: health.NewRegistry(), Connected: connected.Load,
		})
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait() // the first beat is written
		if _, err := health.ReadHeartbeat(heartbeat, 0); err == nil || !strings.Contains(err.Error(), "gateway") {
			t.Errorf("ReadHeartbeat before the gateway connects: %v, want unhealthy", err)
		}
		connected.Store(true)
		time.Sleep(health.HeartbeatInterval)
		synctest.Wait()
		if st, err := health.ReadHeartbeat(heartbeat, 0); err != nil || !st.OK {
			t.Errorf("ReadHeartbeat after a beat while connected: %+v, %v; want healthy", st, err)
		}
		stop()
		if _, err := os.Stat(heartbeat); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("heartbeat file after stop: %v, want it removed", err)
		}
	})
}

// TestStartOpsReload runs hot reload as serve runs it beside the bot: a
// new file is answered from once it has settled (one interval to see it,
// one more to see it unchanged). The test waits for the reload's log line,
// not for a time.
func TestStartOpsReload(t *testing.T) {
	t.Parallel()
	dir, write := opsCorpus(t)
	live, build := opsLive(t, dir)
	var logs lockedBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	reg := health.NewRegistry()
	cfg := config.Config{Paths: config.Paths{CorpusDir: dir}, ReloadInterval: 20 * time.Millisecond}
	stop, err := startOps(t.Context(), logger, cfg, opsOptions{
		Live: live, Build: build, Registry: reg, Connected: func() bool { return true },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	write("ferry.txt", "The ferry to the island sails at noon every Sunday.")
	if err := logs.waitFor(waitCtx(t), `"msg":"index swapped"`); err != nil {
		t.Fatalf("%v; log:\n%s", err, logs.String())
	}
	a, err := live.Ask(t.Context(), "when does the ferry to the island sail?")
	if err != nil {
		t.Fatal(err)
	}
	if !a.Answered || !strings.Contains(a.Passages[0].Text, "ferry") {
		t.Errorf("after the reload, the ferry question got %+v; log:\n%s", a, logs.String())
	}
	if got := metric(t, reg, "kutip_index_reloads_total", "result", "swapped"); got != 1 {
		t.Errorf("kutip_index_reloads_total{result=\"swapped\"} = %v, want 1", got)
	}
	if got := metric(t, reg, "kutip_index_documents"); got != 2 {
		t.Errorf("kutip_index_documents = %v, want 2", got)
	}
}

// metric returns the value of the counter or gauge name in reg, of the
// series with the given labels (name, value, ...).
func metric(t *testing.T, reg *prometheus.Registry, name string, labels ...string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	series:
		for _, m := range f.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				found := false
				for _, l := range m.GetLabel() {
					found = found || l.GetName() == labels[i] && l.GetValue() == labels[i+1]
				}
				if !found {
					continue series
				}
			}
			if c := m.GetCounter(); c != nil {
				return c.GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	t.Fatalf("no metric %s %v", name, labels)
	return 0
}

// TestServeOpsE2E runs `kutip serve` against the fake Discord with the
// listener, the heartbeat and hot reload on, as the container runs it.
func TestServeOpsE2E(t *testing.T) {
	t.Parallel()
	corpusDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(corpusDir, "bridge.txt"), []byte("The bridge over the river was opened in March by the mayor.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := testutil.FreeAddr(t)
	heartbeat := filepath.Join(t.TempDir(), "heartbeat.json")
	probe := map[string]string{"HEALTH_ADDR": addr, "HEARTBEAT_FILE": heartbeat}
	sv := startServe(t, discordtest.Options{}, map[string]string{
		"CORPUS_DIR":      corpusDir,
		"INDEX_DIR":       t.TempDir(),
		"HEALTH_ADDR":     addr,
		"HEARTBEAT_FILE":  heartbeat,
		"RELOAD_INTERVAL": "1s",
	})
	// serve logs "ready" once it is connected and has registered its
	// commands: healthy from then on.
	if err := sv.logs.waitFor(waitCtx(t), "msg=ready"); err != nil {
		t.Fatal(err)
	}
	if st, err := health.Probe(t.Context(), addr); err != nil || !st.OK {
		t.Fatalf("/healthz once ready: %+v, %v; want healthy", st, err)
	}

	t.Run("kutip health", func(t *testing.T) {
		stdout, _, err := runCLI(t, probe, "", "health")
		if err != nil {
			t.Errorf("kutip health: %v; stdout %q", err, stdout)
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
		if err := sv.logs.waitFor(waitCtx(t), "index swapped"); err != nil {
			t.Fatal(err)
		}
		_, r := sv.interact(t, askInteraction("when does the ferry to the island sail?"))
		if !strings.Contains(r.Text(), "The ferry to the island sails") {
			t.Errorf("after the reload, the ferry question got %q", r.Text())
		}
	})
}

// TestServeEmptyCorpusDir runs serve as the container does on a fresh
// clone: CORPUS_DIR is the articles folder, still empty. It answers from
// the built-in article, and from an article once one is dropped in.
func TestServeEmptyCorpusDir(t *testing.T) {
	t.Parallel()
	articles := t.TempDir()
	sv := startServe(t, discordtest.Options{}, map[string]string{
		"CORPUS_DIR":      articles,
		"RELOAD_INTERVAL": "1s",
	})
	if err := sv.logs.waitFor(waitCtx(t), "msg=ready"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sv.logs.String(), "has no articles yet") {
		t.Errorf("no warning about the empty CORPUS_DIR in the log")
	}
	_, r := sv.interact(t, askInteraction("when did Russia ratify?"))
	if !strings.Contains(r.Original.Text(), ratifyPassage) {
		t.Errorf("with no articles yet, the ratification question got %q, want the built-in article", r.Original.Text())
	}
	if err := os.WriteFile(filepath.Join(articles, "ferry.txt"), []byte("The ferry to the island sails at noon every Sunday.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := sv.logs.waitFor(waitCtx(t), "index swapped"); err != nil {
		t.Fatal(err)
	}
	_, r = sv.interact(t, askInteraction("when does the ferry to the island sail?"))
	if !strings.Contains(r.Text(), "The ferry to the island sails") {
		t.Errorf("after the article was added, the ferry question got %q", r.Text())
	}
	if strings.Contains(sv.logs.String(), "level=ERROR") {
		t.Errorf("serve logged an error:\n%s", sv.logs.String())
	}
}
