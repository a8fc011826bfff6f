package bot

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/bwmarrin/discordgo"

	"kutip/feedback"
	"kutip/internal/discordtest"
	"kutip/retrieval"
)

// The follow-up these tests ask: after "How many troops did Russia mass in
// Kursk …?", "when did he say that?" is answered from Zelenskyy's sentence;
// asked alone it is not (retrieval's TestFollowUpPairs, pair a13). The
// gold is the part of the sentence before its bold answer span.
const (
	firstQuestion = "How many troops did Russia mass in Kursk, according to Zelenskyy?"
	followUpQ     = "when did he say that?"
	followUpGold  = "Presiden Ukraina Volodymyr Zelenskyy mengatakan"
)

// TestFollowUpReplyLive: against the fake Discord, replying to kutip's
// answer (no mention: a reply is addressed to kutip) asks a follow-up of
// that answer's question, recalled from the feedback store; the same text
// in a plain mention is asked alone.
func TestFollowUpReplyLive(t *testing.T) {
	t.Parallel()
	ix := realIndex(t)
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	lb := runLive(t, srv, ix, Options{})

	r := lb.askAndWait(t, firstQuestion)
	answer := r.Original

	mid, got := sayAndWait(t, srv, discordtest.Message{ReplyTo: answer.ID, Content: followUpQ})
	if !strings.Contains(got.Text(), followUpGold) || got.Pings() {
		t.Errorf("follow-up reply = %q (pings %v), want the sentence with %q, no ping", got.Text(), got.Pings(), followUpGold)
	}
	// Its buttons name the follow-up's own message, so a reply to the
	// follow-up's answer continues from the follow-up.
	if id, ok := AnswerID(toComponents(t, srv, got.ID)); !ok || id != mid {
		t.Errorf("follow-up answer's ID = %q, %v; want %s", id, ok, mid)
	}

	// The follow-up's record keeps what it followed, so a reply to its
	// answer continues from both.
	if rec, ok, err := lb.b.opts.Feedback.Recall(t.Context(), mid); err != nil || !ok || rec.Question != followUpQ || rec.Previous != firstQuestion {
		t.Errorf("follow-up's record = %+v, %v, %v; want question %q after %q", rec, ok, err, followUpQ, firstQuestion)
	}

	// The issue's own example: "and North Korea?" after "when did Russia
	// ratify?" is read as "when did North Korea ratify?".
	r2 := lb.askAndWait(t, "when did Russia ratify?")
	_, got2 := sayAndWait(t, srv, discordtest.Message{ReplyTo: r2.Original.ID, Content: "and North Korea?"})
	if !strings.Contains(got2.Text(), "menandatangani dekrit untuk meratifikasi") {
		t.Errorf("\"and North Korea?\" after \"when did Russia ratify?\" = %q, want Kim's decree ratifying the treaty", got2.Text())
	}

	_, plain := sayAndWait(t, srv, discordtest.Message{Content: "<@" + srv.Bot.ID + "> " + followUpQ})
	if strings.Contains(plain.Text(), followUpGold) {
		t.Errorf("asked alone, %q was answered with the follow-up's sentence %q; the test no longer shows the previous question's part", followUpQ, plain.Text())
	}
}

// toComponents returns the buttons of a message the bot sent, as rows.
func toComponents(t *testing.T, srv *discordtest.Server, messageID string) []discordgo.MessageComponent {
	t.Helper()
	var row []discordgo.MessageComponent
	for _, b := range srv.Buttons(messageID) {
		row = append(row, discordgo.Button{CustomID: b.CustomID, Label: b.Label})
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: row}}
}

