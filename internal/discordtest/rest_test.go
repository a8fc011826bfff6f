package discordtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"kutip/internal/discordtest"
)

// do sends a REST request to srv; auth adds the bot's Authorization
// header. It returns the status, the headers and the decoded JSON body.
func do(t *testing.T, srv *discordtest.Server, method, path string, body any, auth bool) (int, http.Header, map[string]any) {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth {
		req.Header.Set("Authorization", "Bot "+srv.Token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	json.Unmarshal(raw, &out)
	return resp.StatusCode, resp.Header, out
}

// errorAt follows a path of keys in a 50035 errors object and returns the
// first error code there.
func errorAt(body map[string]any, path ...string) string {
	node, _ := body["errors"].(map[string]any)
	for _, k := range path {
		node, _ = node[k].(map[string]any)
	}
	list, _ := node["_errors"].([]any)
	if len(list) == 0 {
		return ""
	}
	e, _ := list[0].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func TestRESTErrors(t *testing.T) {
	t.Parallel()
	// Refused requests count against rate limits too, as on Discord.
	srv := discordtest.New(t, discordtest.Options{Limits: map[discordtest.Route]discordtest.Limit{
		discordtest.RouteCreateMessage: {Count: 100, Window: time.Second},
	}})
	msgs := "/api/v10/channels/" + srv.ChannelID + "/messages"
	long := strings.Repeat("x", 2001)
	tests := []struct {
		name      string
		method    string
		path      string
		body      any
		noAuth    bool
		status    int
		code      float64
		formError []string // where a 50035 error must be
	}{
		{name: "unknown route", method: "GET", path: "/api/v10/nope", status: 404},
		{name: "wrong method", method: "DELETE", path: "/api/v10/gateway", status: 405},
		{name: "old API version", method: "GET", path: "/api/v7/gateway", status: 400, code: 50041},
		{name: "no token", method: "GET", path: "/api/v10/users/@me", noAuth: true, status: 401},
		{name: "invalid JSON", method: "POST", path: msgs, body: "{", status: 400, code: 50109},
		{name: "empty message", method: "POST", path: msgs, body: map[string]any{"content": ""}, status: 400, code: 50006},
		{name: "content too long", method: "POST", path: msgs, body: map[string]any{"content": long}, status: 400, code: 50035, formError: []string{"content"}},
		{name: "content of the wrong type", method: "POST", path: msgs, body: map[string]any{"content": 5}, status: 400, code: 50035, formError: []string{"content"}},
		{name: "embed field without a value", method: "POST", path: msgs, body: map[string]any{
			"embeds": []any{map[string]any{"title": "t", "fields": []any{map[string]any{"name": "n"}}}},
		}, status: 400, code: 50035, formError: []string{"embeds", "0", "fields", "0", "value"}},
		{name: "allowed_mentions users twice", method: "POST", path: msgs, body: map[string]any{
			"content": "x", "allowed_mentions": map[string]any{"parse": []string{"users"}, "users": []string{"1"}},
		}, status: 400, code: 50035, formError: []string{"allowed_mentions"}},
		{name: "reply to an unknown message", method: "POST", path: msgs, body: map[string]any{
			"content": "x", "message_reference": map[string]any{"message_id": "12345678901234567"},
		}, status: 400, code: 50035, formError: []string{"message_reference"}},
		{name: "unknown channel", method: "POST", path: "/api/v10/channels/1/messages", body: map[string]any{"content": "x"}, status: 404, code: 10003},
		{name: "upper-case slash command", method: "PUT", path: "/api/v10/applications/" + srv.Bot.ID + "/commands", body: []any{
			map[string]any{"name": "Ask", "description": "d"},
		}, status: 400, code: 50035, formError: []string{"0", "name"}},
		{name: "duplicate commands", method: "PUT", path: "/api/v10/applications/" + srv.Bot.ID + "/commands", body: []any{
			map[string]any{"name": "ask", "description": "d"}, map[string]any{"name": "ask", "description": "e"},
		}, status: 400, code: 50035, formError: []string{"1", "name"}},
		{name: "optional before required", method: "PUT", path: "/api/v10/applications/" + srv.Bot.ID + "/commands", body: []any{
			map[string]any{"name": "ask", "description": "d", "options": []any{
				map[string]any{"type": 5, "name": "private", "description": "d"},
				map[string]any{"type": 3, "name": "question", "description": "d", "required": true},
			}},
		}, status: 400, code: 50035, formError: []string{"0", "options", "1", "required"}},
		{name: "context menu command with description", method: "PUT", path: "/api/v10/applications/" + srv.Bot.ID + "/commands", body: []any{
			map[string]any{"name": "Ask kutip", "type": 3, "description": "d"},
		}, status: 400, code: 50035, formError: []string{"0", "description"}},
		{name: "another application's commands", method: "PUT", path: "/api/v10/applications/1/commands", body: []any{}, status: 403, code: 50001},
		{name: "unknown interaction", method: "POST", path: "/api/v10/interactions/1/tok/callback", body: map[string]any{"type": 4}, status: 404, code: 10062},
		{name: "unknown interaction token", method: "PATCH", path: "/api/v10/webhooks/" + srv.Bot.ID + "/tok/messages/@original", body: map[string]any{"content": "x"}, status: 401, code: 50027},
		{name: "another application's webhook", method: "POST", path: "/api/v10/webhooks/1/tok", body: map[string]any{"content": "x"}, status: 404, code: 10015},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := do(t, srv, tc.method, tc.path, tc.body, !tc.noAuth)
			if status != tc.status || body["code"] != tc.code {
				t.Errorf("%s %s = %d %v, want %d with code %v", tc.method, tc.path, status, body, tc.status, tc.code)
			}
			if tc.formError != nil && errorAt(body, tc.formError...) == "" {
				t.Errorf("errors = %v, want one at %v", body["errors"], tc.formError)
			}
		})
	}
	if n := len(srv.Requests()); n != len(tests) {
		t.Errorf("Requests() has %d, want %d", n, len(tests))
	}
}

func TestRESTRateLimit(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{Limits: map[discordtest.Route]discordtest.Limit{
		discordtest.RouteCreateMessage: {Count: 2, Window: time.Minute},
	}})
	path := "/api/v9/channels/" + srv.ChannelID + "/messages"
	var bucket string
	for i, want := range []string{"1", "0"} {
		status, h, _ := do(t, srv, "POST", path, map[string]any{"content": "hi"}, true)
		if status != 200 || h.Get("X-RateLimit-Limit") != "2" || h.Get("X-RateLimit-Remaining") != want || h.Get("X-RateLimit-Reset-After") == "" || h.Get("X-RateLimit-Reset") == "" {
			t.Errorf("message %d: %d with headers %v, want 200 and %s remaining of 2", i, status, h, want)
		}
		if i == 0 {
			bucket = h.Get("X-RateLimit-Bucket")
		} else if h.Get("X-RateLimit-Bucket") != bucket || bucket == "" {
			t.Errorf("bucket changed from %q to %q", bucket, h.Get("X-RateLimit-Bucket"))
		}
	}
	status, h, body := do(t, srv, "POST", path, map[string]any{"content": "hi"}, true)
	if status != 429 || body["global"] != false || body["retry_after"].(float64) <= 0 || h.Get("Retry-After") == "" || h.Get("X-RateLimit-Scope") != "user" {
		t.Errorf("third message = %d %v %v, want 429 with retry_after", status, h, body)
	}
	if st := srv.Stats(); st.RateLimited != 1 || len(srv.Sent()) != 2 {
		t.Errorf("Stats = %+v and %d sent, want 1 refused, 2 sent", st, len(srv.Sent()))
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	srv.FailNext(discordtest.Fault{PathPrefix: "/users/", Status: 429, RetryAfter: 1.5, Global: true})
	srv.FailNext(discordtest.Fault{Route: discordtest.RouteMe, Status: 503})
	status, h, body := do(t, srv, "GET", "/api/v9/users/@me", nil, true)
	if status != 429 || body["global"] != true || body["retry_after"] != 1.5 || h.Get("X-RateLimit-Global") != "true" || h.Get("Retry-After") != "2" {
		t.Errorf("first = %d %v %v, want a global 429", status, h, body)
	}
	if status, _, _ := do(t, srv, "GET", "/api/v9/users/@me", nil, true); status != 503 {
		t.Errorf("second = %d, want 503", status)
	}
	if status, _, body := do(t, srv, "GET", "/api/v9/users/@me", nil, true); status != 200 || body["id"] != srv.Bot.ID {
		t.Errorf("third = %d %v, want the bot user", status, body)
	}

	// FailRate draws from a generator seeded with Options.Seed: the same
	// seed fails the same requests.
	pattern := func() string {
		srv := discordtest.New(t, discordtest.Options{Seed: 7})
		srv.FailRate(discordtest.Fault{Route: discordtest.RouteGateway, Status: 500}, 0.3)
		var b strings.Builder
		for range 100 {
			status, _, _ := do(t, srv, "GET", "/api/v9/gateway", nil, false)
			b.WriteString(map[bool]string{true: "x", false: "."}[status == 500])
		}
		return b.String()
	}
	first, second := pattern(), pattern()
	if first != second {
		t.Errorf("FailRate with one seed failed\n%s\nthen\n%s", first, second)
	}
	if n := strings.Count(first, "x"); n < 15 || n > 45 {
		t.Errorf("FailRate 0.3 failed %d of 100", n)
	}
}

// TestSlowAnswer: a Delay fault lets the request take effect at once and
// holds its real answer; a client that stops waiting gets no answer, yet
// the request is recorded as the success it was.
func TestSlowAnswer(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	srv.FailNext(discordtest.Fault{Route: discordtest.RouteMe, Delay: 20 * time.Millisecond})
	if status, _, body := do(t, srv, "GET", "/api/v9/users/@me", nil, true); status != 200 || body["id"] != srv.Bot.ID {
		t.Errorf("slow answer = %d %v, want the bot user", status, body)
	}

	srv.FailNext(discordtest.Fault{Route: discordtest.RouteMe, Delay: time.Hour})
	ctx, cancel := context.WithCancel(t.Context())
	req, err := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/v9/users/@me", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bot "+srv.Token)
	errc := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	// The request is recorded, as taken effect, before its answer is held.
	wctx, wcancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer wcancel()
	if err := srv.WaitFor(wctx, func() bool { return len(srv.Requests()) == 2 }); err != nil {
		t.Fatal(err)
	}
	cancel() // the client gives up
	if err := <-errc; err == nil {
		t.Error("the abandoned request got an answer")
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Status != 200 || reqs[1].Status != 200 || srv.Stats().Faults != 2 {
		t.Errorf("requests %+v, %d faults; want two that took effect (200) and two faults", reqs, srv.Stats().Faults)
	}
}

func TestCommandsKeepIDs(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	path := "/api/v10/applications/" + srv.Bot.ID + "/guilds/" + srv.GuildID + "/commands"
	put := func(desc string) []discordtest.Command {
		status, _, _ := do(t, srv, "PUT", path, []any{
			map[string]any{"name": "ask", "description": desc},
			map[string]any{"name": "Ask kutip", "type": 3},
		}, true)
		if status != 200 {
			t.Fatalf("PUT = %d", status)
		}
		return srv.Commands(srv.GuildID)
	}
	first, second := put("one"), put("two")
	if len(second) != 2 || second[0].ID != first[0].ID || second[1].ID != first[1].ID || second[0].Description != "two" {
		t.Errorf("after two overwrites: %+v then %+v; want the same IDs, new description", first, second)
	}
	if second[1].Type != discordtest.MessageCommand || second[1].GuildID != srv.GuildID {
		t.Errorf("message command = %+v", second[1])
	}
	if g := srv.Commands(""); g != nil {
		t.Errorf("global commands = %v, want none", g)
	}
}

func TestInteractChecksOptions(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{})
	status, _, _ := do(t, srv, "PUT", "/api/v10/applications/"+srv.Bot.ID+"/guilds/"+srv.GuildID+"/commands", []any{
		map[string]any{"name": "summary", "description": "d", "options": []any{
			map[string]any{"type": 4, "name": "sentences", "description": "d", "min_value": 1, "max_value": 10},
			map[string]any{"type": 3, "name": "topic", "description": "d", "choices": []any{map[string]any{"name": "A", "value": "a"}}},
		}},
	}, true)
	if status != 200 {
		t.Fatalf("PUT = %d", status)
	}
	tests := []struct {
		name string
		in   discordtest.Interaction
	}{
		{"unknown option", discordtest.Interaction{Name: "summary", Options: []discordtest.Option{{Name: "nope", Value: "x"}}}},
		{"wrong type", discordtest.Interaction{Name: "summary", Options: []discordtest.Option{{Name: "sentences", Value: "3"}}}},
		{"not an integer", discordtest.Interaction{Name: "summary", Options: []discordtest.Option{{Name: "sentences", Value: 2.5}}}},
		{"over the maximum", discordtest.Interaction{Name: "summary", Options: []discordtest.Option{{Name: "sentences", Value: 11}}}},
		{"not a choice", discordtest.Interaction{Name: "summary", Options: []discordtest.Option{{Name: "topic", Value: "b"}}}},
		{"guild command in a DM", discordtest.Interaction{Name: "summary", DM: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
			defer cancel()
			if id, err := srv.Interact(ctx, tc.in); err == nil {
				t.Errorf("Interact(%+v) = %s, want an error", tc.in, id)
			}
		})
	}
}

