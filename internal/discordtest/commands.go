package discordtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"
)

// CommandType is an application command's type.
type CommandType int

// Command types.
const (
	ChatInput      CommandType = 1 // a slash command
	UserCommand    CommandType = 2 // in a user's context menu
	MessageCommand CommandType = 3 // in a message's context menu ("Apps")
)

// OptionType is the type of a slash command option.
type OptionType int

// Option types.
const (
	OptionSubCommand      OptionType = 1
	OptionSubCommandGroup OptionType = 2
	OptionString          OptionType = 3
	OptionInteger         OptionType = 4
	OptionBoolean         OptionType = 5
	OptionUser            OptionType = 6
	OptionChannel         OptionType = 7
	OptionRole            OptionType = 8
	OptionMentionable     OptionType = 9
	OptionNumber          OptionType = 10
	OptionAttachment      OptionType = 11
)

// A Command is an application command as registered, with the ID the fake
// gave it. IDs stay the same when a command of the same type and name is
// overwritten, as on Discord.
type Command struct {
	ID                       string          `json:"id"`
	ApplicationID            string          `json:"application_id"`
	GuildID                  string          `json:"guild_id,omitempty"`
	Version                  string          `json:"version"`
	Type                     CommandType     `json:"type"`
	Name                     string          `json:"name"`
	Description              string          `json:"description"`
	NameLocalizations        Localizations   `json:"name_localizations,omitempty"`
	DescriptionLocalizations Localizations   `json:"description_localizations,omitempty"`
	Options                  []CommandOption `json:"options,omitempty"`
	DefaultMemberPermissions *string         `json:"default_member_permissions"`
	DMPermission             *bool           `json:"dm_permission,omitempty"`
	Contexts                 []int           `json:"contexts"`
	IntegrationTypes         []int           `json:"integration_types"`
	NSFW                     bool            `json:"nsfw"`
}

// A CommandOption is one option of a slash command.
type CommandOption struct {
	Type         OptionType      `json:"type"`
	Name         string          `json:"name"`
	Description  string          `json:"description"`
	Required     bool            `json:"required,omitempty"`
	Choices      []Choice        `json:"choices,omitempty"`
	Options      []CommandOption `json:"options,omitempty"`
	MinValue     *float64        `json:"min_value,omitempty"`
	MaxValue     *float64        `json:"max_value,omitempty"`
	MinLength    *int            `json:"min_length,omitempty"`
	MaxLength    *int            `json:"max_length,omitempty"`
	Autocomplete bool            `json:"autocomplete,omitempty"`
	ChannelTypes []int           `json:"channel_types,omitempty"`
	// NameLocalizations and DescriptionLocalizations are the name and
	// description by locale (locales.go).
	NameLocalizations        Localizations `json:"name_localizations,omitempty"`
	DescriptionLocalizations Localizations `json:"description_localizations,omitempty"`
}

// A Choice is one allowed value of an option.
type Choice struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

type commandSet struct {
	list []Command
}

// Commands returns the application commands registered for guildID, or the
// global ones when guildID is "", in the order they were registered.
func (s *Server) Commands(guildID string) []Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	set := s.commands[guildID]
	if set == nil {
		return nil
	}
	return append([]Command(nil), set.list...)
}

// lookupCommand finds the command an interaction invokes: a guild command
// first, then a global one. Guild commands do not exist in DMs. s.mu must
// be held.
func (s *Server) lookupCommandLocked(guildID string, typ CommandType, name string) (Command, bool) {
	scopes := []string{""}
	if guildID != "" {
		scopes = []string{guildID, ""}
	}
	for _, sc := range scopes {
		if set := s.commands[sc]; set != nil {
			for _, c := range set.list {
				if c.Type == typ && c.Name == name {
					return c, true
				}
			}
		}
	}
	return Command{}, false
}

