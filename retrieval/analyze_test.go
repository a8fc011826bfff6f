package retrieval

import (
	"testing"
	"unsafe"
)

// TestTokenSize pins the size of token: every sentence of an index keeps its
// tokens, so they are most of the serving heap (docs/scale.md), and a field
// added or widened should be a choice, not an accident.
func TestTokenSize(t *testing.T) {
	if got, want := unsafe.Sizeof(token{}), uintptr(40); got != want {
		t.Errorf("unsafe.Sizeof(token{}) = %d bytes, want %d", got, want)
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