func TestMessageNonce(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	msgs := "/api/v10/channels/" + srv.ChannelID + "/messages"
	post := func(body map[string]any) (int, string) {
		t.Helper()
		status, _, got := do(t, srv, "POST", msgs, body, true)
		id, _ := got["id"].(string)
		return status, id
	}
	_, first := post(map[string]any{"content": "a", "nonce": "123456789012345678", "enforce_nonce": true})
	_, again := post(map[string]any{"content": "a", "nonce": "123456789012345678", "enforce_nonce": true})
	if first == "" || again != first {
		t.Errorf("the same nonce with enforce_nonce created %q then %q, want the first message back", first, again)
	}
	// An integer nonce is the same nonce as its digits; without
	// enforce_nonce a nonce is not checked.
	_, number := post(map[string]any{"content": "a", "nonce": 123456789012345678, "enforce_nonce": true})
	_, other := post(map[string]any{"content": "a", "nonce": "123456789012345678"})
	if number != first || other == first || other == "" {
		t.Errorf("as an integer got %q, without enforce_nonce %q; want %q, then a new message", number, other, first)
	}
	if status, _ := post(map[string]any{"content": "a", "nonce": strings.Repeat("1", 26), "enforce_nonce": true}); status != http.StatusBadRequest {
		t.Errorf("a 26-character nonce got %d, want 400", status)
	}
	if n, st := len(srv.Sent()), srv.Stats(); n != 2 || st.DuplicateNonces != 2 {
		t.Errorf("%d messages sent and %d duplicate nonces, want 2 and 2", n, st.DuplicateNonces)
	}
}
