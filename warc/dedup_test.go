package warc

import (
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
	if err := idx.Add("sha1:AAAA", first); err != nil {
		t.Fatal(err)
	}
	// Later captures of the same payload, at once, change nothing.
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := idx.Add("sha1:AAAA", Ref{TargetURI: "http://b.example/", RecordID: "<urn:uuid:2>"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if _, found, err := idx.Lookup("sha1:BBBB"); err != nil || found {
		t.Errorf("Lookup of an unknown digest = found %v, err %v", found, err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}

	idx, err = OpenDedupIndex(path)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	got, found, err := idx.Lookup("sha1:AAAA")
	if err != nil || !found {
		t.Fatalf("Lookup after reopen: found %v, err %v", found, err)
	}
	if got.TargetURI != first.TargetURI || !got.Date.Equal(first.Date) || got.RecordID != first.RecordID {
		t.Errorf("Lookup = %+v, want the first capture %+v", got, first)
	}
}