// TestFollowUpThreadLive: /ask thread:true starts a thread from the
// answer, with a hint; a mention in the thread asks a follow-up of the
// answer's question.
func TestFollowUpThreadLive(t *testing.T) {
	t.Parallel()
	ix := realIndex(t)
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	lb := runLive(t, srv, ix, Options{})

	r := lb.askAndWait(t, firstQuestion, discordtest.Option{Name: "thread", Value: true})
	hint, err := srv.WaitSent(liveCtx(t), func(m discordtest.Sent) bool { return m.ChannelID == r.Original.ID })
	if err != nil {
		t.Fatalf("no message in a thread started from the answer %s: %v (threads: %v)", r.Original.ID, err, srv.Threads())
	}
	if !strings.Contains(hint.Content, "mention me") || hint.Pings() {
		t.Errorf("thread hint = %q (pings %v), want how to ask follow-ups, no ping", hint.Content, hint.Pings())
	}

	_, got := sayAndWait(t, srv, discordtest.Message{ChannelID: r.Original.ID, Content: "<@" + srv.Bot.ID + "> " + followUpQ})
	if got.ChannelID != r.Original.ID || !strings.Contains(got.Text(), followUpGold) {
		t.Errorf("follow-up in the thread = %q in channel %s, want the sentence with %q in the thread %s", got.Text(), got.ChannelID, followUpGold, r.Original.ID)
	}
}

// TestFollowUpThreadDeniedLive: without Create Public Threads the answer
// is still delivered, and the asker alone is told which permission is
// missing.
func TestFollowUpThreadDeniedLive(t *testing.T) {
	t.Parallel()
	ix := realIndex(t)
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	lb := runLive(t, srv, ix, Options{})
	srv.DenyThreads(srv.ChannelID)

	r := lb.askAndWait(t, firstQuestion, discordtest.Option{Name: "thread", Value: true})
	if !strings.Contains(r.Original.Text(), "50.000") || r.Original.Ephemeral {
		t.Errorf("answer = %q (ephemeral %v), want it delivered in public", r.Original.Text(), r.Original.Ephemeral)
	}
	note, err := srv.WaitSent(liveCtx(t), func(m discordtest.Sent) bool { return m.InteractionID == r.Original.InteractionID && m.Followup })
	if err != nil {
		t.Fatal(err)
	}
	if !note.Ephemeral || !strings.Contains(note.Content, "Create Public Threads") || note.Pings() {
		t.Errorf("notice = %q (ephemeral %v), want a private note naming Create Public Threads", note.Content, note.Ephemeral)
	}
	if th := srv.Threads(); len(th) != 0 {
		t.Errorf("threads started = %v, want none", th)
	}
}

// TestThreadName checks the thread's name from the question.
func TestThreadName(t *testing.T) {
	long := strings.Repeat("kapan ", 40)
	tests := []struct{ q, want string }{
		{"when did Russia ratify?", "when did Russia ratify?"},
		{"  when\ndid it? ", "when did it?"},
		{"", "kutip"},
		{long, capRunes(strings.TrimSpace(long), maxThreadName)},
		// A name that shows nothing (zero-width and format characters,
		// bidi controls) would be a blank line in the channel list.
		{"\u200b\u200b", "kutip"},
		{"\u202e\u2066 \ufeff\u2060\u200d", "kutip"},
		{"\u202ewhen\u202c was it\u2069?", "when was it?"},
		{"@everyone <@123> **when**?", "@everyone <@123> **when**?"}, // a thread's name pings nobody and shows no markdown
		{strings.Repeat("👨\u200d👩\u200d👧", 40), capRunes(strings.Repeat("👨\u200d👩\u200d👧", 40), maxThreadName)},
	}
	for _, tc := range tests {
		if got := threadName(tc.q); got != tc.want || len([]rune(got)) > maxThreadName {
			t.Errorf("threadName(%q) = %q, want %q", tc.q, got, tc.want)
		}
	}
}

// threadFake is a Discord that also reads channels and messages (threadAPI),
// from maps; it records which messages were fetched.
type threadFake struct {
	*recorder
	channels map[string]*discordgo.Channel
	messages map[string]*discordgo.Message // by channel/ID
	fetched  []string
	// originals are the errors InteractionResponse returns, one a call,
	// before it returns a message; tries counts its calls.
	originals []error
	tries     int
}

// wrapped is a Discord that passes calls on, like the HTTP endpoint's
// responder, and offers the client behind it.
type wrapped struct {
	Discord
	inner threadAPI
}

func (w wrapped) threadAPI() (threadAPI, bool) { return w.inner, true }

