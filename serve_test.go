package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
	"github.com/joho/godotenv"

	"kutip/config"
)

func TestServeWithoutToken(t *testing.T) {
	t.Setenv("DISCORD_TOKEN", "")
	var stderr bytes.Buffer
	err := run(t.Context(), []string{"serve"}, strings.NewReader(""), io.Discard, &stderr)
	var ue usageError
	if !errors.As(err, &ue) {
		t.Fatalf("run(serve) = %v, want a usage error (exit 2)", err)
	}
	for _, want := range []string{"DISCORD_TOKEN", "discord.com/developers/applications", "kutip ask"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestServeRejectsArguments(t *testing.T) {
	t.Setenv("DISCORD_TOKEN", "x")
	err := run(t.Context(), []string{"serve", "extra"}, strings.NewReader(""), io.Discard, io.Discard)
	var ue usageError
	if !errors.As(err, &ue) {
		t.Fatalf("run(serve extra) = %v, want a usage error", err)
	}
}

func TestServeRefusedTokenNeverPrinted(t *testing.T) {
	const token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.secret.token-value"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"message": "401: Unauthorized", "code": 0}`)
	}))
	defer srv.Close()
	defer useDiscordAPI("")
	t.Setenv("DISCORD_TOKEN", token)
	t.Setenv("DISCORD_API_BASE", srv.URL)
	t.Setenv("LOG_LEVEL", "debug")
	var stderr bytes.Buffer
	err := run(t.Context(), []string{"serve"}, strings.NewReader(""), io.Discard, &stderr)
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "refused DISCORD_TOKEN") {
		t.Fatalf("run(serve) = %v, want a usage error saying the token was refused", err)
	}
	if strings.Contains(err.Error()+stderr.String(), "secret") {
		t.Errorf("the token was printed:\n%v\n%s", err, stderr.String())
	}
}

// TestServeStopsDuringConnect checks that a stop while the gateway has not
// said HELLO yet (Open waits without a deadline) still returns promptly.
func TestServeStopsDuringConnect(t *testing.T) {
	hung := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v"+discordgo.APIVersion+"/gateway" {
			io.WriteString(w, `{"url":"ws://`+r.Host+`/ws"}`)
			return
		}
		c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		<-hung // never says HELLO
		c.Close()
	}))
	defer srv.Close()
	defer close(hung)
	defer useDiscordAPI("")
	t.Setenv("DISCORD_TOKEN", "token")
	t.Setenv("DISCORD_API_BASE", srv.URL)
	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := run(ctx, []string{"serve"}, strings.NewReader(""), io.Discard, io.Discard); err != nil {
		t.Errorf("run(serve) = %v, want nil after a stop", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("serve took %v to stop", took)
	}
}

func TestUseDiscordAPI(t *testing.T) {
	defer useDiscordAPI("")
	for range 2 { // idempotent
		useDiscordAPI("http://127.0.0.1:8080/")
		want := "http://127.0.0.1:8080/api/v" + discordgo.APIVersion + "/"
		if discordgo.EndpointAPI != want {
			t.Errorf("EndpointAPI = %q, want %q", discordgo.EndpointAPI, want)
		}
		if got := discordgo.EndpointApplicationGlobalCommands("1"); got != want+"applications/1/commands" {
			t.Errorf("commands endpoint = %q", got)
		}
		if got := discordgo.EndpointInteractionResponse("2", "tok"); got != want+"interactions/2/tok/callback" {
			t.Errorf("interaction endpoint = %q", got)
		}
		if got := discordgo.EndpointWebhookMessage("3", "tok", "@original"); got != want+"webhooks/3/tok/messages/@original" {
			t.Errorf("webhook endpoint = %q", got)
		}
		if discordgo.EndpointGateway != want+"gateway" || discordgo.EndpointChannelMessages("4") != want+"channels/4/messages" {
			t.Errorf("gateway %q, channel messages %q", discordgo.EndpointGateway, discordgo.EndpointChannelMessages("4"))
		}
	}
	useDiscordAPI("")
	if want := "https://discord.com/api/v" + discordgo.APIVersion + "/"; discordgo.EndpointAPI != want {
		t.Errorf("after reset EndpointAPI = %q, want %q", discordgo.EndpointAPI, want)
	}
}

func TestRedact(t *testing.T) {
	var buf bytes.Buffer
	forwardDiscordgoLogs(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), "bot-secret-token")
	logDiscordgo(discordgo.LogError, 1, "identify %v; POST %s failed",
		struct{ Token string }{"Bot bot-secret-token"}, "https://discord.com/api/v9/interactions/123/aW50ZXJhY3Rpb24.tok-en/callback")
	logDiscordgo(discordgo.LogInformational, 1, "PATCH %s", "https://discord.com/api/v9/webhooks/456/webhook_tok/messages/@original")
	out := buf.String()
	for _, secret := range []string{"bot-secret-token", "aW50ZXJhY3Rpb24", "webhook_tok"} {
		if strings.Contains(out, secret) {
			t.Errorf("log shows %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"level=ERROR", "level=DEBUG", "interactions/123/[redacted]/callback", "webhooks/456/[redacted]/messages"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

// TestEnvExample checks that .env.example is a valid configuration and
// documents every variable config reads.
func TestEnvExample(t *testing.T) {
	env, err := godotenv.Read(".env.example")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := config.FromEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Errorf(".env.example is not a valid configuration: %v", err)
	}
	src, err := os.ReadFile("config/config.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`get\("([A-Z_]+)"\)`).FindAllStringSubmatch(string(src), -1) {
		if _, ok := env[m[1]]; !ok {
			t.Errorf(".env.example does not document %s", m[1])
		}
	}
}
