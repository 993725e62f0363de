//go:build pebble

package frontier

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/bloom"
)

// Pebble is the on-disk frontier of Bolt kept in a pebble store instead,
// built only with -tags pebble so the two can be measured side by side
// (see store_bench).
type Pebble struct {
	*diskFrontier
}

// OpenPebble opens the frontier in the pebble folder dir, creating it when
// absent.
func OpenPebble(dir string, opts Options) (*Pebble, error) {
	kv, err := openPebbleKV(dir)
	if err != nil {
		return nil, fmt.Errorf("open frontier: %w", err)
	}
	f, err := openDisk(kv, opts)
	if err != nil {
		kv.close()
		return nil, fmt.Errorf("open frontier %s: %w", dir, err)
	}
	return &Pebble{f}, nil
}

type pebbleKV struct{ db *pebble.DB }

func openPebbleKV(dir string) (*pebbleKV, error) {
	cache := pebble.NewCache(128 << 20)
	defer cache.Unref()
	opts := &pebble.Options{Cache: cache, MemTableSize: 32 << 20}
	// Most seen-set lookups are for new URLs: a bloom filter answers them
	// without reading a block.
	opts.Levels = make([]pebble.LevelOptions, 7)
	for i := range opts.Levels {
		opts.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
		opts.Levels[i].FilterType = pebble.TableFilter
	}
	db, err := pebble.Open(dir, opts)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	return &pebbleKV{db: db}, nil
}

func (s *pebbleKV) commit(writes []kvWrite) error {
	b := s.db.NewBatch()
	defer b.Close()
	for _, w := range writes {
		var err error
		if w.del {
			err = b.Delete(w.key, nil)
		} else {
			err = b.Set(w.key, w.value, nil)
		}
		if err != nil {
			return err
		}
	}
	return b.Commit(pebble.Sync)
}

func (s *pebbleKV) has(key []byte) (bool, error) {
	_, closer, err := s.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, closer.Close()
}

func (s *pebbleKV) get(key []byte) ([]byte, error) {
	v, closer, err := s.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v = bytes.Clone(v)
	if v == nil {
		v = []byte{}
	}
	return v, closer.Close()
}

func (s *pebbleKV) first(lower, upper []byte) (key, value []byte, err error) {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return nil, nil, err
	}
	if it.First() {
		key, value = bytes.Clone(it.Key()), bytes.Clone(it.Value())
	}
	return key, value, it.Close()
}

func (s *pebbleKV) scan(lower, upper []byte, fn func(key, value []byte) error) error {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return err
	}
	for ok := it.First(); ok; ok = it.Next() {
		if err := fn(it.Key(), it.Value()); err != nil {
			it.Close()
			return err
		}
	}
	return it.Close()
}

func (s *pebbleKV) close() error { return s.db.Close() }
