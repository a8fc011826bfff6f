package bot

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"kutip/retrieval"
)

// verbs lists the fmt verbs of s in order.
func verbs(s string) []string {
	var out []string
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		if s[i+1] != '%' {
			out = append(out, s[i:i+2])
		}
		i++
	}
	return out
}

// TestCatalogue: every sentence exists in both languages, with the same fmt
// verbs in the same order, so no translation can drop or reorder an
// argument.
func TestCatalogue(t *testing.T) {
	names := map[lang]string{english: "English", indonesian: "Indonesian"}
	for m := msgNone + 1; m < numMsgs; m++ {
		for l := english; l < numLangs; l++ {
			s := catalogue[m][l]
			if strings.TrimSpace(s) == "" {
				t.Errorf("message %d has no %s", m, names[l])
			}
			if !utf8.ValidString(s) {
				t.Errorf("message %d in %s is not valid UTF-8", m, names[l])
			}
		}
		if en, id := verbs(catalogue[m][english]), verbs(catalogue[m][indonesian]); !slices.Equal(en, id) {
			t.Errorf("message %d: English takes %q, Indonesian %q", m, en, id)
		}
	}
	if catalogue[msgNone] != [numLangs]string{} {
		t.Error("msgNone has text")
	}
}

func TestReplyLanguage(t *testing.T) {
	tests := []struct {
		name string
		o    origin
		a    retrieval.Answer
		want lang
	}{
		{"locale id", origin{locale: "id"}, retrieval.Answer{Lang: "en"}, indonesian},
		{"locale en-US wins over an Indonesian question", origin{locale: "en-US"}, retrieval.Answer{Lang: "id"}, english},
		{"another locale", origin{locale: "ms"}, retrieval.Answer{Lang: "id"}, english},
		{"mention in Indonesian", origin{}, retrieval.Answer{Lang: "id"}, indonesian},
		{"mention in English", origin{}, retrieval.Answer{Lang: "en"}, english},
		{"mention in German", origin{}, retrieval.Answer{Lang: "de"}, english},
		{"mention, language unknown", origin{}, retrieval.Answer{}, english},
	}
	for _, tc := range tests {
		if got := answerLang(tc.o, tc.a); got != tc.want {
			t.Errorf("%s: answerLang = %d, want %d", tc.name, got, tc.want)
		}
	}
}

// chatName is Discord's rule for chat command and option names, in every
// locale: lower case where the script has case.
var chatName = regexp.MustCompile(`^[-_\p{L}\p{N}]{1,32}$`)

// TestCommandLocalizations: every command and option has an Indonesian
// name and description that Discord accepts, unique among its siblings,
// and every entry of commandsID is used.
func TestCommandLocalizations(t *testing.T) {
	b, _, _ := newTestBot(t, &fakeIndex{docs: docs(3)}, Options{})
	used := map[string]bool{}
	seen := map[string]bool{}
	for _, c := range b.Commands() {
		used[c.Name] = true
		if c.NameLocalizations == nil {
			t.Errorf("%s has no localized name", c.Name)
			continue
		}
		name := (*c.NameLocalizations)[localeID]
		if seen[name] {
			t.Errorf("%s: Indonesian name %q taken twice", c.Name, name)
		}
		seen[name] = true
		if c.Type != discordgo.ChatApplicationCommand {
			if name == "" || utf8.RuneCountInString(name) > 32 {
				t.Errorf("%s: Indonesian name %q", c.Name, name)
			}
			continue
		}
		if !chatName.MatchString(name) || strings.ToLower(name) != name {
			t.Errorf("%s: Indonesian name %q is not a valid chat command name", c.Name, name)
		}
		if c.DescriptionLocalizations == nil || !validDescription((*c.DescriptionLocalizations)[localeID]) {
			t.Errorf("%s: Indonesian description missing or over 100", c.Name)
		}
		opts := map[string]bool{}
		for _, o := range c.Options {
			used[c.Name+"."+o.Name] = true
			on := o.NameLocalizations[localeID]
			if !chatName.MatchString(on) || strings.ToLower(on) != on || opts[on] {
				t.Errorf("/%s %s: Indonesian name %q", c.Name, o.Name, on)
			}
			opts[on] = true
			if !validDescription(o.DescriptionLocalizations[localeID]) {
				t.Errorf("/%s %s: Indonesian description missing or over 100", c.Name, o.Name)
			}
		}
	}
	for key := range commandsID {
		if !used[key] {
			t.Errorf("commandsID[%q] names no command or option", key)
		}
	}
}

func validDescription(s string) bool {
	n := utf8.RuneCountInString(s)
	return n >= 1 && n <= 100
}

// TestLocalizedShortReplies: interactions answer in their locale; the
// quote and the user's own text are never translated.
func TestLocalizedShortReplies(t *testing.T) {
	tests := []struct {
		name   string
		locale discordgo.Locale
		opts   []*discordgo.ApplicationCommandInteractionDataOption
		want   string
	}{
		{"empty question, id", localeID, nil, indonesian.tr(msgEmptyAsk)},
		{"empty question, en-GB", discordgo.EnglishGB, nil, english.tr(msgEmptyAsk)},
	}
	for _, tc := range tests {
		b, rec, _ := newTestBot(t, &fakeIndex{}, Options{})
		i := slash("i1", cmdAsk, tc.opts...)
		i.Locale = tc.locale
		b.onInteraction(t.Context(), rec, i)
		if c := one(t, rec); c.resp.Data.Content != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, c.resp.Data.Content, tc.want)
		}
	}
	b, rec, _ := newTestBot(t, &fakeIndex{}, Options{})
	i := slash("i2", cmdAsk, strOpt("question", "when did Russia ratify?"))
	i.Locale = localeID
	b.onInteraction(t.Context(), rec, i)
	d := one(t, rec).resp.Data
	if d.Content != "**6 November**" || d.Embeds[0].Title != "when did Russia ratify?" ||
		!strings.Contains(d.Embeds[0].Description, "Parlemen Rusia meratifikasi perjanjian tersebut pada **6 November**") ||
		!strings.Contains(d.Embeds[0].Description, "¶8, kalimat 1") || d.Embeds[0].Fields[0].Name != "Terkait" {
		t.Errorf("answer in locale id: %q %+v", d.Content, d.Embeds[0])
	}
}
