package discordtest_test

import (
	"testing"

	"github.com/bwmarrin/discordgo"

	"kutip/internal/discordtest"
)

// TestChannelsParents checks categories, channels in them and threads:
// GET /channels/{id} gives each its type and parent, GUILD_CREATE lists
// those added before the session connected (threads among the threads,
// as discordgo's state keeps them), and events carry their channel.
func TestChannelsParents(t *testing.T) {
	srv := discordtest.New(t, discordtest.Options{})
	cat := srv.AddChannel(discordtest.Channel{Type: discordtest.CategoryChannel, Name: "handbook"})
	hr := srv.AddChannel(discordtest.Channel{Parent: cat, Name: "hr"})
	thread := srv.AddChannel(discordtest.Channel{Type: discordtest.PublicThread, Parent: hr, Name: "leave"})
	s := openSession(t, srv, nil)
	// discordgo fills its state from GUILD_CREATE in its own goroutine,
	// after READY; wait for it before adding a channel it must not list.
	if err := srv.WaitFor(testCtx(t), func() bool { _, err := s.State.Channel(thread); return err == nil }); err != nil {
		t.Fatalf("GUILD_CREATE never reached discordgo's state: %v", err)
	}
	later := srv.AddChannel(discordtest.Channel{Type: discordtest.PublicThread, Parent: srv.ChannelID})

	tests := []struct {
		id, parent string
		typ        discordgo.ChannelType
		inState    bool
	}{
		{cat, "", discordgo.ChannelTypeGuildCategory, true},
		{hr, cat, discordgo.ChannelTypeGuildText, true},
		{thread, hr, discordgo.ChannelTypeGuildPublicThread, true},
		{srv.ChannelID, "", discordgo.ChannelTypeGuildText, true},
		{later, srv.ChannelID, discordgo.ChannelTypeGuildPublicThread, false},
	}
	for _, tc := range tests {
		ch, err := s.Channel(tc.id)
		if err != nil {
			t.Fatalf("GET /channels/%s: %v", tc.id, err)
		}
		if ch.ParentID != tc.parent || ch.Type != tc.typ || ch.GuildID != srv.GuildID {
			t.Errorf("GET /channels/%s = parent %q type %d guild %q, want %q %d %q", tc.id, ch.ParentID, ch.Type, ch.GuildID, tc.parent, tc.typ, srv.GuildID)
		}
		st, err := s.State.Channel(tc.id)
		if inState := err == nil; inState != tc.inState {
			t.Errorf("channel %s in discordgo's state = %v, want %v", tc.id, inState, tc.inState)
		} else if inState && st.ParentID != tc.parent {
			t.Errorf("channel %s in discordgo's state has parent %q, want %q", tc.id, st.ParentID, tc.parent)
		}
	}

	got := make(chan *discordgo.Message, 1)
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m.Message })
	if _, err := srv.Message(t.Context(), discordtest.Message{ChannelID: thread, Content: "<@" + srv.Bot.ID + "> hello"}); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-got:
		if m.ChannelID != thread {
			t.Errorf("MESSAGE_CREATE in channel %s, want the thread %s", m.ChannelID, thread)
		}
	case <-t.Context().Done():
		t.Fatal(t.Context().Err())
	}
}

func TestAddChannelRefusesBadParents(t *testing.T) {
	srv := discordtest.New(t, discordtest.Options{})
	cat := srv.AddChannel(discordtest.Channel{Type: discordtest.CategoryChannel})
	for name, c := range map[string]discordtest.Channel{
		"thread without a channel":  {Type: discordtest.PublicThread},
		"thread in a category":      {Type: discordtest.PublicThread, Parent: cat},
		"category in a category":    {Type: discordtest.CategoryChannel, Parent: cat},
		"channel in a text channel": {Parent: srv.ChannelID},
		"unknown parent":            {Parent: "123"},
		"unknown guild":             {GuildID: "42"},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("AddChannel(%+v) did not panic", c)
				}
			}()
			srv.AddChannel(c)
		})
	}
}
