package discordtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Interaction callback types.
const (
	cbChannelMessage         = 4
	cbDeferredChannelMessage = 5
	cbDeferredUpdateMessage  = 6
	cbUpdateMessage          = 7
	cbAutocompleteResult     = 8
	cbModal                  = 9
	interactionAppCommand    = 2
	interactionComponent     = 3
	interactionAutocomplete  = 4
	interactionModalSubmit   = 5
	responseFlags            = flagEphemeral | flagSuppressEmbeds | flagSuppressNotifications | flagComponentsV2
	deferredFlags            = flagEphemeral
	maxAutocompleteChoices   = 25
)

// callbackTypes lists the callbacks Discord accepts for each interaction
// type.
var callbackTypes = map[int][]int{
	interactionAppCommand:   {cbChannelMessage, cbDeferredChannelMessage, cbModal},
	interactionComponent:    {cbChannelMessage, cbDeferredChannelMessage, cbDeferredUpdateMessage, cbUpdateMessage, cbModal},
	interactionAutocomplete: {cbAutocompleteResult},
	interactionModalSubmit:  {cbChannelMessage, cbDeferredChannelMessage, cbDeferredUpdateMessage, cbUpdateMessage},
}

// Reply is how an interaction was answered, as the user sees it now.
type Reply struct {
	Acknowledged bool
	CallbackType int   // 4 message, 5 deferred, 8 autocomplete result, 9 modal; 0 before the callback
	Original     *Sent // the original response, nil until there is one
	Followups    []Sent
}

// Text returns the text of the original response and the follow-ups.
func (r Reply) Text() string {
	var out string
	if r.Original != nil {
		out = r.Original.Text()
	}
	for _, f := range r.Followups {
		out += "\n" + f.Text()
	}
	return out
}

// Reply returns how an interaction has been answered so far.
func (s *Server) Reply(interactionID string) Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.inters[interactionID]
	if it == nil {
		return Reply{}
	}
	r := Reply{Acknowledged: it.acked, CallbackType: it.ackType}
	if it.original != nil {
		o := it.original.snapshot()
		r.Original = &o
	}
	for _, f := range it.followups {
		r.Followups = append(r.Followups, f.snapshot())
	}
	return r
}

// WaitReply waits until an interaction has a visible answer (a message
// that is not a deferred "thinking…" placeholder, or an autocomplete
// result or modal) and returns it.
func (s *Server) WaitReply(ctx context.Context, interactionID string) (Reply, error) {
	var r Reply
	err := s.WaitFor(ctx, func() bool {
		r = s.Reply(interactionID)
		switch {
		case r.CallbackType == cbAutocompleteResult || r.CallbackType == cbModal:
			return true
		case len(r.Followups) > 0:
			return true
		default:
			return r.Original != nil && !r.Original.Loading && !r.Original.Deleted
		}
	})
	if err != nil {
		return r, fmt.Errorf("interaction %s not answered: %w", interactionID, err)
	}
	return r, nil
}

