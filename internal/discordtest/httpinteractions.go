package discordtest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// An Endpoint delivers interactions to a bot's HTTP interactions endpoint
// (or a load balancer in front of several), as Discord does for an
// application whose Interactions Endpoint URL is set: it POSTs each
// interaction signed with the application's Ed25519 key (headers
// X-Signature-Ed25519 and X-Signature-Timestamp, over the timestamp and
// the body) and takes the HTTP response's body as the interaction's
// callback, which the fake then treats as if it had come to
// POST /interactions/{id}/{token}/callback: it is checked, counted in
// Stats and Responses, and opens the interaction's webhook for the edit of
// a deferred response. Make one with Server.Endpoint. Safe for concurrent
// use.
type Endpoint struct {
	s   *Server
	url string
	key ed25519.PrivateKey
	// Client posts the interactions; by default one with a 10 s timeout,
	// more than Discord's 3 s, so that a slow endpoint shows as slow.
	Client *http.Client
}

// Endpoint returns an Endpoint that posts interactions to url, signed
// with a key pair made from the fake's seed.
func (s *Server) Endpoint(url string) *Endpoint {
	seed := make([]byte, ed25519.SeedSize)
	copy(seed, "discordtest endpoint key "+strconv.FormatUint(s.opts.Seed, 10))
	return &Endpoint{
		s: s, url: url, key: ed25519.NewKeyFromSeed(seed),
		Client: &http.Client{Timeout: 10 * time.Second},
	}
}

// PublicKey is the application's public key: what the bot checks
// signatures with (DISCORD_PUBLIC_KEY).
func (e *Endpoint) PublicKey() ed25519.PublicKey { return e.key.Public().(ed25519.PublicKey) }

// PublicKeyHex is PublicKey as the developer portal shows it.
func (e *Endpoint) PublicKeyHex() string { return hex.EncodeToString(e.PublicKey()) }

// A Delivery is one POST of an interaction to the endpoint and its answer.
type Delivery struct {
	// ID is the interaction's ID, "" for a raw post.
	ID string
	// Status is the HTTP status of the answer, 0 when none came (Err).
	Status int
	// Body is the answer's body.
	Body []byte
	// Callback is the callback type the body holds (1 PONG, 4 message,
	// 5 deferred, 8 autocomplete result), 0 for none.
	Callback int
	// Took is the time from sending the request to reading the answer.
	Took time.Duration
	// Err is why the answer was not taken as the interaction's callback:
	// the request failed, the status was not 200, the body was no
	// interaction response, or the fake refused it (such as a second
	// callback for the same interaction).
	Err error

	request signedRequest
}

// signedRequest is a request as it went out, so that it can be replayed.
type signedRequest struct {
	body      []byte
	signature string
	timestamp string
}

// A Signing says how Post signs a request; the zero value signs it
// properly.
type Signing struct {
	// Omit sends no signature headers.
	Omit bool
	// Key signs with another key.
	Key ed25519.PrivateKey
	// Skew moves the timestamp from the clock (negative: in the past).
	Skew time.Duration
	// Tamper changes the body after signing it.
	Tamper bool
}

// Interact has the user start an interaction (as Server.Interact) and
// posts it to the endpoint, properly signed. The command must be
// registered (see RegisterCommands). The Delivery's Err is set when the
// endpoint's answer was not accepted as the callback; the error returned
// is only for an interaction that could not be made.
func (e *Endpoint) Interact(ctx context.Context, in Interaction) (Delivery, error) {
	it, d, err := e.s.newInteraction(ctx, in)
	if err != nil {
		return Delivery{}, err
	}
	return e.deliver(ctx, it, d)
}

// deliver posts the interaction it with payload d and records the answer
// as its callback.
func (e *Endpoint) deliver(ctx context.Context, it *interaction, d map[string]any) (Delivery, error) {
	body, err := json.Marshal(d)
	if err != nil {
		return Delivery{}, fmt.Errorf("discordtest: encode interaction: %w", err)
	}
	e.s.mu.Lock()
	it.created = time.Now()
	e.s.mu.Unlock()
	del := e.post(ctx, body, Signing{})
	del.ID = it.id
	e.callback(ctx, it, &del)
	return del, nil
}

// Click has the user press a button (as Server.Click) and posts the
// interaction to the endpoint, properly signed; see Interact.
func (e *Endpoint) Click(ctx context.Context, c Click) (Delivery, error) {
	it, d, err := e.s.newClick(c)
	if err != nil {
		return Delivery{}, err
	}
	return e.deliver(ctx, it, d)
}

