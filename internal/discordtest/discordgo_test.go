package discordtest_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"kutip/internal/discordtest"
)

// These tests drive the fake with a real discordgo session, pointed at it
// through Server.Client, so they share no package state and run in
// parallel. discordgo sleeps a second in Close, and as long again whenever
// it reconnects.

// openSession connects a discordgo session to srv and closes it at the end
// of the test, before the fake.
func openSession(t *testing.T, srv *discordtest.Server, setup func(*discordgo.Session)) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New("Bot " + srv.Token)
	if err != nil {
		t.Fatal(err)
	}
	s.Client = srv.Client()
	if setup != nil {
		setup(s)
	}
	if err := s.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if err := srv.WaitReady(t.Context()); err != nil {
		t.Fatal(err)
	}
	return s
}

var askCommand = &discordgo.ApplicationCommand{
	Name:        "ask",
	Description: "Ask a question",
	Options: []*discordgo.ApplicationCommandOption{{
		Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "The question", Required: true,
	}},
}

func register(t *testing.T, s *discordgo.Session, srv *discordtest.Server, cmds ...*discordgo.ApplicationCommand) []*discordgo.ApplicationCommand {
	t.Helper()
	got, err := s.ApplicationCommandBulkOverwrite(srv.Bot.ID, "", cmds)
	if err != nil {
		t.Fatalf("ApplicationCommandBulkOverwrite: %v", err)
	}
	return got
}

// recorder collects the interactions a session receives.
type recorder struct {
	mu  sync.Mutex
	ids []string
}

func (r *recorder) add(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ids = append(r.ids, id)
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.ids...)
}

func ask(t *testing.T, srv *discordtest.Server, q string) string {
	t.Helper()
	id, err := srv.Interact(t.Context(), discordtest.Interaction{
		Name: "ask", Options: []discordtest.Option{{Name: "question", Value: q}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// answerer returns a handler that answers every /ask with its question.
func answerer(t *testing.T, seen *recorder) func(*discordgo.Session, *discordgo.InteractionCreate) {
	return func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		seen.add(i.ID)
		q := i.ApplicationCommandData().Options[0].StringValue()
		err := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{
				Content:         "you asked: " + q,
				AllowedMentions: &discordgo.MessageAllowedMentions{},
			},
		})
		if err != nil {
			t.Errorf("InteractionRespond: %v", err)
		}
	}
}

func TestIdentifyReady(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	s := openSession(t, srv, nil)

	if s.State.User == nil || s.State.User.ID != srv.Bot.ID || !s.State.User.Bot {
		t.Errorf("State.User = %+v, want the bot %s", s.State.User, srv.Bot.ID)
	}
	if s.State.Application == nil || s.State.Application.ID != srv.Bot.ID {
		t.Errorf("State.Application = %+v, want ID %s", s.State.Application, srv.Bot.ID)
	}
	// GUILD_CREATE follows READY for a client with the GUILDS intent.
	err := srv.WaitFor(t.Context(), func() bool {
		ch, err := s.State.Channel(srv.ChannelID)
		return err == nil && ch.GuildID == srv.GuildID
	})
	if err != nil {
		t.Errorf("channel %s never reached discordgo's state: %v", srv.ChannelID, err)
	}
	st := srv.Stats()
	if st.Connections != 1 || st.Identifies != 1 || st.Resumes != 0 {
		t.Errorf("Stats = %+v, want one connection and one identify", st)
	}
}

func TestHeartbeatAck(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{HeartbeatInterval: 200 * time.Millisecond}) // discordgo reconnects after 5 intervals without an ACK
	s := openSession(t, srv, nil)

	err := srv.WaitFor(t.Context(), func() bool {
		s.RLock()
		defer s.RUnlock()
		return srv.Stats().Heartbeats >= 3 && !s.LastHeartbeatAck.Before(s.LastHeartbeatSent)
	})
	if err != nil {
		t.Fatalf("discordgo saw no HEARTBEAT_ACK for its third heartbeat: %v", err)
	}
	before := srv.Stats().Heartbeats
	if n := srv.RequestHeartbeat(); n != 1 {
		t.Fatalf("RequestHeartbeat reached %d clients, want 1", n)
	}
	if err := srv.WaitFor(t.Context(), func() bool { return srv.Stats().Heartbeats > before }); err != nil {
		t.Errorf("no heartbeat after op 1: %v", err)
	}
	if st := srv.Stats(); st.Identifies != 1 || st.Resumes != 0 {
		t.Errorf("heartbeats caused a reconnect: %+v", st)
	}
}

