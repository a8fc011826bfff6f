package bot

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"kutip/internal/discordtest"
	"kutip/retrieval"
)

// testKey is a fixed key pair, so that failures reproduce.
var testKey = ed25519.NewKeyFromSeed([]byte("kutip-http-interactions-test-key"))

func testPub() ed25519.PublicKey { return testKey.Public().(ed25519.PublicKey) }

// signed is a request as Discord sends it: body signed with key at ts.
func signedReq(key ed25519.PrivateKey, ts time.Time, body string) *http.Request {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	sig := ed25519.Sign(key, []byte(stamp+body))
	r := httptest.NewRequest(http.MethodPost, "/interactions", strings.NewReader(body))
	r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	r.Header.Set("X-Signature-Timestamp", stamp)
	r.Header.Set("Content-Type", "application/json")
	return r
}

// slashJSON is an /ask interaction's body.
func slashJSON(id, question string) string {
	b, _ := json.Marshal(map[string]any{
		"id": id, "application_id": "100", "type": 2, "token": "token-" + id,
		"guild_id": "g1", "channel_id": "c1",
		"member": map[string]any{"user": map[string]any{"id": "u1", "username": "asker"}},
		"data": map[string]any{
			"id": "900", "name": "ask", "type": 1,
			"options": []any{map[string]any{"name": "question", "type": 3, "value": question}},
		},
	})
	return string(b)
}

// snowflakeAt is an ID Discord would give at t.
func snowflakeAt(t time.Time) string {
	const discordEpoch = 1420070400000
	return strconv.FormatUint(uint64(t.UnixMilli()-discordEpoch)<<22, 10)
}

