package bot

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/bwmarrin/discordgo"

	"kutip/internal/discordtest"
)

// toServer sends every request to srv whatever its host, so the session
// talks to a test server without touching discordgo's endpoint variables.
type toServer struct{ srv *httptest.Server }

func (t toServer) RoundTrip(r *http.Request) (*http.Response, error) {
	u, _ := url.Parse(t.srv.URL)
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host = u.Scheme, u.Host
	return t.srv.Client().Transport.RoundTrip(r)
}

// testAPI returns a sessionAPI whose requests reach handler, and the
// requests it saw.
func testAPI(t *testing.T, handler func(n int, w http.ResponseWriter, r *http.Request)) (sessionAPI, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization")+" "+string(body))
		n := len(seen)
		mu.Unlock()
		handler(n, w, r)
	}))
	t.Cleanup(srv.Close)
	s, err := discordgo.New("Bot test-token")
	if err != nil {
		t.Fatal(err)
	}
	s.Client = &http.Client{Transport: toServer{srv}, Timeout: 5 * time.Second}
	return sessionAPI{Session: s}, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}
}

var restInteraction = &discordgo.Interaction{ID: "111", AppID: "222", Token: "secret-interaction-token"}

func TestSessionAPIRespond(t *testing.T) {
	api, seen := testAPI(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	err := api.InteractionRespond(restInteraction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: reply{Content: "hi @everyone"}.interactionData(),
	})
	if err != nil {
		t.Fatal(err)
	}
	got := seen()
	if len(got) != 1 || !strings.HasPrefix(got[0], "POST /api/v9/interactions/111/secret-interaction-token/callback Bot test-token ") {
		t.Fatalf("requests = %q", got)
	}
	var body struct {
		Type int `json:"type"`
		Data struct {
			AllowedMentions struct {
				Parse []string `json:"parse"`
			} `json:"allowed_mentions"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(got[0][strings.Index(got[0], "{"):]), &body); err != nil {
		t.Fatal(err)
	}
	if body.Type != 4 || body.Data.AllowedMentions.Parse == nil || len(body.Data.AllowedMentions.Parse) != 0 {
		t.Errorf("body = %+v, want type 4 and allowed_mentions {\"parse\": []}", body)
	}
}

func TestSessionAPIEditRetries(t *testing.T) {
	api, seen := testAPI(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		switch n {
		case 1:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"message":"You are being rate limited.","retry_after":0.05,"global":false}`)
		case 2:
			w.WriteHeader(http.StatusBadGateway)
		default:
			io.WriteString(w, `{"id":"333","content":"done"}`)
		}
	})
	content := "done"
	start := time.Now()
	m, err := api.InteractionResponseEdit(restInteraction, &discordgo.WebhookEdit{Content: &content})
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != "333" {
		t.Errorf("message = %+v, want ID 333", m)
	}
	if got := seen(); len(got) != 3 || !strings.HasPrefix(got[2], "PATCH /api/v9/webhooks/222/secret-interaction-token/messages/@original") {
		t.Errorf("requests = %q, want three PATCHes of @original", got)
	}
	if took := time.Since(start); took < 50*time.Millisecond {
		t.Errorf("retried after %v, before retry_after", took)
	}
}

