package health

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakeChecks returns checks of a gateway and an index whose state the test
// sets.
func fakeChecks() (*Checks, *atomic.Bool, *atomic.Bool) {
	var gateway, index atomic.Bool
	c := &Checks{}
	c.Add("gateway", func() error {
		if !gateway.Load() {
			return errors.New("not connected")
		}
		return nil
	})
	c.Add("index", func() error {
		if !index.Load() {
			return errors.New("not loaded")
		}
		return nil
	})
	return c, &gateway, &index
}

func TestStatus(t *testing.T) {
	tests := []struct {
		name             string
		gateway, index   bool
		wantOK           bool
		wantChecks       map[string]string
		wantFailingNames []string
	}{
		{"all well", true, true, true, map[string]string{"gateway": "ok", "index": "ok"}, nil},
		{"gateway down", false, true, false, map[string]string{"gateway": "not connected", "index": "ok"}, []string{"gateway"}},
		{"starting", false, false, false, map[string]string{"gateway": "not connected", "index": "not loaded"}, []string{"gateway", "index"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, gateway, index := fakeChecks()
			gateway.Store(tc.gateway)
			index.Store(tc.index)
			st := c.Status()
			if st.OK != tc.wantOK {
				t.Errorf("OK = %v, want %v", st.OK, tc.wantOK)
			}
			if !maps.Equal(st.Checks, tc.wantChecks) {
				t.Errorf("Checks = %v, want %v", st.Checks, tc.wantChecks)
			}
			if got := st.Failing(); !slices.Equal(got, tc.wantFailingNames) {
				t.Errorf("Failing() = %q, want %q", got, tc.wantFailingNames)
			}
		})
	}
	var none Checks
	if st := none.Status(); !st.OK {
		t.Errorf("no checks: Status() = %+v, want OK", st)
	}
}

func TestAddTwicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("adding a check twice did not panic")
		}
	}()
	c := &Checks{}
	c.Add("index", func() error { return nil })
	c.Add("index", func() error { return nil })
}

