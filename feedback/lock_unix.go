//go:build unix

package feedback

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"
)

// lockFile takes the lock of path+".lock" (shared, or exclusive for a
// writer) within timeout, and returns its release. The file's own bbolt
// lock is taken right after, uncontended among kutip processes. Why a
// second lock: bbolt polls its lock every 50 ms, so a process writing
// without pause would take it again before a waiting one looked, and the
// waiter would time out; a blocked flock is woken as soon as the lock is
// free.
func lockFile(path string, exclusive bool, timeout time.Duration) (release func(), err error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil && !exclusive {
		// A reader in a folder it may not write (a copied store): bbolt's
		// shared lock is enough.
		return func() {}, nil
	}
	if err != nil {
		return nil, err
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	var (
		mu        sync.Mutex
		abandoned bool
	)
	done := make(chan error, 1)
	go func() {
		err := flock(int(f.Fd()), how)
		mu.Lock()
		defer mu.Unlock()
		if abandoned {
			// The caller gave up: let go at once.
			f.Close() // closing releases the lock
			return
		}
		done <- err
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case err := <-done:
		if err != nil {
			f.Close()
			return nil, err
		}
		return func() { f.Close() }, nil
	case <-timer.C:
		mu.Lock()
		defer mu.Unlock()
		select {
		case err := <-done: // granted just now
			if err == nil {
				return func() { f.Close() }, nil
			}
			f.Close()
			return nil, err
		default:
			abandoned = true
			return nil, fmt.Errorf("lock %s: another process holds it: %w", path, errLockTimeout)
		}
	}
}

// flock retries flock(2) when a signal interrupts it.
func flock(fd, how int) error {
	for {
		err := syscall.Flock(fd, how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
