package discordtest

import "fmt"

// guild is a server the bot is in.
type guild struct {
	id, name  string
	channelID string   // its text channel
	channels  []string // every channel of it, channelID first
	// noCommands: the bot was invited without the applications.commands
	// scope, so the guild's command routes answer 403 Missing Access.
	noCommands bool
}

// Guild describes a server the bot joins (JoinGuild).
type Guild struct {
	// ID defaults to a new snowflake. Give one to have the bot join a
	// server it was told about before (a configured guild ID).
	ID string
	// Name defaults to "guild-<last digits of its ID>".
	Name string
	// NoCommandsScope invites the bot without the applications.commands
	// scope: it is a member, gets the guild's events, and may post, but
	// every command route for the guild answers 403 Missing Access (50001)
	// until AllowCommands.
	NoCommandsScope bool
	// Shard and Shards, when Shards > 1 and ID is empty, give the guild
	// an ID that routes it to shard Shard of Shards: (id >> 22) % Shards
	// == Shard. Otherwise IDs made at once mostly share a shard, since
	// the shard comes from the ID's timestamp.
	Shard, Shards int
}

// JoinGuild adds a server with one text channel to the bot's guilds, as
// inviting it does, and returns the guild's ID and the channel's. The
// session new events go to gets GUILD_CREATE for it (when it asked for the
// GUILDS intent), and every later READY lists it. Server.GuildID stays the
// guild interactions and messages go to by default.
func (s *Server) JoinGuild(g Guild) (guildID, channelID string) {
	s.mu.Lock()
	id, ch := g.ID, s.newID()
	if id == "" {
		id = s.newGuildID(g.Shard, g.Shards)
	}
	if s.guilds[id] != nil {
		s.mu.Unlock()
		panic("discordtest: JoinGuild: the bot is in guild " + id + " already")
	}
	if g.Name == "" {
		g.Name = "guild-" + id[max(0, len(id)-4):]
	}
	s.guilds[id] = &guild{id: id, name: g.Name, channelID: ch, channels: []string{ch}, noCommands: g.NoCommandsScope}
	s.guildIDs = append(s.guildIDs, id)
	s.channels[ch] = channel{id: ch, guildID: id, name: "general"}
	obj := s.guildObjectLocked(id)
	sess := s.routeLocked(id)
	s.notifyLocked()
	s.mu.Unlock()
	if sess == nil {
		return id, ch // the next READY brings it
	}
	sess.sendMu.Lock()
	defer sess.sendMu.Unlock()
	if sess.intents&intentGuilds != 0 {
		s.sendLocked(sess, "GUILD_CREATE", obj)
	}
	return id, ch
}

// AllowCommands gives the application the applications.commands scope in
// a guild it joined with NoCommandsScope, as inviting it again with that
// scope does. Discord sends the bot no event for it.
func (s *Server) AllowCommands(guildID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guilds[guildID]
	if g == nil {
		return fmt.Errorf("discordtest: the bot is not in guild %s", guildID)
	}
	g.noCommands = false
	s.notifyLocked()
	return nil
}

// Guilds returns the IDs of the guilds the bot is in, in the order it
// joined them; GuildID first.
func (s *Server) Guilds() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.guildIDs...)
}

// commandsAllowed reports whether the application's commands may be read
// and written in guild id.
func (s *Server) commandsAllowed(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guilds[id]
	return g != nil && !g.noCommands
}
