package bot

import (
	"testing"

	"github.com/bwmarrin/discordgo"

	"kutip/feedback"
)

// FuzzComponent clicks buttons with arbitrary custom_ids (kutip's of any
// version, other bots', forged), from a server, a DM, or an interaction
// missing its user, message or component data, over a real index with a
// hostile document (bidi controls, mentions, markdown) for Show context.
// Every click gets one response (or a deferral and its edit), ephemeral:
// the public answer never changes for one clicker. It is within Discord's
// limits, valid UTF-8, pings nobody and carries no live mention.
func FuzzComponent(f *testing.F) {
	ix := fuzzIndex(f)
	hostile := docKey("hostile/@everyone\u202e")
	for _, tc := range customIDTests {
		f.Add(tc.in, uint8(0), "")
	}
	f.Add("k1:ctx:42:"+hostile+".2.1", uint8(0), "id")
	f.Add("k1:ctx:42:"+hostile+".1.1", uint8(1), "en-US")
	f.Add("k1:ctx:42:"+hostile+".3.1", uint8(4), "")
	f.Add("k1:up:42", uint8(2), "")
	f.Add("k1:down:42", uint8(1), "id")
	f.Add("k1:more:42:3", uint8(8), "\xff")
	f.Add("k1:ctx:42:"+hostile+".2.1", uint8(16), "")
	f.Add("poll:\u202e@everyone", uint8(3), "")
	f.Fuzz(func(t *testing.T, customID string, shape uint8, locale string) {
		store, _ := feedback.Open("", feedback.Options{}) // in memory: its warning says so
		defer store.Close()
		b, rec, _ := newTestBot(t, ix, Options{Feedback: store})
		i := click("i1", customID, discordgo.Locale(locale))
		if shape&1 != 0 { // a DM: a user, no member, no server
			i.GuildID, i.Member, i.User = "", nil, &discordgo.User{ID: "u2"}
		}
		if shape&2 != 0 { // no one at all
			i.Member, i.User = nil, nil
		}
		if shape&4 != 0 {
			i.Message = nil
		}
		if shape&8 != 0 {
			i.ChannelID = ""
		}
		if shape&16 != 0 { // a component type kutip never sends
			i.Data = discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.SelectMenuComponent, Values: []string{customID}}
		}

		b.onInteraction(t.Context(), rec, i)

		calls := rec.all()
		var data []*discordgo.InteractionResponseData
		switch {
		case len(calls) == 1 && calls[0].method == "respond" && calls[0].resp.Type == discordgo.InteractionResponseChannelMessageWithSource:
			data = append(data, calls[0].resp.Data)
		case len(calls) == 2 && calls[0].method == "respond" && calls[0].resp.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource && calls[1].method == "edit":
			checkData(t, calls[0].resp.Data)
			e := calls[1].edit
			if e.AllowedMentions == nil || e.AllowedMentions.Parse == nil || len(e.AllowedMentions.Parse) != 0 || e.AllowedMentions.RepliedUser {
				t.Fatalf("edit allowed_mentions = %+v, want nobody", e.AllowedMentions)
			}
			data = append(data, calls[0].resp.Data, &discordgo.InteractionResponseData{Content: *e.Content, Embeds: *e.Embeds, Components: *e.Components, AllowedMentions: e.AllowedMentions})
		default:
			t.Fatalf("calls %+v, want one response, or a deferral and its edit", calls)
		}
		if data[0].Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Fatalf("response flags %d, want ephemeral", data[0].Flags)
		}
		for _, d := range data {
			checkSafeReply(t, d)
		}
	})
}
