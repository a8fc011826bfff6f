package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"kutip/corpus"
	"kutip/retrieval"
)

// handler answers one application command. It must respond exactly once,
// through in.respond or in.answer.
type handler func(ctx context.Context, in *interaction, data discordgo.ApplicationCommandInteractionData)

// command is one row of the command table: its definition as registered
// with Discord and its handler.
type command struct {
	def *discordgo.ApplicationCommand
	run handler
}

// Command names.
const (
	cmdAsk     = "ask"
	cmdSummary = "summary"
	cmdSource  = "source"
	cmdHelp    = "help"
	cmdMenuAsk = "Ask kutip"
)

// commandTable returns the commands to register and their handlers. The
// /summary document option exists only when the corpus has several
// documents or may come to (Options.CorpusGrows). A duplicate name is a
// programming error and panics at start-up.
func (b *Bot) commandTable() ([]*discordgo.ApplicationCommand, map[string]handler) {
	one := 1.0
	minLen := 1
	summaryOpts := []*discordgo.ApplicationCommandOption{
		{
			Type: discordgo.ApplicationCommandOptionInteger, Name: "sentences",
			Description: "How many sentences, 1 to 10 (default 5)",
			MinValue:    &one, MaxValue: float64(retrieval.MaxSummarySentences),
		},
		{
			Type: discordgo.ApplicationCommandOptionString, Name: "topic",
			Description: "Favour the sentences about this topic",
			MinLength:   &minLen, MaxLength: 100,
		},
	}
	if len(b.ix.Documents()) > 1 || b.opts.CorpusGrows {
		summaryOpts = append(summaryOpts, &discordgo.ApplicationCommandOption{
			Type: discordgo.ApplicationCommandOptionString, Name: "document",
			Description:  "Which article (default: the newest)",
			Autocomplete: true, MaxLength: 100,
		})
	}
	table := []command{
		{&discordgo.ApplicationCommand{
			Name:        cmdAsk,
			Description: "Ask a question; the answer is the sentence that says it, cited",
			Options: []*discordgo.ApplicationCommandOption{
				{
					Type: discordgo.ApplicationCommandOptionString, Name: "question",
					Description: "Your question, in English or Indonesian",
					Required:    true, MinLength: &minLen, MaxLength: maxQuestion,
				},
				{
					Type: discordgo.ApplicationCommandOptionBoolean, Name: "private",
					Description: "Show the answer to you only",
				},
				threadOption(), // thread.go
			},
		}, b.ask},
		{&discordgo.ApplicationCommand{
			Name:        cmdSummary,
			Description: "Summarise the article in its own sentences",
			Options:     summaryOpts,
		}, b.summary},
		{&discordgo.ApplicationCommand{
			Name:        cmdSource,
			Description: "What kutip can quote: titles, languages, sizes, links",
			Options:     []*discordgo.ApplicationCommandOption{},
		}, b.source},
		{&discordgo.ApplicationCommand{
			Name:        cmdHelp,
			Description: "How to ask kutip",
			Options:     []*discordgo.ApplicationCommandOption{},
		}, b.help},
		{&discordgo.ApplicationCommand{
			Name: cmdMenuAsk,
			Type: discordgo.MessageApplicationCommand,
		}, b.menuAsk},
		b.reportCommand(), // report.go
	}
	contexts := []discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM}
	install := []discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
	defs := make([]*discordgo.ApplicationCommand, 0, len(table))
	handlers := make(map[string]handler, len(table))
	for _, c := range table {
		if _, dup := handlers[c.def.Name]; dup {
			panic(fmt.Sprintf("bot: command %q already exists", c.def.Name))
		}
		if c.def.Type == 0 {
			c.def.Type = discordgo.ChatApplicationCommand
		}
		if c.def.Contexts == nil { // /report: servers only
			c.def.Contexts = &contexts
		}
		c.def.IntegrationTypes = &install
		localizeCommand(c.def) // locale.go
		defs = append(defs, c.def)
		handlers[c.def.Name] = c.run
	}
	return defs, handlers
}

