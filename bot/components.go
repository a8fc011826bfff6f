package bot

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"runtime/debug"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"kutip/corpus"
	"kutip/feedback"
	"kutip/retrieval"
)

// Buttons. Every answer carries a row of buttons: 👍 and 👎 (one vote per
// user per answer, changeable), Show context (the cited sentence among its
// neighbours) and More (the next passages for the same question). A click
// is served by whichever kutip process gets it, now or after a restart:
// everything it needs is in the button's custom_id or in the feedback
// store, keyed by the answer's ID (the snowflake of the interaction or
// message that asked, known before the reply is sent).
//
// A custom_id is "k1:<action>:<answerID>[:<arg>]", at most 100 characters
// (Discord's limit):
//
//	k1:up:<answerID>                       👍
//	k1:down:<answerID>                     👎
//	k1:ctx:<answerID>:<doc>.<¶>.<sentence> Show context; <doc> is docKey of the document's ID
//	k1:more:<answerID>:<shown>             More; <shown> passages were shown already
//
// "k1" is the format's version: a later format gets another prefix, and a
// click on a button whose version this kutip does not read is answered
// with "ask again" instead of being misread. Numbers are decimal without
// leading zeros, so that every custom_id has one spelling.

// customIDVersion prefixes every custom_id kutip writes.
const customIDVersion = "k1"

// Button actions.
const (
	actUp      = "up"
	actDown    = "down"
	actContext = "ctx"
	actMore    = "more"
)

// Limits of custom_ids and of the buttons' work.
const (
	maxCustomID = 100 // Discord's limit on a custom_id
	maxButtons  = 5   // buttons in one action row
	maxRows     = 5   // action rows in one message
	maxLabel    = 80  // characters of a button's label
	// maxShown bounds how far More pages through a question's passages.
	maxShown = 12
	// maxCitationPart bounds a paragraph or sentence number in a custom_id.
	maxCitationPart = 99999
	// contextRadius is how many sentences Show context shows on each side
	// of the cited one.
	contextRadius = 2
)

// customID is a parsed custom_id.
type customID struct {
	Action string
	Answer string // the answer's ID: a snowflake
	// Show context: the cited sentence.
	Doc                 string // docKey of the document's ID
	Paragraph, Sentence int
	// More: how many passages were shown already.
	Shown int
}

// errNotKutip reports a custom_id that kutip did not write, or that an
// older or newer kutip wrote in another format.
var errNotKutip = errors.New("not a kutip custom_id")

// parseCustomID reads a custom_id written by customID.String. It fails
// with an error wrapping errNotKutip for another version, and with a
// plain error for a malformed k1 custom_id.
func parseCustomID(s string) (customID, error) {
	if len(s) > maxCustomID {
		return customID{}, fmt.Errorf("custom_id is %d bytes, over %d", len(s), maxCustomID)
	}
	f := strings.Split(s, ":")
	if len(f) < 3 || f[0] != customIDVersion {
		return customID{}, fmt.Errorf("custom_id %q: %w", s, errNotKutip)
	}
	c := customID{Action: f[1], Answer: f[2]}
	if !isSnowflake(c.Answer) {
		return customID{}, fmt.Errorf("custom_id %q: answer ID is not a snowflake", s)
	}
	args := f[3:]
	switch c.Action {
	case actUp, actDown:
		if len(args) != 0 {
			return customID{}, fmt.Errorf("custom_id %q: %s takes no argument", s, c.Action)
		}
	case actMore:
		if len(args) != 1 {
			return customID{}, fmt.Errorf("custom_id %q: more takes the passages shown", s)
		}
		n, ok := canonicalInt(args[0], maxShown)
		if !ok {
			return customID{}, fmt.Errorf("custom_id %q: passages shown is not a number from 1 to %d", s, maxShown)
		}
		c.Shown = n
	case actContext:
		if len(args) != 1 {
			return customID{}, fmt.Errorf("custom_id %q: ctx takes a citation", s)
		}
		parts := strings.Split(args[0], ".")
		if len(parts) != 3 || !isDocKey(parts[0]) {
			return customID{}, fmt.Errorf("custom_id %q: citation is not <doc>.<paragraph>.<sentence>", s)
		}
		p, okP := canonicalInt(parts[1], maxCitationPart)
		n, okN := canonicalInt(parts[2], maxCitationPart)
		if !okP || !okN {
			return customID{}, fmt.Errorf("custom_id %q: paragraph and sentence must be numbers from 1 to %d", s, maxCitationPart)
		}
		c.Doc, c.Paragraph, c.Sentence = parts[0], p, n
	default:
		return customID{}, fmt.Errorf("custom_id %q: unknown action %q", s, c.Action)
	}
	return c, nil
}

