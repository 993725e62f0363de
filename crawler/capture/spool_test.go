package capture

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

// TestSpoolIsTheTransportsSide checks the capture side of the buffer: what
// the transport writes reads back, a reset drops it, and nothing written
// after seal counts. The buffer itself is tested in warc/spool.
func TestSpoolIsTheTransportsSide(t *testing.T) {
	dir := t.TempDir()
	s := newSpool(dir, 64)
	if err := s.write([]byte("a first attempt, dropped")); err != nil {
		t.Fatal(err)
	}
	if err := s.reset(); err != nil {
		t.Fatal(err)
	}
	want := bytes.Repeat([]byte("0123456789"), 10)
	if err := s.write(want); err != nil {
		t.Fatal(err)
	}
	s.seal()
	if err := s.write([]byte("late read")); err != nil {
		t.Fatalf("write after seal: %v", err)
	}
	if err := s.reset(); err != nil {
		t.Fatalf("reset after seal: %v", err)
	}
	if !s.spilled() || s.Size() != int64(len(want)) {
		t.Errorf("spilled %v, size %d; want a spilled spool of %d bytes", s.spilled(), s.Size(), len(want))
	}
	if b := spoolBytes(t, s); !bytes.Equal(b, want) {
		t.Errorf("Bytes = %q, want %q", b, want)
	}
	all, err := io.ReadAll(s.Reader())
	if err != nil || !bytes.Equal(all, want) {
		t.Errorf("Reader read %d bytes, %v; want %d", len(all), err, len(want))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if files := dirEntries(t, dir); len(files) != 0 {
		t.Errorf("spool dir holds %v after Close, want nothing", files)
	}
	if _, err := s.ReadAt(make([]byte, 1), 0); !errors.Is(err, os.ErrClosed) {
		t.Errorf("ReadAt after Close: %v, want os.ErrClosed", err)
	}
}

func TestSpillsLargeBodyToDisk(t *testing.T) {
	payload := strings.Repeat("a large page, ", 20000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, payload)
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	tr, got := newRecorded(t, Options{SpoolDir: dir, MemoryLimit: 4096, Timeout: 10 * time.Second})

	resp, err := get(t, tr, srv.URL)
	if err != nil {
		t.Fatalf("round trip: %v", err)
	}
	drain(t, resp)
	ex := got.only(t)
	if !ex.Response.spilled() {
		t.Fatal("a body over MemoryLimit stayed in memory")
	}
	if files := dirEntries(t, dir); len(files) != 0 {
		t.Fatalf("spool dir holds %v, want nothing: the spill file is unlinked at once", files)
	}
	if body := recordedBody(t, ex); body != payload {
		t.Errorf("recorded body has %d bytes, want %d", len(body), len(payload))
	}
	if err := ex.Close(); err != nil {
		t.Fatal(err)
	}
	if files := dirEntries(t, dir); len(files) != 0 {
		t.Errorf("spool dir holds %v after Close, want nothing", files)
	}
}

func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