// TestOriginalResponse: fetching an answer to start a thread from tries
// again on 404 (a response sent as an HTTP body is a message only once
// Discord has read it), at most three times, and not on other errors.
func TestOriginalResponse(t *testing.T) {
	notFound := &discordgo.RESTError{Response: &http.Response{StatusCode: http.StatusNotFound}, Message: &discordgo.APIErrorMessage{Code: discordgo.ErrCodeUnknownMessage}}
	forbidden := &discordgo.RESTError{Response: &http.Response{StatusCode: http.StatusForbidden}, Message: &discordgo.APIErrorMessage{Code: discordgo.ErrCodeMissingPermissions}}
	tests := []struct {
		name      string
		originals []error
		wantErr   bool
		wantTries int
	}{
		{"at once", nil, false, 1},
		{"after two 404s", []error{notFound, notFound}, false, 3},
		{"three 404s", []error{notFound, notFound, notFound}, true, 3},
		{"403", []error{forbidden}, true, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := &threadFake{recorder: &recorder{}, originals: tc.originals}
				api, ok := threadsOf(wrapped{Discord: f.recorder, inner: f})
				if !ok {
					t.Fatal("threadsOf does not see through the wrapper")
				}
				m, err := originalResponse(t.Context(), api, &discordgo.Interaction{ID: "1"})
				if (err != nil) != tc.wantErr || f.tries != tc.wantTries || (err == nil && m == nil) {
					t.Errorf("originalResponse = %v, %v after %d tries; want error %v after %d", m, err, f.tries, tc.wantErr, tc.wantTries)
				}
			})
		})
	}
	if _, ok := threadsOf(&recorder{}); ok {
		t.Error("threadsOf found a threadAPI in a plain recorder")
	}
}

func (f *threadFake) Channel(id string, _ ...discordgo.RequestOption) (*discordgo.Channel, error) {
	if ch, ok := f.channels[id]; ok {
		return ch, nil
	}
	return nil, &discordgo.RESTError{Response: &http.Response{StatusCode: http.StatusNotFound}, Message: &discordgo.APIErrorMessage{Code: discordgo.ErrCodeUnknownChannel}}
}

func (f *threadFake) ChannelMessage(ch, id string, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	f.fetched = append(f.fetched, ch+"/"+id)
	if m, ok := f.messages[ch+"/"+id]; ok {
		return m, nil
	}
	return nil, &discordgo.RESTError{Response: &http.Response{StatusCode: http.StatusNotFound}, Message: &discordgo.APIErrorMessage{Code: discordgo.ErrCodeUnknownMessage}}
}

func (f *threadFake) MessageThreadStartComplex(string, string, *discordgo.ThreadStart, ...discordgo.RequestOption) (*discordgo.Channel, error) {
	return nil, errors.New("not used")
}

func (f *threadFake) InteractionResponse(*discordgo.Interaction, ...discordgo.RequestOption) (*discordgo.Message, error) {
	f.tries++
	if len(f.originals) == 0 {
		return &discordgo.Message{ID: "1"}, nil
	}
	err := f.originals[0]
	f.originals = f.originals[1:]
	return nil, err
}

func (f *threadFake) FollowupMessageCreate(*discordgo.Interaction, bool, *discordgo.WebhookParams, ...discordgo.RequestOption) (*discordgo.Message, error) {
	return nil, errors.New("not used")
}

