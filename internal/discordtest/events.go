package discordtest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// A User is a Discord user.
type User struct {
	ID         string
	Username   string
	GlobalName string
	Bot        bool
}

func (u User) object() map[string]any {
	o := map[string]any{
		"id": u.ID, "username": u.Username, "discriminator": "0", "global_name": nil,
		"avatar": nil, "public_flags": 0,
	}
	if u.GlobalName != "" {
		o["global_name"] = u.GlobalName
	}
	if u.Bot {
		o["bot"] = true
	}
	return o
}

// userLocked returns a user the fake has seen, or a made-up one for an
// unknown ID. s.mu must be held.
func (s *Server) userLocked(id string) User {
	if u, ok := s.users[id]; ok {
		return u
	}
	if id == s.Bot.ID {
		return s.Bot
	}
	return User{ID: id, Username: "user" + id[max(0, len(id)-4):]}
}

// knowLocked fills in a user's defaults and remembers it. s.mu must be
// held.
func (s *Server) knowLocked(u User) User {
	if u.ID == "" {
		return s.User
	}
	if u.Username == "" {
		u.Username = s.userLocked(u.ID).Username
	}
	if len(s.users) < 100000 {
		s.users[u.ID] = u
	}
	return u
}

func (s *Server) memberObject(u User) map[string]any {
	return map[string]any{
		"user": u.object(), "roles": []string{}, "joined_at": time.Unix(1700000000, 0).UTC().Format(time.RFC3339),
		"deaf": false, "mute": false, "flags": 0, "pending": false, "nick": nil, "avatar": nil,
		"premium_since": nil, "communication_disabled_until": nil,
	}
}

type channel struct {
	id, guildID, name string
	recipient         User // for a DM
	// typ and parent are a guild channel's type (0, text, when unset) and
	// parent: its category, or a thread's channel (see channels.go).
	typ    ChannelType
	parent string
}

func (ch channel) object() map[string]any {
	if ch.guildID == "" {
		return map[string]any{
			"id": ch.id, "type": dmChannel, "last_message_id": nil, "flags": 0,
			"recipients": []any{ch.recipient.object()},
		}
	}
	return ch.guildObject() // channels.go
}

// channelLocked returns the channel an event happens in, making it up on
// first use: a text channel of the guild, or the DM with user. s.mu must
// be held.
func (s *Server) channelLocked(id, guildID string, dm bool, user User) channel {
	if !dm && id == "" {
		id = s.ChannelID
	}
	if dm && id == "" {
		for _, ch := range s.channels {
			if ch.guildID == "" && ch.recipient.ID == user.ID {
				return ch
			}
		}
	}
	if ch, ok := s.channels[id]; ok {
		return ch
	}
	if id == "" {
		id = s.newID()
	}
	ch := channel{id: id, guildID: guildID, name: "channel-" + id[max(0, len(id)-4):]}
	if dm {
		ch.guildID, ch.name, ch.recipient = "", "", user
	}
	s.channels[id] = ch
	if g := s.guilds[ch.guildID]; g != nil {
		g.channels = append(g.channels, id)
	}
	return ch
}

// guildObjectLocked is GUILD_CREATE's payload for guild id. s.mu must be
// held.
func (s *Server) guildObjectLocked(id string) map[string]any {
	g := s.guilds[id]
	channels, threads := []any{}, []any{}
	for _, chID := range g.channels {
		ch := s.channels[chID]
		o := ch.object()
		if ch.typ == PublicThread {
			threads = append(threads, o) // with their guild_id
			continue
		}
		delete(o, "guild_id") // GUILD_CREATE's channels leave it out
		channels = append(channels, o)
	}
	return map[string]any{
		"id": id, "name": g.name, "icon": nil, "owner_id": s.User.ID, "unavailable": false,
		"joined_at": time.Unix(1700000000, 0).UTC().Format(time.RFC3339), "large": false, "member_count": 2,
		"channels": channels, "threads": threads, "presences": []any{}, "voice_states": []any{},
		"members": []any{s.memberObject(s.Bot)},
		"roles": []any{map[string]any{
			"id": id, "name": "@everyone", "permissions": defaultMemberPermission, "position": 0,
			"color": 0, "hoist": false, "managed": false, "mentionable": false, "flags": 0,
		}},
		"emojis": []any{}, "stickers": []any{}, "features": []any{}, "stage_instances": []any{},
		"guild_scheduled_events": []any{}, "preferred_locale": "en-US", "verification_level": 0,
		"default_message_notifications": 0, "explicit_content_filter": 0, "mfa_level": 0,
		"premium_tier": 0, "nsfw_level": 0, "afk_timeout": 300, "system_channel_id": g.channelID,
	}
}

