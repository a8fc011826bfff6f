package bot

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"kutip/corpus"
	"kutip/retrieval"
)

// fuzzIndex is a real index over the built-in article and a document whose
// title and text are hostile, so that fuzzed questions run through the real
// engine and replies quote text that tries to ping and to format.
func fuzzIndex(f *testing.F) *retrieval.Index {
	f.Helper()
	hostileDoc := corpus.Document{
		ID: "hostile/@everyone\u202e", Title: "@everyone <@&123> **bold** `code` ||spoiler|| \u202efdp.exe\u2066 \u0645\u0639\u0627\u0647\u062f\u0629", URL: "javascript:alert(1)", Lang: "en",
		Paragraphs: corpus.Paragraphs("Ping @everyone and @here and <@123456789012345678> now, said the **treaty** ~~text~~.\n\n" +
			"The treaty \u202ewas signed\u2067 in \u2068Pyongyang\u200f\u061c\u200e by the \u202a\u202b\u202c\u202dleaders.\n\n" +
			"The > quote and # heading and [link](https://evil.example) were signed in June."),
	}
	ix, err := retrieval.Build(context.Background(), append(corpus.Default(), hostileDoc), retrieval.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { ix.Close() })
	return ix
}

// fuzzOption makes an option named name whose value has the type kind
// picks: the type the command expects, or any other JSON type, since a
// changed command schema or a forged request can send anything.
func fuzzOption(name string, kind uint8, s string, n float64, b bool) *discordgo.ApplicationCommandInteractionDataOption {
	o := &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionType(kind%12 + 1)}
	switch kind % 6 {
	case 0, 1:
		o.Value = s
	case 2:
		o.Value = n
	case 3:
		o.Value = b
	case 4:
		o.Value = nil
	case 5:
		o.Value = map[string]any{"x": s}
	}
	o.Focused = kind&0x80 != 0
	return o
}

// FuzzInteraction sends the interaction handler commands with arbitrary
// option values, names and types, and arbitrary "Ask kutip" targets, over a
// real index. Every interaction gets exactly one response; it is within
// Discord's limits, valid UTF-8, pings nobody (allowed_mentions parse is
// empty) and carries no live mention; autocomplete answers with at most 25
// choices of at most 100 characters.
func FuzzInteraction(f *testing.F) {
	ix := fuzzIndex(f)
	f.Add(uint8(0), "when did Russia ratify?", "nuclear", "korea-utara-rusia", 3.0, false, uint8(0), uint8(2), uint8(3))
	f.Add(uint8(1), "@everyone <@&1> ```x``` **b**", "@here", "#2", 1e300, true, uint8(3), uint8(0), uint8(0))
	f.Add(uint8(2), "", "", "hostile", -5.0, true, uint8(4), uint8(5), uint8(1))
	f.Add(uint8(4), "Ask kutip \u202e\u200b when was it signed?", "\xff", "@everyone", 0.5, false, uint8(0x80), uint8(0), uint8(0))
	f.Add(uint8(5), strings.Repeat("ification", 70), strings.Repeat("é", 500), strings.Repeat("x", 300), 10.0, false, uint8(1), uint8(1), uint8(1))
	f.Add(uint8(0), "\u202ewhen was the treaty signed in Pyongyang?\u2066", "\u2068signed", "hostile/@everyone\u202e", 2.0, false, uint8(0), uint8(3), uint8(2))
	f.Add(uint8(1), "\u200f\u061c", "\u202epyongyang", "#4", 3.0, false, uint8(0), uint8(3), uint8(2))
	f.Add(uint8(0x11), "", "\u202e", "", 0.0, false, uint8(0x80), uint8(0), uint8(0))
	f.Add(uint8(6), "+russia -korea title:x* /a+/ ~2 ^3", "<t:0:R>", "</ask:1>", 11.0, true, uint8(0x81), uint8(0x82), uint8(0x80))
	f.Fuzz(func(t *testing.T, which uint8, text, topic, doc string, n float64, private bool, k1, k2, k3 uint8) {
		b, rec, _ := newTestBot(t, ix, Options{})
		names := []string{cmdAsk, cmdSummary, cmdSource, cmdHelp, cmdMenuAsk, "gone", text}
		name := names[int(which)%len(names)]
		i := slash("i1", name,
			fuzzOption("question", k1, text, n, private),
			fuzzOption("private", k2, topic, n, private),
			fuzzOption("sentences", k3, doc, n, private),
			fuzzOption("topic", k1>>1, topic, n, private),
			fuzzOption("document", k2>>1, doc, n, private),
		)
		if which&0x10 != 0 {
			i.Type = discordgo.InteractionApplicationCommandAutocomplete
		}
		if name == cmdMenuAsk {
			i.Data = discordgo.ApplicationCommandInteractionData{
				Name: name, CommandType: discordgo.MessageApplicationCommand, TargetID: "m1",
				Resolved: &discordgo.ApplicationCommandInteractionDataResolved{
					Messages: map[string]*discordgo.Message{"m1": {ID: "m1", Content: text}},
				},
			}
		}
		if which&0x20 != 0 { // a DM: a user, no member
			i.GuildID, i.Member, i.User = "", nil, &discordgo.User{ID: "u2"}
		}

		b.onInteraction(t.Context(), rec, i)

		calls := rec.all()
		if len(calls) != 1 || calls[0].method != "respond" {
			t.Fatalf("%d calls, want one response: %+v", len(calls), calls)
		}
		resp := calls[0].resp
		if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
			checkChoices(t, resp)
			return
		}
		if resp.Type != discordgo.InteractionResponseChannelMessageWithSource {
			t.Fatalf("response type %d, want 4", resp.Type)
		}
		checkSafeReply(t, resp.Data)
	})
}

