package bot

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"kutip/corpus"
	"kutip/retrieval"
)

// Rendering turns answers into Discord messages. Every function here is pure:
// text in, a reply out, no I/O. Two rules hold for every reply:
//
//   - Text that comes from a user or from the corpus is escaped, so that
//     Discord shows it literally: no markdown, no masked links, no mentions.
//     Only the markup written here ("> ", "**", the citation link) is live.
//   - Every part stays inside Discord's limits, counted in UTF-16 code units
//     (what Discord's clients count; never fewer than code points), and is cut
//     on a rune boundary with "…", so the result is always valid UTF-8.

// Discord's message limits.
const (
	maxContent     = 2000
	maxTitle       = 256
	maxDescription = 4096
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFooter      = 2048
	maxAuthor      = 256
	maxEmbedTotal  = 6000 // the sum of all embeds' text in one message
	maxFields      = 25
	maxEmbeds      = 10
	maxChoices     = 25  // autocomplete choices
	maxChoiceName  = 100 // autocomplete choice name and value
)

// embedColor is the bar colour of kutip's embeds.
const embedColor = 0x2f6f9f

// reply is one message: the content, embeds and buttons of an interaction
// response, an edit of @original, or a channel message. Ephemeral applies
// to interaction responses only.
type reply struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
	Ephemeral  bool
	// Abstained marks the reply to a question the corpus does not answer.
	Abstained bool
	// key, when set, names the catalogue sentence that is the whole
	// content, so that localized can give it in the reader's language.
	key msg
}

// shortReply is an ephemeral reply made of one sentence of the catalogue,
// in English until localized.
func shortReply(m msg) reply {
	return reply{Content: english.tr(m), Ephemeral: true, key: m}
}

// localized returns r in language l: a short reply's sentence is looked up
// again; any other reply was rendered in its language already.
func (r reply) localized(l lang) reply {
	if r.key != msgNone {
		r.Content = l.tr(r.key)
	}
	return r
}

// noMentions is the allowed_mentions of every message kutip sends: an empty
// parse list, so that nobody is pinged whatever the text says, not even the
// author of a message kutip replies to.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// width is the length of s as Discord counts it.
func width(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// The characters escape puts a backslash before: Discord's markdown (bold,
// italics, underline, strike-through, code, spoilers, quotes, headings,
// lists, subtext, masked links) and the "<" of mentions, channels, emoji and
// timestamps.
const markdownChars = "\\*_~`|>#-[]()<"

// isBidiControl reports whether r is one of Unicode's explicit bidirectional
// formatting characters: the embeddings and overrides (U+202A–U+202E), the
// isolates (U+2066–U+2069) and the marks (U+200E, U+200F, U+061C). A title or
// quote holding them can make Discord show text in another order than it has
// (U+202E then "fdp.exe" shows as "exe.pdf"), and an unclosed one reorders
// the rest of the line: our citation, the paragraph number. kutip drops them from every
// text it did not write; the letters stay, so right-to-left text still shows
// in its own direction, and escapeInline isolates it inside kutip's lines.
func isBidiControl(r rune) bool {
	return (r >= '‪' && r <= '‮') || (r >= '⁦' && r <= '⁩') ||
		r == '‎' || r == '‏' || r == '؜'
}

// dropBidi returns s without its bidirectional formatting characters.
func dropBidi(s string) string {
	if !strings.ContainsFunc(s, isBidiControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isBidiControl(r) {
			return -1
		}
		return r
	}, s)
}

// isRTL reports whether r is a letter of a right-to-left script: Hebrew,
// Arabic, Syriac, Thaana, N'Ko and their neighbours, their presentation
// forms, and the right-to-left blocks above the BMP.
func isRTL(r rune) bool {
	return (r >= 0x0590 && r <= 0x08ff) || (r >= 0xfb1d && r <= 0xfdff) ||
		(r >= 0xfe70 && r <= 0xfefe) || (r >= 0x10800 && r <= 0x10fff) ||
		(r >= 0x1e800 && r <= 0x1efff)
}

