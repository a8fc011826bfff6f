package retrieval

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"kutip/corpus"
)

// TestTokenSize pins the size of token, of the packed token every
// sentence of an index keeps and of the sentence table's rows: they are most of the serving heap
// (docs/scale.md), and a field added or widened should be a choice, not an
// accident.
func TestTokenSize(t *testing.T) {
	if got, want := unsafe.Sizeof(token{}), uintptr(40); got != want {
		t.Errorf("unsafe.Sizeof(token{}) = %d bytes, want %d", got, want)
	}
	if got, want := unsafe.Sizeof(packedToken{}), uintptr(8); got != want {
		t.Errorf("unsafe.Sizeof(packedToken{}) = %d bytes, want %d", got, want)
	}
	if got, want := unsafe.Sizeof(sentence{}), uintptr(104); got != want {
		t.Errorf("unsafe.Sizeof(sentence{}) = %d bytes, want %d", got, want)
	}
}

// TestPackedTokens: every sentence of an index gives back, word for word,
// the tokens its language's analyzer makes of its text, in a corpus of
// Indonesian and English documents that share words (names, numbers) whose
// terms differ by language.
func TestPackedTokens(t *testing.T) {
	docs := corpus.Default()
	for _, text := range []string{
		"Putin and Kim signed the treaty in Pyongyang on 19 June; Russia's parliament ratified it.",
		"The treaties were signed by the leaders, who said they would defend each other.",
		// One sentence of more than maxNarrowText bytes: its tokens are
		// kept wide (two packedTokens each).
		strings.Repeat("the treaty was signed in Pyongyang and ", 2000) + "ratified.",
	} {
		docs = append(docs, corpus.Document{ID: fmt.Sprintf("en-%d", len(docs)), Lang: "en",
			Paragraphs: corpus.Paragraphs(text)})
	}
	ix, err := Build(t.Context(), docs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	langs := map[string]int{}
	wide := 0
	for i := range ix.sents {
		s := &ix.sents[i]
		langs[s.lang]++
		want := ix.analyzer(s.lang).analyze(s.text)
		if got := s.tokens(); !slices.Equal(got, want) {
			t.Errorf("sentence %d (%s) %q: tokens() = %v, want %v", i, s.lang, s.text, got, want)
		}
		if s.tokenCount() != len(want) {
			t.Errorf("sentence %d: tokenCount() = %d, want %d", i, s.tokenCount(), len(want))
		}
		for k, tk := range want {
			if got := s.token(k); got != tk {
				t.Errorf("sentence %d: token(%d) = %+v, want %+v", i, k, got, tk)
			}
		}
		if len(s.text) > maxNarrowText {
			wide++
		}
		// The content words are the tokens with a term, each with its
		// term's ID.
		var terms, wantTerms []termAt
		for term := range s.contentTerms() {
			terms = append(terms, term)
		}
		for k, tk := range want {
			if tk.Term != "" {
				wantTerms = append(wantTerms, termAt{id: ix.termIDs[tk.Term], pos: int32(k)})
			}
		}
		if !slices.Equal(terms, wantTerms) || s.contentTermCount() != len(wantTerms) {
			t.Errorf("sentence %d: contentTerms() = %v (%d), want %v", i, terms, s.contentTermCount(), wantTerms)
		}
	}
	if wide != 1 {
		t.Errorf("%d sentences of more than %d bytes, want the one written for it", wide, maxNarrowText)
	}
	if langs["id"] == 0 || langs["en"] < 2 {
		t.Errorf("sentences per language = %v, want Indonesian ones and two or more English ones", langs)
	}
}

// TestAnalyzeOffsets checks that the 32-bit offsets read back as the word's
// place in the text.
func TestAnalyzeOffsets(t *testing.T) {
	tests := []struct {
		lang, text string
		want       []string // text[Start():End()] of each token
	}{
		{"id", "Rusia dan Korea Utara", []string{"Rusia", "dan", "Korea", "Utara"}},
		{"id", "  Biaya Rp 11.000, naik 6,5%.", []string{"Biaya", "Rp", "11.000", "naik", "6,5"}},
		{"en", "Kim Jong Un's visit (2024) — “Pyongyang”", []string{"Kim", "Jong", "Un's", "visit", "2024", "Pyongyang"}},
		{"id", "", nil},
	}
	for _, tt := range tests {
		toks := newAnalyzer(tt.lang).analyze(tt.text)
		if len(toks) != len(tt.want) {
			t.Errorf("analyze(%q): %d tokens, want %d", tt.text, len(toks), len(tt.want))
			continue
		}
		for i, tok := range toks {
			if got := tt.text[tok.Start():tok.End()]; got != tt.want[i] {
				t.Errorf("analyze(%q)[%d] = %q, want %q", tt.text, i, got, tt.want[i])
			}
		}
	}
}
