package retrieval

// stemIndonesian reduces an Indonesian word to its root.
func stemIndonesian(w string) string { return w }

func translate(w string) []string { return nil }
func cognates(w string) []string  { return nil }
func synonyms(w string) []string  { return nil }
