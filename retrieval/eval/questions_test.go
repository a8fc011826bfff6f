package eval

import (
	"slices"
	"strings"
	"testing"
)

func TestReadQuestions(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []Question
		err      string
	}{
		{"gold first", `{"id":"a","question":"q?","lang":"en","gold":["x"],"answers":["y"],"answer":"z"}`,
			[]Question{{ID: "a", Question: "q?", Lang: "en", Gold: []string{"x"}}}, ""},
		{"empty gold is unanswerable", `{"question":"q?","gold":[],"answer":"z"}`,
			[]Question{{ID: "line 1", Question: "q?", Gold: []string{}}}, ""},
		{"answers, then answer", "{\"question\":\"a?\",\"answers\":[\"x\",\"y\"]}\n\n{\"question\":\"b?\",\"answer\":\"z\"}\n",
			[]Question{{ID: "line 1", Question: "a?", Gold: []string{"x", "y"}}, {ID: "line 3", Question: "b?", Gold: []string{"z"}}}, ""},
		{"no question", `{"id":"a","gold":["x"]}`, nil, `line 1: no "question"`},
		{"not JSON", "{\"question\":\"a?\"}\nnot json", nil, "line 2:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadQuestions(strings.NewReader(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(got, tc.want, func(a, b Question) bool {
				return a.ID == b.ID && a.Question == b.Question && a.Lang == b.Lang && slices.Equal(a.Gold, b.Gold) && (a.Gold == nil) == (b.Gold == nil)
			}) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// FuzzReadQuestions: any input gives questions that all have text and an
// ID, or an error; never a panic.
func FuzzReadQuestions(f *testing.F) {
	f.Add(`{"id":"a","question":"q?","gold":["x"]}`)
	f.Add("{\"question\":\"a?\",\"answers\":[\"x\"]}\n\n{\"question\":\"b?\",\"answer\":\"z\"}")
	f.Add(`{"question":"q?","gold":null}`)
	f.Add(`{"question":""}`)
	f.Fuzz(func(t *testing.T, in string) {
		qs, err := ReadQuestions(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, q := range qs {
			if q.Question == "" || q.ID == "" {
				t.Fatalf("question %+v lacks its text or ID", q)
			}
		}
	})
}
