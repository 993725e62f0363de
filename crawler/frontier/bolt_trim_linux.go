package frontier

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/sys/unix"
)

// release lets go of the pages of the file that bbolt's read-only, shared
// memory map has brought into this process. bbolt reads through that map,
// so without this every page a crawl ever touched counts in its resident
// set (700 MB for a frontier of 5 million URLs), though the kernel could
// take them back at any time. The pages stay in the page cache; the next
// read of one maps it again with a minor fault. bbolt writes with pwrite,
// never through the map, so nothing in it is dirty. tx must be open: the
// map cannot move meanwhile, and it covers at least tx's size.
func (s *boltKV) release(tx *bolt.Tx) error {
	_, _, errno := unix.Syscall(unix.SYS_MADVISE, s.db.Info().Data, uintptr(tx.Size()), unix.MADV_DONTNEED)
	if errno != 0 {
		return fmt.Errorf("release mapped pages: %w", errno)
	}
	return nil
}
