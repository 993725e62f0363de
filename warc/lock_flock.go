//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package warc

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// lockFile takes an advisory exclusive lock on f, held until f is closed
// or its process dies. With wait false it fails at once with errLocked
// when another open file (another process) holds the lock.
func lockFile(f *os.File, wait bool) error {
	how := unix.LOCK_EX
	if !wait {
		how |= unix.LOCK_NB
	}
	for {
		err := unix.Flock(int(f.Fd()), how)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EWOULDBLOCK):
			return errLocked
		}
		return fmt.Errorf("lock %q: %w", f.Name(), err)
	}
}

// renameLocked: a file is renamed while open, so under its lock.
const renameLocked = true
