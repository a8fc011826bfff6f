package feedback

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// boltBackend keeps the buckets in a bbolt file that it opens for each
// transaction and closes after it. bbolt locks a file for as long as it is
// open (an exclusive flock for a writer, a shared one for readers), so a
// store that kept it open would lock out every other process: a second
// replica, or `kutip report` while the bot runs. Opening costs a few
// hundred microseconds next to a commit's two fsyncs, and questions come
// seconds apart, not microseconds.
type boltBackend struct {
	path    string
	timeout time.Duration // to get the file's lock
	// readOnly refuses writes (OpenReadOnly).
	readOnly bool
	// heal, when set, is told when update moved a corrupt file aside and
	// started a new one (Options.Warn); now names the moved file.
	heal func(error)
	now  func() time.Time
	// mu orders this process's transactions: flock locks belong to an
	// open file, so two of ours would exclude each other like strangers.
	mu sync.RWMutex
}

// errLockTimeout: another process kept the store's lock for LockTimeout.
var errLockTimeout = errors.New("timed out")

// errCorrupt marks a file bbolt cannot read as a database.
var errCorrupt = errors.New("feedback: store file is corrupt")

var errReadOnlyTx = errors.New("feedback: write in a read-only transaction")

var errReadOnly = errors.New("feedback: store opened read-only")

// open opens the file for one transaction; the caller holds its lock
// file.
func (b *boltBackend) open(readOnly bool) (db *bolt.DB, err error) {
	return b.openWithin(readOnly, b.timeout)
}

func (b *boltBackend) openWithin(readOnly bool, timeout time.Duration) (db *bolt.DB, err error) {
	// bbolt panics on some garbage (a freelist page of an unknown type)
	// after it has locked and mapped the file. Closing the file is all
	// that is left to do; the mapping, which keeps the lock in this
	// process, stays until exit (quarantine copes).
	var file *os.File
	openFile := func(name string, flag int, perm os.FileMode) (*os.File, error) {
		f, err := os.OpenFile(name, flag, perm)
		file = f
		return f, err
	}
	defer func() {
		if p := recover(); p != nil {
			if file != nil {
				file.Close()
			}
			db, err = nil, fmt.Errorf("%w: %s: %v", errCorrupt, b.path, p)
		}
	}()
	db, err = bolt.Open(b.path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: readOnly, OpenFile: openFile})
	if err != nil {
		return nil, classify(b.path, err)
	}
	return db, nil
}

// classify tells a file bbolt cannot read as a database (errCorrupt) from
// one it cannot lock, and keeps every other error (permissions, a failed
// mmap) as it is: those are no reason to move the file aside.
func classify(path string, err error) error {
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return fmt.Errorf("lock %s: another process holds it: %w", path, err)
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrChecksum), errors.Is(err, bolterrors.ErrVersionMismatch):
		return fmt.Errorf("%w: %s: %v", errCorrupt, path, err)
	default:
		return err
	}
}

// lock takes this process's lock (mu), then the file's (lockFile): both
// shared, or both exclusive. unlock releases them in the reverse order.
func (b *boltBackend) lock(exclusive bool) (unlock func(), err error) {
	mu := b.mu.RLocker()
	if exclusive {
		mu = &b.mu
	}
	mu.Lock()
	release, err := lockFile(b.path, exclusive, b.timeout)
	if err != nil {
		mu.Unlock()
		return nil, err
	}
	return func() {
		release()
		mu.Unlock()
	}, nil
}

// update runs fn in a write transaction. When the file turns out corrupt
// and heal is set, it moves the file aside, says so through heal, and runs
// fn again on a new file: all under the lock, so that another process
// waiting for it opens the new file, not a second one.
func (b *boltBackend) update(fn func(tx) error) error {
	if b.readOnly {
		return errReadOnly
	}
	unlock, err := b.lock(true)
	if err != nil {
		return err
	}
	defer unlock()
	err = b.updateLocked(fn)
	if !errors.Is(err, errCorrupt) || b.heal == nil {
		return err
	}
	aside, merr := moveAside(b.path, b.now())
	if merr != nil {
		return fmt.Errorf("%w; moving it aside: %w", err, merr)
	}
	b.heal(fmt.Errorf("%w; moved it to %s and started a new one", err, aside))
	return b.updateLocked(fn)
}