// TestPreviousQuestion: which messages follow up which answer, and which
// are asked alone.
func TestPreviousQuestion(t *testing.T) {
	const (
		self     = "900000000000000001"
		user     = "900000000000000002"
		guild    = "900000000000000003"
		channel  = "900000000000000004"
		answerID = "900000000000000010" // the message that asked
		answer   = "900000000000000011" // kutip's answer to it
		unknown  = "900000000000000012" // an answer the store forgot
		other    = "900000000000000013" // someone else's message
		stranger = "900000000000000014" // a thread started from it
	)
	buttons := func(id string) []discordgo.MessageComponent {
		return answerButtons(retrieval.Answer{Answered: true, Passages: []retrieval.Passage{{Text: "x"}}}, id, english, true)
	}
	kutipAnswer := &discordgo.Message{ID: answer, ChannelID: channel, Author: &discordgo.User{ID: self}, Components: buttons(answerID)}
	forgotten := &discordgo.Message{ID: unknown, ChannelID: channel, Author: &discordgo.User{ID: self}, Components: buttons("900000000000000099")}
	theirs := &discordgo.Message{ID: other, ChannelID: channel, Author: &discordgo.User{ID: user}}
	hint := &discordgo.Message{ID: "900000000000000020", ChannelID: answer, Author: &discordgo.User{ID: self}, Content: "Ask follow-ups here"}
	api := &threadFake{
		recorder: &recorder{},
		channels: map[string]*discordgo.Channel{
			channel:  {ID: channel, Type: discordgo.ChannelTypeGuildText},
			answer:   {ID: answer, Type: discordgo.ChannelTypeGuildPublicThread, ParentID: channel},
			stranger: {ID: stranger, Type: discordgo.ChannelTypeGuildPublicThread, ParentID: channel},
		},
		messages: map[string]*discordgo.Message{
			channel + "/" + answer:   kutipAnswer,
			channel + "/" + stranger: theirs,
			channel + "/" + unknown:  forgotten,
		},
	}
	b, _, _ := newTestBot(t, &fakeIndex{docs: docs(1)}, Options{})
	if err := b.opts.Feedback.Remember(t.Context(), feedback.Answer{ID: answerID, Question: "when did Russia ratify?", Guild: guild, Channel: channel}); err != nil {
		t.Fatal(err)
	}
	const chainedID = "900000000000000030" // a follow-up that asked
	if err := b.opts.Feedback.Remember(t.Context(), feedback.Answer{ID: chainedID, Question: "and North Korea?", Previous: "when did Russia ratify?", Guild: guild, Channel: channel}); err != nil {
		t.Fatal(err)
	}
	chained := &discordgo.Message{ID: "900000000000000031", ChannelID: channel, Author: &discordgo.User{ID: self}, Components: buttons(chainedID)}
	ref := func(id string) *discordgo.MessageReference {
		return &discordgo.MessageReference{MessageID: id, ChannelID: channel, GuildID: guild}
	}
	tests := []struct {
		name string
		m    *discordgo.Message
		want string
	}{
		{"reply to kutip's answer", &discordgo.Message{ChannelID: channel, GuildID: guild, MessageReference: ref(answer), ReferencedMessage: kutipAnswer}, "when did Russia ratify?"},
		{"reply without the referenced message", &discordgo.Message{ChannelID: channel, GuildID: guild, MessageReference: ref(answer)}, "when did Russia ratify?"},
		{"reply to someone else", &discordgo.Message{ChannelID: channel, GuildID: guild, MessageReference: ref(other), ReferencedMessage: theirs}, ""},
		// Discord leaves out a deleted message, and fetching it fails.
		{"reply to a deleted message", &discordgo.Message{ChannelID: channel, GuildID: guild, MessageReference: ref("900000000000000098")}, ""},
		{"reply to kutip's message that is no answer", &discordgo.Message{ChannelID: channel, GuildID: guild, MessageReference: ref(hint.ID), ReferencedMessage: &discordgo.Message{ID: hint.ID, Author: &discordgo.User{ID: self}, Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{CustomID: "k2:up:42"}}}}}}, ""},
		{"reply to an answer the store forgot", &discordgo.Message{ChannelID: channel, GuildID: guild, MessageReference: ref(unknown), ReferencedMessage: forgotten}, ""},
		{"in a thread started from kutip's answer", &discordgo.Message{ChannelID: answer, GuildID: guild}, "when did Russia ratify?"},
		{"in a thread started from someone else's message", &discordgo.Message{ChannelID: stranger, GuildID: guild}, ""},
		{"in a plain channel", &discordgo.Message{ChannelID: channel, GuildID: guild}, ""},
		{"in an unknown channel", &discordgo.Message{ChannelID: "900000000000000077", GuildID: guild}, ""},
		{"in a DM", &discordgo.Message{ChannelID: channel}, ""},
		{"reply to a follow-up's answer", &discordgo.Message{ChannelID: channel, GuildID: guild, MessageReference: ref(chained.ID), ReferencedMessage: chained}, "and North Korea? when did Russia ratify?"},
		{"reply to kutip's hint in its thread", &discordgo.Message{ChannelID: answer, GuildID: guild, MessageReference: &discordgo.MessageReference{MessageID: "900000000000000020", ChannelID: answer}, ReferencedMessage: hint}, "when did Russia ratify?"},
		{"reply to someone in kutip's thread", &discordgo.Message{ChannelID: answer, GuildID: guild, MessageReference: &discordgo.MessageReference{MessageID: other, ChannelID: answer}, ReferencedMessage: theirs}, "when did Russia ratify?"},
		{"reply to kutip's hint outside a thread", &discordgo.Message{ChannelID: channel, GuildID: guild, MessageReference: ref("900000000000000020"), ReferencedMessage: hint}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := b.previousQuestion(t.Context(), api, b.logger, self, tc.m); got != tc.want {
				t.Errorf("previousQuestion = %q, want %q", got, tc.want)
			}
		})
	}
	// Without threadAPI (a client that cannot read messages), only a
	// reply that carries its message follows up.
	if got := b.previousQuestion(t.Context(), api.recorder, b.logger, self, tests[0].m); got != tests[0].want {
		t.Errorf("previousQuestion without threadAPI = %q, want %q", got, tests[0].want)
	}
	if got := b.previousQuestion(t.Context(), api.recorder, b.logger, self, tests[4].m); got != "" {
		t.Errorf("previousQuestion in a thread without threadAPI = %q, want none", got)
	}
}

