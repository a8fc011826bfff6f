package discordtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Message flags the fake knows.
const (
	flagSuppressEmbeds        = 1 << 2
	flagEphemeral             = 1 << 6
	flagLoading               = 1 << 7
	flagSuppressNotifications = 1 << 12
	flagComponentsV2          = 1 << 15
)

// Message types the fake produces.
const (
	typeDefault         = 0
	typeReply           = 19
	typeChatInputCmd    = 20
	typeContextMenuCmd  = 23
	defaultGuildChannel = 0
	dmChannel           = 1
)

// An Embed is a rich embed in a message. Fields the fake does not model
// (video, provider) are dropped.
type Embed struct {
	Title       string       `json:"title,omitempty"`
	Type        string       `json:"type,omitempty"`
	Description string       `json:"description,omitempty"`
	URL         string       `json:"url,omitempty"`
	Timestamp   string       `json:"timestamp,omitempty"`
	Color       int          `json:"color,omitempty"`
	Footer      *EmbedFooter `json:"footer,omitempty"`
	Author      *EmbedAuthor `json:"author,omitempty"`
	Image       *EmbedMedia  `json:"image,omitempty"`
	Thumbnail   *EmbedMedia  `json:"thumbnail,omitempty"`
	Fields      []EmbedField `json:"fields,omitempty"`
}

// EmbedFooter is an embed's footer.
type EmbedFooter struct {
	Text    string `json:"text"`
	IconURL string `json:"icon_url,omitempty"`
}

// EmbedAuthor is an embed's author line.
type EmbedAuthor struct {
	Name    string `json:"name"`
	URL     string `json:"url,omitempty"`
	IconURL string `json:"icon_url,omitempty"`
}

// EmbedMedia is an embed's image or thumbnail.
type EmbedMedia struct {
	URL string `json:"url"`
}

// EmbedField is one field of an embed.
type EmbedField struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Inline bool   `json:"inline,omitempty"`
}

// AllowedMentions says whom a message may ping. A message sent without it
// pings everyone its content mentions, @everyone included.
type AllowedMentions struct {
	Parse       []string `json:"parse"` // of "users", "roles", "everyone"
	Users       []string `json:"users,omitempty"`
	Roles       []string `json:"roles,omitempty"`
	RepliedUser bool     `json:"replied_user"`
}

// MessageReference points a reply at the message it answers.
type MessageReference struct {
	MessageID       string `json:"message_id"`
	ChannelID       string `json:"channel_id,omitempty"`
	GuildID         string `json:"guild_id,omitempty"`
	FailIfNotExists *bool  `json:"fail_if_not_exists,omitempty"`
}

// MessageBody is the message a request sends: a channel message, a
// callback's data, an edit or a follow-up.
type MessageBody struct {
	Content          string
	Embeds           []Embed
	AllowedMentions  *AllowedMentions // nil when the request had none
	Flags            int
	MessageReference *MessageReference
}

// Message returns the message a request carries, for the routes that carry
// one: RouteCreateMessage, RouteCallback (its data), RouteEditOriginal,
// RouteFollowup and RouteEditFollowup.
func (r Request) Message() (MessageBody, bool) {
	body := r.Body
	switch r.Route {
	case RouteCreateMessage, RouteEditOriginal, RouteFollowup, RouteEditFollowup:
	case RouteCallback:
		var cb struct {
			Data json.RawMessage `json:"data"`
		}
		if json.Unmarshal(body, &cb) != nil || cb.Data == nil {
			return MessageBody{}, false
		}
		body = cb.Data
	default:
		return MessageBody{}, false
	}
	var b msgBody
	if body == nil || json.Unmarshal(body, &b) != nil {
		return MessageBody{}, false
	}
	out := MessageBody{AllowedMentions: b.AllowedMentions, MessageReference: b.MessageReference}
	if b.Content != nil {
		out.Content = *b.Content
	}
	if b.Embeds != nil {
		out.Embeds = *b.Embeds
	}
	if b.Flags != nil {
		out.Flags = *b.Flags
	}
	return out, true
}

