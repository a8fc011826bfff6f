package bot

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"kutip/internal/discordtest"
)

// waitFor waits on the fake for cond, failing the test after liveWait.
func waitFor(t *testing.T, srv *discordtest.Server, what string, cond func() bool) {
	t.Helper()
	if err := srv.WaitFor(liveCtx(t), cond); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// answersDM checks that the bot answers a direct message.
func answersDM(t *testing.T, srv *discordtest.Server) {
	t.Helper()
	sayAndWait(t, srv, discordtest.Message{DM: true, Content: "when did Russia ratify?"})
}

// TestRegisterMissingAccess: a DISCORD_GUILD_ID the bot cannot register on
// (not in that server, or invited without applications.commands) neither
// ends Run nor stops the bot answering DMs; the log names the causes and
// their fixes, and the commands appear once the server is fixed: at once
// when the bot joins it, at the next retry when the scope is granted (no
// event tells the bot).
func TestRegisterMissingAccess(t *testing.T) {
	t.Parallel()
	t.Run("not in the server, then invited", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.New(t, discordtest.Options{NoEcho: true})
		const guild = "123456789012345678"
		lb := startLive(t, srv, &fakeIndex{}, Options{GuildID: guild}, func(b *Bot) {
			// Only joining the server may bring the retry.
			b.registerWait = func(int, bool) time.Duration { return time.Hour }
		})
		waitFor(t, srv, "a refused registration", func() bool { return strings.Contains(lb.logs.String(), "Missing Access") })
		checkMissingAccessLog(t, lb.logs.String(), guild)
		answersDM(t, srv)
		select {
		case err := <-lb.done:
			t.Fatalf("Run returned %v; want it to keep serving", err)
		default:
		}
		if lb.b.registered.Load() {
			t.Error("registered = true after Missing Access")
		}

		srv.JoinGuild(discordtest.Guild{ID: guild})
		waitFor(t, srv, "commands after joining", func() bool { return len(srv.Commands(guild)) == len(lb.b.Commands()) })
		waitFor(t, srv, "ready", func() bool { return strings.Contains(lb.logs.String(), "msg=ready") })
		if !lb.b.registered.Load() {
			t.Error("registered = false after registering")
		}
	})
	t.Run("invited without applications.commands, then fixed", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.New(t, discordtest.Options{NoEcho: true})
		guild, _ := srv.JoinGuild(discordtest.Guild{NoCommandsScope: true})
		waits := make(chan int, 100)
		lb := startLive(t, srv, &fakeIndex{}, Options{GuildID: guild}, func(b *Bot) {
			b.registerWait = func(n int, missing bool) time.Duration {
				if !missing {
					t.Errorf("retry %d not counted as Missing Access", n)
				}
				waits <- n
				return 20 * time.Millisecond
			}
		})
		waitFor(t, srv, "two refused registrations", func() bool { return len(waits) >= 2 })
		checkMissingAccessLog(t, lb.logs.String(), guild)
		answersDM(t, srv)
		if err := srv.AllowCommands(guild); err != nil {
			t.Fatal(err)
		}
		waitFor(t, srv, "commands after the fix", func() bool { return len(srv.Commands(guild)) == len(lb.b.Commands()) })
		for i := 1; len(waits) > 0; i++ {
			if n := <-waits; n != i {
				t.Errorf("retry %d counted as %d", i, n)
			}
		}
	})
}

func checkMissingAccessLog(t *testing.T, logs, guild string) {
	t.Helper()
	for _, want := range []string{"level=ERROR", "guild=" + guild, "50001", "applications.commands", "DISCORD_GUILD_ID", "Copy Server ID", "retry_in=", "mentions and DMs are answered"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the Missing Access log lacks %q:\n%s", want, logs)
		}
	}
}

