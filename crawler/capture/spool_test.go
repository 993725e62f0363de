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

func TestSpool(t *testing.T) {
	const limit = 64
	tests := []struct {
		name      string
		writes    []int // sizes of successive writes
		wantSpill bool
	}{
		{name: "empty", writes: nil},
		{name: "under the limit", writes: []int{10, 20}},
		{name: "exactly the limit", writes: []int{32, 32}},
		{name: "one write past the limit", writes: []int{200}, wantSpill: true},
		{name: "spills on the second write", writes: []int{60, 10, 300}, wantSpill: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := newSpool(dir, limit)
			var want []byte
			for i, n := range tc.writes {
				p := bytes.Repeat([]byte{byte('a' + i)}, n)
				p[0] = byte('0' + i)
				if err := s.write(p); err != nil {
					t.Fatalf("write: %v", err)
				}
				want = append(want, p...)
			}
			s.seal()
			if err := s.write([]byte("after seal")); err != nil {
				t.Fatalf("write after seal: %v", err)
			}
			if (s.file != nil) != tc.wantSpill {
				t.Errorf("spilled to a file: %v, want %v", s.file != nil, tc.wantSpill)
			}
			// A spill file is unlinked as soon as it is made.
			if files := dirEntries(t, dir); len(files) != 0 {
				t.Errorf("spool dir holds %v, want nothing", files)
			}
			if s.Size() != int64(len(want)) {
				t.Errorf("Size %d, want %d", s.Size(), len(want))
			}
			if b := spoolBytes(t, s); !bytes.Equal(b, want) {
				t.Errorf("Bytes differ from what was written")
			}
			all, err := io.ReadAll(s.Reader())
			if err != nil || !bytes.Equal(all, want) {
				t.Errorf("Reader read %d bytes, %v; want %d", len(all), err, len(want))
			}
			for _, off := range []int64{0, 1, limit - 1, limit, int64(len(want)) - 3} {
				if off < 0 || off >= int64(len(want)) {
					continue
				}
				p := make([]byte, 5)
				n, err := s.ReadAt(p, off)
				wantN := min(5, int64(len(want))-off)
				if int64(n) != wantN || !bytes.Equal(p[:n], want[off:off+wantN]) || (int64(n) < 5) != errors.Is(err, io.EOF) {
					t.Errorf("ReadAt(5, %d) = %d, %v; want %d bytes", off, n, err, wantN)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatalf("close: %v", err)
			}
			if err := s.Close(); err != nil {
				t.Fatalf("second close: %v", err)
			}
			if files := dirEntries(t, dir); len(files) != 0 {
				t.Errorf("spool dir holds %v after Close, want nothing", files)
			}
			if _, err := s.ReadAt(make([]byte, 1), 0); !errors.Is(err, os.ErrClosed) {
				t.Errorf("ReadAt after Close: %v, want os.ErrClosed", err)
			}
		})
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
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatal(err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
	ex := got.only(t)
	if ex.Response.file == nil {
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
