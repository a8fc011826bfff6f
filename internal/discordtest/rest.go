package discordtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// A Route names a REST endpoint: the method and the path after /api/vN,
// with {placeholders} for IDs. Requests, Faults and Limits use it.
type Route string

// The routes the fake serves.
const (
	RouteGateway          Route = "GET /gateway"
	RouteGatewayBot       Route = "GET /gateway/bot"
	RouteMe               Route = "GET /users/@me"
	RouteCreateDM         Route = "POST /users/@me/channels"
	RouteApplicationMe    Route = "GET /applications/@me"
	RouteOAuthApplication Route = "GET /oauth2/applications/@me"

	RouteGlobalCommands      Route = "GET /applications/{app}/commands"
	RouteBulkGlobalCommands  Route = "PUT /applications/{app}/commands"
	RouteCreateGlobalCommand Route = "POST /applications/{app}/commands"
	RouteDeleteGlobalCommand Route = "DELETE /applications/{app}/commands/{cmd}"
	RouteGuildCommands       Route = "GET /applications/{app}/guilds/{guild}/commands"
	RouteBulkGuildCommands   Route = "PUT /applications/{app}/guilds/{guild}/commands"
	RouteCreateGuildCommand  Route = "POST /applications/{app}/guilds/{guild}/commands"
	RouteDeleteGuildCommand  Route = "DELETE /applications/{app}/guilds/{guild}/commands/{cmd}"

	RouteCallback       Route = "POST /interactions/{id}/{token}/callback"
	RouteGetOriginal    Route = "GET /webhooks/{app}/{token}/messages/@original"
	RouteEditOriginal   Route = "PATCH /webhooks/{app}/{token}/messages/@original"
	RouteDeleteOriginal Route = "DELETE /webhooks/{app}/{token}/messages/@original"
	RouteFollowup       Route = "POST /webhooks/{app}/{token}"
	RouteEditFollowup   Route = "PATCH /webhooks/{app}/{token}/messages/{msg}"
	RouteDeleteFollowup Route = "DELETE /webhooks/{app}/{token}/messages/{msg}"

	RouteChannel       Route = "GET /channels/{channel}"
	RouteCreateMessage Route = "POST /channels/{channel}/messages"
	RouteGetMessage    Route = "GET /channels/{channel}/messages/{msg}"
	RouteTyping        Route = "POST /channels/{channel}/typing"
)

// A Request is one REST request the fake received, with its answer.
type Request struct {
	Seq    int       // 1 for the first request, then 2, 3, …
	Time   time.Time // when it arrived
	Method string
	Path   string // the URL path as sent, such as /api/v9/channels/1/messages
	Route  Route  // the endpoint it matched, or "" for none (answered 404 or 405)
	Query  url.Values
	Header http.Header
	// Body is the JSON body, or the payload_json part of a multipart body.
	// It is nil when there was none.
	Body json.RawMessage
	// Files names the files of a multipart body.
	Files []string
	// InteractionID is the interaction a callback or webhook request is
	// about, or "".
	InteractionID string
	Status        int             // the status the fake answered
	Response      json.RawMessage // the JSON the fake answered, if any
	Fault         bool            // answered by an injected Fault
}

// Decode unmarshals the body into v.
func (r Request) Decode(v any) error {
	if r.Body == nil {
		return fmt.Errorf("discordtest: %s %s has no body", r.Method, r.Path)
	}
	return json.Unmarshal(r.Body, v)
}

// OK reports whether the fake accepted the request (a 2xx status).
func (r Request) OK() bool { return r.Status >= 200 && r.Status < 300 }

// Requests returns the REST requests received so far, oldest first (at
// most Options.MaxRequests of them).
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.requests[max(0, len(s.requests)-s.opts.MaxRequests):]
	out := make([]Request, len(kept))
	for i, r := range kept {
		out[i] = *r
	}
	return out
}

// Responses returns what the bot sent about an interaction and the fake
// accepted, in order: the callback, edits of the original response, and
// follow-ups. Refused attempts (faults, 429s, a second callback) are left
// out; Requests has them.
func (s *Server) Responses(interactionID string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.inters[interactionID]
	if it == nil {
		return nil
	}
	var out []Request
	for _, r := range it.reqs {
		if r.OK() {
			out = append(out, *r)
		}
	}
	return out
}

// WaitResponses waits until the bot has sent at least n accepted requests
// about an interaction (see Responses) and returns them.
func (s *Server) WaitResponses(ctx context.Context, interactionID string, n int) ([]Request, error) {
	var got []Request
	err := s.WaitFor(ctx, func() bool {
		got = s.Responses(interactionID)
		return len(got) >= n
	})
	if err != nil {
		return got, fmt.Errorf("interaction %s: %d of %d responses: %w", interactionID, len(got), n, err)
	}
	return got, nil
}

