package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Registering the commands happens after the first connection, in its own
// goroutine, while the bot already answers mentions and DMs: a server that
// refuses the commands must not stop the bot from serving what works, nor
// make it exit and be restarted in a loop.
//
//   - A refused token ends Run with ErrTokenRefused.
//   - 403 Missing Access (50001), or 404, for the server in Options.GuildID
//     is logged as an error that names its likely causes and their fixes,
//     and retried: after missingAccessWait, sooner when the bot joins that
//     server (GUILD_CREATE), so that fixing the invite is enough.
//   - Any other refusal (400: Discord rejects the command definitions) is
//     logged; retrying the same request cannot help.
//   - 5xx answers and transport errors are retried with backoff.
//
// Once registered, commands left over in the other scope are removed, so
// that nothing is listed twice: with GuildID set, the global commands (from
// an earlier global run), and in every other server the bot is in (from
// GUILD_CREATE), the guild commands an earlier run with another GuildID
// left there; with GuildID empty, the guild commands in every server. Each
// server is checked once per process (the first staleCheckLimit servers
// only), with one GET (and one bulk overwrite
// with an empty list where commands are found), one server at a time, so
// discordgo's rate-limit buckets pace it. A server where the bot may not
// read commands (403) has none of its commands to remove.

// registrar registers the bot's commands and removes stale ones.
type registrar struct {
	b     *Bot
	api   commandAPI
	appID string
	log   *slog.Logger
	// wait is how long to wait before the n-th retry (n ≥ 1) after a
	// failure; missing is true for Missing Access. Tests shorten it.
	wait func(n int, missing bool) time.Duration

	joined chan struct{} // signalled at every GUILD_CREATE

	mu      sync.Mutex
	seen    []string            // guilds from GUILD_CREATE, not yet checked
	checked map[string]struct{} // guilds checked or being checked
	// targetJoined: GUILD_CREATE for Options.GuildID came since the last
	// registration attempt.
	targetJoined bool
	// checkLimit bounds the servers checked for stale commands in one
	// process; limitLogged: the first server past it was logged.
	checkLimit  int
	limitLogged bool
}

// staleCheckLimit is how many servers a process checks for stale guild
// commands. Stale ones come from testing on a server or a few with
// DISCORD_GUILD_ID; a GET for each of 50,000 servers would take a quarter
// of an hour of Discord's global rate limit at every start.
const staleCheckLimit = 100

// commandAPI is the part of discordgo's session registering needs.
type commandAPI interface {
	ApplicationCommandBulkOverwrite(appID, guildID string, cmds []*discordgo.ApplicationCommand, options ...discordgo.RequestOption) ([]*discordgo.ApplicationCommand, error)
	ApplicationCommands(appID, guildID string, options ...discordgo.RequestOption) ([]*discordgo.ApplicationCommand, error)
}

func newRegistrar(b *Bot, api commandAPI) *registrar {
	return &registrar{
		b: b, api: api, log: b.logger, wait: registerWait,
		checked: map[string]struct{}{}, joined: make(chan struct{}, 1),
		checkLimit: staleCheckLimit,
	}
}

// guildCreated notes a server the bot is in (a GUILD_CREATE event).
func (r *registrar) guildCreated(id string) {
	if id == "" {
		return
	}
	r.mu.Lock()
	if id == r.b.opts.GuildID {
		r.targetJoined = true
	}
	_, ok := r.checked[id]
	switch {
	case ok:
	case len(r.checked) < r.checkLimit:
		r.checked[id] = struct{}{}
		r.seen = append(r.seen, id)
	case !r.limitLogged:
		r.limitLogged = true
		r.log.Info("in more servers than are checked for stale commands: the rest keep any an earlier run with DISCORD_GUILD_ID left there (remove them with a run that sets DISCORD_GUILD_ID to that server)",
			"checked", r.checkLimit)
	}
	r.mu.Unlock()
	select {
	case r.joined <- struct{}{}:
	default:
	}
}

// Waits between registration attempts.
const (
	missingAccessFirst = 30 * time.Second
	missingAccessMax   = 5 * time.Minute
	registerRetryFirst = time.Second
	registerRetryMax   = 5 * time.Minute
)

// registerWait is how long to wait before the n-th retry: doubling from
// 30 s up to 5 minutes after Missing Access (an admin who fixes the invite
// sees the commands within minutes), from a second up to 5 minutes after a
// server error; each jittered down by up to a quarter.
func registerWait(n int, missing bool) time.Duration {
	first, most := registerRetryFirst, registerRetryMax
	if missing {
		first, most = missingAccessFirst, missingAccessMax
	}
	d := min(first<<min(n-1, 16), most)
	return d - rand.N(d/4+1)
}

// run registers the commands, retrying as the comment above says, then
// removes stale ones until ctx ends. It returns an error wrapping
// ErrTokenRefused when Discord refuses the token, else nil.
func (r *registrar) run(ctx context.Context) error {
	if err := r.register(ctx); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return nil
	}
	if r.b.opts.GuildID != "" {
		r.clearStale(ctx, "")
	}
	for {
		r.mu.Lock()
		todo := r.seen
		r.seen = nil
		r.mu.Unlock()
		for _, g := range todo {
			if ctx.Err() != nil {
				return nil
			}
			if g != r.b.opts.GuildID {
				r.clearStale(ctx, g)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-r.joined:
		}
	}
}