// callback answers POST /interactions/{id}/{token}/callback: the one
// acknowledgement an interaction gets, within InteractionTimeout.
func (s *Server) callback(c *call) {
	var cb struct {
		Type *int            `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if !c.decode(&cb) {
		return
	}
	s.mu.Lock()
	it := s.inters[c.r.PathValue("id")]
	switch {
	case it == nil || it.token != c.r.PathValue("token"):
		s.mu.Unlock()
		c.unknownInteraction()
		return
	case it.acked:
		s.stats.DoubleAcks++
		s.mu.Unlock()
		c.alreadyAcknowledged()
		return
	case s.opts.InteractionTimeout >= 0 && time.Since(it.created) > s.opts.InteractionTimeout:
		s.stats.LateAcks++
		s.mu.Unlock()
		c.unknownInteraction()
		return
	}
	s.mu.Unlock()

	if cb.Type == nil {
		c.invalidForm([]formError{{[]string{"type"}, "BASE_TYPE_REQUIRED", "This field is required"}})
		return
	}
	typ := *cb.Type
	if !containsInt(callbackTypes[it.typ], typ) {
		c.invalidForm([]formError{{[]string{"type"}, "INTERACTION_CALLBACK_TYPE_INVALID", fmt.Sprintf("Callback type %d is not valid for interaction type %d.", typ, it.typ)}})
		return
	}
	var m *message
	switch typ {
	case cbChannelMessage, cbDeferredChannelMessage:
		data := cb.Data
		if data == nil || string(data) == "null" {
			data = json.RawMessage(`{}`)
		}
		b, ok := c.decodeMessage(data, []string{"data"})
		if !ok {
			return
		}
		flags := responseFlags
		if typ == cbDeferredChannelMessage {
			flags = deferredFlags
		}
		if errs := checkMessage(b, []string{"data"}, flags); len(errs) > 0 {
			c.invalidForm(errs)
			return
		}
		if typ == cbChannelMessage && b.empty(len(c.req.Files)) {
			c.emptyMessage()
			return
		}
		mt := typeChatInputCmd
		if it.cmdType != ChatInput {
			mt = typeContextMenuCmd
		}
		m = &message{Sent: Sent{
			ChannelID: it.channelID, GuildID: it.guildID, InteractionID: it.id, Type: mt, Time: time.Now(),
		}, author: s.Bot}
		if typ == cbDeferredChannelMessage {
			// A deferred response is a "thinking…" placeholder; only its
			// ephemeral flag counts until the edit fills it.
			m.Flags = flagLoading
			if b.Flags != nil {
				m.Flags |= *b.Flags & flagEphemeral
			}
			m.Ephemeral = m.Flags&flagEphemeral != 0
			m.Loading = true
		} else {
			m.apply(b, "")
		}
	case cbAutocompleteResult:
		var d struct {
			Choices *[]Choice `json:"choices"`
		}
		if json.Unmarshal(cb.Data, &d) != nil || d.Choices == nil {
			c.invalidForm([]formError{{[]string{"data", "choices"}, "BASE_TYPE_REQUIRED", "This field is required"}})
			return
		}
		if len(*d.Choices) > maxAutocompleteChoices {
			c.invalidForm([]formError{{[]string{"data", "choices"}, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."}})
			return
		}
	case cbModal:
		var d struct {
			CustomID   string            `json:"custom_id"`
			Title      string            `json:"title"`
			Components []json.RawMessage `json:"components"`
		}
		if json.Unmarshal(cb.Data, &d) != nil || d.CustomID == "" || d.Title == "" || len(d.Components) == 0 {
			c.invalidForm([]formError{{[]string{"data"}, "BASE_TYPE_REQUIRED", "A modal needs custom_id, title and components"}})
			return
		}
	}

	s.mu.Lock()
	if it.acked { // a concurrent callback won
		s.stats.DoubleAcks++
		s.mu.Unlock()
		c.alreadyAcknowledged()
		return
	}
	it.acked, it.ackType = true, typ
	s.stats.Callbacks++
	if m != nil {
		m.ID = s.newID()
		it.original = m
		s.storeLocked(m)
	}
	if c.req.Query.Get("with_response") == "true" {
		resp := map[string]any{"interaction": map[string]any{"id": it.id, "type": it.typ}}
		if m != nil {
			resp["interaction"].(map[string]any)["response_message_id"] = m.ID
			resp["interaction"].(map[string]any)["response_message_loading"] = m.Loading
			resp["interaction"].(map[string]any)["response_message_ephemeral"] = m.Ephemeral
			resp["resource"] = map[string]any{"type": typ, "message": s.messageObjectLocked(m)}
		}
		c.json(http.StatusOK, resp)
	} else {
		c.noContent()
	}
	c.commitLocked()
	s.mu.Unlock()
	if m != nil {
		s.echo("MESSAGE_CREATE", m)
	}
}

// webhookInteraction finds the interaction behind /webhooks/{app}/{token},
// answering as Discord does when there is none or its token has expired.
func (s *Server) webhookInteraction(c *call) *interaction {
	if c.r.PathValue("app") != s.Bot.ID {
		c.unknownWebhook()
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.byToken[c.r.PathValue("token")]
	if it == nil || s.opts.TokenLifetime >= 0 && time.Since(it.created) > s.opts.TokenLifetime {
		c.invalidWebhookToken()
		return nil
	}
	if !it.acked {
		// Until the callback, the interaction's webhook does not exist.
		c.unknownWebhook()
		return nil
	}
	return it
}

func (s *Server) getOriginal(c *call) {
	it := s.webhookInteraction(c)
	if it == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if it.original == nil || it.original.Deleted {
		c.unknownMessage()
		return
	}
	c.json(http.StatusOK, s.messageObjectLocked(it.original))
}

func (s *Server) editOriginal(c *call) {
	it := s.webhookInteraction(c)
	if it == nil {
		return
	}
	s.mu.Lock()
	m := it.original
	s.mu.Unlock()
	if m == nil || m.Deleted {
		c.unknownMessage()
		return
	}
	s.edit(c, m)
}

func (s *Server) editFollowup(c *call) {
	it := s.webhookInteraction(c)
	if it == nil {
		return
	}
	m := s.followup(it, c.r.PathValue("msg"))
	if m == nil {
		c.unknownMessage()
		return
	}
	s.edit(c, m)
}

// edit applies a PATCH to a message: fields left out stay as they were,
// and the result must not be empty.
func (s *Server) edit(c *call, m *message) {
	b, ok := c.decodeMessage(c.req.Body, nil)
	if !ok {
		return
	}
	if errs := checkMessage(b, nil, flagSuppressEmbeds|flagComponentsV2); len(errs) > 0 {
		c.invalidForm(errs)
		return
	}
	s.mu.Lock()
	next := &message{Sent: m.Sent, author: m.author, components: m.components}
	next.apply(b, "")
	next.Flags &^= flagLoading
	next.Loading = false
	if next.Content == "" && len(next.Embeds) == 0 && len(next.components) == 0 && len(c.req.Files) == 0 {
		s.mu.Unlock()
		c.emptyMessage()
		return
	}
	wasLoading := m.Loading
	m.Content, m.Embeds, m.components, m.Flags, m.Loading = next.Content, next.Embeds, next.components, next.Flags, false
	m.Mentions, m.MentionRoles, m.MentionEveryone = next.Mentions, next.MentionRoles, next.MentionEveryone
	if !wasLoading {
		m.Edits++ // filling a deferred response is not an edit to the user
	}
	c.json(http.StatusOK, s.messageObjectLocked(m))
	c.commitLocked()
	s.mu.Unlock()
	s.echo("MESSAGE_UPDATE", m)
}

func (s *Server) deleteOriginal(c *call) {
	it := s.webhookInteraction(c)
	if it == nil {
		return
	}
	s.mu.Lock()
	m := it.original
	s.mu.Unlock()
	s.delete(c, m)
}

func (s *Server) deleteFollowup(c *call) {
	it := s.webhookInteraction(c)
	if it == nil {
		return
	}
	s.delete(c, s.followup(it, c.r.PathValue("msg")))
}

func (s *Server) delete(c *call, m *message) {
	s.mu.Lock()
	if m == nil || m.Deleted {
		s.mu.Unlock()
		c.unknownMessage()
		return
	}
	m.Deleted = true
	c.noContent()
	c.commitLocked()
	s.mu.Unlock()
	s.echo("MESSAGE_DELETE", m)
}

func (s *Server) followup(it *interaction, id string) *message {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range it.followups {
		if f.ID == id {
			return f
		}
	}
	return nil
}

// createFollowup posts a follow-up message. Discord always answers
// interaction follow-ups with the message, whatever ?wait says.
func (s *Server) createFollowup(c *call) {
	it := s.webhookInteraction(c)
	if it == nil {
		return
	}
	b, ok := c.decodeMessage(c.req.Body, nil)
	if !ok {
		return
	}
	if errs := checkMessage(b, nil, responseFlags); len(errs) > 0 {
		c.invalidForm(errs)
		return
	}
	if b.empty(len(c.req.Files)) {
		c.emptyMessage()
		return
	}
	s.mu.Lock()
	m := &message{Sent: Sent{
		ID: s.newID(), ChannelID: it.channelID, GuildID: it.guildID, InteractionID: it.id,
		Followup: true, Type: typeDefault, Time: time.Now(),
	}, author: s.Bot}
	m.apply(b, "")
	it.followups = append(it.followups, m)
	s.storeLocked(m)
	c.json(http.StatusOK, s.messageObjectLocked(m))
	c.commitLocked()
	s.mu.Unlock()
	s.echo("MESSAGE_CREATE", m)
}

func (s *Server) getChannel(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.channels[c.r.PathValue("channel")]
	if !ok {
		c.unknownChannel()
		return
	}
	c.json(http.StatusOK, ch.object())
}

// createDM opens (or finds) the bot's DM channel with a user.
func (s *Server) createDM(c *call) {
	var b struct {
		RecipientID string `json:"recipient_id"`
	}
	if !c.decode(&b) {
		return
	}
	if b.RecipientID == "" {
		c.invalidForm([]formError{{[]string{"recipient_id"}, "BASE_TYPE_REQUIRED", "This field is required"}})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channelLocked("", "", true, s.userLocked(b.RecipientID))
	c.json(http.StatusOK, ch.object())
	c.commitLocked()
}