// routes registers every endpoint on s.mux.
func (s *Server) routes() {
	type ep struct {
		route Route
		auth  bool // needs "Authorization: Bot <token>"
		fn    func(*call)
	}
	for _, e := range []ep{
		{RouteGateway, false, s.getGateway},
		{RouteGatewayBot, true, s.getGatewayBot},
		{RouteMe, true, func(c *call) { c.json(http.StatusOK, s.Bot.object()) }},
		{RouteCreateDM, true, s.createDM},
		{RouteApplicationMe, true, s.getApplication},
		{RouteOAuthApplication, true, s.getApplication},
		{RouteGlobalCommands, true, s.getCommands},
		{RouteBulkGlobalCommands, true, s.bulkCommands},
		{RouteCreateGlobalCommand, true, s.createCommand},
		{RouteDeleteGlobalCommand, true, s.deleteCommand},
		{RouteGuildCommands, true, s.getCommands},
		{RouteBulkGuildCommands, true, s.bulkCommands},
		{RouteCreateGuildCommand, true, s.createCommand},
		{RouteDeleteGuildCommand, true, s.deleteCommand},
		{RouteCallback, false, s.callback},
		{RouteGetOriginal, false, s.getOriginal},
		{RouteEditOriginal, false, s.editOriginal},
		{RouteDeleteOriginal, false, s.deleteOriginal},
		{RouteFollowup, false, s.createFollowup},
		{RouteEditFollowup, false, s.editFollowup},
		{RouteDeleteFollowup, false, s.deleteFollowup},
		{RouteChannel, true, s.getChannel},
		{RouteCreateMessage, true, s.createMessage},
		{RouteGetMessage, true, s.getMessage},
		{RouteTyping, true, s.typing},
		{RouteStartThread, true, s.startThread},
	} {
		method, path, _ := strings.Cut(string(e.route), " ")
		s.mux.Handle(method+" /api/{version}"+path, s.wrap(e.route, e.auth, e.fn))
	}
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.wrap("", false, nil)(w, r)
	})
}

// serveHTTP sends /api/ to the REST routes and WebSocket upgrades
// elsewhere to the gateway.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.mux.ServeHTTP(w, r)
		return
	}
	if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		s.serveGateway(w, r)
		return
	}
	http.NotFound(w, r)
}

// A call is one REST request being answered. Handlers set status, header
// and body; wrap writes them, or a fault in their place.
type call struct {
	s        *Server
	r        *http.Request
	req      *Request
	status   int
	header   http.Header
	body     []byte
	fault    *Fault // an AfterApply or Delay fault to apply once fn has run
	recorded bool   // req is in Server.requests
}

func (c *call) json(status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("discordtest: marshal response: %v", err)) // a bug in the fake
	}
	c.status, c.body = status, b
	c.header.Set("Content-Type", "application/json")
}

func (c *call) noContent() { c.status, c.body = http.StatusNoContent, nil }

// fail answers with Discord's JSON error shape.
func (c *call) fail(status, code int, msg string) {
	c.json(status, map[string]any{"message": msg, "code": code})
}

// Discord's errors, by JSON error code.
func (c *call) unauthorized()       { c.fail(401, 0, "401: Unauthorized") }
func (c *call) unknownInteraction() { c.fail(404, 10062, "Unknown interaction") }
func (c *call) alreadyAcknowledged() {
	c.fail(400, 40060, "Interaction has already been acknowledged.")
}
func (c *call) unknownWebhook()      { c.fail(404, 10015, "Unknown Webhook") }
func (c *call) invalidWebhookToken() { c.fail(401, 50027, "Invalid Webhook Token") }
func (c *call) unknownChannel()      { c.fail(404, 10003, "Unknown Channel") }
func (c *call) unknownMessage()      { c.fail(404, 10008, "Unknown Message") }
func (c *call) unknownCommand()      { c.fail(404, 10063, "Unknown application command") }
func (c *call) emptyMessage()        { c.fail(400, 50006, "Cannot send an empty message") }
func (c *call) invalidJSON()         { c.fail(400, 50109, "The request body contains invalid JSON.") }

// decode unmarshals the body into v, answering 50109 when it is missing or
// malformed.
func (c *call) decode(v any) bool {
	if c.req.Body == nil || json.Unmarshal(c.req.Body, v) != nil {
		c.invalidJSON()
		return false
	}
	return true
}

// wrap returns the handler for one route: it records the request, checks
// the API version and the token, applies faults and rate limits, then runs
// fn. A nil fn answers 404 or 405, as Discord does for unknown routes.
func (s *Server) wrap(route Route, auth bool, fn func(*call)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		req := &Request{
			Time: time.Now(), Method: r.Method, Path: r.URL.Path, Route: route,
			Query: r.URL.Query(), Header: r.Header.Clone(),
		}
		c := &call{s: s, r: r, req: req, header: http.Header{}}
		s.mu.Lock()
		s.stats.Requests++
		s.reqSeq++
		req.Seq = s.reqSeq
		s.mu.Unlock()
		s.answer(c, route, auth, fn)

		// Record before answering, so that a client that has its answer
		// finds its request in Requests.
		s.mu.Lock()
		if c.status >= 400 && c.status != http.StatusTooManyRequests {
			s.stats.BadRequests++
		}
		c.commitLocked()
		s.mu.Unlock()
		if c.fault != nil && c.fault.Delay > 0 {
			// The request has taken effect (and is recorded); its answer
			// is late, or never comes if the client stops waiting.
			t := time.NewTimer(c.fault.Delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
			}
			t.Stop()
		}
		for k, v := range c.header {
			w.Header()[k] = v
		}
		w.WriteHeader(c.status)
		w.Write(c.body)
		s.logf("rest: %s %s → %d %s", r.Method, r.URL.RequestURI(), c.status, truncate(string(c.body), 200))
	}
}

