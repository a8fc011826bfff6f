package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"kutip/retrieval"
)

// one returns the only call made, failing unless exactly one was made.
func one(t *testing.T, rec *recorder) call {
	t.Helper()
	calls := rec.all()
	if len(calls) != 1 {
		t.Fatalf("got %d calls, want exactly 1: %+v", len(calls), calls)
	}
	return calls[0]
}

// checkData checks what every message must have: no pings allowed and
// Discord's limits kept.
func checkData(t *testing.T, d *discordgo.InteractionResponseData) {
	t.Helper()
	if d == nil {
		t.Fatal("response has no data")
	}
	if d.AllowedMentions == nil || d.AllowedMentions.Parse == nil || len(d.AllowedMentions.Parse) != 0 {
		t.Errorf("allowed_mentions = %+v, want an empty parse list", d.AllowedMentions)
	}
	r := reply{Content: d.Content, Embeds: d.Embeds}
	if d.Content != "" || len(d.Embeds) > 0 {
		if err := r.check(); err != nil {
			t.Error(err)
		}
	}
}

func TestAsk(t *testing.T) {
	abstain := func(_ context.Context, q string) (retrieval.Answer, error) {
		return retrieval.Answer{Question: q}, nil
	}
	tests := []struct {
		name      string
		opts      []*discordgo.ApplicationCommandInteractionDataOption
		askFn     func(context.Context, string) (retrieval.Answer, error)
		wantAsked string // "" = the index is not asked
		wantText  string // in the content or the embed's title
		ephemeral bool
	}{
		{"answered", []*discordgo.ApplicationCommandInteractionDataOption{strOpt("question", "when did Russia ratify?")}, nil,
			"when did Russia ratify?", "when did Russia ratify?", false},
		{"private", []*discordgo.ApplicationCommandInteractionDataOption{strOpt("question", "when?"), boolOpt("private", true)}, nil,
			"when?", "when?", true},
		{"abstained", []*discordgo.ApplicationCommandInteractionDataOption{strOpt("question", "who won the cup?")}, abstain,
			"who won the cup?", "Not in the article", true},
		{"white space collapsed", []*discordgo.ApplicationCommandInteractionDataOption{strOpt("question", "  when\n\tdid  it? ")}, nil,
			"when did it?", "when did it?", false},
		{"capped at 300 runes", []*discordgo.ApplicationCommandInteractionDataOption{strOpt("question", strings.Repeat("é", 400))}, nil,
			strings.Repeat("é", 300), "éé", false},
		{"empty", []*discordgo.ApplicationCommandInteractionDataOption{strOpt("question", "   ")}, nil,
			"", "Ask me a question", true},
		{"missing option", nil, nil, "", "Ask me a question", true},
		{"wrong option type", []*discordgo.ApplicationCommandInteractionDataOption{{Name: "question", Type: discordgo.ApplicationCommandOptionString, Value: 42.0}}, nil,
			"", "Ask me a question", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix := &fakeIndex{askFn: tc.askFn}
			b, rec, _ := newTestBot(t, ix, Options{})
			b.onInteraction(t.Context(), rec, slash("i1", "ask", tc.opts...))
			c := one(t, rec)
			if c.method != "respond" || c.resp.Type != discordgo.InteractionResponseChannelMessageWithSource {
				t.Fatalf("got %s type %d, want respond type 4", c.method, c.resp.Type)
			}
			checkData(t, c.resp.Data)
			text := c.resp.Data.Content
			if len(c.resp.Data.Embeds) > 0 {
				text += c.resp.Data.Embeds[0].Title
			}
			if !strings.Contains(text, tc.wantText) {
				t.Errorf("reply %q does not contain %q", text, tc.wantText)
			}
			if got := c.resp.Data.Flags&discordgo.MessageFlagsEphemeral != 0; got != tc.ephemeral {
				t.Errorf("ephemeral = %v, want %v", got, tc.ephemeral)
			}
			var want []string
			if tc.wantAsked != "" {
				want = []string{tc.wantAsked}
			}
			if fmt.Sprint(ix.asked) != fmt.Sprint(want) {
				t.Errorf("index asked %q, want %q", ix.asked, want)
			}
		})
	}
}

