package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"kutip/corpus"
	"kutip/feedback"
	"kutip/internal/discordtest"
	"kutip/retrieval"
)

var customIDTests = []struct {
	in   string
	want customID
	ok   bool
}{
	{"k1:up:1311111111111111111", customID{Action: actUp, Answer: "1311111111111111111"}, true},
	{"k1:down:1", customID{Action: actDown, Answer: "1"}, true},
	{"k1:more:18446744073709551615:3", customID{Action: actMore, Answer: "18446744073709551615", Shown: 3}, true},
	{"k1:more:42:12", customID{Action: actMore, Answer: "42", Shown: 12}, true},
	{"k1:ctx:42:3fbbc39c.8.1", customID{Action: actContext, Answer: "42", Doc: "3fbbc39c", Paragraph: 8, Sentence: 1}, true},
	{"k1:ctx:42:00000000.99999.99999", customID{Action: actContext, Answer: "42", Doc: "00000000", Paragraph: 99999, Sentence: 99999}, true},
	{"", customID{}, false},
	{"k1", customID{}, false},
	{"k2:up:42", customID{}, false},                   // another version
	{"K1:up:42", customID{}, false},                   // versions are exact
	{"k1:up:", customID{}, false},                     // no answer ID
	{"k1:up:042", customID{}, false},                  // leading zero
	{"k1:up:18446744073709551616", customID{}, false}, // over 64 bits
	{"k1:up:-1", customID{}, false},
	{"k1:up:42:extra", customID{}, false},
	{"k1:vote:42", customID{}, false},
	{"k1:more:42", customID{}, false},
	{"k1:more:42:0", customID{}, false},
	{"k1:more:42:13", customID{}, false}, // past maxShown
	{"k1:more:42:03", customID{}, false},
	{"k1:more:42:+3", customID{}, false},
	{"k1:ctx:42:3fbbc39c.8", customID{}, false},
	{"k1:ctx:42:3FBBC39C.8.1", customID{}, false}, // keys are lower-case hex
	{"k1:ctx:42:3fbbc39.8.1", customID{}, false},
	{"k1:ctx:42:3fbbc39c.0.1", customID{}, false},
	{"k1:ctx:42:3fbbc39c.8.100000", customID{}, false},
	{"k1:ctx:42:3fbbc39c.8.1:x", customID{}, false},
	{"k1:up:1" + strings.Repeat("1", 100), customID{}, false},
}

func TestCustomID(t *testing.T) {
	for _, tc := range customIDTests {
		got, err := parseCustomID(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("parseCustomID(%q) error = %v, want ok %v", tc.in, err, tc.ok)
			continue
		}
		if !tc.ok {
			continue
		}
		if got != tc.want {
			t.Errorf("parseCustomID(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
		if s := got.String(); s != tc.in {
			t.Errorf("parseCustomID(%q).String() = %q, want the input", tc.in, s)
		}
	}
	if _, err := parseCustomID("k2:up:42"); !errors.Is(err, errNotKutip) {
		t.Errorf("parseCustomID of another version = %v, want errNotKutip", err)
	}
	// The longest custom_id kutip writes fits Discord's 100 characters.
	longest := customID{Action: actContext, Answer: "18446744073709551615", Doc: docKey("x"), Paragraph: maxCitationPart, Sentence: maxCitationPart}.String()
	if len(longest) > maxCustomID {
		t.Errorf("%q is %d long, over %d", longest, len(longest), maxCustomID)
	}
}

// FuzzCustomID: parsing never panics, accepts nothing over 100 bytes, and
// what it accepts is written back exactly as it was (one spelling each).
func FuzzCustomID(f *testing.F) {
	for _, tc := range customIDTests {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCustomID(s)
		if err != nil {
			return
		}
		if len(s) > maxCustomID {
			t.Fatalf("accepted %d bytes", len(s))
		}
		if back := c.String(); back != s {
			t.Fatalf("parseCustomID(%q).String() = %q", s, back)
		}
		if !isSnowflake(c.Answer) {
			t.Fatalf("accepted answer ID %q", c.Answer)
		}
	})
}

func TestAnswerID(t *testing.T) {
	a := retrieval.Answer{Question: "q", Answered: true, Passages: []retrieval.Passage{ratified, signed, caption}}
	buttons := answerButtons(a, "1311111111111111111", english, true)
	if id, ok := AnswerID(buttons); !ok || id != "1311111111111111111" {
		t.Errorf("AnswerID(answer buttons) = %q, %v; want the answer's ID", id, ok)
	}
	// As discordgo reads a message from Discord: pointers.
	raw, err := json.Marshal(map[string]any{"id": "5", "components": buttons})
	if err != nil {
		t.Fatal(err)
	}
	var m discordgo.Message
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if id, ok := AnswerID(m.Components); !ok || id != "1311111111111111111" {
		t.Errorf("AnswerID(unmarshalled components) = %q, %v; want the answer's ID", id, ok)
	}
	other := []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "x", CustomID: "someone-else:1"},
		discordgo.Button{Label: "y", Style: discordgo.LinkButton, URL: "https://example.org"},
	}}}
	for name, cs := range map[string][]discordgo.MessageComponent{"none": nil, "another bot's": other} {
		if id, ok := AnswerID(cs); ok {
			t.Errorf("AnswerID(%s) = %q, want none", name, id)
		}
	}
}