func (s *Server) answer(c *call, route Route, auth bool, fn func(*call)) {
	r, req := c.r, c.req
	if !c.readBody() {
		return
	}
	if fn == nil {
		if methodMismatch(s.mux, r) {
			c.fail(http.StatusMethodNotAllowed, 0, "405: Method Not Allowed")
		} else {
			c.fail(http.StatusNotFound, 0, "404: Not Found")
		}
		return
	}
	if v := r.PathValue("version"); v != "v9" && v != "v10" {
		c.fail(http.StatusBadRequest, 50041, "Invalid API version provided")
		return
	}
	s.tagInteraction(c)
	if auth && r.Header.Get("Authorization") != "Bot "+s.Token {
		c.unauthorized()
		return
	}
	f := s.takeFault(req)
	if f != nil && !f.AfterApply && f.Delay == 0 {
		s.writeFault(c, f)
		return
	}
	c.fault = f
	if !s.rateLimit(c, route) {
		return
	}
	fn(c)
	if c.status == 0 {
		panic("discordtest: handler for " + string(route) + " wrote no answer") // a bug in the fake
	}
	if f != nil && f.Status != 0 {
		s.writeFault(c, f) // the request took effect, but its answer is lost
	}
}

// methodMismatch reports whether r's path is served for some other method.
func methodMismatch(mux *http.ServeMux, r *http.Request) bool {
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pat := mux.Handler(probe); pat != "/api/" && pat != "" {
			return true
		}
	}
	return false
}

// readBody fills req.Body from a JSON or multipart body, answering 50109
// when it is not valid JSON.
func (c *call) readBody() bool {
	raw, err := io.ReadAll(io.LimitReader(c.r.Body, 25<<20))
	if err != nil {
		c.fail(http.StatusBadRequest, 0, "400: Bad Request")
		return false
	}
	if len(raw) == 0 {
		return true
	}
	ct, params, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		mr := multipart.NewReader(bytes.NewReader(raw), params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				c.fail(http.StatusBadRequest, 0, "400: Bad Request")
				return false
			}
			b, _ := io.ReadAll(p)
			if p.FormName() == "payload_json" {
				raw = b
				c.req.Body = b
			} else if p.FileName() != "" {
				c.req.Files = append(c.req.Files, p.FileName())
			}
		}
		if c.req.Body == nil {
			return true
		}
	}
	if !json.Valid(raw) {
		c.invalidJSON()
		return false
	}
	c.req.Body = raw
	return true
}

// tagInteraction sets req.InteractionID for interaction callbacks and
// interaction webhooks.
func (s *Server) tagInteraction(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id := c.r.PathValue("id"); id != "" {
		if _, ok := s.inters[id]; ok {
			c.req.InteractionID = id
		}
		return
	}
	if tok := c.r.PathValue("token"); tok != "" {
		if it := s.byToken[tok]; it != nil {
			c.req.InteractionID = it.id
		}
	}
}

// commitLocked records the request with the answer decided so far (or
// the pending AfterApply fault's status). Handlers call it in the critical
// section that changes the fake's state, so that no one sees the change
// without the request; wrap calls it again with the final answer. s.mu
// must be held.
func (c *call) commitLocked() {
	s, req := c.s, c.req
	req.Status = c.status
	if c.fault != nil && c.fault.Status != 0 {
		req.Status = c.fault.Status
	}
	req.Response = nil
	if json.Valid(c.body) {
		req.Response = c.body
	}
	if !c.recorded {
		c.recorded = true
		s.requests = append(s.requests, req)
		if n := excess(len(s.requests), s.opts.MaxRequests); n > 0 {
			clear(s.requests[:n])
			s.requests = append(s.requests[:0], s.requests[n:]...)
		}
		if it := s.inters[req.InteractionID]; it != nil {
			it.reqs = append(it.reqs, req)
		}
	}
	s.notifyLocked()
}

func (s *Server) getGateway(c *call) {
	c.json(http.StatusOK, map[string]any{"url": s.GatewayURL})
}

func (s *Server) getGatewayBot(c *call) {
	c.json(http.StatusOK, map[string]any{
		"url":                 s.GatewayURL,
		"shards":              s.recommendedShards(),
		"session_start_limit": s.sessionStartLimit(), // shards.go
	})
}

func (s *Server) getApplication(c *call) {
	c.json(http.StatusOK, map[string]any{
		"id": s.Bot.ID, "name": s.Bot.Username, "icon": nil, "description": "", "bot_public": true,
		"bot_require_code_grant": false, "verify_key": strings.Repeat("0", 64), "flags": 0,
		"bot": s.Bot.object(), "owner": s.User.object(), "team": nil,
	})
}
