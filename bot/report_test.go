package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"kutip/feedback"
	"kutip/internal/discordtest"
)

// weekReport is a report as the store makes it: a week in one server.
var weekReport = feedback.Report{
	Since: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), Until: time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC),
	Asked: 9, Answered: 4, Abstained: 3, LowConfidence: 2,
	Unanswered: []feedback.Unanswered{
		{Question: "who is the president of france", Example: "Who is the president of France?", Count: 3, Abstained: 2, LowConfidence: 1},
		{Question: "berapa jumlah tentara", Example: "Berapa jumlah *tentara*?", Count: 1, LowConfidence: 1},
	},
	DownVoted: []feedback.Voted{
		{AnswerID: "4", Question: "Berapa jumlah tentara Korea Utara?", Passage: &feedback.Passage{Doc: "nk-ru", Title: "Korea Utara meratifikasi pakta", Paragraph: 9, Sentence: 2}, Up: 1, Down: 2},
		{AnswerID: "9", Down: 1},
	},
	Days: []feedback.Day{
		{Date: "2026-11-23", Asked: 2, Answered: 1, Abstained: 1},
		{Date: "2026-11-26", Asked: 4, Answered: 2, LowConfidence: 2},
		{Date: "2026-11-30", Asked: 3, Answered: 1, Abstained: 2},
	},
}

// longReport fills every list to the store's limits with long, hostile
// text and a year of days.
func longReport() feedback.Report {
	r := feedback.Report{Asked: 5000, Answered: 3000, Abstained: 1500, LowConfidence: 500}
	for i := range feedback.MaxUnanswered {
		r.Unanswered = append(r.Unanswered, feedback.Unanswered{
			Example: fmt.Sprintf("@everyone **%d** \u202e<@123> %s", i, strings.Repeat("why is the sky _blue_ ", 15)), Count: 100 - i,
		})
	}
	for i := range feedback.MaxDownVoted {
		r.DownVoted = append(r.DownVoted, feedback.Voted{
			AnswerID: fmt.Sprint(i), Question: strings.Repeat("@here `x` ", 40), Down: 50 - i, Up: i,
			Passage: &feedback.Passage{Doc: "d", Title: strings.Repeat("Judul ", 30), Paragraph: i + 1, Sentence: 1},
		})
	}
	day := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := range 365 {
		r.Days = append(r.Days, feedback.Day{Date: day.AddDate(0, 0, i).Format(time.DateOnly), Asked: 10 + i%7, Answered: 5, Abstained: 3, LowConfidence: 2})
	}
	return r
}

func TestReportReply(t *testing.T) {
	tests := []struct {
		name string
		r    reply
	}{
		{"report_week", reportReply(weekReport, 7, english)},
		{"report_week_id", reportReply(weekReport, 7, indonesian)},
		{"report_empty", reportReply(feedback.Report{}, 30, english)},
		{"report_long", reportReply(longReport(), 365, english)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.r.check(); err != nil {
				t.Errorf("check() = %v, want nil", err)
			}
			if !tc.r.Ephemeral {
				t.Errorf("the report is public; it holds other members' questions")
			}
			got := replyJSON(t, tc.r)
			if bytes.Contains(got, []byte("\u202e")) {
				t.Errorf("a bidi override reached the report")
			}
			checkGolden(t, tc.name, got)
		})
	}
}

func TestDayTable(t *testing.T) {
	long := longReport().Days
	tests := []struct {
		name     string
		days     []feedback.Day
		wantLast string // the last date shown
		wantMore string // "" = every day shown
	}{
		{"none", nil, "", ""},
		{"three", weekReport.Days, "2026-11-30", ""},
		{"a year", long, long[len(long)-1].Date, "earlier days"},
	}
	for _, tc := range tests {
		got := dayTable(tc.days, reportTexts[english])
		if width(got) > maxFieldValue {
			t.Errorf("%s: table of %d units, over %d", tc.name, width(got), maxFieldValue)
		}
		if tc.wantLast != "" && !strings.Contains(got, tc.wantLast) {
			t.Errorf("%s: table lacks the last day %s:\n%s", tc.name, tc.wantLast, got)
		}
		if (tc.wantMore != "") != strings.Contains(got, "earlier days") {
			t.Errorf("%s: table %q, want a line for the days left out: %v", tc.name, got, tc.wantMore != "")
		}
	}
}