func TestAskFailures(t *testing.T) {
	tests := []struct {
		name    string
		askFn   func(context.Context, string) (retrieval.Answer, error)
		wantLog string
	}{
		{"index error", func(context.Context, string) (retrieval.Answer, error) { return retrieval.Answer{}, errIndex }, "index broke"},
		{"panic", func(context.Context, string) (retrieval.Answer, error) { panic("boom") }, "panic: boom"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, rec, logs := newTestBot(t, &fakeIndex{askFn: tc.askFn}, Options{})
			b.onInteraction(t.Context(), rec, slash("i42", "ask", strOpt("question", "when?")))
			c := one(t, rec)
			checkData(t, c.resp.Data)
			if c.resp.Data.Content != failed.Content || c.resp.Data.Flags != discordgo.MessageFlagsEphemeral {
				t.Errorf("reply = %q (flags %d), want the ephemeral generic failure", c.resp.Data.Content, c.resp.Data.Flags)
			}
			if strings.Contains(c.resp.Data.Content, tc.wantLog) {
				t.Errorf("the user sees the detail %q", tc.wantLog)
			}
			if l := logs.String(); !strings.Contains(l, "interaction=i42") || !strings.Contains(l, tc.wantLog) {
				t.Errorf("log does not name the interaction and the detail %q:\n%s", tc.wantLog, l)
			}
			if got := testutil.ToFloat64(b.metrics.outcomes.WithLabelValues("failed")); tc.name == "index error" && got != 1 {
				t.Errorf("failed answers = %v, want 1", got)
			}
		})
	}
}

func TestHandlerPanicStillResponds(t *testing.T) {
	b, rec, logs := newTestBot(t, &fakeIndex{}, Options{})
	b.handlers["boom"] = func(context.Context, *interaction, discordgo.ApplicationCommandInteractionData) {
		panic("handler bug")
	}
	b.onInteraction(t.Context(), rec, slash("i7", "boom"))
	c := one(t, rec)
	if c.resp.Data.Content != failed.Content {
		t.Errorf("reply = %q, want the generic failure", c.resp.Data.Content)
	}
	if l := logs.String(); !strings.Contains(l, "handler bug") || !strings.Contains(l, "interaction=i7") {
		t.Errorf("log lacks the panic or the interaction ID:\n%s", l)
	}
}

func TestUnknownCommand(t *testing.T) {
	b, rec, _ := newTestBot(t, &fakeIndex{}, Options{})
	b.onInteraction(t.Context(), rec, slash("i1", "gone"))
	if c := one(t, rec); c.resp.Data.Content != unknownCmd.Content {
		t.Errorf("reply = %q, want %q", c.resp.Data.Content, unknownCmd.Content)
	}
}

func TestRespondErrorIsLoggedOnce(t *testing.T) {
	b, rec, logs := newTestBot(t, &fakeIndex{}, Options{})
	rec.err = fmt.Errorf("HTTP 404 Not Found, Unknown interaction")
	b.onInteraction(t.Context(), rec, slash("i9", "ask", strOpt("question", "when?")))
	one(t, rec) // no retry, no second response
	if n := strings.Count(logs.String(), "send response"); n != 1 {
		t.Errorf("logged %d send errors, want 1:\n%s", n, logs.String())
	}
	if got := testutil.ToFloat64(b.metrics.errors); got != 1 {
		t.Errorf("reply errors = %v, want 1", got)
	}
}

