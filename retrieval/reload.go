package retrieval

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"kutip/corpus"
)

// ErrNoIndex is returned by Live's methods while it holds no index: before
// the first Swap and after Close.
var ErrNoIndex = errors.New("no index loaded")

// Live is an Index that can be replaced while it answers. Each call uses
// the index that was current when it started; an index replaced by Swap is
// closed when the last call using it returns. So a bot holds one *Live for
// its lifetime and hot reload swaps what is behind it.
//
// The zero value holds no index: its methods fail with ErrNoIndex (and
// Documents returns nil) until Swap gives it one, so a caller may report
// health while the first index builds. Live is safe for concurrent use.
type Live struct {
	cur    atomic.Pointer[liveRef]
	mu     sync.Mutex  // serialises Swap and Close
	repair repairState // rebuilds an index a search found broken (verify.go)
}

// liveRef counts the users of one index: Live's own hold plus one per call
// in flight. The count never rises again once it has dropped to zero, and
// the index is closed at zero.
type liveRef struct {
	ix   *Index
	refs atomic.Int64
}

// NewLive returns a Live holding ix.
func NewLive(ix *Index) *Live {
	l := &Live{}
	l.Swap(ix)
	return l
}

// acquire returns the current index with a hold on it, or nil.
func (l *Live) acquire() *liveRef {
	for {
		r := l.cur.Load()
		if r == nil {
			return nil
		}
		n := r.refs.Load()
		if n == 0 {
			// Swapped out and closed between the two loads: Swap
			// publishes the new index before it lets go of the old one,
			// so the next load sees the new one.
			continue
		}
		if r.refs.CompareAndSwap(n, n+1) {
			return r
		}
	}
}

// release drops a hold and closes the index with the last one.
func (r *liveRef) release() error {
	if r.refs.Add(-1) == 0 {
		return r.ix.Close()
	}
	return nil
}

// Swap makes ix the index that new calls use. The index it replaces is
// closed once the calls in flight on it have returned (its Close error, if
// any, is dropped: the index is read-only by then). A nil ix empties l.
func (l *Live) Swap(ix *Index) {
	var r *liveRef
	if ix != nil {
		r = &liveRef{ix: ix}
		r.refs.Store(1)
	}
	l.mu.Lock()
	old := l.cur.Swap(r)
	l.mu.Unlock()
	if old != nil {
		old.release()
	}
}

// Close empties l. The index it held is closed now if no call is using it,
// and otherwise when the last one returns; only in the first case is its
// Close error returned.
func (l *Live) Close() error {
	l.repair.stop()
	l.mu.Lock()
	old := l.cur.Swap(nil)
	l.mu.Unlock()
	if old == nil {
		return nil
	}
	return old.release()
}

// Loaded reports whether l holds an index.
func (l *Live) Loaded() bool { return l.cur.Load() != nil }

// Ask is Index.Ask on the current index.
func (l *Live) Ask(ctx context.Context, question string) (Answer, error) {
	r := l.acquire()
	if r == nil {
		return Answer{Question: question}, ErrNoIndex
	}
	defer r.release()
	a, err := r.ix.Ask(ctx, question)
	l.repairIfBroken(r.ix) // a search may have found it damaged
	return a, err
}

// Summary is Index.Summary on the current index.
func (l *Live) Summary(ctx context.Context, opts SummaryOptions) (Summary, error) {
	r := l.acquire()
	if r == nil {
		return Summary{}, ErrNoIndex
	}
	defer r.release()
	return r.ix.Summary(ctx, opts)
}

// Documents returns the corpus of the current index, nil when there is
// none. The documents stay valid after a swap.
func (l *Live) Documents() []corpus.Document {
	r := l.acquire()
	if r == nil {
		return nil
	}
	defer r.release()
	return r.ix.Documents()
}

// SentenceCount returns how many sentences the current index holds.
func (l *Live) SentenceCount() int {
	r := l.acquire()
	if r == nil {
		return 0
	}
	defer r.release()
	return r.ix.SentenceCount()
}

// Store returns where the current index lives; the zero StoreInfo when
// there is none.
func (l *Live) Store() StoreInfo {
	r := l.acquire()
	if r == nil {
		return StoreInfo{}
	}
	defer r.release()
	return r.ix.Store()
}

// WatchOptions configure Live.Watch.
type WatchOptions struct {
	// Path is the corpus file or folder to watch and load (CORPUS_DIR).
	Path string
	// Build configures each new index; Build.Dir keeps it on disk.
	Build Options
	// Interval is how often Path is examined. Default DefaultWatchInterval.
	Interval time.Duration
	// OnReload, when set, is called in Watch's goroutine after each attempt
	// to load a changed corpus, for logs and metrics.
	OnReload func(Reload)
}