// onInteraction handles one interaction: it routes commands through the
// table and answers autocomplete. A panic is logged with the interaction
// ID and the user gets the generic failure.
func (b *Bot) onInteraction(work context.Context, api Discord, i *discordgo.Interaction) {
	ctx, cancel := context.WithTimeout(work, b.opts.AnswerTimeout)
	defer cancel()
	now := time.Now()
	in := &interaction{
		i: i, api: api, budget: ackBudget(i.ID, b.opts.AckBudget, now), created: createdAt(i.ID, now),
		m: b.metrics, work: work, log: b.logger.With("interaction", i.ID, "guild", i.GuildID),
		lang: localeLang(i.Locale),
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		data := i.ApplicationCommandData()
		in.log = in.log.With("command", data.Name)
		defer func() {
			if p := recover(); p != nil {
				in.log.Error("handler panicked", "panic", p, "stack", string(debug.Stack()))
			}
			in.finish()
		}()
		h := b.handlers[data.Name]
		if h == nil {
			in.log.Warn("unknown command")
			in.respond(unknownCmd)
			return
		}
		h(ctx, in, data)
	case discordgo.InteractionApplicationCommandAutocomplete:
		defer func() {
			if p := recover(); p != nil {
				in.log.Error("autocomplete panicked", "panic", p, "stack", string(debug.Stack()))
			}
		}()
		b.autocomplete(ctx, in, i.ApplicationCommandData())
	case discordgo.InteractionMessageComponent:
		b.onComponent(ctx, in) // components.go
	default:
		in.log.Debug("interaction ignored", "type", i.Type)
	}
}

// ackBudget is how long an interaction may compute before it is deferred:
// budget from when Discord created it (its ID is a snowflake holding that
// time), so that an event that waited in a backlog is deferred sooner.
// A clock behind Discord's reads as no wait; one ahead only defers more.
func ackBudget(id string, budget time.Duration, now time.Time) time.Duration {
	created, err := discordgo.SnowflakeTimestamp(id)
	if err != nil {
		return budget
	}
	if age := now.Sub(created); age > 0 {
		return max(0, budget-age)
	}
	return budget
}

// createdAt is when Discord created an interaction, from the snowflake
// time in its ID; now for an ID that is not a snowflake or that reads as
// later than now (a clock behind Discord's).
func createdAt(id string, now time.Time) time.Time {
	created, err := discordgo.SnowflakeTimestamp(id)
	if err != nil || created.After(now) {
		return now
	}
	return created
}

// allow applies the user's rate limit for a kind of request. A refused
// interaction is always answered with when to try again: the notice is
// ephemeral, and an interaction must be answered anyway.
func (b *Bot) allow(in *interaction, k kind) bool {
	ok, retry, _ := b.limits[k].allow(userID(in.i), b.now())
	if !ok {
		b.metrics.rateLimited.Inc()
		in.log.Info("rate limited", "kind", k)
		in.respond(rateLimited(k, retry, b.opts, in.lang))
	}
	return ok
}

func (b *Bot) ask(ctx context.Context, in *interaction, data discordgo.ApplicationCommandInteractionData) {
	q := oneLine(optString(data, "question"))
	private := optBool(data, "private")
	if q == "" {
		in.respond(emptyAsk)
		return
	}
	b.question(ctx, in, "slash", capRunes(q, maxQuestion), private)
	if optBool(data, optThread) && !private {
		b.startThread(ctx, in, q) // thread.go
	}
}

// menuAsk is "Ask kutip" on a message: the message's text is the question.
func (b *Bot) menuAsk(ctx context.Context, in *interaction, data discordgo.ApplicationCommandInteractionData) {
	var text string
	if data.Resolved != nil {
		if m := data.Resolved.Messages[data.TargetID]; m != nil {
			text = m.Content
		}
	}
	q := oneLine(stripMentions(text, in.i.AppID))
	if q == "" {
		in.respond(noText)
		return
	}
	b.question(ctx, in, "menu", capRunes(q, maxQuestion), false)
}

// question answers q for an interaction. An abstention is ephemeral (when
// the response was not already deferred in public).
func (b *Bot) question(ctx context.Context, in *interaction, source, q string, private bool) {
	if !b.allow(in, kindQuestion) {
		return
	}
	b.metrics.questions.WithLabelValues(source).Inc()
	in.log.DebugContext(ctx, "question", "text", q)
	in.answer(ctx, private, func(ctx context.Context) (reply, error) {
		o := origin{id: in.i.ID, guild: in.i.GuildID, channel: in.i.ChannelID, locale: string(in.i.Locale)}
		r, err := b.answerQuestion(ctx, in.log, q, o)
		if err != nil {
			return r, err
		}
		if !r.Abstained {
			r.Ephemeral = private
		} else {
			r.Ephemeral = true
		}
		return r, nil
	})
}

