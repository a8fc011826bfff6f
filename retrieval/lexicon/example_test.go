package lexicon_test

import (
	"fmt"

	"kutip/retrieval/lexicon"
)

func ExampleStem() {
	for _, w := range []string{"ditandatangani", "pengerahan", "pasukannya", "perang", "rusia"} {
		fmt.Println(w, "→", lexicon.Stem(w))
	}
	// Output:
	// ditandatangani → tandatangan
	// pengerahan → kerah
	// pasukannya → pasukan
	// perang → perang
	// rusia → rusia
}

func ExampleTranslate() {
	fmt.Println(lexicon.Translate("treaties"))
	fmt.Println(lexicon.Translate("soldiers"))
	// Output:
	// [perjanjian kesepakatan traktat]
	// [prajurit tentara serdadu askar laskar]
}

func ExampleSynonyms() {
	fmt.Println(lexicon.Synonyms("tentara"))
	// Output:
	// [angkatan laskar legiun militer pasukan prajurit serdadu askar]
}

func ExampleCognates() {
	fmt.Println(lexicon.Cognates("ratification"))
	fmt.Println(lexicon.Cognates("parliament"))
	// Output:
	// [ratifikasi ratification]
	// [parlemen parliamen parliament]
}
