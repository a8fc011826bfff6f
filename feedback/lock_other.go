//go:build !unix

package feedback

import "time"

// lockFile does nothing where flock(2) does not exist: bbolt's own lock,
// polled, is the only one.
func lockFile(path string, exclusive bool, timeout time.Duration) (release func(), err error) {
	return func() {}, nil
}
