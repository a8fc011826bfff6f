package discordtest_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/bwmarrin/discordgo"

	"kutip/internal/discordtest"
)

// TestReplyToMessage: a user's reply carries message_reference and the
// replied message, its components included, and pings its author.
func TestReplyToMessage(t *testing.T) {
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	s := openSession(t, srv, nil)
	got := make(chan *discordgo.Message, 1)
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m.Message })

	sent, err := s.ChannelMessageSendComplex(srv.ChannelID, &discordgo.MessageSend{
		Content: "**6 November**",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "More", CustomID: "k1:more:1", Style: discordgo.SecondaryButton},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Message(t.Context(), discordtest.Message{ReplyTo: sent.ID, Content: "and North Korea?"}); err != nil {
		t.Fatal(err)
	}
	var m *discordgo.Message
	select {
	case m = <-got:
	case <-t.Context().Done():
		t.Fatal("no MESSAGE_CREATE")
	}
	if m.Type != discordgo.MessageTypeReply || m.MessageReference == nil || m.MessageReference.MessageID != sent.ID {
		t.Fatalf("reply has type %d, reference %+v; want a reply to %s", m.Type, m.MessageReference, sent.ID)
	}
	if m.Content != "and North Korea?" {
		t.Errorf("content %q: a reply to the bot is addressed to it, its text arrives without the content intent", m.Content)
	}
	ref := m.ReferencedMessage
	if ref == nil || ref.Author == nil || ref.Author.ID != srv.Bot.ID || len(ref.Components) != 1 {
		t.Fatalf("referenced_message = %+v, want the bot's message with its button row", ref)
	}
	if row, ok := ref.Components[0].(*discordgo.ActionsRow); !ok || len(row.Components) != 1 || row.Components[0].(*discordgo.Button).CustomID != "k1:more:1" {
		t.Errorf("referenced_message components = %+v, want the More button", ref.Components)
	}
	pinged := false
	for _, u := range m.Mentions {
		pinged = pinged || u.ID == srv.Bot.ID
	}
	if !pinged {
		t.Errorf("reply mentions %+v, want the replied author (Discord's default)", m.Mentions)
	}
}

// TestStartThread: a thread started from a message has its ID and the
// message's channel as parent, comes as THREAD_CREATE, takes messages, and
// the errors Discord gives come back for a second thread, an unknown
// message, a bad name and a channel without the permission.
func TestStartThread(t *testing.T) {
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	s := openSession(t, srv, nil)
	created := make(chan *discordgo.Channel, 1)
	s.AddHandler(func(_ *discordgo.Session, c *discordgo.ThreadCreate) { created <- c.Channel })

	post := func(ch string) string {
		t.Helper()
		m, err := s.ChannelMessageSend(ch, "answer")
		if err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	msg := post(srv.ChannelID)
	th, err := s.MessageThreadStartComplex(srv.ChannelID, msg, &discordgo.ThreadStart{Name: "when did Russia ratify?", AutoArchiveDuration: 1440})
	if err != nil {
		t.Fatal(err)
	}
	if th.ID != msg || th.ParentID != srv.ChannelID || th.Type != discordgo.ChannelTypeGuildPublicThread || th.Name != "when did Russia ratify?" || th.OwnerID != srv.Bot.ID {
		t.Errorf("thread = %+v, want ID %s, parent %s, a public thread owned by the bot", th, msg, srv.ChannelID)
	}
	select {
	case c := <-created:
		if c.ID != msg || c.ParentID != srv.ChannelID {
			t.Errorf("THREAD_CREATE = %+v, want the thread %s in %s", c, msg, srv.ChannelID)
		}
	case <-t.Context().Done():
		t.Fatal("no THREAD_CREATE")
	}
	if got, err := s.Channel(msg); err != nil || !got.IsThread() || got.ParentID != srv.ChannelID {
		t.Errorf("GET /channels/%s = %+v, %v; want the thread", msg, got, err)
	}
	if got := srv.Threads(); len(got) != 1 || got[0] != msg {
		t.Errorf("Threads() = %v, want [%s]", got, msg)
	}
	if _, err := s.ChannelMessageSend(msg, "in the thread"); err != nil {
		t.Errorf("posting in the thread: %v", err)
	}

	denied := srv.AddChannel(discordtest.Channel{Name: "no-threads"})
	srv.DenyThreads(denied)
	tests := []struct {
		name          string
		channel, msg  string
		threadName    string
		status, code  int
		archiveMinute int
	}{
		{"second thread", srv.ChannelID, msg, "again", http.StatusBadRequest, 160004, 0},
		{"unknown message", srv.ChannelID, "123", "x", http.StatusNotFound, discordgo.ErrCodeUnknownMessage, 0},
		{"empty name", srv.ChannelID, post(srv.ChannelID), " ", http.StatusBadRequest, discordgo.ErrCodeInvalidFormBody, 0},
		{"bad archive duration", srv.ChannelID, post(srv.ChannelID), "x", http.StatusBadRequest, discordgo.ErrCodeInvalidFormBody, 30},
		{"no permission", denied, post(denied), "x", http.StatusForbidden, discordgo.ErrCodeMissingPermissions, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.MessageThreadStartComplex(tc.channel, tc.msg, &discordgo.ThreadStart{Name: tc.threadName, AutoArchiveDuration: tc.archiveMinute})
			var rest *discordgo.RESTError
			if !errors.As(err, &rest) || rest.Response.StatusCode != tc.status || rest.Message == nil || rest.Message.Code != tc.code {
				t.Errorf("start thread: %v, want status %d code %d", err, tc.status, tc.code)
			}
		})
	}
}

// TestReplyWithoutPing: a reply with its @ off mentions no one, and
// without the Message Content intent its text arrives empty.
func TestReplyWithoutPing(t *testing.T) {
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	s := openSession(t, srv, nil)
	got := make(chan *discordgo.Message, 1)
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m.Message })
	sent, err := s.ChannelMessageSend(srv.ChannelID, "answer")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Message(t.Context(), discordtest.Message{ReplyTo: sent.ID, NoPing: true, Content: "and North Korea?"}); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-got:
		if m.MessageReference == nil || m.MessageReference.MessageID != sent.ID || len(m.Mentions) != 0 || m.Content != "" {
			t.Errorf("reply without @ = reference %+v, mentions %d, content %q; want a reply, no mention, no content", m.MessageReference, len(m.Mentions), m.Content)
		}
	case <-t.Context().Done():
		t.Fatal("no MESSAGE_CREATE")
	}
}
