package warc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Processes that share a collection folder (several processes of one
// crawl on one machine) keep out of each other's files with advisory
// locks, which the kernel drops when a process dies, however it dies: a
// Writer locks each file it writes, so that Repair leaves a file a live
// process is writing alone; MergeInto and RebuildIndex lock the index,
// so that two merges never drop each other's lines.

// errLocked is lockFile's answer when another process holds the lock.
var errLocked = errors.New("locked by another process")

// ErrInUse is returned by Repair for a ".open" file that a live Writer,
// in this process or another, still writes.
var ErrInUse = errors.New("warc file is being written by a live process")

// lockIndex takes the lock of the index at indexPath, waiting for
// another process's merge to end, and returns its release. The lock is on
// the index's folder, which the merge's temporary file shares, so it
// leaves no file of its own behind.
func lockIndex(indexPath string) (release func() error, err error) {
	dir := filepath.Dir(indexPath)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create index folder: %w", err)
	}
	f, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("open index folder to lock it: %w", err)
	}
	if err := lockFile(f, true); err != nil {
		return nil, errors.Join(err, f.Close())
	}
	return f.Close, nil
}