// answerQuestion asks the index and renders the answer with its buttons,
// counting it and recording it in the feedback store (before it is sent,
// so that a click on its buttons finds it). Its sentences are in the
// language of o's locale, or of the question when o has none.
func (b *Bot) answerQuestion(ctx context.Context, log *slog.Logger, q string, o origin) (reply, error) {
	return b.answerFollowUp(ctx, log, "", q, o)
}

// answerFollowUp is answerQuestion for q asked after previous (see
// followup.go); with an empty previous it asks q alone.
func (b *Bot) answerFollowUp(ctx context.Context, log *slog.Logger, previous, q string, o origin) (reply, error) {
	start := time.Now()
	// Recorded with the answer: a reply to it continues from both.
	o.previous = previous
	v, err := b.viewOf(ctx, o.guild, o.channel) // the channel's folder (channels.go)
	if err != nil {
		b.metrics.outcomes.WithLabelValues("failed").Inc()
		return reply{}, err
	}
	if v.none {
		r := shortReply(msgNoCorpus).localized(localeLang(discordgo.Locale(o.locale)))
		r.Abstained = true // shown to the asker only, like an abstention
		return r, nil
	}
	a, err := v.AskAfter(ctx, previous, q)
	b.metrics.observe(start)
	if err != nil {
		b.metrics.outcomes.WithLabelValues("failed").Inc()
		return reply{}, fmt.Errorf("ask: %w", err)
	}
	result := "answered"
	if !a.Answered {
		result = "abstained"
	}
	b.metrics.outcomes.WithLabelValues(result).Inc()
	log.InfoContext(ctx, result, "passages", len(a.Passages), "lang", a.Lang, "type", a.Type, "took", time.Since(start))
	l := answerLang(o, a)
	r := answerReply(a, len(v.Documents()), l)
	_, paging := v.pager()
	r.Components = answerButtons(a, o.id, l, paging)
	b.record(ctx, log, o, a, shownPassages(a))
	return r, nil
}

func (b *Bot) summary(ctx context.Context, in *interaction, data discordgo.ApplicationCommandInteractionData) {
	v, ok := b.interactionView(ctx, in)
	if !ok {
		return
	}
	opts := retrieval.SummaryOptions{
		Sentences: int(optInt(data, "sentences")),
		Topic:     oneLine(optString(data, "topic")),
	}
	if name := strings.TrimSpace(optString(data, "document")); name != "" {
		id, ok := resolveDoc(v.Documents(), name)
		if !ok {
			in.respond(unknownDoc(name, in.lang))
			return
		}
		opts.Doc = id
	}
	user := userID(in.i)
	if !b.startSummary(user) {
		in.respond(summaryInFlight)
		return
	}
	if !b.allow(in, kindSummary) {
		b.endSummary(user)
		return
	}
	b.metrics.questions.WithLabelValues("summary").Inc()
	in.answer(ctx, false, func(ctx context.Context) (reply, error) {
		defer b.endSummary(user)
		wait := time.NewTimer(summaryQueueWait)
		defer wait.Stop()
		select {
		case b.summarySlots <- struct{}{}:
			defer func() { <-b.summarySlots }()
		case <-wait.C:
			in.log.Warn("every summary slot taken; declined", "slots", cap(b.summarySlots), "waited", summaryQueueWait)
			return summariesBusy, nil
		case <-ctx.Done():
			return reply{}, ctx.Err()
		}
		start := time.Now()
		s, err := v.Summary(ctx, opts)
		b.metrics.observe(start)
		switch {
		case errors.Is(err, retrieval.ErrTopicNotFound):
			return topicNotFound(s, opts.Topic, in.lang), nil
		case errors.Is(err, retrieval.ErrUnknownDocument):
			return unknownDoc(opts.Doc, in.lang), nil
		case err != nil:
			return reply{}, fmt.Errorf("summary: %w", err)
		case len(s.Sentences) == 0:
			return noSentences, nil
		}
		in.log.InfoContext(ctx, "summarised", "doc", s.Doc, "sentences", len(s.Sentences), "took", time.Since(start))
		return summaryReply(s, opts.Topic, in.lang), nil
	})
}

// startSummary marks user as having a summary in the making, unless they
// have one already.
func (b *Bot) startSummary(user string) bool {
	b.summaryMu.Lock()
	defer b.summaryMu.Unlock()
	if b.summarizing[user] {
		return false
	}
	b.summarizing[user] = true
	return true
}

