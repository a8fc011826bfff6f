package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"kutip/config"
	"kutip/internal/discordtest"
)

// The root package's one test harness: settings as a map, the CLI run
// in-process, and `kutip serve` run against discordtest's fake Discord.
// run reads no global state (its settings come in a config.Source, never
// from the process environment or a .env in the working directory), so
// every root test but the load test runs in parallel.

// TestMain runs up to 8 root tests at a time unless -parallel says
// otherwise. go test's default is GOMAXPROCS, 2 on a small machine, but
// these tests mostly wait: on the fake Discord's round trips, its gateway
// heartbeats and rate-limit windows, on a child `go build`.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		flag.Set("test.parallel", "8")
	}
	os.Exit(m.Run())
}

// e2eWait bounds each wait, so that a missing answer fails with a message
// instead of hanging until the test binary's timeout.
const e2eWait = 15 * time.Second

// settings is a Source whose environment is m and which has no .env file.
func settings(m map[string]string) config.Source {
	return config.Source{Env: func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}}
}

// runCLI runs the kutip command line args with the given settings and
// standard input, and returns what it printed and returned.
func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	return runSource(t, settings(env), stdin, args...)
}

// runSource is runCLI with settings from src.
func runSource(t *testing.T, src config.Source, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(t.Context(), args, stdio{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut}, src)
	return out.String(), errOut.String(), err
}

// runMain runs args as main does, with settings from src: what the
// process prints on each stream and its exit code.
func runMain(t *testing.T, src config.Source, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(t.Context(), args, stdio{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut}, src)
	code = exitCode(err, &errOut)
	return out.String(), errOut.String(), code
}

// isUsage reports whether err is a usage error (exit 2).
func isUsage(err error) bool {
	var ue usageError
	return errors.As(err, &ue)
}

// lockedBuffer is a bytes.Buffer that goroutines may write while the test
// reads it, or waits for a line: serve's log.
type lockedBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{} // closed by the next Write, for waitFor
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.changed != nil {
		close(l.changed)
		l.changed = nil
	}
	return l.b.Write(p)
}

// waitFor waits until the buffer holds s, or ctx ends.
func (l *lockedBuffer) waitFor(ctx context.Context, s string) error {
	for {
		l.mu.Lock()
		if strings.Contains(l.b.String(), s) {
			l.mu.Unlock()
			return nil
		}
		if l.changed == nil {
			l.changed = make(chan struct{})
		}
		changed := l.changed
		l.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("waiting for %q in the log: %w", s, ctx.Err())
		}
	}
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serving is a running `kutip serve` and the fake it talks to.
type serving struct {
	srv    *discordtest.Server
	logs   *lockedBuffer // serve's standard output and error
	cancel context.CancelFunc
	done   chan struct{} // closed when run has returned err
	err    error
}

// startServe starts a fake Discord with opts and `kutip serve` against it;
// see serveOn.
func startServe(t *testing.T, opts discordtest.Options, env map[string]string) *serving {
	t.Helper()
	return serveOn(t, discordtest.New(t, opts), env)
}

// serveOn runs `kutip serve` against srv with the settings in env over
// defaults for a quiet, fast test: srv's token, API and guild, info logs
// as text, a rate limit no test reaches. Cleanup stops serve (as SIGTERM
// would) before the fake closes, and prints serve's log when the test
// failed.
func serveOn(t *testing.T, srv *discordtest.Server, env map[string]string) *serving {
	t.Helper()
	all := map[string]string{
		"DISCORD_TOKEN":     srv.Token,
		"DISCORD_API_BASE":  srv.URL,
		"DISCORD_GUILD_ID":  srv.GuildID,
		"RATE_LIMIT_COUNT":  "1000",
		"RATE_LIMIT_WINDOW": "1m",
		"LOG_LEVEL":         "info",
		"LOG_FORMAT":        "text",
	}
	for k, v := range env {
		all[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	sv := &serving{srv: srv, logs: &lockedBuffer{}, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(sv.done)
		sv.err = run(ctx, []string{"serve"}, stdio{stdin: strings.NewReader(""), stdout: sv.logs, stderr: sv.logs}, settings(all))
	}()
	t.Cleanup(func() {
		sv.cancel()
		select {
		case <-sv.done:
		case <-time.After(e2eWait):
			t.Error("serve did not return after its context ended")
		}
		if t.Failed() {
			t.Logf("serve's log:\n%s", sv.logs.String())
		}
	})
	return sv
}

// stop ends serve as SIGTERM would and returns what run returned.
func (sv *serving) stop() error {
	sv.cancel()
	return sv.wait()
}

// wait waits for serve to return on its own and returns what run
// returned, or an error after e2eWait.
func (sv *serving) wait() error {
	select {
	case <-sv.done:
		return sv.err
	case <-time.After(e2eWait):
		return errors.New("serve did not return within " + e2eWait.String())
	}
}

// waitCtx is the test's context, ending after e2eWait.
func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), e2eWait)
	t.Cleanup(cancel)
	return ctx
}

// interact invokes a command and waits for its visible answer.
func (sv *serving) interact(t *testing.T, in discordtest.Interaction) (string, discordtest.Reply) {
	t.Helper()
	ctx := waitCtx(t)
	id, err := sv.srv.Interact(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	r, err := sv.srv.WaitReply(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return id, r
}

func askInteraction(q string) discordtest.Interaction {
	return discordtest.Interaction{Name: "ask", Options: []discordtest.Option{{Name: "question", Value: q}}}
}
