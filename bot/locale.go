package bot

import (
	"fmt"
	"strconv"

	"github.com/bwmarrin/discordgo"

	"kutip/retrieval"
)

// kutip speaks English and Indonesian: its own sentences (never the quotes,
// which stay as the article wrote them) come from the catalogue below in
// the reader's language.
//
// Which language a reply is in:
//
//   - An interaction carries the user's client language (Interaction.Locale):
//     "id" is Indonesian, anything else English. It is the user's own
//     setting, so it wins over what the question looks like.
//   - A mention or a DM carries no locale. A reply to a question follows
//     the language retrieval detected in the question (retrieval.Answer.Lang):
//     someone who writes "kapan Rusia meratifikasi?" reads Indonesian. The
//     detector weighs the question's function words against each language's
//     lexicon and falls back to English, so a short or mixed question reads
//     as English, the default. Replies before a question is read (the hint
//     for an empty mention, a rate limit) are in English.

// lang is a language kutip writes its own sentences in.
type lang int

// The languages of the catalogue; the zero value is English.
const (
	english lang = iota
	indonesian
	numLangs
)

// localeID is Discord's locale for Indonesian (discordgo v0.29 predates it).
const localeID discordgo.Locale = "id"

// localeLang is the language of an interaction's locale: Indonesian for
// Discord's "id", English for every other locale and for none.
func localeLang(l discordgo.Locale) lang {
	if l == localeID {
		return indonesian
	}
	return english
}

// questionLang is the language of a question retrieval detected ("id",
// "en", …): Indonesian for "id", English otherwise.
func questionLang(code string) lang {
	if code == "id" {
		return indonesian
	}
	return english
}

// msg names a sentence of the catalogue.
type msg int

// The catalogue's keys. A sentence with fmt verbs takes the same verbs, in
// the same order, in every language (TestCatalogue checks it).
const (
	msgNone msg = iota // not a sentence: a reply that is not from the catalogue
	msgRelated
	msgAlsoAbout
	msgTopicOne
	msgTopicMany
	msgNotInOne
	msgNotInMany
	msgMaybeRelated
	msgCitation
	msgPhotoCaption
	msgShowContext
	msgMore
	msgVoteUp
	msgVoteDown
	msgContextTitle
	msgContextFooter
	msgContextGone
	msgMoreTitle
	msgMoreNone
	msgMoreGone
	msgVotedUp
	msgVotedDown
	msgVoteFailed
	msgOldButton
	msgFailed
	msgEmptyAsk
	msgNoText
	msgUnknownCmd
	msgNoSentences
	msgSummaryInFlight
	msgSummariesBusy
	msgRateQuestions
	msgRateSummaries
	msgQuestion
	msgQuestions
	msgSummary
	msgSummaries
	msgHour
	msgHours
	msgMinute
	msgMinutes
	msgSecond
	msgSeconds
	msgHelpTitle
	msgHelpOne
	msgHelpMany
	msgHelpBody
	msgHelpAsk
	msgHelpSummary
	msgHelpSource
	msgHelpMention
	msgHelpMenu
	msgNoCorpus
	msgHelpButtonsName
	msgHelpButtons
	msgSummaryHead
	msgSummaryOn
	msgSentence
	msgSentences
	msgTopicNotFound
	msgUnknownDoc
	msgSourceTitle
	msgSourceDesc
	msgSourceMore
	msgUntitled
	msgPublished
	msgLink
	msgDocument
	msgDocuments
	msgParagraph
	msgParagraphs
	msgLangID
	msgLangEN
	msgLangUnknown
	msgThreadHint         // thread.go
	msgThreadNoPermission // thread.go
	msgThreadFailed       // thread.go
	msgThreadNotHere      // thread.go
	msgReplyUnread        // message.go: a reply to kutip without its @
	msgThreadNoAccess     // thread.go: a channel kutip cannot see
	numMsgs
)