// Sent is a message the bot posted: in a channel, as an interaction's
// original response, or as a follow-up. It shows the message as it stands
// after any edits.
type Sent struct {
	ID            string
	ChannelID     string
	GuildID       string // "" in a DM
	InteractionID string // the interaction it answers, or ""
	Followup      bool   // a follow-up rather than the original response
	ReplyTo       string // the message it replies to, or ""
	Type          int
	Content       string
	Embeds        []Embed
	Flags         int
	Ephemeral     bool // only the invoking user sees it
	Loading       bool // a deferred response not yet edited ("is thinking…")
	// Mentions, MentionRoles and MentionEveryone are who the message
	// pings, worked out from its content, its allowed_mentions and the
	// replied-to author as Discord does.
	Mentions        []string
	MentionRoles    []string
	MentionEveryone bool
	Time            time.Time
	Edits           int
	Deleted         bool
}

// Text returns the content and all the text of the embeds, one piece a
// line, for checks such as strings.Contains.
func (m Sent) Text() string {
	parts := []string{m.Content}
	for _, e := range m.Embeds {
		parts = append(parts, e.Title, e.Description)
		if e.Author != nil {
			parts = append(parts, e.Author.Name)
		}
		for _, f := range e.Fields {
			parts = append(parts, f.Name, f.Value)
		}
		if e.Footer != nil {
			parts = append(parts, e.Footer.Text)
		}
	}
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), "\n")
}

// Pings reports whether the message pings anyone.
func (m Sent) Pings() bool {
	return len(m.Mentions) > 0 || len(m.MentionRoles) > 0 || m.MentionEveryone
}

// message is a stored message, the bot's or a user's.
type message struct {
	Sent
	author     User
	components []json.RawMessage
}

// Sent returns the messages the bot has posted, oldest first, as they
// stand now (about the last Options.MaxMessages messages are kept).
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Sent
	for _, id := range s.msgOrder {
		if m := s.msgs[id]; m != nil && m.author.ID == s.Bot.ID {
			out = append(out, m.snapshot())
		}
	}
	return out
}

// WaitSent waits until the bot has posted a message for which match
// returns true, and returns it.
func (s *Server) WaitSent(ctx context.Context, match func(Sent) bool) (Sent, error) {
	var got Sent
	err := s.WaitFor(ctx, func() bool {
		for _, m := range s.Sent() {
			if match(m) {
				got = m
				return true
			}
		}
		return false
	})
	return got, err
}

func (m *message) snapshot() Sent {
	out := m.Sent
	out.Embeds = slices.Clone(m.Embeds)
	out.Mentions = slices.Clone(m.Mentions)
	out.MentionRoles = slices.Clone(m.MentionRoles)
	return out
}

// storeLocked keeps m, dropping the oldest beyond MaxMessages. s.mu must
// be held.
func (s *Server) storeLocked(m *message) {
	s.msgs[m.ID] = m
	s.msgOrder = append(s.msgOrder, m.ID)
	if n := excess(len(s.msgOrder), s.opts.MaxMessages); n > 0 {
		for _, id := range s.msgOrder[:n] {
			delete(s.msgs, id)
		}
		s.msgOrder = append(s.msgOrder[:0], s.msgOrder[n:]...)
	}
}

// msgBody is a message as a request sends it. Pointers tell a missing
// field from an empty one, which matters for edits.
type msgBody struct {
	Content          *string            `json:"content"`
	Embeds           *[]Embed           `json:"embeds"`
	Components       *[]json.RawMessage `json:"components"`
	AllowedMentions  *AllowedMentions   `json:"allowed_mentions"`
	Flags            *int               `json:"flags"`
	MessageReference *MessageReference  `json:"message_reference"`
	Attachments      *[]json.RawMessage `json:"attachments"`
	Poll             json.RawMessage    `json:"poll"`
	StickerIDs       []string           `json:"sticker_ids"`
	TTS              *bool              `json:"tts"`
	Nonce            json.RawMessage    `json:"nonce"`
	EnforceNonce     *bool              `json:"enforce_nonce"`
}

// nonceWindow is how long a message's nonce is remembered for
// enforce_nonce: "the past few minutes", Discord says.
const nonceWindow = 5 * time.Minute

