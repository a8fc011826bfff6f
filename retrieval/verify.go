package retrieval

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// An index folder proves itself: its manifest records the size and the
// CRC-32C of every file bleve wrote, and Build checks them before bleve
// opens anything, so that a segment with garbage in it, zeroed, truncated
// or deleted is rebuilt instead of failing every question. CRC-32C rather
// than SHA-256: the damage to catch is accidental (a crash, a bad disk, a
// stray write), not forged, since whoever can write the segments can
// rewrite the manifest too; and CRC-32C runs at memory speed on amd64 and
// arm64, several times faster than SHA-256 (see BenchmarkVerifyOpen).
//
// A folder being built is locked (flock on the folder) by the process that
// builds it, so that a later start removes the folders of builds that
// crashed at once instead of after staleBuild.

// castagnoli is the CRC-32C table.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// fileSum is what a manifest records about one file of the index.
type fileSum struct {
	Size   int64  `json:"size"`
	CRC32C uint32 `json:"crc32c"`
}

// sumFiles returns the size and checksum of every regular file below
// root/sub, keyed by its slash-separated path relative to root.
func sumFiles(root, sub string) (map[string]fileSum, error) {
	sums := map[string]fileSum{}
	err := filepath.WalkDir(filepath.Join(root, sub), func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		s, err := sumFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		sums[filepath.ToSlash(rel)] = s
		return nil
	})
	return sums, err
}

// sumFile returns the size and CRC-32C of the file at path.
func sumFile(path string) (fileSum, error) {
	f, err := os.Open(path)
	if err != nil {
		return fileSum{}, err
	}
	defer f.Close()
	h := crc32.New(castagnoli)
	n, err := io.Copy(h, f)
	if err != nil {
		return fileSum{}, err
	}
	return fileSum{Size: n, CRC32C: h.Sum32()}, nil
}

// checkSums checks the files of the index folder root against the sums its
// manifest recorded, and says which file is damaged and how. Files the
// manifest does not list are ignored.
func checkSums(root string, want map[string]fileSum) error {
	if len(want) == 0 {
		return errors.New("manifest lists no files")
	}
	names := make([]string, 0, len(want))
	for name := range want {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		path := filepath.Join(root, filepath.FromSlash(name))
		info, err := os.Stat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("%s is missing", name)
		case err != nil:
			return err
		case info.Size() != want[name].Size:
			return fmt.Errorf("%s holds %d bytes, the manifest says %d", name, info.Size(), want[name].Size)
		}
		got, err := sumFile(path)
		if err != nil {
			return err
		}
		if got.CRC32C != want[name].CRC32C {
			return fmt.Errorf("%s is damaged (checksum %08x, the manifest says %08x)", name, got.CRC32C, want[name].CRC32C)
		}
	}
	return nil
}

// newPrefix starts the name of a build folder not yet locked; see
// makeLockedFolder.
const newPrefix = ".kutip-new-"

// makeLockedFolder creates a new folder in dir whose name starts with
// prefix, locked, and returns it with the function that releases the
// lock. The folder is made and locked under another name, then renamed, so
// that no folder named prefix… is ever unlocked while its build runs and
// pruneBuilds may remove every unlocked one at once. Where folders cannot
// be locked, the folder is made all the same.
func makeLockedFolder(dir, prefix string) (path string, unlock func(), err error) {
	tmp, err := os.MkdirTemp(dir, newPrefix)
	if err != nil {
		return "", nil, err
	}
	unlock, err = lockFolder(tmp)
	switch {
	case errors.Is(err, errNoLock):
		unlock = func() {}
	case err != nil:
		os.Remove(tmp)
		return "", nil, err
	}
	path = filepath.Join(dir, prefix+strings.TrimPrefix(filepath.Base(tmp), newPrefix))
	if err := os.Rename(tmp, path); err != nil {
		unlock()
		os.Remove(tmp)
		return "", nil, err
	}
	return path, unlock, nil
}

// errNoLock means that the file system cannot lock folders.
var errNoLock = errors.New("folder locks not supported")

// pruneBuilds removes the folders in dir whose names start with prefix,
// at least minAge old, and that no build owns: unlocked, or, where folders
// cannot be locked, older than staleBuild; and folders of makeLockedFolder
// older than staleBuild, left by a crash before their rename. Errors are
// ignored: a read-only folder still serves its index.
func pruneBuilds(dir, prefix string, minAge time.Duration) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if strings.HasPrefix(e.Name(), newPrefix) {
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleBuild {
				os.RemoveAll(path)
			}
			continue
		}
		if !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		info, err := e.Info()
		if err != nil || time.Since(info.ModTime()) < minAge {
			continue
		}
		unlock, err := lockFolder(path)
		switch {
		case err == nil:
			os.RemoveAll(path)
			unlock()
		case errors.Is(err, errNoLock) && time.Since(info.ModTime()) > staleBuild:
			os.RemoveAll(path)
		}
	}
}

// brokenState records that an index failed a search: bleve reported an
// error that means its files are damaged. The zero value is a working
// index.
type brokenState struct {
	err atomic.Pointer[error]
}

// mark records err as the reason the index is broken, if none is yet.
func (b *brokenState) mark(err error) {
	b.err.CompareAndSwap(nil, &err)
}

// get returns why the index is broken, or nil.
func (b *brokenState) get() error {
	if p := b.err.Load(); p != nil {
		return *p
	}
	return nil
}

// Broken returns why the index cannot answer, nil while it works: a search
// failed in bleve, which means damaged index files. Live rebuilds a broken
// index in the background.
func (ix *Index) Broken() error { return ix.broken.get() }