// escapeInline is escapeClip for text set inside a line of kutip's own (a
// citation's title, a topic, a document's name): when it holds
// right-to-left letters it is wrapped in a first-strong isolate (U+2068 …
// U+2069), the only bidirectional controls kutip writes, so that it shows
// in its own direction without taking the line's direction, and the label
// or paragraph number after it stays where it is. The isolate counts in
// max.
func escapeInline(s string, max int) string {
	if !strings.ContainsFunc(s, isRTL) {
		return escapeClip(s, max)
	}
	e := escapeClip(s, max-2)
	if e == "" {
		return ""
	}
	return "\u2068" + e + "\u2069"
}

// appendEscaped writes r to b as it must be written to show literally, and
// returns the width it added.
func appendEscaped(b *strings.Builder, r rune) int {
	switch {
	case isBidiControl(r):
		return 0
	case r == '@':
		// A zero-width space after @ breaks @everyone and @here.
		b.WriteString("@\u200b")
		return 2
	case r == utf8.RuneError:
		b.WriteRune('\uFFFD')
		return 1
	case r < utf8.RuneSelf && strings.IndexByte(markdownChars, byte(r)) >= 0:
		b.WriteByte('\\')
		b.WriteByte(byte(r))
		return 2
	case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
		// Quoted text stays on one line, so a newline cannot end the quote
		// or start a heading.
		b.WriteByte(' ')
		return 1
	}
	b.WriteRune(r)
	return utf16.RuneLen(r)
}

// escapedWidth is the width r takes once escaped.
func escapedWidth(r rune) int {
	switch {
	case isBidiControl(r):
		return 0
	case r == '@':
		return 2
	case r == utf8.RuneError:
		return 1
	case r < utf8.RuneSelf && strings.IndexByte(markdownChars, byte(r)) >= 0:
		return 2
	case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
		return 1
	}
	return utf16.RuneLen(r)
}

// escape makes s show literally in Discord and mention nobody. Invalid UTF-8
// becomes U+FFFD and line breaks become spaces.
func escape(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for _, r := range s {
		appendEscaped(&b, r)
	}
	return b.String()
}

// escapedLen is width(escape(s)), without building it.
func escapedLen(s string) int {
	n := 0
	for _, r := range s {
		n += escapedWidth(r)
	}
	return n
}

// escapeClip is escape cut to at most max units, ending with "…" when cut.
// It never cuts inside an escape, so the result never ends in a stray
// backslash.
func escapeClip(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if escapedLen(s) <= max {
		return escape(s)
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		w := escapedWidth(r)
		if n+w+1 > max {
			break
		}
		n += appendEscaped(&b, r)
	}
	return strings.TrimRight(b.String(), " ") + "…"
}

// escapeClipLeft is escapeClip keeping the end of s, starting with "…" when
// cut.
func escapeClipLeft(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if escapedLen(s) <= max {
		return escape(s)
	}
	// Find where the kept end starts, then escape it in order.
	n, from := 0, len(s)
	for from > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:from])
		w := escapedWidth(r)
		if n+w+1 > max {
			break
		}
		n += w
		from -= size
	}
	var b strings.Builder
	b.WriteString("…")
	for _, r := range s[from:] {
		appendEscaped(&b, r)
	}
	return strings.Replace(b.String(), "… ", "…", 1)
}

// clip cuts plain text (no markdown: a footer, an author name, an
// autocomplete choice) to max units with "…", on a rune boundary. It drops
// bidirectional formatting characters, as escape does.
func clip(s string, max int) string {
	s = dropBidi(strings.ToValidUTF8(s, "\uFFFD"))
	if width(s) <= max {
		return s
	}
	if max <= 0 {
		return ""
	}
	n := 0
	for i, r := range s {
		if n+utf16.RuneLen(r)+1 > max {
			return strings.TrimRight(s[:i], " ") + "…"
		}
		n += utf16.RuneLen(r)
	}
	return s
}

// oneLine collapses runs of white space to single spaces and trims. It drops
// bidirectional formatting characters, so that a text made only of them is
// empty and its fallback (a document's ID for its title) is used.
func oneLine(s string) string {
	return strings.Join(strings.Fields(dropBidi(strings.ToValidUTF8(s, "\uFFFD"))), " ")
}

