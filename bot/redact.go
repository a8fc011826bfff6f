package bot

import (
	"strings"

	"github.com/bwmarrin/discordgo"
)

// The REST calls of follow-ups and threads (threadAPI) that address an
// interaction's webhook go through discordgo itself, not sessionAPI.call,
// and discordgo's errors for them name the URL: a transport error
// ("Post \"…/webhooks/<app>/<token>?wait=true\": …") and a RateLimitError
// ("Rate limit exceeded on …/webhooks/<app>/<token>…") both hold the
// interaction token, and thread.go logs them. These wrappers hide it.

// InteractionResponse fetches the message of i's response.
func (a sessionAPI) InteractionResponse(i *discordgo.Interaction, options ...discordgo.RequestOption) (*discordgo.Message, error) {
	m, err := a.Session.InteractionResponse(i, options...)
	return m, hideToken(err, i.Token)
}

// FollowupMessageCreate posts a follow-up message to i's webhook.
func (a sessionAPI) FollowupMessageCreate(i *discordgo.Interaction, wait bool, data *discordgo.WebhookParams, options ...discordgo.RequestOption) (*discordgo.Message, error) {
	m, err := a.Session.FollowupMessageCreate(i, wait, data, options...)
	return m, hideToken(err, i.Token)
}

// hideToken returns err with token, and any token in an interaction or
// webhook URL, hidden from its message; errors.As and errors.Is still see
// err (missingPermission reads its RESTError).
func hideToken(err error, token string) error {
	if err == nil {
		return nil
	}
	return tokenHidden{err: err, token: token}
}

type tokenHidden struct {
	err   error
	token string
}

func (e tokenHidden) Error() string {
	s := e.err.Error()
	if e.token != "" {
		s = strings.ReplaceAll(s, e.token, "[redacted]")
	}
	return redactTokens(s)
}

func (e tokenHidden) Unwrap() error { return e.err }