func TestVerifyInteraction(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"id":"1","type":1}`)
	stamp := strconv.FormatInt(now.Unix(), 10)
	sign := func(ts string, b []byte) string {
		return hex.EncodeToString(ed25519.Sign(testKey, append([]byte(ts), b...)))
	}
	other := ed25519.NewKeyFromSeed([]byte("another-application-key-32-bytes"))
	old := strconv.FormatInt(now.Add(-replayWindow-time.Second).Unix(), 10)
	future := strconv.FormatInt(now.Add(replayWindow+time.Second).Unix(), 10)
	edge := strconv.FormatInt(now.Add(-replayWindow).Unix(), 10)
	tests := []struct {
		name    string
		sig, ts string
		body    []byte
		want    error
	}{
		{"good", sign(stamp, body), stamp, body, nil},
		{"at the window's edge", sign(edge, body), edge, body, nil},
		{"no signature", "", stamp, body, errNoSignature},
		{"no timestamp", sign(stamp, body), "", body, errNoSignature},
		{"not hex", "zz" + sign(stamp, body)[2:], stamp, body, errBadSignature},
		{"short signature", sign(stamp, body)[:64], stamp, body, errBadSignature},
		{"another key", hex.EncodeToString(ed25519.Sign(other, append([]byte(stamp), body...))), stamp, body, errBadSignature},
		{"body changed", sign(stamp, body), stamp, []byte(`{"id":"2","type":1}`), errBadSignature},
		{"timestamp changed", sign(stamp, body), strconv.FormatInt(now.Unix()+1, 10), body, errBadSignature},
		{"timestamp not a number", sign("soon", body), "soon", body, errBadSignature},
		{"stale", sign(old, body), old, body, errStale},
		{"from the future", sign(future, body), future, body, errStale},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := verifyInteraction(testPub(), tc.sig, tc.ts, tc.body, now, replayWindow)
			if !errors.Is(err, tc.want) {
				t.Errorf("verifyInteraction = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestReplayGuard(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	g := newReplayGuard(3)
	steps := []struct {
		id    string
		at    time.Duration // after t0
		first bool
	}{
		{"a", 0, true},
		{"a", time.Minute, false},      // a replay within the window
		{"b", time.Minute, true},       //
		{"a", 5 * time.Minute, false},  // a is remembered until t0+5m
		{"a", 6 * time.Minute, true},   // forgotten: the timestamp check refuses it by then
		{"c", 6 * time.Minute, true},   //
		{"d", 6 * time.Minute, true},   // b expired at 6m; at most 3 held
		{"e", 6 * time.Minute, true},   // the oldest (a) is dropped to make room
		{"d", 7 * time.Minute, false},  //
		{"e", 11 * time.Minute, false}, // remembered until 6m+5m
	}
	for n, s := range steps {
		now := t0.Add(s.at)
		if got := g.first(s.id, now, now.Add(replayWindow)); got != s.first {
			t.Errorf("step %d: first(%q) at +%v = %v, want %v", n, s.id, s.at, got, s.first)
		}
		if len(g.seen) > 3 || len(g.order) > 3 {
			t.Fatalf("step %d: %d IDs and %d entries held, want at most 3", n, len(g.seen), len(g.order))
		}
	}
}

// newTestEndpoint is an endpoint for b whose clock is now.
func newTestEndpoint(t *testing.T, b *Bot, now time.Time) *interactionsEndpoint {
	t.Helper()
	e := b.newInteractionsEndpoint(t.Context(), testPub())
	e.now = func() time.Time { return now }
	return e
}

func TestInteractionsEndpointRefuses(t *testing.T) {
	now := time.Now()
	b, rec, logs := newTestBot(t, &fakeIndex{}, Options{})
	e := newTestEndpoint(t, b, now)
	ping := `{"id":"500","application_id":"100","type":1,"token":"t"}`
	unsigned := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(ping))
	wrongKey := signedReq(ed25519.NewKeyFromSeed([]byte("another-application-key-32-bytes")), now, ping)
	tampered := signedReq(testKey, now, ping)
	tampered.Body = http.NoBody
	tests := []struct {
		name string
		req  *http.Request
		want int
	}{
		{"unsigned", unsigned, http.StatusUnauthorized},
		{"another key", wrongKey, http.StatusUnauthorized},
		{"body not the one signed", tampered, http.StatusUnauthorized},
		{"stale timestamp", signedReq(testKey, now.Add(-6*time.Minute), `{"id":"501","type":1}`), http.StatusUnauthorized},
		{"GET", httptest.NewRequest(http.MethodGet, "/", nil), http.StatusMethodNotAllowed},
		{"too large", signedReq(testKey, now, `{"id":"502","type":1,"x":"`+strings.Repeat("x", maxInteractionBody)+`"}`), http.StatusRequestEntityTooLarge},
		{"signed but not JSON", signedReq(testKey, now, `hello`), http.StatusBadRequest},
		{"signed, unknown type", signedReq(testKey, now, `{"id":"503","type":42}`), http.StatusBadRequest},
		{"signed, no id", signedReq(testKey, now, `{"type":1}`), http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			e.ServeHTTP(w, tc.req)
			if w.Code != tc.want {
				t.Errorf("status = %d (%s), want %d", w.Code, strings.TrimSpace(w.Body.String()), tc.want)
			}
		})
	}
	if calls := rec.all(); len(calls) != 0 {
		t.Errorf("refused requests made %d REST calls, want 0", len(calls))
	}
	for result, want := range map[string]float64{
		"refused_signature": 3, "refused_stale": 1, "too_large": 1, "bad_request": 3,
	} {
		if got := testutil.ToFloat64(e.results.WithLabelValues(result)); got != want {
			t.Errorf("kutip_http_interactions_total{result=%q} = %v, want %v", result, got, want)
		}
	}
	// Five refusals, one warning that says what to check; the rest at Debug.
	if n := strings.Count(logs.String(), "level=WARN msg=\"HTTP interactions refused"); n != 1 {
		t.Errorf("%d warnings about refused requests, want 1:\n%s", n, logs)
	}
	if !strings.Contains(logs.String(), "DISCORD_PUBLIC_KEY") {
		t.Errorf("the warning does not name DISCORD_PUBLIC_KEY:\n%s", logs)
	}
}

func TestInteractionsEndpointPingAndReplay(t *testing.T) {
	now := time.Now()
	b, _, _ := newTestBot(t, &fakeIndex{}, Options{})
	e := newTestEndpoint(t, b, now)
	ping := `{"id":"600","application_id":"100","type":1,"token":"t"}`
	for n, want := range []int{http.StatusOK, http.StatusUnauthorized} {
		w := httptest.NewRecorder()
		e.ServeHTTP(w, signedReq(testKey, now, ping))
		if w.Code != want {
			t.Fatalf("delivery %d: status = %d, want %d", n+1, w.Code, want)
		}
		if want == http.StatusOK {
			if got := strings.TrimSpace(w.Body.String()); got != `{"type":1}` {
				t.Errorf("PING answered %s, want {\"type\":1}", got)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
		}
	}
}

// bodyResponse is the part of an interaction response the tests read
// (discordgo's own type cannot decode components).
type bodyResponse struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data *struct {
		Content         string                            `json:"content"`
		Embeds          []*discordgo.MessageEmbed         `json:"embeds"`
		AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	} `json:"data"`
}

// decodeResponse reads the interaction response in a recorded HTTP answer.
func decodeResponse(t *testing.T, w *httptest.ResponseRecorder) bodyResponse {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Fatalf("status = %d (%s), want 200", w.Code, w.Body.String())
	}
	var r bodyResponse
	if err := json.Unmarshal(w.Body.Bytes(), &r); err != nil {
		t.Fatalf("response body %q: %v", w.Body.String(), err)
	}
	return r
}

func TestInteractionsEndpointAnswersInBody(t *testing.T) {
	now := time.Now()
	b, rec, logs := newTestBot(t, &fakeIndex{}, Options{})
	e := newTestEndpoint(t, b, now)
	w := httptest.NewRecorder()
	e.ServeHTTP(w, signedReq(testKey, now, slashJSON(snowflakeAt(now), "when did Russia ratify?")))
	resp := decodeResponse(t, w)
	if resp.Type != discordgo.InteractionResponseChannelMessageWithSource || resp.Data == nil {
		t.Fatalf("response type %d, want 4 with data", resp.Type)
	}
	if !strings.Contains(resp.Data.Content+embedText(resp.Data.Embeds), "6 November") {
		t.Errorf("response %q does not hold the answer %q", resp.Data.Content, "6 November")
	}
	if resp.Data.AllowedMentions == nil || len(resp.Data.AllowedMentions.Parse) != 0 {
		t.Errorf("allowed_mentions = %+v, want parse empty", resp.Data.AllowedMentions)
	}
	e.close(func() {})
	if calls := rec.all(); len(calls) != 0 {
		t.Errorf("an answer in the body made REST calls %+v, want none", calls)
	}
	if strings.Contains(logs.String(), "token-") {
		t.Errorf("logs hold the interaction token:\n%s", logs)
	}
}

func embedText(es []*discordgo.MessageEmbed) string {
	var s strings.Builder
	for _, e := range es {
		s.WriteString(e.Title + e.Description)
		for _, f := range e.Fields {
			s.WriteString(f.Name + f.Value)
		}
	}
	return s.String()
}

// slowIndex answers once release is closed.
func slowIndex(release <-chan struct{}) *fakeIndex {
	return &fakeIndex{askFn: func(ctx context.Context, q string) (retrieval.Answer, error) {
		select {
		case <-release:
		case <-ctx.Done():
			return retrieval.Answer{}, ctx.Err()
		}
		return retrieval.Answer{Question: q, Answered: true, Passages: []retrieval.Passage{ratified}}, nil
	}}
}

func TestInteractionsEndpointDefersSlowAnswer(t *testing.T) {
	tests := []struct {
		name string
		// The bot defers at AckBudget; the endpoint itself at ackWait
		// when the bot has not.
		budget, ackWait time.Duration
		ownDeferral     bool
	}{
		{"the bot defers", time.Millisecond, time.Hour, false},
		{"the endpoint defers for a stalled bot", time.Hour, time.Millisecond, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Now()
			release := make(chan struct{})
			b, rec, logs := newTestBot(t, slowIndex(release), Options{AckBudget: tc.budget})
			e := newTestEndpoint(t, b, now)
			e.ackWait = tc.ackWait
			w := httptest.NewRecorder()
			// The ID is no snowflake, so the bot's budget runs from now.
			e.ServeHTTP(w, signedReq(testKey, now, slashJSON("deferred-1", "when did Russia ratify?")))
			resp := decodeResponse(t, w)
			if resp.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
				t.Fatalf("response type %d, want 5 (deferred)", resp.Type)
			}
			close(release)
			e.close(func() {})
			calls := rec.all()
			if len(calls) != 1 || calls[0].method != "edit" || calls[0].interaction != "deferred-1" {
				t.Fatalf("REST calls %+v, want one edit of deferred-1", calls)
			}
			if c := calls[0].edit.Content; c == nil || !strings.Contains(*c+embedText(*calls[0].edit.Embeds), "6 November") {
				t.Errorf("edit does not hold the answer %q", "6 November")
			}
			if got := strings.Contains(logs.String(), "the endpoint answered for it"); got != tc.ownDeferral {
				t.Errorf("endpoint's own deferral logged = %v, want %v\n%s", got, tc.ownDeferral, logs)
			}
		})
	}
}

// After the endpoint deferred for a late bot, the bot's own response
// becomes an edit of @original, a second deferral does nothing, and a
// response that cannot follow a deferral is an error.
func TestHTTPResponderAfterOwnDeferral(t *testing.T) {
	content := "the answer"
	tests := []struct {
		name     string
		typ      discordgo.InteractionResponseType
		wantEdit bool
		wantErr  bool
	}{
		{"message", discordgo.InteractionResponseChannelMessageWithSource, true, false},
		{"component update", discordgo.InteractionResponseUpdateMessage, true, false},
		{"deferral", discordgo.InteractionResponseDeferredChannelMessageWithSource, false, false},
		{"deferred update", discordgo.InteractionResponseDeferredMessageUpdate, false, false},
		{"autocomplete result", discordgo.InteractionApplicationCommandAutocompleteResult, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{}
			h := newHTTPResponder(rec, "i1")
			h.state = httpDeferred
			err := h.InteractionRespond(&discordgo.Interaction{ID: "i1"}, &discordgo.InteractionResponse{
				Type: tc.typ, Data: &discordgo.InteractionResponseData{Content: content},
			})
			if (err != nil) != tc.wantErr {
				t.Errorf("InteractionRespond = %v, want error %v", err, tc.wantErr)
			}
			calls := rec.all()
			if got := len(calls) == 1 && calls[0].method == "edit" && *calls[0].edit.Content == content; got != tc.wantEdit {
				t.Errorf("calls %+v, want an edit of @original: %v", calls, tc.wantEdit)
			}
			// The edit pings nobody, even for a response that forgot to say.
			if len(calls) == 1 && calls[0].edit != nil {
				if am := calls[0].edit.AllowedMentions; am == nil || am.Parse == nil || len(am.Parse) != 0 || am.RepliedUser {
					t.Errorf("edit allowed_mentions = %+v, want nobody", am)
				}
			}
		})
	}
}

func TestInteractionsEndpointClosing(t *testing.T) {
	now := time.Now()
	b, _, _ := newTestBot(t, &fakeIndex{}, Options{})
	e := newTestEndpoint(t, b, now)
	e.close(func() {})
	w := httptest.NewRecorder()
	e.ServeHTTP(w, signedReq(testKey, now, slashJSON("800", "when?")))
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("status after close = %d, want 503", w.Code)
	}
}

// FuzzInteractionsEndpoint posts arbitrary bodies, signed and unsigned:
// the endpoint never panics, answers a signed body 200, 400 or 401 (a
// repeated ID), and a 200's body is a JSON response with a type.
func FuzzInteractionsEndpoint(f *testing.F) {
	f.Add(`{"id":"1","type":1}`, true)
	f.Add(slashJSON("2", "when did Russia ratify?"), true)
	f.Add(slashJSON("3", ""), true)
	f.Add(`{"id":"4","type":4,"data":{"name":"summary","options":[{"name":"document","type":3,"value":"k","focused":true}]}}`, true)
	f.Add(`{"id":"5","type":2,"data":{"name":"nope"}}`, true)
	f.Add(`{"id":"6","type":3,"data":{"custom_id":"x","component_type":2}}`, true)
	f.Add(`{"id":"7","type":2,"data":null}`, true)
	f.Add(`[]`, true)
	f.Add(`{"id":"1","type":1}`, false)
	now := time.Now()
	f.Fuzz(func(t *testing.T, body string, sign bool) {
		b, _, _ := newTestBot(t, &fakeIndex{}, Options{})
		e := newTestEndpoint(t, b, now)
		e.ackWait = 10 * time.Millisecond
		var r *http.Request
		if sign {
			r = signedReq(testKey, now, body)
		} else {
			r = httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
			r.Header.Set("X-Signature-Ed25519", strings.Repeat("ab", 64))
			r.Header.Set("X-Signature-Timestamp", strconv.FormatInt(now.Unix(), 10))
		}
		w := httptest.NewRecorder()
		e.ServeHTTP(w, r)
		e.close(func() {})
		switch {
		case !sign && w.Code != http.StatusUnauthorized:
			t.Fatalf("unsigned body answered %d, want 401", w.Code)
		case sign && w.Code == http.StatusOK:
			var resp struct {
				Type *int `json:"type"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || resp.Type == nil {
				t.Fatalf("200 body %q is no interaction response (%v)", w.Body.String(), err)
			}
		case sign && w.Code != http.StatusBadRequest && w.Code != http.StatusInternalServerError && w.Code != http.StatusRequestEntityTooLarge:
			t.Fatalf("signed body answered %d", w.Code)
		}
	})
}

