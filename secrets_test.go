package main

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"log/slog"
	"strings"
	"testing"
	"time"

	"kutip/config"
	"kutip/internal/discordtest"
)

// secretToken is a bot token that is easy to find in a log.
const secretToken = "kutipSECRET.MTA5ODc2NTQzMjEwOTg3NjU0Mw.Gx7Yz_QW-9w8e7r6t5y4u3i2o1p0"

// serveSecret runs `kutip serve` against srv with the secret token, at
// LOG_LEVEL=debug, with env on top.
func serveSecret(t *testing.T, srv *discordtest.Server, env map[string]string) *serving {
	t.Helper()
	all := map[string]string{"DISCORD_TOKEN": secretToken, "LOG_LEVEL": "debug"}
	for k, v := range env {
		all[k] = v
	}
	return serveOn(t, srv, all)
}

// interactionTokens returns the interaction tokens in the fake's request
// paths: secrets too, for 15 minutes each.
func interactionTokens(srv *discordtest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		parts := strings.Split(r.Path, "/")
		for i, p := range parts {
			if (p == "interactions" || p == "webhooks") && i+2 < len(parts) && len(parts[i+2]) > 20 {
				out = append(out, parts[i+2])
			}
		}
	}
	return out
}

// TestServeSecrets runs the bot at debug level through errors of every
// kind (a 401 and 5xx on replies, failed messages, dropped and invalidated
// gateway sessions, a refused token at connect and at registration) and
// checks that neither the bot token nor any interaction token appears in
// its log, in the errors serve returns, or in the standard log package's
// output.
func TestServeSecrets(t *testing.T) {
	t.Parallel()
	var std lockedBuffer
	prev := log.Writer()
	log.SetOutput(&std)
	t.Cleanup(func() { log.SetOutput(prev) })

	check := func(t *testing.T, what, text string, secrets ...string) {
		t.Helper()
		for _, s := range append(secrets, secretToken) {
			if strings.Contains(text, s) {
				t.Errorf("%s contains the secret %q:\n%s", what, s, text)
			}
		}
	}

	// After the subtests, which run in parallel; before the log package's
	// output is restored (cleanups run last first).
	t.Cleanup(func() { check(t, "the log package's output", std.String()) })

	t.Run("running", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.New(t, discordtest.Options{Token: secretToken, NoEcho: true})
		sv := serveSecret(t, srv, nil)
		logs := sv.logs
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		if err := srv.WaitReady(ctx); err != nil {
			t.Fatal(err)
		}
		ask := func(q string) string {
			t.Helper()
			id, err := srv.Interact(ctx, discordtest.Interaction{Name: "ask", Options: []discordtest.Option{{Name: "question", Value: q}}})
			if err != nil {
				t.Fatal(err)
			}
			// A reply, or the bot's error about it in the log.
			err = srv.WaitFor(ctx, func() bool {
				return srv.Reply(id).Original != nil || strings.Contains(logs.String(), "interaction="+id)
			})
			if err != nil {
				t.Fatalf("no reply to %q (%s): %v; stats %+v\nlog:\n%s", q, id, err, srv.Stats(), logs.String())
			}
			return id
		}
		mention := func(q string) {
			t.Helper()
			if _, err := srv.Message(ctx, discordtest.Message{Content: "<@" + srv.Bot.ID + "> " + q}); err != nil {
				t.Fatal(err)
			}
		}

		ask("when did Russia ratify?")
		srv.FailNext(discordtest.Fault{Route: discordtest.RouteCallback, Status: 401})
		ask("who signed the treaty?")
		srv.FailNext(discordtest.Fault{Route: discordtest.RouteCallback, Status: 500, Times: 10})
		ask("how many troops?")
		srv.FailNext(discordtest.Fault{Route: discordtest.RouteCallback, Status: 429, RetryAfter: 0.05, Global: true})
		ask("kapan Rusia meratifikasi?")
		srv.FailNext(discordtest.Fault{Route: discordtest.RouteCreateMessage, Status: 401})
		mention("when did Russia ratify?")
		srv.FailNext(discordtest.Fault{Route: discordtest.RouteCreateMessage, Status: 500, Times: 10})
		mention("who signed?")
		// Each gateway fault waits until the connection is up and has
		// heartbeated: see stableGateway.
		stable := stableGateway(srv)
		for _, fault := range []func() int{
			srv.RequestHeartbeat,
			srv.CutConnections,
			srv.Reconnect,
			func() int { return srv.InvalidSession(false) },
		} {
			if err := srv.WaitFor(ctx, stable); err != nil {
				t.Fatal(err)
			}
			if fault() == 0 {
				t.Fatal("no gateway connection to fault")
			}
		}
		if err := srv.WaitReady(ctx); err != nil { // op 9 keeps the connection: no new heartbeat soon
			t.Fatal(err)
		}
		ask("when did Russia ratify?")
		if err := sv.stop(); err != nil {
			t.Errorf("serve returned %v", err)
		}

		text := logs.String()
		check(t, "serve's log", text, interactionTokens(srv)...)
		for _, want := range []string{"401", "500"} {
			if !strings.Contains(text, want) {
				t.Errorf("serve's log does not mention the %s it met:\n%s", want, text)
			}
		}
		t.Logf("%d bytes of debug log, %d interaction tokens checked", len(text), len(interactionTokens(srv)))
	})

	t.Run("token refused at connect", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.New(t, discordtest.Options{Token: "the-real-token"})
		sv := serveSecret(t, srv, nil)
		logs := sv.logs
		err := sv.wait()
		if err == nil {
			t.Fatal("serve with a refused token returned nil")
		}
		check(t, "the error", fmt.Sprintf("%v %+v %#v", err, err, err))
		check(t, "serve's log", logs.String())
		t.Logf("serve: %v", err)
	})

	t.Run("401 at registration", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.New(t, discordtest.Options{Token: secretToken})
		srv.FailNext(discordtest.Fault{Route: discordtest.RouteBulkGuildCommands, Status: 401})
		sv := serveSecret(t, srv, map[string]string{"LOG_FORMAT": "json"})
		logs := sv.logs
		err := sv.wait()
		if err == nil || !strings.Contains(err.Error(), "401") {
			t.Fatalf("serve returned %v, want the 401", err)
		}
		check(t, "the error", fmt.Sprintf("%v %+v %#v", err, err, err))
		check(t, "serve's log", logs.String())
		t.Logf("serve: %v", err)
	})

	t.Run("config", func(t *testing.T) {
		t.Parallel()
		cfg, err := config.FromEnv(func(k string) (string, bool) {
			if k == "DISCORD_TOKEN" {
				return secretToken, true
			}
			return "", false
		})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		slog.New(slog.NewJSONHandler(&b, nil)).Info("config", "cfg", cfg, "token", cfg.Token)
		slog.New(slog.NewTextHandler(&b, nil)).Info("config", "cfg", cfg, "token", cfg.Token)
		check(t, "printed config", fmt.Sprintf("%v %+v %#v %s %q %x", cfg, cfg, cfg, cfg.Token, cfg.Token, cfg.Token)+b.String())
		// A panic with the config prints it the same way.
		func() {
			defer func() { check(t, "a panic's value", fmt.Sprint(recover())) }()
			panic(cfg)
		}()
	})

}
