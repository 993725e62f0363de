package warc

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var fileNamePattern = regexp.MustCompile(`^arkisto-\d{17}-(\d{5})-[A-Za-z0-9._-]+\.warc\.gz$`)

func TestWriterRotation(t *testing.T) {
	s := newCaptureServer(t)
	rng := rand.New(rand.NewPCG(1, 2))
	noise := func(n int) []byte { // incompressible, so sizes on disk are predictable
		p := make([]byte, n)
		for i := range p {
			p[i] = byte(rng.Uint32())
		}
		return p
	}
	tests := []struct {
		name      string
		maxSize   int64
		bodySizes []int
	}{
		{name: "many small exchanges", maxSize: 8 << 10, bodySizes: []int{3000, 3000, 3000, 3000, 3000, 3000, 3000, 3000, 3000}},
		{name: "one exchange bigger than max size", maxSize: 4 << 10, bodySizes: []int{1000, 20000, 1000}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var mu sync.Mutex
			closed := map[string]int64{}
			w := newTestWriter(t, Options{Dir: dir, MaxSize: tc.maxSize, Info: Info{Software: "arkisto-test"},
				OnFileClosed: func(path string, size int64) {
					mu.Lock()
					defer mu.Unlock()
					closed[path] = size
				}})
			type pair struct {
				resp, req Written
				block     []byte
			}
			var pairs []pair
			for _, n := range tc.bodySizes {
				body := noise(n)
				block := append([]byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n", n)), body...)
				resp, req, err := w.WriteExchange(Exchange{TargetURI: "http://example.test/" + fmt.Sprint(len(pairs)),
					Date: time.Now(), Request: s.request("GET", "/", ""), Response: bytes.NewReader(block)})
				if err != nil {
					t.Fatal(err)
				}
				if resp.File != req.File {
					t.Errorf("pair split across %s and %s", resp.File, req.File)
				}
				pairs = append(pairs, pair{resp, req, block})
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatalf("second Close: %v", err)
			}
			files := warcFiles(t, dir)
			if len(files) < 2 {
				t.Fatalf("%d files, want rotation", len(files))
			}
			if len(closed) != len(files) {
				t.Errorf("OnFileClosed called for %d files, %d exist", len(closed), len(files))
			}
			byFile := map[string][]handRecord{}
			for i, path := range files {
				m := fileNamePattern.FindStringSubmatch(filepath.Base(path))
				if m == nil || m[1] != fmt.Sprintf("%05d", i) {
					t.Errorf("file name %s, want serial %05d", filepath.Base(path), i)
				}
				st, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				if closed[path] != st.Size() {
					t.Errorf("OnFileClosed reported %d bytes for %s, it has %d", closed[path], path, st.Size())
				}
				if i < len(files)-1 && st.Size() < tc.maxSize {
					t.Errorf("%s closed at %d bytes, before reaching %d", path, st.Size(), tc.maxSize)
				}
				recs := readMembersByHand(t, path)
				checkWarcinfo(t, recs[0], filepath.Base(path), "1.1")
				if (len(recs)-1)%2 != 0 || len(recs) < 3 {
					t.Errorf("%s holds %d records after its warcinfo, want whole pairs", path, len(recs)-1)
				}
				checkWithGowarc(t, path, "1.1", recs, false, "")
				byFile[filepath.Base(path)] = recs
			}
			for _, p := range pairs {
				recs := byFile[p.resp.File]
				found := false
				for i := 1; i+1 < len(recs); i += 2 {
					if recs[i].get("WARC-Record-ID") == p.resp.RecordID {
						found = true
						checkHandRecord(t, recs[i], p.resp, p.block, "1.1")
						checkHandRecord(t, recs[i+1], p.req, s.request("GET", "/", ""), "1.1")
					}
				}
				if !found {
					t.Errorf("response %s not in %s", p.resp.RecordID, p.resp.File)
				}
			}
		})
	}
}

