package discordtest

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Localizations maps a Discord locale ("id", "en-US", …) to a command's or
// option's name or description in it.
type Localizations map[string]string

// Locales are the locales Discord accepts in name_localizations and
// description_localizations.
var Locales = []string{
	"id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl", "no", "pl",
	"pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th", "zh-CN", "ja", "zh-TW", "ko",
}

// checkLocalizations checks a command's or option's localized names and
// descriptions as Discord does: known locales only; for slash commands and
// their options (chat) the name rules of the default name and descriptions
// of 1 to 100 characters; for context-menu commands names of 1 to 32
// characters and no descriptions.
func checkLocalizations(names, descs Localizations, chat bool, at []string) []formError {
	var errs []formError
	p := func(field, locale string) []string { return append(append([]string(nil), at...), field, locale) }
	for _, locale := range sortedKeys(names) {
		name := names[locale]
		switch {
		case !slices.Contains(Locales, locale):
			errs = append(errs, formError{p("name_localizations", locale), "LOCALE_INVALID", "Invalid locale"})
		case chat && !validChatName(name):
			errs = append(errs, formError{p("name_localizations", locale), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"})
		case !chat && (utf8.RuneCountInString(name) < 1 || utf8.RuneCountInString(name) > 32 || strings.TrimSpace(name) != name):
			errs = append(errs, formError{p("name_localizations", locale), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length."})
		}
	}
	for _, locale := range sortedKeys(descs) {
		n := utf8.RuneCountInString(descs[locale])
		switch {
		case !slices.Contains(Locales, locale):
			errs = append(errs, formError{p("description_localizations", locale), "LOCALE_INVALID", "Invalid locale"})
		case !chat:
			errs = append(errs, formError{p("description_localizations", locale), "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION", "Context menu commands cannot have description"})
		case n < 1 || n > 100:
			errs = append(errs, formError{p("description_localizations", locale), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."})
		}
	}
	return errs
}

func sortedKeys(m Localizations) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