// A sentNonce is a nonce a message was created with.
type sentNonce struct {
	key   string // channel ID and nonce
	msgID string
	at    time.Time
}

// nonce returns the message's nonce as a string (Discord takes a string
// or an integer) and whether it is valid: at most 25 characters.
func (b *msgBody) nonce() (string, bool) {
	if len(b.Nonce) == 0 || string(b.Nonce) == "null" {
		return "", true
	}
	var str string
	if json.Unmarshal(b.Nonce, &str) == nil {
		return str, utf8.RuneCountInString(str) <= 25
	}
	var n json.Number
	if err := json.Unmarshal(b.Nonce, &n); err == nil {
		if _, err := n.Int64(); err == nil {
			return n.String(), true
		}
	}
	return "", false
}

// nonceMessageLocked returns the message created in channel chID with
// nonce within nonceWindow, if it is still kept, after forgetting older
// nonces. s.mu must be held.
func (s *Server) nonceMessageLocked(chID, nonce string) *message {
	cutoff := time.Now().Add(-nonceWindow)
	n := 0
	for n < len(s.nonces) && (s.nonces[n].at.Before(cutoff) || len(s.nonces)-n > s.opts.MaxMessages) {
		n++
	}
	s.nonces = append(s.nonces[:0], s.nonces[n:]...)
	key := chID + "/" + nonce
	for i := len(s.nonces) - 1; i >= 0; i-- {
		if s.nonces[i].key == key {
			return s.msgs[s.nonces[i].msgID]
		}
	}
	return nil
}

// empty reports whether the body would make a message with nothing in it.
func (b *msgBody) empty(files int) bool {
	return (b.Content == nil || *b.Content == "") &&
		(b.Embeds == nil || len(*b.Embeds) == 0) &&
		(b.Components == nil || len(*b.Components) == 0) &&
		(b.Attachments == nil || len(*b.Attachments) == 0) &&
		(len(b.Poll) == 0 || string(b.Poll) == "null") &&
		len(b.StickerIDs) == 0 && files == 0
}

// A formError is one problem in a request body, at a path of JSON keys.
type formError struct {
	path      []string
	code, msg string
}

// invalidForm answers 400 with code 50035 and Discord's nested errors
// object: {"content": {"_errors": [{"code": …, "message": …}]}}.
func (c *call) invalidForm(errs []formError) {
	root := map[string]any{}
	for _, e := range errs {
		node := root
		for _, k := range e.path {
			child, ok := node[k].(map[string]any)
			if !ok {
				child = map[string]any{}
				node[k] = child
			}
			node = child
		}
		list, _ := node["_errors"].([]any)
		node["_errors"] = append(list, map[string]any{"code": e.code, "message": e.msg})
	}
	c.json(http.StatusBadRequest, map[string]any{"code": 50035, "errors": root, "message": "Invalid Form Body"})
}

// decodeMessage decodes a message body, answering 50109 or 50035 when it
// is not one.
func (c *call) decodeMessage(raw json.RawMessage, at []string) (*msgBody, bool) {
	var b msgBody
	if raw == nil {
		c.invalidJSON()
		return nil, false
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			c.invalidForm([]formError{{append(at, strings.Split(te.Field, ".")...), "BASE_TYPE_BAD_TYPE", "Value is not of the expected type " + te.Type.String() + "."}})
		} else {
			c.invalidJSON()
		}
		return nil, false
	}
	return &b, true
}

