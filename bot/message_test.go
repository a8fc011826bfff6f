package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"kutip/retrieval"
)

const self = "100" // the bot's user ID in these tests

func message(id, guild, content string, mentions ...string) *discordgo.Message {
	m := &discordgo.Message{
		ID: id, ChannelID: "c1", GuildID: guild, Content: content, Type: discordgo.MessageTypeDefault,
		Author: &discordgo.User{ID: "u1", Username: "asker"},
	}
	for _, u := range mentions {
		m.Mentions = append(m.Mentions, &discordgo.User{ID: u})
	}
	return m
}

func TestOnMessage(t *testing.T) {
	fromBot := message("m1", "g1", "<@100> when?", self)
	fromBot.Author.Bot = true
	fromSelf := message("m1", "g1", "<@100> when?", self)
	fromSelf.Author.ID = self
	webhook := message("m1", "g1", "<@100> when?", self)
	webhook.WebhookID = "w1"
	system := message("m1", "g1", "<@100> when?", self)
	system.Type = discordgo.MessageTypeGuildMemberJoin
	reply := message("m1", "g1", "and the date?", self)
	reply.Type = discordgo.MessageTypeReply

	tests := []struct {
		name      string
		m         *discordgo.Message
		wantAsked string // "" = not asked
		wantReply string // "" = no reply; else text in the reply
	}{
		{"mention in a server", message("m1", "g1", "<@100> when did Russia ratify?", self), "when did Russia ratify?", "when did Russia ratify?"},
		{"old nickname mention", message("m1", "g1", "hey <@!100>,   when?", self), "hey , when?", "when?"},
		{"reply that pings the bot", reply, "and the date?", "and the date?"},
		{"other mentions stay", message("m1", "g1", "<@100> is <@200> right?", self, "200"), "is <@200> right?", "\\<@\u200b200\\>"},
		{"direct message", message("m1", "", "when did Russia ratify?"), "when did Russia ratify?", "when did Russia ratify?"},
		{"only the mention", message("m1", "g1", "<@100>", self), "", "Ask me a question"},
		{"not mentioned", message("m1", "g1", "when did Russia ratify?", "200"), "", ""},
		{"from a bot", fromBot, "", ""},
		{"from itself", fromSelf, "", ""},
		{"from a webhook", webhook, "", ""},
		{"system message", system, "", ""},
		{"capped", message("m1", "", strings.Repeat("a", 1000)), strings.Repeat("a", 300), "aaa"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix := &fakeIndex{}
			b, rec, _ := newTestBot(t, ix, Options{})
			b.onMessage(t.Context(), rec, self, tc.m)
			calls := rec.all()
			if tc.wantReply == "" {
				if len(calls) != 0 {
					t.Fatalf("got %d calls, want none: %+v", len(calls), calls)
				}
				return
			}
			c := one(t, rec)
			s := c.send
			if c.method != "send" || c.channel != "c1" {
				t.Fatalf("call = %s to %q, want send to c1", c.method, c.channel)
			}
			if s.Reference == nil || s.Reference.MessageID != "m1" || s.Reference.ChannelID != "c1" {
				t.Errorf("reference = %+v, want a reply to m1", s.Reference)
			}
			if s.Reference != nil && (s.Reference.FailIfNotExists == nil || *s.Reference.FailIfNotExists) {
				t.Error("fail_if_not_exists is not false: a deleted question would lose the answer")
			}
			am := s.AllowedMentions
			if am == nil || am.Parse == nil || len(am.Parse) != 0 || am.RepliedUser {
				t.Errorf("allowed_mentions = %+v, want an empty parse list and no reply ping", am)
			}
			if s.Flags != 0 {
				t.Errorf("flags = %d, want none on a channel message", s.Flags)
			}
			text := s.Content
			for _, e := range s.Embeds {
				text += e.Title
			}
			if !strings.Contains(text, tc.wantReply) {
				t.Errorf("reply %q does not contain %q", text, tc.wantReply)
			}
			var want []string
			if tc.wantAsked != "" {
				want = []string{tc.wantAsked}
			}
			if fmt.Sprint(ix.asked) != fmt.Sprint(want) {
				t.Errorf("asked %q, want %q", ix.asked, want)
			}
		})
	}
}

func TestOnMessageRateLimitNoticeOnce(t *testing.T) {
	b, rec, _ := newTestBot(t, &fakeIndex{}, Options{RateCount: 1, RateWindow: time.Hour})
	for i := range 4 {
		b.onMessage(t.Context(), rec, self, message(fmt.Sprint("m", i), "g1", "<@100> when?", self))
	}
	calls := rec.all()
	if len(calls) != 2 {
		t.Fatalf("got %d replies, want the answer and one notice: %+v", len(calls), calls)
	}
	if !strings.Contains(calls[1].send.Content, "Try again") {
		t.Errorf("second reply = %q, want the rate-limit notice", calls[1].send.Content)
	}
}

// TestOnMessageRateLimitNoticeLanguage: a mention has no locale, so the
// notice follows the language of the question that was refused.
func TestOnMessageRateLimitNoticeLanguage(t *testing.T) {
	tests := []struct{ question, want string }{
		{"<@100> when did Russia ratify the treaty?", "Try again"},
		{"<@100> kapan Rusia meratifikasi perjanjian itu?", "Coba lagi"},
	}
	for _, tc := range tests {
		b, rec, _ := newTestBot(t, &fakeIndex{}, Options{RateCount: 1, RateWindow: time.Hour})
		b.onMessage(t.Context(), rec, self, message("m1", "g1", "<@100> first", self))
		b.onMessage(t.Context(), rec, self, message("m2", "g1", tc.question, self))
		calls := rec.all()
		if len(calls) != 2 {
			t.Fatalf("%q: got %d replies, want the answer and the notice", tc.question, len(calls))
		}
		if got := calls[1].send.Content; !strings.Contains(got, tc.want) {
			t.Errorf("%q: notice = %q, want it to hold %q", tc.question, got, tc.want)
		}
	}
}

func TestOnMessageIndexError(t *testing.T) {
	ix := &fakeIndex{askFn: func(_ context.Context, _ string) (retrieval.Answer, error) { return retrieval.Answer{}, errIndex }}
	b, rec, logs := newTestBot(t, ix, Options{})
	b.onMessage(t.Context(), rec, self, message("m5", "", "when?"))
	if c := one(t, rec); c.send.Content != failed.Content {
		t.Errorf("reply = %q, want the generic failure", c.send.Content)
	}
	if l := logs.String(); !strings.Contains(l, "message=m5") || !strings.Contains(l, "index broke") {
		t.Errorf("log lacks the message ID or the detail:\n%s", l)
	}
}