func (b *Bot) endSummary(user string) {
	b.summaryMu.Lock()
	defer b.summaryMu.Unlock()
	delete(b.summarizing, user)
}

// source lists the documents the interaction's channel sees.
func (b *Bot) source(ctx context.Context, in *interaction, _ discordgo.ApplicationCommandInteractionData) {
	if v, ok := b.interactionView(ctx, in); ok {
		in.respond(sourceReply(v.Documents(), in.lang))
	}
}

func (b *Bot) help(ctx context.Context, in *interaction, _ discordgo.ApplicationCommandInteractionData) {
	v, _ := b.viewOf(ctx, in.i.GuildID, in.i.ChannelID) // on failure: none
	in.respond(helpReply(len(v.Documents()), in.lang))
}

// autocomplete offers the documents whose title or ID contains what the
// user typed. Its one response is the list of choices, possibly empty.
func (b *Bot) autocomplete(ctx context.Context, in *interaction, data discordgo.ApplicationCommandInteractionData) {
	typed := ""
	for _, o := range data.Options {
		if o.Focused && o.Type == discordgo.ApplicationCommandOptionString {
			typed, _ = o.Value.(string)
		}
	}
	typed = strings.ToLower(strings.TrimSpace(typed))
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	if data.Name == cmdSummary {
		v, err := b.viewOf(ctx, in.i.GuildID, in.i.ChannelID) // on failure: no choices
		if err != nil {
			in.log.WarnContext(ctx, "channel's folder unknown", "channel", in.i.ChannelID, "err", err)
		}
		for n, d := range v.Documents() {
			if len(choices) == maxChoices {
				break
			}
			title := firstNonEmpty(oneLine(d.Title), oneLine(d.ID), "#"+strconv.Itoa(n+1))
			if typed != "" && !strings.Contains(strings.ToLower(title), typed) && !strings.Contains(strings.ToLower(d.ID), typed) {
				continue
			}
			value := d.ID
			if len(value) > maxChoiceName || value == "" {
				value = "#" + strconv.Itoa(n+1)
			}
			choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: clip(title, maxChoiceName), Value: value})
		}
	}
	sctx, cancel := in.sendContext(callbackWindow)
	defer cancel()
	err := in.api.InteractionRespond(in.i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	}, discordgo.WithContext(sctx))
	if err != nil {
		b.metrics.errors.Inc()
		in.log.ErrorContext(ctx, "send autocomplete", "err", err)
	}
}

// resolveDoc finds the document a /summary document option names: an
// autocomplete value (an ID, or "#n" for the n-th document), or text the
// user typed that matches one title or ID exactly, or else uniquely as a
// substring, ignoring case. docs are the documents the channel sees.
func resolveDoc(docs []corpus.Document, name string) (string, bool) {
	if n, err := strconv.Atoi(strings.TrimPrefix(name, "#")); err == nil && strings.HasPrefix(name, "#") {
		if n >= 1 && n <= len(docs) {
			return docs[n-1].ID, true
		}
		return "", false
	}
	lower := strings.ToLower(name)
	for _, d := range docs {
		if d.ID == name {
			return d.ID, true
		}
	}
	for _, d := range docs {
		if strings.EqualFold(oneLine(d.Title), oneLine(name)) || strings.EqualFold(d.ID, name) {
			return d.ID, true
		}
	}
	found := ""
	for _, d := range docs {
		if strings.Contains(strings.ToLower(d.Title), lower) || strings.Contains(strings.ToLower(d.ID), lower) {
			if found != "" {
				return "", false
			}
			found = d.ID
		}
	}
	return found, found != ""
}

// Option accessors that never panic: a missing option or one of an
// unexpected type reads as the zero value.

func optString(data discordgo.ApplicationCommandInteractionData, name string) string {
	if o := data.GetOption(name); o != nil {
		if s, ok := o.Value.(string); ok {
			return s
		}
	}
	return ""
}

func optBool(data discordgo.ApplicationCommandInteractionData, name string) bool {
	if o := data.GetOption(name); o != nil {
		if v, ok := o.Value.(bool); ok {
			return v
		}
	}
	return false
}

func optInt(data discordgo.ApplicationCommandInteractionData, name string) int64 {
	if o := data.GetOption(name); o != nil {
		if v, ok := o.Value.(float64); ok {
			return int64(v)
		}
	}
	return 0
}
