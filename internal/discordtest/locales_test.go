package discordtest_test

import (
	"testing"

	"kutip/internal/discordtest"
)

// TestCommandLocalizations: localized names and descriptions are checked as
// Discord checks them, and kept with the command.
func TestCommandLocalizations(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	path := "/api/v10/applications/" + srv.Bot.ID + "/guilds/" + srv.GuildID + "/commands"
	cmd := func(names, descs map[string]string, option map[string]any) map[string]any {
		c := map[string]any{"name": "ask", "description": "Ask", "name_localizations": names, "description_localizations": descs}
		if option != nil {
			c["options"] = []any{option}
		}
		return c
	}
	tests := []struct {
		name string
		body []any
		code string
		at   []string
	}{
		{"unknown locale", []any{cmd(map[string]string{"xx": "tanya"}, nil, nil)}, "LOCALE_INVALID", []string{"0", "name_localizations", "xx"}},
		{"upper case", []any{cmd(map[string]string{"id": "Tanya"}, nil, nil)}, "APPLICATION_COMMAND_INVALID_NAME", []string{"0", "name_localizations", "id"}},
		{"space", []any{cmd(map[string]string{"id": "tanya kutip"}, nil, nil)}, "APPLICATION_COMMAND_INVALID_NAME", []string{"0", "name_localizations", "id"}},
		{"empty description", []any{cmd(nil, map[string]string{"id": ""}, nil)}, "BASE_TYPE_BAD_LENGTH", []string{"0", "description_localizations", "id"}},
		{"option name", []any{cmd(nil, nil, map[string]any{"type": 3, "name": "q", "description": "d", "name_localizations": map[string]string{"id": "Pertanyaan"}})},
			"APPLICATION_COMMAND_INVALID_NAME", []string{"0", "options", "0", "name_localizations", "id"}},
		{"context menu description", []any{map[string]any{"type": 3, "name": "Ask kutip", "description_localizations": map[string]string{"id": "x"}}},
			"APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION", []string{"0", "description_localizations", "id"}},
	}
	for _, tc := range tests {
		status, _, body := do(t, srv, "PUT", path, tc.body, true)
		if status != 400 || errorAt(body, tc.at...) != tc.code {
			t.Errorf("%s: %d %v, want 400 with %s at %v", tc.name, status, body, tc.code, tc.at)
		}
	}
	status, _, body := do(t, srv, "PUT", path, []any{
		cmd(map[string]string{"id": "tanya"}, map[string]string{"id": "Ajukan pertanyaan"},
			map[string]any{"type": 3, "name": "question", "description": "d", "name_localizations": map[string]string{"id": "pertanyaan"}}),
		map[string]any{"type": 3, "name": "Ask kutip", "name_localizations": map[string]string{"id": "Tanya kutip"}},
	}, true)
	if status != 200 {
		t.Fatalf("PUT = %d %v", status, body)
	}
	for _, c := range srv.Commands(srv.GuildID) {
		want := map[string]string{"ask": "tanya", "Ask kutip": "Tanya kutip"}[c.Name]
		if c.NameLocalizations["id"] != want {
			t.Errorf("%s registered with Indonesian name %q, want %q", c.Name, c.NameLocalizations["id"], want)
		}
	}
}