// BenchmarkVerifyInteraction is the signature and timestamp check alone.
func BenchmarkVerifyInteraction(b *testing.B) {
	now := time.Now()
	body := []byte(slashJSON(snowflakeAt(now), "when did Russia ratify?"))
	ts := strconv.FormatInt(now.Unix(), 10)
	sig := hex.EncodeToString(ed25519.Sign(testKey, append([]byte(ts), body...)))
	b.ReportAllocs()
	for b.Loop() {
		if err := verifyInteraction(testPub(), sig, ts, body, now, replayWindow); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInteractionsEndpointPing is a signed PING through the handler:
// reading, verifying, parsing, the replay check and the PONG.
func BenchmarkInteractionsEndpointPing(b *testing.B) {
	bot, err := newBot(&recorder{}, &fakeIndex{}, nil, Options{})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	e := bot.newInteractionsEndpoint(b.Context(), testPub())
	e.now = func() time.Time { return now }
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		n++
		w := httptest.NewRecorder()
		e.ServeHTTP(w, signedReq(testKey, now, `{"id":"`+strconv.Itoa(n)+`","type":1}`))
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// One process can take interactions both ways: Run on the gateway and
// ServeInteractions on HTTP, on the same Bot, each answered once.
func TestServeInteractionsBesideGateway(t *testing.T) {
	srv := discordtest.New(t, discordtest.Options{})
	lb := runLive(t, srv, &fakeIndex{}, Options{})
	ep := lb.serveHTTP(t)

	wctx := liveCtx(t)
	ask := discordtest.Interaction{Name: "ask", Options: []discordtest.Option{{Name: "question", Value: "when did Russia ratify?"}}}
	byGateway, err := srv.Interact(wctx, ask)
	if err != nil {
		t.Fatal(err)
	}
	byHTTP, err := ep.Interact(wctx, ask)
	if err != nil || byHTTP.Err != nil {
		t.Fatalf("over HTTP: %v %v", err, byHTTP.Err)
	}
	for way, id := range map[string]string{"gateway": byGateway, "HTTP": byHTTP.ID} {
		r, err := srv.WaitReply(wctx, id)
		if err != nil {
			t.Fatalf("over the %s: %v", way, err)
		}
		if !strings.Contains(r.Text(), "6 November") {
			t.Errorf("over the %s: reply %q lacks the answer", way, r.Text())
		}
		if got := len(srv.Responses(id)); got != 1 {
			t.Errorf("over the %s: %d responses, want 1", way, got)
		}
	}
}

// TestHTTPResponderOffersThreads: behind the HTTP endpoint, /ask
// thread:True reaches the REST client the responder wraps.
func TestHTTPResponderOffersThreads(t *testing.T) {
	s, err := discordgo.New("")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := threadsOf(newHTTPResponder(sessionAPI{Session: s}, "1")); !ok {
		t.Error("an HTTP responder over a session offers no threads")
	}
	if _, ok := threadsOf(newHTTPResponder(&recorder{}, "1")); ok {
		t.Error("an HTTP responder over a client without thread calls offers threads")
	}
}
