package bot

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"kutip/internal/discordtest"
)

func TestAPIBaseTransport(t *testing.T) {
	t.Parallel()
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Host+" "+r.URL.EscapedPath())
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, tc := range []struct {
		base, url, want string
	}{
		{srv.URL, "https://discord.com/api/v9/gateway", host + " /api/v9/gateway"},
		{srv.URL + "/", "https://discord.com/api/v9/users/@me", host + " /api/v9/users/@me"},
		{srv.URL + "/proxy/discord", "https://discord.com/api/v9/interactions/1/tok/callback", host + " /proxy/discord/api/v9/interactions/1/tok/callback"},
		{srv.URL + "/p", "https://discord.com/api/v9/channels/2/messages?limit=1", host + " /p/api/v9/channels/2/messages"},
		{srv.URL + "/p%20q", "https://discord.com/api/v9/x%2Fy", host + " /p%20q/api/v9/x%2Fy"},
	} {
		rt, err := newAPIBaseTransport(tc.base, srv.Client().Transport)
		if err != nil {
			t.Fatalf("newAPIBaseTransport(%q): %v", tc.base, err)
		}
		got = nil
		resp, err := (&http.Client{Transport: rt}).Get(tc.url)
		if err != nil {
			t.Fatalf("GET %s via %s: %v", tc.url, tc.base, err)
		}
		resp.Body.Close()
		if len(got) != 1 || got[0] != tc.want {
			t.Errorf("GET %s via %s reached %q, want %q", tc.url, tc.base, got, tc.want)
		}
	}

	// Other hosts pass unchanged.
	rt, _ := newAPIBaseTransport("http://127.0.0.1:1", roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = append(got, r.URL.String())
		return &http.Response{StatusCode: 204, Body: http.NoBody}, nil
	}))
	got = nil
	if _, err := (&http.Client{Transport: rt}).Get("https://cdn.discordapp.com/avatars/1/a.png"); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != "https://cdn.discordapp.com/avatars/1/a.png" {
		t.Errorf("a CDN request went to %q", got)
	}
}

func TestNewFromTokenRefusesBadSettings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, token, base, want string
	}{
		{"empty token", "", "", "empty token"},
		{"prefix only", "Bot ", "", "empty token"},
		{"no scheme", "t", "127.0.0.1:8080", "not an http(s) URL"},
		{"ftp", "t", "ftp://example.com", "not an http(s) URL"},
		{"no host", "t", "http://", "not an http(s) URL"},
		{"query", "t", "http://example.com/?a=b", "not an http(s) URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewFromToken(tc.token, &fakeIndex{}, nil, Options{APIBase: tc.base})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewFromToken(%q, APIBase %q) = %v, want an error saying %q", tc.token, tc.base, err, tc.want)
			}
		})
	}
}