func TestAnswerButtons(t *testing.T) {
	answered := retrieval.Answer{Answered: true, Passages: []retrieval.Passage{ratified, signed, caption}}
	tests := []struct {
		name   string
		a      retrieval.Answer
		id     string
		paging bool
		want   []string // actions, in order
	}{
		{"answer", answered, "42", true, []string{actUp, actDown, actContext, actMore}},
		{"index cannot page", answered, "42", false, []string{actUp, actDown, actContext}},
		{"fewer passages than a page", retrieval.Answer{Answered: true, Passages: []retrieval.Passage{ratified}}, "42", true, []string{actUp, actDown, actContext}},
		{"maybe related", retrieval.Answer{Passages: []retrieval.Passage{signed}}, "42", true, []string{actUp, actDown, actContext}},
		{"abstained", retrieval.Answer{}, "42", true, []string{actUp, actDown}},
		{"no ID", answered, "", true, nil},
	}
	for _, tc := range tests {
		cs := answerButtons(tc.a, tc.id, english, tc.paging)
		var got []string
		for _, c := range cs {
			for _, b := range c.(discordgo.ActionsRow).Components {
				id, err := parseCustomID(b.(discordgo.Button).CustomID)
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				got = append(got, id.Action)
			}
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s: buttons %q, want %q", tc.name, got, tc.want)
		}
		if errs := checkComponents(cs); len(errs) > 0 {
			t.Errorf("%s: %v", tc.name, errs)
		}
	}
}

func TestCheckComponentsCatches(t *testing.T) {
	six := make([]discordgo.MessageComponent, 6)
	for i := range six {
		six[i] = discordgo.Button{Label: "b", CustomID: "k1:up:" + string(rune('1'+i))}
	}
	tests := map[string][]discordgo.MessageComponent{
		"six buttons":    {discordgo.ActionsRow{Components: six}},
		"long custom_id": {discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{Label: "b", CustomID: strings.Repeat("x", 101)}}}},
		"no label":       {discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{CustomID: "x"}}}},
		"empty row":      {discordgo.ActionsRow{}},
		"not a row":      {discordgo.Button{Label: "b", CustomID: "x"}},
	}
	for name, cs := range tests {
		if len(checkComponents(cs)) == 0 {
			t.Errorf("checkComponents(%s) found nothing", name)
		}
	}
}

// pagingIndex is a fake index that pages: AskTopIn returns the first top
// of its passages.
type pagingIndex struct {
	fakeIndex
	passages []retrieval.Passage
	previous []string // the previous question of each AskTopFollowUpIn
}