// ErrNotDelivered reports that an event was not dispatched because the
// client's intents do not cover it, as Discord would not send it either.
var ErrNotDelivered = errors.New("discordtest: the client's intents do not cover this event")

// An Interaction is a command a user invokes: a slash command, or a
// message or user context-menu command. Zero fields take defaults.
type Interaction struct {
	// Name is the command's name, such as "ask" or "Ask kutip". The bot
	// must have registered it (Interact waits until it has); a guild
	// command is found before a global one, and in DMs only global
	// commands exist.
	Name string
	// Type is the command's type. Default ChatInput.
	Type CommandType
	// Options are the values the user gave, checked against the
	// registered options (names, types, required, choices and limits).
	Options []Option
	// Target is the message a MessageCommand was used on. Without an ID
	// the fake posts it first, as a message from User in the channel.
	Target *Message
	// TargetUser is the user a UserCommand was used on.
	TargetUser *User
	// Autocomplete sends an APPLICATION_COMMAND_AUTOCOMPLETE interaction
	// (type 4) instead; mark the option being typed as Focused.
	Autocomplete bool
	// DM sends the interaction from the bot's DM with User; otherwise it
	// comes from GuildID's ChannelID.
	DM        bool
	ChannelID string // default Server.ChannelID, or the DM channel
	User      User   // default Server.User
	Locale    string // default "en-US"
	// Permissions is the member's permission bit set in the channel, in
	// decimal (such as "32" for Manage Server). Default: an ordinary
	// member's, without Manage Server or Administrator. As Discord's
	// client offers no command whose default_member_permissions the
	// member lacks (Administrator has them all), Interact refuses it.
	Permissions string
}

// An Option is one option value of a slash command. For a sub-command,
// leave Value nil and put its options in Options.
type Option struct {
	Name    string
	Value   any // string, int, float64 or bool, by the option's type; a snowflake string for users, channels, roles
	Focused bool
	Options []Option
}

// interaction is the fake's record of one interaction.
type interaction struct {
	id, token          string
	typ                int
	guildID, channelID string
	user               User
	cmdType            CommandType
	created            time.Time
	acked              bool
	ackType            int
	original           *message
	followups          []*message
	reqs               []*Request
}

func (it *interaction) owners() map[string]any {
	if it.guildID == "" {
		return map[string]any{"0": "0"}
	}
	return map[string]any{"0": it.guildID}
}

// Interact dispatches INTERACTION_CREATE as Discord does when a user
// invokes a command, and returns the interaction's ID. It waits (until ctx
// is done) for a client to identify and for the command to be registered.
// The bot's answers show in Responses and Reply.
func (s *Server) Interact(ctx context.Context, in Interaction) (string, error) {
	it, d, err := s.newInteraction(ctx, in)
	if err != nil {
		return "", err
	}
	if err := s.dispatchInteraction(ctx, it, d); err != nil {
		return it.id, fmt.Errorf("discordtest: interact: %w", err)
	}
	return it.id, nil
}

