package retrieval

import (
	"strings"
	"testing"

	"kutip/corpus"
)

// TestUncoveredConcept checks which question words the default article has
// no word for, by questions people ask in chat.
func TestUncoveredConcept(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	tests := []struct{ q, want string }{
		// General knowledge that shares a name with the article.
		{"how old is kim jong un", "old"},
		{"is putin married", "married"},
		{"capital of north korea?", "capital"},
		{"who won the war", "won"},
		// Only a far less trusted sense is in the article: "born" as
		// "bear" → memberikan (kesaksian).
		{"when was kim jong un born", "born"},
		{"cuaca di pyongyang gmn", "cuaca"},
		// A dictionary word is no misspelling of another one: the
		// article's "mengatakan" (kata) does not cover "kota".
		{"kota terbesar di rusia apa", "kota"},
		{"ibukota jepang apa", "ibu"},
		// Questions the article answers.
		{"when did russia ratify the treaty?", ""},
		{"Siapa pemimpin Korea Utara?", ""},
		{"how many soldiers did north korea send", ""},
		// A light word asks nothing by itself.
		{"6 november what happened", ""},
		// Nor does a word that asks how someone took it: what they
		// said or did answers it, in other words.
		{"how did south korea react", ""},
		{"gmn reaksi korsel", ""},
		// A word no dictionary knows tells nothing.
		{"zelensky criticised whomst", ""},
	}
	for _, tt := range tests {
		if got := ix.uncoveredIn(ix.parseQuestion(tt.q), nil); got != tt.want {
			t.Errorf("uncoveredIn(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}

// TestNamesOnly checks whether a sentence shares only names with a
// question.
func TestNamesOnly(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	sentence := func(prefix string) *sentence {
		for i := range ix.sents {
			if len(ix.sents[i].text) >= len(prefix) && ix.sents[i].text[:len(prefix)] == prefix {
				return &ix.sents[i]
			}
		}
		t.Fatalf("no sentence starts %q", prefix)
		return nil
	}
	tests := []struct {
		q, sentence string
		want        bool
	}{
		{"how old is kim jong un", "Kim Jong Un tersenyum", true},
		{"is putin married", "Kim Jong Un tersenyum", true},
		// "tersenyum" (smile) is no name.
		{"did kim smile", "Kim Jong Un tersenyum", false},
		{"when did russia's parliament ratify", "Parlemen Rusia meratifikasi", false},
	}
	for _, tt := range tests {
		if got := ix.namesOnly(ix.parseQuestion(tt.q), sentence(tt.sentence)); got != tt.want {
			t.Errorf("namesOnly(%q, %q…) = %v, want %v", tt.q, tt.sentence, got, tt.want)
		}
	}
}

// TestUnstatedQuantity checks that a how-many question is refused when the
// best sentence counts nothing, and answered when it counts in words. The
// corpus is a short report on a harbour; none of these questions is from
// an eval set.
func TestUnstatedQuantity(t *testing.T) {
	text := "Pelabuhan Benoa menerima kapal pesiar dari Singapura pada musim hujan.\n\n" +
		"Sebagian besar penumpang kapal itu berasal dari Australia.\n\n" +
		"The harbour master said none of the ferries left the port during the storm.\n\n" +
		"Nelayan di teluk itu menangkap ikan tuna dengan jaring.\n\n" +
		"The fishermen sold 300 tonnes of tuna at the market last year.\n\n" +
		"Pasar ikan Karawa diresmikan oleh wali kota pada 12 Maret 2015.\n\n" +
		"The old museum of Karawa was open from 1870 to 1939.\n\n" +
		"The gala dinner at the town hall was attended by 2000 guests."
	ix := mustBuild(t, []corpus.Document{{ID: "d", Title: "d", Lang: "id", Paragraphs: corpus.Paragraphs(text)}})
	tests := []struct {
		q    string
		want bool // unstated: refused
	}{
		// The corpus names the thing but never counts it.
		{"berapa kapal pesiar yang datang dari singapura", true},
		{"berapa banyak jaring nelayan di teluk itu", true},
		// A number answers.
		{"how many tonnes of tuna did the fishermen sell", false},
		// So do words that count.
		{"berapa penumpang kapal dari australia", false},
		{"how many ferries left the port during the storm", false},
		// A date is no quantity…
		{"berapa harga ikan di pasar karawa", true},
		// … except for how long something lasted.
		{"how long was the old museum of karawa open", false},
		// A year-like number that counts something is one.
		{"how many guests attended the gala dinner at the town hall", false},
		// Questions that ask no number are not judged by it.
		{"siapa yang menangkap ikan tuna", false},
	}
	for _, tt := range tests {
		q, top := bestRanked(t, ix, tt.q)
		if got := ix.unstatedQuantity(q, top); got != tt.want {
			t.Errorf("unstatedQuantity(%q) = %v, want %v (best: %q)", tt.q, got, tt.want, ix.sents[top.id].text)
		}
	}
}

func TestFirstAfterAuxiliary(t *testing.T) {
	tests := []struct{ q, want string }{
		{"what did japan say about the treaty", "japan"},
		{"has china ratified it", "china"},
		{"when did the russian parliament vote", "russian"},
		// An auxiliary after the subject names no doer after it.
		{"what tribes were the romans fearful would invade", ""},
		{"how many households has kids under the age of 18", ""},
		{"who signed the treaty", ""},
		// After a question word, a modal or "has" may be followed by the
		// verb: the question word is the subject.
		{"what would trigger military aid under the treaty", ""},
		{"who has signed the treaty", ""},
		{"would china help russia", "china"},
	}
	for _, tt := range tests {
		if got := firstAfterAuxiliary(strings.Fields(tt.q)); got != tt.want {
			t.Errorf("firstAfterAuxiliary(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}

// TestAbsentDoer checks that an English question about what a doer the
// corpus never mentions did is outside it, whatever else matches.
func TestAbsentDoer(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	tests := []struct {
		q    string
		want bool
	}{
		{"what did japan say about the treaty", true},
		{"did japan sign the treaty", true},
		{"what did putin say about the treaty", false},
		{"when did north korea ratify the treaty", false},
		// Not asked as a doer.
		{"is japan in the treaty", false},
	}
	for _, tt := range tests {
		q := ix.parseQuestion(tt.q)
		if got := ix.absentDoer(q, nil); got != tt.want {
			t.Errorf("absentDoer(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
}

// TestOutsideWorld checks the whole outside-world decision on the default
// article, with its best sentence.
func TestOutsideWorld(t *testing.T) {
	ix := mustBuild(t, corpus.Default())
	tests := []struct {
		q    string
		want bool
	}{
		// Only another sense of "born" (bear: memberikan) is in the
		// best sentence, beside the name.
		{"when was putin born", true},
		{"what did japan say about the treaty", true},
		// The article dates the photo of the car, it never prices it.
		{"berapa harga mobil aurus", true},
		{"when did russia ratify the treaty", false},
		{"berapa tentara korea utara yang dikirim", false},
		{"who was driving the aurus", false},
	}
	for _, tt := range tests {
		q, top := bestRanked(t, ix, tt.q)
		if got := ix.outsideWorld(q, top); got != tt.want {
			t.Errorf("outsideWorld(%q) = %v, want %v (best: %q)", tt.q, got, tt.want, ix.sents[top.id].text)
		}
	}
}

// bestRanked parses question, asks bleve for its candidates and returns
// the parsed question with its best ranked candidate, as Ask would.
func bestRanked(t *testing.T, ix *Index, question string) (*parsedQuestion, scored) {
	t.Helper()
	q := ix.parseQuestion(question)
	hits, err := ix.candidates(t.Context(), q, nil)
	if err != nil {
		t.Fatalf("candidates(%q): %v", question, err)
	}
	ranked := ix.rank(q, hits, &rankScratch{m: matcher{seen: map[int]int{}}})
	if len(ranked) == 0 {
		t.Fatalf("%q: no candidates", question)
	}
	return q, ranked[0]
}