func TestReconnectResumes(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	seen := &recorder{}
	s := openSession(t, srv, func(s *discordgo.Session) { s.AddHandler(answerer(t, seen)) })
	register(t, s, srv, askCommand)

	if n := srv.Reconnect(); n != 1 {
		t.Fatalf("Reconnect reached %d clients, want 1", n)
	}
	id := ask(t, srv, "asked while reconnecting")
	if _, err := srv.WaitReply(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	st := srv.Stats()
	if st.Resumes != 1 || st.Identifies != 1 || st.Replayed != 1 {
		t.Errorf("Stats = %+v, want one identify, one resume replaying the interaction", st)
	}
	if got := seen.got(); len(got) != 1 || got[0] != id {
		t.Errorf("handler saw %v, want [%s] once", got, id)
	}
}

func TestCutConnectionReplaysMissedEvents(t *testing.T) {
	t.Parallel()
	// Without the echo of the bot's own messages, the only events are the
	// interactions, so the replay count is exact.
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	seen := &recorder{}
	s := openSession(t, srv, func(s *discordgo.Session) { s.AddHandler(answerer(t, seen)) })
	register(t, s, srv, askCommand)

	first := ask(t, srv, "before the cut")
	if _, err := srv.WaitReply(t.Context(), first); err != nil {
		t.Fatal(err)
	}
	if n := srv.CutConnections(); n != 1 {
		t.Fatalf("CutConnections cut %d, want 1", n)
	}
	var ids []string
	for _, q := range []string{"one", "two", "three"} {
		ids = append(ids, ask(t, srv, q))
	}
	for _, id := range ids {
		if _, err := srv.WaitReply(t.Context(), id); err != nil {
			t.Fatal(err)
		}
	}
	// discordgo runs each handler in a goroutine of its own, so the order
	// they run in is not the order of the events.
	want := append([]string{first}, ids...)
	got := seen.got()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("handler saw %v, want %v, each once", got, want)
	}
	st := srv.Stats()
	if st.Cuts != 1 || st.Resumes != 1 || st.Identifies != 1 || st.Replayed != 3 {
		t.Errorf("Stats = %+v, want one cut, one resume replaying 3 events", st)
	}
}

func TestInvalidSessionReidentifies(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	seen := &recorder{}
	s := openSession(t, srv, func(s *discordgo.Session) { s.AddHandler(answerer(t, seen)) })
	register(t, s, srv, askCommand)

	if n := srv.InvalidSession(false); n != 1 {
		t.Fatalf("InvalidSession reached %d clients, want 1", n)
	}
	id := ask(t, srv, "after a new session")
	if _, err := srv.WaitReply(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	if st := srv.Stats(); st.Identifies != 2 || st.Connections != 1 {
		t.Errorf("Stats = %+v, want a second identify on the same connection", st)
	}
}

func TestRateLimitedCallbackIsRetriedOnce(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	seen := &recorder{}
	s := openSession(t, srv, func(s *discordgo.Session) { s.AddHandler(answerer(t, seen)) })
	register(t, s, srv, askCommand)

	srv.FailNext(discordtest.Fault{Route: discordtest.RouteCallback, Status: 429, RetryAfter: 0.05})
	id := ask(t, srv, "rate limited?")
	r, err := srv.WaitReply(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if r.Original == nil || r.Original.Content != "you asked: rate limited?" {
		t.Errorf("Reply = %+v, want the answer", r)
	}
	var attempts []int
	for _, req := range srv.Requests() {
		if req.InteractionID == id {
			attempts = append(attempts, req.Status)
		}
	}
	if len(attempts) != 2 || attempts[0] != 429 || attempts[1] != 204 {
		t.Errorf("callback attempts answered %v, want [429 204]", attempts)
	}
	if got := srv.Responses(id); len(got) != 1 || got[0].Route != discordtest.RouteCallback {
		t.Errorf("Responses = %d requests, want the one callback", len(got))
	}
}

func TestDoubleCallbackIsRejected(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	second := make(chan error, 1)
	s := openSession(t, srv, func(s *discordgo.Session) {
		s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
			resp := &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{Content: "once"},
			}
			if err := s.InteractionRespond(i.Interaction, resp); err != nil {
				t.Errorf("first InteractionRespond: %v", err)
			}
			second <- s.InteractionRespond(i.Interaction, resp)
		})
	})
	register(t, s, srv, askCommand)
	ask(t, srv, "twice")

	var rest *discordgo.RESTError
	if err := <-second; !errors.As(err, &rest) || rest.Message == nil || rest.Message.Code != 40060 {
		t.Errorf("second InteractionRespond = %v, want a RESTError with code 40060", err)
	}
	if st := srv.Stats(); st.Callbacks != 1 || st.DoubleAcks != 1 {
		t.Errorf("Stats = %+v, want one callback accepted and one refused", st)
	}
}