// quote renders a sentence as a Discord quote line with its answer span in
// bold, in at most limit units. When the sentence is too long it is cut
// around the span, so the bold answer stays visible.
func quote(text, span string, limit int) string {
	const prefix = "> "
	text = oneLine(text)
	span = oneLine(span)
	budget := limit - len(prefix)
	if budget <= 1 {
		return clip(prefix, limit)
	}
	i := -1
	if span != "" {
		i = strings.Index(text, span)
	}
	if i < 0 {
		return prefix + escapeClip(text, budget)
	}
	before, after := text[:i], text[i+len(span):]
	const bold = "**"
	// The span itself gets at most half the budget.
	es := escapeClip(span, min(escapedLen(span), budget/2-2*len(bold)))
	if es == "" {
		return prefix + escapeClip(text, budget)
	}
	rest := budget - width(es) - 2*len(bold)
	eb, ea := escape(before), escape(after)
	if width(eb)+width(ea) > rest {
		// Keep as much of the text before the span as fits in half of what
		// is left, or more when the text after is short.
		nb := min(width(eb), max(rest/2, rest-width(ea)))
		eb = escapeClipLeft(before, nb)
		ea = escapeClip(after, rest-width(eb))
	}
	return prefix + eb + bold + es + bold + ea
}

// safeURL returns u if it is an absolute http(s) URL fit for a masked link
// and an embed's url field, with the characters that would end the link
// percent-encoded, and "" otherwise.
func safeURL(u string) string {
	u = strings.TrimSpace(u)
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || len(u) > 512 {
		return ""
	}
	return strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E", "[", "%5B", "]", "%5D").Replace(p.String())
}

// citation renders where a passage comes from: the title (a link when the
// document has a URL), paragraph and sentence. The title gets at most
// titleMax units.
func citation(p retrieval.Passage, titleMax int, l lang) string {
	title := escapeInline(oneLine(p.Title), titleMax)
	if title == "" {
		title = escapeInline(oneLine(p.Doc), titleMax)
	}
	if u := safeURL(p.URL); u != "" {
		title = "[" + title + "](" + u + ")"
	}
	c := "— " + title + ", " + l.cite(p.Paragraph, p.Sentence)
	if p.Kind == string(corpus.Caption) {
		c += l.tr(msgPhotoCaption)
	}
	return c
}

// passageText renders a passage as its quote and citation in max units.
func passageText(p retrieval.Passage, titleMax, max int, l lang) string {
	cite := citation(p, titleMax, l)
	if width(cite) > max/2 {
		cite = clip("— "+l.cite(p.Paragraph, p.Sentence), max/2)
	}
	return quote(p.Text, p.Answer, max-width(cite)-1) + "\n" + cite
}

// maxLead is the longest answer span an answer leads with; a longer one (a
// reason clause) is cut, and shows whole, in bold, in the quote below it.
const maxLead = 200

// answerReply renders an answer in language l. When the best passage has
// a typed answer span ("6 November"), the message leads with it in bold;
// then an embed whose title is the question, whose description is the best
// sentence quoted with its answer in bold and its citation, and whose
// fields are up to two related passages. An abstention renders as
// notInCorpus. Buttons are added apart (answerButtons).
func answerReply(a retrieval.Answer, docs int, l lang) reply {
	if !a.Answered || len(a.Passages) == 0 {
		return notInCorpus(a, docs, l)
	}
	e := &discordgo.MessageEmbed{
		Title: escapeClip(oneLine(a.Question), maxTitle),
		Color: embedColor,
	}
	related := l.tr(msgRelated)
	var lead string
	if a.Topic {
		// A topic, not a question ("kursk"): say that the sentences are
		// about it, rather than quote one as if it answered something.
		head := msgTopicOne
		if docs > 1 {
			head = msgTopicMany
		}
		e.Title = l.tr(head, escapeInline(oneLine(a.Question), maxTitle-width(l.tr(head, ""))))
		related = l.tr(msgAlsoAbout)
	} else if span := escapeClip(oneLine(a.Passages[0].Answer), maxLead); span != "" {
		lead = "**" + span + "**"
	}
	for _, p := range a.Passages[1:min(len(a.Passages), retrieval.DefaultTop)] {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{
			Name:  related,
			Value: passageText(p, 100, maxFieldValue, l),
		})
	}
	e.Description = passageText(a.Passages[0], 200, min(maxDescription, maxEmbedTotal-embedLen(e)), l)
	return reply{Content: lead, Embeds: []*discordgo.MessageEmbed{e}}
}

