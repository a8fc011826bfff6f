package bot

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
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
	return sessionAPI{s}, func() []string {
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

	// A transport error names the route without the token.
	api.Client = &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
		return nil, errors.New("connection refused")
	})}
	err = api.InteractionRespond(restInteraction, &discordgo.InteractionResponse{Type: 5})
	if err == nil || strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "interactions/111/[token]/callback") {
		t.Errorf("err = %v, want the route with the token hidden", err)
	}
}

func TestSessionAPIRateLimitHonoursContext(t *testing.T) {
	api, seen := testAPI(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"retry_after":30}`)
	})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := api.InteractionRespond(restInteraction, &discordgo.InteractionResponse{Type: 5}, discordgo.WithContext(ctx))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the context's deadline", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %v: slept through the context", took)
	}
	if n := len(seen()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