// Ping posts a PING (type 1), as Discord does when the endpoint URL is
// saved in the developer portal; a healthy endpoint answers {"type":1}.
func (e *Endpoint) Ping(ctx context.Context) Delivery {
	id := e.s.newID()
	body, _ := json.Marshal(map[string]any{
		"id": id, "application_id": e.s.Bot.ID, "type": 1, "token": newToken(), "version": 1,
	})
	del := e.post(ctx, body, Signing{})
	del.ID = id
	if del.Err == nil && del.Callback != 1 {
		del.Err = fmt.Errorf("PING answered with callback type %d, want 1 (PONG)", del.Callback)
	}
	return del
}

// Post posts body signed as sign says and returns the answer, without
// recording any callback: for requests Discord would not send.
func (e *Endpoint) Post(ctx context.Context, body []byte, sign Signing) Delivery {
	return e.post(ctx, body, sign)
}

// Replay posts the exact request of an earlier delivery again (same body,
// signature and timestamp), as someone who captured it would. An answer
// that the fake takes as a callback is recorded like any other (and a
// second callback for the interaction is refused and counted in
// Stats.DoubleAcks).
func (e *Endpoint) Replay(ctx context.Context, d Delivery) Delivery {
	del := e.send(ctx, d.request)
	del.ID = d.ID
	e.s.mu.Lock()
	it := e.s.inters[d.ID]
	e.s.mu.Unlock()
	if it != nil {
		e.callback(ctx, it, &del)
	}
	return del
}

func (e *Endpoint) post(ctx context.Context, body []byte, sign Signing) Delivery {
	ts := strconv.FormatInt(time.Now().Add(sign.Skew).Unix(), 10)
	key := e.key
	if sign.Key != nil {
		key = sign.Key
	}
	req := signedRequest{body: body, timestamp: ts, signature: hex.EncodeToString(ed25519.Sign(key, append([]byte(ts), body...)))}
	if sign.Tamper {
		req.body = append(bytes.Clone(body), ' ')
	}
	if sign.Omit {
		req.signature, req.timestamp = "", ""
	}
	return e.send(ctx, req)
}

func (e *Endpoint) send(ctx context.Context, sr signedRequest) Delivery {
	del := Delivery{request: sr}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(sr.body))
	if err != nil {
		del.Err = err
		return del
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Discord-Interactions/1.0 (+https://discord.com)")
	if sr.signature != "" {
		req.Header.Set("X-Signature-Ed25519", sr.signature)
	}
	if sr.timestamp != "" {
		req.Header.Set("X-Signature-Timestamp", sr.timestamp)
	}
	start := time.Now()
	resp, err := e.Client.Do(req)
	if err != nil {
		del.Took = time.Since(start)
		del.Err = fmt.Errorf("post interaction: %w", err)
		return del
	}
	del.Body, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	del.Took = time.Since(start)
	del.Status = resp.StatusCode
	switch {
	case err != nil:
		del.Err = fmt.Errorf("read answer: %w", err)
	case resp.StatusCode != http.StatusOK:
		del.Err = fmt.Errorf("endpoint answered %s", resp.Status)
	default:
		var cb struct {
			Type int `json:"type"`
		}
		if err := json.Unmarshal(del.Body, &cb); err != nil || cb.Type == 0 {
			del.Err = fmt.Errorf("endpoint's body %.200q is no interaction response", del.Body)
		} else {
			del.Callback = cb.Type
		}
	}
	return del
}

// callback hands an accepted answer to the fake's callback route, which
// checks it as Discord would and records it.
func (e *Endpoint) callback(ctx context.Context, it *interaction, del *Delivery) {
	if del.Err != nil {
		return
	}
	url := e.s.URL + "/api/v10/interactions/" + it.id + "/" + it.token + "/callback"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(del.Body))
	if err != nil {
		del.Err = err
		return
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.s.hs.Client().Do(req)
	if err != nil {
		del.Err = fmt.Errorf("record callback: %w", err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		del.Err = fmt.Errorf("%w: %s %s", ErrCallbackRefused, resp.Status, body)
	}
}

// ErrCallbackRefused is a Delivery's Err when the fake refused the
// endpoint's answer as the interaction's callback, as Discord would: a
// second callback (40060), one too late (10062) or an invalid one (50035).
var ErrCallbackRefused = errors.New("discordtest: callback refused")

// RegisterCommands registers commands (anything that encodes as a JSON
// array of application commands, such as a bot's command table) on the
// fake's guild, as a gateway process or a deploy step does for HTTP-only
// replicas, which never register commands themselves.
func (s *Server) RegisterCommands(ctx context.Context, commands any) error {
	body, err := json.Marshal(commands)
	if err != nil {
		return fmt.Errorf("discordtest: encode commands: %w", err)
	}
	url := s.URL + "/api/v10/applications/" + s.Bot.ID + "/guilds/" + s.GuildID + "/commands"
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bot "+s.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.hs.Client().Do(req)
	if err != nil {
		return fmt.Errorf("discordtest: register commands: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("discordtest: register commands: %s %s", resp.Status, b)
	}
	return nil
}
