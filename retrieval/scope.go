package retrieval

import (
	"context"
	"fmt"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"kutip/corpus"
)

// Scopes. A server can give each channel the documents of one folder of
// the corpus (CHANNELS_FILE): the channel's questions, summaries and
// document lists then see only those. One index serves every scope: each
// sentence is indexed with its file's folders (the folder field), and a
// scoped question runs the same bleve query with an unscored filter on
// one folder term, so it finds the scope's best sentences however many
// better ones other folders hold, its sentences score exactly as they
// would unscoped, and it costs about what an unscoped question does
// (BenchmarkAskIn). One index per folder would cost memory beside the
// whole corpus's index, which unmapped channels and the command line
// still need: on facqa's 1,330 documents in ten folders, 12.8 MB for the
// one index against 41 MB more for ten (BenchmarkScopeMemory), and every
// reload would rebuild them all.

// Scope is the part of the corpus a question sees: the documents loaded
// from one folder below the corpus root, its subfolders included. The zero
// Scope is the whole corpus.
type Scope struct {
	// Folder is a slash-separated path relative to the corpus root, such
	// as "news" or "news/2024", matched against where each document was
	// loaded from (corpus.Document.Source), not against its ID, which
	// front matter may set. "" or "." is the whole corpus.
	Folder string
}

// folder is s.Folder cleaned: "" for the whole corpus, otherwise a path
// without "./", trailing or doubled slashes.
func (s Scope) folder() string {
	f := path.Clean("/" + strings.TrimSpace(s.Folder))
	return strings.TrimPrefix(f, "/")
}

// Whole reports whether s is the whole corpus.
func (s Scope) Whole() bool { return s.folder() == "" }

// String is the scope as the channels file writes it: its folder, or "."
// for the whole corpus.
func (s Scope) String() string {
	if s.Whole() {
		return "."
	}
	return s.folder()
}

// Contains reports whether d was loaded from s's folder or a folder below
// it. A .jsonl file's documents are in the file's folder.
func (s Scope) Contains(d corpus.Document) bool { return inFolder(d, s.folder()) }

// inFolder reports whether d is in folder f (cleaned, "" for the root) or
// below it.
func inFolder(d corpus.Document, f string) bool {
	if f == "" {
		return true
	}
	dir := path.Dir(d.Source) // "news/a.jsonl:3" is in "news"
	return strings.HasPrefix(dir, f) && (len(dir) == len(f) || dir[len(f)] == '/')
}

// docFolders lists the folders d's file is in, below the corpus root,
// as the folder field indexes them: "a/b/x.txt" is in "a" and "a/b".
func docFolders(d corpus.Document) []string {
	dir := path.Dir(d.Source)
	if dir == "." || dir == "/" || path.IsAbs(dir) {
		return nil
	}
	var out []string
	for i := range len(dir) {
		if dir[i] == '/' {
			out = append(out, dir[:i])
		}
	}
	return append(out, dir)
}

// docFilter is a scope resolved against one index: which of its documents
// are in scope, as a table for memory and a query for bleve.
type docFilter struct {
	docs  []bool // by position in Index.docs
	query query.Query
}

// scopeCache keeps the filters of the folders asked about, at most
// maxCachedScopes (the channels file's folders; any more are resolved per
// question). The zero value is empty and ready.
type scopeCache struct {
	mu sync.Mutex
	m  map[string]*docFilter
}

const maxCachedScopes = 256

// filter resolves s for ix; nil for the whole corpus. Resolving reads
// every document's folder, so it is done once per folder and index.
func (ix *Index) filter(s Scope) *docFilter {
	if s.Whole() {
		return nil
	}
	folder := s.folder()
	c := &ix.scopes
	c.mu.Lock()
	f, ok := c.m[folder]
	c.mu.Unlock()
	if ok {
		return f
	}
	f = ix.resolve(folder)
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]*docFilter{}
	}
	if len(c.m) < maxCachedScopes {
		c.m[folder] = f
	}
	c.mu.Unlock()
	return f
}

// resolve makes the filter of a cleaned folder.
func (ix *Index) resolve(folder string) *docFilter {
	f := &docFilter{docs: make([]bool, len(ix.docs))}
	for i, d := range ix.docs {
		f.docs[i] = inFolder(d, folder)
	}
	tq := bleve.NewTermQuery(folder)
	tq.SetField(fieldFolder)
	f.query = tq
	return f
}

// restrict returns match limited to f's documents. bleve runs a boolean
// query's filter unscored, so the sentences it lets through score as
// they do under match alone.
func (f *docFilter) restrict(match query.Query) query.Query {
	b := bleve.NewBooleanQuery()
	b.Must = match
	b.AddFilter(f.query)
	return b
}

// AskIn is Ask within scope: only its documents' sentences can answer.
func (ix *Index) AskIn(ctx context.Context, scope Scope, question string) (Answer, error) {
	return ix.AskTopIn(ctx, scope, question, DefaultTop)
}

// AskTopIn is AskTop within scope.
func (ix *Index) AskTopIn(ctx context.Context, scope Scope, question string, top int) (Answer, error) {
	if top < 1 {
		top = DefaultTop
	}
	ans, err := ix.SearchIn(ctx, scope, question, top)
	if err != nil || ans.Answered {
		return ans, err
	}
	return withheld(ans), nil
}