// checkMessage checks a message's fields against Discord's limits; flags
// is the set of flags the endpoint accepts.
func checkMessage(b *msgBody, at []string, flags int) []formError {
	var errs []formError
	p := func(field ...string) []string { return append(append([]string(nil), at...), field...) }
	if b.Content != nil && utf8.RuneCountInString(*b.Content) > 2000 {
		errs = append(errs, formError{p("content"), "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length."})
	}
	if b.Flags != nil && *b.Flags&^flags != 0 {
		errs = append(errs, formError{p("flags"), "MESSAGE_FLAGS_INVALID", fmt.Sprintf("Flags %d are not allowed here.", *b.Flags&^flags)})
	}
	if b.Embeds != nil {
		embeds := *b.Embeds
		if len(embeds) > 10 {
			errs = append(errs, formError{p("embeds"), "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length."})
		}
		total := 0
		for i, e := range embeds {
			ep := func(field ...string) []string { return p(append([]string{"embeds", fmt.Sprint(i)}, field...)...) }
			max := func(v string, n int, field ...string) {
				total += utf8.RuneCountInString(v)
				if utf8.RuneCountInString(v) > n {
					errs = append(errs, formError{ep(field...), "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", n)})
				}
			}
			required := func(v string, field ...string) {
				if v == "" {
					errs = append(errs, formError{ep(field...), "BASE_TYPE_REQUIRED", "This field is required"})
				}
			}
			max(e.Title, 256, "title")
			max(e.Description, 4096, "description")
			if e.Footer != nil {
				required(e.Footer.Text, "footer", "text")
				max(e.Footer.Text, 2048, "footer", "text")
			}
			if e.Author != nil {
				required(e.Author.Name, "author", "name")
				max(e.Author.Name, 256, "author", "name")
			}
			if len(e.Fields) > 25 {
				errs = append(errs, formError{ep("fields"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."})
			}
			for j, f := range e.Fields {
				required(f.Name, "fields", fmt.Sprint(j), "name")
				required(f.Value, "fields", fmt.Sprint(j), "value")
				max(f.Name, 256, "fields", fmt.Sprint(j), "name")
				max(f.Value, 1024, "fields", fmt.Sprint(j), "value")
			}
			if e.URL != "" && !webURL(e.URL) {
				errs = append(errs, formError{ep("url"), "URL_TYPE_INVALID_URL", "Not a well formed URL."})
			}
			if e.Color < 0 || e.Color > 0xFFFFFF {
				errs = append(errs, formError{ep("color"), "NUMBER_TYPE_MAX", "int value should be less than or equal to 16777215."})
			}
			if e.Type != "" && e.Type != "rich" {
				errs = append(errs, formError{ep("type"), "BASE_TYPE_CHOICES", "Bots may only send rich embeds."})
			}
		}
		if total > 6000 {
			errs = append(errs, formError{p("embeds"), "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"})
		}
	}
	errs = append(errs, checkComponents(b.Components, at)...) // components.go
	if am := b.AllowedMentions; am != nil {
		for _, v := range am.Parse {
			if v != "users" && v != "roles" && v != "everyone" {
				errs = append(errs, formError{p("allowed_mentions", "parse"), "BASE_TYPE_CHOICES", `Value must be one of ("roles", "users", "everyone").`})
			}
		}
		if slices.Contains(am.Parse, "users") && len(am.Users) > 0 {
			errs = append(errs, formError{p("allowed_mentions"), "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", `parse:["users"] and users: [ids...] are mutually exclusive.`})
		}
		if slices.Contains(am.Parse, "roles") && len(am.Roles) > 0 {
			errs = append(errs, formError{p("allowed_mentions"), "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", `parse:["roles"] and roles: [ids...] are mutually exclusive.`})
		}
		if len(am.Users) > 100 || len(am.Roles) > 100 {
			errs = append(errs, formError{p("allowed_mentions"), "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length."})
		}
	}
	return errs
}

func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "attachment") && u.Host != ""
}

var (
	userMention = regexp.MustCompile(`<@!?(\d{15,21})>`)
	roleMention = regexp.MustCompile(`<@&(\d{15,21})>`)
)

// mentionedUsers returns the user IDs a text mentions, once each.
func mentionedUsers(content string) []string {
	var ids []string
	for _, m := range userMention.FindAllStringSubmatch(content, -1) {
		if !slices.Contains(ids, m[1]) {
			ids = append(ids, m[1])
		}
	}
	return ids
}