func (p *pagingIndex) AskTopFollowUpIn(_ context.Context, _ retrieval.Scope, previous, q string, top int) (retrieval.Answer, error) {
	p.mu.Lock()
	p.previous = append(p.previous, previous)
	p.mu.Unlock()
	return retrieval.Answer{Question: q, Answered: true, Passages: p.passages[:min(top, len(p.passages))]}, nil
}

func passageN(n int) retrieval.Passage {
	p := ratified
	p.Paragraph, p.Answer = n, ""
	p.Text = "Kalimat nomor " + string(rune('A'+n)) + "."
	return p
}

// TestMoreSkipsShown: More shows the passages after those shown, leaving
// out any the store recorded as shown even when the ranking moved them
// (a hot reload in between), and offers a further page while there may be
// one.
func TestMoreSkipsShown(t *testing.T) {
	var ps []retrieval.Passage
	for n := 1; n <= 14; n++ {
		ps = append(ps, passageN(n))
	}
	ix := &pagingIndex{passages: ps}
	store, _ := feedback.Open("", feedback.Options{})
	b, rec, _ := newTestBot(t, ix, Options{Feedback: store})
	shown := []feedback.Passage{{Doc: ratified.Doc, Paragraph: 1, Sentence: 1}, {Doc: ratified.Doc, Paragraph: 2, Sentence: 1}, {Doc: ratified.Doc, Paragraph: 5, Sentence: 1}}
	// A follow-up's answer: More pages it with the subject of the question
	// it followed.
	if err := store.Remember(t.Context(), feedback.Answer{ID: "42", Question: "when?", Previous: "did Russia ratify the treaty?", Answered: true, Passages: shown}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		custom  string
		want    []int // paragraphs shown
		further string
	}{
		{"k1:more:42:3", []int{4, 6}, "k1:more:42:6"}, // ¶5 was shown: left out
		{"k1:more:42:6", []int{7, 8, 9}, "k1:more:42:9"},
		{"k1:more:42:9", []int{10, 11, 12}, ""}, // maxShown reached
		{"k1:more:42:12", nil, ""},
	}
	for i, tc := range tests {
		id := "click-" + strconv.Itoa(i)
		b.onInteraction(t.Context(), rec, click(id, tc.custom, ""))
		c := callsFor(rec, id)
		if len(c) != 1 {
			t.Fatalf("%s: %d calls, want 1", tc.custom, len(c))
		}
		d := c[0].resp.Data
		checkData(t, d)
		if d.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Errorf("%s: More is not ephemeral", tc.custom)
		}
		var got []int
		if len(d.Embeds) > 0 {
			for _, f := range d.Embeds[0].Fields {
				for n := 1; n <= 14; n++ {
					if strings.Contains(f.Value, "¶"+strconv.Itoa(n)+",") {
						got = append(got, n)
					}
				}
			}
		} else if d.Content != english.tr(msgMoreNone) {
			t.Errorf("%s: reply %q, want %q", tc.custom, d.Content, english.tr(msgMoreNone))
		}
		if itoas(got) != itoas(tc.want) {
			t.Errorf("%s: paragraphs %v, want %v", tc.custom, got, tc.want)
		}
		next := ""
		for _, row := range d.Components {
			for _, bt := range row.(discordgo.ActionsRow).Components {
				next = bt.(discordgo.Button).CustomID
			}
		}
		if next != tc.further {
			t.Errorf("%s: further button %q, want %q", tc.custom, next, tc.further)
		}
	}
	for _, p := range ix.previous {
		if p != "did Russia ratify the treaty?" {
			t.Errorf("More paged with previous question %q, want the one the follow-up followed", p)
		}
	}
	if len(ix.previous) != len(tests) {
		t.Errorf("More asked the index %d times, want %d", len(ix.previous), len(tests))
	}
}

func itoas(ns []int) string { return fmt.Sprint(ns) }

