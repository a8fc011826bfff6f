package bot

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// TestThreadAPIErrorsHideTokens calls each REST method follow-ups and
// threads use (threadAPI) through sessionAPI while Discord cannot be
// reached or rate-limits without retries: discordgo's own errors for these
// name the URL, which for an interaction's webhook holds its token, and
// thread.go logs them.
func TestThreadAPIErrorsHideTokens(t *testing.T) {
	i := &discordgo.Interaction{ID: "111", AppID: "222", Token: "secret-interaction-token"}
	calls := []struct {
		name string
		call func(threadAPI) error
	}{
		{"InteractionResponse", func(a threadAPI) error { _, err := a.InteractionResponse(i); return err }},
		{"FollowupMessageCreate", func(a threadAPI) error {
			_, err := a.FollowupMessageCreate(i, true, &discordgo.WebhookParams{Content: "x", AllowedMentions: noMentions()})
			return err
		}},
		{"Channel", func(a threadAPI) error { _, err := a.Channel("333"); return err }},
		{"ChannelMessage", func(a threadAPI) error { _, err := a.ChannelMessage("333", "444"); return err }},
		{"MessageThreadStartComplex", func(a threadAPI) error {
			_, err := a.MessageThreadStartComplex("333", "444", &discordgo.ThreadStart{Name: "x"})
			return err
		}},
	}
	transports := []struct {
		name string
		rt   roundTripFunc
	}{
		{"unreachable", func(r *http.Request) (*http.Response, error) {
			return nil, errors.New("connection refused")
		}},
		{"rate limited", func(r *http.Request) (*http.Response, error) {
			h := http.Header{"Content-Type": {"application/json"}, "Retry-After": {"5"}}
			body := `{"message": "You are being rate limited.", "retry_after": 5, "global": false}`
			return &http.Response{StatusCode: http.StatusTooManyRequests, Status: "429 Too Many Requests", Header: h,
				Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
		}},
	}
	for _, tr := range transports {
		for _, c := range calls {
			t.Run(tr.name+"/"+c.name, func(t *testing.T) {
				s, err := discordgo.New("Bot secret-bot-token")
				if err != nil {
					t.Fatal(err)
				}
				s.ShouldRetryOnRateLimit = false
				s.MaxRestRetries = 0
				s.Client = &http.Client{Transport: tr.rt}
				api, ok := threadsOf(sessionAPI{Session: s})
				if !ok {
					t.Fatal("sessionAPI offers no threadAPI")
				}
				err = c.call(api)
				if err == nil {
					t.Fatal("no error")
				}
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("error %q shows a token", err)
				}
			})
		}
	}
}
