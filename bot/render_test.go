package bot

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"kutip/corpus"
	"kutip/retrieval"
)

var update = flag.Bool("update", false, "update the golden files in testdata")

var ratified = retrieval.Passage{
	Doc: "korea-utara-rusia", Title: "Korea Utara meratifikasi pakta pertahanan bersama dengan Rusia",
	Paragraph: 8, Sentence: 1, Kind: "body",
	Text:   "Parlemen Rusia meratifikasi perjanjian tersebut pada 6 November, di tengah-tengah berbulan-bulan peningkatan kerja sama keamanan dengan Korea Utara.",
	Answer: "6 November",
}

var signed = retrieval.Passage{
	Doc: "korea-utara-rusia", Title: "Korea Utara meratifikasi pakta pertahanan bersama dengan Rusia",
	URL: "https://example.org/news/korea (1)", Paragraph: 3, Sentence: 1, Kind: "body",
	Text:   "Kim Jong Un menandatangani dekrit untuk meratifikasi perjanjian dengan Rusia pada hari Senin.",
	Answer: "hari Senin",
}

var caption = retrieval.Passage{
	Doc: "korea-utara-rusia", Title: "Korea Utara meratifikasi pakta pertahanan bersama dengan Rusia",
	Paragraph: 5, Sentence: 1, Kind: "caption",
	Text: "Vladimir Putin dan Kim Jong Un di Pyongyang, Juni 2024.",
}

// hostile is corpus text that tries every markdown and mention trick.
var hostile = retrieval.Passage{
	Doc: "evil", Title: "**Bold** [click](https://evil.example) @everyone", URL: "javascript:alert(1)",
	Paragraph: 1, Sentence: 2, Kind: "body",
	Text:   "Hi @everyone and @here, <@123> <@&456> <#789> </ask:1> <t:1700000000:R> ||spoiler|| `code` ~~x~~ __u__ *i*\n# heading\n> quote\n-# small \\ end",
	Answer: "<@123>",
}

// spoofed is corpus text whose title, text and answer hold every kind of
// bidirectional control: an override that would show the title's "fdp.exe"
// as "exe.pdf", unclosed embeddings and isolates that would reorder the
// citation after them, and the three marks.
var spoofed = retrieval.Passage{
	Doc: "spoof\u202e", Title: "Laporan \u202efdp.exe\u202a\u202b\u202c\u202d", URL: "https://example.org/spoof",
	Paragraph: 4, Sentence: 2, Kind: "body",
	Text:   "Perjanjian \u2066itu\u2067 \u2068ditandatangani\u2069 pada \u202e19 Juni\u200e\u200f\u061c, kata pejabat.",
	Answer: "pada \u202e19 Juni",
}

// arabic is a passage from a document with an Arabic title, whose citation
// must not turn the line right-to-left.
var arabic = retrieval.Passage{
	Doc: "ar", Title: "\u0643\u0648\u0631\u064a\u0627 \u0627\u0644\u0634\u0645\u0627\u0644\u064a\u0629 \u202e2024", URL: "https://example.org/ar",
	Paragraph: 2, Sentence: 1, Kind: "body",
	Text:   "Korea Utara dan Rusia menandatangani perjanjian pada bulan Juni.",
	Answer: "pada bulan Juni",
}

func longText(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "kalimat %d yang panjang sekali, ", i)
	}
	return b.String()
}

func docs(n int) []corpus.Document {
	var ds []corpus.Document
	for i := range n {
		d := corpus.Document{
			ID: fmt.Sprintf("doc-%02d", i+1), Title: fmt.Sprintf("Artikel nomor %d tentang *sesuatu* yang penting %s", i+1, strings.Repeat("x", 150)),
			URL: fmt.Sprintf("https://example.org/%d", i+1), Lang: []string{"id", "en", ""}[i%3], Published: "2024-11-12",
		}
		for p := range 3 {
			d.Paragraphs = append(d.Paragraphs, corpus.Paragraph{N: p + 1, Kind: corpus.Body, Sentences: []corpus.Sentence{{N: 1, Text: "Satu."}, {N: 2, Text: "Dua."}}})
		}
		ds = append(ds, d)
	}
	return ds
}

// testAnswerID is the snowflake of the interaction that asked, in goldens.
const testAnswerID = "1311111111111111111"

// card is an answer as the bot sends it: rendered in l, with its buttons.
func card(a retrieval.Answer, docs int, l lang) reply {
	r := answerReply(a, docs, l)
	r.Components = answerButtons(a, testAnswerID, l, true)
	return r
}

