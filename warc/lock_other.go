//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd)

package warc

import "os"

// lockFile does nothing where flock(2) is missing: two processes must not
// share a collection folder there.
func lockFile(*os.File, bool) error { return nil }

// renameLocked: a file is closed before it is renamed.
const renameLocked = false
