package bot

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// ErrTokenRefused is returned, wrapped, by Run when Discord refuses the bot
// token: a REST call answered 401 Unauthorized, or the gateway closed the
// connection with 4004 (authentication failed). Retrying cannot help; the
// token must be replaced (developer portal, Bot → Reset Token). Test for it
// with errors.Is.
var ErrTokenRefused = errors.New("discord refused the bot token")

// Gateway close codes Discord documents
// (https://discord.com/developers/docs/topics/opcodes-and-status-codes).
const closeAuthFailed = 4004

// tokenRefused reports whether err is Discord refusing the token.
func tokenRefused(err error) bool {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Response != nil && rest.Response.StatusCode == http.StatusUnauthorized {
		return true
	}
	var closed *websocket.CloseError
	return errors.As(err, &closed) && closed.Code == closeAuthFailed
}

// discordHost is the host of discordgo's REST endpoints (its
// EndpointDiscord), which Options.APIBase replaces.
const discordHost = "discord.com"

// restTimeout bounds one REST request of the session (discordgo's own
// default); sessionAPI.call bounds its tries apart.
const restTimeout = 20 * time.Second

// NewFromToken makes a bot that connects to Discord with the bot token
// (without or with its "Bot " prefix) and answers from ix. Its REST
// requests go to opts.APIBase when set. discordgo's own log lines go to
// logger, at Warn for its warnings and errors and at Debug for the rest
// when logger is enabled for Debug, with the token and every interaction
// and webhook token removed (see logDiscordgo). It fails when the token is
// empty, APIBase is not an http(s) URL, or the metrics cannot be
// registered.
func NewFromToken(token string, ix Index, logger *slog.Logger, opts Options) (*Bot, error) {
	return newFromToken(token, ix, logger, opts, true)
}

// newFromToken is NewFromToken; forward false leaves discordgo's logging
// alone, for tests that run several bots at once: its hook is
// process-wide, and would send one bot's lines to another's logger.
func newFromToken(token string, ix Index, logger *slog.Logger, opts Options, forward bool) (*Bot, error) {
	token = strings.TrimSpace(strings.TrimPrefix(token, "Bot "))
	if token == "" {
		return nil, errors.New("bot: empty token")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s, err := newRESTSession("Bot "+token, opts.APIBase)
	if err != nil {
		return nil, err
	}
	if forward {
		forwardLogs(s, logger, token)
	}
	return newSessionBot(s, ix, logger, opts)
}

// newRESTSession makes a discordgo session authorised by auth ("" for
// none) whose REST calls go to apiBase, or Discord when that is empty, and
// give up after restTimeout.
func newRESTSession(auth, apiBase string) (*discordgo.Session, error) {
	s, err := discordgo.New(auth)
	if err != nil {
		return nil, fmt.Errorf("discord session: %w", err)
	}
	var rt http.RoundTripper = http.DefaultTransport
	if apiBase != "" {
		if rt, err = newAPIBaseTransport(apiBase, rt); err != nil {
			return nil, err
		}
	}
	s.Client = &http.Client{Transport: rt, Timeout: restTimeout}
	return s, nil
}

// apiBaseTransport sends the requests addressed to https://discord.com to
// another base URL (Options.APIBase) instead, keeping the path under the
// base's own. Requests to any other host (the CDN) pass unchanged.
type apiBaseTransport struct {
	base *url.URL
	next http.RoundTripper
}

// newAPIBaseTransport checks base (an http or https URL with a host, and
// maybe a path, no query) and returns the transport.
func newAPIBaseTransport(base string, next http.RoundTripper) (*apiBaseTransport, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("bot: API base %q is not an http(s) URL such as http://127.0.0.1:8080", base)
	}
	return &apiBaseTransport{base: u, next: next}, nil
}

func (t *apiBaseTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != discordHost {
		return t.next.RoundTrip(req)
	}
	out := req.Clone(req.Context())
	out.URL.Scheme = t.base.Scheme
	out.URL.Host = t.base.Host
	out.Host = t.base.Host
	if t.base.Path != "" {
		out.URL.Path = t.base.Path + req.URL.Path
		if req.URL.RawPath != "" {
			out.URL.RawPath = t.base.EscapedPath() + req.URL.RawPath
		}
	}
	return t.next.RoundTrip(out)
}
