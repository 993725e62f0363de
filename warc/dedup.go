package warc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

var dedupBucket = []byte("payload-digests")

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
type DedupIndex struct {
	db   *bolt.DB
	path string
}

// OpenDedupIndex opens or creates the index file at path.
func OpenDedupIndex(path string) (*DedupIndex, error) {
	// NoSync: an entry is only added after its record reached the WARC file,
	// and losing entries on a power cut costs duplicate bodies, never a
	// revisit without its original. Close syncs.
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
	return &DedupIndex{db: db, path: path}, nil
}

// Lookup returns the original capture of a payload digest, if any.
func (d *DedupIndex) Lookup(digest string) (Ref, bool, error) {
	var ref Ref
	var found bool
	err := d.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(dedupBucket).Get([]byte(digest))
		if v == nil {
			return nil
		}
		found = true
		return json.Unmarshal(v, &ref)
	})
	if err != nil {
		return Ref{}, false, fmt.Errorf("look up %s in dedup index %q: %w", digest, d.path, err)
	}
	return ref, found, nil
}

// Add records original as the capture holding digest, unless one already is.
func (d *DedupIndex) Add(digest string, original Ref) error {
	v, err := json.Marshal(original)
	if err != nil {
		return err
	}
	err = d.db.Batch(func(tx *bolt.Tx) error {
		b := tx.Bucket(dedupBucket)
		if b.Get([]byte(digest)) != nil {
			return nil
		}
		return b.Put([]byte(digest), v)
	})
	if err != nil {
		return fmt.Errorf("add %s to dedup index %q: %w", digest, d.path, err)
	}
	return nil
}

// Close syncs and closes the index.
func (d *DedupIndex) Close() error {
	return errors.Join(d.db.Sync(), d.db.Close())
}