// pings works out whom a message pings: the mentions in its content that
// allowed_mentions lets through (all of them when it is nil), plus the
// replied-to author when replied_user allows it (by default when
// allowed_mentions is nil).
func pings(content string, am *AllowedMentions, repliedAuthor string) (users, roles []string, everyone bool) {
	parse := []string{"users", "roles", "everyone"}
	if am != nil {
		parse = am.Parse
	}
	for _, id := range mentionedUsers(content) {
		if slices.Contains(parse, "users") || (am != nil && slices.Contains(am.Users, id)) {
			users = append(users, id)
		}
	}
	for _, m := range roleMention.FindAllStringSubmatch(content, -1) {
		if (slices.Contains(parse, "roles") || (am != nil && slices.Contains(am.Roles, m[1]))) && !slices.Contains(roles, m[1]) {
			roles = append(roles, m[1])
		}
	}
	everyone = slices.Contains(parse, "everyone") && (strings.Contains(content, "@everyone") || strings.Contains(content, "@here"))
	if repliedAuthor != "" && (am == nil || am.RepliedUser) && !slices.Contains(users, repliedAuthor) {
		users = append(users, repliedAuthor)
	}
	return users, roles, everyone
}

// apply sets a stored message's fields from a body; for an edit, fields the
// body leaves out stay as they were.
func (m *message) apply(b *msgBody, repliedAuthor string) {
	if b.Content != nil {
		m.Content = *b.Content
	}
	if b.Embeds != nil {
		m.Embeds = slices.Clone(*b.Embeds)
		for i := range m.Embeds {
			if m.Embeds[i].Type == "" {
				m.Embeds[i].Type = "rich"
			}
		}
	}
	if b.Components != nil {
		m.components = *b.Components
	}
	if b.Flags != nil {
		m.Flags = m.Flags&(flagEphemeral|flagLoading) | *b.Flags
	}
	m.Ephemeral = m.Flags&flagEphemeral != 0
	m.Mentions, m.MentionRoles, m.MentionEveryone = pings(m.Content, b.AllowedMentions, repliedAuthor)
}

// messageObjectLocked renders a stored message as Discord's message
// object. s.mu must be held.
func (s *Server) messageObjectLocked(m *message) map[string]any {
	mentions := []any{}
	for _, id := range m.Mentions {
		mentions = append(mentions, s.userLocked(id).object())
	}
	embeds := m.Embeds
	if embeds == nil {
		embeds = []Embed{}
	}
	components := m.components
	if components == nil {
		components = []json.RawMessage{}
	}
	roles := m.MentionRoles
	if roles == nil {
		roles = []string{}
	}
	obj := map[string]any{
		"id": m.ID, "channel_id": m.ChannelID, "author": m.author.object(), "content": m.Content,
		"timestamp": m.Time.UTC().Format(time.RFC3339Nano), "edited_timestamp": nil,
		"tts": false, "mention_everyone": m.MentionEveryone, "mentions": mentions, "mention_roles": roles,
		"attachments": []any{}, "embeds": embeds, "components": components, "pinned": false,
		"type": m.Type, "flags": m.Flags,
	}
	if m.GuildID != "" {
		obj["guild_id"] = m.GuildID
	}
	if m.Edits > 0 {
		obj["edited_timestamp"] = time.Now().UTC().Format(time.RFC3339Nano)
	}
	if m.ReplyTo != "" {
		obj["message_reference"] = map[string]any{"type": 0, "message_id": m.ReplyTo, "channel_id": m.ChannelID, "guild_id": m.GuildID}
		if ref := s.msgs[m.ReplyTo]; ref != nil {
			obj["referenced_message"] = s.messageObjectLocked(&message{Sent: ref.Sent, author: ref.author, components: ref.components})
		}
	}
	if it := s.inters[m.InteractionID]; it != nil {
		obj["webhook_id"] = s.Bot.ID
		obj["application_id"] = s.Bot.ID
		obj["interaction_metadata"] = map[string]any{
			"id": it.id, "type": it.typ, "user": it.user.object(),
			"authorizing_integration_owners": it.owners(),
		}
	}
	return obj
}

