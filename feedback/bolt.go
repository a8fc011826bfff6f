package feedback

import (
	"errors"
	"fmt"
	"io/fs"
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

// open opens the file for one transaction, after taking its lock file;
// closing the returned DB releases both.
func (b *boltBackend) open(readOnly bool) (db *closer, err error) {
	release, err := lockFile(b.path, !readOnly, b.timeout)
	if err != nil {
		return nil, err
	}
	defer func() {
		if p := recover(); p != nil {
			db, err = nil, fmt.Errorf("%w: %s: %v", errCorrupt, b.path, p)
		}
		if err != nil {
			release()
		}
	}()
	bdb, err := bolt.Open(b.path, 0o600, &bolt.Options{Timeout: b.timeout, ReadOnly: readOnly})
	if err != nil {
		return nil, classify(b.path, err)
	}
	return &closer{DB: bdb, release: release}, nil
}

// closer is a bbolt DB whose Close also releases the lock file.
type closer struct {
	*bolt.DB
	release func()
}

func (c *closer) Close() error {
	err := c.DB.Close()
	c.release()
	return err
}

// classify tells a file bbolt cannot read (errCorrupt) from one it cannot
// open or lock, whose errors it keeps.
func classify(path string, err error) error {
	var pathErr *fs.PathError
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return fmt.Errorf("lock %s: another process holds it: %w", path, err)
	case errors.As(err, &pathErr):
		return err
	default:
		return fmt.Errorf("%w: %s: %v", errCorrupt, path, err)
	}
}

func (b *boltBackend) update(fn func(tx) error) (err error) {
	if b.readOnly {
		return errReadOnly
	}
	b.mu.Lock()
	defer b.mu.Unlock()
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

func (b *boltBackend) view(fn func(tx) error) (err error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
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
	return b.view(func(t tx) error {
		var errs []error
		// Drain the channel: Check's goroutine reads pages until it ends.
		for err := range t.(boltTx).Check() {
			if len(errs) < 10 {
				errs = append(errs, err)
			}
		}
		if len(errs) > 0 {
			return fmt.Errorf("%w: %s: %w", errCorrupt, b.path, errors.Join(errs...))
		}
		return nil
	})
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