// notInCorpus is the reply when the corpus has no answer: plain text that
// says so, a hint, and the nearest passage when retrieval found one close.
func notInCorpus(a retrieval.Answer, docs int, l lang) reply {
	m := msgNotInOne
	if docs > 1 {
		m = msgNotInMany
	}
	text := l.tr(m)
	if len(a.Passages) > 0 {
		head := "\n\n" + l.tr(msgMaybeRelated) + "\n"
		text += head + passageText(a.Passages[0], 100, maxContent-width(text)-width(head), l)
	}
	return reply{Content: text, Abstained: true}
}

// summaryReply renders a summary in language l as an embed: the document's
// title (a link when it has a URL) and its chosen sentences in article
// order, each quoted with its paragraph and sentence.
func summaryReply(s retrieval.Summary, topic string, l lang) reply {
	e := &discordgo.MessageEmbed{
		Title: escapeClip(firstNonEmpty(oneLine(s.Title), oneLine(s.Doc)), maxTitle),
		URL:   safeURL(s.URL),
		Color: embedColor,
	}
	head := l.tr(msgSummaryHead, l.count(len(s.Sentences), msgSentence, msgSentences))
	if t := oneLine(topic); t != "" {
		head += l.tr(msgSummaryOn, escapeInline(t, 100))
	}
	var b strings.Builder
	b.WriteString(head + ":")
	left := min(maxDescription, maxEmbedTotal-embedLen(e)) - width(head) - 1
	for i, p := range s.Sentences {
		cite := " (" + l.cite(p.Paragraph, p.Sentence) + ")"
		// Share what is left fairly among the sentences still to come.
		share := left/(len(s.Sentences)-i) - width(cite) - 1
		line := "\n" + quote(p.Text, "", share) + cite
		if share < 20 {
			break
		}
		b.WriteString(line)
		left -= width(line)
	}
	e.Description = b.String()
	return reply{Embeds: []*discordgo.MessageEmbed{e}}
}

// topicNotFound is the reply when a summary's topic is not in the document.
func topicNotFound(s retrieval.Summary, topic string, l lang) reply {
	title := escapeInline(firstNonEmpty(oneLine(s.Title), oneLine(s.Doc)), 300)
	return reply{
		Content:   l.tr(msgTopicNotFound, title, escapeInline(oneLine(topic), 200)),
		Ephemeral: true,
	}
}

// sourceReply renders the corpus: totals, then one field per document with
// its language, paragraph and sentence counts, date and link, as many as
// fit in one message, in language l.
func sourceReply(docs []corpus.Document, l lang) reply {
	paras, sents := 0, 0
	for i := range docs {
		paras += len(docs[i].Paragraphs)
		sents += docs[i].SentenceCount()
	}
	e := &discordgo.MessageEmbed{
		Title: l.tr(msgSourceTitle),
		Color: embedColor,
	}
	desc := l.tr(msgSourceDesc, l.count(len(docs), msgDocument, msgDocuments),
		l.count(paras, msgParagraph, msgParagraphs), l.count(sents, msgSentence, msgSentences))
	const moreLen = 40 // room for "\n…and N more, not listed here."
	budget := maxEmbedTotal - width(e.Title) - width(desc) - moreLen
	shown := 0
	for i := range docs {
		if shown == maxFields {
			break
		}
		d := &docs[i]
		name := strings.TrimSpace(escapeClip(firstNonEmpty(oneLine(d.Title), oneLine(d.ID)), maxFieldName))
		if name == "" {
			name = l.tr(msgUntitled)
		}
		f := &discordgo.MessageEmbedField{Name: name, Value: docLine(d, l)}
		if width(f.Name)+width(f.Value) > budget {
			break
		}
		budget -= width(f.Name) + width(f.Value)
		e.Fields = append(e.Fields, f)
		shown++
	}
	if shown < len(docs) {
		desc += l.tr(msgSourceMore, len(docs)-shown)
	}
	e.Description = desc
	return reply{Embeds: []*discordgo.MessageEmbed{e}}
}