// repairState is Live's repair of a broken index: one rebuild at a time,
// in a goroutine of its own that Live.Close stops and waits for. The zero
// value is ready.
type repairState struct {
	mu     sync.Mutex
	target *Index // the broken index being (or last) replaced
	err    error  // why rebuilding target failed
	closed bool
	report func(Repair) // see Live.OnRepair
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// stop cancels a rebuild in progress, waits for it, and refuses new ones.
func (rp *repairState) stop() {
	rp.mu.Lock()
	rp.closed = true
	if rp.cancel != nil {
		rp.cancel()
	}
	rp.mu.Unlock()
	rp.wg.Wait()
}

// repairIfBroken starts rebuilding ix in the background when a search
// has found it broken, unless it is already being rebuilt. The new index
// replaces ix if ix is still the current one; ix is closed, like any index
// swapped out, when its last call returns.
func (l *Live) repairIfBroken(ix *Index) {
	if ix.Broken() == nil {
		return
	}
	rp := &l.repair
	rp.mu.Lock()
	defer rp.mu.Unlock()
	if rp.closed || rp.target == ix {
		return
	}
	rp.target, rp.err = ix, nil
	if rp.ctx == nil {
		rp.ctx, rp.cancel = context.WithCancel(context.Background())
	}
	ctx, report := rp.ctx, rp.report
	if report == nil {
		report = func(Repair) {}
	}
	rp.wg.Go(func() {
		start := time.Now()
		report(Repair{Path: ix.Store().Path, Damage: ix.Broken()})
		nix, err := rebuild(ctx, ix)
		done := Repair{Path: ix.Store().Path, Damage: ix.Broken(), Done: true, Err: err, Took: time.Since(start)}
		if err != nil {
			rp.mu.Lock()
			if rp.target == ix {
				rp.err = err
			}
			rp.mu.Unlock()
			report(done)
			return
		}
		done.Store = nix.Store()
		if !l.swapIfCurrent(ix, nix) {
			nix.Close()
		}
		report(done)
	})
}

// Repair reports Live's repair of an index a search found damaged: once
// when it starts, once when it is done. Only an index without postings
// (a corpus too large for them, see candidates in bleve.go) searches
// bleve's files, and so only such an index can be found damaged by a
// question; until it is rebuilt it finds no candidates.
type Repair struct {
	// Path is the damaged index's folder, empty for one in memory.
	Path string
	// Damage is the search error that showed the damage.
	Damage error
	// Done is false when the repair starts, true when it has finished.
	Done bool
	// Err says why rebuilding failed; the damaged index then stays in
	// use, without candidates.
	Err error
	// Store describes the new index, and Took how long the rebuild took.
	Store StoreInfo
	Took  time.Duration
}

// OnRepair makes l call report, in the repair's goroutine, when it starts
// and finishes rebuilding an index a search found damaged, for logs.
func (l *Live) OnRepair(report func(Repair)) {
	l.repair.mu.Lock()
	l.repair.report = report
	l.repair.mu.Unlock()
}

// rebuild builds a new index of broken's corpus. An index on disk is
// removed first, so that no later start reuses it, and rebuilt in the same
// INDEX_DIR; when that fails, in memory. The removed files stay readable
// through broken's open mappings until it is closed.
func rebuild(ctx context.Context, broken *Index) (*Index, error) {
	s := broken.Store()
	if s.Path == "" {
		return Build(ctx, broken.docs, Options{})
	}
	dir := filepath.Dir(s.Path)
	if err := os.RemoveAll(s.Path); err != nil {
		return Build(ctx, broken.docs, Options{})
	}
	ix, err := Build(ctx, broken.docs, Options{Dir: dir})
	if err != nil && ctx.Err() == nil {
		ix, err = Build(ctx, broken.docs, Options{})
	}
	return ix, err
}

// swapIfCurrent makes ix the current index if old still is, and reports
// whether it did.
func (l *Live) swapIfCurrent(old, ix *Index) bool {
	r := &liveRef{ix: ix}
	r.refs.Store(1)
	l.mu.Lock()
	cur := l.cur.Load()
	if cur == nil || cur.ix != old {
		l.mu.Unlock()
		return false
	}
	l.cur.Store(r)
	l.mu.Unlock()
	cur.release()
	return true
}

// Broken returns why the current index cannot answer, nil while it works
// (or while there is none): a search failed in bleve, which means damaged
// index files. Live is then rebuilding it in the background, and Broken
// says so, or says why the rebuild failed. Serve reports it as unhealthy.
func (l *Live) Broken() error {
	r := l.acquire()
	if r == nil {
		return nil
	}
	defer r.release()
	err := r.ix.Broken()
	if err == nil {
		return nil
	}
	where := "in memory"
	if p := r.ix.Store().Path; p != "" {
		where = p
	}
	l.repair.mu.Lock()
	rerr := l.repair.err
	if l.repair.target != r.ix {
		rerr = nil
	}
	l.repair.mu.Unlock()
	if rerr != nil {
		return fmt.Errorf("index %s is damaged (%v) and rebuilding it failed: %w", where, err, rerr)
	}
	return fmt.Errorf("index %s is damaged, rebuilding it: %w", where, err)
}

// closeQuietly closes an index that panicked while it was read, so that
// its files and mappings are not leaked; closing a damaged index may panic
// again, which is ignored.
func closeQuietly(b interface{ Close() error }) {
	if b == nil {
		return
	}
	defer func() { recover() }()
	b.Close()
}
