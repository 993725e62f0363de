package frontier

import (
	"fmt"
	"os"
	"path/filepath"
)

// Bolt is a Frontier kept in a bbolt file, so a crawl survives its process:
// opening the file again restores every queued URL, the seen set and the
// hosts' delays, and queues again what was in flight. Memory holds only a
// small entry per host and the writes not committed yet.
//
// Writes are group-committed: Push, Retry, Mark, Done and DropHost append
// their writes to a log in memory and return at once; a background flusher
// commits all that is pending in one fsynced transaction once the oldest
// pending write has waited commitWindow (2 ms), sooner when many are
// pending or when Settle asks. Commits take the log in the order the calls
// were accepted, so the file always holds the state as of some call, all
// calls before it included. After a crash (kill -9, power loss) that means:
//   - An item leaves the disk only with the commit of its Done, so an item
//     handed out is still there, ahead of the items queued after it: it is
//     queued again at the front of its host's queue. That holds for the
//     items in flight and for those whose Done was not committed yet: a URL
//     whose records reached the WARC may be fetched once more on resume.
//     A crawler that calls Settle (see Settler) before writing a fetch's
//     records repeats at most one such fetch per worker: the previous
//     fetch's Done is committed before the next fetch's records are written.
//   - None is lost. A page's discovered URLs are pushed before its Done, so
//     they are committed no later than the Done: a crash that loses a push
//     loses the Done of the page it was found on, and that page, fetched
//     again, finds it again. For the same reason Next may hand out an item
//     whose push is not committed yet, without waiting for it. (Seeds have
//     no page: the crawler pushes them again at every start.)
//   - Close and SetMeta return once everything accepted before them is
//     committed.
//
// A commit that fails stops the frontier: every later call returns its
// error, and opening the file again resumes from the last commit.
type Bolt struct {
	*diskFrontier
}

// OpenBolt opens the frontier in the file at path, creating it (and its
// folder) when absent. Only one process may hold it open.
func OpenBolt(path string, opts Options) (*Bolt, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("create frontier folder: %w", err)
	}
	kv, err := openBoltKV(path)
	if err != nil {
		return nil, fmt.Errorf("open frontier: %w", err)
	}
	f, err := openDisk(kv, opts)
	if err != nil {
		kv.close()
		return nil, fmt.Errorf("open frontier %s: %w", path, err)
	}
	return &Bolt{f}, nil
}

// Meta returns the run metadata stored under key (the seeds and settings a
// resumed crawl must agree with), or nil when there is none.
func (f *diskFrontier) Meta(key string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.usable(); err != nil {
		return nil, err
	}
	v, err := f.kv.get(metaKey(key))
	if err != nil {
		return nil, fmt.Errorf("read frontier metadata %q: %w", key, err)
	}
	return v, nil
}

// SetMeta stores value under key and returns once it is on disk, with
// everything the frontier accepted before.
func (f *diskFrontier) SetMeta(key string, value []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.usable(); err != nil {
		return err
	}
	f.log.put(metaKey(key), append([]byte(nil), value...))
	if err := f.flushLocked(); err != nil {
		return fmt.Errorf("write frontier metadata %q: %w", key, err)
	}
	return nil
}
