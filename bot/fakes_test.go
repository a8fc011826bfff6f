package bot

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"

	"kutip/corpus"
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