func TestWriterConcurrent(t *testing.T) {
	s := newCaptureServer(t)
	page := s.capture(t, s.request("GET", "/page", ""))
	chunked := s.capture(t, s.request("GET", "/chunked", ""))
	dir := t.TempDir()
	w := newTestWriter(t, Options{Dir: dir, MaxSize: 64 << 10})
	const workers, each = 6, 20
	results := make([][]Written, workers)
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			for i := range each {
				block := page
				if i%2 == 1 {
					block = chunked
				}
				resp, req, err := w.WriteExchange(Exchange{TargetURI: fmt.Sprintf("http://example.test/%d/%d", g, i),
					Request: s.request("GET", "/", ""), Response: bytes.NewReader(block)})
				if err != nil {
					t.Error(err)
					return
				}
				_ = w.CurrentSize() // read under concurrent writes, for the race detector
				results[g] = append(results[g], resp, req)
			}
		})
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	records := map[string]handRecord{}
	for _, path := range warcFiles(t, dir) {
		recs := readMembersByHand(t, path)
		for i, rec := range recs {
			if i%2 == 1 && recs[i+1].get("WARC-Concurrent-To") != rec.get("WARC-Record-ID") {
				t.Errorf("%s: record %d is not followed by its request", path, i)
			}
			records[rec.get("WARC-Record-ID")] = rec
		}
	}
	for _, written := range results {
		for _, wr := range written {
			rec, ok := records[wr.RecordID]
			if !ok || rec.get("WARC-Target-URI") != wr.TargetURI || rec.get("WARC-Block-Digest") != wr.BlockDigest {
				t.Errorf("%s (%s) not found as written", wr.RecordID, wr.TargetURI)
			}
			checkMemberAt(t, filepath.Join(dir, wr.File), wr, "1.1")
		}
	}
	if want := workers*each*2 + len(warcFiles(t, dir)); len(records) != want {
		t.Errorf("%d records in the files, want %d", len(records), want)
	}
}

// failingBlock reads fine on its first pass (the digests) and fails after
// failAfter bytes on the second (the copy into the file), as a spool file on
// a failing disk would.
type failingBlock struct {
	*bytes.Reader
	failAfter int64
	mu        sync.Mutex
	passes    int
}

var errDiskRead = errors.New("disk read failed")

func (b *failingBlock) ReadAt(p []byte, off int64) (int, error) {
	b.mu.Lock()
	if off == 0 {
		b.passes++
	}
	second := b.passes > 1
	b.mu.Unlock()
	if second && off+int64(len(p)) > b.failAfter {
		return 0, errDiskRead
	}
	return b.Reader.ReadAt(p, off)
}