// echo dispatches an event about the bot's own message, as Discord does,
// unless Options.NoEcho is set or the session lacks the intent for it. It
// runs in the background so a REST answer never waits on the gateway.
func (s *Server) echo(typ string, m *message) {
	if s.opts.NoEcho || m.Ephemeral {
		return
	}
	s.mu.Lock()
	sess := s.routeLocked(m.GuildID)
	if s.closed || sess == nil || !deliverable(sess.intents, m.GuildID == "") {
		s.mu.Unlock()
		return
	}
	var d map[string]any
	if typ == "MESSAGE_DELETE" {
		d = map[string]any{"id": m.ID, "channel_id": m.ChannelID}
		if m.GuildID != "" {
			d["guild_id"] = m.GuildID
		}
	} else {
		d = s.messageObjectLocked(m)
		if m.GuildID != "" {
			d["member"] = s.memberObject(s.Bot)
		}
	}
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		data := marshal(typ, d)
		sess.sendMu.Lock()
		defer sess.sendMu.Unlock()
		s.sendRawLocked(sess, typ, data)
	}()
}

// deliverable reports whether a session with these intents gets message
// events from a guild channel or a DM.
func deliverable(intents int, dm bool) bool {
	if dm {
		return intents&intentDirectMessages != 0
	}
	return intents&intentGuildMessages != 0
}

func (s *Server) createMessage(c *call) {
	chID := c.r.PathValue("channel")
	s.mu.Lock()
	ch, ok := s.channels[chID]
	s.mu.Unlock()
	if !ok {
		c.unknownChannel()
		return
	}
	b, ok := c.decodeMessage(c.req.Body, nil)
	if !ok {
		return
	}
	errs := checkMessage(b, nil, flagSuppressEmbeds|flagSuppressNotifications|flagComponentsV2)
	nonce, ok := b.nonce()
	if !ok {
		errs = append(errs, formError{[]string{"nonce"}, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."})
	}
	s.mu.Lock()
	if nonce != "" && b.EnforceNonce != nil && *b.EnforceNonce && len(errs) == 0 {
		if m := s.nonceMessageLocked(chID, nonce); m != nil {
			// Created before: Discord returns that message and creates none.
			s.stats.DuplicateNonces++
			c.json(http.StatusOK, s.messageObjectLocked(m))
			c.commitLocked()
			s.mu.Unlock()
			return
		}
	}
	var ref *message
	if r := b.MessageReference; r != nil {
		ref = s.msgs[r.MessageID]
		if ref != nil && (ref.ChannelID != chID || r.ChannelID != "" && r.ChannelID != chID) {
			ref = nil
		}
		if ref == nil && (r.FailIfNotExists == nil || *r.FailIfNotExists) {
			errs = append(errs, formError{[]string{"message_reference"}, "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"})
		}
	}
	if len(errs) > 0 || b.empty(len(c.req.Files)) {
		s.mu.Unlock()
		if len(errs) > 0 {
			c.invalidForm(errs)
		} else {
			c.emptyMessage()
		}
		return
	}
	m := &message{Sent: Sent{ID: s.newID(), ChannelID: chID, GuildID: ch.guildID, Type: typeDefault, Time: time.Now()}, author: s.Bot}
	replied := ""
	if ref != nil {
		m.ReplyTo, m.Type = ref.ID, typeReply
		replied = ref.author.ID
	}
	m.apply(b, replied)
	s.storeLocked(m)
	if nonce != "" {
		s.nonces = append(s.nonces, sentNonce{key: chID + "/" + nonce, msgID: m.ID, at: time.Now()})
	}
	c.json(http.StatusOK, s.messageObjectLocked(m))
	c.commitLocked()
	s.mu.Unlock()
	s.echo("MESSAGE_CREATE", m)
}

func (s *Server) getMessage(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.msgs[c.r.PathValue("msg")]
	if _, ok := s.channels[c.r.PathValue("channel")]; !ok {
		c.unknownChannel()
		return
	}
	if m == nil || m.ChannelID != c.r.PathValue("channel") || m.Ephemeral {
		c.unknownMessage()
		return
	}
	c.json(http.StatusOK, s.messageObjectLocked(m))
}

func (s *Server) typing(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.channels[c.r.PathValue("channel")]; !ok {
		c.unknownChannel()
		return
	}
	c.noContent()
}
