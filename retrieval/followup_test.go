package retrieval

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// followUpPair is one line of eval/testdata/followup/pairs.jsonl.
type followUpPair struct {
	ID       string   `json:"id"`
	Set      string   `json:"set"`
	Previous string   `json:"previous"`
	Question string   `json:"question"`
	Gold     []string `json:"gold"`
}

// followUpCorpora names the corpus (below evalTestdata) of each set the
// pairs are written on; "" is the embedded article.
var followUpCorpora = map[string]string{
	"article":  "",
	"facqa":    "facqa/corpus.jsonl",
	"facqa-en": "facqa/corpus.jsonl",
	"casual":   "",
	"xquad-en": "xquad-en/corpus.jsonl",
}

// followUpIndexes builds one index per corpus the named sets use.
func followUpIndexes(tb testing.TB, sets ...string) map[string]*Index {
	tb.Helper()
	byCorpus := map[string]*Index{}
	out := map[string]*Index{}
	for _, s := range sets {
		path, ok := followUpCorpora[s]
		if !ok {
			tb.Fatalf("set %q has no corpus in followUpCorpora", s)
		}
		if ix, ok := byCorpus[path]; ok {
			out[s] = ix
			continue
		}
		ix := buildEvalCorpus(tb, evalTestdata, path)
		byCorpus[path], out[s] = ix, ix
	}
	return out
}

