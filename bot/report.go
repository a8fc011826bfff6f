package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"kutip/feedback"
	"kutip/retrieval"
)

// /report shows a server's admins what the feedback store says about their
// server: the questions kutip could not answer well, the answers voted
// down, and the answer rate per day. Discord offers it only to members
// with Manage Server (default_member_permissions; a server can grant it to
// other roles in its Integrations settings), only in servers, and the reply
// is ephemeral: the questions are other members' words.

const cmdReport = "report"

// The period /report covers, in days.
const (
	defaultReportDays = 7
	maxReportDays     = 365
)

// reportCommand is /report's row of the command table.
func (b *Bot) reportCommand() command {
	one, most := 1.0, float64(maxReportDays)
	manageServer := int64(discordgo.PermissionManageGuild)
	guildOnly := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	return command{&discordgo.ApplicationCommand{
		Name:                     cmdReport,
		Description:              "For admins: questions kutip could not answer, down-voted answers, answer rate",
		NameLocalizations:        &map[discordgo.Locale]string{localeID: "laporan"},
		DescriptionLocalizations: &map[discordgo.Locale]string{localeID: "Untuk admin: pertanyaan yang tak terjawab, jawaban yang tidak disukai, tingkat jawaban"},
		DefaultMemberPermissions: &manageServer,
		Contexts:                 &guildOnly,
		Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionInteger, Name: "days",
			Description:              fmt.Sprintf("How many days back, 1 to %d (default %d)", maxReportDays, defaultReportDays),
			NameLocalizations:        map[discordgo.Locale]string{localeID: "hari"},
			DescriptionLocalizations: map[discordgo.Locale]string{localeID: fmt.Sprintf("Berapa hari ke belakang, 1 sampai %d (bawaan %d)", maxReportDays, defaultReportDays)},
			MinValue:                 &one, MaxValue: most,
		}},
	}, b.report}
}

// report answers /report with the server's feedback of the last days.
func (b *Bot) report(ctx context.Context, in *interaction, data discordgo.ApplicationCommandInteractionData) {
	if in.i.GuildID == "" {
		// Registered for servers only; an older registration may differ.
		in.respond(reply{Content: reportTexts[in.lang].onlyServers, Ephemeral: true})
		return
	}
	days := defaultReportDays
	for _, o := range data.Options {
		if o.Name == "days" && o.Type == discordgo.ApplicationCommandOptionInteger {
			days = min(max(int(o.IntValue()), 1), maxReportDays)
		}
	}
	in.answer(ctx, true, func(ctx context.Context) (reply, error) {
		since := b.now().Add(-time.Duration(days) * 24 * time.Hour)
		r, err := b.opts.Feedback.Report(ctx, feedback.ReportOptions{Since: since, Guild: in.i.GuildID})
		if err != nil {
			return reply{}, err
		}
		return reportReply(r, days, in.lang), nil
	})
}

// reportText is /report's wording in one language.
type reportText struct {
	title                         string // %d days
	titleDay                      string // the last day
	summary                       string // asked, answered, low, abstained, rate
	none, nothingAsked            string
	unanswered, downVoted, byDay  string
	gone                          string // an answer no longer stored
	dayHeader                     [4]string
	footer, onlyServers, moreDays string
}

var reportTexts = [numLangs]reportText{
	english: {
		title:        "Feedback, last %d days",
		titleDay:     "Feedback, last 24 hours",
		summary:      "**%d** asked: **%d** answered, **%d** with low confidence, **%d** not answered. Answer rate **%s**.",
		none:         "None.",
		nothingAsked: "No questions in this period.",
		unanswered:   "Most asked, not answered well",
		downVoted:    "Most down-voted answers",
		byDay:        "Answer rate by day (UTC)",
		gone:         "(answer no longer stored)",
		dayHeader:    [4]string{"date", "asked", "answered", "rate"},
		footer:       "This server only. Questions count as one whatever their case and punctuation. The operator sees more with kutip report.",
		onlyServers:  "/report works in servers only.",
		moreDays:     "… %d earlier days: kutip report",
	},
	indonesian: {
		title:        "Umpan balik, %d hari terakhir",
		titleDay:     "Umpan balik, 24 jam terakhir",
		summary:      "**%d** ditanyakan: **%d** terjawab, **%d** dengan keyakinan rendah, **%d** tidak terjawab. Tingkat jawaban **%s**.",
		none:         "Tidak ada.",
		nothingAsked: "Tidak ada pertanyaan dalam periode ini.",
		unanswered:   "Paling sering ditanyakan, belum terjawab baik",
		downVoted:    "Jawaban yang paling tidak disukai",
		byDay:        "Tingkat jawaban per hari (UTC)",
		gone:         "(jawaban tidak tersimpan lagi)",
		dayHeader:    [4]string{"tanggal", "tanya", "jawab", "tingkat"},
		footer:       "Hanya server ini. Pertanyaan dihitung sama tanpa memandang huruf besar dan tanda baca. Operator melihat lebih banyak dengan kutip report.",
		onlyServers:  "/report hanya berfungsi di server.",
		moreDays:     "… %d hari sebelumnya: kutip report",
	},
}

