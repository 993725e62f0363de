package warc

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"encoding/base32"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

func readAll(t *testing.T, path string) []Record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Record
	err = ReadRecords(f, func(r Record) error {
		block, err := io.ReadAll(r.BlockReader())
		if err != nil {
			return err
		}
		// Blocks live only until the next record: keep a copy.
		r.Block = bytes.NewReader(block)
		out = append(out, r)
		return nil
	})
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return out
}

func blockString(t *testing.T, r Record) string {
	t.Helper()
	b, err := io.ReadAll(r.BlockReader())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestReaderWalksRecords(t *testing.T) {
	info := warcinfo()
	req := request("22222222-0000-4000-8000-000000000001", "http://example.com/",
		"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")
	resp := response("22222222-0000-4000-8000-000000000002", "http://example.com/", okHTML, "hello",
		"WARC-Concurrent-To: <urn:uuid:22222222-0000-4000-8000-000000000001>",
		"WARC-Concurrent-To: <urn:uuid:22222222-0000-4000-8000-000000000009>",
		"X-Folded: first",
		"  second")
	specs := []recSpec{info, req, resp}

	members := make([][]byte, len(specs))
	plain := make([][]byte, len(specs))
	for i, s := range specs {
		plain[i] = s.bytes()
		members[i] = gz(plain[i])
	}
	for _, tc := range []struct {
		name  string
		parts [][]byte
	}{
		{"test.warc.gz", members},
		{"test.warc", plain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := readAll(t, writeFile(t, tc.name, tc.parts...))
			if len(got) != len(specs) {
				t.Fatalf("read %d records, want %d", len(got), len(specs))
			}
			offset := int64(0)
			for i, r := range got {
				if r.Offset != offset || r.Length != int64(len(tc.parts[i])) {
					t.Errorf("record %d at %d+%d, want %d+%d", i, r.Offset, r.Length, offset, len(tc.parts[i]))
				}
				offset += int64(len(tc.parts[i]))
				if r.Version != "WARC/1.1" || len(r.Problems) != 0 || r.Truncated {
					t.Errorf("record %d: version %q problems %v truncated %v", i, r.Version, r.Problems, r.Truncated)
				}
				if r.Compressed != strings.HasSuffix(tc.name, ".gz") {
					t.Errorf("record %d: compressed = %v", i, r.Compressed)
				}
				if b := blockString(t, r); b != specs[i].block {
					t.Errorf("record %d block %q, want %q", i, b, specs[i].block)
				}
			}
			h := got[2].Header
			wantTo := []string{
				"<urn:uuid:22222222-0000-4000-8000-000000000001>",
				"<urn:uuid:22222222-0000-4000-8000-000000000009>",
			}
			if to := h.Values("warc-concurrent-to"); !slices.Equal(to, wantTo) {
				t.Errorf("WARC-Concurrent-To values %q, want %q", to, wantTo)
			}
			if v := h.Get("X-Folded"); v != "first second" {
				t.Errorf("folded header %q", v)
			}
			if h[0].Name != "WARC-Type" || h[len(h)-1].Name != "Content-Length" {
				t.Errorf("header order lost: %v", h)
			}
		})
	}
}

// TestReaderOffsetsMatchPywb checks offsets and lengths against the index
// pywb wrote for the same files (pywb leaves the end marker out of an
// uncompressed record's length).
func TestReaderOffsetsMatchPywb(t *testing.T) {
	want := map[string]string{} // "file offset" -> length
	f, err := os.Open("testdata/pywb/index.cdxj")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		_, js, _ := strings.Cut(sc.Text(), " {")
		var fields map[string]string
		if err := json.Unmarshal([]byte("{"+js), &fields); err != nil {
			t.Fatal(err)
		}
		want[fields["filename"]+" "+fields["offset"]] = fields["length"]
	}
	checked := 0
	for _, name := range []string{"pywb-a.warc.gz", "pywb-b.warc"} {
		for _, r := range readAll(t, filepath.Join("testdata/pywb", name)) {
			length, ok := want[name+" "+itoa(r.Offset)]
			if !ok {
				continue
			}
			got := r.Length
			if !r.Compressed {
				got -= 4
			}
			if itoa(got) != length {
				t.Errorf("%s record at %d: length %d, pywb says %s", name, r.Offset, got, length)
			}
			checked++
		}
	}
	if checked != len(want) {
		t.Fatalf("matched %d of pywb's %d index lines", checked, len(want))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// bigData feeds size bytes of varied but reproducible data to fn.
func bigData(size int, fn func([]byte)) {
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 4096)
	for i := 0; i < size/len(chunk); i++ {
		chunk[i%len(chunk)]++
		fn(chunk)
	}
}