// dispatchInteraction sends it as INTERACTION_CREATE with payload d.
// Discord's three seconds run from when the interaction is sent, so that
// is when it.created is set.
func (s *Server) dispatchInteraction(ctx context.Context, it *interaction, d map[string]any) error {
	sent := func() {
		s.mu.Lock()
		it.created = time.Now()
		s.mu.Unlock()
	}
	return s.dispatch(ctx, it.guildID, "INTERACTION_CREATE", d, sent)
}

// newInteraction records the interaction a user starts with in and
// returns it with its payload, as the gateway and the HTTP endpoint carry
// it. It waits (until ctx is done) for the command to be registered.
func (s *Server) newInteraction(ctx context.Context, in Interaction) (*interaction, map[string]any, error) {
	if in.Type == 0 {
		in.Type = ChatInput
	}
	guildID := s.GuildID
	if in.DM {
		guildID = ""
	}
	var cmd Command
	err := s.WaitFor(ctx, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		var ok bool
		cmd, ok = s.lookupCommandLocked(guildID, in.Type, in.Name)
		return ok || s.closed
	})
	if err != nil || cmd.ID == "" {
		return nil, nil, fmt.Errorf("discordtest: interact: command %q (type %d) is not registered: %w", in.Name, in.Type, err)
	}
	if in.Type == ChatInput && in.DM && cmd.Contexts != nil && !containsInt(cmd.Contexts, 1) ||
		in.Type == ChatInput && in.DM && cmd.DMPermission != nil && !*cmd.DMPermission {
		return nil, nil, fmt.Errorf("discordtest: interact: command %q is not available in DMs", in.Name)
	}
	if in.Permissions == "" {
		in.Permissions = defaultMemberPermission
	}
	if !in.DM && cmd.DefaultMemberPermissions != nil && !permitted(in.Permissions, *cmd.DefaultMemberPermissions) {
		return nil, nil, fmt.Errorf("discordtest: interact: command %q needs permissions %s; the member has %s", in.Name, *cmd.DefaultMemberPermissions, in.Permissions)
	}
	opts, users, err := convertOptions(cmd.Options, in.Options, in.Autocomplete)
	if err != nil {
		return nil, nil, fmt.Errorf("discordtest: interact: /%s: %w", in.Name, err)
	}

	s.mu.Lock()
	user := s.knowLocked(in.User)
	ch := s.channelLocked(in.ChannelID, guildID, in.DM, user)
	it := &interaction{
		id: s.newID(), token: newToken(), typ: 2, guildID: ch.guildID, channelID: ch.id,
		user: user, cmdType: in.Type,
	}
	if in.Autocomplete {
		it.typ = 4
	}
	data := map[string]any{"id": cmd.ID, "name": cmd.Name, "type": cmd.Type}
	if len(opts) > 0 {
		data["options"] = opts
	}
	if cmd.GuildID != "" {
		data["guild_id"] = cmd.GuildID
	}
	resolved := map[string]any{}
	if len(users) > 0 {
		ru := map[string]any{}
		for _, id := range users {
			ru[id] = s.userLocked(id).object()
		}
		resolved["users"] = ru
	}
	switch {
	case in.Type == MessageCommand:
		target := in.Target
		if target == nil {
			target = &Message{Content: "(no content)"}
		}
		m := s.messageFromLocked(*target, ch, user)
		data["target_id"] = m.ID
		resolved["messages"] = map[string]any{m.ID: s.messageObjectLocked(m)}
	case in.Type == UserCommand:
		if in.TargetUser == nil {
			s.mu.Unlock()
			return nil, nil, errors.New("discordtest: interact: a user command needs TargetUser")
		}
		tu := s.knowLocked(*in.TargetUser)
		data["target_id"] = tu.ID
		resolved["users"] = map[string]any{tu.ID: tu.object()}
	}
	if len(resolved) > 0 {
		data["resolved"] = resolved
	}
	d := s.interactionObject(it, ch, user, in.Locale, in.Permissions)
	d["data"] = data
	s.keepInteractionLocked(it)
	s.mu.Unlock()
	return it, d, nil
}