// reportReply renders a report as one ephemeral embed within Discord's
// limits: each list is cut to what its field holds.
func reportReply(r feedback.Report, days int, l lang) reply {
	t := reportTexts[l]
	e := &discordgo.MessageEmbed{
		Title:  fmt.Sprintf(t.title, days),
		Color:  embedColor,
		Footer: &discordgo.MessageEmbedFooter{Text: t.footer},
	}
	if days == 1 {
		e.Title = t.titleDay
	}
	if r.Asked == 0 {
		e.Description = t.nothingAsked
	} else {
		e.Description = fmt.Sprintf(t.summary, r.Asked, r.Answered, r.LowConfidence, r.Abstained, percent(r.Answered+r.LowConfidence, r.Asked))
	}

	var lines []string
	for _, u := range r.Unanswered {
		lines = append(lines, "**"+strconv.Itoa(u.Count)+"×** "+escapeClip(oneLine(u.Example), 150))
	}
	e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: t.unanswered, Value: fieldLines(lines, t.none)})

	lines = lines[:0]
	for _, v := range r.DownVoted {
		line := fmt.Sprintf("👎 %d · 👍 %d · ", v.Down, v.Up)
		if v.Question == "" {
			line += t.gone
		} else {
			line += escapeClip(oneLine(v.Question), 120)
		}
		if p := v.Passage; p != nil {
			line += " " + citation(retrieval.Passage{Doc: p.Doc, Title: p.Title, Paragraph: p.Paragraph, Sentence: p.Sentence}, 60, l)
		}
		lines = append(lines, line)
	}
	e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: t.downVoted, Value: fieldLines(lines, t.none)})

	e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: t.byDay, Value: dayTable(r.Days, t)})
	return reply{Embeds: []*discordgo.MessageEmbed{e}, Ephemeral: true}
}

// fieldLines joins lines into a field's value, as many as fit.
func fieldLines(lines []string, none string) string {
	if len(lines) == 0 {
		return none
	}
	var b strings.Builder
	for _, line := range lines {
		if width(b.String())+width(line)+1 > maxFieldValue {
			break
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(line)
	}
	return b.String()
}

// dayTable renders the days as a code block, the latest that fit.
func dayTable(days []feedback.Day, t reportText) string {
	if len(days) == 0 {
		return t.none
	}
	h := t.dayHeader
	head := fmt.Sprintf("%-10s %7s %7s %7s\n", h[0], h[1], h[2], h[3])
	rows := make([]string, len(days))
	for i, d := range days {
		rows[i] = fmt.Sprintf("%-10s %7d %7d %7s\n", d.Date, d.Asked, d.Answered+d.LowConfidence, percent(d.Answered+d.LowConfidence, d.Asked))
	}
	const fence = "```\n"
	more := fmt.Sprintf(t.moreDays, len(days))
	budget := maxFieldValue - 2*width(fence) - width(head) - width(more) - 1
	from := len(rows)
	for from > 0 && width(rows[from-1]) <= budget {
		budget -= width(rows[from-1])
		from--
	}
	table := fence + head + strings.Join(rows[from:], "") + fence
	if from > 0 {
		table += fmt.Sprintf(t.moreDays, from)
	}
	return strings.TrimSuffix(table, "\n")
}

// percent is n/of as a whole percentage.
func percent(n, of int) string {
	if of == 0 {
		return "-"
	}
	return strconv.Itoa((200*n+of)/(2*of)) + "%"
}
