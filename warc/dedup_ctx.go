package warc

import "context"

// AsDedup is d as a Dedup: a file of the collection's own needs no context.
func (d *DedupIndex) AsDedup() Dedup { return localDedup{d} }

type localDedup struct{ *DedupIndex }

func (l localDedup) Lookup(_ context.Context, digest string) (Ref, bool, error) {
	return l.DedupIndex.Lookup(digest)
}

func (l localDedup) Add(_ context.Context, digest string, original Ref) error {
	return l.DedupIndex.Add(digest, original)
}
