package retrieval

import (
	"testing"

	"kutip/corpus"
)

func TestIsTopic(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	tests := []struct {
		q    string
		want bool
	}{
		{"kursk", true},
		{"nuclear tech", true},
		{"arms transfer", true},
		{"international concern", true},
		{"senjata nuklir", true},
		// Questions: a question word, a yes/no start or end.
		{"when did russia ratify?", false},
		{"siapa pemimpin korea utara", false},
		{"gmn tanggapan korsel", false},
		{"is putin married", false},
		{"did north korea ratify it already", false},
		{"udah diratifikasi belum", false},
		// Too long to be a topic.
		{"north korea russia treaty ratification parliament november decree", false},
		// Nothing to search for.
		{"the", false},
	}
	for _, tt := range tests {
		if got := ix.parseQuestion(tt.q).isTopic(); got != tt.want {
			t.Errorf("isTopic(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
}

func TestGuessLang(t *testing.T) {
	tests := []struct {
		words []string
		want  string
	}{
		{[]string{"nuclear", "technology"}, "en"},
		{[]string{"arms", "transfer"}, "en"},
		{[]string{"casualties"}, "en"},
		{[]string{"senjata", "nuklir"}, "id"},
		{[]string{"perjanjian", "pertahanan"}, "id"},
		{[]string{"pasukan"}, "id"},
		// Names: neither dictionary knows them.
		{[]string{"kursk"}, ""},
		{[]string{"pyongyang", "zelenskyy"}, ""},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := guessLang(tt.words); got != tt.want {
			t.Errorf("guessLang(%q) = %q, want %q", tt.words, got, tt.want)
		}
	}
}
