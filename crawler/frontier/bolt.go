package frontier

import (
	"fmt"
	"os"
	"path/filepath"
)

// Bolt is a Frontier kept in a bbolt file, so a crawl survives its process:
// opening the file again restores every queued URL, the seen set and the
// hosts' delays, and queues again what was in flight. Memory holds only a
// small entry per host.
//
// The durability rule:
//   - An item is deleted from disk only when Done commits, so an item that
//     Next handed out is still on disk, before the items queued after it:
//     after a crash it is queued again at the front of its host's queue.
//     Next hands out only committed items (it commits pending pushes first
//     when it must), so its lease is durable before it returns, at no
//     write of its own.
//   - Done returns once its delete is committed. Its commit also carries
//     every Push and Mark accepted before it, so a URL found on a page is
//     on disk before that page can be recorded done.
//   - Push, Retry and Mark are only queued for the next commit (by Done,
//     DropHost, SetMeta, Close, a Next that needs them, or flushWrites of
//     them), so discovery costs no fsync of its own. A crash loses only
//     pushes whose parent is not done yet, and the parent, fetched again,
//     finds them again.
//
// Commits are fsynced. Concurrent Done calls share one commit, so the
// fsync cost is spread over the workers (see flushLocked).
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
