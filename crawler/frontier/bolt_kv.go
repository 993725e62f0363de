package frontier

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// kvWrite is one change in a commit: a put, or a delete when del is set.
type kvWrite struct {
	key, value []byte
	del        bool
}

// kvStore is all the on-disk frontier asks of an embedded key-value store:
// the frontier's logic stays apart from bbolt's transactions. Keys
// start with their table's byte. Slices returned belong to the caller; those
// scan passes to fn are valid only during the call.
type kvStore interface {
	// commit applies writes in order, all or none, and returns once they
	// are on stable storage.
	commit(writes []kvWrite) error
	has(key []byte) (bool, error)
	// get returns nil when key is absent.
	get(key []byte) ([]byte, error)
	// first returns the first key in [lower, upper) and its value, or a nil
	// key when there is none.
	first(lower, upper []byte) (key, value []byte, err error)
	// scan calls fn for each key in [lower, upper), in order.
	scan(lower, upper []byte, fn func(key, value []byte) error) error
	close() error
}

// boltKV keeps each table in a bucket named by its byte.
type boltKV struct {
	db      *bolt.DB
	trimmed time.Time // when commit last called release; commits never overlap
}

// Commits give back the file's mapped pages (see release) every trimEvery,
// and a scan every trimKeys keys: often enough that the resident set holds
// only what a moment of crawling touches (a draining crawl touches pages
// at hundreds of MB/s), seldom enough that the minor faults that map them
// again cost little CPU.
const (
	trimEvery = 50 * time.Millisecond
	trimKeys  = 1 << 16
)

// lockWait is how long OpenBolt waits for another process to let go of the
// file before saying so, rather than hanging behind a crawl still running.
const lockWait = time.Second

func openBoltKV(path string) (*boltKV, error) {
	// bbolt's defaults measured best on store_bench: the free list kept
	// on disk as an array costs less CPU per commit than the map type, and
	// NoFreelistSync would rebuild it on open by reading the whole file.
	db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: lockWait})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("open %s: in use by another process: %w", path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, t := range []byte(tables) {
			if _, err := tx.CreateBucketIfNotExists([]byte{t}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("create tables in %s: %w", path, err)
	}
	return &boltKV{db: db}, nil
}

// fillPercent packs pages full when they split: queues grow at each host's
// end and the seen set by bursts per site, so the default half-full split
// would leave most of the file empty.
const fillPercent = 0.9

func (s *boltKV) commit(writes []kvWrite) error {
	if err := s.update(writes); err != nil {
		return err
	}
	if time.Since(s.trimmed) < trimEvery {
		return nil
	}
	s.trimmed = time.Now()
	// The commit is done; a failed release only leaves pages mapped a
	// while longer, which is no reason to stop the crawl.
	_ = s.db.View(s.release)
	return nil
}

func (s *boltKV) update(writes []kvWrite) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		var buckets [256]*bolt.Bucket
		for _, w := range writes {
			b := buckets[w.key[0]]
			if b == nil {
				b = tx.Bucket(w.key[:1])
				b.FillPercent = fillPercent
				buckets[w.key[0]] = b
			}
			var err error
			if w.del {
				err = b.Delete(w.key[1:])
			} else {
				err = b.Put(w.key[1:], w.value)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *boltKV) has(key []byte) (bool, error) {
	var found bool
	err := s.db.View(func(tx *bolt.Tx) error {
		// Compare keys rather than test Get for nil: seen-set values are empty.
		k, _ := tx.Bucket(key[:1]).Cursor().Seek(key[1:])
		found = bytes.Equal(k, key[1:])
		return nil
	})
	return found, err
}

func (s *boltKV) get(key []byte) ([]byte, error) {
	var v []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if got := tx.Bucket(key[:1]).Get(key[1:]); got != nil {
			v = bytes.Clone(got)
		}
		return nil
	})
	return v, err
}

func (s *boltKV) first(lower, upper []byte) (key, value []byte, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		k, v := tx.Bucket(lower[:1]).Cursor().Seek(lower[1:])
		if k == nil || bytes.Compare(k, upper[1:]) >= 0 {
			return nil
		}
		key = append([]byte{lower[0]}, k...)
		value = bytes.Clone(v)
		return nil
	})
	return key, value, err
}

// scan keeps to the bucket of lower: an upper bound in the next table
// means to the bucket's end.
func (s *boltKV) scan(lower, upper []byte, fn func(key, value []byte) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		key := []byte{lower[0]}
		c := tx.Bucket(key).Cursor()
		defer s.release(tx) // a full scan maps the whole file otherwise
		n := 0
		for k, v := c.Seek(lower[1:]); k != nil; k, v = c.Next() {
			if upper[0] == lower[0] && bytes.Compare(k, upper[1:]) >= 0 {
				return nil
			}
			if n++; n%trimKeys == 0 {
				s.release(tx)
			}
			key = append(key[:1], k...)
			if err := fn(key, v); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *boltKV) close() error { return s.db.Close() }