// korea is a document for Show context: paragraphs of one, two and three
// sentences, one holding markdown and a mention.
var korea = corpus.Document{
	ID: "korea-utara-rusia", Title: "Korea Utara meratifikasi pakta pertahanan bersama dengan Rusia", URL: "https://example.org/korea",
	Paragraphs: []corpus.Paragraph{
		{N: 1, Kind: corpus.Body, Sentences: []corpus.Sentence{{N: 1, Text: "Korea Utara telah meratifikasi perjanjian pertahanan bersama."}}},
		{N: 2, Kind: corpus.Body, Sentences: []corpus.Sentence{{N: 1, Text: "Kim Jong Un menandatangani dekrit pada hari Senin."}, {N: 2, Text: "KCNA melaporkannya @everyone *hari ini*."}}},
		{N: 3, Kind: corpus.Body, Sentences: []corpus.Sentence{{N: 1, Text: "Parlemen Rusia meratifikasi perjanjian tersebut pada 6 November."}, {N: 2, Text: "Putin menandatanganinya menjadi undang-undang."}, {N: 3, Text: "Perjanjian itu mulai berlaku."}}},
		{N: 4, Kind: corpus.Caption, Sentences: []corpus.Sentence{{N: 1, Text: "Kim dan Putin di Pyongyang, Juni 2024."}}},
	},
}

