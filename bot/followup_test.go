package bot

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"kutip/internal/discordtest"
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

	r, err := srv.WaitReply(liveCtx(t), lb.ask(t, firstQuestion))
	if err != nil {
		t.Fatal(err)
	}
	answer := r.Original

	mid, err := srv.Message(liveCtx(t), discordtest.Message{ReplyTo: answer.ID, Content: followUpQ})
	if err != nil {
		t.Fatal(err)
	}
	got, err := srv.WaitSent(liveCtx(t), func(m discordtest.Sent) bool { return m.ReplyTo == mid })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.Text(), followUpGold) || got.Pings() {
		t.Errorf("follow-up reply = %q (pings %v), want the sentence with %q, no ping", got.Text(), got.Pings(), followUpGold)
	}
	// Its buttons name the follow-up's own message, so a reply to the
	// follow-up's answer continues from the follow-up.
	if id, ok := AnswerID(toComponents(t, srv, got.ID)); !ok || id != mid {
		t.Errorf("follow-up answer's ID = %q, %v; want %s", id, ok, mid)
	}

	alone, err := srv.Message(liveCtx(t), discordtest.Message{Content: "<@" + srv.Bot.ID + "> " + followUpQ})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := srv.WaitSent(liveCtx(t), func(m discordtest.Sent) bool { return m.ReplyTo == alone })
	if err != nil {
		t.Fatal(err)
	}
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
	runLive(t, srv, ix, Options{})

	id, err := srv.Interact(liveCtx(t), discordtest.Interaction{
		Name: "ask", Options: []discordtest.Option{{Name: "question", Value: firstQuestion}, {Name: "thread", Value: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := srv.WaitReply(liveCtx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	hint, err := srv.WaitSent(liveCtx(t), func(m discordtest.Sent) bool { return m.ChannelID == r.Original.ID })
	if err != nil {
		t.Fatalf("no message in a thread started from the answer %s: %v (threads: %v)", r.Original.ID, err, srv.Threads())
	}
	if !strings.Contains(hint.Content, "mention me") || hint.Pings() {
		t.Errorf("thread hint = %q (pings %v), want how to ask follow-ups, no ping", hint.Content, hint.Pings())
	}

	mid, err := srv.Message(liveCtx(t), discordtest.Message{ChannelID: r.Original.ID, Content: "<@" + srv.Bot.ID + "> " + followUpQ})
	if err != nil {
		t.Fatal(err)
	}
	got, err := srv.WaitSent(liveCtx(t), func(m discordtest.Sent) bool { return m.ReplyTo == mid })
	if err != nil {
		t.Fatal(err)
	}
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
	runLive(t, srv, ix, Options{})
	srv.DenyThreads(srv.ChannelID)

	id, err := srv.Interact(liveCtx(t), discordtest.Interaction{
		Name: "ask", Options: []discordtest.Option{{Name: "question", Value: firstQuestion}, {Name: "thread", Value: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := srv.WaitReply(liveCtx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Original.Text(), "50.000") || r.Original.Ephemeral {
		t.Errorf("answer = %q (ephemeral %v), want it delivered in public", r.Original.Text(), r.Original.Ephemeral)
	}
	note, err := srv.WaitSent(liveCtx(t), func(m discordtest.Sent) bool { return m.InteractionID == id && m.Followup })
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
	}
	for _, tc := range tests {
		if got := threadName(tc.q); got != tc.want || len([]rune(got)) > maxThreadName {
			t.Errorf("threadName(%q) = %q, want %q", tc.q, got, tc.want)
		}
	}
}
