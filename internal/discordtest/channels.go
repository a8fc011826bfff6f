package discordtest

import "fmt"

// ChannelType is a guild channel's type, numbered as Discord does.
type ChannelType int

// The channel types the fake models.
const (
	TextChannel     ChannelType = 0
	CategoryChannel ChannelType = 4
	PublicThread    ChannelType = 11
)

// A Channel is a channel a test adds to a guild: a text channel, a
// category, or a thread. Zero fields take defaults.
type Channel struct {
	ID      string // default a new snowflake
	GuildID string // default Server.GuildID
	Name    string // default "channel-<last digits of its ID>"
	Type    ChannelType
	// Parent is a text channel's category (optional) or a thread's text
	// channel (required), an ID AddChannel returned or Server.ChannelID.
	Parent string
}

// AddChannel adds a channel to a guild the bot is in and returns its ID.
// Interactions and messages can then happen in it (Interaction.ChannelID,
// Message.ChannelID), each carrying its channel ID as on Discord, and GET
// /channels/{id} returns it with its type and parent_id. GUILD_CREATE
// lists it from the next one on (a thread among the guild's threads).
// No CHANNEL_CREATE or THREAD_CREATE is sent, so a client that connected
// before learns of the channel only by asking for it, as after a restart
// with a cold cache. A parent that does not fit (a missing one, a category
// inside a category, a thread without a text channel) is a mistake in the
// test, and AddChannel panics.
func (s *Server) AddChannel(c Channel) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.GuildID == "" {
		c.GuildID = s.GuildID
	}
	if s.guilds[c.GuildID] == nil {
		panic("discordtest: AddChannel: the bot is not in guild " + c.GuildID)
	}
	if c.ID == "" {
		c.ID = s.newID()
	}
	if _, ok := s.channels[c.ID]; ok {
		panic("discordtest: AddChannel: channel " + c.ID + " exists already")
	}
	if c.Name == "" {
		c.Name = "channel-" + c.ID[max(0, len(c.ID)-4):]
	}
	var wantParent ChannelType = -1
	switch c.Type {
	case TextChannel:
		if c.Parent != "" {
			wantParent = CategoryChannel
		}
	case CategoryChannel:
		if c.Parent != "" {
			panic("discordtest: AddChannel: a category has no parent")
		}
	case PublicThread:
		wantParent = TextChannel
	default:
		panic(fmt.Sprintf("discordtest: AddChannel: channel type %d is not modelled", c.Type))
	}
	if wantParent >= 0 {
		p, ok := s.channels[c.Parent]
		if !ok || p.guildID != c.GuildID || p.typ != wantParent {
			panic(fmt.Sprintf("discordtest: AddChannel: parent %q of a type %d channel is not a type %d channel of guild %s", c.Parent, c.Type, wantParent, c.GuildID))
		}
	}
	s.channels[c.ID] = channel{id: c.ID, guildID: c.GuildID, name: c.Name, typ: c.Type, parent: c.Parent}
	g := s.guilds[c.GuildID]
	g.channels = append(g.channels, c.ID)
	s.notifyLocked()
	return c.ID
}

// guildObject is a guild channel's object, as GET /channels/{id} and
// the events that carry it send it.
func (ch channel) guildObject() map[string]any {
	var parent any
	if ch.parent != "" {
		parent = ch.parent
	}
	o := map[string]any{
		"id": ch.id, "type": int(ch.typ), "guild_id": ch.guildID, "name": ch.name, "position": 0,
		"permission_overwrites": []any{}, "parent_id": parent, "nsfw": false, "topic": nil,
		"rate_limit_per_user": 0, "last_message_id": nil, "flags": 0,
	}
	switch ch.typ {
	case CategoryChannel:
		delete(o, "topic")
		delete(o, "last_message_id")
		delete(o, "rate_limit_per_user")
	case PublicThread:
		delete(o, "permission_overwrites")
		delete(o, "position")
		delete(o, "topic")
		o["owner_id"] = nil
		o["message_count"], o["member_count"] = 0, 1
		o["thread_metadata"] = map[string]any{
			"archived": false, "auto_archive_duration": 1440, "locked": false,
			"archive_timestamp": "2023-11-14T22:13:20+00:00",
		}
	}
	return o
}