// commandScope checks the path's application and guild, answering 403
// Missing Access (50001), as Discord does, when the application is not the
// fake's, or the bot is not in the guild, or it is but was invited without
// the applications.commands scope (Guild.NoCommandsScope); it returns the
// scope ("" or the guild ID).
func (s *Server) commandScope(c *call) (string, bool) {
	if c.r.PathValue("app") != s.Bot.ID {
		c.fail(http.StatusForbidden, 50001, "Missing Access")
		return "", false
	}
	g := c.r.PathValue("guild")
	if g != "" && !s.commandsAllowed(g) {
		c.fail(http.StatusForbidden, 50001, "Missing Access")
		return "", false
	}
	return g, true
}

func (s *Server) getCommands(c *call) {
	scope, ok := s.commandScope(c)
	if !ok {
		return
	}
	list := s.Commands(scope)
	if list == nil {
		list = []Command{}
	}
	c.json(http.StatusOK, list)
}

// bulkCommands replaces every command in the scope, as PUT does on Discord.
func (s *Server) bulkCommands(c *call) {
	scope, ok := s.commandScope(c)
	if !ok {
		return
	}
	var in []json.RawMessage
	if !c.decode(&in) {
		return
	}
	cmds, errs := parseCommands(in, nil)
	if len(errs) > 0 {
		c.invalidForm(errs)
		return
	}
	s.mu.Lock()
	for i := range cmds {
		s.fillCommandLocked(&cmds[i], scope)
	}
	s.commands[scope] = &commandSet{list: cmds}
	c.json(http.StatusOK, cmds)
	c.commitLocked()
	s.mu.Unlock()
}

// createCommand adds one command, or overwrites the one with its name and
// type, answering 201 or 200 as Discord does.
func (s *Server) createCommand(c *call) {
	scope, ok := s.commandScope(c)
	if !ok {
		return
	}
	var in json.RawMessage
	if !c.decode(&in) {
		return
	}
	s.mu.Lock()
	var existing []Command
	if set := s.commands[scope]; set != nil {
		existing = set.list
	}
	s.mu.Unlock()
	cmds, errs := parseCommands([]json.RawMessage{in}, existing)
	if len(errs) > 0 {
		c.invalidForm(errs)
		return
	}
	cmd := cmds[len(cmds)-1]
	s.mu.Lock()
	s.fillCommandLocked(&cmd, scope)
	set := s.commands[scope]
	if set == nil {
		set = &commandSet{}
		s.commands[scope] = set
	}
	status := http.StatusCreated
	for i, old := range set.list {
		if old.Type == cmd.Type && old.Name == cmd.Name {
			set.list = append(append(set.list[:i:i], cmd), set.list[i+1:]...)
			status = http.StatusOK
		}
	}
	if status == http.StatusCreated {
		set.list = append(set.list, cmd)
	}
	c.json(status, cmd)
	c.commitLocked()
	s.mu.Unlock()
}

func (s *Server) deleteCommand(c *call) {
	scope, ok := s.commandScope(c)
	if !ok {
		return
	}
	id := c.r.PathValue("cmd")
	s.mu.Lock()
	defer s.mu.Unlock()
	if set := s.commands[scope]; set != nil {
		for i, cmd := range set.list {
			if cmd.ID == id {
				set.list = append(set.list[:i:i], set.list[i+1:]...)
				c.noContent()
				c.commitLocked()
				return
			}
		}
	}
	c.unknownCommand()
}

// fillCommandLocked sets the fields Discord fills in. s.mu must be held.
func (s *Server) fillCommandLocked(cmd *Command, scope string) {
	key := fmt.Sprintf("%s/%d/%s", scope, cmd.Type, cmd.Name)
	id := s.cmdIDs[key]
	if id == "" {
		id = s.newID()
		s.cmdIDs[key] = id
	}
	cmd.ID, cmd.ApplicationID, cmd.GuildID, cmd.Version = id, s.Bot.ID, scope, s.newID()
	if cmd.IntegrationTypes == nil {
		cmd.IntegrationTypes = []int{0}
	}
	if cmd.Contexts == nil && scope == "" {
		cmd.Contexts = []int{0, 1, 2}
	}
}

// Limits on commands, from Discord's documentation.
const (
	maxChatCommands    = 100
	maxContextCommands = 15 // each of user and message commands
	maxOptions         = 25
	maxChoices         = 25
)

