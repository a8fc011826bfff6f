package corpus_test

import (
	"fmt"
	"log"
	"testing/fstest"

	"kutip/corpus"
)

// Text becomes paragraphs as a reader counts them, and sentences within
// each; a citation names one sentence by both.
func ExampleLoadFS() {
	fsys := fstest.MapFS{"news/ferry.md": {Data: []byte("---\ntitle: Ferry news\n---\n" +
		"The ferry sails at noon. It returns at six.\n\nTickets cost 5 dollars.\n")}}
	docs, _, err := corpus.LoadFS(fsys, ".")
	if err != nil {
		log.Fatal(err)
	}
	d := docs[0]
	fmt.Println(d.ID, d.Title, d.Lang, len(d.Paragraphs), d.SentenceCount())
	s, _ := d.Sentence(1, 2)
	c := corpus.Citation{Doc: d.ID, Paragraph: 1, Sentence: 2}
	fmt.Printf("%s (%s): %s\n", c, c.Ref(), s.Text)
	// Output:
	// news/ferry Ferry news en 2 3
	// ¶1, sentence 2 (news/ferry ¶1.2): It returns at six.
}

// Split cuts text into sentences, not at the dots of numbers and
// abbreviations.
func ExampleSplit() {
	for _, s := range corpus.Split("Sekitar 11.000 tentara dikerahkan. Dr. Kim tiba pukul 10.30 WIB.") {
		fmt.Println(s.N, s.Text)
	}
	// Output:
	// 1 Sekitar 11.000 tentara dikerahkan.
	// 2 Dr. Kim tiba pukul 10.30 WIB.
}