func TestSessionAPIErrors(t *testing.T) {
	api, _ := testAPI(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"message":"Unknown interaction","code":10062}`)
	})
	err := api.InteractionRespond(restInteraction, &discordgo.InteractionResponse{Type: 5})
	var rest *discordgo.RESTError
	if !errors.As(err, &rest) || rest.Message == nil || rest.Message.Code != 10062 {
		t.Fatalf("err = %v, want a RESTError with code 10062", err)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error %q shows the interaction token", err)
	}

	// A transport error is retried for defaultRetryWindow (on the bubble's
	// clock), then named by its route without the token.
	synctest.Test(t, func(t *testing.T) {
		s, err := discordgo.New("Bot test-token")
		if err != nil {
			t.Fatal(err)
		}
		tries := 0
		s.Client = &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
			tries++
			return nil, errors.New("connection refused")
		})}
		start := time.Now()
		err = sessionAPI{Session: s}.InteractionRespond(restInteraction, &discordgo.InteractionResponse{Type: 5})
		if err == nil || strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "interactions/111/[redacted]/callback") {
			t.Errorf("err = %v, want the route with the token hidden", err)
		}
		if took := time.Since(start); took > defaultRetryWindow || took < defaultRetryWindow-time.Second {
			t.Errorf("gave up after %v, want just under the %v retry window", took, defaultRetryWindow)
		}
		if tries < 5 {
			t.Errorf("%d tries in the retry window, want several", tries)
		}
	})
}

func TestSessionAPIRateLimitPastDeadline(t *testing.T) {
	api, seen := testAPI(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"retry_after":30}`)
	})
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	err := api.InteractionRespond(restInteraction, &discordgo.InteractionResponse{Type: 5}, discordgo.WithContext(ctx))
	var rest *discordgo.RESTError
	if !errors.As(err, &rest) || rest.Response.StatusCode != http.StatusTooManyRequests {
		t.Errorf("err = %v, want the 429", err)
	}
	if ctx.Err() != nil {
		t.Error("waited for the deadline; want to give up at once when retry_after ends past it")
	}
	if n := len(seen()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestSessionAPIWaitEndsOnCancel(t *testing.T) {
	api, seen := testAPI(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- api.InteractionRespond(restInteraction, &discordgo.InteractionResponse{Type: 5}, discordgo.WithContext(ctx))
	}()
	// Let it fail a few times, then stop it as shutdown would.
	for len(seen()) < 3 {
		select {
		case err := <-done:
			t.Fatalf("gave up early: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	case <-time.After(liveWait):
		t.Fatal("still retrying after the context was cancelled")
	}
}

func TestBackoff(t *testing.T) {
	prevMax := time.Duration(0)
	for n := 1; n <= 40; n++ {
		want := min(retryBase<<min(n-1, 16), retryMax)
		for range 50 {
			if d := backoff(n); d < want/2 || d > want {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", n, d, want/2, want)
			}
		}
		if want < prevMax {
			t.Errorf("backoff(%d) shrinks: at most %v after %v", n, want, prevMax)
		}
		prevMax = want
	}
}

// Fault runs against the fake Discord: each case fails the calls of one
// reply in a row, more times than the bot used to try (once and three
// retries, at once), with each kind of answer Discord gives a failed call.
var faultBurst = []discordtest.Fault{
	{Status: 503}, {Status: 429, RetryAfter: 0.05}, {Status: 500}, {Status: 502},
	{Status: 429, RetryAfter: 0.05, Global: true}, {Status: 503},
}

// replyRoute is how the bot answers, and what the fake sees.
type replyRoute struct {
	name  string
	route discordtest.Route
	opts  Options
	// send makes the bot reply and waits for the reply; it returns the
	// accepted requests that carry it.
	send func(t *testing.T, lb *liveBot) []discordtest.Request
}

var replyRoutes = []replyRoute{
	{"response", discordtest.RouteCallback, Options{}, func(t *testing.T, lb *liveBot) []discordtest.Request {
		id := lb.ask(t, "when did Russia ratify?")
		if _, err := lb.srv.WaitReply(liveCtx(t), id); err != nil {
			t.Fatal(err)
		}
		return lb.srv.Responses(id)
	}},
	// An AckBudget of a nanosecond defers every answer, which then edits
	// @original.
	{"edit after deferral", discordtest.RouteEditOriginal, Options{AckBudget: time.Nanosecond}, func(t *testing.T, lb *liveBot) []discordtest.Request {
		id := lb.ask(t, "when did Russia ratify?")
		if _, err := lb.srv.WaitReply(liveCtx(t), id); err != nil {
			t.Fatal(err)
		}
		var edits []discordtest.Request
		for _, r := range lb.srv.Responses(id) {
			if r.Route == discordtest.RouteEditOriginal {
				edits = append(edits, r)
			}
		}
		return edits
	}},
	{"reply to a mention", discordtest.RouteCreateMessage, Options{}, func(t *testing.T, lb *liveBot) []discordtest.Request {
		ctx := liveCtx(t)
		id, err := lb.srv.Message(ctx, discordtest.Message{Content: "<@" + lb.srv.Bot.ID + "> when did Russia ratify?"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := lb.srv.WaitSent(ctx, func(m discordtest.Sent) bool { return m.ReplyTo == id }); err != nil {
			t.Fatal(err)
		}
		var sent []discordtest.Request
		for _, r := range lb.srv.Requests() {
			if r.Route == discordtest.RouteCreateMessage && r.OK() {
				sent = append(sent, r)
			}
		}
		return sent
	}},
}

func TestReplyOutlastsFaults(t *testing.T) {
	t.Parallel()
	for _, rr := range replyRoutes {
		t.Run(rr.name, func(t *testing.T) {
			t.Parallel()
			srv := discordtest.New(t, discordtest.Options{NoEcho: true})
			lb := runLive(t, srv, &fakeIndex{}, rr.opts)
			for _, f := range faultBurst {
				f.Route = rr.route
				srv.FailNext(f)
			}
			got := rr.send(t, lb)
			if err := lb.stop(); err != nil { // and so wait for its handlers
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Errorf("%d accepted requests carry the reply, want 1", len(got))
			}
			var statuses []int
			for _, r := range srv.Requests() {
				if r.Route == rr.route {
					statuses = append(statuses, r.Status)
				}
			}
			if len(statuses) != len(faultBurst)+1 || !slices.Contains(statuses[len(statuses)-1:], http.StatusOK) && statuses[len(statuses)-1] != http.StatusNoContent {
				t.Errorf("%s answered %v, want the %d faults then success", rr.route, statuses, len(faultBurst))
			}
			checkAllowedMentions(t, got)
			if l := lb.logs.String(); strings.Contains(l, "level=ERROR") {
				t.Errorf("errors logged:\n%s", l)
			}
		})
	}
}

// checkAllowedMentions checks that each request's message pings nobody.
func checkAllowedMentions(t *testing.T, reqs []discordtest.Request) {
	t.Helper()
	for _, r := range reqs {
		m, ok := r.Message()
		if !ok {
			continue
		}
		if am := m.AllowedMentions; am == nil || am.Parse == nil || len(am.Parse) != 0 {
			t.Errorf("%s: allowed_mentions = %+v, want an empty parse list", r.Route, am)
		}
	}
}

func TestReplyAfterLostAnswerIsNotRepeated(t *testing.T) {
	t.Parallel()
	for _, rr := range replyRoutes {
		t.Run(rr.name, func(t *testing.T) {
			t.Parallel()
			srv := discordtest.New(t, discordtest.Options{NoEcho: true})
			lb := runLive(t, srv, &fakeIndex{}, rr.opts)
			// The first try takes effect but its answer is lost; so is the
			// next one's, if it takes effect (an edit does; a second
			// callback or a message with the same nonce does not).
			srv.FailNext(discordtest.Fault{Route: rr.route, Status: 502, AfterApply: true, Times: 2})
			srv.FailNext(discordtest.Fault{Route: rr.route, Status: 503})
			rr.send(t, lb)
			if err := lb.stop(); err != nil { // and so wait for its handlers
				t.Fatal(err)
			}
			st := srv.Stats()
			if st.Faults != 3 {
				t.Errorf("%d faults injected, want 3", st.Faults)
			}
			switch rr.route {
			case discordtest.RouteCallback:
				// Refused: the second try (a fault hid the refusal) and
				// the last, which the bot takes as done.
				if st.Callbacks != 1 || st.DoubleAcks != 2 {
					t.Errorf("%d callbacks accepted and %d refused as already acknowledged, want 1 and 2", st.Callbacks, st.DoubleAcks)
				}
			case discordtest.RouteCreateMessage:
				if n := len(srv.Sent()); n != 1 || st.DuplicateNonces != 2 {
					t.Errorf("%d messages sent, %d retries met their nonce, want 1 and 2", n, st.DuplicateNonces)
				}
			case discordtest.RouteEditOriginal:
				if st.Callbacks != 1 {
					t.Errorf("%d callbacks accepted, want the one deferral", st.Callbacks)
				}
			}
			if l := lb.logs.String(); strings.Contains(l, "level=ERROR") {
				t.Errorf("errors logged:\n%s", l)
			}
		})
	}
}

func TestReplyGivesUpAtDeadline(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	lb := runLive(t, srv, &fakeIndex{}, Options{})
	srv.FailRate(discordtest.Fault{Route: discordtest.RouteCallback, Status: 503}, 1)
	id := lb.ask(t, "when did Russia ratify?")
	// Discord allows three seconds for the response; the bot keeps trying
	// until then.
	err := srv.WaitFor(liveCtx(t), func() bool { return strings.Contains(lb.logs.String(), "gave up") })
	if err != nil {
		t.Fatal(err)
	}
	var tries int
	var token string
	for _, r := range srv.Requests() {
		if r.InteractionID == id && r.Route == discordtest.RouteCallback {
			tries++
			token = strings.Split(r.Path, "/")[5] // /api/v9/interactions/{id}/{token}/callback
		}
	}
	logs := lb.logs.String()
	var line string
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, "gave up") {
			line = l
		}
	}
	if !strings.Contains(line, "interaction="+id) || !strings.Contains(line, "level=ERROR") {
		t.Errorf("give-up logged as %q, want an error naming interaction %s", line, id)
	}
	if len(token) < 20 || strings.Contains(logs, token) || strings.Contains(logs, srv.Token) {
		t.Errorf("the log shows a token (interaction token %q):\n%s", token, logs)
	}
	if tries < 2 || srv.Stats().Callbacks != 0 {
		t.Errorf("%d tries, %d callbacks accepted; want several tries and none", tries, srv.Stats().Callbacks)
	}
	t.Logf("%d tries before giving up", tries)
}

func TestReplyRetriesStopAtShutdown(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	// Deferred, the answer edits @original, which the bot may retry for
	// the token's 15 minutes; shutdown must not wait for that.
	lb := runLive(t, srv, &fakeIndex{}, Options{AckBudget: time.Nanosecond, DrainTimeout: 100 * time.Millisecond})
	srv.FailRate(discordtest.Fault{Route: discordtest.RouteEditOriginal, Status: 503}, 1)
	lb.ask(t, "when did Russia ratify?")
	err := srv.WaitFor(liveCtx(t), func() bool { return srv.Stats().Faults >= 3 })
	if err != nil {
		t.Fatal(err)
	}
	if err := lb.stop(); err != nil {
		t.Fatal(err)
	}
	if l := lb.logs.String(); !strings.Contains(l, "send response") || !strings.Contains(l, context.Canceled.Error()) {
		t.Errorf("the cancelled reply was not logged:\n%s", l)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestSlowReplyLandsFewTimes: Discord applies every call of a reply at once
// but answers it slowDelay late, longer than the bot's first try waits. The
// bot used to wait a fixed time per try and send the same call again and
// again, each one landing, until the window closed; now each try that times
// out waits twice as long as the one before, so the reply gets its answer
// after a few tries, an edit lands at most 1+⌈log2(slowDelay/first try)⌉
// times (one more allowed on a loaded machine), and a reply to a message is
// created once (its nonce) and an interaction response accepted once.
func TestSlowReplyLandsFewTimes(t *testing.T) {
	t.Parallel()
	const firstTry, slowDelay = 100 * time.Millisecond, 250 * time.Millisecond
	for _, rr := range replyRoutes {
		t.Run(rr.name, func(t *testing.T) {
			t.Parallel()
			srv := discordtest.New(t, discordtest.Options{NoEcho: true})
			opts := rr.opts
			opts.GuildID = srv.GuildID
			lb := startLive(t, srv, &fakeIndex{}, opts, func(b *Bot) {
				api := b.api.(sessionAPI)
				api.attempt = firstTry
				b.api = api
			})
			if err := srv.WaitFor(liveCtx(t), func() bool { return len(srv.Commands(srv.GuildID)) > 0 }); err != nil {
				t.Fatalf("the bot did not register its commands: %v", err)
			}
			srv.FailRate(discordtest.Fault{Route: rr.route, Delay: slowDelay}, 1)
			rr.send(t, lb)
			if err := lb.stop(); err != nil { // and so wait for its handlers
				t.Fatal(err)
			}
			var landed int
			for _, r := range srv.Requests() {
				if r.Route == rr.route && r.OK() {
					landed++
				}
			}
			st := srv.Stats()
			switch rr.route {
			case discordtest.RouteCallback:
				if st.Callbacks != 1 {
					t.Errorf("%d callbacks accepted, want 1", st.Callbacks)
				}
			case discordtest.RouteCreateMessage:
				if n := len(srv.Sent()); n != 1 {
					t.Errorf("%d messages sent, want 1 (%d tries met their nonce)", n, st.DuplicateNonces)
				}
			case discordtest.RouteEditOriginal:
				if landed < 1 || landed > 4 {
					t.Errorf("the edit landed %d times, want 1 to 4 (3 on an idle machine)", landed)
				}
			}
			t.Logf("%s: %d tries, %d landed", rr.route, st.Faults, landed)
			if l := lb.logs.String(); strings.Contains(l, "level=ERROR") {
				t.Errorf("errors logged:\n%s", l)
			}
		})
	}
}