func TestWriterRollsBackFailedExchange(t *testing.T) {
	s := newCaptureServer(t)
	page := s.capture(t, s.request("GET", "/page", ""))
	dir := t.TempDir()
	w := newTestWriter(t, Options{Dir: dir})
	good := func(path string) Exchange {
		return Exchange{TargetURI: "http://example.test" + path, Request: s.request("GET", path, ""), Response: bytes.NewReader(page)}
	}
	first, _, err := w.WriteExchange(good("/first"))
	if err != nil {
		t.Fatal(err)
	}
	sizeBefore := w.CurrentSize()

	// 1 MiB of noise fails after 600 KiB: past the file's 256 KiB buffer, so
	// part of the broken member is already on disk and must be cut off.
	noise := make([]byte, 1<<20)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	big := append([]byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", len(noise))), noise...)
	bad := good("/bad")
	bad.Response = &failingBlock{Reader: bytes.NewReader(big), failAfter: 600 << 10}
	_, _, err = w.WriteExchange(bad)
	if !errors.Is(err, errDiskRead) || !strings.Contains(err.Error(), first.File+openSuffix) {
		t.Fatalf("error %v, want errDiskRead naming %s", err, first.File+openSuffix)
	}
	if got := w.CurrentSize(); got != sizeBefore {
		t.Errorf("size after failed write %d, want %d", got, sizeBefore)
	}
	st, err := os.Stat(filepath.Join(dir, first.File+openSuffix))
	if err != nil || st.Size() != sizeBefore {
		t.Errorf("file on disk after failed write: %v, %v bytes; want %d", err, st.Size(), sizeBefore)
	}
	last, _, err := w.WriteExchange(good("/last"))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	recs := readMembersByHand(t, filepath.Join(dir, last.File))
	if len(recs) != 5 || recs[1].get("WARC-Target-URI") != "http://example.test/first" || recs[3].get("WARC-Target-URI") != "http://example.test/last" {
		t.Errorf("file holds %d records, want warcinfo and the two good pairs", len(recs))
	}
	checkWithGowarc(t, filepath.Join(dir, last.File), "1.1", recs, false, "")
}

func TestWriterRejects(t *testing.T) {
	s := newCaptureServer(t)
	resp := bytes.NewReader(s.capture(t, s.request("GET", "/empty", "")))
	ok := Exchange{TargetURI: "http://example.test/", Request: s.request("GET", "/", ""), Response: resp}
	tests := []struct {
		name   string
		change func(*Exchange)
		want   error
	}{
		{name: "empty response", change: func(ex *Exchange) { ex.Response = bytes.NewReader(nil) }, want: ErrEmptyResponse},
		{name: "nil response", change: func(ex *Exchange) { ex.Response = nil }, want: ErrEmptyResponse},
		{name: "empty request", change: func(ex *Exchange) { ex.Request = nil }, want: ErrEmptyRequest},
		{name: "line break in uri", change: func(ex *Exchange) { ex.TargetURI = "http://example.test/\r\nWARC-Type: x" }},
		{name: "empty uri", change: func(ex *Exchange) { ex.TargetURI = "" }},
		{name: "bad ip", change: func(ex *Exchange) { ex.IP = "127.0.0.1\r\n" }},
		{name: "unknown truncation", change: func(ex *Exchange) { ex.Truncated = "size" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			w := newTestWriter(t, Options{Dir: dir})
			ex := ok
			tc.change(&ex)
			_, _, err := w.WriteExchange(ex)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if files := warcFiles(t, dir); len(files) != 0 {
				t.Errorf("rejected exchange left files %v", files)
			}
		})
	}
	t.Run("after close", func(t *testing.T) {
		w := newTestWriter(t, Options{})
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.WriteExchange(ok); !errors.Is(err, ErrWriterClosed) {
			t.Errorf("error %v, want ErrWriterClosed", err)
		}
	})
}

func TestNewWriterRejects(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{name: "version", opts: Options{Version: "2.0"}},
		{name: "negative max size", opts: Options{MaxSize: -1}},
		{name: "prefix with separator", opts: Options{Prefix: "a/b"}},
		{name: "gzip level above 9", opts: Options{GzipLevel: 10}},
		{name: "negative gzip level", opts: Options{GzipLevel: -1}},
		{name: "line break in info", opts: Options{Info: Info{Operator: "me\r\nWARC-Type: x"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Dir = t.TempDir()
			if _, err := NewWriter(tc.opts); err == nil {
				t.Error("NewWriter accepted bad options")
			}
		})
	}
}

// TestWriterGzipLevels writes the same exchanges at every level: the
// records read back the same, one gzip member each, and a higher level
// never takes more bytes on disk than level 1 does.
func TestWriterGzipLevels(t *testing.T) {
	s := newCaptureServer(t)
	sizes := map[int]int64{}
	for _, level := range []int{1, 3, 6, 9} {
		t.Run(fmt.Sprint("level ", level), func(t *testing.T) {
			for _, tc := range exchangeCases(t, s) {
				resp, req, file := writeOne(t, Options{GzipLevel: level}, tc.ex)
				checkExchangeFile(t, file, "1.1", tc, resp, req)
				sizes[level] += resp.Length + req.Length
			}
		})
	}
	if sizes[9] > sizes[1] {
		t.Errorf("level 9 wrote %d bytes, level 1 %d", sizes[9], sizes[1])
	}
}

func BenchmarkWriteExchange(b *testing.B) {
	s := newCaptureServer(b)
	req := s.request("GET", "/page", "")
	page := s.capture(b, req)
	w := newTestWriter(b, Options{Dir: b.TempDir()})
	ex := Exchange{TargetURI: "http://example.test/page", IP: "127.0.0.1", Request: req, Response: bytes.NewReader(page)}
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := w.WriteExchange(ex); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}