// SearchIn is Search within scope.
func (ix *Index) SearchIn(ctx context.Context, scope Scope, question string, n int) (Answer, error) {
	return ix.searchIn(ctx, question, ix.parseQuestion(question), ix.filter(scope), n)
}

// AskFollowUpIn is AskFollowUp within scope.
func (ix *Index) AskFollowUpIn(ctx context.Context, scope Scope, previous, question string) (Answer, error) {
	return ix.AskTopFollowUpIn(ctx, scope, previous, question, DefaultTop)
}

// AskTopFollowUpIn is AskFollowUpIn with at most top passages (DefaultTop
// when top < 1), as AskTopIn is to AskIn; with an empty previous it is
// AskTopIn.
func (ix *Index) AskTopFollowUpIn(ctx context.Context, scope Scope, previous, question string, top int) (Answer, error) {
	if top < 1 {
		top = DefaultTop
	}
	q := ix.parseFollowUp(previous, question, defaultFollowUp)
	ans, err := ix.searchIn(ctx, question, q, ix.filter(scope), top)
	if err != nil || ans.Answered {
		return ans, err
	}
	return withheld(ans), nil
}

// DocumentsIn returns the documents of the corpus in scope, in corpus
// order; none when the scope's folder holds no document.
func (ix *Index) DocumentsIn(scope Scope) []corpus.Document {
	if scope.Whole() {
		return ix.docs
	}
	var out []corpus.Document
	for _, d := range ix.docs {
		if scope.Contains(d) {
			out = append(out, d)
		}
	}
	return out
}

// SummaryIn is Summary within scope: opts.Doc must be in scope, and an
// empty opts.Doc means the scope's only or newest document. A document
// out of scope, or a scope without documents, is ErrUnknownDocument.
func (ix *Index) SummaryIn(ctx context.Context, scope Scope, opts SummaryOptions) (Summary, error) {
	if scope.Whole() {
		return ix.Summary(ctx, opts)
	}
	newest, newestTime, found := -1, time.Time{}, false
	for i, d := range ix.docs {
		if !scope.Contains(d) {
			continue
		}
		if opts.Doc != "" {
			if d.ID == opts.Doc {
				found = true
				break
			}
			continue
		}
		// As newestDoc: the latest Published date, else the last loaded.
		t, ok := publishedTime(d.Published)
		switch {
		case ok && !t.Before(newestTime):
			newest, newestTime = i, t
		case newestTime.IsZero():
			newest = i
		}
	}
	switch {
	case opts.Doc != "" && !found:
		return Summary{}, fmt.Errorf("document %q is not in folder %q: %w", opts.Doc, scope.String(), ErrUnknownDocument)
	case opts.Doc == "" && newest < 0:
		return Summary{}, fmt.Errorf("folder %q holds no document: %w", scope.String(), ErrUnknownDocument)
	case opts.Doc == "":
		opts.Doc = ix.docs[newest].ID
	}
	return ix.Summary(ctx, opts)
}

// AskIn is Index.AskIn on the current index, so a document hot reload
// adds to a folder is seen by that folder's scopes from the next call.
func (l *Live) AskIn(ctx context.Context, scope Scope, question string) (Answer, error) {
	r := l.acquire()
	if r == nil {
		return Answer{Question: question}, ErrNoIndex
	}
	defer r.release()
	a, err := r.ix.AskIn(ctx, scope, question)
	l.repairIfBroken(r.ix)
	return a, err
}

// AskTopIn is Index.AskTopIn on the current index.
func (l *Live) AskTopIn(ctx context.Context, scope Scope, question string, top int) (Answer, error) {
	r := l.acquire()
	if r == nil {
		return Answer{Question: question}, ErrNoIndex
	}
	defer r.release()
	a, err := r.ix.AskTopIn(ctx, scope, question, top)
	l.repairIfBroken(r.ix)
	return a, err
}

// AskFollowUpIn is Index.AskFollowUpIn on the current index.
func (l *Live) AskFollowUpIn(ctx context.Context, scope Scope, previous, question string) (Answer, error) {
	r := l.acquire()
	if r == nil {
		return Answer{Question: question}, ErrNoIndex
	}
	defer r.release()
	a, err := r.ix.AskFollowUpIn(ctx, scope, previous, question)
	l.repairIfBroken(r.ix)
	return a, err
}

// AskTopFollowUpIn is Index.AskTopFollowUpIn on the current index.
func (l *Live) AskTopFollowUpIn(ctx context.Context, scope Scope, previous, question string, top int) (Answer, error) {
	r := l.acquire()
	if r == nil {
		return Answer{Question: question}, ErrNoIndex
	}
	defer r.release()
	a, err := r.ix.AskTopFollowUpIn(ctx, scope, previous, question, top)
	l.repairIfBroken(r.ix)
	return a, err
}

// SummaryIn is Index.SummaryIn on the current index.
func (l *Live) SummaryIn(ctx context.Context, scope Scope, opts SummaryOptions) (Summary, error) {
	r := l.acquire()
	if r == nil {
		return Summary{}, ErrNoIndex
	}
	defer r.release()
	return r.ix.SummaryIn(ctx, scope, opts)
}

// DocumentsIn returns the current index's documents in scope, nil when
// there is no index.
func (l *Live) DocumentsIn(scope Scope) []corpus.Document {
	r := l.acquire()
	if r == nil {
		return nil
	}
	defer r.release()
	return r.ix.DocumentsIn(scope)
}
