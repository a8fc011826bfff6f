package retrieval_test

import (
	"context"
	"fmt"
	"log"

	"kutip/corpus"
	"kutip/retrieval"
)

// A follow-up that leaves out what it is about is read with the previous
// question: "and North Korea?" after "when did Russia ratify?" asks when
// North Korea ratified, and "when did he say that?" after a question about
// Zelenskyy asks when Zelenskyy said it. Asked alone, neither says enough.
func ExampleIndex_AskFollowUp() {
	ctx := context.Background()
	ix, err := retrieval.Build(ctx, corpus.Default(), retrieval.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer ix.Close()
	for _, turn := range [][2]string{
		{"when did Russia ratify?", "and North Korea?"},
		{"How many troops did Russia mass in Kursk, according to Zelenskyy?", "when did he say that?"},
	} {
		a, err := ix.AskFollowUp(ctx, turn[0], turn[1])
		if err != nil {
			log.Fatal(err)
		}
		p := a.Passages[0]
		fmt.Printf("%s → %s, %s: %s\n", turn[1], a.Type, p.Citation(), p.Answer)
	}
	// Output:
	// and North Korea? → date, ¶3, sentence 1: hari Senin
	// when did he say that? → date, ¶10, sentence 1: hari Senin
}