// interactionObject is the part of INTERACTION_CREATE's payload that a
// command and a button click share: who, where, in which locale (en-US when
// locale is empty), and the member with its permissions in a guild or the
// user in a DM. The caller adds "data" (and a click its "message").
func (s *Server) interactionObject(it *interaction, ch channel, user User, locale, permissions string) map[string]any {
	if locale == "" {
		locale = "en-US"
	}
	d := map[string]any{
		"id": it.id, "application_id": s.Bot.ID, "type": it.typ, "token": it.token,
		"version": 1, "channel_id": ch.id, "channel": ch.object(), "app_permissions": defaultAppPermissions,
		"locale": locale, "entitlements": []any{}, "authorizing_integration_owners": it.owners(),
		"context": 0, "attachment_size_limit": 10 << 20,
	}
	if ch.guildID != "" {
		member := s.memberObject(user)
		member["permissions"] = permissions
		d["guild_id"] = ch.guildID
		d["guild_locale"] = "en-US"
		d["guild"] = map[string]any{"id": ch.guildID, "locale": "en-US", "features": []any{}}
		d["member"] = member
	} else {
		d["user"] = user.object()
		d["context"] = 1
	}
	return d
}

// keepInteractionLocked records an interaction, dropping the oldest beyond
// MaxInteractions. s.mu must be held.
func (s *Server) keepInteractionLocked(it *interaction) {
	s.inters[it.id] = it
	s.byToken[it.token] = it
	s.interOrd = append(s.interOrd, it.id)
	if n := excess(len(s.interOrd), s.opts.MaxInteractions); n > 0 {
		for _, id := range s.interOrd[:n] {
			if old := s.inters[id]; old != nil {
				delete(s.byToken, old.token)
			}
			delete(s.inters, id)
		}
		s.interOrd = append(s.interOrd[:0], s.interOrd[n:]...)
	}
	it.created = time.Now()
}

// permitted reports whether a member with the permission bit set have may
// use a command that needs the bit set need (both decimal); Administrator
// (1<<3) may use every command.
func permitted(have, need string) bool {
	h, err1 := strconv.ParseUint(have, 10, 64)
	n, err2 := strconv.ParseUint(need, 10, 64)
	if err1 != nil || err2 != nil {
		return false
	}
	return h&(1<<3) != 0 || h&n == n
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// convertOptions checks option values against the registered options and
// renders them as INTERACTION_CREATE carries them. It returns the user IDs
// to resolve.
func convertOptions(schema []CommandOption, in []Option, autocomplete bool) ([]map[string]any, []string, error) {
	var out []map[string]any
	var users []string
	given := map[string]bool{}
	for _, o := range in {
		var def *CommandOption
		for i := range schema {
			if schema[i].Name == o.Name {
				def = &schema[i]
			}
		}
		if def == nil {
			return nil, nil, fmt.Errorf("no option %q is registered", o.Name)
		}
		if given[o.Name] {
			return nil, nil, fmt.Errorf("option %q given twice", o.Name)
		}
		given[o.Name] = true
		opt := map[string]any{"name": o.Name, "type": def.Type}
		switch {
		case def.Type == OptionSubCommand || def.Type == OptionSubCommandGroup:
			sub, u, err := convertOptions(def.Options, o.Options, autocomplete)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", o.Name, err)
			}
			users = append(users, u...)
			if sub == nil {
				sub = []map[string]any{}
			}
			opt["options"] = sub
		case o.Focused:
			if !autocomplete || !def.Autocomplete {
				return nil, nil, fmt.Errorf("option %q is focused, but this is not an autocomplete of an autocomplete option", o.Name)
			}
			opt["value"] = fmt.Sprint(o.Value)
			opt["focused"] = true
		default:
			if problem := checkValue(*def, o.Value, true); problem != "" {
				return nil, nil, fmt.Errorf("option %q = %v: %s", o.Name, o.Value, problem)
			}
			opt["value"] = o.Value
			if def.Type == OptionUser || def.Type == OptionMentionable {
				users = append(users, o.Value.(string))
			}
		}
		out = append(out, opt)
	}
	if !autocomplete {
		for _, def := range schema {
			if def.Required && !given[def.Name] {
				return nil, nil, fmt.Errorf("required option %q is missing", def.Name)
			}
		}
	}
	return out, users, nil
}

