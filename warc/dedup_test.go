package warc

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestDedupIndexKeepsTheFirstCaptureAcrossReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dedup.db")
	idx, err := OpenDedupIndex(path)
	if err != nil {
		t.Fatal(err)
	}
	first := Ref{TargetURI: "http://a.example/", Date: time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC), RecordID: "<urn:uuid:1>"}
	if err := idx.Add(t.Context(), "sha1:AAAA", first); err != nil {
		t.Fatal(err)
	}
	// Later captures of the same payload, at once, change nothing.
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := idx.Add(t.Context(), "sha1:AAAA", Ref{TargetURI: "http://b.example/", RecordID: "<urn:uuid:2>"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if _, found, err := idx.Lookup(t.Context(), "sha1:BBBB"); err != nil || found {
		t.Errorf("Lookup of an unknown digest = found %v, err %v", found, err)
	}
	idx = reopenDedupIndex(t, idx, path)
	defer idx.Close()
	got, found, err := idx.Lookup(t.Context(), "sha1:AAAA")
	if err != nil || !found {
		t.Fatalf("Lookup after reopen: found %v, err %v", found, err)
	}
	if got.TargetURI != first.TargetURI || !got.Date.Equal(first.Date) || got.RecordID != first.RecordID {
		t.Errorf("Lookup = %+v, want the first capture %+v", got, first)
	}
}

// Entries are committed in batches: one not in the file yet is found all
// the same, and every one is in the file once the index is closed.
func TestDedupIndexFindsEntriesBeforeTheyAreCommitted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dedup.db")
	idx, err := OpenDedupIndex(path)
	if err != nil {
		t.Fatal(err)
	}
	const n = dedupBatch*2 + 3 // two commits, and three entries left gathering
	ref := func(i int) Ref {
		return Ref{TargetURI: fmt.Sprintf("http://a.example/%d", i), Date: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), RecordID: fmt.Sprintf("<urn:uuid:%d>", i)}
	}
	digest := func(i int) string { return fmt.Sprintf("sha1:D%05d", i) }
	check := func(idx *DedupIndex, when string) {
		t.Helper()
		for i := range n {
			got, found, err := idx.Lookup(t.Context(), digest(i))
			if err != nil || !found || got.TargetURI != ref(i).TargetURI {
				t.Fatalf("%s: Lookup(%s) = %+v, found %v, err %v; want %+v", when, digest(i), got, found, err, ref(i))
			}
		}
	}
	for i := range n {
		if err := idx.Add(t.Context(), digest(i), ref(i)); err != nil {
			t.Fatal(err)
		}
		// A later capture of a payload just added changes nothing.
		if err := idx.Add(t.Context(), digest(i), Ref{TargetURI: "http://b.example/"}); err != nil {
			t.Fatal(err)
		}
	}
	check(idx, "before Close")
	idx = reopenDedupIndex(t, idx, path)
	defer idx.Close()
	check(idx, "after reopen")
}

// reopenDedupIndex closes idx and opens the file at path again.
func reopenDedupIndex(t *testing.T, idx *DedupIndex, path string) *DedupIndex {
	t.Helper()
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	idx, err := OpenDedupIndex(path)
	if err != nil {
		t.Fatal(err)
	}
	return idx
}