// TestThreadNotesGolden: kutip's sentences about threads, in both
// languages, as Discord shows them (testdata/thread_notes.golden; go test
// -update rewrites it).
func TestThreadNotesGolden(t *testing.T) {
	var b strings.Builder
	for _, n := range []struct {
		name string
		m    msg
	}{
		{"hint", msgThreadHint}, {"no permission", msgThreadNoPermission}, {"failed", msgThreadFailed}, {"not here", msgThreadNotHere}, {"no access", msgThreadNoAccess},
	} {
		for l := range numLangs {
			text := l.tr(n.m)
			if text == "" || len(text) > 2000 {
				t.Errorf("%s in language %d: %d bytes, want 1 to 2000", n.name, l, len(text))
			}
			fmt.Fprintf(&b, "== %s (%s)\n%s\n", n.name, []string{"en", "id"}[l], text)
		}
	}
	checkGolden(t, "thread_notes", []byte(b.String()))
}

// TestReplyWithoutPingLive: a reply to kutip with its @ turned off arrives
// without its text (no Message Content intent), and kutip says why instead
// of asking for a question.
func TestReplyWithoutPingLive(t *testing.T) {
	t.Parallel()
	ix := realIndex(t)
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	lb := runLive(t, srv, ix, Options{})
	r := lb.askAndWait(t, firstQuestion)
	_, got := sayAndWait(t, srv, discordtest.Message{ReplyTo: r.Original.ID, NoPing: true, Content: followUpQ})
	if got.Content != english.tr(msgReplyUnread) || got.Pings() {
		t.Errorf("reply to a reply without @ = %q (pings %v), want %q", got.Content, got.Pings(), english.tr(msgReplyUnread))
	}
}

// TestThreadHintAfterLostAnswerIsNotRepeated: the hint kutip posts into a
// thread it started is retried after a lost answer, and Discord's nonce
// check (the thread's ID) keeps it to one message.
func TestThreadHintAfterLostAnswerIsNotRepeated(t *testing.T) {
	t.Parallel()
	ix := realIndex(t)
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	lb := runLive(t, srv, ix, Options{})
	srv.FailNext(discordtest.Fault{Route: discordtest.RouteCreateMessage, Status: 502, AfterApply: true})
	r := lb.askAndWait(t, firstQuestion, discordtest.Option{Name: "thread", Value: true})
	if _, err := srv.WaitSent(liveCtx(t), func(m discordtest.Sent) bool { return m.ChannelID == r.Original.ID }); err != nil {
		t.Fatalf("no hint in the thread %s: %v", r.Original.ID, err)
	}
	waitFor(t, srv, "the retry meeting its nonce", func() bool { return srv.Stats().DuplicateNonces == 1 })
	n := 0
	for _, m := range srv.Sent() {
		if m.ChannelID == r.Original.ID {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d hints in the thread, want 1", n)
	}
}