// A Message is a message a user posts in a channel or a DM.
type Message struct {
	ID        string // default: a new snowflake
	ChannelID string // default Server.ChannelID, or the DM channel
	DM        bool   // post in the bot's DM with Author
	Author    User   // default Server.User
	// Content is the text. Mentions in it (<@ID>, <@!ID>, @everyone,
	// @here) fill the event's mentions and mention_everyone, as Discord
	// works them out.
	Content string
	// ReplyTo is the message this one replies to, in the same channel
	// (message_reference and referenced_message, see threads.go). A reply
	// mentions the replied message's author, as Discord's default does,
	// unless NoPing is set (the author turned the reply's @ off).
	ReplyTo string
	NoPing  bool
}

// messageFromLocked stores a user's message and returns it. s.mu must be
// held.
func (s *Server) messageFromLocked(in Message, ch channel, author User) *message {
	if in.ID != "" {
		if m := s.msgs[in.ID]; m != nil {
			return m
		}
	} else {
		in.ID = s.newID()
	}
	if in.Author.ID != "" {
		author = s.knowLocked(in.Author)
	}
	m := &message{
		Sent:   Sent{ID: in.ID, ChannelID: ch.id, GuildID: ch.guildID, Type: typeDefault, Time: time.Now()},
		author: author,
	}
	m.apply(&msgBody{Content: &in.Content}, s.replyLocked(m, in.ReplyTo, in.NoPing)) // threads.go
	s.storeLocked(m)
	return m
}

// Message dispatches MESSAGE_CREATE for a message a user posts and
// returns its ID. It waits (until ctx is done) for a client to identify.
//
// Delivery follows the client's intents: guild messages need
// GUILD_MESSAGES and DMs DIRECT_MESSAGES, else the message is kept (a
// reply to it works) but not dispatched, and Message returns
// ErrNotDelivered. Without the privileged MESSAGE_CONTENT intent, a guild
// message that does not mention the bot arrives with empty content, as on
// Discord.
func (s *Server) Message(ctx context.Context, in Message) (string, error) {
	sess, err := s.waitSession(ctx, "")
	if err != nil {
		return "", fmt.Errorf("discordtest: message: %w", err)
	}
	s.mu.Lock()
	author := s.knowLocked(in.Author)
	ch := s.channelLocked(in.ChannelID, s.GuildID, in.DM, author)
	m := s.messageFromLocked(in, ch, author)
	d := s.messageObjectLocked(m)
	dm := ch.guildID == ""
	if !dm {
		member := s.memberObject(author)
		delete(member, "user") // MESSAGE_CREATE's member leaves out the user
		d["member"] = member
	}
	if routed := s.routeLocked(ch.guildID); routed != nil {
		sess = routed // the guild's shard (shards.go)
	}
	intents := sess.intents
	s.mu.Unlock()

	if !deliverable(intents, dm) {
		return m.ID, ErrNotDelivered
	}
	mentionsBot := false
	for _, id := range m.Mentions {
		mentionsBot = mentionsBot || id == s.Bot.ID
	}
	if intents&intentMessageContent == 0 && !dm && !mentionsBot {
		d["content"], d["embeds"], d["attachments"], d["components"] = "", []any{}, []any{}, []any{}
	}
	if err := s.dispatch(ctx, ch.guildID, "MESSAGE_CREATE", d, nil); err != nil {
		return m.ID, fmt.Errorf("discordtest: message: %w", err)
	}
	return m.ID, nil
}
