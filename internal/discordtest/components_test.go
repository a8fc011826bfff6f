package discordtest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"kutip/internal/discordtest"
)

func button(customID, label string) map[string]any {
	return map[string]any{"type": 2, "style": 2, "custom_id": customID, "label": label}
}

func row(buttons ...map[string]any) map[string]any {
	bs := make([]any, len(buttons))
	for i, b := range buttons {
		bs[i] = b
	}
	return map[string]any{"type": 1, "components": bs}
}

// TestComponentLimits: messages with components Discord refuses are
// refused with its error codes; accepted ones show their buttons.
func TestComponentLimits(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{NoEcho: true, Limits: map[discordtest.Route]discordtest.Limit{
		discordtest.RouteCreateMessage: {Count: 100, Window: time.Second},
	}})
	six := row(button("a", "a"), button("b", "b"), button("c", "c"), button("d", "d"), button("e", "e"), button("f", "f"))
	tests := []struct {
		name       string
		components []any
		code       string
		at         []string
	}{
		{"six buttons in a row", []any{six}, "BASE_TYPE_BAD_LENGTH", []string{"components", "0", "components"}},
		{"custom_id over 100", []any{row(button(strings.Repeat("x", 101), "a"))}, "BASE_TYPE_BAD_LENGTH", []string{"components", "0", "components", "0", "custom_id"}},
		{"no label or emoji", []any{row(button("a", ""))}, "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED", []string{"components", "0", "components", "0", "label"}},
		{"label over 80", []any{row(button("a", strings.Repeat("é", 81)))}, "BASE_TYPE_MAX_LENGTH", []string{"components", "0", "components", "0", "label"}},
		{"duplicate custom_id", []any{row(button("a", "1"), button("a", "2"))}, "COMPONENT_CUSTOM_ID_DUPLICATED", []string{"components", "0", "components", "1", "custom_id"}},
		{"button outside a row", []any{button("a", "1")}, "COMPONENT_LAYOUT_WIDTH_EXCEEDED", []string{"components", "0", "type"}},
		{"six rows", []any{row(button("a", "1")), row(button("b", "1")), row(button("c", "1")), row(button("d", "1")), row(button("e", "1")), row(button("f", "1"))}, "BASE_TYPE_MAX_LENGTH", []string{"components"}},
	}
	for _, tc := range tests {
		status, _, body := do(t, srv, "POST", "/api/v10/channels/"+srv.ChannelID+"/messages",
			map[string]any{"content": "x", "components": tc.components}, true)
		if status != 400 || errorAt(body, tc.at...) != tc.code {
			t.Errorf("%s: %d %v, want 400 with %s at %v", tc.name, status, body, tc.code, tc.at)
		}
	}
	emoji := row(button("k:1", "Yes"), map[string]any{"type": 2, "style": 2, "custom_id": "k:2", "emoji": map[string]any{"name": "👍"}},
		map[string]any{"type": 2, "style": 5, "url": "https://example.org", "label": "Link"})
	status, _, body := do(t, srv, "POST", "/api/v10/channels/"+srv.ChannelID+"/messages", map[string]any{"content": "x", "components": []any{emoji}}, true)
	if status != 200 {
		t.Fatalf("POST = %d %v", status, body)
	}
	got := srv.Buttons(body["id"].(string))
	want := []discordtest.Button{
		{CustomID: "k:1", Label: "Yes", Style: 2},
		{CustomID: "k:2", Emoji: "👍", Style: 2},
		{Label: "Link", Style: 5, URL: "https://example.org"},
	}
	if len(got) != len(want) {
		t.Fatalf("Buttons = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("button %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestClick: a click reaches the bot as MESSAGE_COMPONENT with the message
// attached, and its response reads like any interaction's; clicks Discord
// would not allow fail.
func TestClick(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	s, _ := discordgo.New("Bot " + srv.Token)
	s.Client = srv.Client()
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		if i.Type != discordgo.InteractionMessageComponent || i.Message == nil {
			return
		}
		s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{
				Content: "clicked " + i.MessageComponentData().CustomID + " on " + i.Message.ID + " in " + string(i.Locale),
				Flags:   discordgo.MessageFlagsEphemeral, AllowedMentions: &discordgo.MessageAllowedMentions{},
			},
		})
	})
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	m, err := s.ChannelMessageSendComplex(srv.ChannelID, &discordgo.MessageSend{
		Content: "an answer",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "More", Style: discordgo.SecondaryButton, CustomID: "k1:more:1:3"},
			discordgo.Button{Label: "Off", Style: discordgo.SecondaryButton, CustomID: "off", Disabled: true},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	id, err := srv.Click(ctx, discordtest.Click{MessageID: m.ID, CustomID: "k1:more:1:3", Locale: "id"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := srv.WaitReply(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if want := "clicked k1:more:1:3 on " + m.ID + " in id"; r.Original.Content != want || !r.Original.Ephemeral {
		t.Errorf("reply = %q (ephemeral %v), want ephemeral %q", r.Original.Content, r.Original.Ephemeral, want)
	}
	// The ephemeral reply is the clicker's alone.
	other := discordtest.User{ID: "1000000000000000009", Username: "other"}
	userMsg, err := srv.Message(ctx, discordtest.Message{Content: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]discordtest.Click{
		"unknown message":        {MessageID: "1", CustomID: "k1:more:1:3"},
		"no such button":         {MessageID: m.ID, CustomID: "k1:up:1"},
		"disabled button":        {MessageID: m.ID, CustomID: "off"},
		"a user's message":       {MessageID: userMsg, CustomID: "k1:more:1:3"},
		"someone else's private": {MessageID: r.Original.ID, CustomID: "k1:more:1:3", User: other},
	} {
		if id, err := srv.Click(ctx, c); err == nil {
			t.Errorf("%s: Click = %s, want an error", name, id)
		}
	}
}
