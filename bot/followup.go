package bot

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"kutip/retrieval"
)

// Follow-ups. A message that replies to one of kutip's answers, or that
// is written in a thread started from one, asks a follow-up: it is read
// with the question that answer answered (see retrieval.AskFollowUp), which
// the feedback store recalls by the answer's ID, held in the answer's
// buttons (AnswerID).
//
// A reply to kutip's message counts as addressed to kutip, mention or not.
// In a thread started from an answer kutip still needs a mention: without
// the privileged Message Content intent, which kutip does not ask for,
// Discord sends the text of a guild message only when it mentions kutip
// or replies to it, so an unaddressed message in the thread arrives empty.

// FollowUpAnswerer answers a question asked after another one in the same
// conversation. *retrieval.Index and *retrieval.Live satisfy it; an Index
// that does not is asked every question alone.
type FollowUpAnswerer interface {
	AskFollowUp(ctx context.Context, previous, question string) (retrieval.Answer, error)
}

var (
	_ FollowUpAnswerer = (*retrieval.Index)(nil)
	_ FollowUpAnswerer = (*retrieval.Live)(nil)
)

// threadAPI is the part of Discord's REST API follow-ups use beyond
// Discord: reading a channel and a message (a thread's starter, a reply's
// message when the event leaves it out), starting a thread from an answer,
// and reading and following up an interaction's response.
// *discordgo.Session (and so sessionAPI) satisfies it; without it
// follow-ups are asked alone and /ask's thread option is declined.
type threadAPI interface {
	Channel(channelID string, options ...discordgo.RequestOption) (*discordgo.Channel, error)
	ChannelMessage(channelID, messageID string, options ...discordgo.RequestOption) (*discordgo.Message, error)
	MessageThreadStartComplex(channelID, messageID string, data *discordgo.ThreadStart, options ...discordgo.RequestOption) (*discordgo.Channel, error)
	InteractionResponse(i *discordgo.Interaction, options ...discordgo.RequestOption) (*discordgo.Message, error)
	FollowupMessageCreate(i *discordgo.Interaction, wait bool, data *discordgo.WebhookParams, options ...discordgo.RequestOption) (*discordgo.Message, error)
}

var _ threadAPI = sessionAPI{}

// threadsOf returns api's threadAPI: api itself, or the client a wrapper
// (such as the HTTP endpoint's responder) passes calls on to.
func threadsOf(api Discord) (threadAPI, bool) {
	if t, ok := api.(threadAPI); ok {
		return t, true
	}
	if w, ok := api.(interface{ threadAPI() (threadAPI, bool) }); ok {
		return w.threadAPI()
	}
	return nil, false
}

// repliesToSelf reports whether m replies to a message of user self.
func repliesToSelf(m *discordgo.Message, self string) bool {
	return self != "" && m.ReferencedMessage != nil && m.ReferencedMessage.Author != nil && m.ReferencedMessage.Author.ID == self
}

// previousQuestion returns the question of the kutip answer m follows up:
// the answer m replies to, or else the answer the thread m is written in
// was started from (so a reply to kutip's hint in the thread, or to
// someone else there, still continues the thread's question). It returns
// "" when m follows up no answer, or when the answer is unknown to the
// feedback store (past its retention, or another replica's store): m is
// then asked alone. Failures are logged, never returned: a follow-up
// without its context is still a question.
func (b *Bot) previousQuestion(ctx context.Context, api Discord, log *slog.Logger, self string, m *discordgo.Message) string {
	if id, ok := b.repliedAnswer(ctx, api, log, self, m); ok {
		return b.recallQuestion(ctx, log, id)
	}
	if m.GuildID == "" {
		return ""
	}
	if starter := b.threadStarter(ctx, api, log, self, m.ChannelID); starter != nil {
		if id, ok := AnswerID(starter.Components); ok {
			return b.recallQuestion(ctx, log, id)
		}
	}
	return ""
}

// repliedAnswer returns the answer ID of the kutip answer m replies to,
// fetching the replied message when the event leaves it out; false when m
// replies to no message, to someone else's, or to a message of kutip's
// that is no answer.
func (b *Bot) repliedAnswer(ctx context.Context, api Discord, log *slog.Logger, self string, m *discordgo.Message) (string, bool) {
	ref := m.ReferencedMessage
	if ref == nil && m.MessageReference != nil && m.MessageReference.MessageID != "" {
		t, ok := threadsOf(api)
		if !ok {
			return "", false
		}
		var err error
		ref, err = t.ChannelMessage(m.MessageReference.ChannelID, m.MessageReference.MessageID, discordgo.WithContext(ctx))
		if err != nil {
			log.Warn("fetch replied message", "err", err)
			return "", false
		}
	}
	if ref == nil || ref.Author == nil || ref.Author.ID != self {
		return "", false
	}
	return AnswerID(ref.Components)
}

// recallQuestion returns what a follow-up of answer id continues from, as
// the feedback store recalls it: the question it answered, and when that
// was itself a follow-up, what that followed ("when did he say that? How
// many troops did Russia mass …"), most recent first and at most
// maxQuestion runes, so that a chain of follow-ups keeps its subject; ""
// when the store does not know the answer.
func (b *Bot) recallQuestion(ctx context.Context, log *slog.Logger, id string) string {
	rec, found, err := b.opts.Feedback.Recall(ctx, id)
	if err != nil {
		log.Warn("recall previous question", "answer", id, "err", err)
		return ""
	}
	if !found {
		log.Info("previous answer unknown; asked alone", "answer", id)
		return ""
	}
	if rec.Previous == "" {
		return rec.Question
	}
	return capRunes(rec.Question+" "+rec.Previous, maxQuestion)
}

// threadStarter returns kutip's message a thread was started from, or nil
// when channelID is not a thread, or its starter is not kutip's. A thread
// started from a message has that message's ID, in the thread's parent.
func (b *Bot) threadStarter(ctx context.Context, api Discord, log *slog.Logger, self, channelID string) *discordgo.Message {
	t, ok := threadsOf(api)
	if !ok {
		return nil
	}
	if b.s != nil && b.s.State != nil {
		// The gateway's cache knows most channels; a plain one needs no
		// request.
		if ch, err := b.s.State.Channel(channelID); err == nil && !ch.IsThread() {
			return nil
		}
	}
	ch, err := t.Channel(channelID, discordgo.WithContext(ctx))
	if err != nil {
		log.Warn("fetch channel", "err", err)
		return nil
	}
	if !ch.IsThread() || ch.ParentID == "" {
		return nil
	}
	starter, err := t.ChannelMessage(ch.ParentID, ch.ID, discordgo.WithContext(ctx))
	if err != nil {
		var rest *discordgo.RESTError
		if !errors.As(err, &rest) || rest.Response == nil || rest.Response.StatusCode != http.StatusNotFound {
			log.Warn("fetch thread starter", "err", err)
		}
		return nil // 404: a thread not started from a message
	}
	if starter.Author == nil || starter.Author.ID != self {
		return nil
	}
	return starter
}