func (b *boltBackend) updateLocked(fn func(tx) error) (err error) {
	db, err := b.open(false)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	return b.guard(func() error {
		return db.Update(func(btx *bolt.Tx) error {
			for _, name := range buckets {
				if _, err := btx.CreateBucketIfNotExists([]byte(name)); err != nil {
					return err
				}
			}
			return fn(boltTx{btx})
		})
	})
}

func (b *boltBackend) view(fn func(tx) error) error {
	unlock, err := b.lock(false)
	if err != nil {
		return err
	}
	defer unlock()
	db, err := b.open(true)
	if err != nil {
		return err
	}
	defer db.Close() // a read-only close has nothing to report
	return b.guard(func() error {
		return db.View(func(btx *bolt.Tx) error { return fn(boltTx{btx}) })
	})
}

// guard turns bbolt's panic on a corrupt page into errCorrupt.
func (b *boltBackend) guard(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %s: %v", errCorrupt, b.path, p)
		}
	}()
	return fn()
}

// check walks every page of the file, as bbolt's own `bbolt check` does.
func (b *boltBackend) check() error {
	unlock, err := b.lock(false)
	if err != nil {
		return err
	}
	defer unlock()
	return b.checkLocked()
}

func (b *boltBackend) checkLocked() error {
	return b.checkWithin(b.timeout)
}

func (b *boltBackend) checkWithin(timeout time.Duration) error {
	db, err := b.openWithin(true, timeout)
	if err != nil {
		return err
	}
	defer db.Close()
	return b.guard(func() error {
		return db.View(func(btx *bolt.Tx) error {
			var errs []error
			// Drain the channel: Check's goroutine reads pages until it ends.
			for err := range btx.Check() {
				if len(errs) < 10 {
					errs = append(errs, err)
				}
			}
			if len(errs) > 0 {
				return fmt.Errorf("%w: %s: %w", errCorrupt, b.path, errors.Join(errs...))
			}
			return nil
		})
	})
}

// quarantine moves the file aside if it is still corrupt once this process
// holds its lock (another may have done so meanwhile), and returns where
// it went, or "" when the file is sound now.
func (b *boltBackend) quarantine(now time.Time) (string, error) {
	unlock, err := b.lock(true)
	if err != nil {
		return "", err
	}
	defer unlock()
	// Holding the lock file, no kutip process holds bbolt's lock: if it is
	// taken, it is this process's own, left by bbolt's panic on the file.
	err = b.checkWithin(100 * time.Millisecond)
	if !errors.Is(err, errCorrupt) && !errors.Is(err, bolterrors.ErrTimeout) {
		return "", err
	}
	return moveAside(b.path, now)
}

func (b *boltBackend) close() error { return nil }

type boltTx struct{ *bolt.Tx }

func (t boltTx) get(bucket string, key []byte) []byte {
	bk := t.Bucket([]byte(bucket))
	if bk == nil {
		return nil
	}
	return bk.Get(key)
}

func (t boltTx) put(bucket string, key, val []byte) error {
	bk := t.Bucket([]byte(bucket))
	if bk == nil {
		return errReadOnlyTx
	}
	return bk.Put(key, val)
}

func (t boltTx) del(bucket string, key []byte) error {
	bk := t.Bucket([]byte(bucket))
	if bk == nil {
		return errReadOnlyTx
	}
	return bk.Delete(key)
}

func (t boltTx) scan(bucket string, from, to []byte, fn func(k, v []byte) error) error {
	bk := t.Bucket([]byte(bucket))
	if bk == nil {
		return nil // a file written by nobody yet
	}
	c := bk.Cursor()
	for k, v := c.Seek(from); k != nil; k, v = c.Next() {
		if to != nil && string(k) >= string(to) {
			break
		}
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

// moveAside renames a corrupt file to path.corrupt-<UTC time> and returns
// the new name.
func moveAside(path string, now time.Time) (string, error) {
	aside := path + ".corrupt-" + now.UTC().Format("20060102T150405.000Z")
	if err := os.Rename(path, aside); err != nil {
		return "", err
	}
	return aside, nil
}