func TestLostCallbackAnswerMakesRetryDoubleAck(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	errc := make(chan error, 1)
	s := openSession(t, srv, func(s *discordgo.Session) {
		s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
			errc <- s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{Content: "delivered, answer lost"},
			})
		})
	})
	register(t, s, srv, askCommand)
	// The callback lands but its answer is a 502; discordgo retries 502s,
	// and the retry finds the interaction already acknowledged.
	srv.FailNext(discordtest.Fault{Route: discordtest.RouteCallback, Status: 502, AfterApply: true})
	id := ask(t, srv, "lost answer")

	var rest *discordgo.RESTError
	if err := <-errc; !errors.As(err, &rest) || rest.Message == nil || rest.Message.Code != 40060 {
		t.Errorf("InteractionRespond = %v, want the retry's 40060", err)
	}
	if r := srv.Reply(id); r.Original == nil || r.Original.Content != "delivered, answer lost" {
		t.Errorf("Reply = %+v, want the first attempt's message", r)
	}
}

func TestLateCallbackIsUnknown(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{InteractionTimeout: 20 * time.Millisecond})
	errc := make(chan error, 1)
	s := openSession(t, srv, func(s *discordgo.Session) {
		s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
			time.Sleep(50 * time.Millisecond)
			errc <- s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			})
		})
	})
	register(t, s, srv, askCommand)
	ask(t, srv, "too slow")

	var rest *discordgo.RESTError
	if err := <-errc; !errors.As(err, &rest) || rest.Message == nil || rest.Message.Code != 10062 {
		t.Errorf("late InteractionRespond = %v, want a RESTError with code 10062", err)
	}
	if st := srv.Stats(); st.LateAcks != 1 || st.Callbacks != 0 {
		t.Errorf("Stats = %+v, want one late callback refused", st)
	}
}

func TestDeferThenEdit(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	errc := make(chan error, 3)
	s := openSession(t, srv, func(s *discordgo.Session) {
		s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
			content := "the answer"
			// Editing before the callback: the webhook does not exist yet.
			_, err := s.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{Content: &content})
			errc <- err
			errc <- s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
			})
			_, err = s.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{
				Content:         &content,
				Embeds:          &[]*discordgo.MessageEmbed{{Title: "Source", Description: "¶8"}},
				AllowedMentions: &discordgo.MessageAllowedMentions{},
			})
			errc <- err
		})
	})
	register(t, s, srv, askCommand)
	id := ask(t, srv, "defer me")

	var rest *discordgo.RESTError
	if err := <-errc; !errors.As(err, &rest) || rest.Message == nil || rest.Message.Code != 10015 {
		t.Errorf("edit before the callback = %v, want a RESTError with code 10015", err)
	}
	for range 2 {
		if err := <-errc; err != nil {
			t.Error(err)
		}
	}
	r := srv.Reply(id)
	if r.CallbackType != 5 || r.Original == nil {
		t.Fatalf("Reply = %+v, want a deferred response", r)
	}
	o := r.Original
	if o.Loading || !o.Ephemeral || o.Text() != "the answer\nSource\n¶8" || o.Edits != 0 {
		t.Errorf("Original = %+v, want the filled-in ephemeral answer", o)
	}
}

