package spool

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// leftFiles lists what dir holds: a spool file is unlinked as soon as it
// is made, so it should hold nothing.
func leftFiles(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// checkHolds reads b every way it can be read and compares with want.
func checkHolds(t *testing.T, b *Buffer, want []byte) {
	t.Helper()
	if b.Size() != int64(len(want)) {
		t.Errorf("Size %d, want %d", b.Size(), len(want))
	}
	if got, err := b.Bytes(); err != nil || !bytes.Equal(got, want) {
		t.Errorf("Bytes = %d bytes, %v; differ from the %d written", len(got), err, len(want))
	}
	all, err := io.ReadAll(b.Reader())
	if err != nil || !bytes.Equal(all, want) {
		t.Errorf("Reader read %d bytes, %v; want %d", len(all), err, len(want))
	}
	for _, off := range []int64{0, 1, 63, 64, int64(len(want)) - 3} {
		if off < 0 || off >= int64(len(want)) {
			continue
		}
		p := make([]byte, 5)
		n, err := b.ReadAt(p, off)
		wantN := min(5, int64(len(want))-off)
		if int64(n) != wantN || !bytes.Equal(p[:n], want[off:off+wantN]) || (int64(n) < 5) != errors.Is(err, io.EOF) {
			t.Errorf("ReadAt(5, %d) = %d, %v; want %d bytes", off, n, err, wantN)
		}
	}
}

func TestBuffer(t *testing.T) {
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
			b := New(dir, limit)
			var want []byte
			for i, n := range tc.writes {
				p := bytes.Repeat([]byte{byte('a' + i)}, n)
				p[0] = byte('0' + i)
				if n, err := b.Write(p); err != nil || n != len(p) {
					t.Fatalf("Write = %d, %v", n, err)
				}
				want = append(want, p...)
			}
			b.Seal()
			if n, err := b.Write([]byte("after seal")); err != nil || n != len("after seal") {
				t.Fatalf("Write after Seal = %d, %v; want it dropped quietly", n, err)
			}
			if err := b.Reset(); err != nil {
				t.Fatalf("Reset after Seal: %v", err)
			}
			if b.Spilled() != tc.wantSpill {
				t.Errorf("spilled to a file: %v, want %v", b.Spilled(), tc.wantSpill)
			}
			// A spill file is unlinked as soon as it is made.
			if files := leftFiles(t, dir); len(files) != 0 {
				t.Errorf("spool dir holds %v, want nothing", files)
			}
			checkHolds(t, b, want)
			if err := b.Close(); err != nil {
				t.Fatalf("close: %v", err)
			}
			if err := b.Close(); err != nil {
				t.Fatalf("second close: %v", err)
			}
			if files := leftFiles(t, dir); len(files) != 0 {
				t.Errorf("spool dir holds %v after Close, want nothing", files)
			}
			if _, err := b.ReadAt(make([]byte, 1), 0); !errors.Is(err, os.ErrClosed) {
				t.Errorf("ReadAt after Close: %v, want os.ErrClosed", err)
			}
		})
	}
}

// TestBufferReset reuses one buffer for contents of changing size, as the
// WARC reader does record after record: each reads back exactly, whether it
// lives in memory or in the file an earlier one spilled to.
func TestBufferReset(t *testing.T) {
	dir := t.TempDir()
	b := New(dir, 64)
	defer b.Close()
	for i, size := range []int{300, 10, 500, 64, 65, 0, 1000, 3} {
		if err := b.Reset(); err != nil {
			t.Fatalf("Reset %d: %v", i, err)
		}
		want := bytes.Repeat([]byte{byte('A' + i)}, size)
		for p := want; len(p) > 0; p = p[min(len(p), 7):] {
			if _, err := b.Write(p[:min(len(p), 7)]); err != nil {
				t.Fatal(err)
			}
		}
		if b.Spilled() != (size > 64) {
			t.Errorf("contents %d (%d bytes): spilled %v", i, size, b.Spilled())
		}
		checkHolds(t, b, want)
	}
	if files := leftFiles(t, dir); len(files) != 0 {
		t.Errorf("spool dir holds %v, want nothing", files)
	}
}

// TestBufferConcurrentReads reads a sealed buffer from several goroutines
// while late writes arrive, as a recorded exchange is read by the WARC
// writer while a torn-down connection still delivers bytes. Run with -race.
func TestBufferConcurrentReads(t *testing.T) {
	b := New(t.TempDir(), 16)
	defer b.Close()
	want := bytes.Repeat([]byte("0123456789"), 10)
	if _, err := b.Write(want); err != nil {
		t.Fatal(err)
	}
	b.Seal()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 50 {
				if got, err := io.ReadAll(b.Reader()); err != nil || !bytes.Equal(got, want) {
					t.Errorf("read %q, %v", got, err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for range 50 {
			_, _ = b.Write([]byte("late"))
		}
	})
	wg.Wait()
}
