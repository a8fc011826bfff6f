package discordtest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"kutip/internal/discordtest"
)

// A test of a bot: the bot answers /ask, the test asks and reads the
// answer. This example needs a *testing.T, so it is compiled but not run;
// TestExample below runs the same code.
func Example() {
	var t *testing.T // the test's t
	exampleTest(t)
}

func TestExample(t *testing.T) {
	t.Parallel()
	exampleTest(t)
}

func exampleTest(t *testing.T) {
	srv := discordtest.New(t, discordtest.Options{})

	// The bot under test: a discordgo session pointed at the fake.
	s, _ := discordgo.New("Bot " + srv.Token)
	s.Client = srv.Client()
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		q := i.ApplicationCommandData().Options[0].StringValue()
		s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{
				Content:         "You asked: " + q,
				AllowedMentions: &discordgo.MessageAllowedMentions{},
			},
		})
	})
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.ApplicationCommandBulkOverwrite(srv.Bot.ID, "", []*discordgo.ApplicationCommand{{
		Name: "ask", Description: "Ask a question",
		Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "The question", Required: true,
		}},
	}})

	// The test, as the user.
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	id, err := srv.Interact(ctx, discordtest.Interaction{
		Name:    "ask",
		Options: []discordtest.Option{{Name: "question", Value: "@everyone, when?"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := srv.WaitReply(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(reply.Original.Text(), "when?") || reply.Original.Pings() {
		t.Errorf("reply = %+v", reply.Original)
	}
}
