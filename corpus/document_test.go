package corpus

import "testing"

func TestCitation(t *testing.T) {
	for _, tc := range []struct {
		c        Citation
		str, ref string
	}{
		{Citation{Doc: "korea-utara-rusia", Paragraph: 8, Sentence: 1}, "¶8, sentence 1", "korea-utara-rusia ¶8.1"},
		{Citation{Doc: "facqa-001184", Paragraph: 1, Sentence: 12}, "¶1, sentence 12", "facqa-001184 ¶1.12"},
		{Citation{Doc: "news/2024/kursk", Paragraph: 23, Sentence: 2}, "¶23, sentence 2", "news/2024/kursk ¶23.2"},
	} {
		if got := tc.c.String(); got != tc.str {
			t.Errorf("%+v.String() = %q, want %q", tc.c, got, tc.str)
		}
		if got := tc.c.Ref(); got != tc.ref {
			t.Errorf("%+v.Ref() = %q, want %q", tc.c, got, tc.ref)
		}
	}
}
