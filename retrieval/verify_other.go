//go:build !unix

package retrieval

// lockFolder cannot lock folders on this system: leftover builds are
// removed after staleBuild.
func lockFolder(string) (func(), error) { return nil, errNoLock }