// Reload reports one attempt to load a changed corpus.
type Reload struct {
	// Swapped is true when a new index is in use. It is false with a nil
	// Err when the files changed but the corpus they load did not (a file
	// touched, or only skipped files changed).
	Swapped bool
	// Store, Documents and Sentences describe the new index.
	Store                StoreInfo
	Documents, Sentences int
	// Took is how long loading and indexing took.
	Took time.Duration
	// Warnings lists the files skipped while loading, as corpus.Load
	// reports them.
	Warnings []corpus.Warning
	// Err says why the new corpus could not be loaded or indexed; the old
	// index then stays in use.
	Err error
}

// Watch keeps l in step with the corpus at opts.Path until ctx is done, then
// returns nil. Every Interval it lists the files there (names, sizes,
// modification times); when the listing has changed and then stayed the
// same for one more interval, so that a copy in progress is not read half
// way, it loads the corpus, builds a new index and swaps it in. Questions
// asked meanwhile are answered from the old index. A corpus that cannot be
// loaded or indexed leaves the old index in use, and OnReload says why;
// the next change is tried again.
//
// Watch does not know which files the current index was loaded from, so
// its first look loads the corpus once more and compares it with the index
// (a Reload with Swapped false when nothing changed): files changed between
// the first build and the start of Watch are not missed.
//
// Watch does its work in the caller's goroutine (run it with go or wg.Go)
// and starts none of its own; a build in progress stops when ctx is done.
func (l *Live) Watch(ctx context.Context, opts WatchOptions) error {
	if opts.Interval <= 0 {
		opts.Interval = DefaultWatchInterval
	}
	w := watcher{live: l, opts: opts, seen: listCorpus(opts.Path)}
	t := time.NewTicker(opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if rl, ok := w.poll(ctx); ok && ctx.Err() == nil && opts.OnReload != nil {
			opts.OnReload(rl)
		}
	}
}

// watcher is Watch's state between polls.
type watcher struct {
	live *Live
	opts WatchOptions
	// tried is the listing of the last load, whether it succeeded or not
	// (zero before the first): a corpus that failed to load is tried again
	// only when its files change, not at every tick.
	tried listing
	seen  listing // the files at the previous poll
}

// poll looks at the files once and reloads when they have changed and
// settled. It reports whether it tried to reload.
func (w *watcher) poll(ctx context.Context) (Reload, bool) {
	now := listCorpus(w.opts.Path)
	settled := now == w.seen
	w.seen = now
	if !settled || now == w.tried {
		return Reload{}, false
	}
	w.tried = now
	return w.live.reload(ctx, w.opts), true
}

// reload loads the corpus at opts.Path and swaps in an index of it, unless
// it loads to the corpus already indexed.
func (l *Live) reload(ctx context.Context, opts WatchOptions) Reload {
	start := time.Now()
	if err := CheckFiles(opts.Path, opts.Build.MaxBytes); err != nil {
		return Reload{Err: err, Took: time.Since(start)}
	}
	docs, warns, err := corpus.Load(opts.Path)
	rl := Reload{Warnings: warns}
	if err != nil {
		rl.Err = fmt.Errorf("load corpus: %w", err)
		rl.Took = time.Since(start)
		return rl
	}
	if l.Store().Fingerprint == fingerprint(docs) {
		rl.Store = l.Store()
		rl.Documents, rl.Sentences = len(docs), l.SentenceCount()
		rl.Took = time.Since(start)
		return rl
	}
	ix, err := Build(ctx, docs, opts.Build)
	rl.Took = time.Since(start)
	if err != nil {
		rl.Err = fmt.Errorf("index corpus: %w", err)
		return rl
	}
	l.Swap(ix)
	rl.Swapped = true
	rl.Store = ix.Store()
	rl.Documents, rl.Sentences = len(docs), ix.SentenceCount()
	return rl
}

// walkCorpus calls visit for each file below path the way corpus.Load
// finds them: recursively, skipping hidden files and folders below the
// root, following links (to files, and at the root). visit gets the file's
// os.Stat, or the error that kept it or its folder from being read.
func walkCorpus(path string, visit func(p string, info fs.FileInfo, err error)) error {
	if p, err := filepath.EvalSymlinks(path); err == nil {
		path = p // WalkDir does not follow a link at the root
	}
	return filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			visit(p, nil, err)
			return nil
		}
		if p != path && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		info, err := os.Stat(p)
		visit(p, info, err)
		return nil
	})
}

// listing is a digest of a corpus folder's file names, sizes and
// modification times; equal listings mean unchanged files, as far as
// polling can tell.
type listing [sha256.Size]byte

// listCorpus lists path the way corpus.Load reads it: recursively, skipping
// hidden files and folders below the root, following links to files. An
// unreadable or missing path has a listing of its own, so its reappearance
// is a change.
func listCorpus(path string) listing {
	h := sha256.New()
	err := walkCorpus(path, func(p string, info fs.FileInfo, err error) {
		if err != nil {
			fmt.Fprintf(h, "error %s %v\n", p, err)
			return
		}
		fmt.Fprintf(h, "%q %d %d %v\n", p, info.Size(), info.ModTime().UnixNano(), info.Mode())
	})
	if err != nil {
		fmt.Fprintf(h, "error %v\n", err)
	}
	var out listing
	h.Sum(out[:0])
	return out
}