var chatName = regexp.MustCompile(`^[-_'\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// parseCommands decodes and checks commands, appended to existing for the
// duplicate and count checks.
func parseCommands(in []json.RawMessage, existing []Command) ([]Command, []formError) {
	var errs []formError
	counts := map[CommandType]int{}
	seen := map[string]bool{}
	for _, c := range existing {
		counts[c.Type]++
		seen[fmt.Sprintf("%d/%s", c.Type, c.Name)] = true
	}
	var out []Command
	for i, raw := range in {
		at := func(field ...string) []string {
			if existing != nil {
				return field // a single command: errors are at the top level
			}
			return append([]string{fmt.Sprint(i)}, field...)
		}
		var cmd Command
		if err := json.Unmarshal(raw, &cmd); err != nil {
			errs = append(errs, formError{at(), "MODEL_TYPE_CONVERT", "Could not interpret the command: " + err.Error()})
			continue
		}
		if cmd.Type == 0 {
			cmd.Type = ChatInput
		}
		switch cmd.Type {
		case ChatInput:
			if !validChatName(cmd.Name) {
				errs = append(errs, formError{at("name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"})
			}
			if n := utf8.RuneCountInString(cmd.Description); n < 1 || n > 100 {
				errs = append(errs, formError{at("description"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."})
			}
			errs = append(errs, checkOptions(cmd.Options, at("options"), 0)...)
			errs = append(errs, checkLocalizations(cmd.NameLocalizations, cmd.DescriptionLocalizations, true, at())...)
		case UserCommand, MessageCommand:
			errs = append(errs, checkLocalizations(cmd.NameLocalizations, cmd.DescriptionLocalizations, false, at())...)
			if n := utf8.RuneCountInString(cmd.Name); n < 1 || n > 32 || strings.TrimSpace(cmd.Name) != cmd.Name {
				errs = append(errs, formError{at("name"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length."})
			}
			if cmd.Description != "" {
				errs = append(errs, formError{at("description"), "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION", "Context menu commands cannot have description"})
			}
			if len(cmd.Options) > 0 {
				errs = append(errs, formError{at("options"), "APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS", "Context menu commands cannot have options"})
			}
		default:
			errs = append(errs, formError{at("type"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3}."})
			continue
		}
		key := fmt.Sprintf("%d/%s", cmd.Type, cmd.Name)
		if seen[key] && existing == nil {
			errs = append(errs, formError{at("name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique"})
		}
		if !seen[key] {
			counts[cmd.Type]++
		}
		seen[key] = true
		for _, ctx := range cmd.Contexts {
			if ctx < 0 || ctx > 2 {
				errs = append(errs, formError{at("contexts"), "BASE_TYPE_CHOICES", "Value must be one of {0, 1, 2}."})
			}
		}
		out = append(out, cmd)
	}
	if counts[ChatInput] > maxChatCommands || counts[UserCommand] > maxContextCommands || counts[MessageCommand] > maxContextCommands {
		errs = append(errs, formError{nil, "APPLICATION_COMMANDS_TOO_MANY", "Maximum number of application commands reached"})
	}
	return out, errs
}

func validChatName(name string) bool {
	return chatName.MatchString(name) && strings.ToLower(name) == name
}

func checkOptions(opts []CommandOption, at []string, depth int) []formError {
	var errs []formError
	if len(opts) > maxOptions {
		errs = append(errs, formError{at, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."})
	}
	names := map[string]bool{}
	optional := false
	for i, o := range opts {
		p := func(field ...string) []string {
			return append(append(append([]string(nil), at...), fmt.Sprint(i)), field...)
		}
		if !validChatName(o.Name) {
			errs = append(errs, formError{p("name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"})
		}
		if names[o.Name] {
			errs = append(errs, formError{p("name"), "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique"})
		}
		names[o.Name] = true
		if n := utf8.RuneCountInString(o.Description); n < 1 || n > 100 {
			errs = append(errs, formError{p("description"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."})
		}
		errs = append(errs, checkLocalizations(o.NameLocalizations, o.DescriptionLocalizations, true, p())...)
		switch {
		case o.Type < OptionSubCommand || o.Type > OptionAttachment:
			errs = append(errs, formError{p("type"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}."})
		case o.Type == OptionSubCommand || o.Type == OptionSubCommandGroup:
			if depth >= 2 || (depth == 1 && o.Type == OptionSubCommandGroup) {
				errs = append(errs, formError{p("type"), "APPLICATION_COMMAND_OPTION_TYPE_INVALID", "Sub-commands nest at most two levels"})
			}
			errs = append(errs, checkOptions(o.Options, p("options"), depth+1)...)
			continue
		}
		if o.Required && optional {
			errs = append(errs, formError{p("required"), "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options"})
		}
		optional = optional || !o.Required
		if len(o.Choices) > 0 {
			if o.Type != OptionString && o.Type != OptionInteger && o.Type != OptionNumber {
				errs = append(errs, formError{p("choices"), "APPLICATION_COMMAND_OPTION_CHOICES_INVALID", "Only string, integer and number options have choices"})
			}
			if len(o.Choices) > maxChoices {
				errs = append(errs, formError{p("choices"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."})
			}
			if o.Autocomplete {
				errs = append(errs, formError{p("autocomplete"), "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID", "Autocomplete cannot be set with choices"})
			}
			for j, ch := range o.Choices {
				if n := utf8.RuneCountInString(ch.Name); n < 1 || n > 100 {
					errs = append(errs, formError{p("choices", fmt.Sprint(j), "name"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."})
				}
				if err := checkValue(o, ch.Value, false); err != "" {
					errs = append(errs, formError{p("choices", fmt.Sprint(j), "value"), "BASE_TYPE_BAD_TYPE", err})
				}
			}
		}
		if (o.MinValue != nil || o.MaxValue != nil) && o.Type != OptionInteger && o.Type != OptionNumber {
			errs = append(errs, formError{p("min_value"), "APPLICATION_COMMAND_OPTION_MIN_MAX_INVALID", "Only integer and number options have min_value and max_value"})
		}
		if (o.MinLength != nil || o.MaxLength != nil) && o.Type != OptionString {
			errs = append(errs, formError{p("min_length"), "APPLICATION_COMMAND_OPTION_MIN_MAX_INVALID", "Only string options have min_length and max_length"})
		}
		if o.MinLength != nil && (*o.MinLength < 0 || *o.MinLength > 6000) || o.MaxLength != nil && (*o.MaxLength < 1 || *o.MaxLength > 6000) {
			errs = append(errs, formError{p("max_length"), "BASE_TYPE_BAD_LENGTH", "Must be between 0 and 6000."})
		}
	}
	return errs
}

// checkValue checks a value against an option's type and, when bounds is
// set, its limits and choices; it returns a problem or "".
func checkValue(o CommandOption, v any, bounds bool) string {
	switch o.Type {
	case OptionString:
		str, ok := v.(string)
		if !ok {
			return "Value must be a string."
		}
		n := utf8.RuneCountInString(str)
		if bounds && (o.MinLength != nil && n < *o.MinLength || o.MaxLength != nil && n > *o.MaxLength) {
			return fmt.Sprintf("Length %d is outside the option's limits.", n)
		}
		if n > 6000 {
			return "Must be 6000 or fewer in length."
		}
	case OptionInteger, OptionNumber:
		f, ok := number(v)
		if !ok || (o.Type == OptionInteger && f != float64(int64(f))) {
			return "Value must be a valid " + map[OptionType]string{OptionInteger: "integer", OptionNumber: "number"}[o.Type] + "."
		}
		if bounds && (o.MinValue != nil && f < *o.MinValue || o.MaxValue != nil && f > *o.MaxValue) {
			return fmt.Sprintf("Value %v is outside the option's limits.", f)
		}
	case OptionBoolean:
		if _, ok := v.(bool); !ok {
			return "Value must be a boolean."
		}
	default:
		if _, ok := v.(string); !ok {
			return "Value must be a snowflake ID string."
		}
	}
	if bounds && len(o.Choices) > 0 {
		for _, ch := range o.Choices {
			if fmt.Sprint(ch.Value) == fmt.Sprint(v) {
				return ""
			}
		}
		return fmt.Sprintf("Value %v is not one of the option's choices.", v)
	}
	return ""
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}