// String is c as a custom_id.
func (c customID) String() string {
	s := customIDVersion + ":" + c.Action + ":" + c.Answer
	switch c.Action {
	case actMore:
		s += ":" + strconv.Itoa(c.Shown)
	case actContext:
		s += ":" + c.Doc + "." + strconv.Itoa(c.Paragraph) + "." + strconv.Itoa(c.Sentence)
	}
	return s
}

// isSnowflake reports whether s is a Discord ID: 1 to 20 decimal digits
// without a leading zero that fit in 64 bits.
func isSnowflake(s string) bool {
	if s == "" || len(s) > 20 || s[0] == '0' {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// canonicalInt reads a number from 1 to max written without sign or
// leading zeros.
func canonicalInt(s string, max int) (int, bool) {
	if s == "" || len(s) > 6 || s[0] == '0' {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max || strconv.Itoa(n) != s {
		return 0, false
	}
	return n, true
}

// docKey names a document in a custom_id: 8 hex digits of the FNV-1a hash
// of its ID, which may be too long for one. Two documents whose keys
// collide are told apart by the citation (the first whose paragraph and
// sentence exist wins), and a hot reload that drops the document makes
// Show context say so.
func docKey(id string) string {
	h := fnv.New32a()
	h.Write([]byte(id))
	return fmt.Sprintf("%08x", h.Sum32())
}

func isDocKey(s string) bool {
	if len(s) != 8 {
		return false
	}
	for i := range len(s) {
		if !strings.ContainsRune("0123456789abcdef", rune(s[i])) {
			return false
		}
	}
	return true
}

// AnswerID returns the ID of the kutip answer a message's components
// belong to: the snowflake of the interaction or message that asked the
// question, as its buttons' custom_ids hold it, and false when no button
// is a kutip button (a message kutip did not write, or one without
// buttons such as /help). Pass a message's Components, such as
// m.ReferencedMessage.Components for a reply to an answer.
func AnswerID(components []discordgo.MessageComponent) (string, bool) {
	for _, c := range components {
		var row []discordgo.MessageComponent
		switch r := c.(type) {
		case discordgo.ActionsRow:
			row = r.Components
		case *discordgo.ActionsRow:
			row = r.Components
		}
		for _, b := range row {
			var id string
			switch b := b.(type) {
			case discordgo.Button:
				id = b.CustomID
			case *discordgo.Button:
				id = b.CustomID
			}
			if c, err := parseCustomID(id); err == nil {
				return c.Answer, true
			}
		}
	}
	return "", false
}

// answerButtons returns the buttons under the answer a to the question
// with ID id, in language l: votes always, Show context when a passage is
// shown, More when the question was answered and the index can page
// (more). None without an ID.
func answerButtons(a retrieval.Answer, id string, l lang, more bool) []discordgo.MessageComponent {
	if !isSnowflake(id) {
		return nil
	}
	row := []discordgo.MessageComponent{
		discordgo.Button{Label: l.tr(msgVoteUp), Style: discordgo.SecondaryButton,
			Emoji: &discordgo.ComponentEmoji{Name: "👍"}, CustomID: customID{Action: actUp, Answer: id}.String()},
		discordgo.Button{Label: l.tr(msgVoteDown), Style: discordgo.SecondaryButton,
			Emoji: &discordgo.ComponentEmoji{Name: "👎"}, CustomID: customID{Action: actDown, Answer: id}.String()},
	}
	if len(a.Passages) > 0 {
		p := a.Passages[0]
		if p.Paragraph >= 1 && p.Paragraph <= maxCitationPart && p.Sentence >= 1 && p.Sentence <= maxCitationPart {
			row = append(row, discordgo.Button{Label: l.tr(msgShowContext), Style: discordgo.SecondaryButton,
				CustomID: customID{Action: actContext, Answer: id, Doc: docKey(p.Doc), Paragraph: p.Paragraph, Sentence: p.Sentence}.String()})
		}
	}
	if shown := shownPassages(a); more && a.Answered && shown >= retrieval.DefaultTop && shown < maxShown {
		row = append(row, moreButton(id, shown, l))
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: row}}
}

func moreButton(id string, shown int, l lang) discordgo.Button {
	return discordgo.Button{Label: l.tr(msgMore), Style: discordgo.SecondaryButton,
		CustomID: customID{Action: actMore, Answer: id, Shown: shown}.String()}
}

// checkComponents reports every way components break Discord's limits.
func checkComponents(components []discordgo.MessageComponent) []error {
	var errs []error
	if len(components) > maxRows {
		errs = append(errs, fmt.Errorf("%d action rows, over %d", len(components), maxRows))
	}
	for i, c := range components {
		r, ok := c.(discordgo.ActionsRow)
		if !ok {
			errs = append(errs, fmt.Errorf("component %d is %T, not an action row", i, c))
			continue
		}
		if n := len(r.Components); n == 0 || n > maxButtons {
			errs = append(errs, fmt.Errorf("action row %d has %d buttons, want 1 to %d", i, n, maxButtons))
		}
		for j, c := range r.Components {
			b, ok := c.(discordgo.Button)
			if !ok {
				errs = append(errs, fmt.Errorf("row %d component %d is %T, not a button", i, j, c))
				continue
			}
			if len(b.CustomID) == 0 || len(b.CustomID) > maxCustomID {
				errs = append(errs, fmt.Errorf("row %d button %d custom_id is %d long, want 1 to %d", i, j, len(b.CustomID), maxCustomID))
			}
			if n := utf8.RuneCountInString(b.Label); n > maxLabel || n == 0 && b.Emoji == nil {
				errs = append(errs, fmt.Errorf("row %d button %d label is %d long, want 1 to %d or an emoji", i, j, n, maxLabel))
			}
		}
	}
	return errs
}

// onComponent answers a click on one of kutip's buttons. Every click gets
// one ephemeral response, seen by the clicker alone: the public answer
// stays as it was for everyone else.
func (b *Bot) onComponent(ctx context.Context, in *interaction) {
	defer func() {
		if p := recover(); p != nil {
			in.log.Error("button handler panicked", "panic", p, "stack", string(debug.Stack()))
		}
		in.finish()
	}()
	data := in.i.MessageComponentData()
	c, err := parseCustomID(data.CustomID)
	if err != nil {
		in.log.Info("unknown button", "custom_id", data.CustomID, "err", err)
		in.respond(shortReply(msgOldButton))
		return
	}
	in.log = in.log.With("button", c.Action, "answer", c.Answer)
	switch c.Action {
	case actUp, actDown:
		b.vote(ctx, in, c)
	case actContext:
		if v, ok := b.interactionView(ctx, in); ok { // the channel's folder (channels.go)
			in.respond(b.contextOf(v, c, in.lang))
		}
	case actMore:
		b.more(ctx, in, c)
	}
}

// contextOf is Show context: the cited sentence with its neighbours, from
// the corpus as it is now, as the channel sees it.
func (b *Bot) contextOf(v view, c customID, l lang) reply {
	for _, d := range v.Documents() {
		if docKey(d.ID) != c.Doc {
			continue
		}
		if _, ok := d.Sentence(c.Paragraph, c.Sentence); ok {
			return contextReply(&d, c.Paragraph, c.Sentence, l)
		}
	}
	return shortReply(msgContextGone).localized(l)
}

// contextReply renders the sentence (paragraph, sentence) of d with up to
// contextRadius sentences on each side, across paragraph breaks, each
// paragraph under its number; the cited sentence is bold and marked ▶.
// Every sentence is escaped, so only kutip's markup is live.
func contextReply(d *corpus.Document, paragraph, sentence int, l lang) reply {
	type at struct{ p, s int }
	var all []at
	target := -1
	for pi, p := range d.Paragraphs {
		for si, s := range p.Sentences {
			if p.N == paragraph && s.N == sentence && target < 0 {
				target = len(all)
			}
			all = append(all, at{pi, si})
		}
	}
	if target < 0 {
		return shortReply(msgContextGone).localized(l)
	}
	from, to := max(0, target-contextRadius), min(len(all), target+contextRadius+1)
	e := &discordgo.MessageEmbed{
		Title:  escapeClip(firstNonEmpty(oneLine(d.Title), oneLine(d.ID)), maxTitle),
		URL:    safeURL(d.URL),
		Color:  embedColor,
		Footer: &discordgo.MessageEmbedFooter{Text: clip(l.tr(msgContextTitle, paragraph, sentence)+". "+l.tr(msgContextFooter), maxFooter)},
	}
	// Each sentence gets an equal share of the description.
	share := (maxDescription - 20*(to-from)) / (to - from)
	var b strings.Builder
	last := -1
	for i := from; i < to; i++ {
		p := &d.Paragraphs[all[i].p]
		s := p.Sentences[all[i].s]
		if all[i].p != last {
			if b.Len() > 0 {
				b.WriteString("\n")
			}
			b.WriteString("**¶" + strconv.Itoa(p.N) + "**")
			if p.Kind == corpus.Caption {
				b.WriteString(l.tr(msgPhotoCaption))
			}
			b.WriteString("\n")
			last = all[i].p
		}
		if i == target {
			b.WriteString("> ▶ **" + escapeClip(oneLine(s.Text), share-10) + "**\n")
		} else {
			b.WriteString("> " + escapeClip(oneLine(s.Text), share-4) + "\n")
		}
	}
	e.Description = strings.TrimRight(b.String(), "\n")
	return reply{Embeds: []*discordgo.MessageEmbed{e}, Ephemeral: true}
}

// vote records the clicker's 👍 or 👎 on the answer (one per user and
// answer: a second click of the other button changes it) and acknowledges
// it. The vote is written before the acknowledgement, so an acknowledged
// vote is never lost.
func (b *Bot) vote(ctx context.Context, in *interaction, c customID) {
	// Every vote is a durable write; the question budget keeps one user
	// from turning clicks into a stream of them.
	if !b.allow(in, kindQuestion) {
		return
	}
	v, ack := feedback.Up, msgVotedUp
	if c.Action == actDown {
		v, ack = feedback.Down, msgVotedDown
	}
	t, err := b.opts.Feedback.Vote(ctx, c.Answer, userID(in.i), v)
	if err != nil {
		b.metrics.errors.Inc()
		in.log.ErrorContext(ctx, "vote not recorded", "err", err)
		in.respond(shortReply(msgVoteFailed))
		return
	}
	in.log.InfoContext(ctx, "voted", "vote", v.String(), "up", t.Up, "down", t.Down)
	in.respond(shortReply(ack))
}

// pager is what More needs of the index: the best top passages for a
// question, read as a follow-up of the question before it when there was
// one, in the whole corpus or one folder. *retrieval.Index and
// *retrieval.Live have it.
type pager interface {
	AskTopFollowUpIn(ctx context.Context, scope retrieval.Scope, previous, question string, top int) (retrieval.Answer, error)
}

var (
	_ pager = (*retrieval.Index)(nil)
	_ pager = (*retrieval.Live)(nil)
)

// more is the More button: the next passages for the answer's question,
// which the feedback store recalls, shown to the clicker alone. It asks
// the index again, for the shown passages and the next page, and leaves
// out every passage shown already (those the store recorded and the first
// c.Shown), so that a hot reload in between cannot repeat one. A further
// More button follows while there may be more, up to maxShown in all.
//
// The passages come as an ephemeral message rather than an edit of the
// answer: the answer is public, and one user paging through passages
// should not change what the rest of the channel reads, or take away the
// cited sentence they voted on.
func (b *Bot) more(ctx context.Context, in *interaction, c customID) {
	v, ok := b.interactionView(ctx, in) // the channel's folder (channels.go)
	if !ok {
		return
	}
	askTop, ok := v.pager()
	if !ok {
		in.respond(shortReply(msgOldButton))
		return
	}
	if !b.allow(in, kindQuestion) {
		return
	}
	in.answer(ctx, true, func(ctx context.Context) (reply, error) {
		rec, found, err := b.opts.Feedback.Recall(ctx, c.Answer)
		if err != nil {
			return reply{}, fmt.Errorf("recall answer: %w", err)
		}
		if !found || strings.TrimSpace(rec.Question) == "" {
			in.log.InfoContext(ctx, "more: answer not recalled")
			return shortReply(msgMoreGone).localized(in.lang), nil
		}
		top := min(c.Shown+retrieval.DefaultTop, maxShown)
		// A follow-up ("and North Korea?") pages as it was answered: with
		// the subject of the question it followed.
		a, err := askTop(ctx, rec.Previous, rec.Question, top)
		if err != nil {
			return reply{}, fmt.Errorf("ask for more: %w", err)
		}
		seen := map[corpus.Citation]bool{}
		for _, p := range rec.Passages {
			seen[corpus.Citation{Doc: p.Doc, Paragraph: p.Paragraph, Sentence: p.Sentence}] = true
		}
		var next []retrieval.Passage
		for i, p := range a.Passages {
			if i >= c.Shown && !seen[p.Citation()] {
				next = append(next, p)
			}
		}
		in.log.InfoContext(ctx, "more", "shown", c.Shown, "next", len(next))
		return moreReply(rec.Question, next, c.Answer, top, len(a.Passages) == top && top < maxShown, in.lang), nil
	})
}

// moreReply renders the next passages for question: one field each, and
// a More button for the page after when there may be one (shown passages
// were asked for in all so far).
func moreReply(question string, next []retrieval.Passage, id string, shown int, further bool, l lang) reply {
	if len(next) == 0 {
		return shortReply(msgMoreNone).localized(l)
	}
	head := l.tr(msgMoreTitle, "")
	e := &discordgo.MessageEmbed{
		Title: l.tr(msgMoreTitle, escapeInline(oneLine(question), maxTitle-width(head))),
		Color: embedColor,
	}
	for _, p := range next {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{
			Name:  l.tr(msgRelated),
			Value: passageText(p, 100, maxFieldValue, l),
		})
	}
	r := reply{Embeds: []*discordgo.MessageEmbed{e}, Ephemeral: true}
	if further {
		r.Components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{moreButton(id, shown, l)}}}
	}
	return r
}

// shownPassages is how many of a's passages its reply shows: up to
// retrieval.DefaultTop for an answer, the one "maybe related" for an
// abstention.
func shownPassages(a retrieval.Answer) int {
	if !a.Answered {
		return min(1, len(a.Passages))
	}
	return min(retrieval.DefaultTop, len(a.Passages))
}