func TestSlowAnswerDefersThenEdits(t *testing.T) {
	tests := []struct {
		name      string
		private   bool
		answered  bool
		wantFlags discordgo.MessageFlags
	}{
		{"public", false, true, 0},
		{"private", true, true, discordgo.MessageFlagsEphemeral},
		{"public abstention", false, false, 0}, // a public deferral cannot turn ephemeral
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ix := &fakeIndex{askFn: func(ctx context.Context, q string) (retrieval.Answer, error) {
					time.Sleep(2 * time.Second) // slower than the 1.5 s budget
					return retrieval.Answer{Question: q, Answered: tc.answered, Passages: []retrieval.Passage{ratified}}, nil
				}}
				b, rec, _ := newTestBot(t, ix, Options{})
				start := time.Now()
				b.onInteraction(t.Context(), rec, slash("i1", "ask", strOpt("question", "when?"), boolOpt("private", tc.private)))
				calls := rec.all()
				if len(calls) != 2 {
					t.Fatalf("got %d calls, want a deferral and an edit: %+v", len(calls), calls)
				}
				d := calls[0]
				if d.method != "respond" || d.resp.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
					t.Fatalf("first call %s type %d, want respond type 5", d.method, d.resp.Type)
				}
				if d.resp.Data.Flags != tc.wantFlags {
					t.Errorf("deferral flags = %d, want %d", d.resp.Data.Flags, tc.wantFlags)
				}
				e := calls[1]
				if e.method != "edit" || e.edit.Content == nil || e.edit.Embeds == nil {
					t.Fatalf("second call = %+v, want an edit with content and embeds", e)
				}
				if e.edit.AllowedMentions == nil || e.edit.AllowedMentions.Parse == nil || len(e.edit.AllowedMentions.Parse) != 0 {
					t.Errorf("edit allowed_mentions = %+v, want an empty parse list", e.edit.AllowedMentions)
				}
				if tc.answered != (len(*e.edit.Embeds) == 1) {
					t.Errorf("edit has %d embeds, answered %v", len(*e.edit.Embeds), tc.answered)
				}
				if took := time.Since(start); took != 2*time.Second {
					t.Errorf("took %v, want 2s", took)
				}
			})
		})
	}
}

func TestRateLimit(t *testing.T) {
	b, rec, _ := newTestBot(t, &fakeIndex{}, Options{RateCount: 2, RateWindow: time.Minute})
	for i := range 3 {
		b.onInteraction(t.Context(), rec, slash(fmt.Sprint("i", i), "ask", strOpt("question", "when?")))
	}
	calls := rec.all()
	if len(calls) != 3 {
		t.Fatalf("got %d calls, want 3", len(calls))
	}
	last := calls[2].resp.Data
	if !strings.Contains(last.Content, "Try again <t:") || last.Flags != discordgo.MessageFlagsEphemeral {
		t.Errorf("third reply = %q (flags %d), want an ephemeral rate-limit notice", last.Content, last.Flags)
	}
	if got := testutil.ToFloat64(b.metrics.rateLimited); got != 1 {
		t.Errorf("rate limited = %v, want 1", got)
	}
	// Another user is not limited.
	other := slash("i9", "ask", strOpt("question", "when?"))
	other.Member.User.ID = "u2"
	b.onInteraction(t.Context(), rec, other)
	if c := rec.all()[3]; len(c.resp.Data.Embeds) != 1 {
		t.Errorf("another user's reply = %+v, want an answer", c.resp.Data)
	}
}

func TestMenuAsk(t *testing.T) {
	menu := func(content string) *discordgo.Interaction {
		i := slash("i1", cmdMenuAsk)
		i.Data = discordgo.ApplicationCommandInteractionData{
			Name: cmdMenuAsk, CommandType: discordgo.MessageApplicationCommand, TargetID: "m1",
			Resolved: &discordgo.ApplicationCommandInteractionDataResolved{Messages: map[string]*discordgo.Message{
				"m1": {ID: "m1", Content: content},
			}},
		}
		return i
	}
	ix := &fakeIndex{}
	b, rec, _ := newTestBot(t, ix, Options{})
	b.onInteraction(t.Context(), rec, menu("<@100> when did\nRussia ratify?"))
	if c := one(t, rec); len(c.resp.Data.Embeds) != 1 {
		t.Errorf("reply = %+v, want an answer", c.resp.Data)
	}
	if fmt.Sprint(ix.asked) != "[when did Russia ratify?]" {
		t.Errorf("asked %q, want the message's text without the mention", ix.asked)
	}

	b, rec, _ = newTestBot(t, ix, Options{})
	b.onInteraction(t.Context(), rec, menu(""))
	if c := one(t, rec); c.resp.Data.Content != noText.Content {
		t.Errorf("reply to an empty message = %q, want %q", c.resp.Data.Content, noText.Content)
	}
}

