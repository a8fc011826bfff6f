package bot

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"kutip/corpus"
	"kutip/internal/discordtest"
	"kutip/retrieval"
)

// recorder is a Discord that records the calls the handlers make.
type recorder struct {
	mu    sync.Mutex
	calls []call
	err   error // returned by every call when set
}

// call is one recorded REST call.
type call struct {
	method      string // "respond", "edit" or "send"
	interaction string // the interaction's ID
	channel     string
	resp        *discordgo.InteractionResponse
	edit        *discordgo.WebhookEdit
	send        *discordgo.MessageSend
}

func (r *recorder) InteractionRespond(i *discordgo.Interaction, resp *discordgo.InteractionResponse, _ ...discordgo.RequestOption) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call{method: "respond", interaction: i.ID, resp: resp})
	return r.err
}

func (r *recorder) InteractionResponseEdit(i *discordgo.Interaction, e *discordgo.WebhookEdit, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call{method: "edit", interaction: i.ID, edit: e})
	return &discordgo.Message{}, r.err
}

func (r *recorder) ChannelMessageSendComplex(channelID string, m *discordgo.MessageSend, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call{method: "send", channel: channelID, send: m})
	return &discordgo.Message{}, r.err
}

func (r *recorder) all() []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]call(nil), r.calls...)
}

// fakeIndex answers with its funcs, or with fixed passages when they are nil.
type fakeIndex struct {
	askFn     func(ctx context.Context, q string) (retrieval.Answer, error)
	summaryFn func(ctx context.Context, opts retrieval.SummaryOptions) (retrieval.Summary, error)
	docs      []corpus.Document

	mu          sync.Mutex
	asked       []string
	summaryOpts []retrieval.SummaryOptions
}

func (f *fakeIndex) Ask(ctx context.Context, q string) (retrieval.Answer, error) {
	f.mu.Lock()
	f.asked = append(f.asked, q)
	f.mu.Unlock()
	if f.askFn != nil {
		return f.askFn(ctx, q)
	}
	return retrieval.Answer{Question: q, Answered: true, Passages: []retrieval.Passage{ratified, signed}}, nil
}

func (f *fakeIndex) Summary(ctx context.Context, opts retrieval.SummaryOptions) (retrieval.Summary, error) {
	f.mu.Lock()
	f.summaryOpts = append(f.summaryOpts, opts)
	f.mu.Unlock()
	if f.summaryFn != nil {
		return f.summaryFn(ctx, opts)
	}
	return retrieval.Summary{Doc: "korea-utara-rusia", Title: ratified.Title, Sentences: []retrieval.Passage{signed, ratified}}, nil
}

func (f *fakeIndex) Documents() []corpus.Document {
	if f.docs == nil {
		return corpus.Default()
	}
	return f.docs
}

var errIndex = errors.New("index broke")

// newTestBot returns a bot whose handlers call a recorder, and a buffer
// with its logs.
func newTestBot(t *testing.T, ix Index, opts Options) (*Bot, *recorder, *syncBuffer) {
	t.Helper()
	rec := &recorder{}
	logs := &syncBuffer{}
	b, err := newBot(rec, ix, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), opts)
	if err != nil {
		t.Fatal(err)
	}
	return b, rec, logs
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// Interactions as Discord sends them.

func slash(id, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	return &discordgo.Interaction{
		ID: id, AppID: "100", Token: "token-" + id, Type: discordgo.InteractionApplicationCommand,
		GuildID: "g1", ChannelID: "c1",
		Member: &discordgo.Member{User: &discordgo.User{ID: "u1"}},
		Data:   discordgo.ApplicationCommandInteractionData{Name: name, CommandType: discordgo.ChatApplicationCommand, Options: opts},
	}
}

func strOpt(name, v string) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: v}
}

func boolOpt(name string, v bool) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionBoolean, Value: v}
}

func intOpt(name string, v int) *discordgo.ApplicationCommandInteractionDataOption {
	// JSON numbers decode as float64.
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionInteger, Value: float64(v)}
}

// liveBot is a Bot running against discordtest's fake Discord, made as
// main makes it (NewFromToken, with Options.APIBase pointing at the fake),
// and its logs (discordgo's own lines not included).
type liveBot struct {
	b    *Bot
	srv  *discordtest.Server
	logs *syncBuffer
	// stop ends Run's context and returns Run's error once it returns.
	stop func() error
	// done receives Run's error when it returns (see returned).
	done chan error
	// wantErr: the test expects Run to fail.
	wantErr bool
}

