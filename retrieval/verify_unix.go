//go:build unix

package retrieval

import (
	"errors"
	"os"
	"syscall"
)

// lockFolder takes an exclusive lock on the folder at path without
// waiting, and returns the function that releases it. The lock goes with
// the folder through a rename, and dies with the process that holds it.
// It fails with errNoLock where the file system has no locks, and with
// another error when another process holds it.
func lockFolder(path string) (unlock func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.ENOLCK) || errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) {
			return nil, errNoLock
		}
		return nil, err
	}
	return func() { f.Close() }, nil
}