// click is a MESSAGE_COMPONENT interaction as Discord sends it.
func click(id, customID string, locale discordgo.Locale) *discordgo.Interaction {
	return &discordgo.Interaction{
		ID: id, AppID: "100", Token: "token-" + id, Type: discordgo.InteractionMessageComponent,
		GuildID: "g1", ChannelID: "c1", Locale: locale,
		Member:  &discordgo.Member{User: &discordgo.User{ID: "u1"}},
		Data:    discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent},
		Message: &discordgo.Message{ID: "m1", ChannelID: "c1"},
	}
}

// TestComponentFailures: a button kutip cannot read, or whose vote the
// store cannot take, gets an ephemeral answer in the clicker's language,
// never silence.
func TestComponentFailures(t *testing.T) {
	tests := []struct {
		name, custom string
		locale       discordgo.Locale
		store        Feedback
		want         string
	}{
		{"another version", "k2:up:42", "", nil, english.tr(msgOldButton)},
		{"not kutip's", "poll:yes", localeID, nil, indonesian.tr(msgOldButton)},
		{"vote store fails", "k1:up:42", localeID, brokenStore{}, indonesian.tr(msgVoteFailed)},
		{"context of a document gone", "k1:ctx:42:00000000.1.1", "", nil, english.tr(msgContextGone)},
		{"more without the store's record", "k1:more:42:3", localeID, nil, indonesian.tr(msgMoreGone)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, rec, _ := newTestBot(t, &pagingIndex{passages: []retrieval.Passage{ratified}}, Options{Feedback: tc.store})
			b.onInteraction(t.Context(), rec, click("click", tc.custom, tc.locale))
			c := one(t, rec)
			checkData(t, c.resp.Data)
			if c.resp.Data.Content != tc.want || c.resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
				t.Errorf("reply %q (flags %d), want ephemeral %q", c.resp.Data.Content, c.resp.Data.Flags, tc.want)
			}
		})
	}
}

// brokenStore is a feedback store whose every write fails.
type brokenStore struct{ Feedback }

var errStore = errors.New("disk full")

func (brokenStore) Vote(context.Context, string, string, feedback.Vote) (feedback.Tally, error) {
	return feedback.Tally{}, errStore
}