// catalogue holds every sentence in every language, by key.
var catalogue = [numMsgs][numLangs]string{
	msgRelated:      {"Related", "Terkait"},
	msgAlsoAbout:    {"Also about it", "Juga tentang itu"},
	msgTopicOne:     {"Here is what the article says about %s:", "Inilah yang dikatakan artikel tentang %s:"},
	msgTopicMany:    {"Here is what the articles say about %s:", "Inilah yang dikatakan artikel-artikel tentang %s:"},
	msgNotInOne:     {"**Not in the article.** I only quote sentences from the article, and none of them answers that. Try the words the article would use, or see `/source` for what I have.", "**Artikel tidak menyebutkannya.** Saya hanya mengutip kalimat dari artikel, dan tidak satu pun menjawab itu. Coba kata-kata yang dipakai artikel, atau lihat `/sumber` untuk apa yang saya punya."},
	msgNotInMany:    {"**Not in the articles.** I only quote sentences from the articles, and none of them answers that. Try the words the article would use, or see `/source` for what I have.", "**Artikel-artikel tidak menyebutkannya.** Saya hanya mengutip kalimat dari artikel, dan tidak satu pun menjawab itu. Coba kata-kata yang dipakai artikel, atau lihat `/sumber` untuk apa yang saya punya."},
	msgMaybeRelated: {"Maybe related:", "Mungkin terkait:"},
	msgCitation:     {"¶%d, sentence %d", "¶%d, kalimat %d"},
	msgPhotoCaption: {" (photo caption)", " (keterangan foto)"},
	msgShowContext:  {"Show context", "Lihat konteks"},
	msgMore:         {"More", "Lainnya"},
	msgVoteUp:       {"Helpful", "Membantu"},
	msgVoteDown:     {"Not helpful", "Tidak membantu"},
	msgContextTitle: {"Around ¶%d, sentence %d", "Sekitar ¶%d, kalimat %d"},
	msgContextFooter: {"The cited sentence is in bold, marked ▶.",
		"Kalimat yang dikutip dicetak tebal, bertanda ▶."},
	msgContextGone: {"That sentence is no longer in the articles I have. Ask the question again for a fresh answer.",
		"Kalimat itu sudah tidak ada di artikel yang saya punya. Ajukan lagi pertanyaannya untuk jawaban baru."},
	msgMoreTitle: {"More for: %s", "Lainnya untuk: %s"},
	msgMoreNone:  {"That is everything I found for this question.", "Hanya itu yang saya temukan untuk pertanyaan ini."},
	msgMoreGone: {"I no longer have that question. Please ask it again.",
		"Saya tidak lagi menyimpan pertanyaan itu. Silakan ajukan lagi."},
	msgVotedUp: {"Thanks, noted 👍. Click 👎 to change your vote.",
		"Terima kasih, tercatat 👍. Klik 👎 untuk mengubah suara Anda."},
	msgVotedDown: {"Thanks, noted 👎: it tells whoever keeps the articles what they lack. Click 👍 to change your vote.",
		"Terima kasih, tercatat 👎: ini memberi tahu pengelola artikel apa yang kurang. Klik 👍 untuk mengubah suara Anda."},
	msgVoteFailed: {"Sorry, I could not record your vote. Please try again in a moment.",
		"Maaf, suara Anda tidak dapat saya catat. Silakan coba lagi sebentar lagi."},
	msgOldButton: {"That button no longer works. Ask the question again for a fresh answer.",
		"Tombol itu sudah tidak berfungsi. Ajukan lagi pertanyaannya untuk jawaban baru."},
	msgFailed: {"Sorry, something went wrong on my side. Please try again in a moment.",
		"Maaf, ada yang salah di pihak saya. Silakan coba lagi sebentar lagi."},
	msgEmptyAsk: {"Ask me a question about the article, for example `when did Russia ratify?`",
		"Ajukan pertanyaan tentang artikel, misalnya `kapan Rusia meratifikasi?`"},
	msgNoText: {"That message has no text I can read as a question.",
		"Pesan itu tidak berisi teks yang bisa saya baca sebagai pertanyaan."},
	msgUnknownCmd: {"I don't know that command any more; it may take a minute for Discord to update the list.",
		"Saya sudah tidak mengenal perintah itu; Discord mungkin perlu semenit untuk memperbarui daftarnya."},
	msgNoSentences: {"That document has no body text to summarise.",
		"Dokumen itu tidak berisi teks untuk diringkas."},
	msgSummaryInFlight: {"I'm still making your last summary; it will be posted here. Ask for another once it is.",
		"Saya masih membuat ringkasan Anda sebelumnya; ringkasan itu akan dikirim di sini. Mintalah yang lain setelahnya."},
	msgSummariesBusy: {"I'm busy making other summaries right now. Please try again in a minute; questions (`/ask`) are answered meanwhile.",
		"Saya sedang sibuk membuat ringkasan lain. Silakan coba lagi semenit lagi; pertanyaan (`/tanya`) tetap dijawab."},
	msgRateQuestions: {"You're asking faster than I answer: up to %s every %s. Try again <t:%d:R>.",
		"Anda bertanya lebih cepat daripada saya menjawab: paling banyak %s setiap %s. Coba lagi <t:%d:R>."},
	msgRateSummaries: {"You're asking for summaries faster than I make them: up to %s every %s. Try again <t:%d:R>.",
		"Anda meminta ringkasan lebih cepat daripada saya membuatnya: paling banyak %s setiap %s. Coba lagi <t:%d:R>."},
	msgQuestion:  {"question", "pertanyaan"},
	msgQuestions: {"questions", "pertanyaan"},
	msgSummary:   {"summary", "ringkasan"},
	msgSummaries: {"summaries", "ringkasan"},
	msgHour:      {"hour", "jam"},
	msgHours:     {"hours", "jam"},
	msgMinute:    {"minute", "menit"},
	msgMinutes:   {"minutes", "menit"},
	msgSecond:    {"second", "detik"},
	msgSeconds:   {"seconds", "detik"},
	msgHelpTitle: {"kutip — answers with the sentence that says it", "kutip — menjawab dengan kalimat yang mengatakannya"},
	msgHelpOne:   {"a news article", "sebuah artikel berita"},
	msgHelpMany:  {"%d news articles", "%d artikel berita"},
	msgHelpBody: {"I answer questions about %s by quoting the sentence that answers, " +
		"with its title, paragraph (¶) and sentence, and the answer in **bold**. I never make things up: " +
		"when the text does not say, I say so.",
		"Saya menjawab pertanyaan tentang %s dengan mengutip kalimat yang menjawabnya, " +
			"beserta judul, paragraf (¶) dan kalimatnya, dengan jawabannya dicetak **tebal**. Saya tidak pernah mengarang: " +
			"bila teksnya tidak menyebutkan, saya katakan begitu."},
	msgHelpAsk: {"Ask a question in English or Indonesian. Add `private: True` to see the answer yourself only.",
		"Ajukan pertanyaan dalam bahasa Indonesia atau Inggris. Tambahkan `pribadi: True` agar hanya Anda yang melihat jawabannya."},
	msgHelpSummary: {"A summary in the article's own sentences: `sentences` (1–10), an optional `topic`.",
		"Ringkasan dengan kalimat artikel itu sendiri: `kalimat` (1–10), dan `topik` bila perlu."},
	msgHelpSource: {"What I can quote: titles, languages, sizes and links.",
		"Apa yang bisa saya kutip: judul, bahasa, ukuran, dan tautan."},
	msgHelpMention: {"Write `@kutip when did Russia ratify?` in a channel, or message me directly.",
		"Tulis `@kutip kapan Rusia meratifikasi?` di sebuah saluran, atau kirimi saya pesan langsung."},
	msgHelpMenu: {"Right-click a message → Apps → **Ask kutip** to ask that message as a question.",
		"Klik kanan sebuah pesan → Aplikasi → **Tanya kutip** untuk menanyakan pesan itu sebagai pertanyaan."},
	msgHelpButtonsName: {"Under an answer", "Di bawah jawaban"},
	msgHelpButtons: {"👍 / 👎 tell whoever keeps the articles what helped and what they lack; **Show context** shows the sentences around the quote; **More** the next passages. Only you see what they show.",
		"👍 / 👎 memberi tahu pengelola artikel apa yang membantu dan apa yang kurang; **Lihat konteks** menampilkan kalimat di sekitar kutipan; **Lainnya** kutipan berikutnya. Hanya Anda yang melihat hasilnya."},
	msgSummaryHead: {"Summary in %s", "Ringkasan dalam %s"},
	msgSummaryOn:   {", on *%s*", ", tentang *%s*"},
	msgSentence:    {"sentence", "kalimat"},
	msgSentences:   {"sentences", "kalimat"},
	msgTopicNotFound: {"**%s** does not mention *%s*. Try another word for it, or `/summary` without a topic.",
		"**%s** tidak menyebut *%s*. Coba kata lain untuknya, atau `/ringkasan` tanpa topik."},
	msgUnknownDoc: {"I have no document called *%s*. Pick one from the list, or see `/source` for the titles.",
		"Saya tidak punya dokumen bernama *%s*. Pilih dari daftar, atau lihat `/sumber` untuk judul-judulnya."},
	msgSourceTitle: {"What I can quote", "Yang bisa saya kutip"},
	msgSourceDesc: {"%s, %s, %s. Every answer is one of these sentences, cited by title, paragraph (¶) and sentence.",
		"%s, %s, %s. Setiap jawaban adalah salah satu kalimat ini, dikutip dengan judul, paragraf (¶) dan kalimatnya."},
	msgSourceMore:  {"\n…and %d more, not listed here.", "\n…dan %d lainnya, tidak tercantum di sini."},
	msgUntitled:    {"Untitled", "Tanpa judul"},
	msgPublished:   {"published %s", "terbit %s"},
	msgLink:        {"link", "tautan"},
	msgDocument:    {"document", "dokumen"},
	msgDocuments:   {"documents", "dokumen"},
	msgParagraph:   {"paragraph", "paragraf"},
	msgParagraphs:  {"paragraphs", "paragraf"},
	msgLangID:      {"Indonesian", "bahasa Indonesia"},
	msgLangEN:      {"English", "bahasa Inggris"},
	msgLangUnknown: {"language unknown", "bahasa tidak diketahui"},
	msgNoCorpus: {"This channel has no articles for me to quote: ask the server's admins to give it a folder in kutip's channels file.",
		"Saluran ini belum punya artikel untuk saya kutip: minta admin server memberinya folder di berkas saluran kutip."},
	msgThreadHint: {"Ask follow-ups here: mention me, or reply to an answer (\"and North Korea?\", \"when was that?\").",
		"Tanyakan lanjutannya di sini: sebut saya, atau balas sebuah jawaban (\"kalau Korea Utara?\", \"kapan itu?\")."},
	msgThreadNoPermission: {"I could not start a thread here: I need the **Create Public Threads** permission in this channel. Reply to my answer to ask a follow-up instead.",
		"Saya tidak bisa membuat utas di sini: saya perlu izin **Create Public Threads** di saluran ini. Balas jawaban saya untuk bertanya lanjutan."},
	msgThreadFailed: {"I could not start a thread for this answer. Reply to it to ask a follow-up instead.",
		"Saya tidak bisa membuat utas untuk jawaban ini. Balas jawaban itu untuk bertanya lanjutan."},
	msgReplyUnread: {"I cannot read replies that do not mention me: keep the reply's **@ mention** on, or mention me with your question.",
		"Saya tidak bisa membaca balasan yang tidak menyebut saya: biarkan **@ sebutan** balasan menyala, atau sebut saya bersama pertanyaan Anda."},
	msgThreadNoAccess: {"I could not start a thread here: I cannot see this channel, so I can neither start threads nor read replies in it. Give me **View Channel** and **Create Public Threads** here, or keep asking with /ask.",
		"Saya tidak bisa membuat utas di sini: saya tidak bisa melihat saluran ini, jadi saya tidak bisa membuat utas atau membaca balasan di sini. Beri saya izin **View Channel** dan **Create Public Threads** di sini, atau terus bertanya dengan /tanya."},
	msgThreadNotHere: {"Threads need a server channel; here, reply to my answer to ask a follow-up.",
		"Utas hanya ada di saluran server; di sini, balas jawaban saya untuk bertanya lanjutan."},
}

