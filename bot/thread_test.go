package bot

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// threadStartFake is a threadFake whose thread starts fail with err, and
// which keeps the follow-up notes it is sent.
type threadStartFake struct {
	*threadFake
	err   error
	mu    sync.Mutex
	notes []*discordgo.WebhookParams
}

func (f *threadStartFake) MessageThreadStartComplex(string, string, *discordgo.ThreadStart, ...discordgo.RequestOption) (*discordgo.Channel, error) {
	return nil, f.err
}

func (f *threadStartFake) FollowupMessageCreate(_ *discordgo.Interaction, _ bool, p *discordgo.WebhookParams, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.notes = append(f.notes, p)
	return &discordgo.Message{}, nil
}

// TestThreadRefusals: when Discord refuses the thread, the answer stands
// and the asker alone is told what to do, in words that fit the refusal:
// a missing Create Public Threads permission, a channel kutip cannot see
// (an interaction is answered even there, but then kutip neither starts
// threads nor reads replies in it: View Channel is what to grant), or any
// other failure.
func TestThreadRefusals(t *testing.T) {
	refusal := func(status, code int) error {
		return &discordgo.RESTError{Response: &http.Response{StatusCode: status}, Message: &discordgo.APIErrorMessage{Code: code}}
	}
	tests := []struct {
		name string
		err  error
		want msg
	}{
		{"no Create Public Threads", refusal(http.StatusForbidden, discordgo.ErrCodeMissingPermissions), msgThreadNoPermission},
		{"channel kutip cannot see", refusal(http.StatusForbidden, discordgo.ErrCodeMissingAccess), msgThreadNoAccess},
		{"archived or gone", refusal(http.StatusNotFound, discordgo.ErrCodeUnknownMessage), msgThreadFailed},
		{"Discord down", refusal(http.StatusBadGateway, 0), msgThreadFailed},
	}
	for _, tc := range tests {
		for _, locale := range []discordgo.Locale{discordgo.EnglishUS, localeID} {
			t.Run(tc.name+"/"+string(locale), func(t *testing.T) {
				f := &threadStartFake{threadFake: &threadFake{recorder: &recorder{}}, err: tc.err}
				b, _, _ := newTestBot(t, &fakeIndex{}, Options{})
				i := slash("i1", cmdAsk, strOpt("question", "when did Russia ratify?"), boolOpt(optThread, true))
				i.Locale = locale
				b.onInteraction(t.Context(), f, i)
				if calls := f.all(); len(calls) != 1 || calls[0].resp == nil || calls[0].resp.Data == nil || !strings.Contains(embedText(calls[0].resp.Data.Embeds), "6 November") {
					t.Fatalf("calls %+v, want the answer first", calls)
				}
				if len(f.notes) != 1 {
					t.Fatalf("%d notes, want 1", len(f.notes))
				}
				n := f.notes[0]
				if want := localeLang(locale).tr(tc.want); n.Content != want || n.Flags&discordgo.MessageFlagsEphemeral == 0 {
					t.Errorf("note %q (flags %d), want the ephemeral %q", n.Content, n.Flags, want)
				}
				if am := n.AllowedMentions; am == nil || am.Parse == nil || len(am.Parse) != 0 || am.RepliedUser {
					t.Errorf("note allowed_mentions = %+v, want nobody", am)
				}
			})
		}
	}
}

// FuzzThreadName: any question names a thread Discord accepts (1 to 100
// characters once trimmed, valid UTF-8, one line) that shows something
// and holds no bidirectional control to reorder the channel list.
func FuzzThreadName(f *testing.F) {
	for _, s := range []string{"when did Russia ratify?", "", "\u200b\u200b", "\u202e\u2066 \ufeff", "a\nb\r\nc", "\xff\xfe", strings.Repeat("👨\u200d👩\u200d👧", 40), strings.Repeat(" x", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		got := threadName(q)
		n := utf8.RuneCountInString(strings.TrimSpace(got))
		if n < 1 || n > maxThreadName || !utf8.ValidString(got) || strings.ContainsAny(got, "\r\n") {
			t.Fatalf("threadName(%q) = %q: %d characters trimmed, want 1 to %d on one line", q, got, n, maxThreadName)
		}
		if !strings.ContainsFunc(got, visible) || strings.ContainsFunc(got, isBidiControl) {
			t.Fatalf("threadName(%q) = %q shows nothing or holds a bidi control", q, got)
		}
	})
}
