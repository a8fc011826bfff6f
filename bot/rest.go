package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// sessionAPI is Discord for a live session. It makes the three calls that
// carry replies itself, with one retry policy (see call), rather than
// through discordgo v0.29.0 (restapi.go), which retries a 502 at once and
// at most MaxRestRetries times, sleeps through a 429 ignoring the
// request's context, and never retries a 500 or 503.
//
// The two interaction calls also skip discordgo's rate-limit buckets:
// discordgo puts every edit of @original, whatever the interaction, in one
// bucket and holds it for the length of a request, so a burst of deferred
// answers would go out one at a time (answers timed out under a burst), and
// it keeps a bucket per interaction URL forever, a slow leak for a bot that
// runs for months. An interaction gets at most two calls (a response, an
// edit), far inside Discord's per-interaction limits, and interaction
// endpoints are exempt from the global limit. Channel messages do go
// through discordgo's bucket for their channel, which paces a burst of
// replies in one channel before Discord has to refuse them.
type sessionAPI struct {
	*discordgo.Session
	// attempt is how long the first try of a call may take (attemptTimeout
	// when 0); tests shorten it.
	attempt time.Duration
}

// InteractionRespond sends the interaction's response.
func (a sessionAPI) InteractionRespond(i *discordgo.Interaction, r *discordgo.InteractionResponse, options ...discordgo.RequestOption) error {
	_, err := a.call(http.MethodPost, discordgo.EndpointInteractionResponse(i.ID, i.Token), r, "", options)
	return err
}

// InteractionResponseEdit edits the interaction's original response.
func (a sessionAPI) InteractionResponseEdit(i *discordgo.Interaction, e *discordgo.WebhookEdit, options ...discordgo.RequestOption) (*discordgo.Message, error) {
	body, err := a.call(http.MethodPatch, discordgo.EndpointWebhookMessage(i.AppID, i.Token, "@original"), e, "", options)
	if err != nil {
		return nil, err
	}
	return decodeMessage(body)
}

// ChannelMessageSendComplex posts a message. A reply (m.Reference set)
// carries the ID of the message it answers as its nonce, with
// enforce_nonce: kutip posts at most one message in reply to a message,
// and one message without a reply into each thread it starts (the hint, whose
// nonce is the thread's ID), and Discord then creates each once however
// often a lost answer makes the bot send it again. Messages with files go through discordgo.
func (a sessionAPI) ChannelMessageSendComplex(channelID string, m *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Message, error) {
	if len(m.Files) > 0 || m.File != nil || m.Embed != nil {
		return a.Session.ChannelMessageSendComplex(channelID, m, options...)
	}
	body := struct {
		*discordgo.MessageSend
		Nonce        string `json:"nonce,omitempty"`
		EnforceNonce bool   `json:"enforce_nonce,omitempty"`
	}{MessageSend: m}
	switch {
	case m.Reference != nil && m.Reference.MessageID != "":
		body.Nonce, body.EnforceNonce = m.Reference.MessageID, true
	default:
		// kutip's one message without a reference is the hint it posts
		// once into a thread it has just started: the thread's ID.
		body.Nonce, body.EnforceNonce = channelID, true
	}
	endpoint := discordgo.EndpointChannelMessages(channelID)
	resp, err := a.call(http.MethodPost, endpoint, body, endpoint, options)
	if err != nil {
		return nil, err
	}
	return decodeMessage(resp)
}

func decodeMessage(body []byte) (*discordgo.Message, error) {
	var m discordgo.Message
	if len(body) > 0 {
		if err := discordgo.Unmarshal(body, &m); err != nil {
			return nil, fmt.Errorf("decode the message: %w", err)
		}
	}
	return &m, nil
}

// The retry policy of call.
const (
	// retryBase and retryMax bound the wait after a failed try: about
	// retryBase after the first, doubling up to retryMax.
	retryBase = 100 * time.Millisecond
	retryMax  = 5 * time.Second
	// defaultRetryWindow bounds the retries of a call whose context has no
	// deadline.
	defaultRetryWindow = 30 * time.Second
	// attemptTimeout bounds the first try of a call, and each later try
	// that follows one that timed out gets twice as long, up to attemptMax.
	// A try that times out may still land: Discord can apply a request and
	// answer it late. With a fixed bound, a server that is merely slower
	// than it gets the same edit again at every bound until the token
	// expires, and each one lands; growing the bound lets a slow server
	// answer, so a call lands at most about log2(delay/attemptTimeout)+2
	// times. Tries never overlap: a try is abandoned before the next one
	// starts.
	attemptTimeout = 20 * time.Second
	attemptMax     = 2 * time.Minute
	// retryLast is the least time before the deadline a try is started
	// with.
	retryLast = 50 * time.Millisecond
)