// checkSafeReply checks a fuzzed reply as checkData does, and that every
// text in it is valid UTF-8, pings no one and holds no stray bidirectional
// control.
func checkSafeReply(t *testing.T, d *discordgo.InteractionResponseData) {
	t.Helper()
	checkData(t, d)
	for _, s := range replyTexts(t, d) {
		if !utf8.ValidString(s) {
			t.Fatalf("reply text %q is not valid UTF-8", s)
		}
		if m := live(s); m != "" {
			t.Fatalf("reply has a live %s: %q", m, s)
		}
		if strayBidi(s) {
			t.Fatalf("reply holds a bidirectional control: %q", s)
		}
	}
}

// FuzzMessage sends the mention and DM handler arbitrary message text: it
// answers with exactly one reply to the message, within Discord's limits,
// pinging nobody.
func FuzzMessage(f *testing.F) {
	ix := fuzzIndex(f)
	f.Add("<@100> when did Russia ratify?", false)
	f.Add("<@!100> @everyone <@&5> **x** ```y```", false)
	f.Add("<@100>", false)
	f.Add("\xff\xfe <@100> \u202e", true)
	f.Add(strings.Repeat("<@100> ", 400), true)
	f.Add("<@100> \u202ewhen was the treaty signed in Pyongyang?\u2069\u200e", false)
	f.Fuzz(func(t *testing.T, content string, dm bool) {
		b, rec, _ := newTestBot(t, ix, Options{})
		m := &discordgo.Message{
			ID: "m1", ChannelID: "c1", GuildID: "g1", Content: content,
			Author:   &discordgo.User{ID: "u1"},
			Mentions: []*discordgo.User{{ID: "100"}},
		}
		if dm {
			m.GuildID, m.Mentions = "", nil
		}
		b.onMessage(t.Context(), rec, "100", m)
		calls := rec.all()
		if len(calls) != 1 || calls[0].method != "send" {
			t.Fatalf("%d calls, want one message: %+v", len(calls), calls)
		}
		s := calls[0].send
		if s.AllowedMentions == nil || s.AllowedMentions.Parse == nil || len(s.AllowedMentions.Parse) != 0 || s.AllowedMentions.RepliedUser {
			t.Fatalf("allowed_mentions = %+v, want nobody", s.AllowedMentions)
		}
		if s.Reference == nil || s.Reference.MessageID != "m1" {
			t.Fatalf("reference = %+v, want a reply to m1", s.Reference)
		}
		r := reply{Content: s.Content, Embeds: s.Embeds}
		if err := r.check(); err != nil {
			t.Fatal(err)
		}
		for _, txt := range replyTexts(t, &discordgo.InteractionResponseData{Content: s.Content, Embeds: s.Embeds}) {
			if m := live(txt); m != "" {
				t.Fatalf("reply has a live %s: %q", m, txt)
			}
			if strayBidi(txt) {
				t.Fatalf("reply holds a bidirectional control: %q", txt)
			}
		}
	})
}

// replyTexts returns every text of a message as Discord receives it: the
// JSON round trip undoes nothing a user could see.
func replyTexts(t *testing.T, d *discordgo.InteractionResponseData) []string {
	t.Helper()
	raw, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Content string `json:"content"`
		Embeds  []struct {
			Title, Description string
			Footer             *struct{ Text string }
			Author             *struct{ Name string }
			Fields             []struct{ Name, Value string }
		} `json:"embeds"`
	}
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	out := []string{back.Content}
	for _, e := range back.Embeds {
		out = append(out, e.Title, e.Description)
		if e.Footer != nil {
			out = append(out, e.Footer.Text)
		}
		if e.Author != nil {
			out = append(out, e.Author.Name)
		}
		for _, f := range e.Fields {
			out = append(out, f.Name, f.Value)
		}
	}
	return out
}

func checkChoices(t *testing.T, resp *discordgo.InteractionResponse) {
	t.Helper()
	if resp.Type != discordgo.InteractionApplicationCommandAutocompleteResult || resp.Data == nil {
		t.Fatalf("autocomplete answered with type %d", resp.Type)
	}
	if resp.Data.Choices == nil || len(resp.Data.Choices) > maxChoices {
		t.Fatalf("%d choices (nil %v), want a list of at most %d", len(resp.Data.Choices), resp.Data.Choices == nil, maxChoices)
	}
	for _, c := range resp.Data.Choices {
		v, _ := c.Value.(string)
		if c.Name == "" || width(c.Name) > maxChoiceName || v == "" || width(v) > maxChoiceName || !utf8.ValidString(c.Name) || hasBidi(c.Name) {
			t.Fatalf("choice %+v breaks Discord's limits", c)
		}
	}
}