func TestRenderGolden(t *testing.T) {
	longSpanEnd := ratified
	longSpanEnd.Text = longText(5000) + " pada 6 November."
	longBoth := ratified
	longBoth.Text = longText(3000) + " pada 6 November " + longText(3000)
	longRelated := signed
	longRelated.Text = longText(3000) + " pada hari Senin " + longText(3000)
	longRelated.Title = strings.Repeat("Judul ", 100)
	retry := time.Unix(1_700_000_000, 0)
	tests := []struct {
		name string
		r    reply
	}{
		{"answer", card(retrieval.Answer{Question: "when did Russia ratify?", Type: "date", Answered: true, Passages: []retrieval.Passage{ratified, signed, caption}}, 1, english)},
		{"answer_id", card(retrieval.Answer{Question: "kapan Rusia meratifikasi?", Type: "date", Answered: true, Passages: []retrieval.Passage{ratified, signed, caption}}, 1, indonesian)},
		{"answer_no_span", card(retrieval.Answer{Question: "what did Russia do?", Answered: true, Passages: []retrieval.Passage{caption, signed, ratified}}, 1, english)},
		{"abstain_related_id", card(retrieval.Answer{Question: "siapa juara piala dunia?", Passages: []retrieval.Passage{signed}}, 1, indonesian)},
		{"abstain_buttons", card(retrieval.Answer{Question: "who won the world cup?"}, 2, english)},
		{"context", contextReply(&korea, 3, 1, english)},
		{"context_id_first", contextReply(&korea, 1, 1, indonesian)},
		{"context_last_caption", contextReply(&korea, 3, 3, english)},
		{"context_gone", shortReply(msgContextGone).localized(indonesian)},
		{"more", moreReply("when did Russia ratify?", []retrieval.Passage{caption, hostile, signed}, testAnswerID, 6, true, english)},
		{"more_last_id", moreReply("kapan?", []retrieval.Passage{caption}, testAnswerID, 12, false, indonesian)},
		{"more_none", moreReply("kapan?", nil, testAnswerID, 6, true, english)},
		{"voted_up", shortReply(msgVotedUp)},
		{"voted_down_id", shortReply(msgVotedDown).localized(indonesian)},
		{"help_id", helpReply(3, indonesian)},
		{"rate_limited_id", rateLimited(kindQuestion, retry, Options{RateCount: 5, RateWindow: 30 * time.Second}, indonesian)},
		{"answer_topic", card(retrieval.Answer{Question: "nuclear  tech", Answered: true, Topic: true, Passages: []retrieval.Passage{ratified, signed, caption}}, 1, english)},
		{"answer_topic_long", answerReply(retrieval.Answer{Question: strings.Repeat("*kursk* ", 60), Answered: true, Topic: true, Passages: []retrieval.Passage{signed}}, 3, english)},
		{"answer_one_passage", answerReply(retrieval.Answer{Question: "kapan?", Answered: true, Passages: []retrieval.Passage{signed}}, 1, english)},
		{"answer_hostile", answerReply(retrieval.Answer{Question: "@everyone **why** <@1> [x](https://evil) ||?||\nline two", Answered: true, Passages: []retrieval.Passage{hostile, hostile, hostile}}, 1, english)},
		{"answer_long", answerReply(retrieval.Answer{Question: strings.Repeat("q", 300), Answered: true, Passages: []retrieval.Passage{longSpanEnd, longRelated, longBoth}}, 1, english)},
		{"answer_long_both", answerReply(retrieval.Answer{Question: "when?", Answered: true, Passages: []retrieval.Passage{longBoth}}, 1, english)},
		{"abstain", answerReply(retrieval.Answer{Question: "who won the world cup?"}, 1, english)},
		{"abstain_related", card(retrieval.Answer{Question: "when?", Passages: []retrieval.Passage{longRelated}}, 3, english)},
		{"summary", summaryReply(retrieval.Summary{Doc: "korea-utara-rusia", Title: ratified.Title, URL: "https://example.org/a",
			Sentences: []retrieval.Passage{signed, ratified, hostile}}, "", english)},
		{"summary_topic_long", summaryReply(retrieval.Summary{Doc: "d", Title: strings.Repeat("T", 400),
			Sentences: []retrieval.Passage{longBoth, longSpanEnd, longRelated, ratified, longBoth, longBoth, longBoth, longBoth, longBoth, longBoth}}, "nuclear @here", english)},
		{"topic_not_found", topicNotFound(retrieval.Summary{Doc: "d", Title: "A *title*"}, "**football**", english)},
		{"source", sourceReply(corpus.Default(), english)},
		{"source_id", sourceReply(docs(3), indonesian)},
		{"summary_id", summaryReply(retrieval.Summary{Doc: "korea-utara-rusia", Title: ratified.Title, Sentences: []retrieval.Passage{signed, ratified}}, "Kursk", indonesian)},
		{"topic_not_found_id", topicNotFound(retrieval.Summary{Doc: "d", Title: "Judul"}, "sepak bola", indonesian)},
		{"source_many", sourceReply(docs(40), english)},
		{"help", helpReply(1, english)},
		{"rate_limited", rateLimited(kindQuestion, retry, Options{RateCount: 5, RateWindow: 30 * time.Second}, english)},
		{"rate_limited_summary", rateLimited(kindSummary, retry, Options{SummaryCount: DefaultSummaryCount, SummaryWindow: DefaultSummaryWindow}, english)},
		{"unknown_doc", unknownDoc("no such @everyone", english)},
		{"answer_bidi", answerReply(retrieval.Answer{Question: "\u202ewhen was it signed?\u2066", Answered: true, Passages: []retrieval.Passage{spoofed, spoofed}}, 1, english)},
		{"answer_rtl", answerReply(retrieval.Answer{Question: "\u0645\u0639\u0627\u0647\u062f\u0629", Answered: true, Topic: true, Passages: []retrieval.Passage{arabic, arabic}}, 1, english)},
		{"topic_not_found_rtl", topicNotFound(retrieval.Summary{Doc: "ar", Title: arabic.Title}, "\u05e9\u05dc\u05d5\u05dd\u202e", english)},
		{"source_bidi", sourceReply([]corpus.Document{
			{ID: "spoof", Title: "\u202egnp.exe", Published: "\u202e2024", Lang: "id"},
			{ID: "only-controls", Title: "\u202e\u2066\u200f"},
		}, english)},
		{"summary_in_flight", summaryInFlight},
		{"summaries_busy", summariesBusy},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.r.check(); err != nil {
				t.Errorf("check() = %v, want nil", err)
			}
			checkGolden(t, tc.name, replyJSON(t, tc.r))
		})
	}
}