// readJSONL decodes each non-blank line of a file into a T.
func readJSONL[T any](tb testing.TB, path string) []T {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			tb.Fatalf("%s:%d: %v", path, line, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// followUpScore counts the pairs answered right (answered, first passage
// correct) when each follow-up is read by parse.
func followUpScore(tb testing.TB, ixs map[string]*Index, pairs []followUpPair, parse func(ix *Index, p followUpPair) *parsedQuestion) (right map[string]int, misses []string) {
	tb.Helper()
	right = map[string]int{}
	for _, p := range pairs {
		ix := ixs[p.Set]
		a, err := ix.searchParsed(tb.Context(), p.Question, parse(ix, p), 10)
		if err != nil {
			tb.Fatal(err)
		}
		if a.Answered && firstCorrect(a.Passages, p.Gold) == 1 {
			right[p.Set]++
			right[""]++
		} else {
			misses = append(misses, p.ID)
		}
	}
	return right, misses
}

// followUpVariants are the readings of a follow-up measured beside kutip's.
var followUpVariants = []struct {
	name string
	f    followUp
}{
	{"kutip", defaultFollowUp},
	{"carry 0.3", followUp{carry: 0.3, maxBack: 3}},
	{"carry 0.7", followUp{carry: 0.7, maxBack: 3}},
	{"carry 1", followUp{carry: 1, maxBack: 3}},
	{"carried words weigh at most the follow-up's", followUp{carry: 0.5, mass: 1, maxBack: 3}},
	{"short: at most 1 word", followUp{carry: 0.5, maxOwn: 1, maxBack: 3}},
	{"short: at most 2 words, pointing back: 4", followUp{carry: 0.5, maxOwn: 2, maxBack: 4}},
	{"pointing back: any length", followUp{carry: 0.5, maxBack: maxConcepts}},
	{"always carry", followUp{carry: 0.5, always: true}},
	{"keep the previous entities", followUp{carry: 0.5, maxBack: 3, keepEntities: true}},
	{"no substitution of a named entity", followUp{carry: 0.5, maxBack: 3, noSubstitution: true}},
}

// measureFollowUps logs the follow-ups of a pairs file answered right
// alone and by each variant, and returns kutip's and alone's counts per
// set ("" for all).
func measureFollowUps(t *testing.T, file string) (with, alone, sets map[string]int) {
	pairs := readJSONL[followUpPair](t, filepath.Join(evalTestdata, "followup", file))
	sets = map[string]int{"": len(pairs)}
	for _, p := range pairs {
		sets[p.Set]++
	}
	var names []string
	for s := range sets {
		if s != "" {
			names = append(names, s)
		}
	}
	ixs := followUpIndexes(t, names...)
	line := func(name string, got map[string]int) {
		t.Logf("%s %-45s all %d/%d  article %d/%d  facqa %d/%d  facqa-en %d/%d", file, name,
			got[""], sets[""], got["article"], sets["article"], got["facqa"], sets["facqa"], got["facqa-en"], sets["facqa-en"])
	}
	alone, _ = followUpScore(t, ixs, pairs, func(ix *Index, p followUpPair) *parsedQuestion {
		return ix.parseQuestion(p.Question)
	})
	for i, v := range followUpVariants {
		got, misses := followUpScore(t, ixs, pairs, func(ix *Index, p followUpPair) *parsedQuestion {
			return ix.parseFollowUp(p.Previous, p.Question, v.f)
		})
		line(v.name, got)
		if i == 0 {
			with = got
			t.Logf("  missed: %s", strings.Join(misses, " "))
		}
	}
	line("asked alone", alone)
	return with, alone, sets
}

// TestFollowUpPairs measures follow-ups on the pairs written from the dev
// questions (eval/testdata/followup/README.md): asked alone, a follow-up
// that leaves out its subject is seldom answered right; asked with the
// previous question it must be, most of the time. The readings kutip does
// not use are measured beside it, for the record (go test -v), on the
// pairs written from FacQA's training questions too, where kutip's
// choices were made.
func TestFollowUpPairs(t *testing.T) {
	measureFollowUps(t, "train.jsonl")
	with, alone, sets := measureFollowUps(t, "pairs.jsonl")

	// Bars at what was measured, rounded down: a change that makes
	// follow-ups worse fails here.
	bars := map[string]float64{"": 0.59, "article": 0.61, "facqa": 0.58, "facqa-en": 0.58}
	for s, bar := range bars {
		if got := float64(with[s]) / float64(sets[s]); got < bar {
			t.Errorf("follow-ups of set %q answered right %d/%d = %.3f with the previous question, want at least %.2f", s, with[s], sets[s], got, bar)
		}
		if with[s] <= alone[s] {
			t.Errorf("follow-ups of set %q: %d right with the previous question, %d alone; want more with it", s, with[s], alone[s])
		}
	}
}

// devQuestion is a dev question with its gold strings.
type devQuestion struct {
	Question string   `json:"question"`
	Gold     []string `json:"gold"`
	Answers  []string `json:"answers"`
}

func (q devQuestion) gold() []string {
	if q.Gold != nil {
		return q.Gold
	}
	return q.Answers
}

// TestFollowUpStandalone checks that questions asked on their own lose
// nothing through the follow-up path: with no previous question every dev
// question gets exactly the answer Search gives it. It also measures a
// complete question asked in reply to an unrelated one (each dev question
// after the one before it in its file), which the follow-up reading must
// leave nearly untouched.
func TestFollowUpStandalone(t *testing.T) {
	files := map[string]string{
		"article":  "article/questions.jsonl",
		"casual":   "casual/questions.jsonl",
		"facqa":    "facqa/dev.jsonl",
		"facqa-en": "facqa-en/dev.jsonl",
		"xquad-en": "xquad-en/dev.jsonl",
	}
	var names []string
	for s := range files {
		names = append(names, s)
	}
	ixs := followUpIndexes(t, names...)
	for _, s := range names {
		t.Run(s, func(t *testing.T) {
			ix := ixs[s]
			qs := readJSONL[devQuestion](t, filepath.Join(evalTestdata, files[s]))
			alone, replied, answerable := 0, 0, 0
			for i, q := range qs {
				want, err := ix.Search(t.Context(), q.Question, 10)
				if err != nil {
					t.Fatal(err)
				}
				got, err := ix.SearchFollowUp(t.Context(), "", q.Question, 10)
				if err != nil {
					t.Fatal(err)
				}
				if !sameAnswer(got, want) {
					t.Errorf("SearchFollowUp(\"\", %q) differs from Search:\n got %+v\nwant %+v", q.Question, got, want)
				}
				gotAsk, err := ix.AskFollowUp(t.Context(), "", q.Question)
				if err != nil {
					t.Fatal(err)
				}
				if wantAsk, _ := ix.Ask(t.Context(), q.Question); !sameAnswer(gotAsk, wantAsk) {
					t.Errorf("AskFollowUp(\"\", %q) differs from Ask:\n got %+v\nwant %+v", q.Question, gotAsk, wantAsk)
				}
				if len(q.gold()) == 0 || i == 0 {
					continue
				}
				answerable++
				if want.Answered && firstCorrect(want.Passages, q.gold()) == 1 {
					alone++
				}
				r, err := ix.SearchFollowUp(t.Context(), qs[i-1].Question, q.Question, 10)
				if err != nil {
					t.Fatal(err)
				}
				if r.Answered && firstCorrect(r.Passages, q.gold()) == 1 {
					replied++
				}
			}
			t.Logf("%s: complete questions right alone %d/%d, in reply to the question before %d/%d", s, alone, answerable, replied, answerable)
			// A complete question read with an unrelated one may lose a
			// little (measured: casual 2 of 39, a one-word "kursk" and
			// "kpn putin ke pyongyang" read as follow-ups; xquad-en 1);
			// more would make replying to kutip costly.
			if limit := max(2, answerable/100); alone-replied > limit {
				t.Errorf("%s: %d of %d complete questions right alone, %d in reply to an unrelated question; want a loss of at most %d", s, alone, answerable, replied, limit)
			}
		})
	}
}

// sameAnswer reports whether two answers are the same but for the last
// bits of their scores: bleve adds a question's term scores in map order,
// so two runs of one question may differ there.
func sameAnswer(a, b Answer) bool {
	if len(a.Passages) != len(b.Passages) {
		return false
	}
	a.Passages, b.Passages = slices.Clone(a.Passages), slices.Clone(b.Passages)
	for i := range a.Passages {
		if math.Abs(a.Passages[i].Score-b.Passages[i].Score) > 1e-9 {
			return false
		}
		a.Passages[i].Score, b.Passages[i].Score = 0, 0
	}
	return reflect.DeepEqual(a, b)
}

// TestElliptical checks which questions read as follow-ups.
func TestElliptical(t *testing.T) {
	ix := followUpIndexes(t, "article")["article"]
	tests := []struct {
		q    string
		want bool
	}{
		{"and North Korea?", true},
		{"when was that?", true},
		{"siapa yang menandatanganinya?", true},
		{"Kapan?", true},
		{"who reported that?", true},
		{"Berapa luas daratannya?", true},
		{"kursk", false},
		{"When did Russia ratify the treaty with North Korea?", false},
		{"Berapa tentara Korea Utara yang dikerahkan ke Kursk?", false},
		{"How many troops did they mass there?", true},
		{"How many North Korean troops did Russia mass in Kursk, according to them?", false},
		{"Apa yang hanya dikatakan Zelenskyy tentang pasukan Korea Utara?", false},
	}
	for _, tc := range tests {
		if got := elliptical(ix.parseQuestion(tc.q), defaultFollowUp.maxOwn, defaultFollowUp.maxBack); got != tc.want {
			t.Errorf("elliptical(%q) = %v, want %v", tc.q, got, tc.want)
		}
	}
}

// TestSubstitute checks which follow-ups name nothing but an entity, and
// the previous question they stand for.
func TestSubstitute(t *testing.T) {
	ix := followUpIndexes(t, "article")["article"]
	tests := []struct {
		previous, question string
		want               string // "" for none
	}{
		{"when did Russia ratify the treaty?", "and North Korea?", "when did North Korea ratify the treaty?"},
		{"Siapa pemimpin Korea Utara?", "Dan Rusia?", "Siapa pemimpin Rusia?"},
		{"Who ratified the treaty in North Korea?", "and in Russia?", "Who ratified the treaty in Russia?"},
		{"Berapa luas DAS Merawu?", "Dan DAS Serayu?", "Berapa luas DAS Serayu?"},
		{"Who said Seoul might send weapons to Ukraine?", "and Zelenskyy?", "Who said Zelenskyy might send weapons to Ukraine?"},
		{"when did Russia ratify?", "and when did North Korea?", ""}, // a question word of its own
		{"when did Russia ratify?", "and the parliament?", ""},       // no name
		{"when did Russia ratify?", "and North Korea or Kim?", ""},   // two names
		{"when did it ratify?", "and North Korea?", ""},              // nothing to replace
		{"when did Russia ratify?", "Russia?", ""},                   // a first word is not taken for a name
	}
	for _, tc := range tests {
		got, ok := substitute(tc.previous, tc.question, ix.parseQuestion(tc.question))
		if ok != (tc.want != "") || got != tc.want {
			t.Errorf("substitute(%q, %q) = %q, %v; want %q", tc.previous, tc.question, got, ok, tc.want)
		}
	}
}

// FuzzNameRuns checks nameRuns on any text: spans in order, inside the
// text, not overlapping, each starting with an upper-case letter and
// never at the text's first word.
func FuzzNameRuns(f *testing.F) {
	for _, s := range []string{"when did North Korea ratify?", "Dan DAS Serayu?", "Yoon Suk-yeol, Kim's ally", "Ünal Özil и Путин", "", "A B C"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		end := 0
		for _, r := range nameRuns(text) {
			if r[0] < end || r[1] <= r[0] || r[1] > len(text) {
				t.Fatalf("nameRuns(%q) span %v after %d", text, r, end)
			}
			if !capitalized(text[r[0]:r[1]]) {
				t.Fatalf("nameRuns(%q) span %q does not start with a capital", text, text[r[0]:r[1]])
			}
			if strings.TrimLeftFunc(text, func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) }) == text[r[0]:] {
				t.Fatalf("nameRuns(%q) took the first word %q", text, text[r[0]:r[1]])
			}
			end = r[1]
		}
	})
}

