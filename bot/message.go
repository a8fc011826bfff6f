package bot

import (
	"context"
	"fmt"
	"regexp"
	"runtime/debug"
	"time"

	"github.com/bwmarrin/discordgo"

	"kutip/corpus"
)

// onMessage answers a message that mentions the bot in a server, or any
// message in a DM, as a reply to it. Messages from bots (itself included),
// webhooks and system messages are ignored. Without the Message Content
// intent Discord still sends the text of exactly these messages.
func (b *Bot) onMessage(work context.Context, api Discord, self string, m *discordgo.Message) {
	if m == nil || m.Author == nil || m.Author.Bot || m.Author.System || m.Author.ID == self || m.WebhookID != "" {
		return
	}
	if m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply {
		return
	}
	dm := m.GuildID == ""
	if !dm && !mentioned(m, self) && !repliesToSelf(m, self) {
		return
	}
	ctx, cancel := context.WithTimeout(work, b.opts.AnswerTimeout)
	defer cancel()
	log := b.logger.With("message", m.ID, "guild", m.GuildID, "channel", m.ChannelID, "command", "mention")
	send := func(r reply) {
		if err := r.check(); err != nil {
			log.Error("reply breaks discord limits", "err", err)
			r = failed
		}
		sctx, cancel := context.WithTimeout(work, replyWindow)
		defer cancel()
		noFail := false
		ref := &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID, FailIfNotExists: &noFail}
		if _, err := api.ChannelMessageSendComplex(m.ChannelID, r.messageSend(ref), discordgo.WithContext(sctx)); err != nil {
			b.metrics.errors.Inc()
			log.Error("send reply", "err", err)
		}
	}
	defer func() {
		if p := recover(); p != nil {
			log.Error("handler panicked", "panic", p, "stack", string(debug.Stack()))
			send(failed)
		}
	}()

	// Every reply counts against the limit, the hint for an empty
	// mention included.
	ok, retry, tell := b.limits[kindQuestion].allow(m.Author.ID, b.now())
	if !ok {
		b.metrics.rateLimited.Inc()
		log.Info("rate limited", "told", tell)
		// Once per retry time told: a notice to every message would let
		// one user make the bot post as often as they do.
		if tell {
			// A mention has no locale: the notice is in the question's
			// language, told from its stop words alone.
			l := questionLang(corpus.DetectLang(stripMentions(m.Content, self)))
			send(rateLimited(kindQuestion, retry, b.opts, l))
		}
		return
	}
	q := capRunes(oneLine(stripMentions(m.Content, self)), maxQuestion)
	if q == "" {
		if !dm && !mentioned(m, self) {
			// A reply with its @ turned off: without the Message Content
			// intent Discord sends its text empty (followup.go).
			send(shortReply(msgReplyUnread))
			return
		}
		send(emptyAsk)
		return
	}
	b.metrics.questions.WithLabelValues("mention").Inc()
	log.DebugContext(ctx, "question", "text", q)
	previous := b.previousQuestion(ctx, api, log, self, m) // followup.go
	r, err := b.answerFollowUp(ctx, log, previous, q, origin{id: m.ID, guild: m.GuildID, channel: m.ChannelID})
	if err != nil {
		log.Error("answer failed", "err", err)
		r = failed
	}
	send(r)
}

// replyWindow bounds the tries of a reply to a message. A message has no
// deadline on Discord, but an answer minutes late is an answer to a
// conversation that has moved on.
const replyWindow = time.Minute

// mentioned reports whether m mentions the user self.
func mentioned(m *discordgo.Message, self string) bool {
	if self == "" {
		return false
	}
	for _, u := range m.Mentions {
		if u != nil && u.ID == self {
			return true
		}
	}
	return false
}

var userMention = regexp.MustCompile(`<@!?(\d+)>`)

// stripMentions removes the mentions of user self from s (<@id> and the
// older <@!id>), so "@kutip when did Russia ratify?" asks "when did Russia
// ratify?". Other mentions stay; rendering neutralises them.
func stripMentions(s, self string) string {
	if self == "" {
		return s
	}
	return userMention.ReplaceAllStringFunc(s, func(x string) string {
		if x == fmt.Sprintf("<@%s>", self) || x == fmt.Sprintf("<@!%s>", self) {
			return " "
		}
		return x
	})
}