// TestReportLive: against the fake Discord, /report is registered for
// members with Manage Server, in servers only; an ordinary member cannot
// invoke it; an admin gets, ephemerally, the question kutip could not
// answer a moment before, and nothing of another server.
func TestReportLive(t *testing.T) {
	t.Parallel()
	store, _ := feedback.Open("", feedback.Options{})
	if err := store.Asked(t.Context(), feedback.Question{ID: "1", Text: "secret of another server", Guild: "999", Outcome: feedback.Abstained}); err != nil {
		t.Fatal(err)
	}
	srv := discordtest.New(t, discordtest.Options{NoEcho: true})
	lb := runLive(t, srv, realIndex(t), Options{Feedback: store})

	i := slices.IndexFunc(srv.Commands(srv.GuildID), func(c discordtest.Command) bool { return c.Name == cmdReport })
	if i < 0 {
		t.Fatal("/report is not registered")
	}
	c := srv.Commands(srv.GuildID)[i]
	if c.DefaultMemberPermissions == nil || *c.DefaultMemberPermissions != fmt.Sprint(discordgo.PermissionManageGuild) || fmt.Sprint(c.Contexts) != "[0]" {
		t.Errorf("/report registered with default_member_permissions %v, contexts %v; want %d (Manage Server), [0]", c.DefaultMemberPermissions, c.Contexts, discordgo.PermissionManageGuild)
	}

	ask := lb.ask(t, "who won the football world cup?")
	if _, err := srv.WaitReply(liveCtx(t), ask); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Interact(liveCtx(t), discordtest.Interaction{Name: cmdReport}); err == nil || !strings.Contains(err.Error(), "needs permissions") {
		t.Errorf("an ordinary member invoked /report: %v", err)
	}
	id, err := srv.Interact(liveCtx(t), discordtest.Interaction{
		Name: cmdReport, Permissions: fmt.Sprint(discordgo.PermissionManageGuild),
		Options: []discordtest.Option{{Name: "days", Value: 30}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := srv.WaitReply(liveCtx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	o := r.Original
	text := o.Text()
	// The question /ask just took is counted (and listed, unless kutip's
	// retrieval has learnt to answer it well); the other server's is not.
	if !o.Ephemeral || o.Pings() || !strings.Contains(text, "Feedback, last 30 days") || !strings.Contains(text, "**1** asked") ||
		strings.Contains(text, "another server") {
		t.Errorf("/report (ephemeral %v, pings %v) = %q; want this server's one question only", o.Ephemeral, o.Pings(), text)
	}
	if !strings.Contains(text, "**1×** who won the football world cup?") && !strings.Contains(text, "**1** answered") {
		t.Errorf("/report = %q: the question is neither answered nor listed as unanswered", text)
	}
}

// failingFeedback is a store whose reports fail.
type failingFeedback struct{ *feedback.Store }

func (failingFeedback) Report(context.Context, feedback.ReportOptions) (feedback.Report, error) {
	return feedback.Report{}, errors.New("disk on fire")
}

// TestReportHandler: /report's answers to what Discord may send it.
func TestReportHandler(t *testing.T) {
	store, _ := feedback.Open("", feedback.Options{})
	if err := store.Asked(t.Context(), feedback.Question{ID: "1", Text: "who is the president of France?", Guild: "g1", Outcome: feedback.Abstained}); err != nil {
		t.Fatal(err)
	}
	dm := slash("i2", cmdReport)
	dm.GuildID, dm.Member, dm.User = "", nil, &discordgo.User{ID: "u1"}
	tests := []struct {
		name string
		fb   Feedback
		i    *discordgo.Interaction
		want string // in the reply's text
	}{
		{"default week", store, slash("i1", cmdReport), "Feedback, last 7 days"},
		{"the server's question", store, slash("i1", cmdReport), "**1×** who is the president of France?"},
		{"days clamped", store, slash("i1", cmdReport, intOpt("days", 4000)), "Feedback, last 365 days"},
		{"days", store, slash("i1", cmdReport, intOpt("days", 1)), "Feedback, last 24 hours"},
		{"in a DM", store, dm, "/report works in servers only."},
		{"store fails", failingFeedback{store}, slash("i1", cmdReport), english.tr(failed.key)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, rec, _ := newTestBot(t, &fakeIndex{}, Options{Feedback: tc.fb})
			b.onInteraction(t.Context(), rec, tc.i)
			c := one(t, rec)
			checkData(t, c.resp.Data)
			d := c.resp.Data
			text := d.Content
			for _, e := range d.Embeds {
				text += e.Title + e.Description
				for _, f := range e.Fields {
					text += f.Value
				}
			}
			if !strings.Contains(text, tc.want) || d.Flags != discordgo.MessageFlagsEphemeral {
				t.Errorf("/report = %q (flags %d), want %q, ephemeral", text, d.Flags, tc.want)
			}
		})
	}
}