// TestRunTokenRefused: a token Discord refuses, at the gateway (close 4004)
// or over REST (401), ends Run with an error that wraps ErrTokenRefused and
// never shows the token.
func TestRunTokenRefused(t *testing.T) {
	t.Parallel()
	const token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.secret.token-value"
	fake := discordtest.New(t, discordtest.Options{})
	unauthorized := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"message": "401: Unauthorized", "code": 0}`)
	}))
	t.Cleanup(unauthorized.Close)
	for _, tc := range []struct {
		name, base, want string
	}{
		{"gateway 4004", fake.URL, "4004"},
		{"REST 401", unauthorized.URL, "401"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var logs syncBuffer
			// One shard, so that the bot skips GET /gateway/bot (which
			// refuses the token with 401 before the gateway can; see
			// TestShardPlanTokenRefused) and meets the gateway's 4004.
			b, err := NewFromToken(token, &fakeIndex{}, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), Options{APIBase: tc.base, ShardCount: 1})
			if err != nil {
				t.Fatal(err)
			}
			err = b.Run(liveCtx(t))
			if !errors.Is(err, ErrTokenRefused) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Run = %v, want ErrTokenRefused mentioning %s", err, tc.want)
			}
			if strings.Contains(err.Error()+logs.String(), "secret") {
				t.Errorf("the token was shown:\n%v\n%s", err, logs.String())
			}
		})
	}
}

func TestTokenRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"401", &discordgo.RESTError{Response: &http.Response{StatusCode: 401}}, true},
		{"403", &discordgo.RESTError{Response: &http.Response{StatusCode: 403}}, false},
		{"no response", &discordgo.RESTError{}, false},
		{"4004", &websocket.CloseError{Code: 4004}, true},
		{"4014", &websocket.CloseError{Code: 4014}, false},
		{"other", errors.New("EOF"), false},
	} {
		if got := tokenRefused(tc.err); got != tc.want {
			t.Errorf("%s: tokenRefused = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestDiscordgoLogRedacted: what discordgo logs reaches the bot's logger at
// the right level with every secret gone, the interaction token and the
// question inside a replayed event included, in whatever encoding discordgo
// prints them.
func TestDiscordgoLogRedacted(t *testing.T) {
	// Not parallel: the hook is process-wide.
	const botToken = "bot-secret-token"
	const itoken = "aW50ZXJhY3Rpb24secretinteraction"
	const question = "what is the secret question"
	var buf syncBuffer
	s, err := discordgo.New("Bot " + botToken)
	if err != nil {
		t.Fatal(err)
	}
	forwardLogs(s, slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), botToken)
	if s.LogLevel != discordgo.LogInformational {
		t.Errorf("session log level %d at debug, want %d", s.LogLevel, discordgo.LogInformational)
	}
	raw := []byte(`{"id":"1","token":"` + itoken + `","data":{"name":"ask","options":[{"name":"question","value":"` + question + `"}]}}`)
	ev := &discordgo.Event{Operation: 0, Sequence: 7, Type: "INTERACTION_CREATE", RawData: raw}
	discordgo.Logger(discordgo.LogWarning, 1, "Expected READY/RESUMED, instead got:\n%#v\n", ev)
	discordgo.Logger(discordgo.LogInformational, 1, "First Packet:\n%#v\n", ev)
	discordgo.Logger(discordgo.LogWarning, 1, "unknown event: Op: %d, Seq: %d, Type: %s, Data: %s", 0, 8, "X", string(raw))
	discordgo.Logger(discordgo.LogError, 1, "identify %v; POST %s failed",
		struct{ Token string }{"Bot " + botToken}, "https://discord.com/api/v9/interactions/123/"+itoken+"/callback")
	discordgo.Logger(discordgo.LogInformational, 1, "PATCH %s", "https://discord.com/api/v9/webhooks/456/webhook_tok/messages/@original")
	out := buf.String()
	for _, secret := range []string{botToken, itoken, "webhook_tok", hex.EncodeToString([]byte(itoken))[:16], "0x61, 0x57", "secret question"} {
		if strings.Contains(out, secret) {
			t.Errorf("log shows %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{
		"level=ERROR", "level=DEBUG", "level=WARN", "op 0 INTERACTION_CREATE seq 7",
		"interactions/123/[redacted]/callback", "webhooks/456/[redacted]/messages", "component=discordgo",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	// The replayed event is expected: logged at debug, not as a warning.
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "Expected READY") && !strings.Contains(line, "level=DEBUG") {
			t.Errorf("replayed event logged above debug: %s", line)
		}
	}

	// At Info, discordgo's informational lines are not even produced.
	var quiet bytes.Buffer
	forwardLogs(s, slog.New(slog.NewTextHandler(&quiet, nil)), botToken)
	if s.LogLevel != discordgo.LogWarning {
		t.Errorf("session log level %d at info, want %d", s.LogLevel, discordgo.LogWarning)
	}
}

func TestRedactTokens(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"POST https://discord.com/api/v9/interactions/1/abc.DEF-_/callback", "POST https://discord.com/api/v9/interactions/1/[redacted]/callback"},
		{"PATCH /api/v9/webhooks/22/tok/messages/@original", "PATCH /api/v9/webhooks/22/[redacted]/messages/@original"},
		{"/webhooks/22/tok?wait=true", "/webhooks/22/[redacted]?wait=true"},
		{`{"token": "abc", "id": "1"}`, `{"token": "[redacted]", "id": "1"}`},
		{`{"token":"abc"}`, `{"token":"[redacted]"}`},
		{"/interactions/abc/tok/callback", "/interactions/abc/tok/callback"}, // not an ID: not a token URL
		{"nothing here", "nothing here"},
	} {
		if got := redactTokens(tc.in); got != tc.want {
			t.Errorf("redactTokens(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestReplayedEventLogsNoSecrets: an INTERACTION_CREATE replayed before
// RESUMED reaches discordgo's "Expected READY/RESUMED" log line, which
// prints the whole event (as hex bytes); through the bot's hook neither the
// interaction token nor the question shows, in any form.
func TestReplayedEventLogsNoSecrets(t *testing.T) {
	// Not parallel: discordgo's log hook is process-wide, and the parallel
	// tests wait until the sequential ones are done.
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	var logs syncBuffer
	opts := Options{GuildID: srv.GuildID, APIBase: srv.URL}
	b, err := NewFromToken(srv.Token, &fakeIndex{}, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	waitFor(t, srv, "commands", func() bool { return len(srv.Commands(srv.GuildID)) > 0 })

	const question = "where is the secret rendezvous"
	if srv.Reconnect() != 1 {
		t.Fatal("no connection to send op 7 to")
	}
	id, err := srv.Interact(liveCtx(t), discordtest.Interaction{Name: "ask", Options: []discordtest.Option{{Name: "question", Value: question}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitReply(liveCtx(t), id); err != nil {
		t.Fatal(err)
	}
	var token string
	for _, r := range srv.Requests() {
		if p := strings.TrimPrefix(r.Path, "/api/v9/interactions/"+id+"/"); p != r.Path {
			token, _, _ = strings.Cut(p, "/")
		}
	}
	if token == "" {
		t.Fatal("no callback with the interaction token")
	}
	waitFor(t, srv, "the replayed event logged", func() bool { return strings.Contains(logs.String(), "INTERACTION_CREATE") })
	// kutip's own debug line with the question is by design; discordgo's
	// lines must hold neither it nor the token, and no line the token.
	var dg []string
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "component=discordgo") {
			dg = append(dg, line)
		}
		if strings.Contains(line, token) {
			t.Errorf("a log line shows the interaction token: %s", line)
		}
	}
	out := strings.Join(dg, "\n")
	if !strings.Contains(out, "Expected READY/RESUMED") {
		t.Fatalf("the replay was not logged by discordgo:\n%s", out)
	}
	for _, secret := range []string{token, hex.EncodeToString([]byte(token))[:24], question, hex.EncodeToString([]byte(question))[:24], "0x77, 0x68, 0x65, 0x72, 0x65"} {
		if strings.Contains(out, secret) {
			t.Errorf("the log shows %q", secret)
		}
	}
	if t.Failed() {
		t.Logf("discordgo's lines:\n%s", out)
	}
}
