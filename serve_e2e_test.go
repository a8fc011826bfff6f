package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"kutip/internal/discordtest"
)

// End-to-end tests of `kutip serve`: the real bot, through run() as main
// calls it, against discordtest's fake Discord (gateway and REST) with the
// built-in article. Each has its own fake and its own settings, so they run
// in parallel (harness_test.go).

// The passage that answers "when did Russia ratify?" in the built-in
// article.
const (
	ratifyPassage = "Parlemen Rusia meratifikasi"
	ratifyDate    = "6 November"
)

// embedText is the text of a message's embeds alone.
func embedText(m *discordtest.Sent) string {
	if m == nil {
		return ""
	}
	e := *m
	e.Content = ""
	return e.Text()
}

// askRatify asks "when did Russia ratify?" and checks that the answer holds
// the passage and came in exactly one accepted callback.
func askRatify(t *testing.T, sv *serving, srv *discordtest.Server) {
	t.Helper()
	id, r := sv.interact(t, askInteraction("when did Russia ratify?"))
	if !strings.Contains(r.Original.Text(), ratifyPassage) {
		t.Errorf("answer = %q", r.Original.Text())
	}
	checkOneCallback(t, srv, id)
}

// checkOneCallback checks that the bot answered an interaction with exactly
// one accepted callback and no refused one (a second callback, or one past
// the deadline).
func checkOneCallback(t *testing.T, srv *discordtest.Server, id string) {
	t.Helper()
	accepted := 0
	for _, r := range srv.Responses(id) {
		if r.Route == discordtest.RouteCallback {
			accepted++
		}
	}
	if accepted != 1 {
		t.Errorf("interaction %s: %d callbacks accepted, want 1", id, accepted)
	}
	for _, r := range srv.Requests() {
		if r.InteractionID == id && !r.OK() && !r.Fault {
			t.Errorf("interaction %s: %s %s refused with %d: %s", id, r.Method, r.Route, r.Status, r.Response)
		}
	}
}

