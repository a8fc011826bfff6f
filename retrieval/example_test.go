package retrieval_test

import (
	"context"
	"fmt"
	"log"

	"kutip/corpus"
	"kutip/retrieval"
)

// An English question about the built-in Indonesian article: the answer is
// a sentence of the article, cited by paragraph and sentence, with the
// part that answers (here a date) picked out.
func ExampleIndex_Ask() {
	ctx := context.Background()
	ix, err := retrieval.Build(ctx, corpus.Default(), retrieval.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer ix.Close()
	a, err := ix.Ask(ctx, "When did the Russian parliament ratify the treaty?")
	if err != nil {
		log.Fatal(err)
	}
	p := a.Passages[0]
	fmt.Println(a.Answered, a.Lang, a.Type)
	fmt.Println(p.Citation())
	fmt.Println(p.Answer)
	fmt.Println(p.Text)
	// Output:
	// true en date
	// ¶8, sentence 1
	// 6 November
	// Parlemen Rusia meratifikasi perjanjian tersebut pada 6 November, di tengah-tengah berbulan-bulan peningkatan kerja sama keamanan dengan Korea Utara, termasuk dugaan transfer senjata ke Rusia dan pengerahan ribuan tentara Korea Utara untuk mendukung perang Rusia di Ukraina.
}

// A question the article does not answer: kutip abstains rather than
// quote the nearest sentence as an answer, and offers at most one passage
// as "maybe related".
func ExampleIndex_Ask_abstains() {
	ctx := context.Background()
	ix, err := retrieval.Build(ctx, corpus.Default(), retrieval.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer ix.Close()
	a, err := ix.Ask(ctx, "Who won the 2022 World Cup?")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.Answered, len(a.Passages) <= 1)
	// Output:
	// false true
}