// docLine is a document's line in /source, in language l.
func docLine(d *corpus.Document, l lang) string {
	parts := []string{language(d.Lang, l), l.count(len(d.Paragraphs), msgParagraph, msgParagraphs), l.count(d.SentenceCount(), msgSentence, msgSentences)}
	if d.Published != "" {
		parts = append(parts, l.tr(msgPublished, escapeClip(oneLine(d.Published), 40)))
	}
	line := strings.Join(parts, " · ")
	if u := safeURL(d.URL); u != "" && width(line)+width(u)+20 <= maxFieldValue {
		line += " · [" + l.tr(msgLink) + "](" + u + ")"
	}
	return line
}

// language names a document's language code in language l.
func language(code string, l lang) string {
	switch code {
	case "id":
		return l.tr(msgLangID)
	case "en":
		return l.tr(msgLangEN)
	case "":
		return l.tr(msgLangUnknown)
	}
	return escapeClip(code, 20)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// helpReply explains how to use kutip, in language l with the commands as
// that language's users see them.
func helpReply(docs int, l lang) reply {
	what := l.tr(msgHelpOne)
	if docs > 1 {
		what = l.tr(msgHelpMany, docs)
	}
	names := [5]string{"/ask question", "/summary", "/source", "Mention me", "Ask kutip"}
	if l == indonesian {
		names = [5]string{"/" + commandsID[cmdAsk].name + " " + commandsID[cmdAsk+".question"].name,
			"/" + commandsID[cmdSummary].name, "/" + commandsID[cmdSource].name, "Sebut saya", commandsID[cmdMenuAsk].name}
	}
	e := &discordgo.MessageEmbed{
		Title:       l.tr(msgHelpTitle),
		Color:       embedColor,
		Description: l.tr(msgHelpBody, what),
		Fields: []*discordgo.MessageEmbedField{
			{Name: names[0], Value: l.tr(msgHelpAsk)},
			{Name: names[1], Value: l.tr(msgHelpSummary)},
			{Name: names[2], Value: l.tr(msgHelpSource)},
			{Name: names[3], Value: l.tr(msgHelpMention)},
			{Name: names[4], Value: l.tr(msgHelpMenu)},
			{Name: l.tr(msgHelpButtonsName), Value: l.tr(msgHelpButtons)},
		},
	}
	return reply{Embeds: []*discordgo.MessageEmbed{e}, Ephemeral: true}
}

// rateLimited tells a user, in language l, when to ask again.
func rateLimited(k kind, retry time.Time, opts Options, l lang) reply {
	count, window := opts.budget(k)
	m, what := msgRateQuestions, l.count(count, msgQuestion, msgQuestions)
	if k == kindSummary {
		m, what = msgRateSummaries, l.count(count, msgSummary, msgSummaries)
	}
	return reply{
		Content:   l.tr(m, what, inWords(window, l), retry.Unix()+1),
		Ephemeral: true,
	}
}

func inWords(d time.Duration, l lang) string {
	switch {
	case d%time.Hour == 0:
		return l.count(int(d/time.Hour), msgHour, msgHours)
	case d%time.Minute == 0:
		return l.count(int(d/time.Minute), msgMinute, msgMinutes)
	case d%time.Second == 0 && d < 10*time.Minute:
		return l.count(int(d/time.Second), msgSecond, msgSeconds)
	}
	return d.String()
}

// unknownDoc is the reply when /summary names no document of the corpus.
func unknownDoc(name string, l lang) reply {
	return reply{
		Content:   l.tr(msgUnknownDoc, escapeInline(oneLine(name), 200)),
		Ephemeral: true,
	}
}

// Short replies, ephemeral, in English until localized.
var (
	failed      = shortReply(msgFailed)
	emptyAsk    = shortReply(msgEmptyAsk)
	noText      = shortReply(msgNoText)
	unknownCmd  = shortReply(msgUnknownCmd)
	noSentences = shortReply(msgNoSentences)
	// summaryInFlight answers a second /summary from a user whose first is
	// still being made; summariesBusy one that found every summary slot
	// taken for summaryQueueWait.
	summaryInFlight = shortReply(msgSummaryInFlight)
	summariesBusy   = shortReply(msgSummariesBusy)
)

// embedLen is the text of e that counts towards maxEmbedTotal.
func embedLen(e *discordgo.MessageEmbed) int {
	n := width(e.Title) + width(e.Description)
	for _, f := range e.Fields {
		n += width(f.Name) + width(f.Value)
	}
	if e.Footer != nil {
		n += width(e.Footer.Text)
	}
	if e.Author != nil {
		n += width(e.Author.Name)
	}
	return n
}

// check reports every way r breaks Discord's limits or is not valid UTF-8.
// Rendering never produces such a reply; check guards against a bug
// reaching Discord as a 400 error.
func (r reply) check() error {
	var errs []error
	limit := func(what, s string, max int) {
		if !utf8.ValidString(s) {
			errs = append(errs, fmt.Errorf("%s is not valid UTF-8", what))
		}
		if w := width(s); w > max {
			errs = append(errs, fmt.Errorf("%s is %d long, over %d", what, w, max))
		}
	}
	limit("content", r.Content, maxContent)
	if r.Content == "" && len(r.Embeds) == 0 {
		errs = append(errs, errors.New("empty message"))
	}
	if len(r.Embeds) > maxEmbeds {
		errs = append(errs, fmt.Errorf("%d embeds, over %d", len(r.Embeds), maxEmbeds))
	}
	total := 0
	for i, e := range r.Embeds {
		p := fmt.Sprintf("embed %d ", i)
		limit(p+"title", e.Title, maxTitle)
		limit(p+"description", e.Description, maxDescription)
		if len(e.Fields) > maxFields {
			errs = append(errs, fmt.Errorf("%s has %d fields, over %d", p, len(e.Fields), maxFields))
		}
		for j, f := range e.Fields {
			limit(fmt.Sprintf("%sfield %d name", p, j), f.Name, maxFieldName)
			limit(fmt.Sprintf("%sfield %d value", p, j), f.Value, maxFieldValue)
			if strings.TrimSpace(f.Name) == "" || strings.TrimSpace(f.Value) == "" {
				errs = append(errs, fmt.Errorf("%sfield %d is empty", p, j))
			}
		}
		if e.Footer != nil {
			limit(p+"footer", e.Footer.Text, maxFooter)
		}
		if e.Author != nil {
			limit(p+"author", e.Author.Name, maxAuthor)
		}
		total += embedLen(e)
	}
	if total > maxEmbedTotal {
		errs = append(errs, fmt.Errorf("embeds total %d, over %d", total, maxEmbedTotal))
	}
	errs = append(errs, checkComponents(r.Components)...)
	return errors.Join(errs...)
}

// interactionData is r as the data of an interaction response.
func (r reply) interactionData() *discordgo.InteractionResponseData {
	d := &discordgo.InteractionResponseData{
		Content:         r.Content,
		Embeds:          r.embeds(),
		Components:      r.Components,
		AllowedMentions: noMentions(),
	}
	if r.Ephemeral {
		d.Flags = discordgo.MessageFlagsEphemeral
	}
	return d
}

// webhookEdit is r as an edit of a deferred response. Content, embeds and
// components are always sent, so that the edit replaces whatever was there.
func (r reply) webhookEdit() *discordgo.WebhookEdit {
	content, embeds, components := r.Content, r.embeds(), r.components()
	return &discordgo.WebhookEdit{Content: &content, Embeds: &embeds, Components: &components, AllowedMentions: noMentions()}
}

// messageSend is r as a reply to message ref in its channel.
func (r reply) messageSend(ref *discordgo.MessageReference) *discordgo.MessageSend {
	return &discordgo.MessageSend{
		Content:         r.Content,
		Embeds:          r.embeds(),
		Components:      r.Components,
		AllowedMentions: noMentions(),
		Reference:       ref,
	}
}

// components is r's buttons, never nil, so that an edit removes any.
func (r reply) components() []discordgo.MessageComponent {
	if r.Components == nil {
		return []discordgo.MessageComponent{}
	}
	return r.Components
}

func (r reply) embeds() []*discordgo.MessageEmbed {
	if r.Embeds == nil {
		return []*discordgo.MessageEmbed{}
	}
	return r.Embeds
}