func TestServeE2E(t *testing.T) {
	t.Parallel()
	sv := startServe(t, discordtest.Options{}, nil)
	srv := sv.srv
	if err := srv.WaitReady(waitCtx(t)); err != nil {
		t.Fatal(err)
	}

	t.Run("registers its commands", func(t *testing.T) {
		err := srv.WaitFor(waitCtx(t), func() bool { return len(srv.Commands(srv.GuildID)) > 0 })
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range srv.Commands(srv.GuildID) {
			got = append(got, fmt.Sprintf("%d %s", c.Type, c.Name))
		}
		want := []string{"1 ask", "1 summary", "1 source", "1 help", "3 Ask kutip", "1 report"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("guild commands = %v, want %v", got, want)
		}
		puts := 0
		for _, r := range srv.Requests() {
			if r.Route == discordtest.RouteBulkGuildCommands && r.OK() {
				puts++
			}
		}
		if puts != 1 {
			t.Errorf("%d bulk overwrites, want 1", puts)
		}
	})

	t.Run("ask answers with the passage", func(t *testing.T) {
		id, r := sv.interact(t, askInteraction("when did Russia ratify?"))
		text := embedText(r.Original)
		if !strings.Contains(text, ratifyPassage) || !strings.Contains(text, ratifyDate) {
			t.Errorf("answer embeds = %q, want %q and %q", text, ratifyPassage, ratifyDate)
		}
		if r.Original.Ephemeral {
			t.Error("public /ask answered in private")
		}
		checkOneCallback(t, srv, id)
	})

	t.Run("private ask is ephemeral", func(t *testing.T) {
		_, r := sv.interact(t, discordtest.Interaction{Name: "ask", Options: []discordtest.Option{
			{Name: "question", Value: "when did Russia ratify?"}, {Name: "private", Value: true},
		}})
		if !r.Original.Ephemeral || !strings.Contains(r.Original.Text(), ratifyPassage) {
			t.Errorf("private answer = %+v, want the passage, ephemeral", r.Original)
		}
	})

	t.Run("summary source help", func(t *testing.T) {
		for _, in := range []discordtest.Interaction{
			{Name: "summary", Options: []discordtest.Option{{Name: "sentences", Value: 3}}},
			{Name: "summary", Options: []discordtest.Option{{Name: "topic", Value: "Rusia"}}},
			{Name: "source"},
			{Name: "help"},
		} {
			id, r := sv.interact(t, in)
			if r.Original == nil || strings.TrimSpace(r.Original.Text()) == "" {
				t.Errorf("/%s %v answered %+v, want text", in.Name, in.Options, r)
			}
			checkOneCallback(t, srv, id)
		}
	})

	t.Run("message command asks the message", func(t *testing.T) {
		id, r := sv.interact(t, discordtest.Interaction{
			Name: "Ask kutip", Type: discordtest.MessageCommand,
			Target: &discordtest.Message{Content: "when did Russia ratify?"},
		})
		if !strings.Contains(r.Original.Text(), ratifyPassage) {
			t.Errorf("Ask kutip answered %q, want %q", r.Original.Text(), ratifyPassage)
		}
		checkOneCallback(t, srv, id)
	})

	t.Run("mention answered as a reply", func(t *testing.T) {
		ctx := waitCtx(t)
		id, err := srv.Message(ctx, discordtest.Message{Content: "<@" + srv.Bot.ID + "> when did Russia ratify?"})
		if err != nil {
			t.Fatal(err)
		}
		m, err := srv.WaitSent(ctx, func(m discordtest.Sent) bool { return m.ReplyTo == id })
		if err != nil {
			t.Fatal(err)
		}
		if m.ChannelID != srv.ChannelID || !strings.Contains(m.Text(), ratifyPassage) {
			t.Errorf("reply = %+v, want the passage in %s", m, srv.ChannelID)
		}
	})

	t.Run("message without a mention is ignored", func(t *testing.T) {
		ctx := waitCtx(t)
		plain, err := srv.Message(ctx, discordtest.Message{Content: "when did Russia ratify?"})
		if err != nil {
			t.Fatal(err)
		}
		// A mention sent after it is answered; by then the plain one would
		// have been too.
		mention, err := srv.Message(ctx, discordtest.Message{Content: "<@" + srv.Bot.ID + "> when did Russia ratify?"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srv.WaitSent(ctx, func(m discordtest.Sent) bool { return m.ReplyTo == mention }); err != nil {
			t.Fatal(err)
		}
		for _, m := range srv.Sent() {
			if m.ReplyTo == plain {
				t.Errorf("the bot answered a message that did not mention it: %+v", m)
			}
		}
	})

	t.Run("DM answered", func(t *testing.T) {
		ctx := waitCtx(t)
		id, err := srv.Message(ctx, discordtest.Message{DM: true, Content: "when did Russia ratify?"})
		if err != nil {
			t.Fatal(err)
		}
		m, err := srv.WaitSent(ctx, func(m discordtest.Sent) bool { return m.ReplyTo == id })
		if err != nil {
			t.Fatal(err)
		}
		if m.GuildID != "" || !strings.Contains(m.Text(), ratifyPassage) {
			t.Errorf("DM reply = %+v, want the passage in the DM", m)
		}
	})

	t.Run("everyone in a question pings nobody", func(t *testing.T) {
		_, r := sv.interact(t, askInteraction("@everyone @here <@"+srv.User.ID+"> when did Russia ratify?"))
		if r.Original.Pings() {
			t.Errorf("answer pings %v, roles %v, everyone %t", r.Original.Mentions, r.Original.MentionRoles, r.Original.MentionEveryone)
		}
		ctx := waitCtx(t)
		id, err := srv.Message(ctx, discordtest.Message{Content: "<@" + srv.Bot.ID + "> @everyone when did Russia ratify?"})
		if err != nil {
			t.Fatal(err)
		}
		m, err := srv.WaitSent(ctx, func(m discordtest.Sent) bool { return m.ReplyTo == id })
		if err != nil {
			t.Fatal(err)
		}
		if m.Pings() {
			t.Errorf("reply to a mention pings %v, everyone %t", m.Mentions, m.MentionEveryone)
		}
	})

	t.Run("429 on the callback is retried and answered once", func(t *testing.T) {
		srv.FailNext(discordtest.Fault{Route: discordtest.RouteCallback, Status: 429, RetryAfter: 0.05})
		id, r := sv.interact(t, askInteraction("when did Russia ratify?"))
		if !strings.Contains(r.Original.Text(), ratifyPassage) {
			t.Errorf("answer = %q", r.Original.Text())
		}
		var statuses []int
		for _, req := range srv.Requests() {
			if req.InteractionID == id && req.Route == discordtest.RouteCallback {
				statuses = append(statuses, req.Status)
			}
		}
		if len(statuses) != 2 || statuses[0] != 429 || statuses[1] != 204 {
			t.Errorf("callback attempts answered %v, want [429 204]", statuses)
		}
		checkOneCallback(t, srv, id)
	})

	for _, disrupt := range []struct {
		name string
		do   func() int // returns how many connections it hit
	}{
		{"answers after op 7 reconnect", srv.Reconnect},
		{"answers after the connection is cut", srv.CutConnections},
	} {
		t.Run(disrupt.name, func(t *testing.T) {
			resumes := srv.Stats().Resumes
			if disrupt.do() != 1 {
				t.Fatal("no connection to disrupt")
			}
			askRatify(t, sv, srv)
			if st := srv.Stats(); st.Resumes != resumes+1 || st.Identifies != 1 {
				t.Errorf("Stats = %+v, want one more resume and no new identify", st)
			}
		})
	}

	t.Run("no request could ping anyone", func(t *testing.T) {
		checked := 0
		for _, r := range srv.Requests() {
			m, ok := r.Message()
			if !ok || !r.OK() {
				continue
			}
			checked++
			am := m.AllowedMentions
			if am == nil || len(am.Parse) != 0 || len(am.Users) != 0 || len(am.Roles) != 0 || am.RepliedUser {
				j, _ := json.Marshal(am)
				t.Errorf("%s %s: allowed_mentions = %s, want {\"parse\": []}", r.Method, r.Route, j)
			}
		}
		// Every message the bot posted came from at least one request.
		if sent := len(srv.Sent()); checked < sent {
			t.Errorf("checked %d requests that carry a message, fewer than the %d messages sent", checked, sent)
		}
		for _, m := range srv.Sent() {
			if m.Pings() {
				t.Errorf("message %s pings %v, roles %v, everyone %t", m.ID, m.Mentions, m.MentionRoles, m.MentionEveryone)
			}
		}
	})

	t.Run("SIGTERM stops serve promptly", func(t *testing.T) {
		start := time.Now()
		if err := sv.stop(); err != nil {
			t.Errorf("serve returned %v, want nil", err)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("serve took %v to stop, want a few seconds at most", took)
		}
	})
}

func TestServeE2EWrongToken(t *testing.T) {
	t.Parallel()
	sv := startServe(t, discordtest.Options{Token: "the-real-token"}, map[string]string{
		"DISCORD_TOKEN": "a-revoked-token",
	})
	err := sv.wait()
	if err == nil || !strings.Contains(err.Error(), "4004") && !strings.Contains(err.Error(), "401") {
		t.Errorf("serve with a token Discord refuses returned %v, want the refusal", err)
	}
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "DISCORD_TOKEN") || strings.Contains(err.Error(), "a-revoked-token") {
		t.Errorf("serve returned %v, want a usage error (exit 2) naming DISCORD_TOKEN without its value", err)
	}
	t.Logf("serve: %v", err)
}

// TestServeE2EBurst sends 200 interactions at once and checks that each
// gets exactly one response. Exactly-once must hold however slow the
// machine is, so this fake allows 30 s instead of Discord's 3 s for the
// callback: under the race detector, on two shared CPUs, 200 searches
// take longer than 3 s, and a late callback (10062) would say more about
// the machine than about the bot. TestServeE2E keeps the real 3 s.
func TestServeE2EBurst(t *testing.T) {
	t.Parallel()
	const n = 200
	sv := startServe(t, discordtest.Options{InteractionTimeout: 30 * time.Second}, nil)
	srv := sv.srv
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ids[i], errs[i] = srv.Interact(ctx, discordtest.Interaction{
				Name:    "ask",
				Options: []discordtest.Option{{Name: "question", Value: "when did Russia ratify?"}},
				User:    discordtest.User{ID: fmt.Sprint(900000000000000000 + i%20)},
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("interaction %d: %v", i, err)
		}
	}
	for _, id := range ids {
		r, err := srv.WaitReply(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(r.Original.Text(), ratifyPassage) {
			t.Errorf("interaction %s answered %q", id, r.Original.Text())
		}
		checkOneCallback(t, srv, id)
	}
	st := srv.Stats()
	if st.Callbacks != n || st.DoubleAcks != 0 || st.LateAcks != 0 {
		t.Errorf("Stats = %+v, want %d callbacks, none refused", st, n)
	}
	for _, m := range srv.Sent() {
		if m.Pings() {
			t.Errorf("message %s pings %v, everyone %t", m.ID, m.Mentions, m.MentionEveryone)
		}
	}
}

// TestServeE2EDisruptedHandshake lands op 7, then a cut, on the connections
// that follow, right after RESUMED and before their first heartbeat: the
// timing in which discordgo v0.29.0's own reconnection loops, each new
// connection closed by the last one's failed heartbeat. serve must resume
// the same session, answer what was asked meanwhile, and stay connected.
func TestServeE2EDisruptedHandshake(t *testing.T) {
	t.Parallel()
	// Heartbeats every second, so that a loop would show within seconds.
	sv := startServe(t, discordtest.Options{HeartbeatInterval: time.Second}, nil)
	srv := sv.srv
	ctx := waitCtx(t)
	if err := srv.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	srv.DisruptHandshake(discordtest.DisruptReconnect)
	srv.DisruptHandshake(discordtest.DisruptCut)
	if srv.Reconnect() != 1 {
		t.Fatal("no connection to send op 7 to")
	}
	askRatify(t, sv, srv)

	// Past both disruptions: three heartbeats on one connection, and an
	// answer.
	if err := srv.WaitFor(ctx, func() bool { st := srv.Stats(); return st.Resumes >= 3 || st.Identifies > 1 }); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	st := srv.Stats()
	if err := srv.WaitFor(ctx, func() bool { return srv.Stats().Heartbeats >= st.Heartbeats+3 }); err != nil {
		t.Fatal(err)
	}
	askRatify(t, sv, srv)
	after := srv.Stats()
	if after.Connections != st.Connections {
		t.Errorf("%d new connections once recovered, want none: a reconnect loop", after.Connections-st.Connections)
	}
	if after.Identifies != 1 || after.Resumes != 3 {
		t.Errorf("%d identifies and %d resumes, want 1 and 3: the session must live throughout", after.Identifies, after.Resumes)
	}
	t.Logf("connections %d, resumes %d, identifies %d", after.Connections, after.Resumes, after.Identifies)
}