// realIndex builds kutip's index of its built-in article.
func realIndex(t *testing.T) *retrieval.Index {
	t.Helper()
	ix, err := retrieval.Build(t.Context(), corpus.Default(), retrieval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// buttonOf returns the custom_id of the message's button for action.
func buttonOf(t *testing.T, srv *discordtest.Server, messageID, action string) string {
	t.Helper()
	for _, b := range srv.Buttons(messageID) {
		if c, err := parseCustomID(b.CustomID); err == nil && c.Action == action {
			return b.CustomID
		}
	}
	t.Fatalf("message %s has no %s button: %+v", messageID, action, srv.Buttons(messageID))
	return ""
}

// clickAndWait clicks a button as user and returns the reply.
func clickAndWait(t *testing.T, srv *discordtest.Server, messageID, customID string, user discordtest.User, locale string) discordtest.Reply {
	t.Helper()
	id, err := srv.Click(liveCtx(t), discordtest.Click{MessageID: messageID, CustomID: customID, User: user, Locale: locale})
	if err != nil {
		t.Fatal(err)
	}
	r, err := srv.WaitReply(liveCtx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	if r.Original.Pings() {
		t.Errorf("the reply to %s pings: %+v", customID, r.Original)
	}
	return r
}

// TestButtonsLive: against the fake Discord, an answer leads with its
// answer span and carries the four buttons; each click gets its ephemeral
// result; votes are one per user and changeable; and after a restart (a
// new Bot on the same feedback file) the old answer's buttons still work.
func TestButtonsLive(t *testing.T) {
	t.Parallel()
	ix := realIndex(t)
	path := filepath.Join(t.TempDir(), "feedback.db")
	store, warn := feedback.Open(path, feedback.Options{})
	if warn != nil {
		t.Fatal(warn)
	}
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	lb := runLive(t, srv, ix, Options{Feedback: store})

	askID := lb.ask(t, "when did Russia ratify?")
	r, err := srv.WaitReply(liveCtx(t), askID)
	if err != nil {
		t.Fatal(err)
	}
	answer := r.Original
	if answer.Content != "**6 November**" || answer.Ephemeral || answer.Pings() {
		t.Fatalf("answer content %q (ephemeral %v, pings %v), want a public **6 November** first", answer.Content, answer.Ephemeral, answer.Pings())
	}
	if got := len(srv.Buttons(answer.ID)); got != 4 {
		t.Fatalf("answer has %d buttons, want 4: %+v", got, srv.Buttons(answer.ID))
	}

	alice, bob := discordtest.User{ID: "1000000000000000001", Username: "alice"}, discordtest.User{ID: "1000000000000000002", Username: "bob"}
	ctxReply := clickAndWait(t, srv, answer.ID, buttonOf(t, srv, answer.ID, actContext), alice, "")
	if o := ctxReply.Original; !o.Ephemeral || !strings.Contains(o.Text(), "▶ **Parlemen Rusia meratifikasi perjanjian tersebut pada 6 November") {
		t.Errorf("Show context = %q (ephemeral %v), want the cited sentence marked, ephemeral", o.Text(), o.Ephemeral)
	}
	more := clickAndWait(t, srv, answer.ID, buttonOf(t, srv, answer.ID, actMore), alice, "")
	if o := more.Original; !o.Ephemeral || len(o.Embeds) != 1 || len(o.Embeds[0].Fields) == 0 {
		t.Fatalf("More = %+v, want an ephemeral embed of passages", o)
	} else {
		for _, f := range o.Embeds[0].Fields {
			for _, cited := range []string{"¶8, sentence 1", "¶3, sentence 1", "¶2, sentence 1"} {
				if strings.Contains(f.Value, cited) {
					t.Errorf("More repeats the shown passage %s", cited)
				}
			}
		}
	}
	// The ephemeral More page has its own More button, which only its
	// viewer can click.
	if next := buttonOf(t, srv, more.Original.ID, actMore); next != "" {
		if _, err := srv.Click(liveCtx(t), discordtest.Click{MessageID: more.Original.ID, CustomID: next, User: bob}); err == nil {
			t.Error("bob clicked alice's ephemeral page")
		}
		page2 := clickAndWait(t, srv, more.Original.ID, next, alice, "")
		if !page2.Original.Ephemeral {
			t.Error("the second page is not ephemeral")
		}
	}

	up, down := buttonOf(t, srv, answer.ID, actUp), buttonOf(t, srv, answer.ID, actDown)
	for _, v := range []struct {
		user   discordtest.User
		button string
		want   string
	}{{alice, up, english.tr(msgVotedUp)}, {bob, up, english.tr(msgVotedUp)}, {alice, down, english.tr(msgVotedDown)}} {
		got := clickAndWait(t, srv, answer.ID, v.button, v.user, "")
		if got.Original.Content != v.want || !got.Original.Ephemeral {
			t.Errorf("%s's vote acknowledged %q, want ephemeral %q", v.user.Username, got.Original.Content, v.want)
		}
	}
	if tally, err := store.Tally(t.Context(), askID); err != nil || tally != (feedback.Tally{Up: 1, Down: 1}) {
		t.Errorf("tally = %+v, %v; want alice's changed vote and bob's: 1 up, 1 down", tally, err)
	}

	// A restart: the first bot stops, a new one opens the same file.
	if err := lb.stop(); err != nil {
		t.Fatal(err)
	}
	store2, warn := feedback.Open(path, feedback.Options{})
	if warn != nil {
		t.Fatal(warn)
	}
	lb2 := runLive(t, srv, ix, Options{Feedback: store2})
	if err := srv.WaitFor(liveCtx(t), lb2.b.Connected); err != nil {
		t.Fatal(err)
	}
	again := clickAndWait(t, srv, answer.ID, buttonOf(t, srv, answer.ID, actMore), bob, "id")
	if o := again.Original; len(o.Embeds) != 1 || !strings.HasPrefix(o.Embeds[0].Title, "Lainnya untuk: when did Russia ratify?") {
		t.Errorf("More after a restart = %q, want the recalled question's next passages, in Indonesian", o.Text())
	}
	clickAndWait(t, srv, answer.ID, up, alice, "")
	if tally, err := store2.Tally(t.Context(), askID); err != nil || tally != (feedback.Tally{Up: 2}) {
		t.Errorf("tally after a restart = %+v, %v; want alice's vote changed back: 2 up", tally, err)
	}
}

// TestLocaleLive: an interaction in Discord's "id" locale gets kutip's
// sentences and buttons in Indonesian (the quote stays as written); a
// mention has no locale and follows the question's language.
func TestLocaleLive(t *testing.T) {
	t.Parallel()
	ix := realIndex(t)
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	runLive(t, srv, ix, Options{})
	// Discord (the fake checks as it does) took the Indonesian names.
	for _, c := range srv.Commands(srv.GuildID) {
		if want := commandsID[c.Name].name; want != "" && c.NameLocalizations["id"] != want || c.NameLocalizations["id"] == "" {
			t.Errorf("%s registered with Indonesian name %q, want %q", c.Name, c.NameLocalizations["id"], want)
		}
	}

	id, err := srv.Interact(liveCtx(t), discordtest.Interaction{
		Name: "ask", Locale: "id", Options: []discordtest.Option{{Name: "question", Value: "siapa yang memenangkan piala dunia sepak bola?"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := srv.WaitReply(liveCtx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.Original.Content, "**Artikel tidak menyebutkannya.**") || !r.Original.Ephemeral {
		t.Errorf("abstention in locale id = %q (ephemeral %v), want Indonesian, ephemeral", r.Original.Content, r.Original.Ephemeral)
	}
	for _, b := range srv.Buttons(r.Original.ID) {
		if b.Label != indonesian.tr(msgVoteUp) && b.Label != indonesian.tr(msgVoteDown) && b.Label != indonesian.tr(msgShowContext) {
			t.Errorf("button %q is not in Indonesian", b.Label)
		}
	}
	tests := []struct {
		question, wantLabel string
	}{
		{"kapan parlemen Rusia meratifikasi perjanjian itu?", indonesian.tr(msgShowContext)},
		{"when did the Russian parliament ratify the treaty?", english.tr(msgShowContext)},
	}
	for _, tc := range tests {
		mid, m := sayAndWait(t, srv, discordtest.Message{Content: "<@" + srv.Bot.ID + "> " + tc.question})
		if m.Pings() {
			t.Errorf("reply to %q pings", tc.question)
		}
		found := false
		for _, b := range srv.Buttons(m.ID) {
			if b.Label == tc.wantLabel {
				found = true
			}
			if c, err := parseCustomID(b.CustomID); err != nil || c.Answer != mid {
				t.Errorf("button %q does not name the message %s: %v", b.CustomID, mid, err)
			}
		}
		if !found {
			t.Errorf("reply to %q has no %q button: %+v", tc.question, tc.wantLabel, srv.Buttons(m.ID))
		}
		// A mention's answer is a channel message: anyone may click it.
		r := clickAndWait(t, srv, m.ID, buttonOf(t, srv, m.ID, actContext), discordtest.User{ID: "1000000000000000003", Username: "carol"}, "")
		if !r.Original.Ephemeral || !strings.Contains(r.Original.Text(), "▶ **") {
			t.Errorf("Show context under a mention's answer = %q, want the marked sentence, ephemeral", r.Original.Text())
		}
	}
}

// TestButtonsAfterDeferral: an answer that took longer than the ack budget
// is an edit of the deferred response, and the edit carries the buttons.
func TestButtonsAfterDeferral(t *testing.T) {
	t.Parallel()
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	lb := runLive(t, srv, realIndex(t), Options{AckBudget: time.Nanosecond})
	id := lb.ask(t, "when did Russia ratify?")
	r, err := srv.WaitReply(liveCtx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	if r.CallbackType != 5 || r.Original.Content != "**6 November**" {
		t.Fatalf("callback %d, content %q; want a deferral edited to the answer", r.CallbackType, r.Original.Content)
	}
	if got := len(srv.Buttons(r.Original.ID)); got != 4 {
		t.Errorf("the edited answer has %d buttons, want 4", got)
	}
	up := clickAndWait(t, srv, r.Original.ID, buttonOf(t, srv, r.Original.ID, actUp), discordtest.User{}, "")
	if up.Original.Content != english.tr(msgVotedUp) {
		t.Errorf("vote acknowledged %q", up.Original.Content)
	}
}

// BenchmarkAnswerQuestion is one answer as the bot makes it, buttons and
// feedback record included, with the store in memory and in a bbolt file
// (whose writes are fsynced before the answer is sent): what recording
// costs an answer.
func BenchmarkAnswerQuestion(b *testing.B) {
	ix, err := retrieval.Build(b.Context(), corpus.Default(), retrieval.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	file, warn := feedback.Open(filepath.Join(b.TempDir(), "feedback.db"), feedback.Options{})
	if warn != nil {
		b.Fatal(warn)
	}
	memory, _ := feedback.Open("", feedback.Options{})
	for _, bc := range []struct {
		name  string
		store Feedback
	}{{"memory", memory}, {"file", file}} {
		b.Run(bc.name, func(b *testing.B) {
			bot, err := newBot(&recorder{}, ix, nil, Options{Feedback: bc.store})
			if err != nil {
				b.Fatal(err)
			}
			log := bot.logger
			b.ReportAllocs()
			n := uint64(1 << 60)
			for b.Loop() {
				n++
				o := origin{id: strconv.FormatUint(n, 10), guild: "1", channel: "2", locale: "en-US"}
				if _, err := bot.answerQuestion(b.Context(), log, "when did Russia ratify?", o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestMoreAfterFollowUpLive: More under a follow-up's answer ("and North
// Korea?" replying to "when did Russia ratify?") pages the follow-up as it
// was answered, with its subject, not the three words alone.
func TestMoreAfterFollowUpLive(t *testing.T) {
	t.Parallel()
	ix := realIndex(t)
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	lb := runLive(t, srv, ix, Options{})
	first := "when did Russia ratify?"
	r := lb.askAndWait(t, first)
	_, answer := sayAndWait(t, srv, discordtest.Message{ReplyTo: r.Original.ID, Content: "and North Korea?"})
	page := clickAndWait(t, srv, answer.ID, buttonOf(t, srv, answer.ID, actMore), discordtest.User{}, "")
	if len(page.Original.Embeds) != 1 || len(page.Original.Embeds[0].Fields) == 0 {
		t.Fatalf("More = %q, want passages", page.Original.Text())
	}
	want, err := ix.AskTopFollowUpIn(t.Context(), retrieval.Scope{}, first, "and North Korea?", 2*retrieval.DefaultTop)
	if err != nil {
		t.Fatal(err)
	}
	alone, err := ix.AskTopIn(t.Context(), retrieval.Scope{}, "and North Korea?", 2*retrieval.DefaultTop)
	if err != nil {
		t.Fatal(err)
	}
	// The page is the follow-up's passages after the first page, as
	// paragraphs and sentences; asked alone they differ.
	cites := func(ps []retrieval.Passage) string {
		var s []string
		for _, p := range ps[min(retrieval.DefaultTop, len(ps)):] {
			s = append(s, english.cite(p.Paragraph, p.Sentence))
		}
		return strings.Join(s, "; ")
	}
	var shown []string
	for _, f := range page.Original.Embeds[0].Fields {
		i := strings.LastIndex(f.Value, "¶")
		shown = append(shown, f.Value[i:])
	}
	if got, want := strings.Join(shown, "; "), cites(want.Passages); got != want {
		t.Errorf("More under the follow-up shows %s, want %s", got, want)
	}
	if cites(want.Passages) == cites(alone.Passages) {
		t.Fatalf("asked alone, \"and North Korea?\" pages the same passages (%s): the test cannot tell", cites(alone.Passages))
	}
}