// TestParseFollowUp checks what a follow-up takes from the previous
// question.
func TestParseFollowUp(t *testing.T) {
	ix := followUpIndexes(t, "article")["article"]
	words := func(q *parsedQuestion) []string {
		var out []string
		for _, c := range q.concepts {
			out = append(out, c.word)
		}
		return out
	}
	tests := []struct {
		name, previous, question string
		want                     []string
		wantType                 answerType
	}{
		{"entity replaced", "when did Russia ratify the treaty?", "and North Korea?", []string{"north", "korea", "ratify", "treaty"}, typeDate},
		{"nothing of its own", "Kapan Rusia meratifikasi perjanjian itu?", "Siapa yang menandatanganinya?", []string{"menandatanganinya", "rusia", "meratifikasi", "perjanjian"}, typePerson},
		{"own type kept", "When was the treaty signed in Pyongyang?", "who was visiting then?", []string{"visiting", "treaty", "signed", "pyongyang"}, typePerson},
		{"complete question", "when did Russia ratify?", "Who is the leader of North Korea today?", []string{"leader", "north", "korea", "today"}, typePerson},
		{"no previous", "", "when was that?", nil, typeDate},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := ix.parseFollowUp(tc.previous, tc.question, defaultFollowUp)
			if got := words(q); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("parseFollowUp(%q, %q) words = %q, want %q", tc.previous, tc.question, got, tc.want)
			}
			if q.qtype != tc.wantType {
				t.Errorf("parseFollowUp(%q, %q) type = %q, want %q", tc.previous, tc.question, q.qtype, tc.wantType)
			}
		})
	}
}