func TestSummary(t *testing.T) {
	twoDocs := docs(2)
	tests := []struct {
		name      string
		opts      []*discordgo.ApplicationCommandInteractionDataOption
		summaryFn func(context.Context, retrieval.SummaryOptions) (retrieval.Summary, error)
		want      *retrieval.SummaryOptions // nil = Summary is not called
		wantText  string
	}{
		{"defaults", nil, nil, &retrieval.SummaryOptions{}, "Summary in 2 sentences"},
		{"options", []*discordgo.ApplicationCommandInteractionDataOption{intOpt("sentences", 3), strOpt("topic", " nuclear ")}, nil,
			&retrieval.SummaryOptions{Sentences: 3, Topic: "nuclear"}, "on *nuclear*"},
		{"document by ID", []*discordgo.ApplicationCommandInteractionDataOption{strOpt("document", "doc-02")}, nil,
			&retrieval.SummaryOptions{Doc: "doc-02"}, "Summary"},
		{"document by autocomplete index", []*discordgo.ApplicationCommandInteractionDataOption{strOpt("document", "#1")}, nil,
			&retrieval.SummaryOptions{Doc: "doc-01"}, "Summary"},
		{"document by title", []*discordgo.ApplicationCommandInteractionDataOption{strOpt("document", "nomor 2")}, nil,
			&retrieval.SummaryOptions{Doc: "doc-02"}, "Summary"},
		{"ambiguous document", []*discordgo.ApplicationCommandInteractionDataOption{strOpt("document", "artikel")}, nil,
			nil, "I have no document called"},
		{"topic not found", []*discordgo.ApplicationCommandInteractionDataOption{strOpt("topic", "football")},
			func(context.Context, retrieval.SummaryOptions) (retrieval.Summary, error) {
				return retrieval.Summary{Doc: "doc-01", Title: "Artikel"}, fmt.Errorf("summary: %w", retrieval.ErrTopicNotFound)
			}, &retrieval.SummaryOptions{Topic: "football"}, "does not mention *football*"},
		{"no sentences", nil,
			func(context.Context, retrieval.SummaryOptions) (retrieval.Summary, error) {
				return retrieval.Summary{Doc: "doc-01"}, nil
			}, &retrieval.SummaryOptions{}, noSentences.Content},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix := &fakeIndex{docs: twoDocs, summaryFn: tc.summaryFn}
			b, rec, _ := newTestBot(t, ix, Options{})
			b.onInteraction(t.Context(), rec, slash("i1", "summary", tc.opts...))
			c := one(t, rec)
			checkData(t, c.resp.Data)
			text := c.resp.Data.Content
			for _, e := range c.resp.Data.Embeds {
				text += e.Description
			}
			if !strings.Contains(text, tc.wantText) {
				t.Errorf("reply %q does not contain %q", text, tc.wantText)
			}
			switch {
			case tc.want == nil && len(ix.summaryOpts) > 0:
				t.Errorf("Summary called with %+v, want no call", ix.summaryOpts)
			case tc.want != nil && (len(ix.summaryOpts) != 1 || ix.summaryOpts[0] != *tc.want):
				t.Errorf("Summary called with %+v, want [%+v]", ix.summaryOpts, *tc.want)
			}
		})
	}
}

func TestAutocomplete(t *testing.T) {
	b, rec, _ := newTestBot(t, &fakeIndex{docs: docs(30)}, Options{})
	auto := func(typed string) *discordgo.Interaction {
		i := slash("i1", "summary")
		i.Type = discordgo.InteractionApplicationCommandAutocomplete
		i.Data = discordgo.ApplicationCommandInteractionData{Name: "summary", Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: "document", Type: discordgo.ApplicationCommandOptionString, Value: typed, Focused: true},
		}}
		return i
	}
	tests := []struct {
		typed string
		want  int
	}{
		{"", 25}, // Discord's maximum
		{"nomor 12 ", 1},
		{"DOC-0", 9},
		{"nothing like it", 0},
	}
	for _, tc := range tests {
		rec.calls = nil
		b.onInteraction(t.Context(), rec, auto(tc.typed))
		c := one(t, rec)
		if c.resp.Type != discordgo.InteractionApplicationCommandAutocompleteResult {
			t.Fatalf("response type %d, want 8", c.resp.Type)
		}
		if got := len(c.resp.Data.Choices); got != tc.want {
			t.Errorf("autocomplete(%q) offers %d choices, want %d", tc.typed, got, tc.want)
		}
		for _, ch := range c.resp.Data.Choices {
			if n := utf8.RuneCountInString(ch.Name); n < 1 || n > 100 {
				t.Errorf("choice name %q is %d long", ch.Name, n)
			}
		}
		if c.resp.Data.Choices == nil {
			t.Error("choices is nil, want a list (Discord wants an array)")
		}
	}
}