// register overwrites the commands in their scope until that succeeds,
// cannot succeed, or ctx ends.
func (r *registrar) register(ctx context.Context) error {
	guild := r.b.opts.GuildID
	where := "globally"
	if guild != "" {
		where = "guild " + guild
	}
	for n := 1; ; n++ {
		r.mu.Lock()
		r.targetJoined = false
		r.mu.Unlock()
		_, err := r.api.ApplicationCommandBulkOverwrite(r.appID, guild, r.b.commands, discordgo.WithContext(ctx))
		if err == nil {
			r.b.registered.Store(true)
			r.log.Info("ready", "user", r.b.selfID(), "application", r.appID, "commands", len(r.b.commands), "registered", where, "documents", len(r.b.ix.Documents()))
			return nil
		}
		if ctx.Err() != nil {
			return nil
		}
		if tokenRefused(err) {
			return fmt.Errorf("register commands: %w (%w)", ErrTokenRefused, err)
		}
		kind := classifyRegisterError(err)
		if kind == registerRefused {
			r.log.Error("Discord refused the command definitions; slash commands are unavailable until kutip is fixed, mentions and DMs are answered",
				"err", err, "registered", where)
			return nil
		}
		missing := kind == registerMissingAccess && guild != ""
		wait := r.wait(n, missing)
		if missing {
			r.log.Error("cannot register the slash commands on the server in DISCORD_GUILD_ID: Discord answers Missing Access",
				"guild", guild, "err", err, "attempt", n, "retry_in", wait.Round(time.Second),
				"causes", missingAccessCauses, "meanwhile", "mentions and DMs are answered; retrying, and at once when the bot joins that server")
		} else {
			r.log.Warn("cannot register the slash commands; retrying", "registered", where, "err", err, "attempt", n, "retry_in", wait.Round(time.Millisecond))
		}
		if !r.waitRetry(ctx, wait, guild) {
			return nil
		}
	}
}

// missingAccessCauses tells an admin what a 403 on guild registration
// means and how to fix each cause.
const missingAccessCauses = "1) the bot is not in that server: invite it (Developer Portal → your application → OAuth2 → URL Generator, scopes bot and applications.commands, open the URL, pick the server); " +
	"2) it was invited without the applications.commands scope: open such an invite URL again, no need to remove the bot; " +
	"3) DISCORD_GUILD_ID is not that server's ID: in Discord turn on Settings → Advanced → Developer Mode, right-click the server icon → Copy Server ID; " +
	"or leave DISCORD_GUILD_ID empty to register the commands globally"

// waitRetry waits d, or less when the bot joins guild; it reports false
// when ctx ended.
func (r *registrar) waitRetry(ctx context.Context, d time.Duration, guild string) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		case <-r.joined:
			r.mu.Lock()
			joined := guild != "" && r.targetJoined
			r.mu.Unlock()
			if joined {
				return true
			}
		}
	}
}

// clearStale removes the commands left in one scope (a guild, or global
// for ""), where the bot's commands are not registered.
func (r *registrar) clearStale(ctx context.Context, guild string) {
	scope := "global"
	if guild != "" {
		scope = "guild " + guild
	}
	cmds, err := r.api.ApplicationCommands(r.appID, guild, discordgo.WithContext(ctx))
	if err != nil {
		if ctx.Err() == nil && classifyRegisterError(err) != registerMissingAccess {
			r.log.Warn("could not check for stale commands", "scope", scope, "err", err)
		}
		return
	}
	if len(cmds) == 0 {
		return
	}
	if _, err := r.api.ApplicationCommandBulkOverwrite(r.appID, guild, []*discordgo.ApplicationCommand{}, discordgo.WithContext(ctx)); err != nil {
		if ctx.Err() == nil {
			r.log.Warn("could not remove stale commands", "scope", scope, "commands", len(cmds), "err", err)
		}
		return
	}
	why := "left by a run with DISCORD_GUILD_ID set; the commands are global now"
	if r.b.opts.GuildID != "" {
		why = "left by an earlier run; the commands are registered on guild " + r.b.opts.GuildID + " (DISCORD_GUILD_ID) only"
	}
	r.log.Info("removed stale commands, so none is listed twice", "scope", scope, "commands", len(cmds), "why", why)
}

type registerErrorKind int

const (
	registerRetry         registerErrorKind = iota // 5xx, 429, transport: try again
	registerMissingAccess                          // 403 or 404: the server or the scope
	registerRefused                                // another 4xx: the request itself
)

func classifyRegisterError(err error) registerErrorKind {
	var rest *discordgo.RESTError
	if !errors.As(err, &rest) || rest.Response == nil {
		return registerRetry
	}
	switch code := rest.Response.StatusCode; {
	case code == http.StatusForbidden || code == http.StatusNotFound:
		return registerMissingAccess
	case rest.Message != nil && rest.Message.Code == discordgo.ErrCodeMissingAccess:
		return registerMissingAccess
	case code == http.StatusTooManyRequests || code >= 500:
		return registerRetry
	case code >= 400:
		return registerRefused
	}
	return registerRetry
}