// replyJSON is r's interaction data as Discord receives it, indented for
// a golden file.
func replyJSON(t *testing.T, r reply) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r.interactionData()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// checkGolden compares got with testdata/name.golden; with -update it
// rewrites the file instead.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test ./bot -run %s -update if the change is right)\ngot:\n%s", path, t.Name(), got)
	}
}

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"**bold** _it_ ~~s~~ `c` ||sp||", `\*\*bold\*\* \_it\_ \~\~s\~\~ \` + "`" + `c\` + "`" + ` \|\|sp\|\|`},
		{"@everyone @here", "@\u200beveryone @\u200bhere"},
		{"<@123> <#4> <t:5:R>", `\<@` + "\u200b" + `123\> \<\#4\> \<t:5:R\>`},
		{"[x](https://e)", `\[x\]\(https://e\)`},
		{"line\nbreak\ttab", "line break tab"},
		{"# h\n> q\n- l", `\# h \> q \- l`},
		{`back\slash`, `back\\slash`},
		{"bad \xff utf8", "bad \uFFFD utf8"},
	}
	for _, tc := range tests {
		if got := escape(tc.in); got != tc.want {
			t.Errorf("escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestEscapeClip(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"one two three", 8, "one two…"},
		{"a*b*c*d", 6, `a\*b…`}, // never a lone backslash before "…"
		{"a*b*c*d", 5, `a\*b…`}, // \* is 2 wide
		{"a*b*c*d", 3, `a…`},    // \* does not fit with …
		{"日本語のテキスト", 4, "日本語…"}, // runes, not bytes
		{"😀😀😀", 3, "😀…"},        // an emoji is 2 UTF-16 units
		{"x", 0, ""},
	}
	for _, tc := range tests {
		got := escapeClip(tc.in, tc.max)
		if got != tc.want {
			t.Errorf("escapeClip(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
		if width(got) > tc.max {
			t.Errorf("escapeClip(%q, %d) is %d wide", tc.in, tc.max, width(got))
		}
	}
}

// hasBidi reports whether s holds a bidirectional formatting character.
func hasBidi(s string) bool {
	return strings.ContainsFunc(s, isBidiControl)
}

// strayBidi reports whether s holds a bidirectional formatting character
// other than the isolates escapeInline writes: U+2068 … U+2069, closed, not
// nested, with no other control inside.
func strayBidi(s string) bool {
	open := false
	for _, r := range s {
		switch {
		case r == '\u2068' && !open:
			open = true
		case r == '\u2069' && open:
			open = false
		case isBidiControl(r):
			return true
		}
	}
	return open
}

// TestBidiControls: no bidirectional control from a title, quote, question
// or document name reaches Discord, whichever helper renders it, and what is
// left reads in the order the text has; right-to-left text set inside a line
// of ours is isolated (U+2068 … U+2069, the only controls kutip writes).
// Widths count the dropped controls as nothing and the isolate as its two
// units, so cutting stays within limits.
func TestBidiControls(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"escape override", escape("\u202efdp.exe"), "fdp.exe"},
		{"escape every control", escape("a\u202ab\u202bc\u202cd\u202de\u202ef\u2066g\u2067h\u2068i\u2069j\u200ek\u200fl\u061cm"), "abcdefghijklm"},
		{"escape keeps arabic letters", escape("\u0645\u0631\u062d\u0628\u0627 \u202e1"), "\u0645\u0631\u062d\u0628\u0627 1"},
		{"escape keeps zero-width joiner", escape("a\u200db"), "a\u200db"},
		{"escapeClip counts controls as nothing", escapeClip(strings.Repeat("\u202e", 50)+"abcdef", 6), "abcdef"},
		{"escapeClip cut", escapeClip("\u202eabc\u202edef", 4), "abc…"},
		{"escapeClipLeft cut", escapeClipLeft("abc\u2066def\u2069", 4), "…def"},
		{"clip (autocomplete, plain)", clip("\u202egnp.exe\u200f", 100), "gnp.exe"},
		{"oneLine only controls", oneLine(" \u202e\u2066 \u200f "), ""},
		{"quote span with override", quote("ditandatangani pada \u202e19 Juni.", "pada \u202e19 Juni", 100), "> ditandatangani **pada 19 Juni**."},
		{"citation", citation(spoofed, 100, english), "— [Laporan fdp.exe](https://example.org/spoof), ¶4, sentence 2"},
		{"citation rtl title isolated", citation(arabic, 100, english), "— [\u2068\u0643\u0648\u0631\u064a\u0627 \u0627\u0644\u0634\u0645\u0627\u0644\u064a\u0629 2024\u2069](https://example.org/ar), ¶2, sentence 1"},
		{"escapeInline ltr unchanged", escapeInline("Korea *Utara*", 100), `Korea \*Utara\*`},
		{"escapeInline rtl counts its isolate", escapeInline("\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd", 6), "\u2068\u05e9\u05dc\u05d5…\u2069"},
		{"citation title only controls", citation(retrieval.Passage{Doc: "d\u202e1", Title: "\u202e", Paragraph: 1, Sentence: 1}, 100, english), "— d1, ¶1, sentence 1"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
		if strayBidi(tc.got) {
			t.Errorf("%s: %q holds a bidirectional control other than a closed isolate of ours", tc.name, tc.got)
		}
	}
	if w := width(escapeInline(strings.Repeat("\u05d0", 50), 20)); w > 20 {
		t.Errorf("escapeInline is %d wide, want at most 20", w)
	}
}

func TestEscapeClipLeft(t *testing.T) {
	if got, want := escapeClipLeft("one two three", 8), "…o three"; got != want {
		t.Errorf("escapeClipLeft = %q, want %q", got, want)
	}
	if got, want := escapeClipLeft("a*b*c", 4), `…\*c`; got != want {
		t.Errorf("escapeClipLeft = %q, want %q", got, want)
	}
}

func TestQuote(t *testing.T) {
	tests := []struct {
		text, span string
		max        int
		want       string
	}{
		{"Russia ratified on 6 November.", "6 November", 100, "> Russia ratified on **6 November**."},
		{"No span here.", "", 100, "> No span here."},
		{"Span missing.", "absent", 100, "> Span missing."},
		{"aaaa bbbb cccc 6 November dddd eeee ffff", "6 November", 30, "> …cccc **6 November** dddd e…"},
		{"a_b 6 Nov", "6 Nov", 100, "> a\\_b **6 Nov**"},
	}
	for _, tc := range tests {
		got := quote(tc.text, tc.span, tc.max)
		if got != tc.want {
			t.Errorf("quote(%q, %q, %d) = %q, want %q", tc.text, tc.span, tc.max, got, tc.want)
		}
		if width(got) > tc.max {
			t.Errorf("quote(%q, %q, %d) is %d wide", tc.text, tc.span, tc.max, width(got))
		}
	}
}

func TestSafeURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://example.org/a", "https://example.org/a"},
		{"https://example.org/a (1)", "https://example.org/a%20%281%29"},
		{"javascript:alert(1)", ""},
		{"/relative", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := safeURL(tc.in); got != tc.want {
			t.Errorf("safeURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCheckCatchesOverLimit(t *testing.T) {
	r := reply{Content: strings.Repeat("x", maxContent+1)}
	if r.check() == nil {
		t.Error("check() = nil for 2001 characters of content")
	}
	if (reply{}).check() == nil {
		t.Error("check() = nil for an empty message")
	}
}

// checkEscaped reports where s, the output of escape, has a markdown
// character without its backslash, or an @ without a zero-width space.
func checkEscaped(s string) error {
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case r == '\\':
			if i+1 >= len(rs) || !strings.ContainsRune(markdownChars, rs[i+1]) {
				return fmt.Errorf("stray backslash at %d in %q", i, s)
			}
			i++
		case strings.ContainsRune(markdownChars, r):
			return fmt.Errorf("unescaped %q at %d in %q", r, i, s)
		case r == '@':
			if i+1 >= len(rs) || rs[i+1] != '\u200b' {
				return fmt.Errorf("live @ at %d in %q", i, s)
			}
		case r == '\n' || r == '\r':
			return fmt.Errorf("line break at %d in %q", i, s)
		}
	}
	return nil
}

func FuzzEscape(f *testing.F) {
	f.Add("plain", 10)
	f.Add(hostile.Text, 50)
	f.Add("a*b*c*d", 5)
	f.Add("😀😀😀", 3)
	f.Add("bad \xff", 4)
	f.Fuzz(func(t *testing.T, s string, max int) {
		max = max % 5000
		if max < 0 {
			max = -max
		}
		for _, out := range []string{escape(s), escapeClip(s, max), escapeClipLeft(s, max)} {
			if !utf8.ValidString(out) {
				t.Fatalf("invalid UTF-8 %q from %q", out, s)
			}
			if err := checkEscaped(strings.ReplaceAll(out, "…", "")); err != nil {
				t.Fatal(err)
			}
		}
		if w := width(escapeClip(s, max)); w > max {
			t.Fatalf("escapeClip(%q, %d) is %d wide", s, max, w)
		}
		if w := width(escapeClipLeft(s, max)); w > max {
			t.Fatalf("escapeClipLeft(%q, %d) is %d wide", s, max, w)
		}
		if w := width(clip(s, max)); w > max {
			t.Fatalf("clip(%q, %d) is %d wide", s, max, w)
		}
	})
}

// live reports a mention that would render in out: @everyone or @here, or
// a "<" without its backslash that starts a user, role, channel, command or
// timestamp mention.
func live(out string) string {
	for _, m := range []string{"@everyone", "@here"} {
		if strings.Contains(out, m) {
			return m
		}
	}
	for i := 0; i < len(out); i++ {
		if out[i] != '<' {
			continue
		}
		slashes := 0
		for j := i - 1; j >= 0 && out[j] == '\\'; j-- {
			slashes++
		}
		if slashes%2 == 1 {
			continue
		}
		for _, m := range []string{"<@", "<#", "<t:", "</"} {
			if strings.HasPrefix(out[i:], m) {
				return m
			}
		}
	}
	return ""
}

// maxFuzzInput is the longest fuzzed string a render target reads; the
// rest is cut. Long texts come from repeating short ones instead (FuzzRender's
// grow), so inputs stay small and each execution cheap. That matters most
// when the fuzzer finds new coverage: it then minimises the input, trying
// it without each of its bytes, for up to -fuzzminimizetime (a minute by
// default), and those executions are not counted in "execs": a target with
// seeds of a few hundred bytes spent a whole 10 s window minimising and
// reported 8 executions.
const maxFuzzInput = 256

func cutInput(s string) string { return s[:min(len(s), maxFuzzInput)] }

// FuzzRender renders every kind of reply from arbitrary passage texts,
// titles, URLs and questions; grow repeats the text (up to 128 times), the
// question (up to 64), and the title, URL and answer span (up to 8 times)
// to reach Discord's limits, marks the answer a topic (bit 12) and renders
// it in Indonesian (bit 13). Every reply, Show context and More included,
// keeps within them and carries no live mention.
func FuzzRender(f *testing.F) {
	f.Add("when did Russia ratify?", ratified.Text, ratified.Answer, ratified.Title, "", true, uint16(0))
	f.Add("@everyone?", hostile.Text, hostile.Answer, hostile.Title, hostile.URL, true, uint16(0x0249))
	f.Add("??", longText(40), "panjang", "TTTT", "https://e.org/(xxxxxxxxx", false, uint16(0xffff))
	f.Add("", "", "", "", "", false, uint16(0))
	f.Fuzz(func(t *testing.T, question, text, span, title, url string, answered bool, grow uint16) {
		text = strings.Repeat(cutInput(text), 1<<(grow&7))
		title = strings.Repeat(cutInput(title), 1<<(grow>>3&3))
		url = strings.Repeat(cutInput(url), 1<<(grow>>5&3))
		question = strings.Repeat(cutInput(question), 1<<(grow>>7&7)) // 64 × "??" covers the 300-rune cap
		span = strings.Repeat(cutInput(span), 1<<(grow>>10&3))
		p := retrieval.Passage{Doc: title, Title: title, URL: url, Paragraph: 1, Sentence: 1, Text: text, Answer: span}
		replies := map[string]reply{
			"answer": card(retrieval.Answer{Question: question, Answered: answered, Topic: grow>>12&1 == 1, Passages: []retrieval.Passage{p, p, p}}, 2, lang(grow>>13&1)),
			"context": contextReply(&corpus.Document{ID: title, Title: title, URL: url, Paragraphs: []corpus.Paragraph{
				{N: 1, Sentences: []corpus.Sentence{{N: 1, Text: question}, {N: 2, Text: span}}},
				{N: 2, Sentences: []corpus.Sentence{{N: 1, Text: text}, {N: 2, Text: text}, {N: 3, Text: title}}},
			}}, 2, 1, english),
			"more":    moreReply(question, []retrieval.Passage{p, p, p}, "42", 6, true, indonesian),
			"summary": summaryReply(retrieval.Summary{Doc: title, Title: title, URL: url, Sentences: []retrieval.Passage{p, p, p, p, p, p, p, p, p, p}}, question, lang(grow>>13&1)),
			"topic":   topicNotFound(retrieval.Summary{Title: title}, question, english),
			"doc":     unknownDoc(question, indonesian),
			"source":  sourceReply([]corpus.Document{{ID: title, Title: title, URL: url, Lang: span, Published: question}}, lang(grow>>13&1)),
		}
		for name, r := range replies {
			if err := r.check(); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			b, _ := json.Marshal(r.interactionData())
			var back struct {
				Content string `json:"content"`
				Embeds  []struct {
					Title, Description string
					Fields             []struct{ Name, Value string }
				} `json:"embeds"`
			}
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			texts := []string{back.Content}
			for _, e := range back.Embeds {
				texts = append(texts, e.Title, e.Description)
				for _, f := range e.Fields {
					texts = append(texts, f.Name, f.Value)
				}
			}
			for _, s := range texts {
				if m := live(s); m != "" {
					t.Fatalf("%s: live %s in %q", name, m, s)
				}
			}
		}
	})
}