// call makes a request and retries it until Discord accepts or refuses it,
// or until the next try would start after the context's deadline (the
// reply's own: see interaction.sendContext), or defaultRetryWindow when the
// context has none. It waits retryAfter after a 429 (unless the session or
// an option turns retries on rate limits off) and backoff after a 5xx or a
// transport error, never past the deadline; the context's cancellation ends
// a wait at once. The deadline, not a count, bounds the tries: the
// session's MaxRestRetries and discordgo.WithRestRetries do not apply. A
// non-empty bucketID sends each try through discordgo's bucket of that ID.
//
// A try that fails with a 5xx, a transport error or a timeout may still
// have taken effect. Retrying an edit is harmless (it sets the same
// content again), and a reply to a message carries a nonce, so Discord
// creates it once; for an interaction response, Discord answers a retry
// with 40060 (already acknowledged), which call takes as success. The one
// follow-up message kutip sends (a POST to the interaction's webhook: the
// private note when a thread cannot start) goes through discordgo, which
// retries only a 502, once; such a note could then land twice. Errors never
// contain the URL, which holds the interaction token.
func (a sessionAPI) call(method, endpoint string, data any, bucketID string, options []discordgo.RequestOption) ([]byte, error) {
	payload, err := discordgo.Marshal(data)
	if err != nil {
		return nil, err
	}
	what := method + " " + redactTokens(endpoint)
	cfg, err := a.config(method, endpoint, payload, options)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, redactErr(err))
	}
	ctx := cfg.Request.Context()
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultRetryWindow)
		defer cancel()
	}
	mayHaveLanded := false // an earlier try may have taken effect
	limit := a.attempt
	if limit <= 0 {
		limit = attemptTimeout
	}
	for try := 1; ; try++ {
		if try > 1 {
			if cfg, err = a.config(method, endpoint, payload, options); err != nil {
				return nil, fmt.Errorf("%s: %w", what, redactErr(err))
			}
		}
		status, body, restErr, err := a.try(ctx, cfg, bucketID, limit)
		if errors.Is(err, errTryTimeout) {
			limit = min(2*limit, max(attemptMax, a.attempt))
		}
		var wait time.Duration
		limited := false // a 429: no sooner than it says
		switch {
		case err != nil && errors.Is(ctx.Err(), context.Canceled):
			return nil, fmt.Errorf("%s: try %d: %w", what, try, ctx.Err())
		case err != nil:
			mayHaveLanded = true
			wait = backoff(try)
		case status >= 200 && status < 300:
			return body, nil
		case status == http.StatusTooManyRequests && cfg.ShouldRetryOnRateLimit:
			err = restErr
			ra := retryAfter(restErr.Response, body)
			wait, limited = ra+rand.N(ra/10+1), true
		case status >= 500:
			mayHaveLanded = true
			err = restErr
			wait = backoff(try)
		case mayHaveLanded && restErr.Message != nil && restErr.Message.Code == discordgo.ErrCodeInteractionHasAlreadyBeenAcknowledged:
			return nil, nil // an earlier try whose answer was lost took effect
		default:
			return nil, restErr
		}
		if deadline, _ := ctx.Deadline(); time.Now().Add(wait).After(deadline) {
			// Past a failure other than a 429, try again halfway to the
			// deadline, so the last tries come closer together, while that
			// leaves time for a try.
			left := time.Until(deadline)
			if limited || left < 2*retryLast {
				return nil, fmt.Errorf("%s: gave up after %d tries, the next would come after the deadline: %w", what, try, err)
			}
			wait = left / 2
		}
		if serr := sleep(ctx, wait); serr != nil {
			return nil, fmt.Errorf("%s: stopped after %d tries (%w): %w", what, try, serr, err)
		}
	}
}

// config builds a request and applies the options to it.
func (a sessionAPI) config(method, endpoint string, payload []byte, options []discordgo.RequestOption) (*discordgo.RequestConfig, error) {
	req, err := http.NewRequest(method, endpoint, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	if a.Token != "" { // an HTTP-only bot has none; interaction webhooks need none
		req.Header.Set("Authorization", a.Token)
	}
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
	return cfg, nil
}

// errTryTimeout is the error of a try that got no answer within its limit.
var errTryTimeout = errors.New("no answer in time")

// try makes one request within limit. The cancellation of ctx
// (shutdown) ends it, not the passing of ctx's deadline: the deadline is
// for starting tries, and a try under way may still be the one that gets
// through. It returns the status and body of any answer Discord gave, with
// a RESTError for a non-2xx one, or a transport error without the URL.
func (a sessionAPI) try(ctx context.Context, cfg *discordgo.RequestConfig, bucketID string, limit time.Duration) (int, []byte, *discordgo.RESTError, error) {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), limit)
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			cancel()
		}
	})
	defer stop()
	req := cfg.Request.WithContext(actx)
	var bucket *discordgo.Bucket
	if bucketID != "" {
		bucket = a.Ratelimiter.LockBucket(bucketID)
	}
	// limit, not the client's own Timeout (restTimeout, which would cut
	// every try at the same length), bounds the try.
	client := cfg.Client
	if client.Timeout != 0 {
		c := *client
		c.Timeout = 0
		client = &c
	}
	resp, err := client.Do(req)
	if err != nil {
		if bucket != nil {
			bucket.Release(nil)
		}
		if errors.Is(actx.Err(), context.DeadlineExceeded) {
			return 0, nil, nil, fmt.Errorf("%w (%v)", errTryTimeout, limit)
		}
		return 0, nil, nil, redactErr(err)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	resp.Body.Close()
	if bucket != nil {
		bucket.Release(resp.Header)
	}
	if err != nil {
		if errors.Is(actx.Err(), context.DeadlineExceeded) {
			return 0, nil, nil, fmt.Errorf("read response: %w (%v)", errTryTimeout, limit)
		}
		return 0, nil, nil, fmt.Errorf("read response: %w", redactErr(err))
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.StatusCode, body, nil, nil
	}
	restErr := &discordgo.RESTError{Request: req, Response: resp, ResponseBody: body}
	var msg discordgo.APIErrorMessage
	if discordgo.Unmarshal(body, &msg) == nil && (msg.Code != 0 || msg.Message != "") {
		restErr.Message = &msg
	}
	return resp.StatusCode, body, restErr, nil
}

// backoff is how long to wait after the n-th failed try (n ≥ 1): retryBase
// doubling up to retryMax, each a random time between half that and all of
// it, so that replies that failed together do not retry together.
func backoff(n int) time.Duration {
	d := min(retryBase<<min(n-1, 16), retryMax)
	return d/2 + rand.N(d/2+1)
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

// redactErr drops the URL (and with it the token) from a transport error.
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
