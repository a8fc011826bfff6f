// Package health tells whether a running kutip is well and how busy it is:
// /healthz and /metrics on an optional HTTP listener, a heartbeat file for
// where there is no listener, and the client side of both for
// `kutip health`, which is what a container's HEALTHCHECK runs (the image
// has no shell and no curl).
//
// /healthz answers 200 when every check passes and 503 otherwise, with a
// JSON body that names each check and says why it fails:
//
//	{"ok":false,"checks":{"gateway":"not connected","index":"ok"},"time":"…"}
//
// /metrics is the Prometheus text format from a registry that the bot and
// the index metrics here register into.
//
// The package lives under internal/ because it is plumbing for running
// kutip, not part of what kutip does: corpus, retrieval and bot stay the
// top-level packages, and nothing outside this module may import it. It
// knows nothing of Discord or bleve: main hands it checks as functions, so
// the dependency direction stays main → health.
package health

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Check reports one condition: nil when it holds, otherwise an error that
// says what is wrong ("not connected"). It must be quick and safe to call
// from any goroutine.
type Check func() error

// Checks is a set of named checks. The zero value has none and is healthy.
// Add all checks before serving; Status may then be called concurrently.
type Checks struct {
	names  []string
	checks map[string]Check
}

// Add adds a check under name. A duplicate name is a programming error and
// panics.
func (c *Checks) Add(name string, check Check) {
	if c.checks == nil {
		c.checks = map[string]Check{}
	}
	if _, ok := c.checks[name]; ok {
		panic(fmt.Sprintf("health: check %q added twice", name))
	}
	c.names = append(c.names, name)
	c.checks[name] = check
}

// Status is the health of the process at one time, as /healthz and the
// heartbeat file give it.
type Status struct {
	OK bool `json:"ok"`
	// Checks maps each check's name to "ok" or to why it fails.
	Checks map[string]string `json:"checks"`
	Time   time.Time         `json:"time"`
}

// Failing returns the names of the failing checks, sorted.
func (s Status) Failing() []string {
	var out []string
	for name, v := range s.Checks {
		if v != "ok" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// Status runs every check.
func (c *Checks) Status() Status {
	st := Status{OK: true, Checks: map[string]string{}, Time: time.Now().UTC()}
	for _, name := range c.names {
		if err := c.checks[name](); err != nil {
			st.OK = false
			st.Checks[name] = err.Error()
		} else {
			st.Checks[name] = "ok"
		}
	}
	return st
}

// NewRegistry returns a Prometheus registry with the Go runtime and process
// metrics (memory, goroutines, CPU, open files) already in it.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return reg
}

// Handler serves /healthz from c and /metrics from g. Other paths are 404.
func Handler(c *Checks, g prometheus.Gatherer) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		st := c.Status()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if !st.OK {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		json.NewEncoder(w).Encode(st)
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(g, promhttp.HandlerOpts{}))
	return mux
}

// shutdownTimeout bounds how long Serve waits for requests in flight at
// shutdown.
const shutdownTimeout = 5 * time.Second

// Serve serves h on ln until ctx is done, then shuts down gracefully and
// returns nil. It returns early only when serving fails.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("health listener: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

// Heartbeat timing: serve rewrites the file every HeartbeatInterval, and a
// file older than HeartbeatMaxAge means serve is stuck or gone.
const (
	HeartbeatInterval = 10 * time.Second
	HeartbeatMaxAge   = 45 * time.Second
)

// Heartbeat writes c's status to path now and every interval (default
// HeartbeatInterval) until ctx is done, then removes the file so that a
// stopped process is not reported healthy. A failed write is retried at
// the next beat; onError, when set, hears of the first failure after a
// success (not of every beat of a lasting one).
func (c *Checks) Heartbeat(ctx context.Context, path string, interval time.Duration, onError func(error)) {
	if interval <= 0 {
		interval = HeartbeatInterval
	}
	defer os.Remove(path)
	t := time.NewTicker(interval)
	defer t.Stop()
	failing := false
	for {
		err := WriteHeartbeat(path, c.Status())
		if err != nil && !failing && onError != nil {
			onError(err)
		}
		failing = err != nil
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// WriteHeartbeat writes st to path in one step (a temporary file renamed
// over it), so that a reader never sees half a file.
func WriteHeartbeat(path string, st Status) error {
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("heartbeat: %w", err)
	}
	_, err = f.Write(append(data, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("heartbeat: %w", err)
	}
	return nil
}

// ErrUnhealthy is wrapped by the errors of ReadHeartbeat and Probe when
// kutip answered but is not healthy, as opposed to not answering at all.
var ErrUnhealthy = errors.New("unhealthy")

// ReadHeartbeat reads the status serve last wrote to path. It fails when
// the file is missing or garbled, when it is older than maxAge (default
// HeartbeatMaxAge), or, wrapping ErrUnhealthy, when a check failed.
func ReadHeartbeat(path string, maxAge time.Duration) (Status, error) {
	if maxAge <= 0 {
		maxAge = HeartbeatMaxAge
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Status{}, fmt.Errorf("no heartbeat (is kutip serve running with HEARTBEAT_FILE set?): %w", err)
	}
	var st Status
	if err := json.Unmarshal(data, &st); err != nil || st.Time.IsZero() {
		return Status{}, fmt.Errorf("heartbeat %s is garbled", path)
	}
	if age := time.Since(st.Time); age > maxAge {
		return st, fmt.Errorf("heartbeat %s is %s old (over %s): kutip serve is stuck or stopped", path, age.Round(time.Second), maxAge)
	}
	return st, statusErr(st)
}

// Probe asks the listener at addr (HEALTH_ADDR) for /healthz. An address
// that listens on every interface (":8081", "0.0.0.0:8081", "[::]:8081")
// is probed on loopback. It fails when nothing answers, or, wrapping
// ErrUnhealthy, when a check failed.
func Probe(ctx context.Context, addr string) (Status, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return Status{}, fmt.Errorf("HEALTH_ADDR=%q: %w", addr, err)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	url := "http://" + net.JoinHostPort(host, port) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return Status{}, err
	}
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return Status{}, fmt.Errorf("no answer from kutip: %w", err)
	}
	defer resp.Body.Close()
	var st Status
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err == nil {
		err = json.Unmarshal(body, &st)
	}
	if err != nil {
		return Status{}, fmt.Errorf("%s answered %s with no status: %v", url, resp.Status, err)
	}
	if resp.StatusCode != http.StatusOK {
		st.OK = false
	}
	return st, statusErr(st)
}

func statusErr(st Status) error {
	if st.OK {
		return nil
	}
	var why []string
	for _, name := range st.Failing() {
		why = append(why, name+": "+st.Checks[name])
	}
	if len(why) == 0 {
		return ErrUnhealthy
	}
	return fmt.Errorf("%w: %s", ErrUnhealthy, strings.Join(why, "; "))
}