// tr returns sentence m in language l, formatted with args when it takes
// any.
func (l lang) tr(m msg, args ...any) string {
	s := catalogue[m][l]
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// count is n of a noun in language l: "1 question", "3 questions";
// Indonesian does not mark the plural ("3 pertanyaan").
func (l lang) count(n int, one, many msg) string {
	if n == 1 {
		return "1 " + l.tr(one)
	}
	return strconv.Itoa(n) + " " + l.tr(many)
}

// cite is how a passage's place is written in language l: "¶8, sentence
// 1", "¶8, kalimat 1".
func (l lang) cite(paragraph, sentence int) string {
	return l.tr(msgCitation, paragraph, sentence)
}

// The command table's names and descriptions in Indonesian, for Discord's
// name_localizations and description_localizations; English is what the
// commands are registered with, Discord's default for every other locale.
// Discord sends a command's and an option's default (English) name in
// every interaction, whatever the user saw, so the handlers never read
// these.
var commandsID = map[string]struct{ name, desc string }{
	cmdAsk:                    {"tanya", "Ajukan pertanyaan; jawabannya kalimat yang mengatakannya, dengan kutipan"},
	cmdAsk + ".question":      {"pertanyaan", "Pertanyaan Anda, dalam bahasa Indonesia atau Inggris"},
	cmdAsk + ".private":       {"pribadi", "Tampilkan jawaban hanya untuk Anda"},
	cmdSummary:                {"ringkasan", "Ringkas artikel dengan kalimatnya sendiri"},
	cmdSummary + ".sentences": {"kalimat", "Berapa kalimat, 1 sampai 10 (bawaan 5)"},
	cmdSummary + ".topic":     {"topik", "Utamakan kalimat tentang topik ini"},
	cmdSummary + ".document":  {"dokumen", "Artikel yang mana (bawaan: yang terbaru)"},
	cmdSource:                 {"sumber", "Apa yang bisa dikutip kutip: judul, bahasa, ukuran, tautan"},
	cmdHelp:                   {"bantuan", "Cara bertanya kepada kutip"},
	cmdMenuAsk:                {"Tanya kutip", ""},
}

// localizeCommand sets the Indonesian name and description of c and its
// options from commandsID.
func localizeCommand(c *discordgo.ApplicationCommand) {
	if t, ok := commandsID[c.Name]; ok {
		c.NameLocalizations = &map[discordgo.Locale]string{localeID: t.name}
		if t.desc != "" {
			c.DescriptionLocalizations = &map[discordgo.Locale]string{localeID: t.desc}
		}
	}
	for _, o := range c.Options {
		if t, ok := commandsID[c.Name+"."+o.Name]; ok {
			o.NameLocalizations = map[discordgo.Locale]string{localeID: t.name}
			o.DescriptionLocalizations = map[discordgo.Locale]string{localeID: t.desc}
		}
	}
}

// answerLang is the language of the reply to a question asked from o: its
// locale's, or, for a mention or DM (no locale), the question's.
func answerLang(o origin, a retrieval.Answer) lang {
	if o.locale != "" {
		return localeLang(discordgo.Locale(o.locale))
	}
	return questionLang(a.Lang)
}