// FuzzParseFollowUp checks parseFollowUp's properties on any pair of
// texts: with no previous question it is parseQuestion; the follow-up's own
// words come first and unchanged; no more than maxConcepts words; carried
// words weigh no more than they did in the previous question.
func FuzzParseFollowUp(f *testing.F) {
	ix := followUpIndexes(f, "article")["article"]
	for _, seed := range [][2]string{
		{"when did Russia ratify the treaty?", "and North Korea?"},
		{"Kapan Rusia meratifikasi perjanjian itu?", "Siapa yang menandatanganinya?"},
		{"", "when was that?"},
		{"What is the name of the treaty?", "when will it take effect?"},
		{"kursk", "Kapan?"},
		{"How many North Korean soldiers are reported to be fighting in the war?", "How many North Korean troops did Russia mass in Kursk, according to them?"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, previous, question string) {
		alone := ix.parseQuestion(question)
		q := ix.parseFollowUp(previous, question, defaultFollowUp)
		if strings.TrimSpace(previous) != "" && elliptical(alone, defaultFollowUp.maxOwn, defaultFollowUp.maxBack) {
			if text, ok := substitute(previous, question, alone); ok {
				// Read as the previous question about another entity.
				if !reflect.DeepEqual(q, ix.parseQuestion(text)) {
					t.Fatalf("substituted follow-up differs from parsing %q", text)
				}
				return
			}
		}
		if len(q.concepts) > maxConcepts {
			t.Fatalf("%d concepts, want at most %d", len(q.concepts), maxConcepts)
		}
		if len(q.concepts) < len(alone.concepts) {
			t.Fatalf("follow-up has %d concepts, fewer than its own %d", len(q.concepts), len(alone.concepts))
		}
		for i, c := range alone.concepts {
			if q.concepts[i].word != c.word || q.concepts[i].idf != c.idf {
				t.Fatalf("own concept %d = %q (idf %g), want %q (idf %g)", i, q.concepts[i].word, q.concepts[i].idf, c.word, c.idf)
			}
		}
		if strings.TrimSpace(previous) == "" && !reflect.DeepEqual(q, alone) {
			t.Fatalf("with no previous question, parseFollowUp differs from parseQuestion")
		}
		p := ix.parseQuestion(previous)
		for _, c := range q.concepts[len(alone.concepts):] {
			found := false
			for _, pc := range p.concepts {
				if pc.word == c.word && c.idf <= pc.idf {
					found = true
				}
			}
			if !found {
				t.Fatalf("carried concept %q (idf %g) is not a previous concept at that weight or more", c.word, c.idf)
			}
		}
	})
}
