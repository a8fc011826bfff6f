package retrieval

import (
	"context"

	"kutip/corpus"
)

// Answer is what Ask found for a question.
type Answer struct {
	Question string
	Lang     string // the question's detected language, "id" or "en"
	Type     string // the expected answer type: "date", "number", "person", "place", "reason", "name" or ""
	// Answered is false when the corpus does not answer the question. Then
	// Passages holds at most one passage, "maybe related", and only when it
	// is close; otherwise it is empty.
	Answered bool
	Passages []Passage
	// Confidence is the best passage's coverage of the question, in [0, 1]:
	// the idf-weighted share of its content words the passage (or its
	// neighbours) expresses. Answered is Confidence at or above the
	// threshold of the question's and the passage's languages, or, for a
	// long English question asked of Indonesian text whose passage holds
	// the asked type of answer, above a lower one (see abstain.go).
	Confidence float64
	// Topic is true when the question names a topic instead of asking
	// something ("kursk", "nuclear tech": no question word, see
	// keyword.go). Passages are then the best sentences about it, and a
	// reader should say so: "Here is what the article says about kursk".
	Topic bool

	outside bool    // a content word is outside the corpus, which shares only names with it (see outside.go)
	signals signals // what the decision to answer read (abstain.go)
}

// Passage is one cited sentence.
type Passage struct {
	Doc       string // document ID
	Title     string
	URL       string
	Paragraph int // 1-based, as a reader counts them
	Sentence  int // 1-based within the paragraph
	Kind      string
	Text      string
	Score     float64 // ranking score, comparable within one answer only
	// Answer is the span of Text that answers the question (a date for
	// "when", a number with its unit for "how many", …); it may be empty.
	Answer string
	// Before and After are the neighbouring sentences of the same
	// paragraph, for context; either may be empty.
	Before, After string
}

// Citation names the passage's sentence; its String is how replies cite
// it ("¶8, sentence 1").
func (p Passage) Citation() corpus.Citation {
	return corpus.Citation{Doc: p.Doc, Paragraph: p.Paragraph, Sentence: p.Sentence}
}

// Ask answers question with at most DefaultTop passages; see AskTop.
func (ix *Index) Ask(ctx context.Context, question string) (Answer, error) {
	return ix.AskTop(ctx, question, DefaultTop)
}

// AskTop answers question from the corpus: at most top passages (DefaultTop
// when top < 1), the best first, each a real sentence with its citation.
// The question is plain text, never query syntax. AskTop never fails on a
// question; it returns an error only when the index itself fails or ctx
// ends.
func (ix *Index) AskTop(ctx context.Context, question string, top int) (Answer, error) {
	if top < 1 {
		top = DefaultTop
	}
	ans, err := ix.Search(ctx, question, top)
	if err != nil || ans.Answered {
		return ans, err
	}
	return withheld(ans), nil
}

// withheld trims an answer the corpus does not give: the nearest passage
// stays, as maybe related, only when it is close.
func withheld(ans Answer) Answer {
	if len(ans.Passages) > 0 && ans.Confidence >= relatedThreshold && !ans.outside {
		ans.Passages = ans.Passages[:1]
	} else {
		ans.Passages = nil
	}
	return ans
}

// Search is AskTop without abstention's trimming: Passages holds the n best
// passages whether or not the corpus answers, and Answered says whether Ask
// would answer. Evaluation uses it to tell ranking from abstention.
func (ix *Index) Search(ctx context.Context, question string, n int) (Answer, error) {
	return ix.searchParsed(ctx, question, ix.parseQuestion(question), n)
}

// searchParsed is Search on a question already parsed (followup.go adds
// the previous question's words to it).
func (ix *Index) searchParsed(ctx context.Context, question string, q *parsedQuestion, n int) (Answer, error) {
	return ix.searchIn(ctx, question, q, nil, n)
}

// searchIn is searchParsed on the documents f lets through, all of them
// when f is nil (see scope.go).
func (ix *Index) searchIn(ctx context.Context, question string, q *parsedQuestion, f *docFilter, n int) (Answer, error) {
	ans := Answer{Question: question, Lang: q.lang, Type: string(q.qtype)}
	if len(q.concepts) == 0 {
		return ans, nil
	}
	hits, err := ix.candidates(ctx, q, f)
	if err != nil {
		return ans, err
	}
	sc := rankScratchPool.Get().(*rankScratch)
	defer rankScratchPool.Put(sc)
	ranked := ix.rank(q, hits, sc)
	if len(ranked) == 0 {
		return ans, nil
	}
	ans.Confidence = ranked[0].confidence
	top := ranked[0]
	ans.signals = ix.signalsOf(q, top)
	ans.Answered = answers(ans.signals, q.lang, ix.sents[top.id].lang)
	ans.outside = ix.outsideWorld(q, ranked[0])
	if ans.outside {
		ans.Answered = false
	} else if q.isTopic() && ans.Confidence >= topicThreshold {
		ans.Answered, ans.Topic = true, true
	}
	for _, r := range ranked[:min(n, len(ranked))] {
		ans.Passages = append(ans.Passages, ix.passage(r))
	}
	return ans, nil
}

func (ix *Index) passage(r scored) Passage {
	s := &ix.sents[r.id]
	d := &ix.docs[s.doc]
	p := &d.Paragraphs[s.para]
	out := Passage{
		Doc: d.ID, Title: d.Title, URL: d.URL,
		Paragraph: p.N, Sentence: p.Sentences[s.sent].N, Kind: string(s.kind),
		Text: s.text, Score: r.score, Answer: r.span,
	}
	if s.sent > 0 {
		out.Before = p.Sentences[s.sent-1].Text
	}
	if s.sent+1 < len(p.Sentences) {
		out.After = p.Sentences[s.sent+1].Text
	}
	return out
}