// runLive starts a bot on srv, registering on srv's guild, and waits until
// it has registered its commands. Cleanup stops it, as SIGTERM would,
// before the fake closes.
func runLive(t *testing.T, srv *discordtest.Server, ix Index, opts Options) *liveBot {
	t.Helper()
	opts.GuildID = srv.GuildID
	lb := startLive(t, srv, ix, opts, nil)
	wctx, cancel := context.WithTimeout(t.Context(), liveWait)
	defer cancel()
	if err := srv.WaitFor(wctx, func() bool { return len(srv.Commands(srv.GuildID)) > 0 }); err != nil {
		t.Fatalf("the bot did not register its commands: %v", err)
	}
	return lb
}

// startLive starts a bot on srv with opts as given and returns at once;
// setup, when set, adjusts the bot before it runs. Cleanup stops it.
func startLive(t *testing.T, srv *discordtest.Server, ix Index, opts Options, setup func(*Bot)) *liveBot {
	t.Helper()
	logs := &syncBuffer{}
	opts.APIBase = srv.URL
	// As main makes it, but with discordgo's process-wide log hook left
	// alone: tests run bots in parallel (TestDiscordgoLogRedacted tests it).
	b, err := newFromToken(srv.Token, ix, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), opts, false)
	if err != nil {
		t.Fatal(err)
	}
	if setup != nil {
		setup(b)
	}
	ctx, end := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	lb := &liveBot{b: b, srv: srv, logs: logs, done: done}
	var once sync.Once
	var runErr error
	lb.stop = func() error {
		once.Do(func() {
			end()
			select {
			case runErr = <-done:
			case <-time.After(liveWait):
				runErr = errors.New("Run did not return after its context ended")
			}
		})
		return runErr
	}
	t.Cleanup(func() {
		if err := lb.stop(); err != nil && !lb.wantErr {
			t.Errorf("Run: %v", err)
		}
		if t.Failed() {
			t.Logf("bot's log:\n%s", logs.String())
		}
	})
	return lb
}

// returned waits for Run to return by itself, and returns its error,
// which the test then expects: cleanup does not report it.
func (lb *liveBot) returned(t *testing.T) error {
	t.Helper()
	select {
	case err := <-lb.done:
		lb.done <- err // for stop
		lb.wantErr = true
		return err
	case <-time.After(liveWait):
		t.Fatal("Run did not return")
		return nil
	}
}

// liveWait bounds every wait on the fake: generous, for a busy machine
// under the race detector; a test that passes never waits that long.
const liveWait = 30 * time.Second

func liveCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), liveWait)
	t.Cleanup(cancel)
	return ctx
}

// askAndWait invokes /ask with options more and returns kutip's reply
// once it shows (past any deferred "thinking…" placeholder).
func (lb *liveBot) askAndWait(t *testing.T, q string, more ...discordtest.Option) discordtest.Reply {
	t.Helper()
	r, err := lb.srv.WaitReply(liveCtx(t), lb.ask(t, q, more...))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// sayAndWait posts m as a user and returns its ID and the bot's message
// replying to it; the test fails when the bot does not reply.
func sayAndWait(t *testing.T, srv *discordtest.Server, m discordtest.Message) (id string, reply discordtest.Sent) {
	t.Helper()
	id, err := srv.Message(liveCtx(t), m)
	if err != nil {
		t.Fatal(err)
	}
	reply, err = srv.WaitSent(liveCtx(t), func(s discordtest.Sent) bool { return s.ReplyTo == id })
	if err != nil {
		t.Fatalf("no reply to %q (channel %q, DM %v): %v", m.Content, m.ChannelID, m.DM, err)
	}
	return id, reply
}

// ask invokes /ask, with options more after the question, and returns
// the interaction's ID.
func (lb *liveBot) ask(t *testing.T, q string, more ...discordtest.Option) string {
	t.Helper()
	id, err := lb.srv.Interact(liveCtx(t), discordtest.Interaction{
		Name: "ask", Options: append([]discordtest.Option{{Name: "question", Value: q}}, more...),
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// serveHTTP runs lb's bot as an HTTP interactions endpoint on a free local
// port beside its gateway session, until the end of the test, and returns
// the fake Discord's client of that endpoint.
func (lb *liveBot) serveHTTP(t *testing.T) *discordtest.Endpoint {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ep := lb.srv.Endpoint("http://" + ln.Addr().String())
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- lb.b.ServeInteractions(ctx, ln, ep.PublicKey()) }()
	t.Cleanup(func() {
		stop()
		if err := <-served; err != nil {
			t.Errorf("ServeInteractions: %v", err)
		}
	})
	return ep
}