// writeBigRecord streams a gzip WARC file holding one resource record of
// size bytes to path, without holding the block in memory, and returns
// the block's sha1.
func writeBigRecord(t *testing.T, path string, size int) []byte {
	t.Helper()
	sum := sha1.New()
	bigData(size, func(p []byte) { sum.Write(p) })
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	head := recSpec{headers: []string{
		"WARC-Type: resource",
		"WARC-Record-ID: <urn:uuid:33333333-0000-4000-8000-000000000000>",
		"WARC-Date: " + testDate,
		"WARC-Target-URI: http://example.com/big.bin",
		"Content-Type: application/octet-stream",
		"WARC-Block-Digest: sha1:" + base32.StdEncoding.EncodeToString(sum.Sum(nil)),
		"WARC-Payload-Digest: sha1:" + base32.StdEncoding.EncodeToString(sum.Sum(nil)),
		"Content-Length: " + itoa(int64(size)),
	}, end: "none"}.bytes()
	zw.Write(head)
	bigData(size, func(p []byte) { zw.Write(p) })
	zw.Write([]byte(crlfcrlf))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return sum.Sum(nil)
}

// allocatedBy reports the bytes allocated while fn runs (tests in this
// package do not run in parallel, so nothing else allocates meanwhile).
func allocatedBy(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestLargeRecordsAreStreamed reads and validates a record far larger than
// the memory the reader may use and checks it was streamed, not loaded.
func TestLargeRecordsAreStreamed(t *testing.T) {
	const size = 24 << 20
	const budget = 4 << 20
	path := filepath.Join(t.TempDir(), "big.warc.gz")
	want := writeBigRecord(t, path, size)

	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	got := sha1.New()
	var r Record
	alloc := allocatedBy(func() {
		rd := NewReader(in, ReaderOptions{SpoolDir: t.TempDir(), SpoolMemory: 1 << 20})
		defer rd.Close()
		if r, err = rd.Next(); err == nil {
			_, err = io.Copy(got, r.BlockReader())
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("reading a %d-byte record allocated %d bytes", size, alloc)
	if r.Block.Size() != size || !bytes.Equal(got.Sum(nil), want) || len(r.Problems) != 0 {
		t.Fatalf("block of %d bytes, digest match %v, problems %v", r.Block.Size(), bytes.Equal(got.Sum(nil), want), r.Problems)
	}
	if alloc > budget {
		t.Fatalf("reading a %d-byte record allocated %d bytes: the block was not streamed", size, alloc)
	}

	var rep FileReport
	alloc = allocatedBy(func() {
		rep, err = ValidateFile(context.Background(), path, ValidateOptions{SpoolDir: t.TempDir()})
	})
	t.Logf("validating it allocated %d bytes", alloc)
	if err != nil || rep.Records != 1 || rep.Problems != 0 {
		t.Fatalf("ValidateFile = %+v, %v", rep, err)
	}
	if alloc > budget {
		t.Fatalf("validating a %d-byte record allocated %d bytes: the block was not streamed", size, alloc)
	}

	var index bytes.Buffer
	alloc = allocatedBy(func() { err = IndexFiles(context.Background(), []string{path}, &index) })
	t.Logf("indexing it allocated %d bytes", alloc)
	if err != nil || !strings.HasPrefix(index.String(), "com,example)/big.bin 20240506070809 ") {
		t.Fatalf("IndexFiles = %q, %v", index.String(), err)
	}
	if alloc > budget {
		t.Fatalf("indexing a %d-byte record allocated %d bytes: the block was not streamed", size, alloc)
	}
}

func TestReadRecordsStopsOnCallbackError(t *testing.T) {
	path := writeFile(t, "x.warc", warcinfo().bytes(), warcinfo().bytes())
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stop := errors.New("stop")
	calls := 0
	err = ReadRecords(f, func(Record) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("ReadRecords = %v after %d calls, want the callback's error after 1", err, calls)
	}
}

func TestReaderReturnsReadErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"plain", bytes.Repeat(warcinfo().bytes(), 50)},
		{"gzip", bytes.Repeat(gz(warcinfo().bytes()), 50)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			boom := errors.New("disk on fire")
			src := io.MultiReader(bytes.NewReader(tc.data[:len(tc.data)/2]), iotest.ErrReader(boom))
			rd := NewReader(src, ReaderOptions{})
			defer rd.Close()
			for {
				_, err := rd.Next()
				if errors.Is(err, boom) {
					return
				}
				if err != nil {
					t.Fatalf("Next = %v, want the read error", err)
				}
			}
		})
	}
}
