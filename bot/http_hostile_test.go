package bot

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// TestInteractionsEndpointHostileBodies posts signed bodies that are JSON
// but not what kutip expects (DMs, interactions without a user, options
// and component data of the wrong shape, types kutip never registers),
// each with an interaction token. Each gets a clear answer: a message
// that pings nobody (ephemeral when it is a failure), or a 400; and no
// token ever reaches the log.
func TestInteractionsEndpointHostileBodies(t *testing.T) {
	const secret = "SECRET-interaction-token"
	member := map[string]any{"user": map[string]any{"id": "u1", "username": "asker"}}
	ask := func(opts any) map[string]any {
		return map[string]any{"id": "900", "name": "ask", "type": 1, "options": opts}
	}
	question := []any{map[string]any{"name": "question", "type": 3, "value": "when did Russia ratify?"}}
	tests := []struct {
		name string
		body map[string]any // id, application_id and token are added
		// want: 400, or the text the 200 response's message holds ("" for any).
		status int
		want   string
	}{
		{"ask in a DM", map[string]any{"type": 2, "channel_id": "c1", "user": member["user"], "data": ask(question)}, 200, "6 November"},
		{"ask with no user at all", map[string]any{"type": 2, "guild_id": "g1", "channel_id": "c1", "data": ask(question)}, 200, "6 November"},
		{"ask with no channel", map[string]any{"type": 2, "guild_id": "g1", "member": member, "data": ask(question)}, 200, "6 November"},
		{"ask without data", map[string]any{"type": 2, "guild_id": "g1", "channel_id": "c1", "member": member}, 400, ""},
		{"question an object", map[string]any{"type": 2, "guild_id": "g1", "channel_id": "c1", "member": member,
			"data": ask([]any{map[string]any{"name": "question", "type": 3, "value": map[string]any{"@everyone": 1}}})}, 200, ""},
		{"options a string", map[string]any{"type": 2, "guild_id": "g1", "member": member, "data": ask("x")}, 400, ""},
		{"thread in a DM", map[string]any{"type": 2, "channel_id": "c1", "user": member["user"],
			"data": ask(append([]any{map[string]any{"name": optThread, "type": 5, "value": true}}, question...))}, 200, "6 November"},
		{"button from another bot in a DM", map[string]any{"type": 3, "channel_id": "c1", "user": member["user"],
			"data": map[string]any{"custom_id": "poll:<@&1>", "component_type": 2}}, 200, english.tr(msgOldButton)},
		{"vote with no user", map[string]any{"type": 3, "guild_id": "g1", "channel_id": "c1",
			"data": map[string]any{"custom_id": "k1:up:42", "component_type": 2}}, 200, english.tr(msgVoteFailed)},
		{"button without data", map[string]any{"type": 3, "guild_id": "g1", "channel_id": "c1", "member": member}, 400, ""},
		{"custom_id a number", map[string]any{"type": 3, "guild_id": "g1", "member": member,
			"data": map[string]any{"custom_id": 5, "component_type": 2}}, 400, ""},
		{"modal kutip never shows", map[string]any{"type": 5, "guild_id": "g1", "member": member,
			"data": map[string]any{"custom_id": "k1:up:42", "components": []any{}}}, 200, ""},
		{"autocomplete without options", map[string]any{"type": 4, "guild_id": "g1", "member": member,
			"data": map[string]any{"id": "901", "name": "summary", "type": 1}}, 200, ""},
		{"unknown type", map[string]any{"type": 99, "guild_id": "g1", "member": member}, 400, ""},
		{"id a number", map[string]any{"type": 2, "guild_id": "g1", "member": member, "data": ask(question), "id": 7}, 400, ""},
	}
	now := time.Now()
	for n, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, _, logs := newTestBot(t, &fakeIndex{}, Options{})
			e := newTestEndpoint(t, b, now)
			e.ackWait = 5 * time.Second
			body := map[string]any{"id": snowflakeAt(now.Add(time.Duration(n) * time.Millisecond)), "application_id": "100", "token": secret}
			for k, v := range tc.body {
				body[k] = v
			}
			raw, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			w := httptest.NewRecorder()
			e.ServeHTTP(w, signedReq(testKey, now, string(raw)))
			e.close(func() {})
			if strings.Contains(logs.String(), secret) {
				t.Errorf("the log holds the interaction token:\n%s", logs)
			}
			if w.Code != tc.status {
				t.Fatalf("status %d (%s), want %d", w.Code, w.Body, tc.status)
			}
			if w.Code != http.StatusOK {
				return
			}
			var resp struct {
				Type discordgo.InteractionResponseType `json:"type"`
				Data *struct {
					Content         string                            `json:"content"`
					Embeds          []*discordgo.MessageEmbed         `json:"embeds"`
					Flags           discordgo.MessageFlags            `json:"flags"`
					AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
				} `json:"data"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
				t.Fatalf("response %s: %v", w.Body, err)
			}
			if resp.Type == discordgo.InteractionApplicationCommandAutocompleteResult {
				return
			}
			d := resp.Data
			if d == nil {
				if resp.Type != discordgo.InteractionResponseDeferredMessageUpdate {
					t.Fatalf("response %s has no message", w.Body)
				}
				return
			}
			if am := d.AllowedMentions; am == nil || am.Parse == nil || len(am.Parse) != 0 || am.RepliedUser {
				t.Errorf("allowed_mentions = %+v, want nobody", am)
			}
			text := d.Content + embedText(d.Embeds)
			if !strings.Contains(text, tc.want) {
				t.Errorf("response %q, want it to hold %q", text, tc.want)
			}
			if m := live(text); m != "" {
				t.Errorf("response has a live %s: %q", m, text)
			}
			failure := tc.want == english.tr(msgOldButton) || tc.want == english.tr(msgVoteFailed)
			if failure && d.Flags&discordgo.MessageFlagsEphemeral == 0 {
				t.Errorf("failure %q is public (flags %d), want ephemeral", text, d.Flags)
			}
		})
	}
}