func TestSourceAndHelp(t *testing.T) {
	b, rec, _ := newTestBot(t, &fakeIndex{}, Options{})
	b.onInteraction(t.Context(), rec, slash("i1", "source"))
	c := one(t, rec)
	checkData(t, c.resp.Data)
	if len(c.resp.Data.Embeds) != 1 || len(c.resp.Data.Embeds[0].Fields) != 1 || c.resp.Data.Flags != 0 {
		t.Errorf("/source = %+v, want a public embed with one document", c.resp.Data)
	}
	rec.calls = nil
	b.onInteraction(t.Context(), rec, slash("i2", "help"))
	c = one(t, rec)
	checkData(t, c.resp.Data)
	if len(c.resp.Data.Embeds) != 1 || c.resp.Data.Flags != discordgo.MessageFlagsEphemeral {
		t.Errorf("/help = %+v, want an ephemeral embed", c.resp.Data)
	}
}

func TestCommandTable(t *testing.T) {
	for _, tc := range []struct {
		n       int
		grows   bool
		wantDoc bool
	}{{1, false, false}, {3, false, true}, {1, true, true}} {
		n := tc.n
		t.Run(fmt.Sprint(n, " documents, growing ", tc.grows), func(t *testing.T) {
			b, _, _ := newTestBot(t, &fakeIndex{docs: docs(n)}, Options{CorpusGrows: tc.grows})
			names := map[string]*discordgo.ApplicationCommand{}
			for _, c := range b.Commands() {
				names[c.Name] = c
				want := "[0 1]" // guild and bot DM
				if c.Name == cmdReport {
					want = "[0]" // an admin's command: servers only
				}
				if c.Contexts == nil || fmt.Sprint(*c.Contexts) != want {
					t.Errorf("%s: contexts %v, want %s", c.Name, c.Contexts, want)
				}
				if c.Type == discordgo.ChatApplicationCommand && (len(c.Description) < 1 || len(c.Description) > 100) {
					t.Errorf("%s: description %q is not 1–100 long", c.Name, c.Description)
				}
			}
			for _, want := range []string{"ask", "summary", "source", "help", "Ask kutip"} {
				if names[want] == nil {
					t.Errorf("no %q command", want)
				}
			}
			if q := names["ask"].Options[0]; q.Name != "question" || !q.Required || q.MaxLength != 300 {
				t.Errorf("/ask question = %+v, want required, max 300", q)
			}
			if m := names["Ask kutip"]; m.Type != discordgo.MessageApplicationCommand || m.Description != "" || len(m.Options) != 0 {
				t.Errorf("Ask kutip = %+v, want a message command without description or options", m)
			}
			hasDoc := false
			for _, o := range names["summary"].Options {
				hasDoc = hasDoc || (o.Name == "document" && o.Autocomplete)
			}
			if hasDoc != tc.wantDoc {
				t.Errorf("/summary has a document option: %v, want %v", hasDoc, tc.wantDoc)
			}
			if _, err := json.Marshal(b.Commands()); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestMetricsRegister(t *testing.T) {
	reg := prometheus.NewRegistry()
	b, rec, _ := newTestBot(t, &fakeIndex{}, Options{Registry: reg})
	b.onInteraction(t.Context(), rec, slash("i1", "ask", strOpt("question", "when?")))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, mf := range mfs {
		got[mf.GetName()] = true
	}
	for _, want := range []string{"kutip_questions_total", "kutip_answers_total", "kutip_answer_duration_seconds",
		"kutip_gateway_reconnects_total", "kutip_rate_limited_total", "kutip_gateway_connected", "kutip_commands_registered"} {
		if !got[want] {
			t.Errorf("metric %s not registered", want)
		}
	}
	// A second bot on the same registry is a start-up error, not a panic.
	if _, err := newBot(rec, &fakeIndex{}, nil, Options{Registry: reg}); err == nil {
		t.Error("second registration: err = nil, want an error")
	}
}

func TestAckBudget(t *testing.T) {
	created := time.Date(2024, 11, 12, 10, 0, 0, 0, time.UTC)
	id := fmt.Sprint((created.UnixMilli() - 1420070400000) << 22)
	tests := []struct {
		id   string
		now  time.Time
		want time.Duration
	}{
		{id, created, 1500 * time.Millisecond},
		{id, created.Add(time.Second), 500 * time.Millisecond},
		{id, created.Add(5 * time.Second), 0},                    // late already: defer at once
		{id, created.Add(-time.Minute), 1500 * time.Millisecond}, // our clock is behind
		{"not-a-snowflake", created, 1500 * time.Millisecond},
	}
	for _, tc := range tests {
		if got := ackBudget(tc.id, 1500*time.Millisecond, tc.now); got != tc.want {
			t.Errorf("ackBudget(%s, 1.5s, created%+v) = %v, want %v", tc.id, tc.now.Sub(created), got, tc.want)
		}
	}
}

// TestSummaryConcurrency: each user has one summary in the making at a
// time, and all users together at most MaxSummaries; a summary that finds
// no free slot within summaryQueueWait is declined with a message, while
// questions are answered throughout.
func TestSummaryConcurrency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		ix := &fakeIndex{summaryFn: func(ctx context.Context, _ retrieval.SummaryOptions) (retrieval.Summary, error) {
			select {
			case <-release: // a long document
			case <-ctx.Done():
				return retrieval.Summary{}, ctx.Err()
			}
			return retrieval.Summary{Doc: "d", Title: "T", Sentences: []retrieval.Passage{signed}}, nil
		}}
		b, rec, _ := newTestBot(t, ix, Options{MaxSummaries: 1})
		byUser := func(id, user string) *discordgo.Interaction {
			i := slash(id, "summary")
			i.Member.User.ID = user
			return i
		}
		go b.onInteraction(t.Context(), rec, byUser("s1", "u1"))
		synctest.Wait() // u1's summary holds the one slot

		// u1 again: told theirs is still being made, at once.
		b.onInteraction(t.Context(), rec, byUser("s2", "u1"))
		if c := callsFor(rec, "s2"); len(c) != 1 || c[0].resp.Data.Content != summaryInFlight.Content {
			t.Fatalf("u1's second summary: %+v, want the in-flight notice", c)
		}
		// u2: waits for a slot (deferred meanwhile), then is declined.
		start := time.Now()
		b.onInteraction(t.Context(), rec, byUser("s3", "u2"))
		if took := time.Since(start); took < summaryQueueWait {
			t.Errorf("u2 declined after %v, want a wait of %v for a slot", took, summaryQueueWait)
		}
		c := callsFor(rec, "s3")
		if len(c) != 2 || c[0].method != "respond" || c[0].resp.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource ||
			c[1].method != "edit" || *c[1].edit.Content != summariesBusy.Content {
			t.Errorf("u2's summary: %+v, want a deferral, then the busy notice", c)
		}
		// Questions are not held up by summaries.
		b.onInteraction(t.Context(), rec, slash("a1", "ask", strOpt("question", "when?")))
		if c := callsFor(rec, "a1"); len(c) != 1 || len(c[0].resp.Data.Embeds) != 1 {
			t.Errorf("/ask while summaries are busy: %+v, want an answer", c)
		}

		close(release)
		synctest.Wait()
		// Slots and in-flight marks are free again.
		b.onInteraction(t.Context(), rec, byUser("s4", "u1"))
		if c := callsFor(rec, "s4"); len(c) != 1 || len(c[0].resp.Data.Embeds) != 1 {
			t.Errorf("u1's summary after the first finished: %+v, want a summary", c)
		}
	})
}

// callsFor returns the recorded calls about one interaction.
func callsFor(rec *recorder, id string) []call {
	var out []call
	for _, c := range rec.all() {
		if c.interaction == id {
			out = append(out, c)
		}
	}
	return out
}
