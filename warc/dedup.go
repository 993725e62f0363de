package warc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

var dedupBucket = []byte("payload-digests")

// dedupBatch is how many entries Add gathers before it commits them in one
// transaction. A commit of its own per response record was 5% of a crawl's
// CPU; an entry lost in a crash costs only a payload stored whole again.
const dedupBatch = 256

// Dedup is an index of payload digests as a crawl's revisit decisions use
// it: the first capture of each payload, found before a later capture of
// it is written as a revisit, added once a full response is written.
// DedupIndex keeps one in a file of the collection; the processes of a
// crawl on several machines share one they all reach (the crawler keeps it
// beside their frontier), so a payload one stored is a revisit in another.
type Dedup interface {
	// Lookup returns the original capture of a payload digest, if any.
	Lookup(ctx context.Context, digest string) (Ref, bool, error)
	// Add records original as the capture holding digest, unless one
	// already is.
	Add(ctx context.Context, digest string, original Ref) error
	Close() error
}

// DedupIndex remembers, per payload digest, the first response record that
// stored it, so a later capture of the same payload is written as a
// revisit. It belongs to a collection (or is shared through --dedup-db) and
// outlives crawls. Safe for concurrent use.
//
// Entries reach the file in batches, without fsync: an entry is only added
// after its record reached the WARC file, so what a crash or a power cut
// loses (the batch being gathered, the writes the disk had not taken) costs
// duplicate bodies in a later crawl, never a revisit without its original.
// Close commits the rest and syncs.
type DedupIndex struct {
	db   *bolt.DB
	path string

	commit sync.Mutex // one batch commits at a time, in the order they filled
	mu     sync.Mutex
	// Entries Lookup must see that are not in the file yet: gathering, and
	// in the commit running.
	pending, committing map[string][]byte
}

var _ Dedup = (*DedupIndex)(nil)

// OpenDedupIndex opens or creates the index file at path.
func OpenDedupIndex(path string) (*DedupIndex, error) {
	db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: 5 * time.Second, NoSync: true})
	if err != nil {
		return nil, fmt.Errorf("open dedup index %q: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(dedupBucket)
		return err
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("prepare dedup index %q: %w", path, err), db.Close())
	}
	return &DedupIndex{db: db, path: path, pending: make(map[string][]byte)}, nil
}

// Lookup returns the original capture of a payload digest, if any. The
// index is a local file: ctx is there for the Dedup interface, whose
// shared indexes are reached over the network.
func (d *DedupIndex) Lookup(_ context.Context, digest string) (Ref, bool, error) {
	v, err := d.get(digest)
	if err != nil {
		return Ref{}, false, fmt.Errorf("look up %s in dedup index %q: %w", digest, d.path, err)
	}
	if v == nil {
		return Ref{}, false, nil
	}
	var ref Ref
	if err := json.Unmarshal(v, &ref); err != nil {
		return Ref{}, false, fmt.Errorf("look up %s in dedup index %q: %w", digest, d.path, err)
	}
	return ref, true, nil
}

// get returns the entry of digest, nil if none. The entries not in the
// file yet are looked at first, under one lock: one that leaves them
// afterwards is in the file by the time View reads it.
func (d *DedupIndex) get(digest string) ([]byte, error) {
	d.mu.Lock()
	v, ok := d.pending[digest]
	if !ok {
		v, ok = d.committing[digest]
	}
	d.mu.Unlock()
	if ok {
		return v, nil
	}
	err := d.db.View(func(tx *bolt.Tx) error {
		if found := tx.Bucket(dedupBucket).Get([]byte(digest)); found != nil {
			v = append([]byte(nil), found...) // bbolt's bytes live only as long as the transaction
		}
		return nil
	})
	return v, err
}

// Add records original as the capture holding digest, unless one already
// is. Every dedupBatch entries, the caller commits the batch. ctx is
// unused, as in Lookup.
func (d *DedupIndex) Add(_ context.Context, digest string, original Ref) error {
	if known, err := d.get(digest); err != nil {
		return fmt.Errorf("add %s to dedup index %q: %w", digest, d.path, err)
	} else if known != nil {
		return nil
	}
	v, err := json.Marshal(original)
	if err != nil {
		return err
	}
	d.mu.Lock()
	if _, ok := d.pending[digest]; !ok {
		d.pending[digest] = v
	}
	full := len(d.pending) >= dedupBatch
	d.mu.Unlock()
	if full {
		return d.flush()
	}
	return nil
}

// flush commits the entries gathered so far. An entry whose digest the file
// already holds is dropped: the first capture stays the original.
func (d *DedupIndex) flush() error {
	d.commit.Lock()
	defer d.commit.Unlock()
	d.mu.Lock()
	batch := d.pending
	d.pending, d.committing = make(map[string][]byte), batch
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		d.committing = nil
		d.mu.Unlock()
	}()
	if len(batch) == 0 {
		return nil
	}
	err := d.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(dedupBucket)
		for digest, v := range batch {
			if b.Get([]byte(digest)) != nil {
				continue
			}
			if err := b.Put([]byte(digest), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("add %d entries to dedup index %q: %w", len(batch), d.path, err)
	}
	return nil
}

// Close commits what is pending, syncs and closes the index.
func (d *DedupIndex) Close() error {
	return errors.Join(d.flush(), d.db.Sync(), d.db.Close())
}
