// Package lexicon holds the Indonesian and English word knowledge that
// retrieval uses to match a question's words with an article's: Indonesian
// morphology, English→Indonesian translation, Indonesian synonyms and
// English→Indonesian loanword spellings. It is plain Go over embedded data and
// reads nothing from the file system.
//
//   - Stem reduces an Indonesian word to its root (pengerahan → kerah,
//     ditandatangani → tandatangan) by confix stripping in the style of
//     Nazief–Adriani and its enhanced variant (ECS): it tries every way of
//     removing particles, possessives, a derivational suffix and up to three
//     prefixes, undoing meN-/peN- assimilation, and keeps the reading that
//     ends in a root of the hunspell-id dictionary, preferring affixes that
//     the root's hunspell flags allow. IsRoot reports whether a word is such a
//     root.
//   - Translate looks an English word up in the FreeDict English–Indonesian
//     dictionary, with a small rule-based English lemmatizer (troops → troop,
//     ratified → ratify) and spelling variants (defence → defense), and in a
//     table learned from parallel news by word alignment (warn →
//     memperingatkan, killed → tewas); TranslateWeighted gives each
//     translation a weight, highest where the two sources agree, and
//     TranslatePhrase translates two-word units (air force → angkatan
//     udara). For a noun neither knows, Wordnet Bahasa's renderings of its
//     commonest senses weigh least (watershed → das, band → orkes).
//   - Synonyms looks an Indonesian word, or its meN- form, or its root, up
//     in the mythes-id thesaurus.
//   - Cognates spells an English loanword the Indonesian way by a table of
//     ending and letter correspondences (ratification → ratifikasi,
//     parliament → parlemen); it uses no data.
//
// # Data
//
// The data/ directory holds sorted, tab-separated UTF-8 text made by the
// generator in gen/ from four Debian packages:
//
//	data/roots.txt      hunspell-id (id_ID.dic, id_ID.aff): root \t affix families
//	data/translate.txt  dict-freedict-eng-ind: English headword \t tr|tr|...
//	data/synonyms.txt   mythes-id (th_id_ID_v2.dat): headword \t syn|syn|... (best first)
//	data/irregular.txt  wordnet-base (verb.exc, noun.exc, adj.exc): English irregular
//	                    form \t lemma|lemma, for lemmas translate.txt has (sent → send)
//	data/capitals.txt   wordnet-base (data.noun): national capital \t country|country
//	                    (moscow → russia|russian federation)
//	data/learned.txt    learned from the PANL-BPPT parallel news corpus (../shared/parallel):
//	                    English stem \t word:p|word:p, p = p(Indonesian | English), or
//	                    the geometric mean of both directions where that is higher
//	data/wordnet.txt    Wordnet Bahasa (../shared/lexicon) joined with wordnet-base's noun
//	                    index: English noun FreeDict lacks \t lemma|lemma
//
// The files are embedded as strings, not gzip'd, so that the tables are
// substrings of them and start-up decompresses nothing (about 2.0 MB in the
// binary; git compresses them in the repository). Each table is parsed on
// first use, once (about 3 ms in all, warm); Stem loads only the roots. See
// data/LICENSES.md for the sources' licences (LGPL-3, LGPL-2.1, CC-BY-SA-3.0,
// WordNet 3.0).
//
// To regenerate the data, install the packages and run go generate (with
// ../shared beside the repository for the parallel corpus; learning takes
// about 30 s of CPU):
//
//	apt-get install hunspell-id dict-freedict-eng-ind mythes-id wordnet-base
//	go generate ./retrieval/lexicon/
//
// The generator takes the FreeDict pair as a flag (-pair eng-ind), so another
// English–X FreeDict dictionary is a data change. Its output is deterministic.
//
// All functions are safe for concurrent use.
package lexicon