func TestHandler(t *testing.T) {
	c, gateway, index := fakeChecks()
	index.Store(true)
	reg := NewRegistry()
	im, err := NewIndexMetrics(reg, func() (int, int) { return 3, 120 })
	if err != nil {
		t.Fatal(err)
	}
	im.Reloaded(ReloadSwapped, 2*time.Second)
	im.Reloaded(ReloadFailed, time.Second)
	h := Handler(c, reg)

	get := func(method, path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
		return rec
	}

	rec := get("GET", "/healthz")
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("/healthz with the gateway down: %d, want 503", rec.Code)
	}
	var st Status
	if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil {
		t.Fatalf("/healthz body %q: %v", rec.Body, err)
	}
	if st.OK || st.Checks["gateway"] != "not connected" || st.Checks["index"] != "ok" {
		t.Errorf("/healthz body = %+v, want the gateway named as failing", st)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("/healthz Content-Type = %q", ct)
	}

	gateway.Store(true)
	if rec := get("GET", "/healthz"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"ok":true`) {
		t.Errorf("/healthz when well: %d %s, want 200 and ok", rec.Code, rec.Body)
	}

	rec = get("GET", "/metrics")
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: %d", rec.Code)
	}
	for _, want := range []string{
		"go_goroutines ",
		"kutip_index_documents 3",
		"kutip_index_sentences 120",
		`kutip_index_reloads_total{result="swapped"} 1`,
		`kutip_index_reloads_total{result="failed"} 1`,
		`kutip_index_reloads_total{result="unchanged"} 0`,
		"kutip_index_reload_duration_seconds_count 2",
	} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	if rec := get("GET", "/"); rec.Code != http.StatusNotFound {
		t.Errorf("GET /: %d, want 404", rec.Code)
	}
	if rec := get("POST", "/healthz"); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz: %d, want 405", rec.Code)
	}
}

func TestServeAndProbe(t *testing.T) {
	c, gateway, index := fakeChecks()
	index.Store(true)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, Handler(c, NewRegistry())) }()

	st, err := Probe(t.Context(), addr)
	if !errors.Is(err, ErrUnhealthy) || st.OK || !strings.Contains(err.Error(), "gateway: not connected") {
		t.Errorf("Probe with the gateway down: %+v, %v; want ErrUnhealthy naming the gateway", st, err)
	}
	gateway.Store(true)
	// An address that listens everywhere is probed on loopback.
	for _, a := range []string{addr, ":" + port, "0.0.0.0:" + port} {
		if st, err := Probe(t.Context(), a); err != nil || !st.OK {
			t.Errorf("Probe(%q) = %+v, %v; want healthy", a, st, err)
		}
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	if _, err := Probe(t.Context(), addr); err == nil || errors.Is(err, ErrUnhealthy) {
		t.Errorf("Probe with nothing listening: %v, want a connection error", err)
	}
}

func TestProbeNotKutip(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<html>hello</html>")
	}))
	defer srv.Close()
	if _, err := Probe(t.Context(), strings.TrimPrefix(srv.URL, "http://")); err == nil {
		t.Error("Probe of a server that is not kutip succeeded")
	}
}

func TestHeartbeatFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "heartbeat.json")
	well := Status{OK: true, Checks: map[string]string{"index": "ok"}, Time: time.Now()}
	tests := []struct {
		name    string
		write   func() error
		wantErr string // "" = healthy
		unwell  bool   // the error wraps ErrUnhealthy
	}{
		{"healthy", func() error { return WriteHeartbeat(path, well) }, "", false},
		{"unhealthy", func() error {
			return WriteHeartbeat(path, Status{Checks: map[string]string{"gateway": "not connected"}, Time: time.Now()})
		}, "gateway: not connected", true},
		{"stale", func() error {
			old := well
			old.Time = time.Now().Add(-time.Hour)
			return WriteHeartbeat(path, old)
		}, "stuck or stopped", false},
		{"garbled", func() error { return os.WriteFile(path, []byte(`{"ok":tr`), 0o644) }, "garbled", false},
		{"missing", func() error { return os.Remove(path) }, "no heartbeat", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.write(); err != nil {
				t.Fatal(err)
			}
			_, err := ReadHeartbeat(path, 0)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("ReadHeartbeat: %v, want healthy", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("ReadHeartbeat: %v, want an error mentioning %q", err, tc.wantErr)
			case errors.Is(err, ErrUnhealthy) != tc.unwell:
				t.Errorf("ReadHeartbeat: %v; errors.Is(ErrUnhealthy) = %v, want %v", err, !tc.unwell, tc.unwell)
			}
		})
	}
	// WriteHeartbeat leaves no temporary files behind.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("folder holds %d entries after the file was removed, want 0", len(entries))
	}
}

func TestHeartbeatLoop(t *testing.T) {
	c, gateway, index := fakeChecks()
	gateway.Store(true)
	index.Store(true)
	path := filepath.Join(t.TempDir(), "heartbeat.json")
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		c.Heartbeat(ctx, path, 10*time.Millisecond, func(err error) { t.Errorf("Heartbeat: %v", err) })
		close(done)
	}()

	deadline := time.Now().Add(10 * time.Second)
	for {
		st, err := ReadHeartbeat(path, 0)
		if err == nil && st.OK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no healthy heartbeat: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	gateway.Store(false)
	for {
		_, err := ReadHeartbeat(path, 0)
		if errors.Is(err, ErrUnhealthy) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("heartbeat did not turn unhealthy: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("heartbeat file left after stop: %v", err)
	}
}

func TestHeartbeatUnwritable(t *testing.T) {
	c := &Checks{}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	var errs []error
	c.Heartbeat(ctx, filepath.Join(t.TempDir(), "no", "such", "dir", "hb.json"), time.Millisecond, func(err error) {
		errs = append(errs, err)
	})
	if len(errs) != 1 {
		t.Errorf("Heartbeat into a missing folder reported %d errors, want the first only: %v", len(errs), errs)
	}
}
