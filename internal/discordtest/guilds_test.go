package discordtest_test

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"kutip/internal/discordtest"
)

// TestGuildCommandScopes: commands live per guild and globally, each list
// replaced by its own bulk overwrite; a guild the bot is not in, or joined
// without the applications.commands scope, answers 403 Missing Access
// (50001) until the scope is granted.
func TestGuildCommandScopes(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	other, _ := srv.JoinGuild(discordtest.Guild{Name: "second"})
	noScope, _ := srv.JoinGuild(discordtest.Guild{NoCommandsScope: true})
	if got := srv.Guilds(); !slices.Equal(got, []string{srv.GuildID, other, noScope}) {
		t.Fatalf("Guilds() = %v, want the default guild, then the two joined", got)
	}
	cmds := func(path string) string { return "/api/v10/applications/" + srv.Bot.ID + path }
	ask := []map[string]any{{"name": "ask", "description": "Ask"}}
	steps := []struct {
		name, method, path string
		body               any
		status, code       int
	}{
		{"guild overwrite", "PUT", cmds("/guilds/" + srv.GuildID + "/commands"), ask, 200, 0},
		{"other guild overwrite", "PUT", cmds("/guilds/" + other + "/commands"), ask, 200, 0},
		{"global overwrite", "PUT", cmds("/commands"), ask, 200, 0},
		{"guild list", "GET", cmds("/guilds/" + srv.GuildID + "/commands"), nil, 200, 0},
		{"not a member", "PUT", cmds("/guilds/123456789012345678/commands"), ask, 403, 50001},
		{"not a member, list", "GET", cmds("/guilds/123456789012345678/commands"), nil, 403, 50001},
		{"without the scope", "PUT", cmds("/guilds/" + noScope + "/commands"), ask, 403, 50001},
		{"without the scope, list", "GET", cmds("/guilds/" + noScope + "/commands"), nil, 403, 50001},
		{"another application", "PUT", "/api/v10/applications/1/guilds/" + srv.GuildID + "/commands", ask, 403, 50001},
		{"clear the other guild", "PUT", cmds("/guilds/" + other + "/commands"), []any{}, 200, 0},
	}
	for _, st := range steps {
		status, _, body := do(t, srv, st.method, st.path, st.body, true)
		if status != st.status {
			t.Errorf("%s: %s %s = %d, want %d (%v)", st.name, st.method, st.path, status, st.status, body)
			continue
		}
		if st.code != 0 {
			if code, _ := body["code"].(float64); int(code) != st.code || body["message"] != "Missing Access" {
				t.Errorf("%s: body %v, want code %d Missing Access", st.name, body, st.code)
			}
		}
	}
	if n := len(srv.Commands(srv.GuildID)); n != 1 {
		t.Errorf("%d commands in the default guild, want 1", n)
	}
	if n := len(srv.Commands("")); n != 1 {
		t.Errorf("%d global commands, want 1", n)
	}
	if got := srv.Commands(other); len(got) != 0 {
		t.Errorf("the other guild still has %v after an empty overwrite", got)
	}

	if err := srv.AllowCommands(noScope); err != nil {
		t.Fatal(err)
	}
	if status, _, body := do(t, srv, "PUT", cmds("/guilds/"+noScope+"/commands"), ask, true); status != http.StatusOK {
		t.Errorf("after AllowCommands: %d %v, want 200", status, body)
	}
	if err := srv.AllowCommands("1"); err == nil {
		t.Error("AllowCommands of a guild the bot is not in: no error")
	}
}

// TestJoinGuildDispatches: the bot learns of its guilds from GUILD_CREATE,
// at READY and whenever it joins one.
func TestJoinGuildDispatches(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	early, _ := srv.JoinGuild(discordtest.Guild{Name: "early"})
	var mu sync.Mutex
	var seen []string
	s := openSession(t, srv, func(s *discordgo.Session) {
		s.Identify.Intents = discordgo.IntentsGuilds
		s.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) {
			mu.Lock()
			seen = append(seen, g.ID+" "+g.Name)
			mu.Unlock()
		})
	})
	late, ch := srv.JoinGuild(discordtest.Guild{Name: "late"})
	want := []string{srv.GuildID + " discordtest", early + " early", late + " late"}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	err := srv.WaitFor(ctx, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(seen) == len(want)
	})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	// discordgo runs each handler in its own goroutine: any order.
	slices.Sort(seen)
	slices.Sort(want)
	if !slices.Equal(seen, want) {
		t.Errorf("GUILD_CREATE for %v, want %v", seen, want)
	}
	if c, err := s.State.Channel(ch); err != nil || c.GuildID != late {
		t.Errorf("the late guild's channel in the state: %+v, %v", c, err)
	}
}
