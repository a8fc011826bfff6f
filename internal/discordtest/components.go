package discordtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"
)

// Message components: the fake keeps the action rows of every message the
// bot sends, checks them against Discord's limits (at most 5 rows of at
// most 5 buttons, custom_ids of 1 to 100 characters unique within the
// message, labels of at most 80, a label or an emoji on every button, a
// URL on link buttons and on them only), and lets the test click a button:
// Click dispatches INTERACTION_CREATE of type MESSAGE_COMPONENT (3) with
// the message attached, as Discord does. The click's response is an
// ordinary interaction callback (a new message, type 4, or deferred, type
// 5), read with WaitReply. Not modelled: select menus, modals' text
// inputs, components v2, and callbacks 6 and 7 (update the clicked
// message), which are accepted but leave the message as it was.

// Component types and button styles the fake knows.
const (
	componentActionRow = 1
	componentButton    = 2
	buttonLink         = 5
	buttonPremium      = 6
)

// A Button is a button of a message, as the bot sent it.
type Button struct {
	Row      int    // 0-based action row
	CustomID string // empty for link buttons
	Label    string
	Emoji    string // the emoji's name (a Unicode emoji) or ID
	Style    int    // 1 primary … 5 link
	Disabled bool
	URL      string
}

// rawComponent is a component as a request sends it.
type rawComponent struct {
	Type       int            `json:"type"`
	Components []rawComponent `json:"components"`
	CustomID   string         `json:"custom_id"`
	Label      *string        `json:"label"`
	Style      int            `json:"style"`
	Disabled   bool           `json:"disabled"`
	URL        string         `json:"url"`
	Emoji      *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"emoji"`
}

// buttons lists the buttons of a message's stored components.
func buttons(components []json.RawMessage) []Button {
	var out []Button
	for i, raw := range components {
		var row rawComponent
		if json.Unmarshal(raw, &row) != nil || row.Type != componentActionRow {
			continue
		}
		for _, c := range row.Components {
			if c.Type != componentButton {
				continue
			}
			b := Button{Row: i, CustomID: c.CustomID, Style: c.Style, Disabled: c.Disabled, URL: c.URL}
			if c.Label != nil {
				b.Label = *c.Label
			}
			if c.Emoji != nil {
				b.Emoji = c.Emoji.Name
				if b.Emoji == "" {
					b.Emoji = c.Emoji.ID
				}
			}
			out = append(out, b)
		}
	}
	return out
}

// checkComponents checks a message's components against Discord's limits.
func checkComponents(components *[]json.RawMessage, at []string) []formError {
	if components == nil {
		return nil
	}
	var errs []formError
	p := func(field ...string) []string { return append(append([]string(nil), at...), field...) }
	rows := *components
	if len(rows) > 5 {
		errs = append(errs, formError{p("components"), "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length."})
	}
	ids := map[string]bool{}
	for i, raw := range rows {
		rp := func(field ...string) []string { return p(append([]string{"components", fmt.Sprint(i)}, field...)...) }
		var row rawComponent
		if json.Unmarshal(raw, &row) != nil {
			errs = append(errs, formError{rp(), "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType"})
			continue
		}
		if row.Type != componentActionRow {
			errs = append(errs, formError{rp("type"), "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "Top-level components must be action rows"})
			continue
		}
		if len(row.Components) == 0 || len(row.Components) > 5 {
			errs = append(errs, formError{rp("components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."})
		}
		for j, c := range row.Components {
			cp := func(field string) []string { return rp("components", fmt.Sprint(j), field) }
			if c.Type != componentButton {
				errs = append(errs, formError{cp("type"), "UNION_TYPE_CHOICES", "The fake models buttons only"})
				continue
			}
			if c.Style < 1 || c.Style > buttonPremium {
				errs = append(errs, formError{cp("style"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2, 3, 4, 5, 6)."})
			}
			label := ""
			if c.Label != nil {
				label = *c.Label
			}
			if utf8.RuneCountInString(label) > 80 {
				errs = append(errs, formError{cp("label"), "BASE_TYPE_MAX_LENGTH", "Must be 80 or fewer in length."})
			}
			if label == "" && c.Emoji == nil && c.Style != buttonPremium {
				errs = append(errs, formError{cp("label"), "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED", "A button needs a label or an emoji"})
			}
			switch {
			case c.Style == buttonLink:
				if c.URL == "" || c.CustomID != "" {
					errs = append(errs, formError{cp("url"), "BUTTON_COMPONENT_URL_REQUIRED", "A link button needs a url and no custom_id"})
				}
			case c.Style != buttonPremium:
				if n := utf8.RuneCountInString(c.CustomID); n < 1 || n > 100 {
					errs = append(errs, formError{cp("custom_id"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."})
				}
				if c.URL != "" {
					errs = append(errs, formError{cp("url"), "BUTTON_COMPONENT_URL_NOT_ALLOWED", "Only link buttons have a url"})
				}
				if ids[c.CustomID] {
					errs = append(errs, formError{cp("custom_id"), "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"})
				}
				ids[c.CustomID] = true
			}
		}
	}
	return errs
}

// Buttons returns the buttons of a message the bot sent, in order, nil for
// an unknown message or one without buttons.
func (s *Server) Buttons(messageID string) []Button {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.msgs[messageID]
	if m == nil {
		return nil
	}
	return buttons(m.components)
}

// A Click is a user pressing a button of a message the bot sent.
type Click struct {
	// MessageID is the bot's message, such as an interaction's
	// Reply.Original.ID or a WaitSent result's ID.
	MessageID string
	// CustomID names the button; it must be on the message and enabled.
	CustomID string
	User     User   // default Server.User
	Locale   string // default "en-US"
}

// Click dispatches INTERACTION_CREATE for a click on a button (type 3,
// MESSAGE_COMPONENT) and returns the interaction's ID, whose response
// WaitReply and Responses show. It fails when the message is unknown,
// deleted or not the bot's, when it has no enabled button with that
// custom_id, or when it is ephemeral and the clicker is not the user it
// was shown to. It waits (until ctx is done) for a client to identify.
func (s *Server) Click(ctx context.Context, c Click) (string, error) {
	it, d, err := s.newClick(c)
	if err != nil {
		return "", err
	}
	if err := s.dispatchInteraction(ctx, it, d); err != nil {
		return it.id, fmt.Errorf("discordtest: click: %w", err)
	}
	return it.id, nil
}

// newClick records the interaction of a click and returns it with its
// payload, as the gateway and the HTTP endpoint carry it.
func (s *Server) newClick(c Click) (*interaction, map[string]any, error) {
	s.mu.Lock()
	m := s.msgs[c.MessageID]
	switch {
	case m == nil || m.Deleted:
		s.mu.Unlock()
		return nil, nil, fmt.Errorf("discordtest: click: no message %s", c.MessageID)
	case m.author.ID != s.Bot.ID:
		s.mu.Unlock()
		return nil, nil, fmt.Errorf("discordtest: click: message %s is not the bot's", c.MessageID)
	case m.Loading:
		s.mu.Unlock()
		return nil, nil, fmt.Errorf("discordtest: click: message %s is still loading", c.MessageID)
	}
	i := slices.IndexFunc(buttons(m.components), func(b Button) bool { return b.CustomID == c.CustomID && c.CustomID != "" })
	if i < 0 || buttons(m.components)[i].Disabled {
		s.mu.Unlock()
		return nil, nil, fmt.Errorf("discordtest: click: message %s has no enabled button %q", c.MessageID, c.CustomID)
	}
	user := s.knowLocked(c.User)
	if m.Ephemeral {
		if it := s.inters[m.InteractionID]; it == nil || it.user.ID != user.ID {
			s.mu.Unlock()
			return nil, nil, errors.New("discordtest: click: an ephemeral message is seen only by the user it answered")
		}
	}
	ch, ok := s.channels[m.ChannelID]
	if !ok {
		s.mu.Unlock()
		return nil, nil, fmt.Errorf("discordtest: click: message %s is in no known channel", c.MessageID)
	}
	it := &interaction{
		id: s.newID(), token: newToken(), typ: interactionComponent, guildID: ch.guildID, channelID: ch.id, user: user,
	}
	d := s.interactionObject(it, ch, user, c.Locale, defaultMemberPermission)
	d["data"] = map[string]any{"custom_id": c.CustomID, "component_type": componentButton}
	d["message"] = s.messageObjectLocked(m)
	s.keepInteractionLocked(it)
	s.mu.Unlock()
	return it, d, nil
}
