package retrieval

import "time"

// The package's defaults and limits, in one place. The ranking weights and
// the abstention thresholds are not settings but fitted values; they live
// with ranking (rank.go). Summaries' defaults are with summaries
// (summary.go).

// DefaultTop is how many passages Ask returns at most, and AskTop when
// given no number.
const DefaultTop = 3

// DefaultWatchInterval is WatchOptions.Interval's default: how often hot
// reload looks at the corpus files.
const DefaultWatchInterval = 5 * time.Second

// maxQuestionRunes bounds how much of a question is read.
const maxQuestionRunes = 600

// maxCandidates is how many sentences bleve proposes for reranking.
const maxCandidates = 20

// tieMargin is how many sentences past maxCandidates bleve is asked for, so
// that ties at the cut are broken the same way every time (bleve.go).
const tieMargin = 5

// indexBatch is how many sentences go to bleve in one batch while
// indexing a corpus on disk or a large one in memory; ctx is checked
// between batches. A corpus of up to memoryBuildMax sentences indexed in
// memory goes in as one batch (see Index.newBleve).
const indexBatch = 1000

// memoryBuildMax is the largest corpus, in sentences, that is indexed in
// memory when there is no INDEX_DIR, in one batch. Scorch in memory keeps
// one segment per batch on the heap and never merges them; a larger corpus
// is built on disk in a temporary folder, where segments are merged and
// held in memory maps (see Index.buildTemp).
const memoryBuildMax = 4 * indexBatch

// openTimeout bounds the wait for an index on disk that another process
// holds locked.
const openTimeout = "10s"

// staleBuild is the age past which a leftover build folder, from a process
// that crashed, is removed. It is long enough for a large corpus to finish
// building in another process that shares the folder.
const staleBuild = 6 * time.Hour