// TestRegisterRemovesStaleCommands: testing on one server, then going
// global, then back to a server, leaves the commands listed once, in the
// scope of the latest run; servers without stale commands cost one GET,
// and one where the bot may not read commands none at all beyond it.
func TestRegisterRemovesStaleCommands(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	other, _ := srv.JoinGuild(discordtest.Guild{Name: "other"})
	noScope, _ := srv.JoinGuild(discordtest.Guild{Name: "no scope", NoCommandsScope: true})
	tb, _, _ := newTestBot(t, &fakeIndex{}, Options{})
	n := len(tb.Commands())

	// 1. Tested on one server.
	lb := startLive(t, srv, &fakeIndex{}, Options{GuildID: srv.GuildID}, nil)
	waitFor(t, srv, "guild commands", func() bool { return len(srv.Commands(srv.GuildID)) == n })
	waitFor(t, srv, "stale checks", func() bool {
		return len(requests(srv, "GET", other)) == 1 && len(requests(srv, "GET", noScope)) == 1 && len(requests(srv, "GET", "")) == 1
	})
	stopLive(t, lb)

	// 2. Global: the server's commands go.
	before := len(srv.Requests())
	lb = startLive(t, srv, &fakeIndex{}, Options{}, nil)
	waitFor(t, srv, "global commands", func() bool { return len(srv.Commands("")) == n })
	waitFor(t, srv, "stale guild commands removed", func() bool { return len(srv.Commands(srv.GuildID)) == 0 })
	waitFor(t, srv, "other servers checked", func() bool {
		return len(requests(srv, "GET", other)) == 2 && len(requests(srv, "GET", noScope)) == 2
	})
	waitFor(t, srv, "the removal logged with its scope", func() bool {
		return strings.Contains(lb.logs.String(), `msg="removed stale commands, so none is listed twice" scope="guild `+srv.GuildID+`"`)
	})
	if l := lb.logs.String(); strings.Contains(l, "level=WARN") || strings.Contains(l, "level=ERROR") {
		t.Errorf("warnings or errors logged:\n%s", l)
	}
	for _, r := range srv.Requests()[before:] {
		if r.Method == http.MethodPut && (strings.Contains(r.Path, other) || strings.Contains(r.Path, noScope)) {
			t.Errorf("%s %s: a server without stale commands was written to", r.Method, r.Path)
		}
	}
	stopLive(t, lb)

	// 3. Back to one server: the global commands go.
	lb = startLive(t, srv, &fakeIndex{}, Options{GuildID: other}, nil)
	waitFor(t, srv, "the other server's commands", func() bool { return len(srv.Commands(other)) == n })
	waitFor(t, srv, "stale global commands removed", func() bool { return len(srv.Commands("")) == 0 })
	// Logged once the removal is answered: wait for it.
	waitFor(t, srv, "the removal of the global commands logged with why", func() bool {
		return strings.Contains(lb.logs.String(), `scope=global commands=`+strconv.Itoa(n)+` why="left by an earlier run; the commands are registered on guild `+other+" (DISCORD_GUILD_ID) only")
	})
	waitFor(t, srv, "all servers checked", func() bool { return len(requests(srv, "GET", srv.GuildID)) >= 1 })
	if got := srv.Commands(srv.GuildID); len(got) != 0 {
		t.Errorf("%d commands on the first server, want none", len(got))
	}
}

// requests returns the fake's requests of method on the commands of guild
// ("" for the global ones).
func requests(srv *discordtest.Server, method, guild string) []discordtest.Request {
	var out []discordtest.Request
	for _, r := range srv.Requests() {
		if r.Method != method || !strings.HasSuffix(r.Path, "/commands") {
			continue
		}
		if guild == "" && !strings.Contains(r.Path, "/guilds/") || guild != "" && strings.Contains(r.Path, "/guilds/"+guild+"/") {
			out = append(out, r)
		}
	}
	return out
}

func stopLive(t *testing.T, lb *liveBot) {
	t.Helper()
	if err := lb.stop(); err != nil {
		t.Fatal(err)
	}
}

// TestClassifyRegisterError: which refusals are retried, which name the
// server's access, which give up.
func TestClassifyRegisterError(t *testing.T) {
	t.Parallel()
	rest := func(status, code int) error {
		e := &discordgo.RESTError{Response: &http.Response{StatusCode: status}}
		if code != 0 {
			e.Message = &discordgo.APIErrorMessage{Code: code}
		}
		return e
	}
	for _, tc := range []struct {
		name string
		err  error
		want registerErrorKind
	}{
		{"403 50001", rest(403, 50001), registerMissingAccess},
		{"404 unknown guild", rest(404, 10004), registerMissingAccess},
		{"400 invalid form body", rest(400, 50035), registerRefused},
		{"429", rest(429, 0), registerRetry},
		{"502", rest(502, 0), registerRetry},
		{"transport", errors.New("connection reset"), registerRetry},
	} {
		if got := classifyRegisterError(tc.err); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestRegisterWait(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n       int
		missing bool
		most    time.Duration
	}{
		{1, true, 30 * time.Second}, {2, true, time.Minute}, {5, true, 5 * time.Minute}, {60, true, 5 * time.Minute},
		{1, false, time.Second}, {3, false, 4 * time.Second}, {60, false, 5 * time.Minute},
	} {
		for range 20 {
			if d := registerWait(tc.n, tc.missing); d > tc.most || d < tc.most*3/4 {
				t.Errorf("registerWait(%d, %v) = %v, want within [%v, %v]", tc.n, tc.missing, d, tc.most*3/4, tc.most)
			}
		}
	}
}

// TestStaleCheckLimit: a bot in more servers than staleCheckLimit checks
// the first ones only, logs once why the rest are not, and never checks a
// server twice.
func TestStaleCheckLimit(t *testing.T) {
	tb, _, logs := newTestBot(t, &fakeIndex{}, Options{})
	r := newRegistrar(tb, nil)
	r.checkLimit = 3
	for i := range 10 {
		r.guildCreated(strconv.Itoa(i))
		r.guildCreated(strconv.Itoa(i)) // a GUILD_CREATE again, after a reconnect
	}
	if want := []string{"0", "1", "2"}; strings.Join(r.seen, ",") != strings.Join(want, ",") {
		t.Errorf("servers to check = %v, want %v", r.seen, want)
	}
	if n := strings.Count(logs.String(), "in more servers than are checked for stale commands"); n != 1 {
		t.Errorf("the limit was logged %d times, want once:\n%s", n, logs.String())
	}
}
