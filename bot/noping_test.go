package bot

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"kutip/feedback"
	"kutip/internal/discordtest"
)

// TestNoPathPings drives every way kutip sends or edits a message once,
// against the fake Discord, over the gateway and over the HTTP
// interactions endpoint: answers to /ask and to mentions, follow-ups by
// reply and in a thread, the thread and its hint, the private note when a
// thread cannot be started, each button's response (Show context, More,
// votes), /report, the notice of a channel without a folder, and the
// rate-limit notices, with one gateway shard and with two. Then it
// checks every accepted request that carries a message: each has an
// allowed_mentions with an empty parse list, no users or roles, and no
// ping of a replied author; and no message the fake holds pings anyone. A
// new send path that forgets noMentions fails here once it is driven.
func TestNoPathPings(t *testing.T) {
	t.Parallel()
	t.Run("one folder", func(t *testing.T) {
		t.Parallel()
		store, _ := feedback.Open("", feedback.Options{}) // in memory: its warning says so
		srv := discordtest.New(t, discordtest.Options{NoEcho: true})
		lb := runLive(t, srv, realIndex(t), Options{Feedback: store, RateCount: 100})
		ctx := liveCtx(t)

		// Over the gateway: an answer with a thread, a follow-up in the
		// thread and by reply, and each button.
		r := lb.askAndWait(t, firstQuestion, discordtest.Option{Name: optThread, Value: true})
		answer := r.Original
		if _, err := srv.WaitSent(ctx, func(m discordtest.Sent) bool { return m.ChannelID == answer.ID }); err != nil {
			t.Fatalf("no thread hint: %v", err)
		}
		sayAndWait(t, srv, discordtest.Message{ChannelID: answer.ID, Content: "<@" + srv.Bot.ID + "> " + followUpQ})
		sayAndWait(t, srv, discordtest.Message{ReplyTo: answer.ID, Content: followUpQ})
		sayAndWait(t, srv, discordtest.Message{Content: "<@" + srv.Bot.ID + "> when did Russia ratify?"})
		for _, act := range []string{actContext, actMore, actUp} {
			clickAndWait(t, srv, answer.ID, buttonOf(t, srv, answer.ID, act), discordtest.User{}, "")
		}
		report, err := srv.Interact(ctx, discordtest.Interaction{Name: cmdReport, Permissions: fmt.Sprint(discordgo.PermissionManageGuild)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srv.WaitReply(ctx, report); err != nil {
			t.Fatal(err)
		}

		// Over the HTTP endpoint: an answer with a thread (in a channel of
		// its own: one message starts one thread) and a button.
		ep := lb.serveHTTP(t)
		other := srv.AddChannel(discordtest.Channel{Name: "other"})
		d, err := ep.Interact(ctx, discordtest.Interaction{Name: cmdAsk, ChannelID: other, Options: []discordtest.Option{
			{Name: "question", Value: "when did Russia ratify?"}, {Name: optThread, Value: true},
		}})
		if err != nil || d.Err != nil {
			t.Fatalf("/ask over HTTP: %v %v", err, d.Err)
		}
		hr, err := srv.WaitReply(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srv.WaitSent(ctx, func(m discordtest.Sent) bool { return m.ChannelID == hr.Original.ID }); err != nil {
			t.Fatalf("no thread hint over HTTP: %v", err)
		}
		c, err := ep.Click(ctx, discordtest.Click{MessageID: hr.Original.ID, CustomID: buttonOf(t, srv, hr.Original.ID, actMore)})
		if err != nil || c.Err != nil {
			t.Fatalf("More over HTTP: %v %v", err, c.Err)
		}
		if _, err := srv.WaitReply(ctx, c.ID); err != nil {
			t.Fatal(err)
		}

		// A channel where kutip cannot start threads: the private note.
		srv.DenyThreads(srv.ChannelID)
		denied := lb.askAndWait(t, "when did Russia ratify?", discordtest.Option{Name: optThread, Value: true})
		if _, err := srv.WaitSent(ctx, func(m discordtest.Sent) bool { return m.InteractionID == denied.Original.InteractionID && m.Followup }); err != nil {
			t.Fatalf("no note that the thread was refused: %v", err)
		}

		checkNoPings(t, srv, discordtest.RouteCallback, discordtest.RouteCreateMessage, discordtest.RouteFollowup, discordtest.RouteStartThread)
	})

	t.Run("rate limited, two shards", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.New(t, discordtest.Options{NoEcho: true, Shards: 2})
		lb := runLive(t, srv, &fakeIndex{}, Options{RateCount: 1, RateWindow: time.Hour})
		// One question, then a mention and a question past the budget:
		// each told when to try again (a second mention would be silent).
		var texts []string
		texts = append(texts, lb.askAndWait(t, "when did Russia ratify?").Text())
		_, m := sayAndWait(t, srv, discordtest.Message{Content: "<@" + srv.Bot.ID + "> when did Russia ratify?"})
		texts = append(texts, m.Text(), lb.askAndWait(t, "when did Russia ratify?").Text())
		if n := srv.Stats().Identifies; n != 2 {
			t.Errorf("%d identifies, want 2 shards", n)
		}
		for i, text := range texts {
			if limited := strings.Contains(text, "Try again"); limited != (i > 0) {
				t.Errorf("reply %d = %q, want the rate-limit notice: %v", i, text, i > 0)
			}
		}
		checkNoPings(t, srv, discordtest.RouteCallback, discordtest.RouteCreateMessage)
	})

	t.Run("channel without a folder", func(t *testing.T) {
		t.Parallel()
		_, l := channelsCorpus(t)
		srv := discordtest.New(t, discordtest.Options{NoEcho: true})
		ships := srv.AddChannel(discordtest.Channel{Name: "ships"})
		lonely := srv.AddChannel(discordtest.Channel{Name: "lonely"})
		runLive(t, srv, l, Options{Channels: map[string]string{ships: "ships"}})
		ctx := liveCtx(t)
		id, err := srv.Interact(ctx, discordtest.Interaction{Name: cmdAsk, ChannelID: lonely, Options: []discordtest.Option{{Name: "question", Value: "when does the ferry sail?"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srv.WaitReply(ctx, id); err != nil {
			t.Fatal(err)
		}
		sayAndWait(t, srv, discordtest.Message{ChannelID: lonely, Content: "<@" + srv.Bot.ID + "> when does the ferry sail?"})
		checkNoPings(t, srv, discordtest.RouteCallback, discordtest.RouteCreateMessage)
	})
}

// checkNoPings checks every request srv accepted that carries a message
// (a message, a reply, an interaction response, its edit, a follow-up):
// its allowed_mentions must let nobody be pinged. An autocomplete result
// carries choices, not a message, and a deferred update nothing. It also
// checks that the routes in want were used, so the test still drives
// what it says it does.
func checkNoPings(t *testing.T, srv *discordtest.Server, want ...discordtest.Route) {
	t.Helper()
	seen := map[discordtest.Route]int{}
	for _, r := range srv.Requests() {
		if !r.OK() {
			continue
		}
		seen[r.Route]++
		if r.Route == discordtest.RouteCallback {
			var cb struct {
				Type int `json:"type"`
			}
			if err := json.Unmarshal(r.Body, &cb); err != nil {
				t.Errorf("%s: body %s: %v", r.Route, r.Body, err)
				continue
			}
			if cb.Type == int(discordgo.InteractionApplicationCommandAutocompleteResult) || cb.Type == int(discordgo.InteractionResponseDeferredMessageUpdate) || cb.Type == int(discordgo.InteractionResponsePong) {
				continue
			}
		}
		m, ok := r.Message()
		if !ok {
			if r.Route == discordtest.RouteCallback || r.Route == discordtest.RouteCreateMessage || r.Route == discordtest.RouteFollowup ||
				r.Route == discordtest.RouteEditOriginal || r.Route == discordtest.RouteEditFollowup {
				t.Errorf("%s: body %s carries no message", r.Route, r.Body)
			}
			continue
		}
		am := m.AllowedMentions
		if am == nil || am.Parse == nil || len(am.Parse) != 0 || len(am.Users) != 0 || len(am.Roles) != 0 || am.RepliedUser {
			j, _ := json.Marshal(am)
			t.Errorf("%s: allowed_mentions = %s, want {\"parse\": []}; body %s", r.Route, j, r.Body)
		}
	}
	for _, route := range want {
		if seen[route] == 0 {
			t.Errorf("no accepted %s: the test no longer drives that path (seen %v)", route, seen)
		}
	}
	for _, m := range srv.Sent() {
		if m.Pings() {
			t.Errorf("message %s (%q) pings %v, roles %v, everyone %t", m.ID, m.Text(), m.Mentions, m.MentionRoles, m.MentionEveryone)
		}
	}
}
