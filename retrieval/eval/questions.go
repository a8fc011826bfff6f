package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Question is one line of a questions file: the question and the gold
// strings a correct passage contains. An empty gold list means the corpus
// does not answer the question, and kutip should abstain.
type Question struct {
	ID       string
	Question string
	Lang     string
	Gold     []string
}

// ReadQuestions reads a .jsonl questions file. The gold strings come from
// the "gold", "answers" or "answer" field, whichever is present first.
func ReadQuestions(r io.Reader) ([]Question, error) {
	var out []Question
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var rec struct {
			ID       string    `json:"id"`
			Question string    `json:"question"`
			Lang     string    `json:"lang"`
			Gold     *[]string `json:"gold"`
			Answers  []string  `json:"answers"`
			Answer   string    `json:"answer"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if rec.Question == "" {
			return nil, fmt.Errorf("line %d: no \"question\"", line)
		}
		q := Question{ID: rec.ID, Question: rec.Question, Lang: rec.Lang}
		switch {
		case rec.Gold != nil:
			q.Gold = *rec.Gold
		case len(rec.Answers) > 0:
			q.Gold = rec.Answers
		case rec.Answer != "":
			q.Gold = []string{rec.Answer}
		}
		if q.ID == "" {
			q.ID = fmt.Sprintf("line %d", line)
		}
		out = append(out, q)
	}
	return out, sc.Err()
}