func TestMentionReplyAndEcho(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	var mu sync.Mutex
	contents := map[string]string{} // message ID → content as received
	openSession(t, srv, func(s *discordgo.Session) {
		s.AddHandler(func(s *discordgo.Session, m *discordgo.MessageCreate) {
			mu.Lock()
			contents[m.ID] = m.Content
			mu.Unlock()
			if m.Author.ID == s.State.User.ID {
				return
			}
			for _, u := range m.Mentions {
				if u.ID == s.State.User.ID {
					_, err := s.ChannelMessageSendComplex(m.ChannelID, &discordgo.MessageSend{
						Content:         "hi <@" + m.Author.ID + "> @everyone",
						Reference:       m.Reference(),
						AllowedMentions: &discordgo.MessageAllowedMentions{},
					})
					if err != nil {
						t.Errorf("ChannelMessageSendComplex: %v", err)
					}
				}
			}
		})
	})

	plain, err := srv.Message(t.Context(), discordtest.Message{Content: "no mention here"})
	if err != nil {
		t.Fatal(err)
	}
	mention, err := srv.Message(t.Context(), discordtest.Message{Content: "<@" + srv.Bot.ID + "> when?"})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := srv.WaitSent(t.Context(), func(m discordtest.Sent) bool { return m.ReplyTo == mention })
	if err != nil {
		t.Fatal(err)
	}
	if reply.Pings() || reply.ChannelID != srv.ChannelID {
		t.Errorf("reply = %+v, want one in %s that pings nobody", reply, srv.ChannelID)
	}
	// The bot gets its own reply back, as on Discord.
	err = srv.WaitFor(t.Context(), func() bool {
		mu.Lock()
		defer mu.Unlock()
		_, ok := contents[reply.ID]
		return ok
	})
	if err != nil {
		t.Fatalf("no MESSAGE_CREATE for the bot's own reply: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	// discordgo's default intents leave out MESSAGE_CONTENT.
	if contents[plain] != "" {
		t.Errorf("content of a message without a mention = %q, want it hidden", contents[plain])
	}
	if contents[mention] == "" {
		t.Error("content of a message mentioning the bot is hidden, want it shown")
	}
}

func TestReplyWithoutAllowedMentionsPings(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	s := openSession(t, srv, nil)
	m, err := s.ChannelMessageSend(srv.ChannelID, "hello @everyone and <@"+srv.User.ID+">")
	if err != nil {
		t.Fatal(err)
	}
	if !m.MentionEveryone || len(m.Mentions) != 1 || m.Mentions[0].ID != srv.User.ID {
		t.Errorf("message = everyone %t, mentions %v; want both pinged by default", m.MentionEveryone, m.Mentions)
	}
}

func TestBadGatewayIsRetried(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	s := openSession(t, srv, nil)
	srv.FailNext(discordtest.Fault{Route: discordtest.RouteCreateMessage, Status: 502, Times: 2})
	if _, err := s.ChannelMessageSend(srv.ChannelID, "third time lucky"); err != nil {
		t.Fatal(err)
	}
	if st := srv.Stats(); st.Faults != 2 || len(srv.Sent()) != 1 {
		t.Errorf("Stats = %+v, Sent = %d, want 2 faults and one message", st, len(srv.Sent()))
	}
}

func TestMessageCommand(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	got := make(chan discordgo.ApplicationCommandInteractionData, 1)
	s := openSession(t, srv, func(s *discordgo.Session) {
		s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) { got <- i.ApplicationCommandData() })
	})
	register(t, s, srv, askCommand, &discordgo.ApplicationCommand{Name: "Ask kutip", Type: discordgo.MessageApplicationCommand})
	_, err := srv.Interact(t.Context(), discordtest.Interaction{
		Name: "Ask kutip", Type: discordtest.MessageCommand,
		Target: &discordtest.Message{Content: "when did Russia ratify?"},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	select {
	case d := <-got:
		m := d.Resolved.Messages[d.TargetID]
		if m == nil || m.Content != "when did Russia ratify?" || m.ChannelID != srv.ChannelID {
			t.Errorf("resolved target = %+v, want the message", m)
		}
	case <-ctx.Done():
		t.Fatal("no interaction")
	}
}
