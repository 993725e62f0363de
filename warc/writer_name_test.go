package warc

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// frozenName is the name a writer whose clock is stopped at
// 2025-03-01T12:30:45.678Z gives its file with the given serial.
func frozenName(w *Writer, serial int) string {
	return fmt.Sprintf("arkisto-20250301123045678-%05d-%s.warc.gz", serial, w.host)
}

// TestWriterSkipsTakenNames puts files in the writer's way under the names
// it would pick: a closed (or repaired) file and an open one. The writer
// must move on to the next serial and leave both alone.
func TestWriterSkipsTakenNames(t *testing.T) {
	s := newCaptureServer(t)
	req := s.request("GET", "/page", "")
	ex := Exchange{TargetURI: "http://example.test/page", Request: req, Response: bytes.NewReader(s.capture(t, req))}
	frozen := time.Date(2025, 3, 1, 12, 30, 45, 678000000, time.UTC)
	dir := t.TempDir()
	w := newTestWriter(t, Options{Dir: dir})
	w.now = func() time.Time { return frozen }
	taken := map[string][]byte{
		frozenName(w, 0):              []byte("a repaired file from an earlier run"),
		frozenName(w, 1) + openSuffix: []byte("another writer's open file"),
	}
	for name, content := range taken {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	resp, _, err := w.WriteExchange(ex)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if want := frozenName(w, 2); resp.File != want {
		t.Errorf("writer chose %s, want %s", resp.File, want)
	}
	for name, content := range taken {
		if got, err := os.ReadFile(filepath.Join(dir, name)); err != nil || !bytes.Equal(got, content) {
			t.Errorf("%s changed: %v", name, err)
		}
	}
	rep, err := ValidateFile(context.Background(), filepath.Join(dir, resp.File), ValidateOptions{})
	if err != nil || rep.Problems != 0 || rep.Records != 3 {
		t.Errorf("ValidateFile = %+v, %v", rep, err)
	}
}

// TestWritersShareAFolder runs two writers with one prefix and one frozen
// clock side by side, each closing a file after every exchange: every file
// must be whole and none replaced by another.
func TestWritersShareAFolder(t *testing.T) {
	s := newCaptureServer(t)
	req := s.request("GET", "/page", "")
	page := s.capture(t, req)
	frozen := time.Date(2025, 3, 1, 12, 30, 45, 678000000, time.UTC)
	dir := t.TempDir()
	const writers, each = 2, 5
	var wg sync.WaitGroup
	written := make([][]Written, writers)
	for g := range writers {
		w := newTestWriter(t, Options{Dir: dir, MaxSize: 1})
		w.now = func() time.Time { return frozen }
		wg.Go(func() {
			defer func() {
				if err := w.Close(); err != nil {
					t.Error(err)
				}
			}()
			for i := range each {
				resp, _, err := w.WriteExchange(Exchange{TargetURI: fmt.Sprintf("http://example.test/%d/%d", g, i),
					Request: req, Response: bytes.NewReader(page)})
				if err != nil {
					t.Error(err)
					return
				}
				written[g] = append(written[g], resp)
			}
		})
	}
	wg.Wait()
	files := warcFiles(t, dir)
	if len(files) != writers*each {
		t.Fatalf("%d files, want %d", len(files), writers*each)
	}
	for _, ws := range written {
		for _, wr := range ws {
			checkMemberAt(t, filepath.Join(dir, wr.File), wr, "1.1")
		}
	}
	sum, err := ValidatePaths(context.Background(), []string{dir}, ValidateOptions{})
	if err != nil || !sum.OK() || sum.Records != 3*writers*each {
		t.Errorf("ValidatePaths = %+v, %v", sum, err)
	}
}
