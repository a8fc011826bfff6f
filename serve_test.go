package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func TestServeWithoutToken(t *testing.T) {
	t.Parallel()
	_, _, err := runCLI(t, nil, "", "serve")
	if !isUsage(err) {
		t.Fatalf("run(serve) = %v, want a usage error (exit 2)", err)
	}
	for _, want := range []string{"DISCORD_TOKEN", "discord.com/developers/applications", "kutip ask"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestServeRejectsArguments(t *testing.T) {
	t.Parallel()
	_, _, err := runCLI(t, map[string]string{"DISCORD_TOKEN": "x"}, "", "serve", "extra")
	if !isUsage(err) {
		t.Fatalf("run(serve extra) = %v, want a usage error", err)
	}
}

func TestServeRefusedTokenNeverPrinted(t *testing.T) {
	t.Parallel()
	const token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.secret.token-value"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"message": "401: Unauthorized", "code": 0}`)
	}))
	defer srv.Close()
	_, stderr, err := runCLI(t, map[string]string{"DISCORD_TOKEN": token, "DISCORD_API_BASE": srv.URL, "LOG_LEVEL": "debug"}, "", "serve")
	if !isUsage(err) || !strings.Contains(err.Error(), "refused DISCORD_TOKEN") {
		t.Fatalf("run(serve) = %v, want a usage error saying the token was refused", err)
	}
	if strings.Contains(err.Error()+stderr, "secret") {
		t.Errorf("the token was printed:\n%v\n%s", err, stderr)
	}
}

// TestServeStopsDuringConnect checks that a stop while the gateway has not
// said HELLO yet (Open waits without a deadline) still returns promptly.
func TestServeStopsDuringConnect(t *testing.T) {
	t.Parallel()
	hung := make(chan struct{})
	upgraded := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/gateway"):
			io.WriteString(w, `{"url":"ws://`+r.Host+`/ws"}`)
			return
		case strings.HasSuffix(r.URL.Path, "/gateway/bot"): // SHARD_COUNT unset: Discord's recommendation
			io.WriteString(w, `{"url":"ws://`+r.Host+`/ws","shards":1,"session_start_limit":{"total":1000,"remaining":1000,"reset_after":0,"max_concurrency":1}}`)
			return
		}
		c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		upgraded <- struct{}{}
		<-hung // never says HELLO
		c.Close()
	}))
	defer srv.Close()
	defer close(hung)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, stdio{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard},
			settings(map[string]string{"DISCORD_TOKEN": "token", "DISCORD_API_BASE": srv.URL}))
	}()
	select {
	case <-upgraded: // serve waits for HELLO: stop it now
	case err := <-done:
		t.Fatalf("run(serve) = %v before it connected", err)
	case <-time.After(e2eWait):
		t.Fatalf("serve did not connect within %v", e2eWait)
	}
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run(serve) = %v, want nil after a stop", err)
		}
	case <-time.After(e2eWait):
		t.Fatalf("serve did not stop within %v of the stop", e2eWait)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("serve took %v to stop", took)
	}
}
