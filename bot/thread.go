package bot

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/bwmarrin/discordgo"
)

// /ask thread:true continues the conversation in a thread: once the answer
// is delivered, kutip starts a public thread from it, where mentions of
// kutip ask follow-ups of the question (followup.go). Starting a thread
// needs the Create Public Threads permission in the channel; without it
// the answer stands and the asker is told, privately, what to grant.

// optThread is /ask's option to continue in a thread.
const optThread = "thread"

// threadOption is /ask's thread option, with its Indonesian name and
// description (localizeCommand leaves options it has no entry for as they
// are).
func threadOption() *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{
		Type: discordgo.ApplicationCommandOptionBoolean, Name: optThread,
		Description:              "Continue in a thread, where you can ask follow-ups",
		NameLocalizations:        map[discordgo.Locale]string{localeID: "utas"},
		DescriptionLocalizations: map[discordgo.Locale]string{localeID: "Lanjutkan di utas, tempat Anda bisa bertanya lanjutan"},
	}
}

// threadArchive is how long, in minutes, a quiet thread stays open: a
// day, Discord's default.
const threadArchive = 1440

// maxThreadName is Discord's limit on a thread's name, in characters.
const maxThreadName = 100

// threadName is a thread's name for question q: the question, cut to
// Discord's limit; "kutip" when the question shows nothing (only spaces,
// zero-width and format characters), which would name the thread with a
// blank line in the channel list.
func threadName(q string) string {
	q = strings.TrimSpace(oneLine(q))
	if !strings.ContainsFunc(q, visible) {
		return "kutip"
	}
	return capRunes(q, maxThreadName)
}

// visible reports whether r shows as something: not a space, a control or
// a format character (zero-width space, joiner, word joiner, BOM).
func visible(r rune) bool {
	return !unicode.IsSpace(r) && !unicode.IsControl(r) && !unicode.Is(unicode.Cf, r)
}

// startThread starts a thread from the response to in, the answer to q,
// and posts how to ask follow-ups in it. An ephemeral response (a private
// answer, an abstention) gets no thread: no one else could see it. A
// failure is told to the asker in an ephemeral follow-up message; the
// answer itself is already delivered.
func (b *Bot) startThread(ctx context.Context, in *interaction, q string) {
	l, api := in.lang, in.api
	t, ok := threadsOf(api)
	if !ok {
		in.log.Warn("thread asked for, but the Discord client cannot start threads")
		return
	}
	tell := func(text string) {
		_, err := t.FollowupMessageCreate(in.i, true, &discordgo.WebhookParams{
			Content: text, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions(),
		}, discordgo.WithContext(ctx))
		if err != nil {
			in.log.Error("send thread notice", "err", err)
		}
	}
	if in.i.GuildID == "" {
		tell(l.tr(msgThreadNotHere))
		return
	}
	answer, err := originalResponse(ctx, t, in.i)
	if err != nil {
		in.log.Error("fetch answer for thread", "err", err)
		tell(l.tr(msgThreadFailed))
		return
	}
	if answer.Flags&discordgo.MessageFlagsEphemeral != 0 {
		in.log.Info("no thread for an ephemeral answer")
		return
	}
	th, err := t.MessageThreadStartComplex(answer.ChannelID, answer.ID, &discordgo.ThreadStart{
		Name: threadName(q), AutoArchiveDuration: threadArchive, Type: discordgo.ChannelTypeGuildPublicThread,
	}, discordgo.WithContext(ctx))
	if err != nil {
		if missingAccess(err) {
			in.log.Warn("cannot see the channel to start a thread", "channel", answer.ChannelID, "err", err)
			tell(l.tr(msgThreadNoAccess))
			return
		}
		if missingPermission(err) {
			in.log.Warn("no permission to start a thread", "channel", answer.ChannelID, "err", err)
			tell(l.tr(msgThreadNoPermission))
			return
		}
		in.log.Error("start thread", "channel", answer.ChannelID, "err", err)
		tell(l.tr(msgThreadFailed))
		return
	}
	in.log.Info("thread started", "thread", th.ID)
	if _, err := api.ChannelMessageSendComplex(th.ID, &discordgo.MessageSend{
		Content: l.tr(msgThreadHint), AllowedMentions: noMentions(),
	}, discordgo.WithContext(ctx)); err != nil {
		in.log.Error("post thread hint", "thread", th.ID, "err", err)
	}
}

// originalResponse fetches the message of an interaction's response. A
// response that went back as an HTTP body (bot/http.go) becomes a message
// only once Discord has read it, so a 404 is tried again a few times.
func originalResponse(ctx context.Context, t threadAPI, i *discordgo.Interaction) (*discordgo.Message, error) {
	wait := originalRetry
	for try := 1; ; try++ {
		m, err := t.InteractionResponse(i, discordgo.WithContext(ctx))
		var rest *discordgo.RESTError
		if err == nil || try == originalTries || !errors.As(err, &rest) || rest.Response == nil || rest.Response.StatusCode != http.StatusNotFound {
			return m, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// originalTries and originalRetry bound originalResponse: at most three
// tries, a quarter of a second apart and then half.
const (
	originalTries = 3
	originalRetry = 250 * time.Millisecond
)

// missingAccess reports whether err is Discord refusing a call because
// the bot cannot see the channel (JSON code 50001, Missing Access). An
// interaction is answered even in such a channel, through its webhook.
func missingAccess(err error) bool {
	var rest *discordgo.RESTError
	return errors.As(err, &rest) && rest.Message != nil && rest.Message.Code == discordgo.ErrCodeMissingAccess
}

// missingPermission reports whether err is Discord refusing a call for a
// permission the bot lacks (403, or its JSON code 50013).
func missingPermission(err error) bool {
	var rest *discordgo.RESTError
	if !errors.As(err, &rest) {
		return false
	}
	if rest.Message != nil && rest.Message.Code == discordgo.ErrCodeMissingPermissions {
		return true
	}
	return rest.Response != nil && rest.Response.StatusCode == http.StatusForbidden
}
