package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// sessionAPI is Discord for a live session. Channel messages go through
// discordgo as usual; the two interaction calls do not, for three reasons
// found in discordgo v0.29.0 (restapi.go):
//
//   - it puts every edit of @original, whatever the interaction, in one
//     rate-limit bucket and holds that bucket for the length of a request,
//     so a burst of deferred answers is sent one at a time and throttled by
//     the first interaction's limit (answers timed out under a burst);
//   - it keeps a bucket per interaction URL forever, a slow leak for a bot
//     that runs for months;
//   - it sleeps through a 429 ignoring the request's context.
//
// An interaction gets at most two calls (a response, an edit), far inside
// Discord's per-interaction limits, and interaction endpoints are exempt
// from the global limit, so these calls need no bucket: they honour
// Retry-After on a 429 and retry a 5xx, within the context.
type sessionAPI struct {
	*discordgo.Session
}

// InteractionRespond sends the interaction's response.
func (a sessionAPI) InteractionRespond(i *discordgo.Interaction, r *discordgo.InteractionResponse, options ...discordgo.RequestOption) error {
	_, err := a.interactionCall(http.MethodPost, discordgo.EndpointInteractionResponse(i.ID, i.Token), r, options)
	return err
}

// InteractionResponseEdit edits the interaction's original response.
func (a sessionAPI) InteractionResponseEdit(i *discordgo.Interaction, e *discordgo.WebhookEdit, options ...discordgo.RequestOption) (*discordgo.Message, error) {
	body, err := a.interactionCall(http.MethodPatch, discordgo.EndpointWebhookMessage(i.AppID, i.Token, "@original"), e, options)
	if err != nil {
		return nil, err
	}
	var m discordgo.Message
	if len(body) > 0 {
		if err := discordgo.Unmarshal(body, &m); err != nil {
			return nil, fmt.Errorf("decode the edited message: %w", err)
		}
	}
	return &m, nil
}

// interactionCall makes one interaction request, retrying a 429 after its
// Retry-After and a 5xx at once, each at most the session's MaxRestRetries
// times. Errors never contain the URL, which holds the interaction token.
func (a sessionAPI) interactionCall(method, endpoint string, data any, options []discordgo.RequestOption) ([]byte, error) {
	payload, err := discordgo.Marshal(data)
	if err != nil {
		return nil, err
	}
	what := method + " " + redactURL(endpoint)
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequest(method, endpoint, bytes.NewReader(payload))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, redactErr(err))
		}
		req.Header.Set("Authorization", a.Token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", a.UserAgent)
		cfg := &discordgo.RequestConfig{
			Request:                req,
			ShouldRetryOnRateLimit: a.ShouldRetryOnRateLimit,
			MaxRestRetries:         a.MaxRestRetries,
			Client:                 a.Client,
		}
		for _, o := range options {
			o(cfg)
		}
		resp, err := cfg.Client.Do(cfg.Request)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, redactErr(err))
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: read response: %w", what, redactErr(err))
		}
		retry := attempt < cfg.MaxRestRetries
		switch {
		case resp.StatusCode >= 200 && resp.StatusCode < 300:
			return body, nil
		case resp.StatusCode == http.StatusTooManyRequests && retry && cfg.ShouldRetryOnRateLimit:
			if err := sleep(cfg.Request.Context(), retryAfter(resp, body)); err != nil {
				return nil, fmt.Errorf("%s: waiting out a rate limit: %w", what, err)
			}
		case resp.StatusCode >= 500 && retry:
		default:
			restErr := &discordgo.RESTError{Request: req, Response: resp, ResponseBody: body}
			var msg discordgo.APIErrorMessage
			if discordgo.Unmarshal(body, &msg) == nil && (msg.Code != 0 || msg.Message != "") {
				restErr.Message = &msg
			}
			if attempt > 0 && restErr.Message != nil && restErr.Message.Code == discordgo.ErrCodeInteractionHasAlreadyBeenAcknowledged {
				return nil, nil // a retry: the attempt whose answer was lost took effect
			}
			return nil, restErr
		}
	}
}

// retryAfter reads how long a 429 asks to wait: retry_after in the body
// (seconds, fractional), else the Retry-After header, else a second;
// capped at a minute.
func retryAfter(resp *http.Response, body []byte) time.Duration {
	var rl struct {
		RetryAfter float64 `json:"retry_after"`
	}
	d := time.Second
	if discordgo.Unmarshal(body, &rl) == nil && rl.RetryAfter > 0 {
		d = time.Duration(rl.RetryAfter * float64(time.Second))
	} else if s, err := strconv.ParseFloat(resp.Header.Get("Retry-After"), 64); err == nil && s > 0 {
		d = time.Duration(s * float64(time.Second))
	}
	return min(d, time.Minute)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// tokenInURL matches the token of an interaction or webhook URL.
var tokenInURL = regexp.MustCompile(`(/(?:interactions|webhooks)/[0-9]+/)[^/?\s"]+`)

// redactURL hides the token in an interaction or webhook URL.
func redactURL(s string) string {
	return tokenInURL.ReplaceAllString(s, "${1}[token]")
}

// redactErr drops the URL (and with it the token) from a transport error.
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
