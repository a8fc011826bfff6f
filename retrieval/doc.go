// Package retrieval answers questions about a corpus by quoting its
// sentences. It indexes every sentence of the corpus.Documents it is given
// in bleve, and answers a question with the sentences that best answer it,
// each cited by document, paragraph and sentence, or abstains when none
// does. It also summarises a document in its own sentences. It knows
// nothing of Discord or of settings: callers pass what it needs.
//
// # Using it
//
// Build indexes a corpus (Options.Dir keeps the index on disk). Index.Ask
// answers one question with up to DefaultTop passages, Index.AskTop with as
// many as asked; Index.Summary summarises one document. Live wraps an
// Index that hot reload replaces while questions are answered (Live.Watch).
// Package retrieval/eval scores answers against question sets with known
// answers, through this package's public API.
//
// # Answering a question
//
// A question goes through six steps; the file of each is named:
//
//  1. Analyse (analyze.go, lang.go). Text is split into tokens; each gets
//     an index term, its stem under the text's language, or none for a stop
//     word. Indonesian and English are kutip's own; a document in another
//     language bleve has an analyzer for (German, French, Spanish, …) is
//     detected as such and analysed with that language's stop words and
//     Snowball stemmer (lang.go). Sentences and questions are analysed
//     alike, so their terms meet. The language data (stems, translations,
//     synonyms) is package lexicon, reached through lexicon.go.
//  2. Query (query.go, chat.go, spell.go, keyword.go). The question is read
//     as plain text, never query syntax. Chat forms are written out first
//     ("gmn", "korsel", "11k", "ngirim"; chat.go); its language and the
//     answer type its question word asks for are found ("when" asks for a
//     date; a question with no stop word has its language guessed from the
//     dictionaries, keyword.go); an English word unknown everywhere is
//     corrected by one typing slip to a word whose translations the corpus
//     holds (spell.go); and each content word becomes a concept: the index
//     terms that may express it, each weighted (the word as asked, a
//     spelling variant, a translation into the corpus's language, a
//     synonym, the country a capital stands for: capital.go) and the
//     concept weighted by idf. A line of a few content
//     words and no question word ("kursk", "arms transfer") is a topic
//     (keyword.go).
//  3. Candidates (bleve.go, postings.go). The maxCandidates sentences that
//     best match the concepts' weighted terms by bleve's tf-idf (each
//     word's strongest alternatives only; ties at the cut broken by
//     position, so the same question always gets the same candidates).
//     They are scored from postings kept in memory beside the sentence
//     table, with bleve's formula: the same sentences and scores as
//     bleve's searcher on the same query, for a fraction of its cost.
//     bleve's searcher runs that query only for a corpus too large for
//     postings; every bleve call is in bleve.go. bleve holds the index
//     on disk (INDEX_DIR), checked by its manifest at every start.
//  4. Rank (rank.go, subject.go). Each candidate is scored by coverage (the
//     idf-weighted share of the question's concepts it expresses, each at
//     its best alternative's weight; a concept found only in a neighbouring
//     sentence of the same paragraph counts less), by whether it holds a
//     span of the asked type outside the question's own words, by how close
//     together the matched words stand, and by bleve's own score as a
//     tie-breaker; captions and headings rank lower. A sentence that holds
//     the asked type may overtake a close neighbour that only restates the
//     question. A sentence where the question's named doer stands before
//     the action as asked ranks above one that only mentions it after
//     (subject.go).
//  5. Span (span.go, clause.go). A typed span is the part of a sentence
//     that answers: a date, a number with its unit, a person, a place, a
//     name, a reason. span.go finds a sentence's spans with word lists for
//     Indonesian and English news and chooses the one nearest the
//     question's words, weakening one from a clause the question's words do
//     not reach (clause.go); replies show it in bold (Passage.Answer).
//  6. Abstain (rank.go, abstain.go, ask.go). Coverage (Answer.Confidence)
//     decides whether the corpus answers: below answerThreshold of the
//     question's and the passage's languages Ask abstains, unless an
//     English question of six content words or more is asked of
//     Indonesian text and its passage holds the asked type of answer and
//     matches 12 nats of the question's idf (abstain.go): then down to
//     coverage 0.40. Otherwise it abstains (Answer.Answered is false) and
//     offers the best sentence as "maybe related" only at or above
//     relatedThreshold. The thresholds are calibrated against realistic
//     negatives (TestAbstentionCalibration in retrieval/eval;
//     TestCrossTypedRuleHoldsOut cross-validates abstain.go's rule).
//     A question with a content word the corpus has no word for, whose best
//     sentence shares only names with it ("how old is Kim Jong Un"), is
//     refused without a "maybe related" (outside.go), as is a how-many
//     question whose best sentence counts nothing (a date is no count),
//     and an English question whose doer the corpus never names ("what
//     did Japan say"). A word the corpus has only through the root of a
//     pe(N)- noun it never writes (population → penduduk, the article's
//     duduk and menduduki; derivation.go) or through a far less trusted
//     translation counts as no word for it. A topic is answered with the
//     sentences about it (Answer.Topic).
//
// ask.go holds the entry points and what they return (Answer, Passage); a
// Passage's Citation is a corpus.Citation, the one citation formatter.
//
// # Storing and reloading
//
// index.go builds the in-memory sentence table (texts, tokens, term IDs)
// that ranking reads, and the bleve index beside it. With Options.Dir the
// bleve index is a cache on disk (store.go): Build reuses it while the
// corpus and the analysis are unchanged (the fingerprint covers the
// documents, analyzerVersion and the folder format), rebuilds it otherwise,
// and checks it before trusting it: its manifest records every bleve
// file's size and CRC-32C, checked before bleve opens anything (verify.go),
// and a folder being built is locked so that a later start can remove the
// builds of crashed processes. A Dir that cannot hold the index leaves
// Build answering from memory (StoreInfo.Unwritable). A corpus
// larger than Options.MaxBytes is refused before indexing (limit.go). The
// folder holds:
//
//	<name>/                 a finished index; name is the first 32 hex digits of its fingerprint
//	    bleve/              the scorch index
//	    kutip-index.json    its manifest: format, full fingerprint, analyzer version, counts, each file's size and CRC-32C
//	.kutip-new-*/, .build-*/  an index being built (locked while its build runs)
//
// A build writes a .build-* folder, syncs it to disk and renames it to its
// final name in one step, so a crash leaves the old index or the new one,
// never a half-written one under a final name. Finished indexes are opened
// read-only: several processes may share the folder (say `kutip ask` in the
// container beside `kutip serve`), and an index that hot reload has
// replaced keeps answering from its open files until it is closed, even
// after its folder is removed. The folder holds the index of one corpus at
// a time: building another removes the others.
//
// reload.go holds Live, which swaps a new index in while calls in flight
// finish on the old one, and Watch, which polls the corpus files and
// rebuilds when they have changed and settled.
//
// # Summaries
//
// summary.go summarises a document extractively: a few of its own body
// sentences, in article order, each cited. Sentences are ranked by LexRank
// centrality over their tf-idf similarity, with a jump biased to the
// opening (or to a topic's sentences), plus what each introduces that the
// story goes on to develop; they are then picked by maximal marginal
// relevance, without repeats or restated figures. summary.go describes each
// step.
//
// # Defaults
//
// defaults.go holds the package's defaults and limits (DefaultTop,
// DefaultWatchInterval, how many candidates bleve proposes, …). Ranking's
// weights and the abstention thresholds are fitted values, not settings;
// they stay in rank.go. Measurements (speed, quality) are in the README and
// the benchmarks, not here.
package retrieval
